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
    {"commands.list", Rule::observer},         {"commands.complete", Rule::observer},
    {"commands.run", Rule::member},
    {"admin.people.add", Rule::admin},         {"admin.people.disable", Rule::admin},
    {"admin.people.reset_link", Rule::admin},  {"admin.people.erase", Rule::admin},
    {"admin.orgs.add", Rule::admin},           {"invitations.create", Rule::owner},
    {"me.export", Rule::authenticated},        {"poll.create", Rule::member},
    {"poll.list", Rule::observer},             {"poll.vote", Rule::member},
    {"poll.retract", Rule::member},            {"poll.close", Rule::member},
    {"notifications.list", Rule::authenticated}, {"notifications.mark_read", Rule::authenticated},
    {"notifications.prefs.get", Rule::authenticated}, {"notifications.prefs.set", Rule::authenticated},
    {"password.reset_request", Rule::anonymous}, {"admin.outbox.list", Rule::admin},
    {"admin.outbox.retry", Rule::admin},
    {"documents.list", Rule::observer},        {"documents.get", Rule::observer},
    {"documents.create", Rule::owner},         {"documents.set_required", Rule::owner},
    {"documents.version.get", Rule::observer}, {"documents.version.create_draft", Rule::owner},
    {"documents.version.set_section", Rule::owner}, {"documents.version.remove_section", Rule::owner},
    {"documents.version.propose", Rule::owner}, {"documents.version.review", Rule::owner},
    {"documents.version.reopen", Rule::owner}, {"documents.version.freeze", Rule::owner},
    {"documents.compare", Rule::observer},     {"documents.proposals", Rule::observer},
    {"documents.propose", Rule::member},       {"documents.proposal.accept", Rule::owner},
    {"documents.proposal.reject", Rule::owner}, {"documents.proposal.withdraw", Rule::member},
    {"documents.comment", Rule::member},       {"documents.comments", Rule::observer},
    {"documents.validation.record", Rule::member},
    {"signatures.campaign.create", Rule::owner},      {"signatures.campaign.list", Rule::observer},
    {"signatures.campaign.get", Rule::observer},      {"signatures.signatory.add", Rule::owner},
    {"signatures.rule.set", Rule::owner},             {"signatures.delegate", Rule::owner},
    {"signatures.open", Rule::member},                {"signatures.sign", Rule::member},
    {"signatures.sign_link", Rule::member},           {"agenda.open_notes", Rule::member},
    {"signatures.decline", Rule::member},             {"signatures.reissue", Rule::owner},
    {"signatures.replace", Rule::owner},              {"signatures.record_outside", Rule::owner},
    {"signatures.remind", Rule::owner},               {"signatures.termination.record", Rule::owner},
    {"signatures.verify", Rule::observer},
    // Plugin agenda (docs/protocol.md, "Plugin agenda").
    {"agenda.schedule", Rule::owner},          {"agenda.reschedule", Rule::owner},
    {"agenda.cancel", Rule::owner},            {"agenda.list", Rule::observer},
    {"agenda.get", Rule::observer},            {"agenda.add_item", Rule::member},
    {"agenda.update_item", Rule::member},      {"agenda.move_item", Rule::member},
    {"agenda.remove_item", Rule::member},      {"agenda.apply_template", Rule::owner},
    {"agenda.set_current", Rule::owner},       {"agenda.set_attendance", Rule::owner},
    {"agenda.set_organisation_presence", Rule::owner},
    {"agenda.add_decision", Rule::member},     {"agenda.remove_decision", Rule::member},
    {"agenda.add_action", Rule::member},       {"agenda.update_action", Rule::member},
    {"agenda.actions", Rule::observer},        {"agenda.my_actions", Rule::authenticated},
    {"agenda.minutes", Rule::observer},        {"agenda.amend_minutes", Rule::member},
    {"agenda.approve_minutes", Rule::owner},   {"agenda.reopen_minutes", Rule::owner},
    {"agenda.publish_minutes", Rule::owner},   {"agenda.create_feed", Rule::authenticated},
    {"agenda.feeds", Rule::authenticated},     {"agenda.revoke_feed", Rule::authenticated},
    {"agenda.cadence", Rule::authenticated},
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
  // A signature campaign of the copil (the demo campaign is in the pacte workspace), so that
  // "campaign" arguments designate the copil.
  auto campaign = api(server.port(), t_owner, "signatures.campaign.create",
                      {{"workspace", copil}, {"title", "Matrice"}, {"text", "Texte"}}).json();
  ASSERT_EQ(campaign["ok"], true) << campaign;
  std::int64_t campaign_id = campaign["result"]["campaign"]["id"];
  // A meeting of the copil with an item, a decision and an action, for the agenda.* rows.
  auto meeting = api(server.port(), t_owner, "agenda.schedule",
                     {{"workspace", copil}, {"title", "Matrice"}, {"start", "2026-06-12T14:00"}, {"end", "2026-06-12T16:00"}}).json();
  ASSERT_EQ(meeting["ok"], true) << meeting;
  std::int64_t meeting_id = meeting["result"]["meeting"]["id"];
  std::int64_t item_id = meeting["result"]["meeting"]["items"][0]["id"];
  auto decision = api(server.port(), t_member, "agenda.add_decision", {{"item", item_id}, {"text", "d"}, {"outcome", "adopted"}}).json();
  ASSERT_EQ(decision["ok"], true) << decision;
  auto member_id = api(server.port(), t_member, "session.me").json()["result"]["person"]["id"].get<std::int64_t>();
  auto action = api(server.port(), t_member, "agenda.add_action", {{"item", item_id}, {"what", "a"}, {"owner_person", member_id}}).json();
  ASSERT_EQ(action["ok"], true) << action;
  // A note of the copil, for the notes.* operations that take one.
  auto note = api(server.port(), t_member, "notes.create", {{"workspace", copil}, {"title", "Matrice"}}).json();
  ASSERT_EQ(note["ok"], true) << note;
  std::int64_t note_id = note["result"]["note"]["id"];
  auto non_member_id = api(server.port(), t_non_member, "session.me").json()["result"]["person"]["id"].get<std::int64_t>();
  // A document of the copil (owner) and a proposal on it by the member, for the documents.* rows.
  auto doc = api(server.port(), t_owner, "documents.create",
                 {{"workspace", copil}, {"key", "matrice"}, {"title", "Matrice"},
                  {"sections", {{{"key", "art.1"}, {"heading", "Article 1"}, {"body", "Texte."}}}}}).json();
  ASSERT_EQ(doc["ok"], true) << doc;
  std::int64_t document_id = doc["result"]["document"]["id"], version_id = doc["result"]["version"]["id"];
  auto proposal = api(server.port(), t_member, "documents.propose",
                      {{"version", version_id}, {"section", "art.1"}, {"kind", "replace"}, {"body", "Autre."}, {"rationale", "m"}}).json();
  ASSERT_EQ(proposal["ok"], true) << proposal;
  std::int64_t proposal_id = proposal["result"]["proposal"]["id"];
  std::int64_t member_org = 0;
  Json orgs = api(server.port(), t_member, "orgs.list").json()["result"]["organisations"];
  for (auto& o : orgs)
    if (o["key"] == "csab") member_org = o["id"];

  std::map<Who, std::string> tokens = {{non_member, t_non_member}, {observer, t_observer}, {member, t_member},
                                       {owner, t_owner}, {admin, t_admin}};
  for (auto& [name, op] : ops) {
    // These would end or erase the sessions and people used by the next rows; they are
    // covered by their own tests (auth_test, admin_test) and by the rule check above.
    if (name == "session.logout" || name == "admin.people.erase" || name == "admin.people.disable") continue;
    Json args = sample_args(op.schema, copil, thread, message, non_member_id);
    if (args.contains("poll")) args["poll"] = poll_id;
    if (name.rfind("documents.", 0) == 0) {
      if (args.contains("document")) args["document"] = document_id;
      if (args.contains("version")) args["version"] = version_id;
      if (args.contains("base")) args["base"] = version_id;
      if (args.contains("proposal")) args["proposal"] = proposal_id;
      if (args.contains("required")) args["required"] = Json::array();
      if (args.contains("organisation")) args["organisation"] = member_org;
      if (name == "documents.comment" || name == "documents.comments") args["proposal"] = proposal_id;
    }
    if (args.contains("campaign")) args["campaign"] = campaign_id;
    if (args.contains("meeting")) args["meeting"] = meeting_id;
    if (args.contains("item")) args["item"] = item_id;
    if (args.contains("decision") && name.rfind("agenda.", 0) == 0) args["decision"] = decision["result"]["decision"]["id"];
    if (args.contains("action")) args["action"] = action["result"]["action"]["id"];
    if (args.contains("note")) args["note"] = note_id;
    for (Who who : {anonymous, non_member, observer, member, owner, admin}) {
      auto r = who == anonymous ? http(server.port(), "POST", "/api/" + name, args.dump()) : api(server.port(), tokens[who], name, args);
      std::string code = r.json()["ok"] == true ? "ok" : r.json()["error"]["code"].get<std::string>();
      std::string where = name + " as " + kWhoNames[who] + " → " + r.body.substr(0, 200);
      Rule rule = op.rule;
      if (rule == Rule::anonymous) {  // e.g. password.reset_request: open to everyone
        EXPECT_TRUE(code != "unauthenticated" && code != "forbidden") << where;
        continue;
      }
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
