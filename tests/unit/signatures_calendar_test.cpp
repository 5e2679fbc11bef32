// Dates from the pact's clauses (articles 5 and 6), across leap years and time zones.
#include "signatures/pact_calendar.hpp"

#include <gtest/gtest.h>

#include "pacte/util.hpp"

using namespace pacte_signatures;

namespace {
std::string paris_date(const char* utc) {
  return PactCalendar::local_date(*pacte::parse_time(utc), "Europe/Paris").value();
}
}  // namespace

TEST(SignaturesCalendar, EffectiveDateIsTheParisDateOfTheLastSignature) {
  EXPECT_EQ(paris_date("2024-02-28T22:59:59Z"), "2024-02-28");  // 23:59:59 CET
  EXPECT_EQ(paris_date("2024-02-28T23:00:00Z"), "2024-02-29");  // midnight CET: leap day
  EXPECT_EQ(paris_date("2023-07-31T21:59:00Z"), "2023-07-31");  // 23:59 CEST
  EXPECT_EQ(paris_date("2023-07-31T22:00:00Z"), "2023-08-01");  // summer time: UTC+2
  EXPECT_EQ(paris_date("2023-12-31T23:30:00Z"), "2024-01-01");
  EXPECT_FALSE(
      PactCalendar::local_date(*pacte::parse_time("2024-01-01T00:00:00Z"), "Mars/Olympus"));
}

TEST(SignaturesCalendar, TwoYearsFromTheTwentyNinthOfFebruaryEndOnTheTwentyEighth) {
  PactDates d = PactCalendar::dates_from("2024-02-29", DateRules{});
  EXPECT_EQ(d.end, "2026-02-28");
  ASSERT_EQ(d.anniversaries.size(), 2u);
  EXPECT_EQ(d.anniversaries[0], "2025-02-28");
  EXPECT_EQ(d.anniversaries[1], "2026-02-28");
  EXPECT_EQ(d.notice_deadlines[0], "2024-11-28");
  EXPECT_EQ(d.notice_deadlines[1], "2025-11-28");
}

TEST(SignaturesCalendar, NoticeDeadlinesLandOnTheLeapDayOrTheLastDayOfFebruary) {
  PactDates d = PactCalendar::dates_from("2023-05-31", DateRules{});
  EXPECT_EQ(d.end, "2025-05-31");
  EXPECT_EQ(d.notice_deadlines[0], "2024-02-29");  // 31 May 2024 − 3 months, in a leap year
  EXPECT_EQ(d.notice_deadlines[1], "2025-02-28");
  // The seed's pact, signed in the autumn of 2023.
  PactDates s = PactCalendar::dates_from("2023-10-12", DateRules{});
  EXPECT_EQ(s.end, "2025-10-12");
  EXPECT_EQ(s.notice_deadlines, (std::vector<std::string>{"2024-07-12", "2025-07-12"}));
}

TEST(SignaturesCalendar, DurationsAreDataNotConstants) {
  DateRules three_years{.duration_months = 36,
                        .anniversary_months = 12,
                        .notice_months = 6,
                        .time_zone = "Europe/Paris"};
  PactDates d = PactCalendar::dates_from("2027-08-31", three_years);
  EXPECT_EQ(d.end, "2030-08-31");
  EXPECT_EQ(d.anniversaries.size(), 3u);
  EXPECT_EQ(d.notice_deadlines[0], "2028-02-29");
  EXPECT_EQ(d.notice_deadlines[2], "2030-02-28");
  EXPECT_EQ(PactCalendar::add_months("2024-01-31", 1), "2024-02-29");
  EXPECT_EQ(PactCalendar::add_months("2100-01-31", 1), "2100-02-28");  // not a leap year
  EXPECT_EQ(PactCalendar::add_days("2024-02-28", 1), "2024-02-29");
  EXPECT_FALSE(PactCalendar::valid_date("2023-02-29"));
  EXPECT_TRUE(PactCalendar::valid_date("2024-02-29"));
}

TEST(SignaturesCalendar, LocalInstantsFollowDaylightSavingTime) {
  EXPECT_EQ(pacte::format_time(*PactCalendar::local_instant("2024-11-28", 9, "Europe/Paris")),
            "2024-11-28T08:00:00.000Z");
  EXPECT_EQ(pacte::format_time(*PactCalendar::local_instant("2024-07-12", 9, "Europe/Paris")),
            "2024-07-12T07:00:00.000Z");
}
