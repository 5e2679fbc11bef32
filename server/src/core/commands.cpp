#include "core/commands.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "core/chat.hpp"
#include "core/schema.hpp"

namespace pacte {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string lower_ascii(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Lower case, with the accented letters of French folded (dates, choices, names).
std::string fold(const std::string& s) {
  static const std::vector<std::pair<std::string, std::string>> map = {
      {"é", "e"}, {"è", "e"}, {"ê", "e"}, {"ë", "e"}, {"à", "a"}, {"â", "a"}, {"î", "i"}, {"ï", "i"},
      {"ô", "o"}, {"û", "u"}, {"ù", "u"}, {"ü", "u"}, {"ç", "c"}, {"É", "e"}, {"È", "e"}, {"À", "a"},
      {"Ç", "c"}, {"’", "'"}};
  std::string out = lower_ascii(s);
  for (auto& [from, to] : map) {
    std::size_t pos = 0;
    while ((pos = out.find(from, pos)) != std::string::npos) {
      out.replace(pos, from.size(), to);
      pos += to.size();
    }
  }
  return out;
}

std::size_t code_points(const std::string& s, std::size_t bytes) {
  return utf8_length(std::string_view(s).substr(0, std::min(bytes, s.size())));
}

std::string format_ymd(const date::year_month_day& ymd) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<date::year_month_day> ymd_of(const std::string& iso) {
  static const std::regex re(R"(^(\d{4})-(\d{2})-(\d{2})$)");
  std::smatch m;
  if (!std::regex_match(iso, m, re)) return std::nullopt;
  date::year_month_day ymd{date::year{std::stoi(m[1])}, date::month{static_cast<unsigned>(std::stoi(m[2]))},
                           date::day{static_cast<unsigned>(std::stoi(m[3]))}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

int month_of(const std::string& word) {
  static const std::vector<std::vector<std::string>> months = {
      {"janvier", "janv", "janv."}, {"fevrier", "fevr", "fevr.", "fev", "fev."}, {"mars"}, {"avril", "avr", "avr."},
      {"mai"}, {"juin"}, {"juillet", "juil", "juil."}, {"aout"}, {"septembre", "sept", "sept."},
      {"octobre", "oct", "oct."}, {"novembre", "nov", "nov."}, {"decembre", "dec", "dec."}};
  std::string w = fold(word);
  for (std::size_t i = 0; i < months.size(); ++i)
    for (auto& name : months[i])
      if (w == name) return static_cast<int>(i) + 1;
  return 0;
}

/// The date `day`/`month` of `year`, or of the next year when it is already past.
std::optional<std::string> next_occurrence(unsigned day, unsigned month, std::optional<int> year,
                                           const date::year_month_day& today) {
  int y = year ? *year : static_cast<int>(today.year());
  date::year_month_day ymd{date::year{y}, date::month{month}, date::day{day}};
  if (!year && ymd.ok() && date::sys_days{ymd} < date::sys_days{today}) ymd = {date::year{y + 1}, date::month{month}, date::day{day}};
  if (!ymd.ok()) return std::nullopt;
  return format_ymd(ymd);
}

const std::vector<std::string> kTypeFr = {"word", "mot", "rest", "texte", "integer", "nombre", "duration", "durée",
                                          "date", "date", "person", "personne", "organisation", "organisation",
                                          "choice", "choix"};

Error arg_error(const SlashCommand& c, const std::string& fr, const std::string& en) {
  std::string name = "/" + c.command + (c.sub.empty() ? "" : " " + c.sub);
  std::string usage = Commands::usage(c);
  return Error{ErrorCode::bad_request, name + ": " + en + ". Usage: " + usage,
               name + " : " + fr + ". Usage : " + usage, "args.text", 0};
}

bool rule_allows(Rule rule, Role role, const Caller& caller) {
  switch (rule) {
    case Rule::anonymous:
    case Rule::authenticated: return true;
    case Rule::admin: return caller.admin;
    case Rule::observer: return role >= Role::observer;
    case Rule::member: return role >= Role::member;
    case Rule::owner: return role >= Role::owner;
  }
  return false;
}

bool plugin_enabled(Context& ctx, std::int64_t workspace, const std::string& plugin) {
  if (plugin.empty()) return true;
  auto& q = ctx.sql("SELECT enabled FROM workspace_plugins WHERE workspace_id = ? AND plugin = ?");
  q.bind(1, workspace).bind(2, plugin);
  bool enabled = q.step() && q.int64(0) != 0;
  q.reset();
  return enabled;
}

/// The commands the caller may run in the workspace.
std::vector<const Dispatcher::Command*> visible(Context& ctx, const Dispatcher& d, const Call& call) {
  std::vector<const Dispatcher::Command*> out;
  for (auto& c : d.commands())
    if (rule_allows(c.spec.rule, call.role, call.caller) && plugin_enabled(ctx, call.workspace, c.plugin))
      out.push_back(&c);
  return out;
}

std::string help_of(const SlashCommand& c, const std::string& locale) {
  return locale == "en" && !c.help_en.empty() ? c.help_en : c.help_fr;
}

Commands::Lookup lookup_for(Context& ctx, std::int64_t workspace) {
  Commands::Lookup l;
  l.person = [&ctx, workspace](const std::string& word, std::string& fr, std::string& en) -> std::optional<std::int64_t> {
    static const std::regex mention(R"(^@\[[^\]\n]{0,200}\]\(person:([0-9]{1,18})\)$)");
    std::smatch m;
    std::vector<std::int64_t> members;
    for (auto& mb : ctx.members(workspace)) members.push_back(mb.person);
    if (std::regex_match(word, m, mention)) {
      std::int64_t id = std::stoll(m[1]);
      if (std::find(members.begin(), members.end(), id) != members.end()) return id;
      fr = "cette personne n'est pas membre de l'espace";
      en = "this person is not a member of the workspace";
      return std::nullopt;
    }
    std::string prefix = fold(word[0] == '@' ? word.substr(1) : word);
    std::vector<std::int64_t> found;
    for (auto id : members) {
      auto& q = ctx.sql("SELECT name, email FROM people WHERE id = ?");
      q.bind(1, id);
      if (q.step()) {
        std::string name = fold(q.text(0)), email = fold(q.text(1));
        bool match = !prefix.empty() && (name.rfind(prefix, 0) == 0 || email.rfind(prefix, 0) == 0 ||
                                         name.find(" " + prefix) != std::string::npos);
        if (match) found.push_back(id);
      }
      q.reset();
    }
    if (found.size() == 1) return found[0];
    fr = found.empty() ? "aucun membre de l'espace ne s'appelle « " + word + " »"
                       : "plusieurs membres correspondent à « " + word + " » : précisez";
    en = found.empty() ? "no member of the workspace is called '" + word + "'"
                       : "several members match '" + word + "': be more precise";
    return std::nullopt;
  };
  l.organisation = [&ctx](const std::string& word, std::string& fr, std::string& en) -> std::optional<std::int64_t> {
    std::string w = fold(word);
    std::vector<std::int64_t> found;
    auto& q = ctx.sql("SELECT id, key, short, name FROM organisations ORDER BY id");
    while (q.step()) {
      std::string key = fold(q.text(1)), s = fold(q.text(2)), name = fold(q.text(3));
      if (key == w || s == w) {
        found.assign(1, q.int64(0));
        break;
      }
      if (!w.empty() && (key.rfind(w, 0) == 0 || s.rfind(w, 0) == 0 || name.find(w) != std::string::npos))
        found.push_back(q.int64(0));
    }
    q.reset();
    if (found.size() == 1) return found[0];
    fr = found.empty() ? "aucune organisation « " + word + " »" : "plusieurs organisations correspondent à « " + word + " »";
    en = found.empty() ? "no organisation '" + word + "'" : "several organisations match '" + word + "'";
    return std::nullopt;
  };
  return l;
}

Json suggestion(std::string value, std::string label, std::string detail = {}) {
  Json s = {{"value", std::move(value)}, {"label", std::move(label)}};
  if (!detail.empty()) s["detail"] = std::move(detail);
  return s;
}

}  // namespace

// --- Parser -------------------------------------------------------------------------------

std::optional<std::vector<Commands::Token>> Commands::tokenize(const std::string& line) {
  static const std::vector<std::pair<std::string, std::string>> quotes = {{"\"", "\""}, {"«", "»"}, {"“", "”"}};
  std::vector<Token> out;
  std::size_t i = 0, n = line.size();
  while (i < n) {
    if (is_space(line[i])) {
      ++i;
      continue;
    }
    bool quoted = false;
    for (auto& [open, close] : quotes) {
      if (line.compare(i, open.size(), open) != 0) continue;
      std::size_t end = line.find(close, i + open.size());
      if (end == std::string::npos) return std::nullopt;
      std::string text = line.substr(i + open.size(), end - i - open.size());
      // « texte » is written with (non-breaking) spaces inside the quotes.
      auto trim = [](std::string s) {
        static const std::vector<std::string> spaces = {" ", "\u00a0", "\u202f"};
        for (bool again = true; again;) {
          again = false;
          for (auto& sp : spaces) {
            if (s.size() >= sp.size() && s.compare(0, sp.size(), sp) == 0) s.erase(0, sp.size()), again = true;
            if (s.size() >= sp.size() && s.compare(s.size() - sp.size(), sp.size(), sp) == 0)
              s.erase(s.size() - sp.size()), again = true;
          }
        }
        return s;
      };
      out.push_back(Token{trim(text), i, end + close.size(), true});
      i = end + close.size();
      quoted = true;
      break;
    }
    if (quoted) continue;
    std::size_t start = i;
    if (line.compare(i, 2, "@[") == 0) {
      std::size_t close = line.find("](", i);
      std::size_t paren = close == std::string::npos ? close : line.find(')', close);
      if (paren != std::string::npos && line.find('\n', i) > paren) {
        out.push_back(Token{line.substr(i, paren + 1 - i), i, paren + 1, false});
        i = paren + 1;
        continue;
      }
    }
    while (i < n && !is_space(line[i])) ++i;
    out.push_back(Token{line.substr(start, i - start), start, i, false});
  }
  return out;
}

std::optional<int> Commands::parse_duration(const std::vector<std::string>& words, std::size_t& used) {
  used = 0;
  if (words.empty()) return std::nullopt;
  static const std::regex hours(R"(^(\d{1,3})(?:h|heures?)(\d{1,2})?(?:min|mn|m)?$)");
  static const std::regex minutes(R"(^(\d{1,4})(?:min|mn|m|minutes?)?$)");
  static const std::regex digits(R"(^\d{1,4}$)");
  std::string w = fold(words[0]);
  std::smatch m;
  int total = -1;
  if (std::regex_match(w, m, hours)) {
    total = std::stoi(m[1]) * 60 + (m[2].matched ? std::stoi(m[2]) : 0);
    if (m[2].matched && std::stoi(m[2]) >= 60) return std::nullopt;
    used = 1;
  } else if (std::regex_match(w, m, minutes)) {
    total = std::stoi(m[1]);
    used = 1;
    // "20 min", "1 h", "1 h 30"
    if (std::regex_match(w, digits) && words.size() > 1) {
      std::string unit = fold(words[1]);
      if (unit == "min" || unit == "mn" || unit == "minute" || unit == "minutes") {
        used = 2;
      } else if (unit == "h" || unit == "heure" || unit == "heures") {
        total *= 60;
        used = 2;
        if (words.size() > 2 && std::regex_match(words[2], digits) && std::stoi(words[2]) < 60) {
          total += std::stoi(words[2]);
          used = 3;
        }
      }
    }
  }
  if (total < 1 || total > 1440) {
    used = 0;
    return std::nullopt;
  }
  return total;
}

std::optional<std::string> Commands::parse_date(const std::vector<std::string>& words, const std::string& today_text,
                                                std::size_t& used) {
  used = 0;
  auto today = ymd_of(today_text);
  if (words.empty() || !today) return std::nullopt;
  std::string w = fold(words[0]);
  date::sys_days t{*today};
  auto plus = [&](int days) {
    used = 1;
    return format_ymd(date::year_month_day{t + date::days(days)});
  };
  if (w == "aujourd'hui" || w == "aujourdhui" || w == "today") return plus(0);
  if (w == "demain" || w == "tomorrow") return plus(1);
  if (w == "apres-demain" || w == "apres_demain") return plus(2);
  static const std::vector<std::vector<std::string>> weekdays = {
      {"dimanche", "sunday"}, {"lundi", "monday"}, {"mardi", "tuesday"}, {"mercredi", "wednesday"},
      {"jeudi", "thursday"}, {"vendredi", "friday"}, {"samedi", "saturday"}};
  for (unsigned d = 0; d < 7; ++d)
    for (auto& name : weekdays[d])
      if (w == name) {
        // The next such day after today (a week later when today is that day).
        unsigned now = date::weekday{t}.c_encoding();
        int ahead = static_cast<int>((d + 7 - now) % 7);
        return plus(ahead == 0 ? 7 : ahead);
      }
  if (auto iso = ymd_of(w)) {
    used = 1;
    return format_ymd(*iso);
  }
  static const std::regex slash(R"(^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}|\d{2}))?$)");
  std::smatch m;
  if (std::regex_match(w, m, slash)) {
    std::optional<int> year;
    if (m[3].matched) year = m[3].length() == 2 ? 2000 + std::stoi(m[3]) : std::stoi(m[3]);
    auto r = next_occurrence(static_cast<unsigned>(std::stoi(m[1])), static_cast<unsigned>(std::stoi(m[2])), year, *today);
    if (r) used = 1;
    return r;
  }
  static const std::regex day(R"(^(\d{1,2})(?:er)?$)");
  if (std::regex_match(w, m, day) && words.size() > 1) {
    int month = month_of(words[1]);
    if (!month) return std::nullopt;
    std::optional<int> year;
    std::size_t n = 2;
    static const std::regex four(R"(^\d{4}$)");
    if (words.size() > 2 && std::regex_match(words[2], four)) year = std::stoi(words[2]), n = 3;
    auto r = next_occurrence(static_cast<unsigned>(std::stoi(m[1])), static_cast<unsigned>(month), year, *today);
    if (r) used = n;
    return r;
  }
  return std::nullopt;
}

std::string Commands::today_in_paris(TimePoint now) {
  static const date::time_zone* paris = date::locate_zone("Europe/Paris");
  auto local = paris->to_local(std::chrono::time_point_cast<std::chrono::seconds>(now));
  return format_ymd(date::year_month_day{date::floor<date::days>(local)});
}

std::string Commands::usage(const SlashCommand& c) {
  std::string out = "/" + c.command;
  if (!c.sub.empty()) out += " " + c.sub;
  for (auto& a : c.args) out += a.optional ? " [" + a.name + "]" : " <" + a.name + ">";
  return out;
}

std::optional<Error> Commands::parse_args(const SlashCommand& c, const std::string& line, const std::vector<Token>& words,
                                          const std::string& today, const Lookup& lookup, const std::string& /*locale*/,
                                          Json& parsed) {
  parsed = Json::object();
  std::size_t i = 0;
  for (auto& a : c.args) {
    if (i >= words.size()) {
      if (a.optional) continue;
      return arg_error(c, "il manque « " + a.name + " »", "'" + a.name + "' is missing");
    }
    const std::string& w = words[i].text;
    if (a.type == "word") {
      parsed[a.name] = w;
      ++i;
    } else if (a.type == "rest") {
      if (words.size() - i == 1) {
        parsed[a.name] = w;
      } else {
        std::string rest = line.substr(words[i].begin, words.back().end - words[i].begin);
        parsed[a.name] = rest;
      }
      i = words.size();
    } else if (a.type == "integer") {
      static const std::regex integer(R"(^[vV]?(\d{1,12})$)");
      std::smatch m;
      if (!std::regex_match(w, m, integer))
        return arg_error(c, "« " + a.name + " » : « " + w + " » n'est pas un nombre",
                         "'" + a.name + "': '" + w + "' is not a number");
      parsed[a.name] = std::stoll(m[1]);
      ++i;
    } else if (a.type == "duration" || a.type == "date") {
      std::vector<std::string> rest;
      for (std::size_t k = i; k < words.size() && k < i + 3; ++k) rest.push_back(words[k].text);
      std::size_t used = 0;
      if (a.type == "duration") {
        auto d = parse_duration(rest, used);
        if (!d)
          return arg_error(c, "« " + a.name + " » : « " + w + " » n'est pas une durée (ex. 20min, 1h30)",
                           "'" + a.name + "': '" + w + "' is not a duration (e.g. 20min, 1h30)");
        parsed[a.name] = *d;
      } else {
        auto d = parse_date(rest, today, used);
        if (!d)
          return arg_error(c, "« " + a.name + " » : « " + w + " » n'est pas une date (ex. 12/03/2026, 12 mars, demain, lundi)",
                           "'" + a.name + "': '" + w + "' is not a date (e.g. 12/03/2026, 12 mars, demain, lundi)");
        parsed[a.name] = *d;
      }
      i += used;
    } else if (a.type == "person" || a.type == "organisation") {
      std::string fr, en;
      auto id = a.type == "person" ? lookup.person(w, fr, en) : lookup.organisation(w, fr, en);
      if (!id) return arg_error(c, "« " + a.name + " » : " + fr, "'" + a.name + "': " + en);
      parsed[a.name] = *id;
      ++i;
    } else if (a.type == "choice") {
      std::string f = fold(w), list;
      bool found = false;
      for (auto& choice : a.choices) {
        list += (list.empty() ? "" : ", ") + choice;
        if (fold(choice) == f) parsed[a.name] = choice, found = true;
      }
      if (!found)
        return arg_error(c, "« " + a.name + " » : choisissez parmi " + list, "'" + a.name + "': choose one of " + list);
      ++i;
    }
  }
  if (i < words.size())
    return arg_error(c, "trop d'arguments (« " + words[i].text + " »)", "too many arguments ('" + words[i].text + "')");
  return std::nullopt;
}

// --- Operations ---------------------------------------------------------------------------

void Commands::register_operations(Dispatcher& d) {
  const Json& id = id_schema();
  const Json text = {{"type", "string"}, {"maxLength", 2000}};

  d.add({.name = "commands.list",
         .schema = object_schema({{"workspace", id}}, {"workspace"}),
         .rule = Rule::observer,
         .handler = [&d](Context& ctx, const Call& call) {
           const std::string& loc = call.caller.locale;
           Json out = Json::array();
           out.push_back({{"command", "help"}, {"sub", ""}, {"usage", "/help [commande]"},
                          {"help", loc == "en" ? "Lists the commands you may use here" : "Liste les commandes disponibles ici"},
                          {"args", Json::array({{{"name", loc == "en" ? "command" : "commande"}, {"type", "word"},
                                                 {"optional", true}, {"choices", Json::array()}, {"help", ""}}})}});
           for (auto* c : visible(ctx, d, call)) {
             Json args = Json::array();
             for (auto& a : c->spec.args)
               args.push_back({{"name", a.name}, {"type", a.type}, {"optional", a.optional}, {"choices", a.choices},
                               {"help", loc == "en" && !a.help_en.empty() ? a.help_en : a.help_fr}});
             out.push_back({{"command", c->spec.command}, {"sub", c->spec.sub}, {"usage", usage(c->spec)},
                            {"help", help_of(c->spec, loc)}, {"args", args}});
           }
           return Result::ok({{"commands", out}});
         }});

  d.add({.name = "commands.complete",
         .schema = object_schema({{"workspace", id}, {"text", text}}, {"workspace", "text"}),
         .rule = Rule::observer,
         .handler = [&d](Context& ctx, const Call& call) {
           std::string line = call.args["text"].get<std::string>();
           const std::string& loc = call.caller.locale;
           Json out = Json::array();
           auto done = [&](std::size_t from) {
             return Result::ok({{"replace_from", code_points(line, from)}, {"suggestions", out}});
           };
           if (line.empty() || line[0] != '/') return done(line.size());
           auto tokens = tokenize(line.substr(1));
           if (!tokens) return done(line.size());
           for (auto& t : *tokens) t.begin += 1, t.end += 1;
           bool fresh = is_space(line.back());  // starting a new word
           auto cmds = visible(ctx, d, call);
           // The word being typed: its index and its text so far.
           std::size_t index = fresh ? tokens->size() : tokens->size() - 1;
           std::string current = fresh || tokens->empty() ? "" : tokens->back().text;
           std::size_t from = fresh || tokens->empty() ? line.size() : tokens->back().begin;
           if (tokens->empty()) index = 0, from = 1;
           if (index == 0) {
             std::vector<std::string> seen;
             auto offer = [&](const std::string& name, const std::string& help) {
               if (std::find(seen.begin(), seen.end(), name) != seen.end()) return;
               if (name.rfind(fold(current), 0) != 0) return;
               seen.push_back(name);
               out.push_back(suggestion("/" + name + " ", "/" + name, help));
             };
             offer("help", loc == "en" ? "Lists the commands" : "Liste les commandes");
             for (auto* c : cmds) offer(c->spec.command, c->spec.sub.empty() ? help_of(c->spec, loc) : "");
             return done(from == 1 ? 0 : from - 1);
           }
           std::string name = lower_ascii((*tokens)[0].text);
           std::vector<const Dispatcher::Command*> same;
           for (auto* c : cmds)
             if (c->spec.command == name) same.push_back(c);
           if (name == "help" && index == 1) {
             for (auto* c : cmds)
               if (c->spec.command.rfind(current, 0) == 0 &&
                   std::none_of(out.begin(), out.end(), [&](const Json& s) { return s["value"] == c->spec.command; }))
                 out.push_back(suggestion(c->spec.command, c->spec.command));
             return done(from);
           }
           if (same.empty()) return done(from);
           bool subs = !same.front()->spec.sub.empty();
           if (subs && index == 1) {
             for (auto* c : same)
               if (c->spec.sub.rfind(fold(current), 0) == 0)
                 out.push_back(suggestion(c->spec.sub + " ", c->spec.sub + " — " + usage(c->spec), help_of(c->spec, loc)));
             return done(from);
           }
           const Dispatcher::Command* cmd = nullptr;
           if (subs) {
             for (auto* c : same)
               if (c->spec.sub == lower_ascii((*tokens)[1].text)) cmd = c;
           } else {
             cmd = same.front();
           }
           if (!cmd) return done(from);
           std::size_t arg = index - (subs ? 2 : 1);
           if (arg >= cmd->spec.args.size()) return done(from);
           const CommandArg& a = cmd->spec.args[arg];
           std::string cur = fold(current);
           if (a.complete) {
             Json offered = a.complete(ctx, call, current);
             if (offered.is_array())
               for (auto& o : offered)
                 if (o.is_object() && o.contains("value") && o["value"].is_string() &&
                     out.size() < 20)
                   out.push_back(o);
           } else if (a.type == "person") {
             std::string prefix = !cur.empty() && cur[0] == '@' ? cur.substr(1) : cur;
             for (auto& m : ctx.members(call.workspace)) {
               auto& q = ctx.sql("SELECT name, email FROM people WHERE id = ?");
               q.bind(1, m.person);
               if (q.step()) {
                 std::string nm = q.text(0), email = q.text(1), f = fold(nm);
                 if (prefix.empty() || f.rfind(prefix, 0) == 0 || f.find(" " + prefix) != std::string::npos ||
                     fold(email).rfind(prefix, 0) == 0)
                   out.push_back(suggestion("@[" + nm + "](person:" + std::to_string(m.person) + ") ", nm, email));
               }
               q.reset();
               if (out.size() >= 20) break;
             }
           } else if (a.type == "organisation") {
             auto& q = ctx.sql("SELECT key, short, name FROM organisations ORDER BY short");
             while (q.step() && out.size() < 20) {
               std::string key = q.text(0), s = q.text(1), nm = q.text(2);
               if (cur.empty() || fold(key).rfind(cur, 0) == 0 || fold(s).rfind(cur, 0) == 0)
                 out.push_back(suggestion(key + " ", s, nm));
             }
             q.reset();
           } else if (a.type == "choice") {
             for (auto& ch : a.choices)
               if (fold(ch).rfind(cur, 0) == 0) out.push_back(suggestion(ch + " ", ch));
           } else if (a.type == "date") {
             std::string today = today_in_paris(ctx.now());
             for (std::string ex : {"aujourd'hui", "demain", "lundi", "12/03/2026", "12 mars"}) {
               std::size_t used = 0;
               std::vector<std::string> words;
               std::string w;
               for (char ch : ex) {
                 if (ch == ' ') words.push_back(w), w.clear(); else w += ch;
               }
               words.push_back(w);
               auto value = parse_date(words, today, used);
               if (fold(ex).rfind(cur, 0) == 0) out.push_back(suggestion(ex + " ", ex, value ? *value : ""));
             }
           } else if (a.type == "duration") {
             for (std::string ex : {"10min", "15min", "20min", "30min", "45min", "1h", "1h30", "2h"})
               if (ex.rfind(cur, 0) == 0) out.push_back(suggestion(ex + " ", ex));
           }
           return done(from);
         }});

  d.add({.name = "commands.run",
         .schema = object_schema({{"workspace", id}, {"thread", id}, {"text", {{"type", "string"}, {"minLength", 1}, {"maxLength", 2000}}}},
                                 {"workspace", "text"}),
         .rule = Rule::member,
         .change = true,
         .handler = [&d](Context& ctx, const Call& call) {
           std::string line = call.args["text"].get<std::string>();
           const std::string& loc = call.caller.locale;
           auto bad = [](std::string en, std::string fr) {
             return Result::fail(ErrorCode::bad_request, std::move(en), std::move(fr), "args.text");
           };
           if (line[0] != '/') return bad("a command starts with /", "une commande commence par /");
           auto tokens = tokenize(line.substr(1));
           if (!tokens) return bad("a quote is not closed", "un guillemet n'est pas fermé");
           if (tokens->empty()) return bad("type a command after /, e.g. /help", "tapez une commande après /, par ex. /help");
           for (auto& t : *tokens) t.begin += 1, t.end += 1;
           if (call.args.contains("thread")) {
             auto& q = ctx.sql("SELECT workspace_id FROM threads WHERE id = ?");
             q.bind(1, call.args["thread"].get<std::int64_t>());
             bool ok = q.step() && q.int64(0) == call.workspace;
             q.reset();
             if (!ok) return Result::fail(ErrorCode::not_found, "no such thread here", "ce fil n'est pas dans cet espace", "args.thread");
           }
           std::string name = lower_ascii((*tokens)[0].text);
           auto cmds = visible(ctx, d, call);
           if (name == "help") {
             std::string filter = tokens->size() > 1 ? lower_ascii((*tokens)[1].text) : "";
             if (!filter.empty() && filter[0] == '/') filter.erase(0, 1);
             std::string text = loc == "en" ? "**Commands available here**\n" : "**Commandes disponibles ici**\n";
             int n = 0;
             for (auto* c : cmds) {
               if (!filter.empty() && c->spec.command != filter) continue;
               text += "- `" + usage(c->spec) + "` — " + help_of(c->spec, loc) + "\n";
               ++n;
             }
             if (n == 0)
               text = loc == "en" ? "No command /" + filter + " here." : "Aucune commande /" + filter + " ici.";
             return Result::ok({{"visibility", "ephemeral"}, {"text", text}});
           }
           std::vector<const Dispatcher::Command*> same;
           bool exists = false;
           for (auto& c : d.commands())
             if (c.spec.command == name) {
               exists = exists || plugin_enabled(ctx, call.workspace, c.plugin);
               if (std::find(cmds.begin(), cmds.end(), &c) != cmds.end()) same.push_back(&c);
             }
           const Dispatcher::Command* cmd = nullptr;
           std::size_t first_arg = 1;
           std::string sub = tokens->size() > 1 ? lower_ascii((*tokens)[1].text) : "";
           bool known_sub = false;
           for (auto& c : d.commands())
             if (c.spec.command == name && plugin_enabled(ctx, call.workspace, c.plugin) && (c.spec.sub.empty() || c.spec.sub == sub))
               known_sub = true;
           for (auto* c : same) {
             if (c->spec.sub.empty()) cmd = c, first_arg = 1;
             else if (c->spec.sub == sub) cmd = c, first_arg = 2;
           }
           if (!cmd) {
             if (exists && known_sub)
               return Result::fail(ErrorCode::forbidden, "your role in this workspace does not allow /" + name + (sub.empty() ? "" : " " + sub),
                                   "votre rôle dans cet espace ne permet pas /" + name + (sub.empty() ? "" : " " + sub));
             if (!exists) return bad("unknown command /" + name + "; type /help", "commande inconnue /" + name + " ; tapez /help");
             std::string list;
             for (auto* c : same) list += (list.empty() ? "" : ", ") + usage(c->spec);
             return bad("/" + name + ": unknown subcommand '" + sub + "'; use " + list,
                        "/" + name + " : sous-commande « " + sub + " » inconnue ; utilisez " + list);
           }
           std::vector<Token> words(tokens->begin() + static_cast<std::ptrdiff_t>(std::min(first_arg, tokens->size())), tokens->end());
           Json parsed;
           if (auto err = parse_args(cmd->spec, line, words, today_in_paris(ctx.now()), lookup_for(ctx, call.workspace), loc, parsed))
             return Result::fail(*err);
           Result r = cmd->spec.run(ctx, call, parsed);
           if (!r.is_ok()) return r;
           Json value = r.value();
           std::string visibility = value.value("visibility", "ephemeral");
           Json answer = {{"visibility", visibility == "thread" ? "thread" : "ephemeral"},
                          {"text", value.value("text", "")}};
           Json card = value.contains("card") && value["card"].is_object() ? value["card"] : Json(nullptr);
           if (!card.is_null()) answer["card"] = card;
           if (answer["visibility"] == "thread") {
             // The posted message is read by everyone: in French, with English when the
             // command gives both ("text_fr", "text_en"); else the caller's answer.
             std::string body = answer["text"].get<std::string>();
             if (value.contains("text_fr") && value["text_fr"].is_string())
               body = value["text_fr"].get<std::string>();
             std::string body_en = value.contains("text_en") && value["text_en"].is_string()
                                       ? value["text_en"].get<std::string>()
                                       : "";
             if (body.empty()) body = line;
             std::int64_t message_id = 0;
             if (call.args.contains("thread")) {
               std::int64_t thread = call.args["thread"].get<std::int64_t>();
               Json m = Chat::post(ctx, thread, call.workspace, call.caller.person, body, std::nullopt);
               message_id = m["id"].get<std::int64_t>();
               Chat::set_body_en(ctx, message_id, body_en);
               if (!card.is_null()) {
                 auto& u = ctx.sql("UPDATE messages SET card = ?, card_key = ?, plugin = ? WHERE id = ?");
                 u.bind(1, card.dump());
                 if (card.contains("key") && card["key"].is_string()) u.bind(2, card["key"].get<std::string>()); else u.bind_null(2);
                 u.bind(3, cmd->plugin).bind(4, message_id).run();
               }
               Json message = Chat::message(ctx, message_id);
               ctx.append_event(call.workspace, "chat.message_posted", {{"message", message}},
                                "message:" + std::to_string(message_id));
             } else {
               message_id = ctx.post_activity(
                   call.workspace,
                   Activity{.thread_key = value.value("thread_key", "command:" + name),
                            .thread_title = value.value("thread_title", "/" + name),
                            .thread_title_en = value.value("thread_title_en", ""),
                            .text = body,
                            .text_en = body_en,
                            .card = card});
             }
             answer["message"] = Chat::message(ctx, message_id);
           }
           return Result::ok(answer);
         }});
}

}  // namespace pacte
