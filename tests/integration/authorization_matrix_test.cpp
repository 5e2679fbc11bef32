// Every registered operation × {anonymous, non-member, observer, member, owner, admin}.
// The expected rule of each operation is written here: registering an operation without
// adding it to this table fails the test, so no operation ships without a decided rule.
#include <gtest/gtest.h>

#include <map>

#include "support/test_server.hpp"

using namespace pacte::test;
using pacte::Rule;

namespace {

const std::map<std::string, Rule> kExpected = {
    {"session.me", Rule::authenticated},       {"session.set_locale", Rule::authenticated},
    {"session.logout", Rule::authenticated},   {"orgs.list", Rule::authenticated},
    {"tokens.create", Rule::authenticated},    {"tokens.list", Rule::authenticated},
    {"tokens.revoke", Rule::authenticated},    {"workspaces.list", Rule::authenticated},
    {"workspaces.get", Rule::observer},        {"workspaces.create", Rule::admin},
    {"workspaces.rename", Rule::owner},        {"workspaces.archive", Rule::owner},
    {"workspaces.members", Rule::observer},    {"workspaces.add_member", Rule::owner},
    {"workspaces.remove_member", Rule::owner}, {"sync.subscribe", Rule::authenticated},
    {"plugins.list", Rule::observer},          {"plugins.enable", Rule::owner},
    {"plugins.disable", Rule::owner},          {"chat.threads", Rule::observer},
    {"chat.create_thread", Rule::member},      {"chat.rename_thread", Rule::member},
    {"chat.resolve_thread", Rule::member},     {"chat.post", Rule::member},
    {"chat.edit", Rule::member},               {"chat.delete", Rule::member},
    {"chat.react", Rule::member},              {"chat.history", Rule::observer},
    {"chat.mark_read", Rule::observer},        {"chat.search", Rule::authenticated},
    {"chat.typing", Rule::member},             {"admin.people.list", Rule::admin},
    {"admin.people.add", Rule::admin},         {"admin.people.disable", Rule::admin},
    {"admin.people.reset_link", Rule::admin},  {"admin.people.erase", Rule::admin},
    {"admin.orgs.add", Rule::admin},           {"invitations.create", Rule::owner},
    {"me.export", Rule::authenticated},        {"poll.create", Rule::member},
    {"poll.list", Rule::observer},             {"poll.vote", Rule::member},
    {"poll.retract", Rule::member},            {"poll.close", Rule::member},
    {"notes.create", Rule::member},            {"notes.list", Rule::observer},
    {"notes.open", Rule::observer},            {"notes.submit", Rule::member},
    {"notes.ops", Rule::observer},             {"notes.cursor", Rule::member},
    {"notes.export", Rule::observer},          {"notes.history", Rule::observer},
    {"notes.text_at", Rule::observer},         {"notes.version.name", Rule::member},
};

enum Who { anonymous, non_member, observer, member, owner, admin };
const char* kWhoNames[] = {"anonymous", "non-member", "observer", "member", "owner", "admin"};

/// Arguments that satisfy an operation's schema and point into the test workspace.
Json sample_args(const Json& schema, std::int64_t ws, std::int64_t thread, std::int64_t message, std::int64_t person) {
  Json args = Json::object();
  if (!schema.contains("properties")) return args;
  auto required = schema.value("required", Json::array());
  for (auto& [name, prop] : schema["properties"].items()) {
    bool req = std::find(required.begin(), required.end(), name) != required.end();
    if (!req && name != "workspace" && name != "thread" && name != "message") continue;
    if (name == "workspace") args[name] = ws;
    else if (name == "thread") args[name] = thread;
    else if (name == "message") args[name] = message;
    else if (name == "person") args[name] = person;
    else if (prop.contains("enum")) args[name] = prop["enum"][0];
    else if (name == "email") args[name] = "matrix.test@example.org";
    else if (prop.value("type", "") == "string")
      args[name] = name == "plugin" ? std::string("none") : std::string(std::max<std::size_t>(1, prop.value("minLength", 1)), 'x');
    else if (prop.value("type", "") == "integer") args[name] = 1;
    else if (prop.value("type", "") == "boolean") args[name] = false;
    else if (prop.value("type", "") == "object") args[name] = Json::object();
    else if (prop.value("type", "") == "array") args[name] = Json::array({"x", "y"});
  }
  // Only one of person/organisation, and never a harmful target for membership changes.
  return args;
}

}  // namespace

TEST(AuthorizationMatrix, EveryOperationEnforcesItsRuleForEveryRole) {
  TestServer server;
  auto& ops = server.app().dispatcher().operations();
  for (auto& [name, op] : ops) {
    ASSERT_TRUE(kExpected.count(name)) << "operation '" << name << "' has no expected rule in this matrix";
    EXPECT_EQ(op.rule, kExpected.at(name)) << name;
  }
  std::string t_owner = login(server.port(), "equipe@ville-chambery.example");  // Ville owns the copil
  std::string t_member = login(server.port(), "equipe@biollay.example");
  std::string t_observer = login(server.port(), "equipe@federation-cs-2savoie.example");
  std::string t_non_member = login(server.port(), "daniel.bret@federation-cs-2savoie.example");
  std::string t_admin = login(server.port(), "admin@pacte.example");
  std::int64_t copil = workspace_id(server.port(), t_owner, "copil");
  auto observer_id = api(server.port(), t_observer, "session.me").json()["result"]["person"]["id"];
  auto added = api(server.port(), t_owner, "workspaces.add_member", {{"workspace", copil}, {"person", observer_id}, {"role", "observer"}});
  ASSERT_EQ(added.status, 200) << added.body;
  auto created = api(server.port(), t_member, "chat.create_thread", {{"workspace", copil}, {"title", "Matrice"}, {"body", "m"}}).json();
  std::int64_t thread = created["result"]["thread"]["id"];
  std::int64_t message = created["result"]["message"]["id"];
  // A poll of the copil by the member, so that poll.close (author or owner) is allowed to it.
  auto poll = api(server.port(), t_member, "poll.create", {{"workspace", copil}, {"question", "Matrice"}, {"options", {"x", "y"}}}).json();
  ASSERT_EQ(poll["ok"], true) << poll;
  std::int64_t poll_id = poll["result"]["poll"]["id"];
  // A note of the copil, for the notes.* operations that take one.
  auto note = api(server.port(), t_member, "notes.create", {{"workspace", copil}, {"title", "Matrice"}}).json();
  ASSERT_EQ(note["ok"], true) << note;
  std::int64_t note_id = note["result"]["note"]["id"];
  auto non_member_id = api(server.port(), t_non_member, "session.me").json()["result"]["person"]["id"].get<std::int64_t>();

  std::map<Who, std::string> tokens = {{non_member, t_non_member}, {observer, t_observer}, {member, t_member},
                                       {owner, t_owner}, {admin, t_admin}};
  for (auto& [name, op] : ops) {
    // These would end or erase the sessions and people used by the next rows; they are
    // covered by their own tests (auth_test, admin_test) and by the rule check above.
    if (name == "session.logout" || name == "admin.people.erase" || name == "admin.people.disable") continue;
    Json args = sample_args(op.schema, copil, thread, message, non_member_id);
    if (args.contains("poll")) args["poll"] = poll_id;
    if (args.contains("note")) args["note"] = note_id;
    for (Who who : {anonymous, non_member, observer, member, owner, admin}) {
      auto r = who == anonymous ? http(server.port(), "POST", "/api/" + name, args.dump()) : api(server.port(), tokens[who], name, args);
      std::string code = r.json()["ok"] == true ? "ok" : r.json()["error"]["code"].get<std::string>();
      std::string where = name + " as " + kWhoNames[who] + " → " + r.body.substr(0, 200);
      Rule rule = op.rule;
      if (who == anonymous) {
        EXPECT_EQ(code, "unauthenticated") << where;
        continue;
      }
      if (rule == Rule::authenticated) {
        EXPECT_NE(code, "unauthenticated") << where;
        EXPECT_NE(code, "forbidden") << where;
      } else if (rule == Rule::admin) {
        EXPECT_EQ(code == "forbidden", who != admin) << where;
      } else {
        int needed = rule == Rule::owner ? owner : rule == Rule::member ? member : observer;
        if (who == non_member) {
          EXPECT_EQ(code, "not_found") << where;
        } else if (who < needed) {
          EXPECT_EQ(code, "forbidden") << where;
        } else if (name != "chat.edit" && name != "chat.delete") {  // author-only: see chat_test
          EXPECT_TRUE(code != "forbidden" && code != "unauthenticated") << where;
        }
      }
    }
  }
}
