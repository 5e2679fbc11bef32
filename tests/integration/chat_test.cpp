// Asynchronous discussion between partners through real WebSocket clients.
#include <gtest/gtest.h>

#include <thread>

#include "core/database.hpp"
#include "support/test_server.hpp"

using namespace pacte::test;

namespace {


Json workspace_of(TestServer& s, const Person& p, const std::string& key) {
  Json list = api(s.port(), p.token, "workspaces.list").json();
  for (auto& w : list["result"]["workspaces"])
    if (w["key"] == key) return w;
  return nullptr;
}


}  // namespace

TEST(Chat, TwoPartnersDiscussAndTheOneWhoWasOfflineCatchesUp) {
  TestServer server;
  Person ville = sign_in(server, "equipe@ville-chambery.example");
  Person csab = sign_in(server, "equipe@biollay.example");
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  // The demo conversation already holds messages the CSAB has not read.
  std::int64_t baseline = workspace_of(server, csab, "copil")["unread"];

  WsClient a(server.port(), {.cookie = ville.token});
  WsClient b(server.port(), {.cookie = csab.token});
  a.next();
  b.next();
  a.subscribe();
  auto sub = b.subscribe();
  std::int64_t seq = sub["result"]["workspaces"][std::to_string(copil)];

  auto created = a.request("chat.create_thread", {{"workspace", copil}, {"title", "Calendrier 2024"}, {"body", "Quelles dates ?"}});
  ASSERT_EQ(created["ok"], true) << created;
  std::int64_t thread = created["result"]["thread"]["id"];
  auto seen = b.wait_event("chat.thread_created");
  ASSERT_TRUE(seen);
  EXPECT_EQ((*seen)["data"]["thread"]["title"], "Calendrier 2024");
  EXPECT_EQ((*seen)["seq"], seq + 1);
  EXPECT_EQ((*seen)["author"], ville.id);

  auto reply = b.request("chat.post", {{"thread", thread}, {"body", "Le **12 mars** nous convient."}});
  ASSERT_EQ(reply["ok"], true);
  auto got = a.wait_event("chat.message_posted");
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["data"]["message"]["body"], "Le **12 mars** nous convient.");
  std::int64_t last_seen_by_b = (*got)["seq"];  // b saw its own post too
  auto own = b.wait_event("chat.message_posted");
  ASSERT_TRUE(own);
  EXPECT_EQ((*own)["seq"], last_seen_by_b);

  // b goes offline; a keeps writing.
  b.drop();
  for (auto text : {"Je propose 14 h.", "Salle des délibérations ?"})
    ASSERT_EQ(a.request("chat.post", {{"thread", thread}, {"body", text}})["ok"], true);

  // b comes back: unread count, then exactly the missed events, in order, once.
  Json ws = workspace_of(server, csab, "copil");
  EXPECT_EQ(ws["unread"], baseline + 3);  // the thread's first message and the two new ones
  WsClient b2(server.port(), {.cookie = csab.token});
  b2.next();
  auto resumed = b2.subscribe({{std::to_string(copil), last_seen_by_b}});
  ASSERT_EQ(resumed["ok"], true);
  std::vector<std::string> bodies;
  std::vector<std::int64_t> seqs;
  for (auto& e : b2.events())
    if (e["event"] == "chat.message_posted") {
      bodies.push_back(e["data"]["message"]["body"]);
      seqs.push_back(e["seq"]);
    }
  ASSERT_EQ(bodies, (std::vector<std::string>{"Je propose 14 h.", "Salle des délibérations ?"}));
  EXPECT_EQ(seqs[0], last_seen_by_b + 1);
  EXPECT_EQ(seqs[1], last_seen_by_b + 2);

  // Reading on one device clears the count everywhere (personal stream).
  auto threads = b2.request("chat.threads", {{"workspace", copil}});
  Json t = threads["result"]["threads"][0];
  EXPECT_EQ(t["unread"], 3);
  auto hist = b2.request("chat.history", {{"thread", thread}});
  std::int64_t last_id = hist["result"]["messages"].back()["id"];
  WsClient phone(server.port(), {.cookie = csab.token});
  phone.next();
  phone.request("sync.subscribe", {{"since", Json::object()}, {"personal", 0}});
  ASSERT_EQ(b2.request("chat.mark_read", {{"thread", thread}, {"message", last_id}})["ok"], true);
  auto marker = phone.wait_event("personal.read");
  ASSERT_TRUE(marker);
  EXPECT_EQ((*marker)["data"]["message"], last_id);
  EXPECT_EQ(workspace_of(server, csab, "copil")["unread"], baseline);
}

TEST(Chat, EditsAndDeletesPropagateAndADeletedBodyIsGoneEverywhere) {
  TestServer server;
  Person ville = sign_in(server, "equipe@ville-chambery.example");
  Person csab = sign_in(server, "equipe@biollay.example");
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  WsClient a(server.port(), {.cookie = ville.token});
  WsClient b(server.port(), {.cookie = csab.token});
  a.next();
  b.next();
  a.subscribe();
  b.subscribe();
  auto t = a.request("chat.create_thread", {{"workspace", copil}, {"title", "Budget"}, {"body", "Montant confidentiel 12345"}});
  std::int64_t msg = t["result"]["message"]["id"];
  auto edit = a.request("chat.edit", {{"message", msg}, {"body", "Montant révisé 67890"}});
  ASSERT_EQ(edit["ok"], true);
  auto edited = b.wait_event("chat.message_edited");
  ASSERT_TRUE(edited);
  EXPECT_EQ((*edited)["data"]["message"]["body"], "Montant révisé 67890");
  EXPECT_FALSE((*edited)["data"]["message"]["edited_at"].is_null());
  // Someone else cannot edit it.
  EXPECT_EQ(b.request("chat.edit", {{"message", msg}, {"body", "x"}})["error"]["code"], "forbidden");

  ASSERT_EQ(a.request("chat.delete", {{"message", msg}})["ok"], true);
  auto deleted = b.wait_event("chat.message_deleted");
  ASSERT_TRUE(deleted);
  EXPECT_EQ((*deleted)["data"]["message"], msg);
  EXPECT_EQ(a.request("chat.edit", {{"message", msg}, {"body", "x"}})["error"]["code"], "conflict");
  auto hist = b.request("chat.history", {{"thread", t["result"]["thread"]["id"]}});
  EXPECT_EQ(hist["result"]["messages"][0]["deleted"], true);
  EXPECT_EQ(hist["result"]["messages"][0]["body"], "");
  // Nowhere in the database: messages, edit history, the event log, the search index.
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM messages WHERE body LIKE '%12345%' OR body LIKE '%67890%'"), 0);
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM message_edits WHERE body LIKE '%12345%'"), 0);
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM events WHERE data LIKE '%12345%' OR data LIKE '%67890%'"), 0);
  EXPECT_EQ(a.request("chat.search", {{"query", "confidentiel"}})["result"]["messages"].size(), 0u);
  // A late resume replays the redacted events only.
  WsClient late(server.port(), {.cookie = csab.token});
  late.next();
  late.subscribe({{std::to_string(copil), 0}});
  for (auto& e : late.events()) EXPECT_EQ(e.dump().find("12345"), std::string::npos) << e.dump();
}

TEST(Chat, MentionsOfPeopleAndOrganisationsAreCounted) {
  TestServer server;
  Person ville = sign_in(server, "equipe@ville-chambery.example");
  Person csab = sign_in(server, "equipe@biollay.example");
  Person moulins = sign_in(server, "agnes.daffos@cs-moulins.example");
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  std::int64_t moulins_org = 0;
  Json orgs = api(server.port(), ville.token, "orgs.list").json();
  for (auto& o : orgs["result"]["organisations"])
    if (o["key"] == "moulins") moulins_org = o["id"];
  std::string body = "Merci @[Équipe CSAB](person:" + std::to_string(csab.id) + ") et @[Moulins](org:" +
                     std::to_string(moulins_org) + ") !";
  auto r = api(server.port(), ville.token, "chat.create_thread", {{"workspace", copil}, {"title", "Relecture"}, {"body", body}}).json();
  ASSERT_EQ(r["ok"], true);
  EXPECT_EQ(r["result"]["message"]["mentions"]["people"], Json::array({csab.id}));
  EXPECT_EQ(r["result"]["message"]["mentions"]["organisations"], Json::array({moulins_org}));
  EXPECT_EQ(workspace_of(server, csab, "copil")["mentions"], 1);
  EXPECT_EQ(workspace_of(server, moulins, "copil")["mentions"], 1);  // via the organisation
  EXPECT_EQ(workspace_of(server, ville, "copil")["mentions"], 0);
}

TEST(Chat, HistoryPagesInBothDirections) {
  TestServer server({.configure = [](pacte::ServerConfig& c) { c.limits.request_burst = 1000; c.limits.requests_per_second = 1000; }});
  Person ville = sign_in(server, "equipe@ville-chambery.example");
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  WsClient a(server.port(), {.cookie = ville.token});
  a.next();
  auto t = a.request("chat.create_thread", {{"workspace", copil}, {"title", "Long"}, {"body", "m0"}});
  std::int64_t thread = t["result"]["thread"]["id"];
  for (int i = 1; i < 120; ++i) a.request("chat.post", {{"thread", thread}, {"body", "m" + std::to_string(i)}});
  auto latest = a.request("chat.history", {{"thread", thread}})["result"];
  ASSERT_EQ(latest["messages"].size(), 50u);
  EXPECT_EQ(latest["messages"].back()["body"], "m119");
  EXPECT_EQ(latest["messages"].front()["body"], "m70");
  EXPECT_TRUE(latest["more_before"]);
  EXPECT_FALSE(latest["more_after"]);
  auto older = a.request("chat.history", {{"thread", thread}, {"before", latest["messages"][0]["id"]}, {"limit", 100}})["result"];
  ASSERT_EQ(older["messages"].size(), 70u);
  EXPECT_EQ(older["messages"].front()["body"], "m0");
  EXPECT_FALSE(older["more_before"]);
  EXPECT_TRUE(older["more_after"]);
  auto forward = a.request("chat.history", {{"thread", thread}, {"after", older["messages"][9]["id"]}, {"limit", 5}})["result"];
  ASSERT_EQ(forward["messages"].size(), 5u);
  EXPECT_EQ(forward["messages"][0]["body"], "m10");
  EXPECT_TRUE(forward["more_before"]);
  EXPECT_TRUE(forward["more_after"]);
}

TEST(Chat, SearchFoldsAccentsAndRespectsMembership) {
  TestServer server;
  Person ville = sign_in(server, "equipe@ville-chambery.example");
  Person csab = sign_in(server, "equipe@biollay.example");
  Person aqcv = sign_in(server, "equipe@aqcv.example");
  std::int64_t ct_csab = workspace_id(server.port(), csab.token, "ct-csab");
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  api(server.port(), csab.token, "chat.create_thread", {{"workspace", ct_csab}, {"title", "Bilan"}, {"body", "Prochaine réunion du comité technique"}});
  api(server.port(), ville.token, "chat.create_thread", {{"workspace", copil}, {"title", "Ordre"}, {"body", "Réunion plénière en juin"}});
  auto mine = api(server.port(), csab.token, "chat.search", {{"query", "reunion"}}).json()["result"]["messages"];
  EXPECT_EQ(mine.size(), 2u);  // both workspaces; accents folded
  auto theirs = api(server.port(), aqcv.token, "chat.search", {{"query", "REUNION"}}).json()["result"]["messages"];
  ASSERT_EQ(theirs.size(), 1u);  // the comité technique of another centre stays private
  EXPECT_EQ(theirs[0]["workspace"], copil);
  auto filtered = api(server.port(), csab.token, "chat.search", {{"query", "réunion"}, {"workspace", ct_csab}}).json()["result"]["messages"];
  ASSERT_EQ(filtered.size(), 1u);
  EXPECT_NE(filtered[0]["snippet"].get<std::string>().find("[réunion]"), std::string::npos);
  // And the private workspace itself answers not_found to them.
  EXPECT_EQ(api(server.port(), aqcv.token, "chat.threads", {{"workspace", ct_csab}}).json()["error"]["code"], "not_found");
  EXPECT_EQ(workspace_of(server, aqcv, "ct-csab"), nullptr);
}

TEST(Chat, ARetriedPostLandsOnceAcrossARestart) {
  std::filesystem::path dir;
  Json first;
  std::int64_t thread;
  {
    TestServer server;
    server.keep_data();
    dir = server.data_dir();
    Person ville = sign_in(server, "equipe@ville-chambery.example");
    std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
    WsClient a(server.port(), {.cookie = ville.token});
    a.next();
    thread = a.request("chat.create_thread", {{"workspace", copil}, {"title", "t"}, {"body", "b"}})["result"]["thread"]["id"];
    first = a.request("chat.post", {{"thread", thread}, {"body", "une seule fois"}}, "retry-1");
    ASSERT_EQ(first["ok"], true);
  }
  TestServer again(dir, {});
  Person ville = sign_in(again, "equipe@ville-chambery.example");
  WsClient a(again.port(), {.cookie = ville.token});
  a.next();
  auto retried = a.request("chat.post", {{"thread", thread}, {"body", "une seule fois"}}, "retry-1");
  EXPECT_EQ(retried["result"], first["result"]);
  EXPECT_EQ(scalar(again, "SELECT COUNT(*) FROM messages WHERE body = 'une seule fois'"), 1);
  auto conflict = a.request("chat.post", {{"thread", thread}, {"body", "autre chose"}}, "retry-1");
  EXPECT_EQ(conflict["error"]["code"], "conflict");
}

TEST(Chat, ARemovedMemberStopsReceivingAndCannotReplay) {
  TestServer server;
  Person admin = sign_in(server, "admin@pacte.example");
  Person ville = sign_in(server, "equipe@ville-chambery.example");
  Person aqcv = sign_in(server, "equipe@aqcv.example");
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  std::int64_t aqcv_org = 0;
  Json orgs = api(server.port(), ville.token, "orgs.list").json();
  for (auto& o : orgs["result"]["organisations"])
    if (o["key"] == "aqcv") aqcv_org = o["id"];
  WsClient watcher(server.port(), {.cookie = aqcv.token});
  watcher.next();
  auto sub = watcher.subscribe();
  std::int64_t seq = sub["result"]["workspaces"][std::to_string(copil)];
  auto rm = api(server.port(), ville.token, "workspaces.remove_member", {{"workspace", copil}, {"organisation", aqcv_org}}).json();
  ASSERT_EQ(rm["ok"], true) << rm;
  api(server.port(), ville.token, "chat.create_thread", {{"workspace", copil}, {"title", "Après"}, {"body", "secret d'après"}});
  EXPECT_FALSE(watcher.wait_event("chat.thread_created", std::chrono::milliseconds(300)));
  WsClient again(server.port(), {.cookie = aqcv.token});
  again.next();
  auto r = again.subscribe({{std::to_string(copil), seq}});
  EXPECT_FALSE(r["result"]["workspaces"].contains(std::to_string(copil)));
  for (auto& e : again.events()) EXPECT_EQ(e.dump().find("secret"), std::string::npos);
  EXPECT_EQ(api(server.port(), aqcv.token, "chat.threads", {{"workspace", copil}}).json()["error"]["code"], "not_found");
  (void)admin;
}

TEST(Chat, ASlowConsumerIsClosedAndOthersAreUnaffected) {
  TestServer server({.configure = [](pacte::ServerConfig& c) {
    c.limits.send_queue_max = 64;
    c.synchronous = "normal";  // this test is about the network, not about fsync latency
    c.limits.request_burst = 100000;
    c.limits.requests_per_second = 100000;
  }});
  Person ville = sign_in(server, "equipe@ville-chambery.example");
  Person csab = sign_in(server, "equipe@biollay.example");
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  WsClient slow(server.port(), {.cookie = csab.token});
  slow.next();
  slow.subscribe();
  WsClient reader(server.port(), {.cookie = csab.token});
  reader.next();
  reader.subscribe();
  WsClient a(server.port(), {.cookie = ville.token});
  a.next();
  std::int64_t thread = a.request("chat.create_thread", {{"workspace", copil}, {"title", "Flux"}, {"body", "début"}})["result"]["thread"]["id"];
  // Large messages fill the kernel buffers of the client that does not read, then its
  // queue; a reader on its own thread keeps up and must get every message once.
  std::string big(9000, 'x');
  const int n = 3000;
  int received = 0;
  std::thread reading([&] {
    while (received < n) {
      auto f = reader.next(std::chrono::seconds(10));
      if (!f) break;
      if ((*f).value("event", "") == "chat.message_posted") ++received;
    }
  });
  for (int i = 0; i < n; ++i) ASSERT_EQ(a.request("chat.post", {{"thread", thread}, {"body", big}})["ok"], true);
  reading.join();
  EXPECT_EQ(received, n);  // everything, once
  auto code = slow.wait_close(std::chrono::seconds(10));
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 4008);
}
