// People, organisations, sign-in, sessions and API tokens.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <string>

#include "core/engine.hpp"
#include "core/server_config.hpp"
#include "core/worker_pool.hpp"
#include "pacte/util.hpp"

namespace pacte {

/// Argon2id cost. "interactive" is libsodium's interactive limits (production);
/// "test" is the minimum, for test suites only (set by --password-cost test).
enum class PasswordCost { interactive, test };

/// Hashes a password with Argon2id (libsodium crypto_pwhash_str). Slow on purpose: call
/// from the worker pool or at start-up, never on the network or engine thread.
std::string hash_password(const std::string& password, PasswordCost cost);
bool verify_password(const std::string& hash, const std::string& password);
bool password_needs_rehash(const std::string& hash, PasswordCost cost);
/// 32 random bytes, base64url without padding.
std::string random_token();
/// Hex SHA-256 of bytes.
// sha256_hex: pacte/util.hpp
/// Hex SHA-256 of a token: what the database stores.
inline std::string token_hash(const std::string& token) { return sha256_hex(token); }
/// Creates a one-time link ("invitation": 7 days, or "reset": 1 day) for a person and
/// returns its URL under `public_url`; only the token's hash is stored (engine thread, or
/// the operator's command line on the database).
std::string create_one_time_link(Context& ctx, std::int64_t person, std::int64_t created_by,
                                 const std::string& purpose, const std::string& public_url);

class Accounts {
 public:
  Accounts(Engine& engine, WorkerPool& pool, const ServerConfig& config, PasswordCost cost);

  /// Registers session.*, orgs.*, people.* and tokens.* operations and the authenticator.
  void register_operations(Dispatcher& dispatcher);

  /// Signs in: throttling and lookup on the engine, Argon2id on the pool, session creation
  /// on the engine. `done` receives a completion whose result is {person} and whose
  /// `extra.token` is the new session token (for the cookie), delivered through the sink.
  void login(const std::string& email, const std::string& password, const std::string& address,
             const std::string& user_agent, CompletionHandler done);

  /// Sets a password from a one-time link (invitation or reset) and signs the person in:
  /// checks on the engine, Argon2id on the pool, then the session. Same completion as login.
  void accept_link(const std::string& token, const std::string& password, const std::string& address,
                   const std::string& user_agent, CompletionHandler done);

  /// Creates a one-time link for a person (engine thread); returns the URL to hand over.
  std::string create_link(Context& ctx, std::int64_t person, std::int64_t created_by, const std::string& purpose);

  /// Ends sessions that expired and those of disabled people, closing their sockets
  /// (engine thread; run every few seconds).
  /// `live_sessions`: sessions with an open socket, which count as activity.
  void sweep(EngineContext& ctx, const std::vector<std::int64_t>& live_sessions = {});

  /// Applies the retention periods (engine thread): blanks addresses and user agents older
  /// than `addresses_days`, removes audit entries older than `audit_days`. Idempotent.
  static void apply_retention(EngineContext& ctx, const Retention& retention);

  /// Resolves a session token or API token into a caller (engine thread). False if none.
  bool authenticate(EngineContext& ctx, const std::string& token, Caller& caller);

  /// Appends to the audit log (engine thread). Never pass secrets or message bodies.
  static void audit(Context& ctx, std::int64_t actor, std::string_view action, std::string_view target,
                    std::string_view address, const Json& details = Json::object());

 private:
  /// Creates the session of a person who just proved who they are (engine thread).
  Completion open_session(EngineContext& ctx, std::int64_t person, const std::string& address,
                          const std::string& user_agent, CompletionHandler done);
  bool throttled(const std::string& key, int limit, std::int64_t now_ms, int& retry_after);
  void record_failure(const std::string& key, std::int64_t now_ms);

  Engine& engine_;
  WorkerPool& pool_;
  const ServerConfig& config_;
  PasswordCost cost_;
  // Engine-thread state: recent failed sign-ins per account and per address.
  std::map<std::string, std::deque<std::int64_t>> failures_;
  std::string dummy_hash_;
  std::int64_t last_retention_ms_ = 0;  // the retention pass runs at most hourly  // verified against for unknown emails, so timing says nothing
};

}  // namespace pacte
