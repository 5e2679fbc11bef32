// The agenda plugin's pure parts: Paris time around the clock changes, the iCalendar
// writer's folding and escaping, the minutes renderer's escaping.
#include <gtest/gtest.h>

#include "agenda/ical_writer.hpp"
#include "agenda/minutes_renderer.hpp"
#include "agenda/paris_time.hpp"
#include "pacte/util.hpp"

using namespace pacte_agenda;

namespace {
std::string utc(const std::string& local) {
  auto t = parse_local(local);
  if (!t) return "invalid";
  auto u = paris_to_utc(*t);
  return u ? pacte::format_time(*u) : "nonexistent";
}
}  // namespace

TEST(AgendaParisTime, WinterSummerAndTheChangeovers) {
  EXPECT_EQ(utc("2026-01-15T09:00"), "2026-01-15T08:00:00.000Z");
  EXPECT_EQ(utc("2026-07-15T09:00"), "2026-07-15T07:00:00.000Z");
  // 29 March 2026: 02:00 -> 03:00.
  EXPECT_EQ(utc("2026-03-29T01:59"), "2026-03-29T00:59:00.000Z");
  EXPECT_EQ(utc("2026-03-29T02:30"), "nonexistent");
  EXPECT_EQ(utc("2026-03-29T03:00"), "2026-03-29T01:00:00.000Z");
  // 25 October 2026: 03:00 -> 02:00; the repeated hour resolves to its first (summer) instant.
  EXPECT_EQ(utc("2026-10-25T02:30"), "2026-10-25T00:30:00.000Z");
  EXPECT_EQ(utc("2026-10-25T03:30"), "2026-10-25T02:30:00.000Z");
  EXPECT_EQ(format_local(utc_to_paris(*pacte::parse_time("2026-10-25T01:30:00Z"))), "2026-10-25T02:30");
  EXPECT_EQ(format_local(utc_to_paris(*pacte::parse_time("2026-12-31T23:30:00Z"))), "2027-01-01T00:30");
  // Malformed or impossible dates.
  EXPECT_EQ(utc("2026-02-30T10:00"), "invalid");
  EXPECT_EQ(utc("2026-06-12 14h"), "invalid");
  EXPECT_EQ(utc("2026-06-12T24:00"), "invalid");
  EXPECT_EQ(utc("2026-06-12T14:00:00"), "2026-06-12T12:00:00.000Z");
  EXPECT_EQ(ical_local(*parse_local("2026-06-12T14:05")), "20260612T140500");
}

TEST(AgendaIcal, EscapesTextAndFoldsAt75OctetsWithoutSplittingCharacters) {
  EXPECT_EQ(IcalWriter::escape_text("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
  EXPECT_EQ(IcalWriter::escape_text(std::string("x\x01y")), "xy");
  IcalWriter w;
  std::string accents;
  for (int i = 0; i < 60; ++i) accents += "é";  // 120 octets
  w.text("SUMMARY", accents);
  const std::string& out = w.str();
  std::size_t start = 0;
  std::string unfolded;
  int lines = 0;
  while (start < out.size()) {
    auto end = out.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    std::string line = out.substr(start, end - start);
    EXPECT_LE(line.size(), 75u);
    EXPECT_TRUE(pacte::valid_utf8(line)) << "a fold split a character";
    unfolded += lines == 0 ? line : line.substr(1);
    if (lines > 0) {
      EXPECT_EQ(line[0], ' ');
    }
    ++lines;
    start = end + 2;
  }
  EXPECT_EQ(lines, 2);
  EXPECT_EQ(unfolded, "SUMMARY:" + accents);
  EXPECT_EQ(IcalWriter::param_value("Salle A"), "Salle A");
  EXPECT_EQ(IcalWriter::param_value("a:b\"c"), "\"a:bc\"");
}

TEST(AgendaMinutesRenderer, EscapesUserTextInHtmlAndMarkdown) {
  pacte::Json doc = {{"meeting", {{"title", "<script>alert(1)</script>"}, {"when_fr", "jeudi"}, {"place", "A & B"}}},
                     {"workspace_name", "Copil"},
                     {"state_fr", "brouillon"},
                     {"attendance", {{{"name", "Ann \"O\""}, {"status", "represented"}, {"proxy_name", "Bob"}}}},
                     {"organisations_present", {"Ville"}},
                     {"items", {{{"number", "1"}, {"depth", 0}, {"title", "*gras*"}, {"description", "<b>x</b>"},
                                 {"decisions", {{{"text", "<img src=x>"}, {"outcome", "adopted"}, {"votes_for", 3},
                                                 {"votes_against", nullptr}, {"abstentions", nullptr}}}},
                                 {"actions", pacte::Json::array()}}}},
                     {"amendments", pacte::Json::array()}};
  std::string html = render_minutes_html(doc);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("A &amp; B"), std::string::npos);
  EXPECT_NE(html.find("a donné pouvoir à Bob"), std::string::npos);
  EXPECT_NE(html.find("pour 3, contre –"), std::string::npos);
  std::string md = render_minutes_markdown(doc);
  EXPECT_NE(md.find("\\*gras\\*"), std::string::npos);
  EXPECT_NE(md.find("\\<img src=x\\>"), std::string::npos);
}
