// The real `pacte` binary as a child process, for the tests that must kill it (SIGKILL at
// any moment) or measure it from outside (its resident memory).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace pacte::test {

class ServerProcess {
 public:
  /// Writes a configuration beside `data_dir` (loopback, any free port, the test origin,
  /// the demo pact, the test password cost; `limits` merged into "limits", `store` into
  /// "store") and starts `binary serve` (the tests pass PACTE_BINARY) on it; waits until it
  /// listens. Throws on failure.
  ServerProcess(const std::string& binary, const std::filesystem::path& data_dir,
                const nlohmann::json& limits = nlohmann::json::object(),
                const nlohmann::json& store = nlohmann::json::object());
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  /// SIGKILL, as a power cut would: no drain, no checkpoint. Waits for the process.
  void kill_hard();
  /// SIGTERM (graceful stop); returns the exit status.
  int stop();
  /// Resident set size in KiB (VmRSS), 0 if unknown.
  std::int64_t rss_kib() const;
  /// What the process wrote on stdout and stderr.
  std::string output() const;

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace pacte::test
