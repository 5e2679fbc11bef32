// Slash commands: the parser of a command line (quoting, durations, French dates, people
// and organisations) and the core operations commands.list, commands.complete and
// commands.run, which run the commands plugins register (Registrar::add_command).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/engine.hpp"

namespace pacte {

class Commands {
 public:
  void register_operations(Dispatcher& dispatcher);

  /// One word of a command line: its text (quotes removed) and where it starts and ends
  /// in the line, in bytes.
  struct Token {
    std::string text;
    std::size_t begin = 0;
    std::size_t end = 0;
    bool quoted = false;
  };
  /// Splits a line into words: spaces separate them, "double" or « French » quotes keep
  /// spaces in one word, a mention @[Name](person:ID) is one word. nullopt if a quote is
  /// not closed.
  static std::optional<std::vector<Token>> tokenize(const std::string& line);

  /// "20min", "20 min", "1h", "1h30", "1 h 30", "90" (minutes) → minutes (1 to 1440).
  /// `words` are the line's words from the duration on; `used` tells how many it took.
  static std::optional<int> parse_duration(const std::vector<std::string>& words, std::size_t& used);
  /// "12/03/2026", "12/03", "12 mars 2026", "1er mars", "2026-03-12", "aujourd'hui",
  /// "demain", "après-demain", "lundi"… (the next one after today), English "today",
  /// "tomorrow", "monday" → "YYYY-MM-DD". `today` is "YYYY-MM-DD".
  static std::optional<std::string> parse_date(const std::vector<std::string>& words, const std::string& today,
                                               std::size_t& used);
  /// Today's date in Europe/Paris at `now`, "YYYY-MM-DD".
  static std::string today_in_paris(TimePoint now);

  /// What a line parses into for a command's arguments.
  struct Lookup {
    /// Resolves a person word (a mention, or a name/email prefix) to an id among the
    /// workspace's members; error text in French and English when none or several match.
    std::function<std::optional<std::int64_t>(const std::string&, std::string& fr, std::string& en)> person;
    std::function<std::optional<std::int64_t>(const std::string&, std::string& fr, std::string& en)> organisation;
  };
  /// Parses the argument words (after the command and subcommand) of `line`; fills
  /// `parsed` or returns the error (bad_request, naming the argument and the usage).
  static std::optional<Error> parse_args(const SlashCommand& command, const std::string& line,
                                         const std::vector<Token>& words, const std::string& today,
                                         const Lookup& lookup, const std::string& locale, Json& parsed);
  /// "/agenda add <titre> [durée]".
  static std::string usage(const SlashCommand& command);
};

}  // namespace pacte
