// Europe/Paris local time <-> UTC, by the EU rule in force since 1996 (summer time from
// the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC). GCC 12
// has no time-zone database, and meetings are only ever scheduled in Paris time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pacte/operation.hpp"

namespace pacte_agenda {

/// A wall-clock time in Paris, to the minute.
struct LocalTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0;
};

/// Parses "YYYY-MM-DDTHH:MM" (seconds ":SS" tolerated and dropped); nullopt if malformed
/// or not a real calendar date.
std::optional<LocalTime> parse_local(std::string_view text);
/// "YYYY-MM-DDTHH:MM".
std::string format_local(const LocalTime& t);
/// "YYYYMMDDTHHMMSS" for iCalendar.
std::string ical_local(const LocalTime& t);

/// The UTC instant of a Paris wall-clock time. nullopt for a time that does not exist
/// (the spring-forward hour); in the autumn overlap, the first (summer time) instant.
std::optional<pacte::TimePoint> paris_to_utc(const LocalTime& t);
/// The Paris wall-clock time of an instant.
LocalTime utc_to_paris(pacte::TimePoint t);
/// Offset from UTC in minutes (60 or 120) at an instant.
int paris_offset_minutes(pacte::TimePoint t);

}  // namespace pacte_agenda
