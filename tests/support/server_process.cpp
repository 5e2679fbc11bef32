#include "support/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/application.hpp"
#include "pacte/plugin.hpp"
#include "support/test_server.hpp"

namespace pacte::test {

namespace {
std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

ServerProcess::ServerProcess(const std::string& binary, const std::filesystem::path& data_dir,
                             const nlohmann::json& limits, const nlohmann::json& store) {
  std::filesystem::create_directories(data_dir);
  auto config = data_dir.string() + ".json";
  log_ = data_dir.string() + ".log";
  nlohmann::json plugins = nlohmann::json::array();
  for (auto& p : Application::compiled_plugins()) plugins.push_back(p->name());
  nlohmann::json c = {
      {"listen", "127.0.0.1:0"},
      {"data_dir", data_dir.string()},
      {"web_root", (data_dir.string() + "-web")},
      {"public_url", kOrigin},
      {"allowed_origins", {kOrigin}},
      {"log_level", "error"},
      {"store", {{"synchronous", "full"}}},
      {"limits", nlohmann::json::object()},
      {"plugins", plugins},
      {"pacts", {std::string(PACTE_SOURCE_DIR) + "/config/pacts/chambery-2023.json"}}};
  c["limits"].update(limits);
  c["store"].update(store);
  std::ofstream(config) << c.dump(2);
  std::vector<std::string> args = {
      binary, "serve", "--config", config, "--demo-password", kPassword, "--password-cost", "test"};
  // The log is appended to across restarts: only what this start writes counts.
  std::uintmax_t start_size = std::filesystem::exists(log_) ? std::filesystem::file_size(log_) : 0;
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);  // exec failed: the child ends as a shell would, and the wait below reports it
  }
  // Wait for "Pacte is running: open http://127.0.0.1:<port>" in this start's output.
  const std::string marker = "Pacte is running: open http://127.0.0.1:";
  bool exited = false;
  bool started = wait_until(
      [&] {
        std::string out = read_all(log_);
        auto at = out.rfind(marker);
        if (at != std::string::npos && at >= start_size && out.find('\n', at) != std::string::npos) {
          port_ = static_cast<std::uint16_t>(std::stoi(out.substr(at + marker.size())));
          return true;
        }
        int status = 0;
        exited = ::waitpid(pid_, &status, WNOHANG) == pid_;
        return exited;
      },
      std::chrono::seconds(60));
  if (exited) {
    pid_ = -1;
    throw std::runtime_error("pacte exited at start: " + read_all(log_));
  }
  if (started) return;
  kill_hard();
  throw std::runtime_error("pacte did not start in 60 s: " + read_all(log_));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill_hard();
}

void ServerProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ServerProcess::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::int64_t ServerProcess::rss_kib() const {
  if (pid_ <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  return 0;
}

std::string ServerProcess::output() const {
  return read_all(log_);
}

}  // namespace pacte::test
