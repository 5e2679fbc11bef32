// The slash command parser: words and quotes, durations, French dates relative to today,
// and the errors a user reads.
#include <gtest/gtest.h>

#include "core/commands.hpp"

using pacte::Commands;
using pacte::Json;

namespace {

std::vector<std::string> texts(const std::string& line) {
  std::vector<std::string> out;
  auto tokens = Commands::tokenize(line);
  if (!tokens) return {"<unclosed>"};
  for (auto& t : *tokens) out.push_back(t.text);
  return out;
}

std::optional<int> duration(const std::string& line, std::size_t* used_out = nullptr) {
  std::size_t used = 0;
  auto r = Commands::parse_duration(texts(line), used);
  if (used_out) *used_out = used;
  return r;
}

// 2 March 2026 is a Monday.
std::optional<std::string> date(const std::string& line, std::size_t* used_out = nullptr) {
  std::size_t used = 0;
  auto r = Commands::parse_date(texts(line), "2026-03-02", used);
  if (used_out) *used_out = used;
  return r;
}

pacte::SlashCommand agenda_add() {
  return {.command = "agenda", .sub = "add",
          .args = {{.name = "titre", .type = "word", .choices = {}, .optional = false, .help_fr = {}, .help_en = {}},
                   {.name = "durée", .type = "duration", .choices = {}, .optional = true, .help_fr = {}, .help_en = {}}},
          .help_fr = {}, .help_en = {}, .rule = pacte::Rule::owner, .run = {}};
}

std::optional<pacte::Error> parse(const pacte::SlashCommand& c, const std::string& args, Json& parsed) {
  auto tokens = Commands::tokenize(args);
  if (!tokens) return pacte::Error{};
  return Commands::parse_args(c, args, *tokens, "2026-03-02", {}, "fr", parsed);
}

}  // namespace

TEST(CommandsParser, QuotesKeepSpacesAndMentionsAreOneWord) {
  EXPECT_EQ(texts(R"(agenda add "Point budget" 20min)"), (std::vector<std::string>{"agenda", "add", "Point budget", "20min"}));
  EXPECT_EQ(texts("agenda add « Point budget » 20min"), (std::vector<std::string>{"agenda", "add", "Point budget", "20min"}));
  EXPECT_EQ(texts("  a   b  "), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(texts(R"(x "")"), (std::vector<std::string>{"x", ""}));
  EXPECT_EQ(texts("remind @[Agnès Daffos](person:12) now"),
            (std::vector<std::string>{"remind", "@[Agnès Daffos](person:12)", "now"}));
  EXPECT_EQ(texts(R"(agenda add "Point budget)"), (std::vector<std::string>{"<unclosed>"}));
  auto tokens = Commands::tokenize(R"(ab "c d" e)");
  ASSERT_TRUE(tokens);
  EXPECT_EQ((*tokens)[1].begin, 3u);
  EXPECT_EQ((*tokens)[1].end, 8u);
  EXPECT_TRUE((*tokens)[1].quoted);
}

TEST(CommandsParser, DurationsInMinutesWithFrenchUnits) {
  std::size_t used = 0;
  EXPECT_EQ(duration("20min", &used), 20);
  EXPECT_EQ(used, 1u);
  EXPECT_EQ(duration("20 min", &used), 20);
  EXPECT_EQ(used, 2u);
  EXPECT_EQ(duration("1h"), 60);
  EXPECT_EQ(duration("1h30"), 90);
  EXPECT_EQ(duration("1H30min"), 90);
  EXPECT_EQ(duration("1 h 30", &used), 90);
  EXPECT_EQ(used, 3u);
  EXPECT_EQ(duration("2 heures"), 120);
  EXPECT_EQ(duration("90"), 90);
  EXPECT_EQ(duration("90 titre", &used), 90);
  EXPECT_EQ(used, 1u);
  EXPECT_FALSE(duration("0min"));
  EXPECT_FALSE(duration("1h75"));
  EXPECT_FALSE(duration("25h"));
  EXPECT_FALSE(duration("vingt"));
  EXPECT_FALSE(duration("-5"));
}

TEST(CommandsParser, FrenchDatesRelativeToTodayInParis) {
  std::size_t used = 0;
  EXPECT_EQ(date("12/03/2026"), "2026-03-12");
  EXPECT_EQ(date("12/03/26"), "2026-03-12");
  EXPECT_EQ(date("2026-03-12"), "2026-03-12");
  EXPECT_EQ(date("12 mars 2026", &used), "2026-03-12");
  EXPECT_EQ(used, 3u);
  EXPECT_EQ(date("12 mars", &used), "2026-03-12");
  EXPECT_EQ(used, 2u);
  EXPECT_EQ(date("1er août 2026"), "2026-08-01");
  EXPECT_EQ(date("3 aout"), "2026-08-03");
  EXPECT_EQ(date("1er mars"), "2027-03-01");  // already past this year: next year's
  EXPECT_EQ(date("15 Décembre 2026"), "2026-12-15");
  EXPECT_EQ(date("aujourd'hui"), "2026-03-02");
  EXPECT_EQ(date("aujourd’hui"), "2026-03-02");
  EXPECT_EQ(date("demain"), "2026-03-03");
  EXPECT_EQ(date("après-demain"), "2026-03-04");
  EXPECT_EQ(date("mercredi"), "2026-03-04");
  EXPECT_EQ(date("lundi"), "2026-03-09");  // today is a Monday: next week's
  EXPECT_EQ(date("Dimanche"), "2026-03-08");
  EXPECT_EQ(date("tomorrow"), "2026-03-03");
  EXPECT_EQ(date("29/02/2028"), "2028-02-29");
  EXPECT_FALSE(date("29/02/2026"));
  EXPECT_FALSE(date("31 avril 2026"));
  EXPECT_FALSE(date("12 brumaire"));
  EXPECT_FALSE(date("bientôt"));
  EXPECT_FALSE(date("2026-13-01"));
}

TEST(CommandsParser, TodayIsTakenInParisNotUtc) {
  using namespace std::chrono;
  // 23:30 UTC on 2 March is already 3 March in Paris (UTC+1 in winter).
  auto t = sys_days{year{2026} / 3 / 2} + hours(23) + minutes(30);
  EXPECT_EQ(Commands::today_in_paris(t), "2026-03-03");
  // 22:30 UTC on 30 June is 00:30 on 1 July in Paris (UTC+2 in summer).
  EXPECT_EQ(Commands::today_in_paris(sys_days{year{2026} / 6 / 30} + hours(22) + minutes(30)), "2026-07-01");
}

TEST(CommandsParser, ArgumentsAndErrorsNameTheArgumentAndTheUsage) {
  auto c = agenda_add();
  EXPECT_EQ(Commands::usage(c), "/agenda add <titre> [durée]");
  Json parsed;
  ASSERT_FALSE(parse(c, R"("Point budget" 20 min)", parsed));
  EXPECT_EQ(parsed, (Json{{"titre", "Point budget"}, {"durée", 20}}));
  ASSERT_FALSE(parse(c, "Budget", parsed));
  EXPECT_EQ(parsed, (Json{{"titre", "Budget"}}));

  auto err = parse(c, "", parsed);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, pacte::ErrorCode::bad_request);
  EXPECT_EQ(err->message_fr, "/agenda add : il manque « titre ». Usage : /agenda add <titre> [durée]");
  EXPECT_EQ(err->message, "/agenda add: 'titre' is missing. Usage: /agenda add <titre> [durée]");

  err = parse(c, "Budget longtemps", parsed);
  ASSERT_TRUE(err);
  EXPECT_NE(err->message_fr.find("« durée » : « longtemps » n'est pas une durée"), std::string::npos) << err->message_fr;
  EXPECT_NE(err->message.find("'durée': 'longtemps' is not a duration"), std::string::npos) << err->message;

  err = parse(c, "Budget 20min encore", parsed);
  ASSERT_TRUE(err);
  EXPECT_NE(err->message_fr.find("trop d'arguments (« encore »)"), std::string::npos);

  pacte::SlashCommand diff{.command = "doc", .sub = "diff",
                           .args = {{.name = "v1", .type = "integer", .choices = {}, .optional = false, .help_fr = {}, .help_en = {}},
                                    {.name = "v2", .type = "integer", .choices = {}, .optional = false, .help_fr = {}, .help_en = {}}},
                           .help_fr = {}, .help_en = {}, .rule = pacte::Rule::observer, .run = {}};
  ASSERT_FALSE(parse(diff, "v1 V2", parsed));
  EXPECT_EQ(parsed, (Json{{"v1", 1}, {"v2", 2}}));
  err = parse(diff, "v1 deux", parsed);
  ASSERT_TRUE(err);
  EXPECT_NE(err->message_fr.find("« v2 » : « deux » n'est pas un nombre"), std::string::npos);

  pacte::SlashCommand when{.command = "x", .sub = "",
                           .args = {{.name = "jour", .type = "date", .choices = {}, .optional = false, .help_fr = {}, .help_en = {}},
                                    {.name = "mode", .type = "choice", .choices = {"visio", "présentiel"}, .optional = true, .help_fr = {}, .help_en = {}},
                                    {.name = "note", .type = "rest", .choices = {}, .optional = true, .help_fr = {}, .help_en = {}}},
                           .help_fr = {}, .help_en = {}, .rule = pacte::Rule::member, .run = {}};
  ASSERT_FALSE(parse(when, "12 mars 2026 PRESENTIEL salle  du conseil", parsed));
  EXPECT_EQ(parsed, (Json{{"jour", "2026-03-12"}, {"mode", "présentiel"}, {"note", "salle  du conseil"}}));
  err = parse(when, "12 mars 2026 hybride", parsed);
  ASSERT_TRUE(err);
  EXPECT_NE(err->message_fr.find("choisissez parmi visio, présentiel"), std::string::npos);
  err = parse(when, "31/02/2026", parsed);
  ASSERT_TRUE(err);
  EXPECT_NE(err->message_fr.find("« jour » : « 31/02/2026 » n'est pas une date"), std::string::npos);
}
