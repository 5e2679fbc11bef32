// The SQLite connection: pragmas, cached prepared statements, transactions, migrations.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pacte/operation.hpp"
#include "pacte/statement.hpp"

struct sqlite3;

namespace pacte {

/// A storage failure. Thrown by Statement and Database; the engine turns it into an
/// `unavailable` reply for the request that hit it (its savepoint is rolled back).
class SqlError : public std::runtime_error {
 public:
  SqlError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }
  /// SQLITE_FULL, SQLITE_IOERR…: the disk, not the request, is at fault.
  bool is_disk_error() const;

 private:
  int code_;
};

struct DatabaseOptions {
  std::string synchronous = "full";  // off | normal | full | extra
  int busy_timeout_ms = 5000;
  bool read_only = false;
};

/// One connection. Not thread-safe: owned by one thread (the engine, or a reader).
class Database {
 public:
  /// Opens (creating if needed) the database at `path` (":memory:" for tests).
  /// Throws SqlError when it cannot.
  Database(const std::string& path, const DatabaseOptions& options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// A cached prepared statement, reset and unbound.
  Statement& prepare(std::string_view sql);
  /// Runs statements without parameters.
  void exec(std::string_view sql);
  std::int64_t last_insert_id() const;
  int changes() const;

  /// Applies the module's migrations not yet applied, each in a transaction, in order.
  /// Throws std::runtime_error with a clear message when the database holds a newer
  /// version of the module than this binary knows.
  void migrate(const std::string& module, const std::vector<Migration>& migrations);
  /// Highest applied version of a module, 0 if none.
  int schema_version(const std::string& module);

  /// `PRAGMA integrity_check` result ("ok" when sound).
  std::string integrity_check();
  /// A consistent copy of the whole database into a new file (VACUUM INTO).
  void vacuum_into(const std::string& path);

  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

}  // namespace pacte
