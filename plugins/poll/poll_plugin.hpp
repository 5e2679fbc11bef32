// Polls ("Sondages") in a workspace: a question, 2 to 10 options, one vote per person
// that can be changed or withdrawn until the poll is closed (by hand, or at `closes_at`).
// Written only against the plugin SDK (server/include/pacte/): the worked example of
// docs/plugins.md.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pacte/plugin.hpp"

namespace pacte_poll {

class PollPlugin final : public pacte::Plugin {
 public:
  std::string name() const override;
  std::string version() const override;
  std::string title_fr() const override;
  std::string title_en() const override;
  std::vector<pacte::Migration> migrations() const override;
  void register_operations(pacte::Registrar& registrar) override;
  /// Every poll of the workspace with its counts (never who voted what) for the export.
  pacte::Json export_workspace(pacte::Context& ctx, std::int64_t workspace) override;
  /// The person's polls and their own votes, even secret ones (it is their data).
  pacte::Json export_person(pacte::Context& ctx, std::int64_t person) override;
  // erase_person: not overridden. Votes stay attached to the erased person's id, which the
  // core pseudonymises ("Personne supprimée N"): closed polls keep their counts.
};

}  // namespace pacte_poll

/// Called by the registration list that plugins/CMakeLists.txt generates.
std::unique_ptr<pacte::Plugin> make_plugin_poll();
