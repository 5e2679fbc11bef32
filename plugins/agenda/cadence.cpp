#include "cadence.hpp"

#include <algorithm>
#include <cstdio>

#include "paris_time.hpp"
#include "pacte/util.hpp"

namespace pacte_agenda {

using pacte::Json;
using pacte::TimePoint;

std::pair<TimePoint, TimePoint> year_bounds(const CadenceYear& y) {
  int m = (y.start_month >= 1 && y.start_month <= 12) ? y.start_month : 1;
  auto from = paris_to_utc(LocalTime{y.year, m, 1, 0, 0});
  auto to = paris_to_utc(LocalTime{y.year + 1, m, 1, 0, 0});
  return {from.value_or(TimePoint{}), to.value_or(TimePoint{})};
}

namespace {

/// The instant `remind_by` ("MM-DD", end of that day in Paris) falls in the cadence year.
std::optional<TimePoint> remind_instant(const CadenceYear& y, const std::string& mmdd) {
  // Exactly two digits, a dash, two digits: sscanf's %2d also took signs and spaces
  // ("-1--1") and reports no conversion errors (clang-tidy cert-err34-c).
  auto two_digits = [&mmdd](std::size_t at, int& out) {
    auto digit = [&mmdd](std::size_t i) { return mmdd[i] >= '0' && mmdd[i] <= '9'; };
    if (!digit(at) || !digit(at + 1)) return false;
    out = (mmdd[at] - '0') * 10 + (mmdd[at + 1] - '0');
    return true;
  };
  int mm = 0, dd = 0;
  if (mmdd.size() != 5 || mmdd[2] != '-' || !two_digits(0, mm) || !two_digits(3, dd)) return std::nullopt;
  int start = (y.start_month >= 1 && y.start_month <= 12) ? y.start_month : 1;
  int year = mm >= start ? y.year : y.year + 1;
  char text[24];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT23:59", year, mm, dd);
  auto local = parse_local(text);
  if (!local) return std::nullopt;
  return paris_to_utc(*local);
}

}  // namespace

Json compute_cadence(const CadenceYear& year, TimePoint now, const std::vector<CadenceInstance>& instances,
                     const std::vector<CadenceMeeting>& meetings) {
  // Not a structured binding: clang 14 cannot capture one in a lambda (C++20's P1091).
  const auto bounds = year_bounds(year);
  const auto from = bounds.first;
  const auto to = bounds.second;
  auto in_year = [&](const CadenceMeeting& m, std::int64_t ws) {
    return m.workspace == ws && !m.cancelled && m.start >= from && m.start < to;
  };
  Json out = Json::array();
  for (auto& inst : instances) {
    std::vector<const CadenceMeeting*> mine;
    for (auto& m : meetings)
      if (in_year(m, inst.workspace)) mine.push_back(&m);
    std::sort(mine.begin(), mine.end(), [](auto* a, auto* b) { return a->start < b->start; });
    int held = 0, scheduled = 0;
    Json list = Json::array();
    for (auto* m : mine) {
      bool past = m->start <= now;
      (past ? held : scheduled)++;
      list.push_back({{"id", m->id}, {"title", m->title}, {"start", pacte::format_time(m->start)},
                      {"start_local", format_local(utc_to_paris(m->start))}, {"held", past}});
    }
    int missing = std::max(0, inst.min - held - scheduled);
    bool year_over = now >= to;
    std::string status;
    if (held >= inst.min) status = "met";
    else if (year_over) status = "overdue";
    else if (missing == 0) status = "on_track";
    else status = "missing";
    bool late = false;
    Json remind_at = nullptr;
    if (!inst.remind_by.empty())
      if (auto by = remind_instant(year, inst.remind_by)) {
        remind_at = pacte::format_time(*by);
        late = missing > 0 && now > *by;
      }
    Json row = {{"workspace", inst.workspace},
                {"key", inst.key},
                {"name", inst.name},
                {"kind", inst.kind},
                {"kind_label", inst.kind_label},
                {"centre", inst.centre.empty() ? Json(nullptr) : Json(inst.centre)},
                {"theme", inst.theme.empty() ? Json(nullptr) : Json(inst.theme)},
                {"required", inst.min},
                {"max", inst.max ? Json(*inst.max) : Json(nullptr)},
                {"held", held},
                {"scheduled", scheduled},
                {"missing", missing},
                {"status", status},
                {"late_to_schedule", late},
                {"beyond_max", inst.max && held + scheduled > *inst.max},
                {"remind_by", inst.remind_by.empty() ? Json(nullptr) : Json(inst.remind_by)},
                {"remind_at", remind_at},
                {"meetings", list},
                {"order", nullptr}};
    if (!inst.before.empty()) {
      // The other instance: same centre, the kind named by `before`.
      const CadenceInstance* target = nullptr;
      for (auto& o : instances)
        if (o.kind == inst.before && o.centre == inst.centre && o.workspace != inst.workspace) target = &o;
      Json order = {{"before", inst.before}, {"workspace", target ? Json(target->workspace) : Json(nullptr)}};
      std::optional<TimePoint> first_target;
      if (target)
        for (auto& m : meetings)
          if (in_year(m, target->workspace) && (!first_target || m.start < *first_target)) first_target = m.start;
      std::string ostatus;
      if (!target || !first_target) {
        ostatus = "pending";  // nothing to precede yet this year
      } else {
        bool earlier = false;
        for (auto* m : mine)
          if (m->start < *first_target) earlier = true;
        if (earlier) ostatus = "met";
        else ostatus = *first_target <= now ? "violated" : "at_risk";
        order["target_start"] = pacte::format_time(*first_target);
        order["target_start_local"] = format_local(utc_to_paris(*first_target));
      }
      order["status"] = ostatus;
      row["order"] = order;
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<std::int64_t> needing_reminder(const Json& dashboard) {
  std::vector<std::int64_t> out;
  for (auto& row : dashboard)
    if (row.value("late_to_schedule", false)) out.push_back(row["workspace"].get<std::int64_t>());
  return out;
}

}  // namespace pacte_agenda
