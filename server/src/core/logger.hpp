// Structured logging: one JSON object a line on stderr. Never log message bodies or secrets.
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <string_view>

namespace pacte {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

class Logger {
 public:
  /// The process-wide logger. Thread-safe.
  static Logger& instance();
  void set_level(LogLevel level) { level_ = level; }
  static bool parse_level(std::string_view s, LogLevel& out);
  bool enabled(LogLevel level) const { return level >= level_; }
  void write(LogLevel level, std::string_view event, const nlohmann::json& fields = nlohmann::json::object());

 private:
  LogLevel level_ = LogLevel::info;
  std::mutex mutex_;
};

inline void log_info(std::string_view event, const nlohmann::json& f = nlohmann::json::object()) {
  Logger::instance().write(LogLevel::info, event, f);
}
inline void log_warn(std::string_view event, const nlohmann::json& f = nlohmann::json::object()) {
  Logger::instance().write(LogLevel::warn, event, f);
}
inline void log_error(std::string_view event, const nlohmann::json& f = nlohmann::json::object()) {
  Logger::instance().write(LogLevel::error, event, f);
}
inline void log_debug(std::string_view event, const nlohmann::json& f = nlohmann::json::object()) {
  Logger::instance().write(LogLevel::debug, event, f);
}

}  // namespace pacte
