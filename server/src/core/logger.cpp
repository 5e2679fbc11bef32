#include "core/logger.hpp"

#include <chrono>
#include <cstdio>

#include "core/clock.hpp"

namespace pacte {

Logger& Logger::instance() {
  static Logger logger;
  return logger;
}

bool Logger::parse_level(std::string_view s, LogLevel& out) {
  if (s == "debug") out = LogLevel::debug;
  else if (s == "info") out = LogLevel::info;
  else if (s == "warn") out = LogLevel::warn;
  else if (s == "error") out = LogLevel::error;
  else return false;
  return true;
}

void Logger::write(LogLevel level, std::string_view event, const nlohmann::json& fields) {
  if (!enabled(level)) return;
  static const char* names[] = {"debug", "info", "warn", "error"};
  nlohmann::json line = {{"time", format_time(std::chrono::system_clock::now())},
                         {"level", names[static_cast<int>(level)]},
                         {"event", event}};
  if (fields.is_object())
    for (auto& [k, v] : fields.items()) line[k] = v;
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(mutex_);
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
}

}  // namespace pacte
