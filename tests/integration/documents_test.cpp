// The documents plugin (plugins/documents/) through the real server: the imported pact,
// proposals and their life cycle, board validations and freezing, immutability of a frozen
// version, permissions, and the Markdown/HTML exports' access control.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pacte/util.hpp"
#include "support/test_server.hpp"

using namespace pacte::test;

namespace {

std::string code_of(const Json& reply) {
  return reply.value("ok", false) ? "ok" : reply["error"]["code"].get<std::string>();
}

Json call(TestServer& s, const Person& p, const std::string& op, const Json& args) {
  return api(s.port(), p.token, op, args).json();
}

/// The result of a call that must succeed.
Json ok(TestServer& s, const Person& p, const std::string& op, const Json& args) {
  Json r = call(s, p, op, args);
  EXPECT_EQ(r["ok"], true) << op << " " << args.dump() << " → " << r.dump();
  return r["result"];
}

std::int64_t org_id(TestServer& s, const Person& p, const std::string& key) {
  Json orgs = ok(s, p, "orgs.list",
                 Json::object())["organisations"];  // stored: no range-for over a temporary
  for (auto& o : orgs)
    if (o["key"] == key) return o["id"];
  ADD_FAILURE() << "no organisation " << key;
  return 0;
}

const Json* section(const Json& version, const std::string& key) {
  for (auto& s : version["sections"])
    if (s["key"] == key) return &s;
  return nullptr;
}

const char* kVille = "equipe@ville-chambery.example";  // owner of the workspace 'pacte'
const char* kCsab = "equipe@biollay.example";          // member of 'pacte', owner of 'ct-csab'
const char* kAqcv = "equipe@aqcv.example";             // member of 'pacte', not of 'ct-csab'
const char* kDaniel = "daniel.bret@federation-cs-2savoie.example";

/// The demo document of the workspace 'pacte' and its frozen version 1.
struct Demo {
  std::int64_t workspace = 0;
  std::int64_t document = 0;
  std::int64_t v1 = 0;
};

Demo demo(TestServer& s, const Person& p) {
  Demo d;
  d.workspace = workspace_id(s.port(), p.token, "pacte");
  auto docs = ok(s, p, "documents.list", {{"workspace", d.workspace}})["documents"];
  EXPECT_EQ(docs.size(), 1u);
  if (docs.empty()) return d;
  d.document = docs[0]["id"];
  d.v1 = docs[0]["latest_version"];
  return d;
}

/// Records an approval of `hash` for an organisation (as the workspace's owner).
Json approve(TestServer& s, const Person& owner, std::int64_t version, std::int64_t org,
             const std::string& hash, const std::string& body = "conseil d'administration") {
  return call(s, owner, "documents.validation.record",
              {{"version", version},
               {"organisation", org},
               {"hash", hash},
               {"body", body},
               {"meeting_date", "2025-05-20"},
               {"decision", "approved"}});
}

}  // namespace

TEST(Documents, TheSeedPactIsVersionOneFrozenWithItsBoardsValidations) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  Demo d = demo(server, ville);
  auto docs = ok(server, ville, "documents.list", {{"workspace", d.workspace}})["documents"];
  // The contract the signatures plugin relies on.
  EXPECT_EQ(docs[0]["key"], "pacte");
  EXPECT_EQ(docs[0]["title"], "Pacte de coopération de première génération");
  EXPECT_EQ(docs[0]["workspace"], d.workspace);
  EXPECT_EQ(docs[0]["frozen_version"], d.v1);

  Json v = ok(server, ville, "documents.version.get", {{"version", d.v1}})["version"];
  EXPECT_EQ(v["id"], d.v1);
  EXPECT_EQ(v["document"], d.document);
  EXPECT_EQ(v["number"], 1);
  EXPECT_EQ(v["status"], "frozen");
  EXPECT_FALSE(v["frozen_at"].is_null());
  std::vector<std::string> keys;
  for (auto& s : v["sections"]) keys.push_back(s["key"]);
  EXPECT_EQ(keys, (std::vector<std::string>{"parties", "preamble", "party.ville", "party.caf",
                                            "party.federation", "party.centres", "art.1", "art.2",
                                            "art.3", "art.4", "art.5", "art.6", "signatures"}));
  EXPECT_EQ((*section(v, "preamble"))["heading"], "Préambule");
  EXPECT_EQ((*section(v, "party.centres"))["heading"],
            "Les centres sociaux AQCV, CSC des Moulins, CSAB");
  EXPECT_EQ((*section(v, "art.5"))["heading"], "Article 5 : durée");
  EXPECT_NE((*section(v, "art.5"))["body"].get<std::string>().find(
                "durée de deux ans à partir de la date de sa signature"),
            std::string::npos);
  EXPECT_NE((*section(v, "art.6"))["body"].get<std::string>().find("préavis de 3 mois"),
            std::string::npos);
  EXPECT_NE((*section(v, "signatures"))["body"].get<std::string>().find(
                "M. Abderrahim KANFOUS, co-Président"),
            std::string::npos);
  // The canonical text and the hashes (docs/documents.md): stable across runs and
  // platforms, so this value is written down; it changes only if the text does.
  std::string hash = v["hash"];
  EXPECT_EQ(hash, "adf4dacd17dde6c147bf2c474a7dd6349099d7f8a6cd8b933b24d6e0a3afe574");
  // Anyone can check it from the canonical text (also done with sha256sum on it).
  EXPECT_EQ(pacte::sha256_hex(v["canonical"].get<std::string>()), hash);
  EXPECT_EQ(v["canonical"].get<std::string>().rfind("\xC2\xA7 parties\n# Entre\n\n", 0), 0u);
  for (auto& s : v["sections"]) EXPECT_EQ(s["hash"].get<std::string>().size(), 64u);

  // The four validations of the seed, all of this very hash, two known only to the month.
  ASSERT_EQ(v["validations"].size(), 4u) << v["validations"];
  std::map<std::string, Json> by_org;
  for (auto& val : v["validations"]) {
    EXPECT_EQ(val["hash"], hash);
    EXPECT_EQ(val["matches"], true);
    EXPECT_EQ(val["decision"], "approved");
    by_org[val["organisation_name"]] = val;
  }
  auto aqcv = by_org["Association de Quartier du Centre-Ville"];
  EXPECT_EQ(aqcv["meeting_date"], "2023-03-15");
  EXPECT_EQ(aqcv["date_precision"], "day");
  EXPECT_EQ(aqcv["body"], "conseil d'administration");
  EXPECT_EQ(by_org["Centre Socioculturel des Moulins"]["meeting_date"], "2023-03");
  EXPECT_EQ(by_org["Centre Socioculturel des Moulins"]["date_precision"], "month");
  EXPECT_EQ(by_org["Centre Social et d'Animation du Biollay"]["meeting_date"], "2023-04");
  auto council = by_org["Ville de Chambéry"];
  EXPECT_EQ(council["body"], "conseil municipal");
  EXPECT_EQ(council["meeting_date"], "2023-07-10");
  EXPECT_EQ(council["reference"], "DCM-2023-117");
  EXPECT_NE(council["note"].get<std::string>().find("unanimité"), std::string::npos);
  EXPECT_NE(council["note"].get<std::string>().find("45"), std::string::npos);
  EXPECT_EQ(v["freeze"]["ready"], true);
  EXPECT_EQ(v["freeze"]["required"].size(), 4u);  // the three centres' boards and the council

  // A second, independent import of the same files gives the same hashes.
  TestServer other;
  Person ville2 = sign_in(other, kVille);
  Demo d2 = demo(other, ville2);
  Json again = ok(other, ville2, "documents.version.get", {{"version", d2.v1}})["version"];
  EXPECT_EQ(again["hash"], hash);
  EXPECT_EQ(again["canonical"], v["canonical"]);
  for (std::size_t i = 0; i < v["sections"].size(); ++i)
    EXPECT_EQ(again["sections"][i]["hash"], v["sections"][i]["hash"]);
}

TEST(Documents, APartnerProposesAChangeToArticle5AndTheOwnerAcceptsItIntoANewDraft) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  Person aqcv = sign_in(server, kAqcv);
  Demo d = demo(server, ville);
  Json v1 = ok(server, ville, "documents.version.get", {{"version", d.v1}})["version"];
  std::string art5 = (*section(v1, "art.5"))["body"];

  WsClient owner_ws(server.port(), {.cookie = ville.token});
  owner_ws.next();
  owner_ws.subscribe();

  std::string changed = art5;
  changed.replace(changed.find("deux ans"), 8, "trois ans");
  Json proposal =
      ok(server, csab, "documents.propose",
         {{"version", d.v1},
          {"section", "art.5"},
          {"kind", "replace"},
          {"body", changed},
          {"rationale", "Trois ans laissent le temps d'évaluer le pacte."}})["proposal"];
  std::int64_t pid = proposal["id"];
  EXPECT_EQ(proposal["status"], "open");
  EXPECT_EQ(proposal["organisation_name"],
            "Centre Social et d'Animation du Biollay");  // the author's only organisation
  bool deleted = false, inserted = false;
  for (auto& part : proposal["diff"]) {
    deleted = deleted || (part["op"] == "delete" && part["text"] == "deux");
    inserted = inserted || (part["op"] == "insert" && part["text"] == "trois");
  }
  EXPECT_TRUE(deleted && inserted) << proposal["diff"];
  ASSERT_TRUE(owner_ws.wait_event("documents.proposal_created"));
  auto note = owner_ws.wait_event("notification.created");  // the owners are told
  ASSERT_TRUE(note);
  EXPECT_EQ((*note)["data"]["notification"]["kind"], "document");

  // Threaded comments on the proposal.
  Json c1 = ok(server, aqcv, "documents.comment",
               {{"proposal", pid}, {"body", "D'accord pour l'AQCV."}})["comment"];
  Json c2 = ok(server, csab, "documents.comment",
               {{"proposal", pid}, {"parent", c1["id"]}, {"body", "Merci !"}})["comment"];
  EXPECT_EQ(c2["parent"], c1["id"]);
  auto comments = ok(server, ville, "documents.comments", {{"proposal", pid}})["comments"];
  ASSERT_EQ(comments.size(), 2u);
  EXPECT_EQ(comments[1]["body"], "Merci !");
  // A comment on a section, and a reply that claims another thread, refused.
  Json sc = ok(server, aqcv, "documents.comment",
               {{"version", d.v1}, {"section", "art.6"}, {"body", "Préavis ?"}})["comment"];
  EXPECT_EQ(sc["section"], "art.6");
  EXPECT_EQ(code_of(call(server, aqcv, "documents.comment",
                         {{"proposal", pid}, {"parent", sc["id"]}, {"body", "x"}})),
            "bad_request");

  // Only its author withdraws; a member cannot accept.
  EXPECT_EQ(code_of(call(server, aqcv, "documents.proposal.withdraw", {{"proposal", pid}})),
            "forbidden");
  EXPECT_EQ(code_of(call(server, csab, "documents.proposal.accept", {{"proposal", pid}})),
            "forbidden");

  Json accepted = ok(server, ville, "documents.proposal.accept", {{"proposal", pid}});
  EXPECT_EQ(accepted["proposal"]["status"], "accepted");
  Json v2 = accepted["version"];
  EXPECT_EQ(v2["number"], 2);
  EXPECT_EQ(v2["status"], "draft");
  EXPECT_EQ(v2["parent"], d.v1);
  EXPECT_EQ(accepted["proposal"]["merged_version"], v2["id"]);
  EXPECT_EQ((*section(v2, "art.5"))["body"], changed);
  EXPECT_NE(v2["hash"], v1["hash"]);
  EXPECT_NE((*section(v2, "art.5"))["hash"], (*section(v1, "art.5"))["hash"]);
  EXPECT_EQ((*section(v2, "art.4"))["hash"], (*section(v1, "art.4"))["hash"]);
  // The frozen version 1 did not move.
  EXPECT_EQ(ok(server, ville, "documents.version.get", {{"version", d.v1}})["version"]["hash"],
            v1["hash"]);
  EXPECT_EQ(code_of(call(server, ville, "documents.proposal.accept", {{"proposal", pid}})),
            "conflict");

  // The comparison: only art.5 changed, with a word-level diff.
  Json cmp =
      ok(server, aqcv, "documents.compare", {{"version", v2["id"]}, {"base", d.v1}})["comparison"];
  EXPECT_EQ(cmp["counts"], (Json{{"added", 0}, {"removed", 0}, {"changed", 1}, {"moved", 0}}));
  for (auto& s : cmp["sections"]) {
    if (s["key"] != "art.5") {
      EXPECT_EQ(s["status"], "unchanged") << s["key"];
      continue;
    }
    EXPECT_EQ(s["status"], "changed");
    std::string del, ins;
    for (auto& p : s["body_diff"]) {
      if (p["op"] == "delete") del += p["text"].get<std::string>();
      if (p["op"] == "insert") ins += p["text"].get<std::string>();
    }
    EXPECT_EQ(del, "deux");
    EXPECT_EQ(ins, "trois");
  }

  // A second accepted proposal goes into the same draft; an insertion and a deletion.
  Json p2 = ok(server, aqcv, "documents.propose",
               {{"version", d.v1},
                {"section", "art.6"},
                {"kind", "insert_after"},
                {"new_key", "art.7"},
                {"heading", "Article 7 : évaluation"},
                {"body", "Une évaluation est présentée au comité de pilotage."},
                {"rationale", "Prévoir l'évaluation."}})["proposal"];
  Json merged = ok(server, ville, "documents.proposal.accept", {{"proposal", p2["id"]}})["version"];
  EXPECT_EQ(merged["id"], v2["id"]);
  EXPECT_TRUE(section(merged, "art.7"));
  Json p3 = ok(server, aqcv, "documents.propose",
               {{"version", d.v1},
                {"section", "parties"},
                {"kind", "delete"},
                {"rationale", "Redondant."}})["proposal"];
  Json rejected = ok(server, ville, "documents.proposal.reject",
                     {{"proposal", p3["id"]}, {"note", "Non : à garder."}});
  EXPECT_EQ(rejected["proposal"]["status"], "rejected");
  EXPECT_EQ(rejected["proposal"]["decision_note"], "Non : à garder.");
  Json p4 = ok(server, aqcv, "documents.propose",
               {{"version", d.v1},
                {"section", "art.1"},
                {"kind", "delete"},
                {"rationale", "Essai."}})["proposal"];
  EXPECT_EQ(ok(server, aqcv, "documents.proposal.withdraw",
               {{"proposal", p4["id"]}})["proposal"]["status"],
            "withdrawn");
  auto open = ok(server, ville, "documents.proposals",
                 {{"document", d.document}, {"status", "open"}})["proposals"];
  EXPECT_TRUE(open.empty());
  EXPECT_EQ(
      ok(server, ville, "documents.proposals", {{"document", d.document}})["proposals"].size(), 4u);

  // A proposal whose section changed in the draft meanwhile is not merged blindly.
  Json p5 = ok(server, aqcv, "documents.propose",
               {{"version", d.v1},
                {"section", "art.5"},
                {"kind", "replace"},
                {"body", "Un an."},
                {"rationale", "Plus court."}})["proposal"];
  EXPECT_EQ(code_of(call(server, ville, "documents.proposal.accept", {{"proposal", p5["id"]}})),
            "conflict");

  // A proposal on a draft goes into that very draft.
  Json p6 = ok(server, aqcv, "documents.propose",
               {{"version", v2["id"]},
                {"section", "art.6"},
                {"kind", "replace"},
                {"body", "Préavis de six mois."},
                {"rationale", "Plus de temps."}})["proposal"];
  Json into = ok(server, ville, "documents.proposal.accept", {{"proposal", p6["id"]}})["version"];
  EXPECT_EQ(into["id"], v2["id"]);
  EXPECT_EQ((*section(into, "art.6"))["body"], "Préavis de six mois.");

  // Bad proposals.
  EXPECT_EQ(
      code_of(
          call(server, csab, "documents.propose",
               {{"version", d.v1}, {"section", "art.99"}, {"kind", "delete"}, {"rationale", "x"}})),
      "bad_request");
  EXPECT_EQ(code_of(call(server, csab, "documents.propose",
                         {{"version", d.v1},
                          {"section", "art.5"},
                          {"kind", "replace"},
                          {"body", art5},
                          {"rationale", "x"}})),
            "bad_request");
  EXPECT_EQ(code_of(call(server, csab, "documents.propose",
                         {{"version", d.v1},
                          {"section", "art.5"},
                          {"kind", "replace"},
                          {"body", "x"},
                          {"rationale", "x"},
                          {"organisation", org_id(server, csab, "ville")}})),
            "forbidden");
}

TEST(Documents, FreezingIsRefusedWhileABoardApprovedAnotherHash) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  Demo d = demo(server, ville);
  Json v1 = ok(server, ville, "documents.version.get", {{"version", d.v1}})["version"];
  Json v2 = ok(server, ville, "documents.version.create_draft",
               {{"version", d.v1}, {"label", "Deuxième génération"}})["version"];
  EXPECT_EQ(v2["label"], "Deuxième génération");
  EXPECT_EQ(v2["hash"], v1["hash"]);  // the same text so far
  std::int64_t id = v2["id"];
  v2 = ok(server, ville, "documents.version.set_section",
          {{"version", id},
           {"key", "art.5"},
           {"body", "Les cosignataires s'engagent pour trois ans."}})["version"];
  std::string h2 = v2["hash"];
  EXPECT_NE(h2, v1["hash"]);
  // Freezing straight from a draft is refused.
  EXPECT_EQ(code_of(call(server, ville, "documents.version.freeze", {{"version", id}})),
            "conflict");
  ok(server, ville, "documents.version.propose", {{"version", id}});
  ok(server, ville, "documents.version.review", {{"version", id}});

  std::int64_t aqcv = org_id(server, ville, "aqcv"), moulins = org_id(server, ville, "moulins"),
               csab = org_id(server, ville, "csab"), city = org_id(server, ville, "ville");
  ASSERT_EQ(approve(server, ville, id, aqcv, h2)["ok"], true);
  ASSERT_EQ(approve(server, ville, id, moulins, h2)["ok"], true);
  ASSERT_EQ(approve(server, ville, id, city, h2, "conseil municipal")["ok"], true);
  // The CSAB's board approved the old text (version 1's hash): flagged, not counted.
  Json flagged = approve(server, ville, id, csab, v1["hash"]);
  ASSERT_EQ(flagged["ok"], true) << flagged;
  EXPECT_EQ(flagged["result"]["validation"]["matches"], false);
  Json refused = call(server, ville, "documents.version.freeze", {{"version", id}});
  EXPECT_EQ(code_of(refused), "conflict") << refused;
  EXPECT_NE(refused["error"]["message"].get<std::string>().find(
                "Centre Social et d'Animation du Biollay"),
            std::string::npos)
      << refused;
  Json state = ok(server, ville, "documents.version.get", {{"version", id}})["version"];
  EXPECT_EQ(state["status"], "under_review");
  EXPECT_EQ(state["freeze"]["ready"], false);
  for (auto& r : state["freeze"]["required"])
    EXPECT_EQ(r["state"], r["organisation"] == csab ? "other_hash" : "approved") << r;

  // A rejection of this hash does not count either.
  Json rejection = call(server, ville, "documents.validation.record",
                        {{"version", id},
                         {"organisation", csab},
                         {"hash", h2},
                         {"body", "conseil d'administration"},
                         {"meeting_date", "2025-06"},
                         {"decision", "rejected"}});
  ASSERT_EQ(rejection["ok"], true) << rejection;
  EXPECT_EQ(code_of(call(server, ville, "documents.version.freeze", {{"version", id}})),
            "conflict");
  // Bad validations.
  EXPECT_EQ(code_of(call(server, ville, "documents.validation.record",
                         {{"version", id},
                          {"organisation", csab},
                          {"hash", h2},
                          {"body", "CA"},
                          {"meeting_date", "2025-02-30"},
                          {"decision", "approved"}})),
            "bad_request");
  EXPECT_EQ(code_of(call(server, ville, "documents.validation.record",
                         {{"version", id},
                          {"organisation", csab},
                          {"hash", std::string(64, 'X')},
                          {"body", "CA"},
                          {"meeting_date", "2025-02"},
                          {"decision", "approved"}})),
            "bad_request");

  ASSERT_EQ(approve(server, ville, id, csab, h2)["ok"], true);  // its latest decision on this text
  Json frozen = ok(server, ville, "documents.version.freeze", {{"version", id}})["version"];
  EXPECT_EQ(frozen["status"], "frozen");
  EXPECT_EQ(frozen["hash"], h2);
  EXPECT_EQ(ok(server, ville, "documents.version.get", {{"version", d.v1}})["version"]["status"],
            "superseded");
  auto docs = ok(server, ville, "documents.list", {{"workspace", d.workspace}})["documents"];
  EXPECT_EQ(docs[0]["frozen_version"], id);
  EXPECT_EQ(docs[0]["latest_version"], id);
}

TEST(Documents, AFrozenVersionCannotChange) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  Demo d = demo(server, ville);
  std::string hash =
      ok(server, ville, "documents.version.get", {{"version", d.v1}})["version"]["hash"];
  for (auto& [op, args] : std::vector<std::pair<std::string, Json>>{
           {"documents.version.set_section",
            {{"version", d.v1}, {"key", "art.5"}, {"body", "Autre."}}},
           {"documents.version.set_section",
            {{"version", d.v1}, {"key", "art.9"}, {"body", "Nouvelle."}}},
           {"documents.version.remove_section", {{"version", d.v1}, {"key", "art.6"}}},
           {"documents.version.propose", {{"version", d.v1}}},
           {"documents.version.review", {{"version", d.v1}}},
           {"documents.version.reopen", {{"version", d.v1}}},
           {"documents.version.freeze", {{"version", d.v1}}},
           {"documents.validation.record",
            {{"version", d.v1},
             {"organisation", 1},
             {"hash", hash},
             {"body", "CA"},
             {"meeting_date", "2024-01"},
             {"decision", "rejected"}}},
       }) {
    Json r = call(server, ville, op, args);
    EXPECT_EQ(code_of(r), "conflict") << op << " → " << r;
  }
  Json v = ok(server, ville, "documents.version.get", {{"version", d.v1}})["version"];
  EXPECT_EQ(v["hash"], hash);
  EXPECT_EQ(v["status"], "frozen");
  EXPECT_EQ(v["validations"].size(), 4u);
}

TEST(Documents, PermissionsFollowTheWorkspaceRoles) {
  TestServer server;
  Person csab = sign_in(server, kCsab);      // owner of ct-csab
  Person ville = sign_in(server, kVille);    // member of ct-csab
  Person aqcv = sign_in(server, kAqcv);      // not in ct-csab
  Person daniel = sign_in(server, kDaniel);  // made an observer of ct-csab below
  std::int64_t ct = workspace_id(server.port(), csab.token, "ct-csab");
  ok(server, csab, "workspaces.add_member",
     {{"workspace", ct}, {"person", daniel.id}, {"role", "observer"}});

  Json created = ok(server, csab, "documents.create",
                    {{"workspace", ct},
                     {"key", "convention"},
                     {"title", "Convention d'objectifs"},
                     {"sections", {{{"key", "art.1"}, {"heading", "Objet"}, {"body", "Texte."}}}}});
  std::int64_t doc = created["document"]["id"];
  std::int64_t v = created["version"]["id"];
  EXPECT_EQ(created["version"]["status"], "draft");
  EXPECT_EQ(code_of(call(server, ville, "documents.create",
                         {{"workspace", ct}, {"key", "autre"}, {"title", "Autre"}})),
            "forbidden");

  // Observer: reads, cannot propose nor comment.
  EXPECT_EQ(ok(server, daniel, "documents.version.get", {{"version", v}})["version"]["id"], v);
  EXPECT_EQ(
      code_of(call(server, daniel, "documents.propose",
                   {{"version", v}, {"section", "art.1"}, {"kind", "delete"}, {"rationale", "x"}})),
      "forbidden");
  EXPECT_EQ(code_of(call(server, daniel, "documents.comment",
                         {{"version", v}, {"section", "art.1"}, {"body", "x"}})),
            "forbidden");
  // Member: proposes, cannot edit, change the status, freeze, or record another organisation's
  // validation.
  ASSERT_EQ(code_of(call(server, ville, "documents.propose",
                         {{"version", v},
                          {"section", "art.1"},
                          {"kind", "replace"},
                          {"body", "Texte modifié."},
                          {"rationale", "x"}})),
            "ok");
  EXPECT_EQ(code_of(call(server, ville, "documents.version.set_section",
                         {{"version", v}, {"key", "art.1"}, {"body", "y"}})),
            "forbidden");
  EXPECT_EQ(code_of(call(server, ville, "documents.version.propose", {{"version", v}})),
            "forbidden");
  EXPECT_EQ(code_of(call(server, ville, "documents.version.freeze", {{"version", v}})),
            "forbidden");
  std::string hash = created["version"]["hash"];
  EXPECT_EQ(code_of(approve(server, ville, v, org_id(server, ville, "csab"), hash)), "forbidden");
  EXPECT_EQ(
      code_of(approve(server, ville, v, org_id(server, ville, "ville"), hash, "conseil municipal")),
      "ok");
  // Non-member: everything is not_found, as if it did not exist.
  EXPECT_EQ(code_of(call(server, aqcv, "documents.version.get", {{"version", v}})), "not_found");
  EXPECT_EQ(code_of(call(server, aqcv, "documents.get", {{"document", doc}})), "not_found");
  EXPECT_EQ(code_of(call(server, aqcv, "documents.version.get", {{"version", 999999}})),
            "not_found");
  // Comparing with a version of another document reveals nothing.
  Demo d = demo(server, aqcv);
  EXPECT_EQ(code_of(call(server, csab, "documents.compare", {{"version", v}, {"base", d.v1}})),
            "not_found");
}

TEST(Documents, ExportsAreForMembersOnlyAndEscapeEverything) {
  TestServer server;
  Person csab = sign_in(server, kCsab);
  Person aqcv = sign_in(server, kAqcv);
  std::int64_t ct = workspace_id(server.port(), csab.token, "ct-csab");
  Json created = ok(server, csab, "documents.create",
                    {{"workspace", ct},
                     {"key", "essai"},
                     {"title", "Essai <b>gras</b>"},
                     {"sections",
                      {{{"key", "art.1"},
                        {"heading", "<script>alert(1)</script>"},
                        {"body", "a & b \"c\" <img src=x onerror=y>"}}}}});
  std::int64_t v = created["version"]["id"];
  std::string hash = created["version"]["hash"];
  auto get = [&](const std::string& path, const std::string& token) {
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["Cookie"] = "pacte_session=" + token;
    return http(server.port(), "GET", path, "", headers);
  };
  auto md = get("/p/documents/markdown/" + std::to_string(v), csab.token);
  ASSERT_EQ(md.status, 200) << md.body;
  EXPECT_NE(md.headers["content-type"].find("text/markdown"), std::string::npos);
  EXPECT_NE(md.body.find(hash), std::string::npos);
  EXPECT_NE(md.body.find("brouillon"), std::string::npos);

  auto page = get("/p/documents/print/" + std::to_string(v), csab.token);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.headers["content-type"].find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find(hash), std::string::npos);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  EXPECT_EQ(page.body.find("<img"), std::string::npos);
  EXPECT_EQ(page.body.find("<b>"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.body.find("a &amp; b &quot;c&quot;"), std::string::npos);

  // The demo's print page lists its validations.
  Demo d = demo(server, aqcv);
  auto demo_page = get("/p/documents/print/" + std::to_string(d.v1), aqcv.token);
  ASSERT_EQ(demo_page.status, 200);
  EXPECT_NE(demo_page.body.find("DCM-2023-117"), std::string::npos);
  EXPECT_NE(demo_page.body.find("2023-03-15"), std::string::npos);

  // Not a member, not signed in, or no such version: 404 alike.
  EXPECT_EQ(get("/p/documents/print/" + std::to_string(v), aqcv.token).status, 404);
  EXPECT_EQ(get("/p/documents/markdown/" + std::to_string(v), aqcv.token).status, 404);
  EXPECT_EQ(get("/p/documents/print/" + std::to_string(v), "").status, 404);
  EXPECT_EQ(get("/p/documents/print/999999", csab.token).status, 404);
  EXPECT_EQ(get("/p/documents/print/abc", csab.token).status, 404);
}
