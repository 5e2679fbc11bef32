// Meetings of a committee ("Réunions"): scheduling in Paris time with iCalendar files and
// a personal feed, agendas with templates from article 4, the live "current item",
// attendance with proxies and quorum, decisions and action items with carry-over,
// minutes from draft to published (frozen, hashed), and the pact's meeting cadence.
// Written only against the plugin SDK (server/include/pacte/).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pacte/plugin.hpp"

namespace pacte_agenda {

class AgendaPlugin final : public pacte::Plugin {
 public:
  std::string name() const override;
  std::string version() const override;
  std::string title_fr() const override;
  std::string title_en() const override;
  std::vector<pacte::Migration> migrations() const override;
  void register_operations(pacte::Registrar& registrar) override;
  pacte::Json export_workspace(pacte::Context& ctx, std::int64_t workspace) override;
  /// Meetings scheduled, attendance, actions owned, amendments and calendar feeds.
  pacte::Json export_person(pacte::Context& ctx, std::int64_t person) override;
  /// Deletes the person's calendar feeds; the rest stays under their id (see README).
  void erase_person(pacte::Context& ctx, std::int64_t person) override;
  /// Stores the pact's `plugins.agenda` section (templates, quorum, cadence settings).
  void import_pact(pacte::Context& ctx, const pacte::PactImport& pact) override;

 private:
  std::int64_t last_reminder_hour_ = -1;  // the cadence timer runs its check once per clock hour
};

}  // namespace pacte_agenda

/// Called by the registration list that plugins/CMakeLists.txt generates.
std::unique_ptr<pacte::Plugin> make_plugin_agenda();
