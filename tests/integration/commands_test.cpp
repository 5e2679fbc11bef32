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
  EXPECT_TRUE(has(owner, "/agenda current [n]"));
  EXPECT_TRUE(has(owner, "/agenda schedule <date> <heure> <durée> <titre>"));
  EXPECT_TRUE(has(owner, "/agenda decide <texte>"));
  EXPECT_TRUE(has(owner, "/sign status"));
  EXPECT_TRUE(has(owner, "/sign remind [organisation]"));
  EXPECT_TRUE(has(owner, "/doc diff <v1> <v2>"));
  EXPECT_TRUE(has(owner, "/note open [titre]"));

  auto member = usages(call(server, csab, "commands.list", {{"workspace", copil}}));
  EXPECT_TRUE(has(member, "/agenda next"));
  EXPECT_TRUE(has(member, "/note open [titre]"));
  EXPECT_FALSE(has(member, "/agenda add <titre> [durée]"));
  EXPECT_FALSE(has(member, "/agenda schedule <date> <heure> <durée> <titre>"));
  EXPECT_TRUE(has(member, "/agenda decide <texte>"));
  EXPECT_FALSE(has(member, "/sign remind [organisation]"));

  Json observer_list = call(server, daniel, "commands.list", {{"workspace", copil}});
  auto observer = usages(observer_list);
  EXPECT_TRUE(has(observer, "/agenda next"));
  EXPECT_TRUE(has(observer, "/sign status"));
  EXPECT_FALSE(has(observer, "/agenda add <titre> [durée]"));
  EXPECT_FALSE(has(observer, "/agenda current [n]"));
  EXPECT_FALSE(has(observer, "/agenda decide <texte>"));
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

  // Versions of the workspace's document, offered by the documents plugin with their label
  // and status, to a member.
  Json doc =
      call(server, ville, "documents.create",
           {{"workspace", copil},
            {"key", "charte"},
            {"title", "Charte"},
            {"label", "Projet initial"},
            {"sections", {{{"key", "art.1"}, {"heading", "Article 1"}, {"body", "Texte."}}}}});
  ASSERT_EQ(code_of(doc), "ok") << doc;
  Json draft = call(server, ville, "documents.version.create_draft",
                    {{"version", doc["result"]["version"]["id"]}, {"label", "Relecture CAF"}});
  ASSERT_EQ(code_of(draft), "ok") << draft;
  r = call(server, csab, "commands.complete", {{"workspace", copil}, {"text", "/doc diff "}});
  ASSERT_EQ(code_of(r), "ok") << r;
  EXPECT_EQ(r["result"]["replace_from"], 10);
  EXPECT_EQ(values(r), (std::vector<std::string>{"v1 ", "v2 "}));
  EXPECT_EQ(r["result"]["suggestions"][0]["label"], "v1 — Projet initial");
  EXPECT_EQ(r["result"]["suggestions"][1]["label"], "v2 — Relecture CAF");
  EXPECT_EQ(r["result"]["suggestions"][1]["detail"], "brouillon");
  // The second version, typed as "2" or "V2".
  r = call(server, csab, "commands.complete", {{"workspace", copil}, {"text", "/doc diff v1 V"}});
  EXPECT_EQ(r["result"]["replace_from"], 13);
  EXPECT_EQ(values(r), (std::vector<std::string>{"v1 ", "v2 "}));
  r = call(server, csab, "commands.complete", {{"workspace", copil}, {"text", "/doc diff v1 2"}});
  EXPECT_EQ(values(r), std::vector<std::string>{"v2 "});
  r = call(server, csab, "commands.complete", {{"workspace", copil}, {"text", "/doc diff v1 v9"}});
  EXPECT_TRUE(values(r).empty());
  Json english =
      call_en(server, csab, "commands.complete", {{"workspace", copil}, {"text", "/doc diff v"}});
  EXPECT_EQ(english["result"]["suggestions"][1]["detail"], "draft");
  // Without the documents plugin in the workspace, /doc and its versions are not offered.
  ASSERT_EQ(code_of(call(server, ville, "plugins.disable",
                         {{"workspace", copil}, {"plugin", "documents"}})),
            "ok");
  r = call(server, csab, "commands.complete", {{"workspace", copil}, {"text", "/doc diff "}});
  ASSERT_EQ(code_of(r), "ok") << r;
  EXPECT_TRUE(values(r).empty());
  r = call(server, csab, "commands.complete", {{"workspace", copil}, {"text", "/d"}});
  EXPECT_TRUE(values(r).empty());

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
  EXPECT_EQ(mine["result"]["card"]["actions"][0]["op"], "signatures.sign_link");

  WsClient ws(server.port(), {.cookie = csab.token});
  ws.next();
  ws.subscribe();

  // The action of the card, called by someone without the right: refused by the server.
  Json action = card.is_null() ? Json() : mine["result"]["card"]["actions"][0];
  std::string refused_code = code_of(call(server, csab, action["op"], action["args"]));
  EXPECT_EQ(refused_code, "not_found");

  // For Agnès the button leads to the signing page (and records nothing); she signs there.
  Json link = call(server, agnes, action["op"], action["args"]);
  ASSERT_EQ(code_of(link), "ok") << link;
  EXPECT_EQ(link["result"]["href"], "/w/" + std::to_string(pacte_ws) +
                                        "/p/signatures?campaign=" + std::to_string(campaign));
  EXPECT_NE(link["result"]["text"].get<std::string>().find("Votre signature est attendue"),
            std::string::npos);
  // Agnès signs: the card is replaced in place, with the new progress.
  Json opened = call(server, agnes, "signatures.open", {{"campaign", campaign}});
  ASSERT_EQ(code_of(opened), "ok") << opened;
  Json signed_ = call(server, agnes, "signatures.sign",
                      {{"campaign", campaign}, {"version_hash", opened["result"]["version_hash"]},
                       {"consent_hash", opened["result"]["consent"]["hash"]}});
  ASSERT_EQ(code_of(signed_), "ok") << signed_;
  EXPECT_EQ(code_of(call(server, agnes, action["op"], action["args"])), "conflict");  // nothing left to sign
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

// Issue 12's "done when": the owner runs a comité de pilotage from the chat alone
// (/agenda schedule, add, current, decide; the card's buttons), and every activity
// message and card carries French and English so each reader gets their language.
TEST(Commands, AMeetingIsRunFromTheChatWithActivityInBothLanguages) {
  pacte::ManualClock clock(utc(2026, 6, 12, 8h));  // 10:00 in Paris, the day of the meeting
  TestServer server({.clock = &clock});
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  WsClient ws(server.port(), {.cookie = csab.token});
  ws.next();
  ws.subscribe();

  // Scheduled by a command (owners only): the answer carries the card.
  EXPECT_EQ(
      code_of(call(server, csab, "commands.run",
                   {{"workspace", copil}, {"text", "/agenda schedule 12/06/2026 14h 2h Comité"}})),
      "forbidden");
  Json bad_time = call(server, ville, "commands.run",
                       {{"workspace", copil}, {"text", "/agenda schedule demain 25h 2h Comité"}});
  EXPECT_EQ(code_of(bad_time), "bad_request");
  EXPECT_NE(bad_time["error"]["message_fr"].get<std::string>().find("« heure »"),
            std::string::npos);
  Json scheduled = call(
      server, ville, "commands.run",
      {{"workspace", copil}, {"text", "/agenda schedule 12/06/2026 14h 2h Comité de pilotage"}});
  ASSERT_EQ(code_of(scheduled), "ok") << scheduled;
  EXPECT_EQ(scheduled["result"]["visibility"], "ephemeral");
  Json card = scheduled["result"]["card"];
  EXPECT_EQ(card["title"], "Comité de pilotage");
  EXPECT_EQ(card["subtitle"], "vendredi 12 juin 2026, 14 h 00 – 16 h 00");
  EXPECT_EQ(card["subtitle_en"], "Friday 12 June 2026, 14:00 – 16:00");
  std::int64_t meeting =
      std::stoll(card["key"].get<std::string>().substr(std::string("agenda:meeting:").size()));
  Json got = call(server, ville, "agenda.get", {{"meeting", meeting}});
  ASSERT_EQ(code_of(got), "ok") << got;
  EXPECT_EQ(got["result"]["meeting"]["start_local"].get<std::string>().substr(0, 16),
            "2026-06-12T14:00");
  EXPECT_EQ(got["result"]["meeting"]["end_local"].get<std::string>().substr(0, 16),
            "2026-06-12T16:00");

  // The activity in the meeting's thread: French body, English body_en; the card's labels too.
  auto created = ws.wait_event("chat.thread_created");
  ASSERT_TRUE(created);
  Json activity = (*created)["data"]["message"];
  EXPECT_EQ(
      activity["body"],
      "Réunion planifiée : **Comité de pilotage**, vendredi 12 juin 2026, 14 h 00 – 16 h 00.");
  EXPECT_EQ(activity["body_en"],
            "Meeting scheduled: **Comité de pilotage**, Friday 12 June 2026, 14:00 – 16:00.");
  Json status_field;
  for (auto& f : activity["card"]["fields"])
    if (f["label"] == "Statut") status_field = f;
  EXPECT_EQ(status_field["label_en"], "Status");
  EXPECT_EQ(status_field["value"], "Prévue");
  EXPECT_EQ(status_field["value_en"], "Scheduled");
  EXPECT_EQ(activity["card"]["links"][0]["label_en"], "Add to calendar");
  std::int64_t thread = activity["thread"];
  // The meeting's thread is titled in both languages.
  EXPECT_EQ((*created)["data"]["thread"]["title"], "Réunion : Comité de pilotage");
  EXPECT_EQ((*created)["data"]["thread"]["title_en"], "Meeting: Comité de pilotage");
  // A reply there reaches the owner, who follows the thread, with its title in their language.
  ASSERT_EQ(code_of(call(server, csab, "chat.post", {{"thread", thread}, {"body", "Bien noté."}})), "ok");
  Json notices = call_en(server, ville, "notifications.list", {{"unread_only", true}});
  bool replied = false;
  for (auto& n : notices["result"]["notifications"])
    if (n["kind"] == "reply" && n["link"].get<std::string>().ends_with("/t/" + std::to_string(thread))) {
      replied = true;
      EXPECT_NE(n["title"].get<std::string>().find("replied in \"Meeting: Comité de pilotage\""),
                std::string::npos)
          << n;
    }
  EXPECT_TRUE(replied) << notices;

  // Items added by the owner (whose language is English): the answer in English, the
  // message posted for everyone in French with its English text.
  Json added = call_en(server, ville, "commands.run",
                       {{"workspace", copil}, {"text", "/agenda add \"Point budget\" 20min"}});
  ASSERT_EQ(code_of(added), "ok") << added;
  EXPECT_EQ(added["result"]["message"]["thread"], thread);
  std::string fr = added["result"]["message"]["body"], en = added["result"]["message"]["body_en"];
  EXPECT_EQ(fr.rfind("Point ajouté à « Comité de pilotage » : **", 0), 0u) << fr;
  EXPECT_EQ(en.rfind("Item added to 'Comité de pilotage': **", 0), 0u) << en;
  EXPECT_EQ(added["result"]["text"], en);
  ASSERT_EQ(code_of(call(server, ville, "commands.run",
                         {{"workspace", copil}, {"text", "/agenda add Subventions"}})),
            "ok");
  Json items =
      call(server, ville, "agenda.get", {{"meeting", meeting}})["result"]["meeting"]["items"];
  ASSERT_GE(items.size(), 2u);

  // Not yet in progress (it starts at 14:00): no current item, no decision.
  EXPECT_EQ(code_of(call(server, ville, "commands.run",
                         {{"workspace", copil}, {"text", "/agenda current"}})),
            "conflict");
  clock.set(utc(2026, 6, 12, 12h));  // 14:00 in Paris
  EXPECT_EQ(code_of(call(server, csab, "commands.run",
                         {{"workspace", copil}, {"text", "/agenda decide Adopté"}})),
            "conflict");  // no current item yet
  Json current =
      call(server, ville, "commands.run", {{"workspace", copil}, {"text", "/agenda current"}});
  ASSERT_EQ(code_of(current), "ok") << current;
  got = call(server, csab, "agenda.get", {{"meeting", meeting}});
  EXPECT_EQ(got["result"]["meeting"]["current_item"], items[0]["id"]);

  // The card updates in place, with the buttons of the meeting in progress.
  std::optional<Json> updated;
  for (int i = 0; i < 10 && !(updated && !(*updated)["data"]["card"]["actions"].empty()); ++i)
    updated = ws.wait_event("chat.card_updated");
  ASSERT_TRUE(updated);
  Json live = (*updated)["data"]["card"];
  ASSERT_EQ(live["actions"].size(), 2u) << live;
  Json open_notes = live["actions"][0], next_item = live["actions"][1];
  EXPECT_EQ(open_notes["op"], "agenda.open_notes");
  EXPECT_EQ(open_notes["label"], "Ouvrir les notes du point");
  EXPECT_EQ(open_notes["label_en"], "Open the item's notes");
  EXPECT_EQ(next_item["op"], "agenda.set_current");
  EXPECT_EQ(next_item["args"]["item"], items[1]["id"]);

  // A member may open the item's notes (created once, found again) but not move the meeting on.
  Json notes = call(server, csab, open_notes["op"], open_notes["args"]);
  ASSERT_EQ(code_of(notes), "ok") << notes;
  std::string href = notes["result"]["href"];
  EXPECT_EQ(href, "/w/" + std::to_string(copil) + "/p/notes?note=" +
                      std::to_string(notes["result"]["note"].get<std::int64_t>()));
  EXPECT_EQ(call(server, ville, open_notes["op"], open_notes["args"])["result"]["href"], href);
  Json listed =
      call(server, csab, "notes.list", {{"workspace", copil}, {"agenda_item", items[0]["id"]}});
  EXPECT_EQ(listed["result"]["notes"].size(), 1u);
  EXPECT_EQ(code_of(call(server, csab, next_item["op"], next_item["args"])), "forbidden");
  EXPECT_EQ(
      call(server, csab, "agenda.get", {{"meeting", meeting}})["result"]["meeting"]["current_item"],
      items[0]["id"]);

  // A decision recorded from the chat, announced in both languages.
  Json decided = call(server, csab, "commands.run",
                      {{"workspace", copil}, {"text", "/agenda decide Le budget est adopté"}});
  ASSERT_EQ(code_of(decided), "ok") << decided;
  got = call(server, csab, "agenda.get", {{"meeting", meeting}});
  bool recorded = false;
  for (auto& d : got["result"]["meeting"]["decisions"])
    recorded = recorded || (d["text"] == "Le budget est adopté" && d["item"] == items[0]["id"] &&
                            d["outcome"] == "adopted");
  EXPECT_TRUE(recorded) << got;
  Json history = call(server, csab, "chat.history", {{"thread", thread}});
  Json last = history["result"]["messages"].back();
  EXPECT_NE(last["body"].get<std::string>().find("Décision adoptée sur « "), std::string::npos)
      << last;
  EXPECT_NE(last["body_en"].get<std::string>().find("Decision adopted on '"), std::string::npos)
      << last;

  // Deleting an activity message removes both of its texts.
  ASSERT_EQ(code_of(call(server, ville, "chat.delete", {{"message", last["id"]}})), "ok");
  Json after_delete = call(server, csab, "chat.history", {{"thread", thread}});
  bool seen = false;
  for (auto& m : after_delete["result"]["messages"])
    if (m["id"] == last["id"]) {
      seen = true;
      EXPECT_EQ(m["body"], "");
      EXPECT_FALSE(m.contains("body_en")) << m;
    }
  EXPECT_TRUE(seen) << after_delete;

  // The owner moves on with the card's button; /agenda current with a number goes back.
  ASSERT_EQ(code_of(call(server, ville, next_item["op"], next_item["args"])), "ok");
  EXPECT_EQ(
      call(server, csab, "agenda.get", {{"meeting", meeting}})["result"]["meeting"]["current_item"],
      items[1]["id"]);
  ASSERT_EQ(code_of(call(server, ville, "commands.run",
                         {{"workspace", copil}, {"text", "/agenda current 1"}})),
            "ok");
  EXPECT_EQ(
      call(server, csab, "agenda.get", {{"meeting", meeting}})["result"]["meeting"]["current_item"],
      items[0]["id"]);

  // A person's own message has no English text; editing an activity message drops it.
  Json mine = call(server, csab, "chat.post", {{"thread", thread}, {"body", "Merci"}});
  ASSERT_EQ(code_of(mine), "ok") << mine;
  EXPECT_FALSE(mine["result"]["message"].contains("body_en"));
  Json edited =
      call(server, ville, "chat.edit",
           {{"message", added["result"]["message"]["id"]}, {"body", "Point budget (20 min)"}});
  ASSERT_EQ(code_of(edited), "ok") << edited;
  EXPECT_FALSE(edited["result"]["message"].contains("body_en"));

  // Renaming the meeting's thread gives it a person's title, the same in both languages;
  // the next activity does not bring the English title back.
  ASSERT_EQ(code_of(call(server, csab, "chat.rename_thread",
                         {{"thread", thread}, {"title", "Copil de juin"}})),
            "ok");
  ASSERT_EQ(code_of(call(server, ville, "commands.run",
                         {{"workspace", copil}, {"text", "/agenda add \"Point divers\" 5min"}})),
            "ok");
  bool renamed_listed = false;
  Json threads = call(server, csab, "chat.threads", {{"workspace", copil}});
  for (auto& t : threads["result"]["threads"])
    if (t["id"] == thread) {
      renamed_listed = true;
      EXPECT_EQ(t["title"], "Copil de juin");
      EXPECT_TRUE(t["title_en"].is_null()) << t;
    }
  EXPECT_TRUE(renamed_listed);

  // The signatures card carries its English labels too.
  std::int64_t pacte_ws = workspace_id(server.port(), ville.token, "pacte");
  Json sign =
      call(server, csab, "commands.run", {{"workspace", pacte_ws}, {"text", "/sign status"}});
  ASSERT_EQ(code_of(sign), "ok") << sign;
  EXPECT_EQ(sign["result"]["card"]["fields"][1]["label"], "Statut");
  EXPECT_EQ(sign["result"]["card"]["fields"][1]["label_en"], "Status");
  EXPECT_EQ(sign["result"]["card"]["fields"][1]["value_en"], "In progress");
  EXPECT_EQ(sign["result"]["card"]["links"][0]["label_en"], "Open the campaign");
}
