// Documents ("Textes"): the pact's text as versioned structured documents. Sections with
// stable keys, a SHA-256 hash over a canonical form (docs/documents.md), comparison of
// versions, change proposals with comments, board validations per organisation, and the
// freezing of the one version that is signed. Written only against the plugin SDK.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pacte/plugin.hpp"

namespace pacte_documents {

class DocumentsPlugin final : public pacte::Plugin {
 public:
  std::string name() const override;
  std::string version() const override;
  std::string title_fr() const override;
  std::string title_en() const override;
  std::vector<pacte::Migration> migrations() const override;
  void register_operations(pacte::Registrar& registrar) override;
  /// Every document of the workspace with its versions, sections, hashes, proposals and
  /// validations.
  pacte::Json export_workspace(pacte::Context& ctx, std::int64_t workspace) override;
  /// Proposals made and decided, comments, validations recorded and versions authored.
  pacte::Json export_person(pacte::Context& ctx, std::int64_t person) override;
  /// Keeps everything under the person's id: the plugin stores no names (see README).
  void erase_person(pacte::Context& ctx, std::int64_t person) override;
  /// Imports the documents the pact file's "plugins"."documents" section lists (the demo:
  /// the first pact's text as version 1, its boards' validations, frozen).
  void import_pact(pacte::Context& ctx, const pacte::PactImport& pact) override;
};

}  // namespace pacte_documents

/// Called by the registration list that plugins/CMakeLists.txt generates.
std::unique_ptr<pacte::Plugin> make_plugin_documents();
