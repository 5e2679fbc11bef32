// The poll plugin (plugins/poll/) through the real server and real clients: the first
// plugin, written only against the SDK, proves the plugin host end to end.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "support/test_server.hpp"

using namespace pacte::test;
using namespace std::chrono_literals;

namespace {


/// The error code of a reply, or "ok".
std::string code_of(const Json& reply) {
  return reply.value("ok", false) ? "ok" : reply["error"]["code"].get<std::string>();
}

Json call(TestServer& s, const Person& p, const std::string& op, const Json& args) {
  return api(s.port(), p.token, op, args).json();
}

std::int64_t last_seq(TestServer& s, const Person& p, std::int64_t workspace) {
  return call(s, p, "workspaces.get", {{"workspace", workspace}})["result"]["workspace"]["last_seq"];
}

Json find_poll(const Json& list_reply, std::int64_t id) {
  for (auto& p : list_reply["result"]["polls"])
    if (p["id"] == id) return p;
  return nullptr;
}

const char* kVille = "equipe@ville-chambery.example";       // owner of the copil
const char* kCsab = "equipe@biollay.example";              // member of the copil
const char* kFederation = "equipe@federation-cs-2savoie.example";  // not in the copil, member of the rencontres
const char* kDaniel = "daniel.bret@federation-cs-2savoie.example";  // added as an observer below

}  // namespace

TEST(Poll, MembersCreateVoteChangeRetractAndCloseWithLiveCounts) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  Person federation = sign_in(server, kFederation);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");

  WsClient a(server.port(), {.cookie = ville.token});
  WsClient b(server.port(), {.cookie = csab.token});
  WsClient outsider(server.port(), {.cookie = federation.token});
  a.next();
  b.next();
  outsider.next();
  a.subscribe();
  b.subscribe();
  outsider.subscribe();

  auto created = a.request("poll.create", {{"workspace", copil},
                                           {"question", "  Date du prochain comité de pilotage ?  "},
                                           {"options", {"Mardi 12 mars", "Jeudi 14 mars", "Lundi 18 mars"}}});
  ASSERT_EQ(created["ok"], true) << created;
  Json poll = created["result"]["poll"];
  std::int64_t id = poll["id"];
  EXPECT_EQ(poll["question"], "Date du prochain comité de pilotage ?");  // trimmed
  EXPECT_EQ(poll["options"].size(), 3u);
  EXPECT_EQ(poll["counts"], Json::array({0, 0, 0}));
  EXPECT_TRUE(poll["my_vote"].is_null());
  EXPECT_EQ(poll["closed"], false);
  EXPECT_EQ(poll["anonymous"], true);
  EXPECT_EQ(poll["created_by"], ville.id);
  EXPECT_EQ(poll["workspace"], copil);

  // The other member sees it live; the event has no per-person field.
  auto seen = b.wait_event("poll.created");
  ASSERT_TRUE(seen);
  EXPECT_EQ((*seen)["workspace"], copil);
  EXPECT_EQ((*seen)["data"]["poll"]["id"], id);
  EXPECT_EQ((*seen)["data"]["poll"]["question"], "Date du prochain comité de pilotage ?");
  EXPECT_FALSE((*seen)["data"]["poll"].contains("my_vote"));

  // csab votes, then changes its mind: one vote per person, replaced.
  auto voted = b.request("poll.vote", {{"poll", id}, {"option", 1}});
  ASSERT_EQ(voted["ok"], true) << voted;
  EXPECT_EQ(voted["result"]["poll"]["counts"], Json::array({0, 1, 0}));
  EXPECT_EQ(voted["result"]["poll"]["my_vote"], 1);
  ASSERT_TRUE(b.wait_event("poll.voted"));  // its own, after the reply
  auto ev = a.wait_event("poll.voted");
  ASSERT_TRUE(ev);
  // Counts only: never who voted what.
  EXPECT_EQ((*ev)["data"], (Json{{"poll", id}, {"counts", {0, 1, 0}}}));

  auto changed = b.request("poll.vote", {{"poll", id}, {"option", 2}});
  ASSERT_EQ(changed["ok"], true) << changed;
  EXPECT_EQ(changed["result"]["poll"]["counts"], Json::array({0, 0, 1}));
  ASSERT_TRUE(b.wait_event("poll.voted"));
  ev = a.wait_event("poll.voted");
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["data"]["counts"], Json::array({0, 0, 1}));

  // The same vote again changes nothing and appends no event.
  std::int64_t seq = last_seq(server, ville, copil);
  ASSERT_EQ(b.request("poll.vote", {{"poll", id}, {"option", 2}})["ok"], true);
  EXPECT_EQ(last_seq(server, ville, copil), seq);

  ASSERT_EQ(a.request("poll.vote", {{"poll", id}, {"option", 2}})["ok"], true);
  ASSERT_TRUE(a.wait_event("poll.voted"));
  ev = b.wait_event("poll.voted");
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["data"]["counts"], Json::array({0, 0, 2}));

  // Each person's list shows the counts and their own vote.
  Json mine = find_poll(a.request("poll.list", {{"workspace", copil}}), id);
  EXPECT_EQ(mine["counts"], Json::array({0, 0, 2}));
  EXPECT_EQ(mine["total"], 2);
  EXPECT_EQ(mine["my_vote"], 2);
  EXPECT_FALSE(mine.contains("voters"));  // secret ballot: nobody sees who chose what

  // csab withdraws its vote; withdrawing twice is harmless.
  auto retracted = b.request("poll.retract", {{"poll", id}});
  ASSERT_EQ(retracted["ok"], true) << retracted;
  EXPECT_EQ(retracted["result"]["poll"]["counts"], Json::array({0, 0, 1}));
  EXPECT_TRUE(retracted["result"]["poll"]["my_vote"].is_null());
  ASSERT_TRUE(b.wait_event("poll.voted"));
  ev = a.wait_event("poll.voted");
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["data"]["counts"], Json::array({0, 0, 1}));
  seq = last_seq(server, ville, copil);
  ASSERT_EQ(b.request("poll.retract", {{"poll", id}})["ok"], true);
  EXPECT_EQ(last_seq(server, ville, copil), seq);
  EXPECT_TRUE(find_poll(b.request("poll.list", {{"workspace", copil}}), id)["my_vote"].is_null());

  // Only its author or an owner closes it.
  auto refused = b.request("poll.close", {{"poll", id}});
  EXPECT_EQ(code_of(refused), "forbidden") << refused;
  EXPECT_FALSE(refused["error"]["message"].get<std::string>().empty());
  auto closed = a.request("poll.close", {{"poll", id}});
  ASSERT_EQ(closed["ok"], true) << closed;
  EXPECT_EQ(closed["result"]["poll"]["closed"], true);
  EXPECT_FALSE(closed["result"]["poll"]["closed_at"].is_null());
  ev = b.wait_event("poll.closed");
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["data"], (Json{{"poll", id}, {"counts", {0, 0, 1}}}));

  // Closed: no more votes, no withdrawal; the result stays.
  auto late = b.request("poll.vote", {{"poll", id}, {"option", 0}});
  EXPECT_EQ(code_of(late), "conflict") << late;
  EXPECT_EQ(late["error"]["field"], "args.poll");
  EXPECT_EQ(code_of(a.request("poll.retract", {{"poll", id}})), "conflict");
  Json after = find_poll(b.request("poll.list", {{"workspace", copil}}), id);
  EXPECT_EQ(after["closed"], true);
  EXPECT_EQ(after["counts"], Json::array({0, 0, 1}));
  ASSERT_EQ(a.request("poll.close", {{"poll", id}})["ok"], true);  // closing twice is harmless

  // An owner may close a member's poll.
  auto other = b.request("poll.create", {{"workspace", copil}, {"question", "Salle ?"}, {"options", {"Mairie", "CSAB"}}});
  ASSERT_EQ(other["ok"], true) << other;
  EXPECT_EQ(a.request("poll.close", {{"poll", other["result"]["poll"]["id"]}})["ok"], true);

  // Someone outside the copil never received any of it.
  EXPECT_FALSE(outsider.wait_event("poll.created", 300ms));
  EXPECT_FALSE(outsider.wait_event("poll.voted", 100ms));
}

TEST(Poll, APublicPollShowsWhoChoseWhatButItsEventsStillCarryOnlyCounts) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  WsClient a(server.port(), {.cookie = ville.token});
  a.next();
  a.subscribe();
  auto created = call(server, ville, "poll.create",
                      {{"workspace", copil}, {"question", "Qui vient ?"}, {"options", {"Oui", "Non"}}, {"anonymous", false}});
  ASSERT_EQ(created["ok"], true) << created;
  std::int64_t id = created["result"]["poll"]["id"];
  EXPECT_EQ(created["result"]["poll"]["anonymous"], false);
  ASSERT_EQ(call(server, csab, "poll.vote", {{"poll", id}, {"option", 0}})["ok"], true);
  auto ev = a.wait_event("poll.voted");
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["data"], (Json{{"poll", id}, {"counts", {1, 0}}}));
  Json poll = find_poll(call(server, ville, "poll.list", {{"workspace", copil}}), id);
  EXPECT_EQ(poll["voters"], (Json{{csab.id}, Json::array()}));
}

TEST(Poll, NonMembersGetNotFoundAndObserversCannotVote) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  Person federation = sign_in(server, kFederation);
  Person daniel = sign_in(server, kDaniel);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  std::int64_t rencontre = workspace_id(server.port(), federation.token, "rt-participation");
  auto created = call(server, ville, "poll.create", {{"workspace", copil}, {"question", "Ordre du jour ?"}, {"options", {"A", "B"}}});
  ASSERT_EQ(created["ok"], true) << created;
  std::int64_t id = created["result"]["poll"]["id"];

  // The federation is a member elsewhere (it may use polls there)...
  auto own = call(server, federation, "poll.create", {{"workspace", rencontre}, {"question", "Thème ?"}, {"options", {"1", "2"}}});
  ASSERT_EQ(own["ok"], true) << own;
  // ...but a poll of the copil is, for it, exactly like a poll that does not exist.
  Json missing = call(server, federation, "poll.vote", {{"poll", 999999}, {"option", 0}});
  EXPECT_EQ(code_of(missing), "not_found");
  for (auto [op, args] : std::vector<std::pair<std::string, Json>>{
           {"poll.vote", {{"poll", id}, {"option", 0}}},
           {"poll.retract", {{"poll", id}}},
           {"poll.close", {{"poll", id}}},
           {"poll.list", {{"workspace", copil}}},
           {"poll.create", {{"workspace", copil}, {"question", "?"}, {"options", {"a", "b"}}}}}) {
    Json r = call(server, federation, op, args);
    EXPECT_EQ(code_of(r), "not_found") << op << " " << r;
    EXPECT_EQ(r["error"]["message"], missing["error"]["message"]) << op;
  }
  EXPECT_EQ(find_poll(call(server, ville, "poll.list", {{"workspace", copil}}), id)["counts"], Json::array({0, 0}));

  // An observer reads but does not vote, create or close.
  auto added = call(server, ville, "workspaces.add_member", {{"workspace", copil}, {"person", daniel.id}, {"role", "observer"}});
  ASSERT_EQ(added["ok"], true) << added;
  Json listed = call(server, daniel, "poll.list", {{"workspace", copil}});
  ASSERT_EQ(listed["ok"], true) << listed;
  EXPECT_FALSE(find_poll(listed, id).is_null());
  EXPECT_EQ(code_of(call(server, daniel, "poll.vote", {{"poll", id}, {"option", 0}})), "forbidden");
  EXPECT_EQ(code_of(call(server, daniel, "poll.retract", {{"poll", id}})), "forbidden");
  EXPECT_EQ(code_of(call(server, daniel, "poll.close", {{"poll", id}})), "forbidden");
  EXPECT_EQ(code_of(call(server, daniel, "poll.create", {{"workspace", copil}, {"question", "?"}, {"options", {"a", "b"}}})),
            "forbidden");
}

TEST(Poll, ArgumentsAreCheckedAndAFailingHandlerChangesNothing) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  auto create = [&](Json extra) {
    Json args = {{"workspace", copil}, {"question", "Date ?"}, {"options", {"Mardi", "Jeudi"}}};
    args.update(extra);
    return call(server, ville, "poll.create", args);
  };
  auto field_of = [](const Json& r) { return r["error"].value("field", ""); };

  Json r = create({{"options", Json::array({"Seul choix"})}});
  EXPECT_EQ(code_of(r), "bad_request");
  EXPECT_EQ(field_of(r), "args.options");
  r = create({{"options", Json::array({"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"})}});
  EXPECT_EQ(code_of(r), "bad_request");
  EXPECT_EQ(field_of(r), "args.options");
  r = create({{"options", {"Mardi", "   "}}});
  EXPECT_EQ(code_of(r), "bad_request");
  EXPECT_EQ(field_of(r), "args.options[1]");
  r = create({{"options", {"Mardi", " Mardi "}}});
  EXPECT_EQ(code_of(r), "bad_request");
  EXPECT_EQ(field_of(r), "args.options[1]");
  EXPECT_EQ(code_of(create({{"options", {"Mardi", std::string(101, 'x')}}})), "too_large");
  EXPECT_EQ(code_of(create({{"question", std::string(301, 'x')}})), "too_large");
  EXPECT_EQ(code_of(create({{"question", std::string(300, 'x')}})), "ok");
  // 300 characters, not bytes.
  std::string accents;
  for (int i = 0; i < 300; ++i) accents += "é";
  EXPECT_EQ(code_of(create({{"question", accents}})), "ok");
  EXPECT_EQ(code_of(create({{"question", " "}})), "bad_request");
  r = create({{"closes_at", "demain midi"}});
  EXPECT_EQ(code_of(r), "bad_request");
  EXPECT_EQ(field_of(r), "args.closes_at");
  r = create({{"closes_at", "2001-01-01T00:00:00Z"}});
  EXPECT_EQ(code_of(r), "bad_request");
  EXPECT_EQ(field_of(r), "args.closes_at");
  EXPECT_EQ(code_of(create({{"closes_at", "2999-02-30T10:00:00Z"}})), "bad_request");  // no such day
  EXPECT_EQ(code_of(create({{"colour", "blue"}})), "bad_request");
  r = call(server, ville, "poll.create", {{"workspace", copil}, {"question", "Date ?"}, {"options", "Mardi"}});
  EXPECT_EQ(code_of(r), "bad_request");

  auto created = create({{"options", {"Mardi", "Jeudi", "Vendredi"}}});
  ASSERT_EQ(created["ok"], true) << created;
  std::int64_t id = created["result"]["poll"]["id"];
  ASSERT_EQ(call(server, csab, "poll.vote", {{"poll", id}, {"option", 0}})["ok"], true);

  // A vote for an option the poll does not have: the handler fails, and nothing changes
  // (the vote, the counts, the event log).
  WsClient b(server.port(), {.cookie = csab.token});
  b.next();
  b.subscribe();
  std::int64_t seq = last_seq(server, ville, copil);
  Json wrong = b.request("poll.vote", {{"poll", id}, {"option", 5}});
  EXPECT_EQ(code_of(wrong), "bad_request") << wrong;
  EXPECT_EQ(wrong["error"]["field"], "args.option");
  EXPECT_FALSE(wrong["error"].value("message_fr", "").empty());  // the account speaks French
  EXPECT_EQ(code_of(b.request("poll.vote", {{"poll", id}, {"option", 10}})), "bad_request");  // schema
  EXPECT_EQ(last_seq(server, ville, copil), seq);
  Json poll = find_poll(call(server, csab, "poll.list", {{"workspace", copil}}), id);
  EXPECT_EQ(poll["counts"], Json::array({1, 0, 0}));
  EXPECT_EQ(poll["my_vote"], 0);

  // Sent back to back (one group commit, most likely), the failing request leaves the
  // others of its group untouched.
  b.send_text(Json{{"id", "bad"}, {"op", "poll.vote"}, {"args", {{"poll", id}, {"option", 7}}}}.dump());
  b.send_text(Json{{"id", "good"}, {"op", "poll.vote"}, {"args", {{"poll", id}, {"option", 2}}}}.dump());
  b.send_text(Json{{"id", "post"}, {"op", "chat.threads"}, {"args", {{"workspace", copil}}}}.dump());
  std::map<std::string, std::string> replies;
  for (int i = 0; i < 20 && replies.size() < 3; ++i) {
    auto f = b.next();
    ASSERT_TRUE(f);
    if (f->contains("id")) replies[(*f)["id"]] = code_of(*f);
  }
  EXPECT_EQ(replies["bad"], "bad_request");
  EXPECT_EQ(replies["good"], "ok");
  EXPECT_EQ(replies["post"], "ok");
  poll = find_poll(call(server, csab, "poll.list", {{"workspace", copil}}), id);
  EXPECT_EQ(poll["counts"], Json::array({0, 0, 1}));
  EXPECT_EQ(last_seq(server, ville, copil), seq + 1);
}

TEST(Poll, ClosesByItselfAtItsDeadlineOnTheServerClock) {
  pacte::ManualClock clock(pacte::TimePoint(std::chrono::sys_days(std::chrono::year{2026} / 11 / 29)) + 17h);
  TestServer server({.clock = &clock});
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  // 19:30 in Paris (UTC+1) is 18:30 UTC, an hour and a half from now.
  auto created = call(server, ville, "poll.create",
                      {{"workspace", copil}, {"question", "Date ?"}, {"options", {"Mardi", "Jeudi"}},
                       {"closes_at", "2026-11-29T19:30:00+01:00"}});
  ASSERT_EQ(created["ok"], true) << created;
  std::int64_t id = created["result"]["poll"]["id"];
  EXPECT_EQ(created["result"]["poll"]["closes_at"], "2026-11-29T18:30:00.000Z");
  EXPECT_EQ(created["result"]["poll"]["closed"], false);
  EXPECT_EQ(created["result"]["poll"]["created_at"], "2026-11-29T17:00:00.000Z");

  WsClient watcher(server.port(), {.cookie = ville.token});
  watcher.next();
  watcher.subscribe();
  clock.advance(1h);
  ASSERT_EQ(call(server, csab, "poll.vote", {{"poll", id}, {"option", 1}})["ok"], true);
  // A secret ballot: the vote's event names no author.
  auto voted = watcher.wait_event("poll.voted");
  ASSERT_TRUE(voted);
  EXPECT_TRUE((*voted)["author"].is_null());
  clock.advance(31min);
  // The plugin's timer closes it for good and tells the members (it ticks every 5 s).
  auto closed = watcher.wait_event("poll.closed", std::chrono::seconds(15));
  ASSERT_TRUE(closed);
  EXPECT_EQ((*closed)["data"]["poll"], id);
  Json late = call(server, csab, "poll.vote", {{"poll", id}, {"option", 0}});
  EXPECT_EQ(code_of(late), "conflict") << late;
  EXPECT_EQ(code_of(call(server, csab, "poll.retract", {{"poll", id}})), "conflict");
  Json poll = find_poll(call(server, csab, "poll.list", {{"workspace", copil}}), id);
  EXPECT_EQ(poll["closed"], true);
  EXPECT_EQ(poll["closed_at"], "2026-11-29T18:30:00.000Z");
  EXPECT_EQ(poll["counts"], Json::array({0, 1}));
  EXPECT_EQ(poll["my_vote"], 1);
}

TEST(Poll, DisabledInAWorkspaceItsOperationsAnswerNotFoundAndItsDataComesBack) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  std::int64_t rencontre = workspace_id(server.port(), ville.token, "rt-participation");
  auto created = call(server, csab, "poll.create", {{"workspace", copil}, {"question", "Date ?"}, {"options", {"Mardi", "Jeudi"}}});
  ASSERT_EQ(created["ok"], true) << created;
  std::int64_t id = created["result"]["poll"]["id"];
  ASSERT_EQ(call(server, csab, "poll.vote", {{"poll", id}, {"option", 1}})["ok"], true);

  // Only an owner switches plugins.
  EXPECT_EQ(code_of(call(server, csab, "plugins.disable", {{"workspace", copil}, {"plugin", "poll"}})), "forbidden");
  WsClient b(server.port(), {.cookie = csab.token});
  b.next();
  b.subscribe();
  auto off = call(server, ville, "plugins.disable", {{"workspace", copil}, {"plugin", "poll"}});
  ASSERT_EQ(off["ok"], true) << off;
  auto ev = b.wait_event("plugins.disabled");
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["data"]["plugin"], "poll");
  for (auto [op, args] : std::vector<std::pair<std::string, Json>>{
           {"poll.list", {{"workspace", copil}}},
           {"poll.vote", {{"poll", id}, {"option", 0}}},
           {"poll.retract", {{"poll", id}}},
           {"poll.close", {{"poll", id}}},
           {"poll.create", {{"workspace", copil}, {"question", "?"}, {"options", {"a", "b"}}}}}) {
    Json r = call(server, csab, op, args);
    EXPECT_EQ(code_of(r), "not_found") << op << " " << r;
  }
  bool listed = false;
  Json plugins = call(server, csab, "plugins.list", {{"workspace", copil}});
  for (auto& p : plugins["result"]["plugins"]) {
    if (p["name"] != "poll") continue;
    listed = true;
    EXPECT_EQ(p["enabled"], false);
    // Both titles, for a client that switches language without listing again.
    EXPECT_EQ(p["title_fr"], "Sondages");
    EXPECT_EQ(p["title_en"], "Polls");
  }
  EXPECT_TRUE(listed) << plugins;
  // Other workspaces keep it.
  EXPECT_EQ(code_of(call(server, csab, "poll.list", {{"workspace", rencontre}})), "ok");

  ASSERT_EQ(call(server, ville, "plugins.enable", {{"workspace", copil}, {"plugin", "poll"}})["ok"], true);
  Json poll = find_poll(call(server, csab, "poll.list", {{"workspace", copil}}), id);
  ASSERT_FALSE(poll.is_null());
  EXPECT_EQ(poll["counts"], Json::array({0, 1}));
  EXPECT_EQ(poll["my_vote"], 1);
  EXPECT_EQ(code_of(call(server, csab, "poll.vote", {{"poll", id}, {"option", 0}})), "ok");
}

TEST(Poll, MyDataExportHoldsMyPollsAndMyOwnSecretVotes) {
  TestServer server;
  auto a = sign_in(server, "equipe@ville-chambery.example");
  auto b = sign_in(server, "equipe@biollay.example");
  std::int64_t copil = workspace_id(server.port(), a.token, "copil");
  auto created = api(server.port(), a.token, "poll.create",
                     {{"workspace", copil}, {"question", "Date du comité ?"}, {"options", {"mardi", "jeudi"}}});
  ASSERT_EQ(created.status, 200) << created.body;
  std::int64_t poll = created.json()["result"]["poll"]["id"];
  ASSERT_EQ(api(server.port(), b.token, "poll.vote", {{"poll", poll}, {"option", 1}}).status, 200);
  Json mine = api(server.port(), b.token, "me.export").json()["result"];
  ASSERT_TRUE(mine["plugins"].contains("poll")) << mine.dump();
  ASSERT_EQ(mine["plugins"]["poll"]["votes"].size(), 1u);
  EXPECT_EQ(mine["plugins"]["poll"]["votes"][0]["choice"], "jeudi");
  Json theirs = api(server.port(), a.token, "me.export").json()["result"];
  EXPECT_EQ(theirs["plugins"]["poll"]["polls_created"][0]["question"], "Date du comité ?");
  EXPECT_TRUE(theirs["plugins"]["poll"]["votes"].empty());  // nobody else's vote
}
