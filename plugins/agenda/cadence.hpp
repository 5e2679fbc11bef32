// The pact's meeting cadence (article 4) as rules over data: how many meetings each
// committee instance (workspace) requires in a year, how many are held or scheduled,
// what is missing or overdue, and the ordering constraint ("one comité technique before
// the centre's comité des financeurs"). Pure: no database, unit-tested on built years.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pacte/operation.hpp"

namespace pacte_agenda {

/// One committee instance with its kind's cadence (config/pacts/*.json, committee_kinds).
struct CadenceInstance {
  std::int64_t workspace = 0;
  std::string key{};
  std::string name{};
  std::string kind{};
  std::string kind_label{};
  std::string centre{};  // per_social_centre instances: the centre's organisation key
  std::string theme{};   // per_theme instances
  int min = 0;
  std::optional<int> max{};
  std::string before{};     // a kind key: one meeting of this instance precedes that kind's (same centre)
  std::string remind_by{};  // "MM-DD": remind the convener if the year's minimum is not scheduled by then
};

struct CadenceMeeting {
  std::int64_t id = 0;
  std::int64_t workspace = 0;
  std::string title{};
  pacte::TimePoint start{};
  bool cancelled = false;
};

struct CadenceYear {
  int year = 0;
  int start_month = 1;  // 1: calendar years; otherwise the year runs from that month
};

/// [from, to) of a cadence year, in Paris time.
std::pair<pacte::TimePoint, pacte::TimePoint> year_bounds(const CadenceYear& y);

/// The dashboard: one object per instance (see docs/agenda.md, "Cadence").
pacte::Json compute_cadence(const CadenceYear& year, pacte::TimePoint now, const std::vector<CadenceInstance>& instances,
                            const std::vector<CadenceMeeting>& meetings);

/// Instances whose year minimum is neither held nor scheduled although `remind_by` has passed.
std::vector<std::int64_t> needing_reminder(const pacte::Json& dashboard);

}  // namespace pacte_agenda
