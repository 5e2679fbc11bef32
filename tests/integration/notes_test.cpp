// The notes plugin (plugins/notes/) through the real server and real WebSocket clients:
// concurrent edits converge, a re-sent operation applies once, invalid operations are
// refused, permissions, cursors, history and export.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "notes/text_operation.hpp"
#include "support/test_server.hpp"

using namespace pacte::test;
using namespace std::chrono_literals;
using pacte_notes::TextOperation;

namespace {

const char* kVille = "equipe@ville-chambery.example";              // owner of the copil
const char* kCsab = "equipe@biollay.example";                      // member of the copil
const char* kFederation = "equipe@federation-cs-2savoie.example";  // not in the copil

std::string code_of(const Json& reply) {
  return reply.value("ok", false) ? "ok" : reply["error"]["code"].get<std::string>();
}

TextOperation op_of(const Json& wire) {
  std::string error;
  auto op = TextOperation::from_json(wire, error);
  if (!op) throw std::runtime_error(error);
  return *op;
}

/// A minimal ot.js client: its text, its revision, one operation in flight (as sent and
/// as transformed since). Enough to check what a real client sees.
struct Replica {
  std::string client_id{};
  std::string text{};
  std::int64_t rev = 0;
  std::int64_t seq = 0;
  std::optional<TextOperation> inflight{};

  Json edit(std::int64_t note, const TextOperation& op) {
    text = *op.apply(text);
    inflight = op;
    return {{"note", note},
            {"base_rev", rev},
            {"client_id", client_id},
            {"seq", ++seq},
            {"op", op.to_json()}};
  }
  /// A `notes.op` event, in revision order.
  void receive(const Json& data) {
    ASSERT_EQ(data["rev"].get<std::int64_t>(), rev + 1);
    rev = data["rev"];
    if (data["client_id"] == client_id && data["seq"] == seq) {
      inflight.reset();  // our own: acknowledged
      return;
    }
    TextOperation remote = op_of(data["op"]);
    if (inflight) {
      auto t = *TextOperation::transform(*inflight, remote);
      inflight = t.first;
      remote = t.second;
    }
    text = *remote.apply(text);
  }
};

Json event_data(WsClient& ws, const std::string& type) {
  auto e = ws.wait_event(type);
  if (!e) throw std::runtime_error("no " + type + " event");
  return (*e)["data"];
}

struct Fixture {
  TestServer server;
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
};

}  // namespace

TEST(Notes, TwoClientsTypingAtOnceConverge) {
  Fixture f;
  WsClient a(f.server.port(), {.cookie = f.ville.token});
  WsClient b(f.server.port(), {.cookie = f.csab.token});
  a.next();
  b.next();
  a.subscribe();
  b.subscribe();

  auto created = a.request(
      "notes.create",
      {{"workspace", f.copil}, {"title", "  Point 2 : bilan 2025  "}, {"agenda_item", 7}});
  ASSERT_EQ(created["ok"], true) << created;
  std::int64_t note = created["result"]["note"]["id"];
  EXPECT_EQ(created["result"]["note"]["title"], "Point 2 : bilan 2025");
  EXPECT_EQ(created["result"]["note"]["agenda_item"], 7);
  EXPECT_EQ(created["result"]["note"]["rev"], 0);
  auto seen = b.wait_event("notes.created");
  ASSERT_TRUE(seen);
  EXPECT_EQ((*seen)["data"]["note"]["id"], note);

  auto listed = b.request("notes.list", {{"workspace", f.copil}});
  ASSERT_EQ(listed["ok"], true) << listed;
  ASSERT_EQ(listed["result"]["notes"].size(), 1u);
  EXPECT_EQ(listed["result"]["notes"][0]["agenda_item"], 7);
  for (auto key : {"id", "title", "agenda_item", "rev", "updated_at"})
    EXPECT_TRUE(listed["result"]["notes"][0].contains(key));

  Replica ra{.client_id = "client-a-0001"}, rb{.client_id = "client-b-0001"};
  for (Replica* r : {&ra, &rb}) {
    auto opened = (r == &ra ? a : b).request("notes.open", {{"note", note}});
    ASSERT_EQ(opened["ok"], true) << opened;
    r->text = opened["result"]["text"];
    r->rev = opened["result"]["rev"];
  }

  // Both type at once on revision 0, with emoji, combining marks and CJK.
  Json sa =
      ra.edit(note, TextOperation().insert("Bonjour 👨‍👩‍👧 e\xCC\x81t\xC3\xA9\n"));
  Json sb = rb.edit(note, TextOperation().insert("中文 🇫🇷\n"));
  auto ack_a = a.request("notes.submit", sa);
  auto ack_b = b.request("notes.submit", sb);
  ASSERT_EQ(ack_a["ok"], true) << ack_a;
  ASSERT_EQ(ack_b["ok"], true) << ack_b;
  EXPECT_EQ(ack_a["result"]["rev"], 1);
  EXPECT_EQ(ack_b["result"]["rev"], 2);

  // Each receives both operations (its own is the acknowledgement), in revision order.
  for (int i = 0; i < 2; ++i) {
    Json ea = event_data(a, "notes.op");
    Json eb = event_data(b, "notes.op");
    EXPECT_EQ(ea["note"], note);
    ra.receive(ea);
    rb.receive(eb);
  }
  EXPECT_FALSE(ra.inflight);
  EXPECT_FALSE(rb.inflight);

  // More concurrent edits on the shared text: a deletes at the start, b inserts in the middle.
  std::int64_t n = *pacte_notes::utf8_code_points(ra.text);
  sa = ra.edit(note, TextOperation().remove(3).retain(n - 3));
  sb = rb.edit(note, TextOperation().retain(5).insert("😀").retain(n - 5));
  ASSERT_EQ(code_of(a.request("notes.submit", sa)), "ok");
  ASSERT_EQ(code_of(b.request("notes.submit", sb)), "ok");
  for (int i = 0; i < 2; ++i) {
    ra.receive(event_data(a, "notes.op"));
    rb.receive(event_data(b, "notes.op"));
  }
  auto server_view = a.request("notes.open", {{"note", note}});
  EXPECT_EQ(server_view["result"]["rev"], 4);
  EXPECT_EQ(ra.text, server_view["result"]["text"]);
  EXPECT_EQ(rb.text, server_view["result"]["text"]);

  // The log has no gap, and the operations replayed give the text.
  auto ops = b.request("notes.ops", {{"note", note}, {"since", 0}});
  ASSERT_EQ(ops["ok"], true) << ops;
  ASSERT_EQ(ops["result"]["ops"].size(), 4u);
  std::string replay;
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(ops["result"]["ops"][i]["rev"], i + 1);
    replay = *op_of(ops["result"]["ops"][i]["op"]).apply(replay);
  }
  EXPECT_EQ(replay, server_view["result"]["text"]);

  // Export (the agenda plugin's minutes use it) and the history.
  auto exported = b.request("notes.export", {{"note", note}});
  ASSERT_EQ(exported["ok"], true) << exported;
  EXPECT_EQ(exported["result"]["text"], server_view["result"]["text"]);
  EXPECT_EQ(exported["result"]["title"], "Point 2 : bilan 2025");
  auto at1 = b.request("notes.text_at", {{"note", note}, {"rev", 1}});
  EXPECT_EQ(at1["result"]["text"], "Bonjour 👨‍👩‍👧 e\xCC\x81t\xC3\xA9\n");
  auto named = a.request("notes.version.name", {{"note", note}, {"name", "Avant relecture"}});
  ASSERT_EQ(named["ok"], true) << named;
  auto hist = b.request("notes.history", {{"note", note}});
  ASSERT_EQ(hist["result"]["versions"].size(), 1u);
  EXPECT_EQ(hist["result"]["versions"][0]["rev"], 4);
  EXPECT_EQ(hist["result"]["snapshots"][0]["rev"], 0);
}

TEST(Notes, AResentOperationIsAppliedExactlyOnce) {
  Fixture f;
  auto created = api(f.server.port(), f.ville.token, "notes.create",
                     {{"workspace", f.copil}, {"title", "Relevé"}})
                     .json();
  std::int64_t note = created["result"]["note"]["id"];
  Json submit = {{"note", note},
                 {"base_rev", 0},
                 {"client_id", "resend-client-1"},
                 {"seq", 1},
                 {"op", {"abc😀"}}};
  {
    WsClient a(f.server.port(), {.cookie = f.ville.token});
    a.next();
    auto ack = a.request("notes.submit", submit);
    ASSERT_EQ(ack["ok"], true) << ack;
    EXPECT_EQ(ack["result"]["rev"], 1);
    a.drop();  // the connection is lost before the client knows
  }
  // Another client edits meanwhile.
  auto other = api(f.server.port(), f.csab.token, "notes.submit",
                   {{"note", note},
                    {"base_rev", 1},
                    {"client_id", "other-client-1"},
                    {"seq", 1},
                    {"op", {4, "!"}}})
                   .json();
  ASSERT_EQ(other["ok"], true) << other;
  // The first client reconnects and re-sends the same (client id, seq) with a new request id.
  WsClient again(f.server.port(), {.cookie = f.ville.token});
  again.next();
  auto ack = again.request("notes.submit", submit);
  ASSERT_EQ(ack["ok"], true) << ack;
  EXPECT_EQ(ack["result"]["rev"], 1);  // its original acknowledgement
  auto open = again.request("notes.open", {{"note", note}});
  EXPECT_EQ(open["result"]["text"], "abc😀!");
  EXPECT_EQ(open["result"]["rev"], 2);
  EXPECT_EQ(scalar(f.server, "SELECT COUNT(*) FROM notes_ops WHERE client_id = 'resend-client-1'"),
            1);
  // Over HTTP too.
  auto http_again = api(f.server.port(), f.ville.token, "notes.submit", submit).json();
  EXPECT_EQ(http_again["result"]["rev"], 1);
  EXPECT_EQ(scalar(f.server, "SELECT rev FROM notes_notes WHERE id = " + std::to_string(note)), 2);
}

TEST(Notes, InvalidOperationsAreRefusedAndChangeNothing) {
  Fixture f;
  auto created = api(f.server.port(), f.ville.token, "notes.create",
                     {{"workspace", f.copil}, {"title", "Refus"}})
                     .json();
  std::int64_t note = created["result"]["note"]["id"];
  auto submit = [&](const Json& op, std::int64_t seq, std::int64_t base = 0) {
    return api(f.server.port(), f.ville.token, "notes.submit",
               {{"note", note},
                {"base_rev", base},
                {"client_id", "refused-client"},
                {"seq", seq},
                {"op", op}})
        .json();
  };
  ASSERT_EQ(code_of(submit({"ab"}, 1)), "ok");
  // Wrong base length: the text has 2 code points.
  auto wrong = submit({5, "x"}, 2, 1);
  EXPECT_EQ(code_of(wrong), "bad_request") << wrong;
  EXPECT_EQ(wrong["error"]["field"], "args.op");
  EXPECT_EQ(code_of(submit({1, "x"}, 3, 1)), "bad_request");
  // Not normalised, empty insert, zero, wrong types.
  for (const Json& op : {Json::array({1, 1}), Json::array({2, ""}), Json::array({0, 2}),
                         Json::array({2, true}), Json::array({-1, "x", 1})})
    EXPECT_EQ(code_of(submit(op, 4, 1)), "bad_request") << op;
  // A base revision in the future.
  EXPECT_EQ(code_of(submit({2, "x"}, 5, 9)), "bad_request");

  auto raw = [&](const std::string& op_text) {
    std::string body = R"({"note":)" + std::to_string(note) +
                       R"(,"base_rev":1,"client_id":"refused-client","seq":6,"op":[2,)" + op_text +
                       "]}";
    return http(f.server.port(), "POST", "/api/notes.submit", body,
                {{"Cookie", "pacte_session=" + f.ville.token}, {"Origin", kOrigin}});
  };
  // A surrogate pair split in two (a lone high surrogate), and bytes that are not UTF-8.
  EXPECT_EQ(raw(R"("\ud83d")").status, 400);
  EXPECT_EQ(raw(R"("\ude00x")").status, 400);
  EXPECT_EQ(raw("\"\xC3\x28\"").status, 400);
  EXPECT_EQ(raw("\"\xED\xA0\xBD\"").status, 400);   // a surrogate encoded in UTF-8
  EXPECT_EQ(raw(R"("\ud83d\ude00")").status, 200);  // a whole pair is fine

  // Over WebSocket the same refusal is a reply, and the connection stays usable.
  WsClient a(f.server.port(), {.cookie = f.ville.token});
  a.next();
  a.send_text(R"({"id":"r1","op":"notes.submit","args":{"note":)" + std::to_string(note) +
              R"(,"base_rev":2,"client_id":"refused-client","seq":7,"op":[3,"\ud83d"]}})");
  auto reply = a.next();
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["ok"], false) << *reply;
  auto open = a.request("notes.open", {{"note", note}});
  EXPECT_EQ(open["result"]["text"], "ab😀");
  EXPECT_EQ(open["result"]["rev"], 2);
}

TEST(Notes, PermissionsFollowTheWorkspace) {
  Fixture f;
  Person federation = sign_in(f.server, kFederation);
  auto created = api(f.server.port(), f.csab.token, "notes.create",
                     {{"workspace", f.copil}, {"title", "Privé"}})
                     .json();
  std::int64_t note = created["result"]["note"]["id"];
  // Not a member: the same not_found as a note that does not exist.
  auto outsider = api(f.server.port(), federation.token, "notes.open", {{"note", note}}).json();
  auto missing = api(f.server.port(), f.csab.token, "notes.open", {{"note", note + 1000}}).json();
  EXPECT_EQ(code_of(outsider), "not_found");
  EXPECT_EQ(code_of(missing), "not_found");
  EXPECT_EQ(outsider["error"]["message"], missing["error"]["message"]);
  EXPECT_EQ(code_of(api(f.server.port(), federation.token, "notes.submit",
                        {{"note", note},
                         {"base_rev", 0},
                         {"client_id", "outsider-1"},
                         {"seq", 1},
                         {"op", {"x"}}})
                        .json()),
            "not_found");
  // An observer reads but does not write.
  ASSERT_EQ(api(f.server.port(), f.ville.token, "workspaces.add_member",
                {{"workspace", f.copil}, {"person", federation.id}, {"role", "observer"}})
                .status,
            200);
  EXPECT_EQ(code_of(api(f.server.port(), federation.token, "notes.open", {{"note", note}}).json()),
            "ok");
  EXPECT_EQ(code_of(api(f.server.port(), federation.token, "notes.submit",
                        {{"note", note},
                         {"base_rev", 0},
                         {"client_id", "observer-1"},
                         {"seq", 1},
                         {"op", {"x"}}})
                        .json()),
            "forbidden");
  EXPECT_EQ(code_of(api(f.server.port(), federation.token, "notes.create",
                        {{"workspace", f.copil}, {"title", "x"}})
                        .json()),
            "forbidden");
  EXPECT_EQ(scalar(f.server, "SELECT COUNT(*) FROM notes_ops"), 0);
}

TEST(Notes, CursorsAreRelayedWithTheNameAndRateLimited) {
  pacte::ManualClock clock(
      pacte::TimePoint(std::chrono::sys_days(std::chrono::year{2026} / 11 / 29)) + 17h);
  TestServer server({.clock = &clock});
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  std::int64_t note =
      api(server.port(), ville.token, "notes.create", {{"workspace", copil}, {"title", "Curseurs"}})
          .json()["result"]["note"]["id"];
  WsClient a(server.port(), {.cookie = ville.token});
  WsClient b(server.port(), {.cookie = csab.token});
  a.next();
  b.next();
  a.subscribe();
  b.subscribe();
  auto sent =
      a.request("notes.cursor",
                {{"note", note}, {"rev", 0}, {"client_id", "cursor-client"}, {"ranges", {{0, 0}}}});
  ASSERT_EQ(sent["ok"], true) << sent;
  EXPECT_EQ(sent["result"]["relayed"], true);
  Json got = event_data(b, "notes.cursor");
  EXPECT_EQ(got["note"], note);
  EXPECT_EQ(got["person"], ville.id);
  EXPECT_FALSE(got["name"].get<std::string>().empty());
  EXPECT_EQ(got["ranges"], Json::array({Json::array({0, 0})}));
  // Not stored: nothing in the workspace's log for it.
  auto ws = api(server.port(), ville.token, "workspaces.get", {{"workspace", copil}}).json();
  std::int64_t seq = ws["result"]["workspace"]["last_seq"];
  int relayed = 1;
  for (int i = 0; i < 40; ++i)
    relayed +=
        a.request("notes.cursor",
                  {{"note", note}, {"rev", 0}, {"ranges", {{0, 0}}}})["result"]["relayed"] == true;
  EXPECT_LE(relayed, 21);  // a burst of 20, time frozen
  clock.advance(2s);
  EXPECT_EQ(a.request("notes.cursor",
                      {{"note", note}, {"rev", 0}, {"ranges", {{0, 0}}}})["result"]["relayed"],
            true);
  EXPECT_EQ(api(server.port(), ville.token, "workspaces.get", {{"workspace", copil}})
                .json()["result"]["workspace"]["last_seq"],
            seq);
  EXPECT_EQ(
      code_of(a.request("notes.cursor", {{"note", note}, {"rev", 0}, {"ranges", {{0, 0, 1}}}})),
      "bad_request");
}

TEST(Notes, ABaseOutsideTheWindowMustResync) {
  TestServer server({.configure = [](pacte::ServerConfig& c) {
    c.limits.requests_per_second = 1e6;  // a thousand operations in a row
    c.limits.request_burst = 1e6;
  }});
  struct {
    TestServer& server;
    Person ville;
    std::int64_t copil;
  } f{server, sign_in(server, kVille), 0};
  f.copil = workspace_id(server.port(), f.ville.token, "copil");
  std::int64_t note = api(f.server.port(), f.ville.token, "notes.create",
                          {{"workspace", f.copil}, {"title", "Fenêtre"}})
                          .json()["result"]["note"]["id"];
  WsClient a(f.server.port(), {.cookie = f.ville.token});
  a.next();
  const std::int64_t window = 1000;
  for (std::int64_t i = 0; i <= window; ++i) {
    Json op = i == 0 ? Json::array({"x"}) : Json::array({i, "x"});
    auto r = a.request("notes.submit", {{"note", note},
                                        {"base_rev", i},
                                        {"client_id", "window-client"},
                                        {"seq", i + 1},
                                        {"op", op}});
    ASSERT_EQ(r["ok"], true) << r;
  }
  auto late = a.request(
      "notes.submit",
      {{"note", note}, {"base_rev", 0}, {"client_id", "late-client"}, {"seq", 1}, {"op", {"y"}}});
  EXPECT_EQ(code_of(late), "conflict") << late;
  EXPECT_NE(late["error"]["message"].get<std::string>().find("resync"), std::string::npos);
  auto in_window = a.request("notes.submit", {{"note", note},
                                              {"base_rev", 1},
                                              {"client_id", "late-client"},
                                              {"seq", 2},
                                              {"op", {"y", 1}}});
  EXPECT_EQ(code_of(in_window), "ok") << in_window;
  EXPECT_EQ(code_of(a.request("notes.ops", {{"note", note}, {"since", 0}})), "conflict");
  // Snapshots were taken along the way; the text replayed from them is the text.
  EXPECT_EQ(scalar(f.server,
                   "SELECT COUNT(*) FROM notes_snapshots WHERE note_id = " + std::to_string(note)),
            6);
  auto open = a.request("notes.open", {{"note", note}});
  auto replay = a.request("notes.text_at", {{"note", note}, {"rev", open["result"]["rev"]}});
  EXPECT_EQ(replay["result"]["text"], open["result"]["text"]);
}

TEST(Notes, BadArgumentsAreRefusedAndDisablingThePluginHidesItsNotes) {
  Fixture f;
  auto blank = api(f.server.port(), f.ville.token, "notes.create",
                   {{"workspace", f.copil}, {"title", "   "}})
                   .json();
  EXPECT_EQ(code_of(blank), "bad_request") << blank;
  EXPECT_EQ(blank["error"]["field"], "args.title");
  std::int64_t note = api(f.server.port(), f.ville.token, "notes.create",
                          {{"workspace", f.copil}, {"title", "Bilan"}})
                          .json()["result"]["note"]["id"];
  ASSERT_EQ(code_of(api(f.server.port(), f.ville.token, "notes.submit",
                        {{"note", note},
                         {"base_rev", 0},
                         {"client_id", "disable-client"},
                         {"seq", 1},
                         {"op", {"Bilan 2025"}}})
                        .json()),
            "ok");
  EXPECT_EQ(
      code_of(
          api(f.server.port(), f.ville.token, "notes.ops", {{"note", note}, {"since", 5}}).json()),
      "bad_request");
  EXPECT_EQ(
      code_of(api(f.server.port(), f.ville.token, "notes.text_at", {{"note", note}, {"rev", 5}})
                  .json()),
      "bad_request");
  EXPECT_EQ(code_of(api(f.server.port(), f.ville.token, "notes.version.name",
                        {{"note", note}, {"name", " "}})
                        .json()),
            "bad_request");
  // Filtered by agenda item.
  api(f.server.port(), f.ville.token, "notes.create",
      {{"workspace", f.copil}, {"title", "Point 3"}, {"agenda_item", 3}});
  auto by_item =
      api(f.server.port(), f.csab.token, "notes.list", {{"workspace", f.copil}, {"agenda_item", 3}})
          .json();
  ASSERT_EQ(by_item["result"]["notes"].size(), 1u);
  EXPECT_EQ(by_item["result"]["notes"][0]["title"], "Point 3");

  ASSERT_EQ(api(f.server.port(), f.ville.token, "plugins.disable",
                {{"workspace", f.copil}, {"plugin", "notes"}})
                .status,
            200);
  EXPECT_EQ(code_of(api(f.server.port(), f.csab.token, "notes.open", {{"note", note}}).json()),
            "not_found");
  EXPECT_EQ(
      code_of(api(f.server.port(), f.csab.token, "notes.list", {{"workspace", f.copil}}).json()),
      "not_found");
  ASSERT_EQ(api(f.server.port(), f.ville.token, "plugins.enable",
                {{"workspace", f.copil}, {"plugin", "notes"}})
                .status,
            200);
  auto back = api(f.server.port(), f.csab.token, "notes.export", {{"note", note}}).json();
  ASSERT_EQ(code_of(back), "ok") << back;
  EXPECT_EQ(back["result"]["markdown"], "Bilan 2025\n");
  EXPECT_EQ(back["result"]["text"], "Bilan 2025");
}
