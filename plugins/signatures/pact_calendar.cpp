#include "signatures/pact_calendar.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <cstdio>

namespace pacte_signatures {

namespace {

std::optional<date::year_month_day> parse_ymd(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  int y = std::stoi(std::string(s.substr(0, 4)));
  unsigned m = static_cast<unsigned>(std::stoi(std::string(s.substr(5, 2))));
  unsigned d = static_cast<unsigned>(std::stoi(std::string(s.substr(8, 2))));
  date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::string format_ymd(const date::year_month_day& ymd) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

const date::time_zone* zone_of(std::string_view zone) {
  try {
    return date::locate_zone(std::string(zone));
  } catch (const std::exception&) {
    return nullptr;
  }
}

}  // namespace

bool PactCalendar::known_zone(std::string_view zone) {
  return zone_of(zone) != nullptr;
}

bool PactCalendar::valid_date(std::string_view date) {
  return parse_ymd(date).has_value();
}

std::optional<std::string> PactCalendar::local_date(std::chrono::system_clock::time_point t,
                                                    std::string_view zone) {
  const date::time_zone* z = zone_of(zone);
  if (!z) return std::nullopt;
  auto local = z->to_local(std::chrono::time_point_cast<std::chrono::seconds>(t));
  return format_ymd(date::year_month_day{date::floor<date::days>(local)});
}

std::optional<std::chrono::system_clock::time_point> PactCalendar::local_instant(
    std::string_view day, int hour, std::string_view zone) {
  const date::time_zone* z = zone_of(zone);
  auto ymd = parse_ymd(day);
  if (!z || !ymd) return std::nullopt;
  date::local_seconds local = date::local_days{*ymd} + std::chrono::hours(hour);
  // At a gap or an overlap (a DST change) take the earliest valid instant.
  return z->to_sys(local, date::choose::earliest);
}

std::string PactCalendar::add_months(std::string_view day, int months) {
  auto ymd = parse_ymd(day);
  if (!ymd) return {};
  date::year_month_day shifted = *ymd + date::months(months);
  if (!shifted.ok())
    shifted = date::year_month_day_last{shifted.year(), date::month_day_last{shifted.month()}};
  return format_ymd(shifted);
}

std::string PactCalendar::add_days(std::string_view day, int days) {
  auto ymd = parse_ymd(day);
  if (!ymd) return {};
  return format_ymd(date::year_month_day{date::sys_days{*ymd} + date::days(days)});
}

PactDates PactCalendar::dates_from(std::string_view effective, const DateRules& rules) {
  PactDates out;
  out.effective = std::string(effective);
  out.end = add_months(effective, rules.duration_months);
  if (rules.anniversary_months > 0) {
    for (int m = rules.anniversary_months; m <= rules.duration_months;
         m += rules.anniversary_months) {
      std::string anniversary = add_months(effective, m);
      out.anniversaries.push_back(anniversary);
      out.notice_deadlines.push_back(add_months(anniversary, -rules.notice_months));
    }
  }
  return out;
}

}  // namespace pacte_signatures
