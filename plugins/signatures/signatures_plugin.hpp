// Signature campaigns of a frozen version of the pact, with a tamper-evident trail.
// Written only against the plugin SDK (server/include/pacte/). See docs/signatures.md.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pacte/plugin.hpp"

namespace pacte_signatures {

class SignaturesPlugin final : public pacte::Plugin {
 public:
  std::string name() const override;
  std::string version() const override;
  std::string title_fr() const override;
  std::string title_en() const override;
  std::vector<pacte::Migration> migrations() const override;
  void register_operations(pacte::Registrar& registrar) override;
  /// Every campaign of the workspace with its signatories' statuses and its trail.
  pacte::Json export_workspace(pacte::Context& ctx, std::int64_t workspace) override;
  /// The person's signatures and requests, with the address and user agent kept as evidence.
  pacte::Json export_person(pacte::Context& ctx, std::int64_t person) override;
  /// Erasure: the address and user agent recorded with the person's signatures go at once;
  /// the trail itself (names, capacities, times, hashes) is kept as the evidence of a
  /// signed agreement (GDPR art. 17(3)(e)), which the hash chain forbids rewriting.
  void erase_person(pacte::Context& ctx, std::int64_t person) override;
  /// Opens the demo campaign in the pact's workspace (see README.md).
  void import_pact(pacte::Context& ctx, const pacte::PactImport& pact) override;
};

}  // namespace pacte_signatures

/// Called by the registration list that plugins/CMakeLists.txt generates.
std::unique_ptr<pacte::Plugin> make_plugin_signatures();
