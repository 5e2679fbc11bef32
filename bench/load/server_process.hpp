// A server under test, started by the load generator as a child process so that its CPU
// time and resident memory can be read from /proc/<pid>.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace pacte::bench {

class ServerProcess {
 public:
  /// Runs `/bin/sh -c "exec <command>"` (so the pid is the server's own, through
  /// `taskset`), output appended to `log_file`, then waits until 127.0.0.1:`port` accepts
  /// connections. Throws if it exits or does not listen within `wait_seconds`.
  ServerProcess(const std::string& command, std::uint16_t port, const std::string& log_file,
                double wait_seconds = 30);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  /// SIGTERM, then SIGKILL after 10 s.
  void stop();
  [[nodiscard]] pid_t pid() const { return pid_; }
  /// CPU time consumed so far, in seconds, split into user space and kernel
  /// (/proc/<pid>/stat utime and stime, 10 ms ticks).
  struct CpuTimes {
    double user = 0;
    double system = 0;
    [[nodiscard]] double total() const { return user + system; }
  };
  [[nodiscard]] CpuTimes cpu_times() const;
  /// Resident set size in bytes (/proc/<pid>/status, VmRSS).
  [[nodiscard]] std::int64_t rss_bytes() const;

 private:
  pid_t pid_ = -1;
};

/// Runs a command to completion and returns its standard output; throws on a non-zero exit.
std::string run_command(const std::string& command);

}  // namespace pacte::bench
