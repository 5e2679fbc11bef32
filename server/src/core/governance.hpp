// Imports a pact's governance (config/pacts/*.json): organisations, people, committee
// kinds, workspaces and their members, and the demo conversation. Imported once; after
// that the database is authoritative (re-import shows what would change).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/accounts.hpp"
#include "core/database.hpp"

namespace pacte {

struct DemoAccount {
  std::string email, name, password;
};

struct ImportOptions {
  /// Every account gets this password; empty = a random password each, returned once.
  std::string demo_password;
  PasswordCost cost = PasswordCost::interactive;
  /// Plugins to enable in every imported workspace.
  std::vector<std::string> plugins;
  /// Operations the plugins' import hooks may call (Context::call); null: none.
  Dispatcher* dispatcher = nullptr;
  /// Run in the import's transaction once the core rows exist (Plugin::import_pact):
  /// gets the keys of people, organisations and workspaces mapped to their ids.
  std::function<void(EngineContext&, const std::map<std::string, std::int64_t>& people,
                     const std::map<std::string, std::int64_t>& organisations,
                     const std::map<std::string, std::int64_t>& workspaces)>
      after_import;
};

class Governance {
 public:
  /// Reads and validates a governance file. Throws ConfigError naming file and field.
  static Json load(const std::filesystem::path& file);
  /// True when the pact (by key) is already in the database.
  static bool imported(Database& db, const Json& governance);
  /// Imports the pact in one transaction; returns the created accounts with passwords.
  static std::vector<DemoAccount> import(Database& db, const Clock& clock, const Json& governance,
                                         const ImportOptions& options);
  /// What a re-import of an imported pact would change, as human-readable lines: added
  /// organisations, people, workspaces and memberships, renames, role changes; workspaces
  /// no longer in the file are kept and reported. With `apply`, makes those changes in
  /// one transaction (new people get a one-time link under `public_url`, in the lines).
  static std::vector<std::string> reconcile(Database& db, const Clock& clock, const Json& governance, bool apply,
                                            const std::string& public_url);
};

}  // namespace pacte
