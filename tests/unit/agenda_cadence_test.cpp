// The cadence rules on constructed years: met, missing, overdue, the ordering constraint
// (met, at risk, violated, pending), cancelled meetings, beyond max, non-calendar years
// and the reminder date.
#include <gtest/gtest.h>

#include <map>

#include "agenda/cadence.hpp"
#include "pacte/util.hpp"

using namespace pacte_agenda;

namespace {

pacte::TimePoint at(const char* t) { return *pacte::parse_time(t); }

std::vector<CadenceInstance> pact() {
  return {
      {.workspace = 1, .key = "ct-a", .name = "CT A", .kind = "ct", .kind_label = "", .centre = "a", .theme = "", .min = 1, .max = {}, .before = "cf", .remind_by = "04-30"},
      {.workspace = 2, .key = "cf-a", .name = "CF A", .kind = "cf", .kind_label = "", .centre = "a", .theme = "", .min = 1, .max = 1, .before = "", .remind_by = ""},
      {.workspace = 3, .key = "ct-b", .name = "CT B", .kind = "ct", .kind_label = "", .centre = "b", .theme = "", .min = 1, .max = {}, .before = "cf", .remind_by = ""},
      {.workspace = 4, .key = "cf-b", .name = "CF B", .kind = "cf", .kind_label = "", .centre = "b", .theme = "", .min = 1, .max = 1, .before = "", .remind_by = ""},
      {.workspace = 5, .key = "copil", .name = "Copil", .kind = "copil", .kind_label = "", .centre = "", .theme = "", .min = 1, .max = 2, .before = "", .remind_by = "03-31"},
  };
}

std::map<std::string, pacte::Json> by_key(const pacte::Json& rows) {
  std::map<std::string, pacte::Json> out;
  for (auto& r : rows) out[r["key"]] = r;
  return out;
}

}  // namespace

TEST(AgendaCadenceRules, MetMissingOverdueAndTheOrderingConstraint) {
  std::vector<CadenceMeeting> meetings = {
      {.id = 1, .workspace = 1, .title = "", .start = at("2027-02-01T09:00:00Z"), .cancelled = false},   // CT A first: met
      {.id = 2, .workspace = 2, .title = "", .start = at("2027-05-01T09:00:00Z"), .cancelled = false},
      {.id = 3, .workspace = 4, .title = "", .start = at("2027-03-01T09:00:00Z"), .cancelled = false},   // CF B before CT B
      {.id = 4, .workspace = 3, .title = "", .start = at("2027-06-01T09:00:00Z"), .cancelled = false},
      {.id = 5, .workspace = 5, .title = "", .start = at("2027-01-10T09:00:00Z"), .cancelled = true},    // cancelled: not counted
      {.id = 6, .workspace = 5, .title = "", .start = at("2026-12-31T23:30:00Z"), .cancelled = false},   // 00:30, 1 January 2027 in Paris
  };
  // In April: CF B held before any CT B -> violated; CT A ahead of CF A -> met.
  auto d = by_key(compute_cadence({2027, 1}, at("2027-04-15T00:00:00Z"), pact(), meetings));
  EXPECT_EQ(d["ct-a"]["order"]["status"], "met");
  EXPECT_EQ(d["ct-b"]["order"]["status"], "violated");
  EXPECT_EQ(d["ct-b"]["status"], "on_track");  // its own meeting is scheduled
  EXPECT_EQ(d["cf-b"]["status"], "met");
  EXPECT_EQ(d["copil"]["held"], 1);  // the Paris new-year's-night meeting belongs to 2027
  EXPECT_EQ(d["copil"]["status"], "met");
  EXPECT_EQ(d["cf-a"]["status"], "on_track");
  EXPECT_EQ(d["cf-a"]["order"], nullptr);

  // Before CF B is held: at risk, not yet violated.
  d = by_key(compute_cadence({2027, 1}, at("2027-02-15T00:00:00Z"), pact(), meetings));
  EXPECT_EQ(d["ct-b"]["order"]["status"], "at_risk");

  // No CF meeting at all: nothing to precede yet.
  d = by_key(compute_cadence({2027, 1}, at("2027-02-15T00:00:00Z"), pact(), {}));
  EXPECT_EQ(d["ct-a"]["order"]["status"], "pending");
  EXPECT_EQ(d["ct-a"]["status"], "missing");
  EXPECT_EQ(d["ct-a"]["missing"], 1);
  EXPECT_EQ(d["ct-a"]["late_to_schedule"], false);
  EXPECT_TRUE(needing_reminder(compute_cadence({2027, 1}, at("2027-02-15T00:00:00Z"), pact(), {})).empty());

  // After the reminder dates: the copil (31 March) and CT A (30 April) need a reminder.
  auto late = needing_reminder(compute_cadence({2027, 1}, at("2027-05-02T00:00:00Z"), pact(), {}));
  EXPECT_EQ(late, (std::vector<std::int64_t>{1, 5}));

  // After the year: overdue.
  d = by_key(compute_cadence({2027, 1}, at("2028-01-02T00:00:00Z"), pact(), {}));
  EXPECT_EQ(d["copil"]["status"], "overdue");

  // Beyond max is reported, not refused.
  std::vector<CadenceMeeting> many;
  for (int i = 0; i < 3; ++i)
    many.push_back({.id = 10 + i, .workspace = 5, .title = "", .start = at("2027-03-01T09:00:00Z") + std::chrono::hours(24 * 30 * i), .cancelled = false});
  d = by_key(compute_cadence({2027, 1}, at("2027-12-01T00:00:00Z"), pact(), many));
  EXPECT_EQ(d["copil"]["beyond_max"], true);
  EXPECT_EQ(d["copil"]["held"], 3);
}

TEST(AgendaCadenceRules, AYearMayStartInAnotherMonth) {
  auto [from, to] = year_bounds({2026, 9});
  EXPECT_EQ(pacte::format_time(from), "2026-08-31T22:00:00.000Z");  // 1 September 2026, Paris
  EXPECT_EQ(pacte::format_time(to), "2027-08-31T22:00:00.000Z");
  std::vector<CadenceMeeting> m = {{.id = 1, .workspace = 5, .title = "", .start = at("2027-02-01T09:00:00Z"), .cancelled = false}};
  auto d = by_key(compute_cadence({2026, 9}, at("2027-03-01T00:00:00Z"), pact(), m));
  EXPECT_EQ(d["copil"]["held"], 1);
  d = by_key(compute_cadence({2027, 9}, at("2027-03-01T00:00:00Z"), pact(), m));
  EXPECT_EQ(d["copil"]["held"], 0);
}
