#include "paris_time.hpp"

#include <chrono>
#include <cstdio>

namespace pacte_agenda {

namespace {

using namespace std::chrono;

bool digits(std::string_view s, std::size_t from, std::size_t n, int& out) {
  if (from + n > s.size()) return false;
  out = 0;
  for (std::size_t i = from; i < from + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

/// 01:00 UTC on the last Sunday of `month` (3 or 10) of `year`.
sys_seconds last_sunday_0100_utc(int year, unsigned month) {
  year_month_day_last last{std::chrono::year{year} / std::chrono::month{month} / std::chrono::last};
  sys_days d{last};
  weekday wd{d};
  d -= days{(wd.c_encoding() + 7 - Sunday.c_encoding()) % 7};
  return sys_seconds{d} + hours{1};
}

bool summer_at(sys_seconds t) {
  int y = static_cast<int>(year_month_day{floor<days>(t)}.year());
  return t >= last_sunday_0100_utc(y, 3) && t < last_sunday_0100_utc(y, 10);
}

sys_seconds as_utc_fields(const LocalTime& t) {
  sys_days d{std::chrono::year{t.year} / std::chrono::month{static_cast<unsigned>(t.month)} /
             std::chrono::day{static_cast<unsigned>(t.day)}};
  return sys_seconds{d} + hours{t.hour} + minutes{t.minute};
}

}  // namespace

std::optional<LocalTime> parse_local(std::string_view s) {
  LocalTime t;
  if (s.size() != 16 && s.size() != 19) return std::nullopt;
  if (!digits(s, 0, 4, t.year) || s[4] != '-' || !digits(s, 5, 2, t.month) || s[7] != '-' || !digits(s, 8, 2, t.day) ||
      (s[10] != 'T' && s[10] != ' ') || !digits(s, 11, 2, t.hour) || s[13] != ':' || !digits(s, 14, 2, t.minute))
    return std::nullopt;
  if (s.size() == 19) {
    int sec = 0;
    if (s[16] != ':' || !digits(s, 17, 2, sec) || sec > 59) return std::nullopt;
  }
  if (t.year < 1970 || t.year > 9999 || t.hour > 23 || t.minute > 59) return std::nullopt;
  year_month_day ymd{std::chrono::year{t.year}, std::chrono::month{static_cast<unsigned>(t.month)},
                     std::chrono::day{static_cast<unsigned>(t.day)}};
  if (!ymd.ok()) return std::nullopt;
  return t;
}

std::string format_local(const LocalTime& t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d", t.year, t.month, t.day, t.hour, t.minute);
  return buf;
}

std::string ical_local(const LocalTime& t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d00", t.year, t.month, t.day, t.hour, t.minute);
  return buf;
}

std::optional<pacte::TimePoint> paris_to_utc(const LocalTime& t) {
  sys_seconds fields = as_utc_fields(t);
  // Try summer time first (the autumn overlap resolves to its first instant), then winter.
  for (int offset : {2, 1}) {
    sys_seconds utc = fields - hours{offset};
    if ((offset == 2) == summer_at(utc)) return time_point_cast<pacte::TimePoint::duration>(utc);
  }
  return std::nullopt;  // the hour skipped in spring
}

int paris_offset_minutes(pacte::TimePoint t) { return summer_at(floor<seconds>(t)) ? 120 : 60; }

LocalTime utc_to_paris(pacte::TimePoint t) {
  sys_seconds local = floor<seconds>(t) + minutes{paris_offset_minutes(t)};
  sys_days d = floor<days>(local);
  year_month_day ymd{d};
  hh_mm_ss hms{local - d};
  return LocalTime{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                   static_cast<int>(static_cast<unsigned>(ymd.day())), static_cast<int>(hms.hours().count()),
                   static_cast<int>(hms.minutes().count())};
}

}  // namespace pacte_agenda
