// A prepared SQL statement on the engine's connection. Plugins use it through Context.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3_stmt;  // opaque: no SQLite header leaks into the SDK

namespace pacte {

/// A cached prepared statement. Not thread-safe: engine thread only. Obtained from
/// Context::sql(); it is reset and its bindings cleared each time it is handed out.
/// Parameters are 1-based as in SQL, columns 0-based.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind_null(int index);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  /// Advances to the next row: true when a row is available, false when done.
  /// Throws pacte::SqlError on failure (caught by the engine: the request fails).
  bool step();
  /// Runs a statement that returns no row, to completion.
  void run();

  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  bool is_null(int col) const;
  std::optional<std::int64_t> opt_int64(int col) const;
  std::optional<std::string> opt_text(int col) const;

  /// Resets the statement and clears bindings (done automatically when re-obtained).
  void reset();
  sqlite3_stmt* handle() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_;
};

}  // namespace pacte
