// Slash commands, activity messages and live cards (issue 12) through the real server:
// what each role sees and may run, completion, ephemeral and thread answers, errors in the
// caller's language, and the signatures card updating when a signature lands.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "support/test_server.hpp"

using namespace pacte::test;
using namespace std::chrono_literals;

namespace {

std::string code_of(const Json& reply) {
  return reply.value("ok", false) ? "ok" : reply["error"]["code"].get<std::string>();
}

Json call(TestServer& s, const Person& p, const std::string& op, const Json& args) {
  return api(s.port(), p.token, op, args).json();
}

/// The same call by the same person with English as their language.
Json call_en(TestServer& s, const Person& p, const std::string& op, const Json& args) {
  api(s.port(), p.token, "session.set_locale", {{"locale", "en"}});
  Json out = call(s, p, op, args);
  api(s.port(), p.token, "session.set_locale", {{"locale", "fr"}});
  return out;
}

std::vector<std::string> usages(const Json& list) {
  std::vector<std::string> out;
  for (auto& c : list["result"]["commands"]) out.push_back(c["usage"]);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

pacte::TimePoint utc(int y, unsigned m, unsigned d, std::chrono::hours h) {
  using namespace std::chrono;
  return sys_days{year{y} / static_cast<int>(m) / static_cast<int>(d)} + h;
}

const char* kVille = "equipe@ville-chambery.example";               // owner of copil and pacte
const char* kCsab = "equipe@biollay.example";                       // member of copil
const char* kDaniel = "daniel.bret@federation-cs-2savoie.example";  // made an observer of copil

}  // namespace

TEST(Commands, ListShowsOnlyWhatTheRoleAllowsWithHelpInTheCallersLanguage) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  Person daniel = sign_in(server, kDaniel);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  ASSERT_EQ(code_of(call(server, ville, "workspaces.add_member",
                         {{"workspace", copil}, {"person", daniel.id}, {"role", "observer"}})), "ok");

  auto owner = usages(call(server, ville, "commands.list", {{"workspace", copil}}));
  EXPECT_TRUE(has(owner, "/help [commande]"));
  EXPECT_TRUE(has(owner, "/agenda next"));
  EXPECT_TRUE(has(owner, "/agenda add <titre> [durée]"));
  EXPECT_TRUE(has(owner, "/agenda current <n>"));
  EXPECT_TRUE(has(owner, "/sign status"));
  EXPECT_TRUE(has(owner, "/sign remind [organisation]"));
  EXPECT_TRUE(has(owner, "/doc diff <v1> <v2>"));
  EXPECT_TRUE(has(owner, "/note open [titre]"));

  auto member = usages(call(server, csab, "commands.list", {{"workspace", copil}}));
  EXPECT_TRUE(has(member, "/agenda next"));
  EXPECT_TRUE(has(member, "/note open [titre]"));
  EXPECT_FALSE(has(member, "/agenda add <titre> [durée]"));
  EXPECT_FALSE(has(member, "/sign remind [organisation]"));

  Json observer_list = call(server, daniel, "commands.list", {{"workspace", copil}});
  auto observer = usages(observer_list);
  EXPECT_TRUE(has(observer, "/agenda next"));
  EXPECT_TRUE(has(observer, "/sign status"));
  EXPECT_FALSE(has(observer, "/agenda add <titre> [durée]"));
  EXPECT_FALSE(has(observer, "/agenda current <n>"));
  EXPECT_FALSE(has(observer, "/note open [titre]"));
  for (auto& c : observer_list["result"]["commands"]) {
    if (c["usage"] == "/agenda next") {
      EXPECT_EQ(c["help"], "Affiche la prochaine réunion de l'espace");
    }
  }

  Json english = call_en(server, ville, "commands.list", {{"workspace", copil}});
  for (auto& c : english["result"]["commands"]) {
    if (c["usage"] == "/agenda next") {
      EXPECT_EQ(c["help"], "Shows the workspace's next meeting");
    }
  }

  // Someone outside the workspace learns nothing.
  Person outsider = sign_in(server, "equipe@federation-cs-2savoie.example");
  EXPECT_EQ(code_of(call(server, outsider, "commands.list", {{"workspace", copil}})), "not_found");
}

TEST(Commands, CompletionOffersCommandsSubcommandsAndArgumentsPerRole) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  auto values = [](const Json& reply) {
    std::vector<std::string> out;
    for (auto& s : reply["result"]["suggestions"]) out.push_back(s["value"]);
    return out;
  };

  Json r = call(server, ville, "commands.complete", {{"workspace", copil}, {"text", "/ag"}});
  ASSERT_EQ(code_of(r), "ok") << r;
  EXPECT_EQ(r["result"]["replace_from"], 0);
  EXPECT_EQ(values(r), std::vector<std::string>{"/agenda "});

  r = call(server, ville, "commands.complete", {{"workspace", copil}, {"text", "/agenda "}});
  EXPECT_EQ(r["result"]["replace_from"], 8);
  EXPECT_TRUE(has(values(r), "add "));
  EXPECT_TRUE(has(values(r), "next "));
  r = call(server, csab, "commands.complete", {{"workspace", copil}, {"text", "/agenda "}});
  EXPECT_FALSE(has(values(r), "add "));  // owners only
  EXPECT_TRUE(has(values(r), "next "));

  r = call(server, ville, "commands.complete", {{"workspace", copil}, {"text", "/agenda add \"Point budget\" 2"}});
  EXPECT_EQ(r["result"]["replace_from"], 27);
  EXPECT_TRUE(has(values(r), "20min "));
  EXPECT_FALSE(has(values(r), "1h "));

  r = call(server, ville, "commands.complete", {{"workspace", copil}, {"text", "/sign remind mou"}});
  EXPECT_EQ(r["result"]["replace_from"], 13);
  EXPECT_EQ(values(r), std::vector<std::string>{"moulins "});

  r = call(server, ville, "commands.complete", {{"workspace", copil}, {"text", "/h"}});
  EXPECT_EQ(values(r), std::vector<std::string>{"/help "});
  // Code points, not bytes: "é" counts once.
  r = call(server, ville, "commands.complete", {{"workspace", copil}, {"text", "/note open é"}});
  EXPECT_EQ(r["result"]["replace_from"], 11);
}

TEST(Commands, AnswersAreEphemeralOrPostedToTheThreadAndRolesAreChecked) {
  pacte::ManualClock clock(utc(2026, 6, 12, 8h));  // the morning of the meeting
  TestServer server({.clock = &clock});
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  Person daniel = sign_in(server, kDaniel);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  ASSERT_EQ(code_of(call(server, ville, "workspaces.add_member",
                         {{"workspace", copil}, {"person", daniel.id}, {"role", "observer"}})), "ok");
  // No meeting yet (the demo's are in the past or elsewhere): a polite ephemeral answer.
  Json none = call(server, ville, "commands.run", {{"workspace", copil}, {"text", "/agenda next"}});
  ASSERT_EQ(code_of(none), "ok") << none;
  EXPECT_EQ(none["result"]["visibility"], "ephemeral");

  Json scheduled = call(server, ville, "agenda.schedule",
                        {{"workspace", copil}, {"title", "Comité de pilotage"}, {"start", "2026-06-12T14:00"},
                         {"end", "2026-06-12T16:00"}, {"place", "Hôtel de ville"}});
  ASSERT_EQ(code_of(scheduled), "ok") << scheduled;
  std::int64_t meeting = scheduled["result"]["meeting"]["id"];

  WsClient ws(server.port(), {.cookie = csab.token});
  ws.next();
  ws.subscribe();

  Json next = call(server, csab, "commands.run", {{"workspace", copil}, {"text", "/agenda next"}});
  ASSERT_EQ(code_of(next), "ok") << next;
  EXPECT_EQ(next["result"]["visibility"], "ephemeral");
  EXPECT_NE(next["result"]["text"].get<std::string>().find("Comité de pilotage"), std::string::npos);
  EXPECT_FALSE(next["result"].contains("message"));
  Json card = next["result"]["card"];
  EXPECT_EQ(card["key"], "agenda:meeting:" + std::to_string(meeting));
  EXPECT_EQ(card["links"][0]["href"], "/p/agenda/meeting/" + std::to_string(meeting) + ".ics");

  // The owner adds an item: answered in the meeting's thread, with the item on the agenda.
  Json added = call(server, ville, "commands.run", {{"workspace", copil}, {"text", "/agenda add \"Point budget\" 20min"}});
  ASSERT_EQ(code_of(added), "ok") << added;
  EXPECT_EQ(added["result"]["visibility"], "thread");
  Json message = added["result"]["message"];
  EXPECT_EQ(message["author"], ville.id);
  EXPECT_NE(message["body"].get<std::string>().find("Point budget"), std::string::npos);
  Json got = call(server, csab, "agenda.get", {{"meeting", meeting}});
  bool found = false;
  for (auto& it : got["result"]["meeting"]["items"])
    if (it["title"] == "Point budget") {
      found = true;
      EXPECT_EQ(it["planned_minutes"], 20);
    }
  EXPECT_TRUE(found);
  auto posted = ws.wait_event("chat.message_posted");
  ASSERT_TRUE(posted);
  EXPECT_EQ((*posted)["data"]["message"]["id"], message["id"]);
  // The meeting's thread holds the activity (scheduled, with its card) and the answer.
  Json history = call(server, csab, "chat.history", {{"thread", message["thread"]}});
  ASSERT_GE(history["result"]["messages"].size(), 2u);
  EXPECT_EQ(history["result"]["messages"][0]["card"]["key"], "agenda:meeting:" + std::to_string(meeting));
  EXPECT_EQ(history["result"]["messages"][0]["plugin"], "agenda");

  // Into a given thread.
  Json thread = call(server, csab, "chat.create_thread", {{"workspace", copil}, {"title", "Séance"}, {"body", "Bonjour"}});
  std::int64_t tid = thread["result"]["thread"]["id"];
  Json in_thread = call(server, ville, "commands.run",
                        {{"workspace", copil}, {"thread", tid}, {"text", "/agenda add Clôture 5 min"}});
  ASSERT_EQ(code_of(in_thread), "ok") << in_thread;
  EXPECT_EQ(in_thread["result"]["message"]["thread"], tid);

  // Permission refusals: a member may not add; an observer may not run commands at all.
  Json refused = call(server, csab, "commands.run", {{"workspace", copil}, {"text", "/agenda add Budget"}});
  EXPECT_EQ(code_of(refused), "forbidden") << refused;
  EXPECT_EQ(code_of(call(server, daniel, "commands.run", {{"workspace", copil}, {"text", "/agenda next"}})), "forbidden");
  EXPECT_EQ(code_of(call(server, csab, "commands.run", {{"workspace", copil}, {"thread", 999999}, {"text", "/help"}})),
            "not_found");

  // /help lists what the caller may run, ephemerally.
  Json help = call(server, csab, "commands.run", {{"workspace", copil}, {"text", "/help agenda"}});
  ASSERT_EQ(code_of(help), "ok");
  EXPECT_EQ(help["result"]["visibility"], "ephemeral");
  std::string text = help["result"]["text"];
  EXPECT_NE(text.find("/agenda next"), std::string::npos);
  EXPECT_EQ(text.find("/agenda add"), std::string::npos);

  // /agenda current during the meeting.
  clock.set(utc(2026, 6, 12, 12h));  // 14:00 in Paris
  Json current = call(server, ville, "commands.run", {{"workspace", copil}, {"text", "/agenda current 1"}});
  ASSERT_EQ(code_of(current), "ok") << current;
  got = call(server, csab, "agenda.get", {{"meeting", meeting}});
  EXPECT_EQ(got["result"]["meeting"]["current_item"], got["result"]["meeting"]["items"][0]["id"]);
  auto updated = ws.wait_event("chat.card_updated");
  ASSERT_TRUE(updated);
  EXPECT_EQ((*updated)["data"]["card"]["key"], "agenda:meeting:" + std::to_string(meeting));
}

TEST(Commands, BadInputIsABadRequestInTheCallersLanguage) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  Json r = call(server, ville, "commands.run", {{"workspace", copil}, {"text", "/agenda add Budget longtemps"}});
  ASSERT_EQ(code_of(r), "bad_request");
  EXPECT_EQ(r["error"]["message_fr"],
            "/agenda add : « durée » : « longtemps » n'est pas une durée (ex. 20min, 1h30). Usage : /agenda add <titre> [durée]");
  r = call_en(server, ville, "commands.run", {{"workspace", copil}, {"text", "/agenda add Budget longtemps"}});
  ASSERT_EQ(code_of(r), "bad_request");
  EXPECT_FALSE(r["error"].contains("message_fr"));  // an English speaker reads English only
  EXPECT_EQ(r["error"]["message"],
            "/agenda add: 'durée': 'longtemps' is not a duration (e.g. 20min, 1h30). Usage: /agenda add <titre> [durée]");
  r = call(server, ville, "commands.run", {{"workspace", copil}, {"text", "/agenda add \"Budget"}});
  EXPECT_EQ(code_of(r), "bad_request");
  EXPECT_EQ(r["error"]["message_fr"], "un guillemet n'est pas fermé");
  r = call(server, ville, "commands.run", {{"workspace", copil}, {"text", "/frobnicate"}});
  EXPECT_EQ(code_of(r), "bad_request");
  EXPECT_EQ(r["error"]["message_fr"], "commande inconnue /frobnicate ; tapez /help");
  r = call_en(server, ville, "commands.run", {{"workspace", copil}, {"text", "/agenda dance"}});
  EXPECT_EQ(code_of(r), "bad_request");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("unknown subcommand 'dance'"), std::string::npos);
  r = call(server, ville, "commands.run", {{"workspace", copil}, {"text", "agenda next"}});
  EXPECT_EQ(code_of(r), "bad_request");
  r = call(server, ville, "commands.run", {{"workspace", copil}, {"text", "/doc diff v1"}});
  EXPECT_EQ(code_of(r), "bad_request");
  EXPECT_NE(r["error"]["message_fr"].get<std::string>().find("il manque « v2 »"), std::string::npos);
}

TEST(Commands, SignaturesCardUpdatesWhenASignatureLandsAndActionsAreCheckedAgain) {
  pacte::ManualClock clock(utc(2026, 3, 2, 9h));
  TestServer server({.clock = &clock});
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  std::int64_t pacte_ws = workspace_id(server.port(), ville.token, "pacte");
  std::int64_t campaign = call(server, ville, "signatures.campaign.list",
                               {{"workspace", pacte_ws}})["result"]["campaigns"][0]["id"];
  std::string key = "signatures:campaign:" + std::to_string(campaign);

  // /sign status: the card with the progress; no "Signer" for a non-signatory.
  Json status = call(server, csab, "commands.run", {{"workspace", pacte_ws}, {"text", "/sign status"}});
  ASSERT_EQ(code_of(status), "ok") << status;
  EXPECT_EQ(status["result"]["visibility"], "ephemeral");
  Json card = status["result"]["card"];
  EXPECT_EQ(card["key"], key);
  EXPECT_TRUE(card["actions"].empty());
  std::string before = card["subtitle"];
  Person agnes = sign_in(server, "agnes.daffos@cs-moulins.example");
  Json mine = call(server, agnes, "commands.run", {{"workspace", pacte_ws}, {"text", "/sign status"}});
  ASSERT_EQ(code_of(mine), "ok") << mine;
  ASSERT_EQ(mine["result"]["card"]["actions"].size(), 1u);
  EXPECT_EQ(mine["result"]["card"]["actions"][0]["op"], "signatures.open");

  WsClient ws(server.port(), {.cookie = csab.token});
  ws.next();
  ws.subscribe();

  // The action of the card, called by someone without the right: refused by the server.
  Json action = card.is_null() ? Json() : mine["result"]["card"]["actions"][0];
  std::string refused_code = code_of(call(server, csab, action["op"], action["args"]));
  EXPECT_TRUE(refused_code == "forbidden" || refused_code == "not_found") << refused_code;

  // Agnès signs: the card is replaced in place, with the new progress.
  Json opened = call(server, agnes, action["op"], action["args"]);
  ASSERT_EQ(code_of(opened), "ok") << opened;
  Json signed_ = call(server, agnes, "signatures.sign",
                      {{"campaign", campaign}, {"version_hash", opened["result"]["version_hash"]},
                       {"consent_hash", opened["result"]["consent"]["hash"]}});
  ASSERT_EQ(code_of(signed_), "ok") << signed_;
  // Opening the text refreshes the card too (same numbers); the signature changes them.
  std::optional<Json> updated;
  for (int i = 0; i < 5; ++i) {
    updated = ws.wait_event("chat.card_updated");
    ASSERT_TRUE(updated);
    EXPECT_EQ((*updated)["data"]["card"]["key"], key);
    if ((*updated)["data"]["card"]["subtitle"] != before) break;
  }
  EXPECT_EQ(before, "0 / 14 signatures");
  EXPECT_EQ((*updated)["data"]["card"]["subtitle"], "1 / 14 signatures");
  Json moulins;
  for (auto& p : (*updated)["data"]["card"]["progress"])
    if (p["label"] == "Moulins" || p["label"] == "CS Moulins") moulins = p;
  ASSERT_FALSE(moulins.is_null());
  EXPECT_EQ(moulins["done"], 1);
  std::int64_t message = (*updated)["data"]["message"];
  // The stored message carries the new card too (history after a reload).
  Json history = call(server, csab, "chat.history", {{"thread", (*updated)["data"]["thread"]}});
  bool seen = false;
  for (auto& m : history["result"]["messages"])
    if (m["id"] == message) {
      seen = true;
      EXPECT_EQ(m["card"], (*updated)["data"]["card"]);
    }
  EXPECT_TRUE(seen);
  // The activity message about the signature is authored by the signatory.
  auto posted = ws.wait_event("chat.message_posted");
  ASSERT_TRUE(posted);
  EXPECT_EQ((*posted)["data"]["message"]["author"], agnes.id);
  EXPECT_NE((*posted)["data"]["message"]["body"].get<std::string>().find("Signature enregistrée"), std::string::npos);

  // /sign remind is for owners.
  EXPECT_EQ(code_of(call(server, csab, "commands.run", {{"workspace", pacte_ws}, {"text", "/sign remind"}})), "forbidden");
  Json reminded = call(server, ville, "commands.run", {{"workspace", pacte_ws}, {"text", "/sign remind moulins"}});
  ASSERT_EQ(code_of(reminded), "ok") << reminded;
  EXPECT_NE(reminded["result"]["text"].get<std::string>().find("rappel(s) envoyé(s)"), std::string::npos);
}

TEST(Commands, NoteOpenCreatesThenFindsTheNote) {
  TestServer server;
  Person csab = sign_in(server, kCsab);
  std::int64_t copil = workspace_id(server.port(), csab.token, "copil");
  Json first = call(server, csab, "commands.run", {{"workspace", copil}, {"text", "/note open Relevé de décisions"}});
  ASSERT_EQ(code_of(first), "ok") << first;
  std::string link = first["result"]["card"]["links"][0]["href"];
  EXPECT_EQ(link.rfind("/w/" + std::to_string(copil) + "/p/notes?note=", 0), 0u) << link;
  Json again = call(server, csab, "commands.run", {{"workspace", copil}, {"text", "/note open relevé de décisions"}});
  ASSERT_EQ(code_of(again), "ok");
  EXPECT_EQ(again["result"]["card"]["links"][0]["href"], link);
  Json notes = call(server, csab, "notes.list", {{"workspace", copil}});
  int count = 0;
  for (auto& n : notes["result"]["notes"]) count += n["title"] == "Relevé de décisions";
  EXPECT_EQ(count, 1);
}

TEST(Commands, OddLinesNeverFailTheServer) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  const std::vector<std::string> lines = {
      "/", "/ ", "//", "/agenda", "/agenda ", "/agenda add", "/help /agenda", "/sign remind @", "/sign remind @[x](person:1)",
      "/agenda add « Budget", "/agenda add \"\" 0", "/doc diff v999999999999 v1", "/note open " + std::string(300, 'a'),
      "/agenda add @[a](person:99999999) 1 h 30", "/sign remind « »", "/agenda current -1", "/HELP", "/agenda NEXT"};
  for (auto& line : lines) {
    for (const char* op : {"commands.run", "commands.complete"}) {
      Json r = call(server, ville, op, {{"workspace", copil}, {"text", line}});
      std::string code = code_of(r);
      EXPECT_TRUE(code == "ok" || code == "bad_request" || code == "conflict") << op << " " << line << " → " << r;
    }
  }
}
