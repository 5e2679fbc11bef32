#include "core/database.hpp"

#include <sqlite3.h>

#include <algorithm>

namespace pacte {

namespace {
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw SqlError(rc, msg);
}
}  // namespace

bool SqlError::is_disk_error() const {
  int primary = code_ & 0xff;
  return primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN ||
         primary == SQLITE_READONLY;
}

// --- Statement -------------------------------------------------------------------------

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) fail(sqlite3_db_handle(stmt_), rc, "bind");
  return *this;
}
Statement& Statement::bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) fail(sqlite3_db_handle(stmt_), rc, "bind");
  return *this;
}
Statement& Statement::bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                             SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(sqlite3_db_handle(stmt_), rc, "bind");
  return *this;
}
Statement& Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) fail(sqlite3_db_handle(stmt_), rc, "bind");
  return *this;
}
bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string sql = sqlite3_sql(stmt_) ? sqlite3_sql(stmt_) : "";
  sqlite3_reset(stmt_);
  fail(sqlite3_db_handle(stmt_), rc, "step [" + sql.substr(0, 80) + "]");
}
void Statement::run() {
  while (step()) {
  }
}
std::int64_t Statement::int64(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::real(int col) const { return sqlite3_column_double(stmt_, col); }
std::string Statement::text(int col) const {
  auto p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}
bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::optional<std::int64_t> Statement::opt_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}
std::optional<std::string> Statement::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}
void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

// --- Database --------------------------------------------------------------------------

Database::Database(const std::string& path, const DatabaseOptions& options) {
  int flags = options.read_only ? SQLITE_OPEN_READONLY
                                : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqlError(rc, "cannot open database " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  sqlite3_extended_result_codes(db_, 1);
  if (!options.read_only && path != ":memory:") exec("PRAGMA journal_mode=WAL");
  static const char* levels[] = {"off", "normal", "full", "extra"};
  std::string sync = "full";
  for (auto l : levels)
    if (options.synchronous == l) sync = l;
  exec("PRAGMA synchronous=" + sync);
  exec("PRAGMA foreign_keys=ON");
  // Sorts and temporary b-trees in memory: with Debian's default (a file) every post opened,
  // unlinked and closed a temporary file in /var/tmp (docs/performance.md).
  exec("PRAGMA temp_store=MEMORY");
  // 16 MiB of page cache instead of SQLite's 2 MiB: the server has one connection, and
  // with the default a chat post re-read about 8 pages from the file (docs/performance.md).
  exec("PRAGMA cache_size=-16384");
}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt->handle());
  cache_.clear();
  if (db_) sqlite3_close_v2(db_);
}

Statement& Database::prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end()) {
    it->second->reset();
    return *it->second;
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) fail(db_, rc, "prepare [" + std::string(sql.substr(0, 120)) + "]");
  auto [pos, _] = cache_.emplace(std::string(sql), std::make_unique<Statement>(stmt));
  return *pos->second;
}

void Database::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw SqlError(sqlite3_extended_errcode(db_), "exec: " + msg);
  }
}

std::int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }

int Database::schema_version(const std::string& module) {
  exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT "
      "NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), PRIMARY "
      "KEY (module, version))");
  auto& q = prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE module = ?");
  q.bind(1, module);
  int v = q.step() ? static_cast<int>(q.int64(0)) : 0;
  q.reset();
  return v;
}

void Database::migrate(const std::string& module, const std::vector<Migration>& migrations) {
  int current = schema_version(module);
  int latest = 0;
  for (auto& m : migrations) latest = std::max(latest, m.version);
  if (current > latest)
    throw std::runtime_error("the database has schema version " + std::to_string(current) +
                             " of module '" + module + "' but this binary knows only up to " +
                             std::to_string(latest) +
                             ": it was written by a newer Pacte; upgrade the binary or restore "
                             "an older backup");
  auto sorted = migrations;
  std::sort(sorted.begin(), sorted.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (auto& m : sorted) {
    if (m.version <= current) continue;
    exec("BEGIN IMMEDIATE");
    try {
      exec(m.sql);
      auto& ins = prepare("INSERT INTO schema_migrations(module, version) VALUES (?, ?)");
      ins.bind(1, module).bind(2, m.version).run();
      exec("COMMIT");
    } catch (...) {
      exec("ROLLBACK");
      throw;
    }
  }
}

std::string Database::integrity_check() {
  auto& q = prepare("PRAGMA integrity_check");
  std::string out;
  while (q.step()) {
    if (!out.empty()) out += "\n";
    out += q.text(0);
  }
  return out;
}

void Database::vacuum_into(const std::string& path) {
  auto& q = prepare("VACUUM INTO ?");
  q.bind(1, path).run();
}

}  // namespace pacte
