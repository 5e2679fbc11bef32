// Dates that follow from a pact's clauses: the effective date is the local date (in the
// pact's time zone, Europe/Paris) of the signature that completes the campaign; the pact
// ends `duration_months` later; each anniversary may be terminated by a letter received
// `notice_months` before it (article 6). Month arithmetic clamps to the month's last day
// (29 February + 12 months = 28 February). Uses the system's tz database through
// Howard Hinnant's date library (Debian's libhowardhinnant-date-dev, USE_OS_TZDB).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pacte_signatures {

/// The clauses' durations: data of a campaign, never constants.
struct DateRules {
  int duration_months = 24;
  int anniversary_months = 12;
  int notice_months = 3;
  std::string time_zone = "Europe/Paris";
};

struct PactDates {
  std::string effective;                      // YYYY-MM-DD
  std::string end;                            // effective + duration
  std::vector<std::string> anniversaries;     // every anniversary up to and including the end
  std::vector<std::string> notice_deadlines;  // each anniversary − notice
};

class PactCalendar {
 public:
  /// True when the zone is known to the system's tz database.
  static bool known_zone(std::string_view zone);
  /// The local calendar date of an instant in a zone, "YYYY-MM-DD"; nullopt for an unknown zone.
  static std::optional<std::string> local_date(std::chrono::system_clock::time_point t,
                                               std::string_view zone);
  /// The instant of a local wall-clock time (date at hour:00) in a zone; nullopt if invalid.
  static std::optional<std::chrono::system_clock::time_point> local_instant(std::string_view date,
                                                                            int hour,
                                                                            std::string_view zone);
  /// A valid "YYYY-MM-DD" date, or nullopt.
  static bool valid_date(std::string_view date);
  /// `date` + `months` (negative allowed), the day clamped to the end of the target month.
  static std::string add_months(std::string_view date, int months);
  /// `date` + `days`.
  static std::string add_days(std::string_view date, int days);
  /// Every date that follows from an effective date.
  static PactDates dates_from(std::string_view effective, const DateRules& rules);
};

}  // namespace pacte_signatures
