// Live shared notes ("Notes partagées"): several partners type the notes of a meeting at
// once; server-authoritative operational transformation (text_operation.hpp), a per-note
// operation log, snapshots and named versions. Written only against the plugin SDK.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pacte/plugin.hpp"

namespace pacte_notes {

class NotesPlugin final : public pacte::Plugin {
 public:
  std::string name() const override;
  std::string version() const override;
  std::string title_fr() const override;
  std::string title_en() const override;
  std::vector<pacte::Migration> migrations() const override;
  void register_operations(pacte::Registrar& registrar) override;
  pacte::Json export_workspace(pacte::Context& ctx, std::int64_t workspace) override;
};

}  // namespace pacte_notes

/// Called by the registration list that plugins/CMakeLists.txt generates.
std::unique_ptr<pacte::Plugin> make_plugin_notes();
