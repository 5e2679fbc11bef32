// Imports a pact's governance (config/pacts/*.json): organisations, people, committee
// kinds, workspaces and their members, and the demo conversation. Imported once; after
// that the database is authoritative (re-import shows what would change).
#pragma once

#include <filesystem>
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
  /// What a re-import would change, as human-readable lines (nothing is written).
  static std::vector<std::string> diff(Database& db, const Json& governance);
};

}  // namespace pacte
