// The signatures plugin (plugins/signatures/) through the real server: the seed's campaign
// of 14 signatories in six organisations, signing rules, declines and replacements,
// evidence, reminders, dates, the certificate, and `pacte verify` on exported bundles.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/application.hpp"
#include "core/clock.hpp"
#include "pacte/plugin.hpp"
#include "pacte/util.hpp"
#include "support/test_server.hpp"

using namespace pacte::test;
using namespace std::chrono_literals;

namespace {

const char* kVille = "equipe@ville-chambery.example";  // owner of the pacte workspace
const char* kCsab = "equipe@biollay.example";          // member, not a signatory
const char* kMoulinsTeam = "equipe@cs-moulins.example";

// The signature page of the seed, in its order.
const std::vector<std::string> kSignatories = {
    "thierry.repentin@ville-chambery.example",   "alain.collet@caf73.example",
    "daniel.bret@federation-cs-2savoie.example", "vincent.clerc@caf73.example",
    "corinne.mezrich@biollay.example",           "martine.wadier@aqcv.example",
    "agnes.daffos@cs-moulins.example",           "christelle.schermesser@cs-moulins.example",
    "malvina.canton@cs-moulins.example",         "pascal.bilbille@cs-moulins.example",
    "henry.magnin@cs-moulins.example",           "wilbert.jimenez@cs-moulins.example",
    "christophe.reguillon@cs-moulins.example",   "abderrahim.kanfous@cs-moulins.example"};

std::string code_of(const Json& reply) {
  return reply.value("ok", false) ? "ok" : reply["error"]["code"].get<std::string>();
}

Json call(TestServer& s, const Person& p, const std::string& op, const Json& args) {
  return api(s.port(), p.token, op, args).json();
}

/// A request from a browser: with a user agent, as evidence records it.
Json browser_call(TestServer& s, const Person& p, const std::string& op, const Json& args) {
  return http(s.port(), "POST", "/api/" + op, args.dump(),
              {{"Cookie", "pacte_session=" + p.token},
               {"Origin", kOrigin},
               {"User-Agent", "TestBrowser/1.0 (signatures)"}})
      .json();
}

/// Opens the text, then signs with the hashes the server gave.
Json open_and_sign(TestServer& s, const Person& p, std::int64_t campaign) {
  Json opened = browser_call(s, p, "signatures.open", {{"campaign", campaign}});
  if (code_of(opened) != "ok") return opened;
  return browser_call(s, p, "signatures.sign",
                      {{"campaign", campaign},
                       {"version_hash", opened["result"]["version_hash"]},
                       {"consent_hash", opened["result"]["consent"]["hash"]}});
}

Json org_progress(const Json& campaign, const std::string& key) {
  for (auto& o : campaign["progress"]["organisations"])
    if (o["key"] == key) return o;
  return nullptr;
}

Json find_signatory(const Json& campaign, const std::string& name) {
  for (auto& s : campaign["signatories"])
    if (s["name"] == name && s["status"] != "replaced") return s;
  return nullptr;
}

Json get_campaign(TestServer& s, const Person& p, std::int64_t id) {
  return call(s, p, "signatures.campaign.get", {{"campaign", id}})["result"]["campaign"];
}

HttpResponse get_resource(TestServer& s, const Person& p, const std::string& target) {
  return http(s.port(), "GET", target, {}, {{"Cookie", "pacte_session=" + p.token}});
}

struct CommandRun {
  int status = 0;
  std::string output;
};

CommandRun run_verify(const std::filesystem::path& bundle, const std::string& key) {
  std::string cmd =
      std::string(PACTE_BINARY) + " verify '" + bundle.string() + "' --key '" + key + "' 2>&1";
  CommandRun r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 512> buf{};
  while (fgets(buf.data(), buf.size(), pipe)) r.output += buf.data();
  int st = pclose(pipe);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::int64_t notifications(TestServer& s, std::int64_t person, const std::string& like) {
  return scalar(s,
                "SELECT COUNT(*) FROM notifications WHERE person_id = " + std::to_string(person) +
                    " AND json_object('kind', kind, 'title', title_fr, 'body', body_fr, 'link', link) LIKE '%" + like + "%'");
}

pacte::TimePoint utc(int y, unsigned m, unsigned d, std::chrono::minutes hm) {
  return pacte::TimePoint(std::chrono::sys_days(std::chrono::year{y} / m / d)) + hm;
}

}  // namespace

TEST(Signatures, SeedCampaignCompletesOnlyWhenEveryOrganisationsRuleIsMetAndItsBundleVerifies) {
  pacte::ManualClock clock(utc(2024, 2, 28, 20h));
  TestServer server({.clock = &clock});
  Person ville = sign_in(server, kVille);
  std::int64_t pacte_ws = workspace_id(server.port(), ville.token, "pacte");
  Json list = call(server, ville, "signatures.campaign.list", {{"workspace", pacte_ws}});
  ASSERT_EQ(code_of(list), "ok") << list;
  ASSERT_EQ(list["result"]["campaigns"].size(), 1u);
  Json c = list["result"]["campaigns"][0];
  std::int64_t id = c["id"];
  ASSERT_EQ(c["signatories"].size(), 14u);
  EXPECT_EQ(c["signatories"][0]["name"], "Thierry Repentin");
  EXPECT_EQ(c["signatories"][0]["capacity"], "Maire");
  EXPECT_EQ(c["signatories"][0]["mandate_ref"], "DCM-2023-117");
  EXPECT_EQ(c["progress"]["organisations"].size(), 6u);
  EXPECT_EQ(org_progress(c, "moulins")["label"], "Moulins 0/8");
  EXPECT_EQ(org_progress(c, "caf")["needed"], 2);
  EXPECT_EQ(c["status"], "open");
  EXPECT_TRUE(c["dates"].is_null());
  EXPECT_EQ(c["fingerprint"].get<std::string>().size(), 64u);

  // Everyone but the CAF's director and the last Moulins co-president.
  for (auto& email : kSignatories) {
    if (email == "vincent.clerc@caf73.example" || email == "abderrahim.kanfous@cs-moulins.example")
      continue;
    Person p = sign_in(server, email);
    Json signed_ = open_and_sign(server, p, id);
    ASSERT_EQ(code_of(signed_), "ok") << email << ": " << signed_;
    EXPECT_EQ(code_of(open_and_sign(server, p, id)), "conflict") << "signing twice";
  }
  c = get_campaign(server, ville, id);
  EXPECT_EQ(org_progress(c, "moulins")["label"], "Moulins 7/8");
  EXPECT_EQ(org_progress(c, "caf")["label"], "CAF 1/2");
  EXPECT_EQ(org_progress(c, "caf")["met"], false);
  EXPECT_EQ(org_progress(c, "ville")["met"], true);
  EXPECT_EQ(c["progress"]["signed"], 12);
  EXPECT_EQ(c["status"], "open");

  Person vincent = sign_in(server, "vincent.clerc@caf73.example");
  ASSERT_EQ(code_of(open_and_sign(server, vincent, id)), "ok");
  c = get_campaign(server, ville, id);
  EXPECT_EQ(org_progress(c, "caf")["met"], true);
  EXPECT_EQ(c["status"], "open") << "the Moulins still need their eighth co-president";

  // The completing signature at 00:30 in Paris on 29 February 2024 (23:30 UTC the day before).
  clock.set(utc(2024, 2, 28, 23h + 30min));
  Person last = sign_in(server, "abderrahim.kanfous@cs-moulins.example");
  ASSERT_EQ(code_of(open_and_sign(server, last, id)), "ok");
  c = get_campaign(server, ville, id);
  EXPECT_EQ(c["status"], "completed");
  EXPECT_EQ(c["completed_at"], "2024-02-28T23:30:00.000Z");
  EXPECT_EQ(c["dates"]["effective"], "2024-02-29");
  EXPECT_EQ(c["dates"]["end"], "2026-02-28");
  EXPECT_EQ(c["dates"]["notice_deadlines"], Json::array({"2024-11-28", "2025-11-28"}));
  EXPECT_EQ(code_of(open_and_sign(server, last, id)), "conflict");

  // Certificate: JSON and printable HTML.
  auto cert_reply = get_resource(
      server, ville, "/p/signatures/certificate/" + std::to_string(id) + "?format=json");
  ASSERT_EQ(cert_reply.status, 200) << cert_reply.body;
  Json cert = cert_reply.json();
  EXPECT_EQ(cert["version_hash"], c["version_hash"]);
  EXPECT_EQ(cert["status"], "completed");
  ASSERT_EQ(cert["signatories"].size(), 14u);
  for (auto& s : cert["signatories"]) {
    EXPECT_EQ(s["status"], "signed") << s;
    EXPECT_EQ(s["method"], "in_app");
    EXPECT_EQ(s["authentication"], "password_session");
    EXPECT_TRUE(s["signed_at"].is_string());
  }
  for (auto& o : cert["organisations"]) EXPECT_EQ(o["met"], true) << o;
  bool moulins = false;
  for (auto& o : cert["organisations"])
    if (o["short"] == "Moulins")
      moulins = o["signed"] == 8 && o["needed"] == 8 && o["rule"] == "all";
  EXPECT_TRUE(moulins);
  EXPECT_EQ(cert["dates"]["effective"], "2024-02-29");
  EXPECT_EQ(cert["dates"]["anniversaries"], Json::array({"2025-02-28", "2026-02-28"}));
  EXPECT_EQ(cert["key"]["fingerprint"], c["fingerprint"]);
  EXPECT_TRUE(cert["validations"].is_array());
  auto html = get_resource(server, ville, "/p/signatures/certificate/" + std::to_string(id));
  ASSERT_EQ(html.status, 200);
  EXPECT_NE(html.headers["content-type"].find("text/html"), std::string::npos);
  EXPECT_NE(html.body.find("Certificat de signature"), std::string::npos);
  EXPECT_NE(html.body.find("Abderrahim Kanfous"), std::string::npos);
  EXPECT_NE(html.body.find(cert["key"]["fingerprint_grouped"].get<std::string>()),
            std::string::npos);
  EXPECT_NE(html.body.find("2026-02-28"), std::string::npos);
  EXPECT_NE(html.body.find("eIDAS"), std::string::npos);
  EXPECT_EQ(http(server.port(), "GET", "/p/signatures/certificate/" + std::to_string(id)).status,
            404);

  // The live chain checks out, and so does the exported bundle, offline.
  Json verified = call(server, ville, "signatures.verify", {{"campaign", id}});
  EXPECT_EQ(verified["result"]["ok"], true) << verified;
  auto bundle_reply = get_resource(server, ville, "/p/signatures/bundle/" + std::to_string(id));
  ASSERT_EQ(bundle_reply.status, 200);
  Json bundle = bundle_reply.json();
  EXPECT_EQ(bundle["format"], "pacte-signatures-bundle");
  EXPECT_EQ(pacte::sha256_hex(bundle["text"].get<std::string>()), c["version_hash"]);
  EXPECT_EQ(bundle["seals"].size(), 16u);  // 14 signatures, completion, export
  auto dir = server.data_dir();
  auto good = dir / "bundle.json";
  std::ofstream(good) << bundle.dump();
  std::string fp = c["fingerprint_grouped"];
  CommandRun ok = run_verify(good, fp);
  EXPECT_EQ(ok.status, 0) << ok.output;
  EXPECT_NE(ok.output.find("OK"), std::string::npos) << ok.output;

  // Tampered: a signature's name changed in entry 5.
  Json tampered = bundle;
  ASSERT_EQ(tampered["trail"][4]["entry"]["type"], "signed");
  tampered["trail"][4]["entry"]["data"]["name"] = "Quelqu'un d'autre";
  auto bad = dir / "tampered.json";
  std::ofstream(bad) << tampered.dump();
  CommandRun ko = run_verify(bad, fp);
  EXPECT_NE(ko.status, 0) << ko.output;
  EXPECT_NE(ko.output.find("entry 5 (signed) was altered"), std::string::npos) << ko.output;

  // Another server's key.
  CommandRun other = run_verify(good, std::string(64, 'a'));
  EXPECT_NE(other.status, 0);
  EXPECT_NE(other.output.find("key mismatch"), std::string::npos) << other.output;
}

TEST(Signatures,
     SigningIsForOneselfAfterOpeningWithTheRightHashesAndEvidenceKeepsPersonalFieldsAside) {
  pacte::ManualClock clock(utc(2026, 3, 2, 9h));
  TestServer server({.clock = &clock});
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  std::int64_t pacte_ws = workspace_id(server.port(), ville.token, "pacte");
  std::int64_t id = call(server, ville, "signatures.campaign.list",
                         {{"workspace", pacte_ws}})["result"]["campaigns"][0]["id"];
  Person agnes = sign_in(server, "agnes.daffos@cs-moulins.example");
  Json c = get_campaign(server, agnes, id);
  std::int64_t christelle = find_signatory(c, "Christelle Schermesser")["id"];
  std::string hash = c["version_hash"];

  // Not before opening the text.
  Json early = browser_call(
      server, agnes, "signatures.sign",
      {{"campaign", id}, {"version_hash", hash}, {"consent_hash", std::string(64, '0')}});
  EXPECT_EQ(code_of(early), "conflict") << early;
  Json opened = browser_call(server, agnes, "signatures.open", {{"campaign", id}});
  ASSERT_EQ(code_of(opened), "ok") << opened;
  EXPECT_EQ(opened["result"]["version_hash"], hash);
  EXPECT_EQ(pacte::sha256_hex(opened["result"]["text"].get<std::string>()), hash);
  Json consent = opened["result"]["consent"];
  EXPECT_EQ(pacte::sha256_hex(consent["text"].get<std::string>()), consent["hash"]);
  EXPECT_NE(consent["fr"].get<std::string>().find("Agnès Daffos"), std::string::npos);
  EXPECT_NE(consent["fr"].get<std::string>().find(hash), std::string::npos);
  EXPECT_NE(consent["en"].get<std::string>().find("simple electronic signature"),
            std::string::npos);
  EXPECT_EQ(opened["result"]["signatory"]["status"], "opened");

  // Wrong hashes, another's signature, a non-signatory.
  Json wrong = browser_call(server, agnes, "signatures.sign",
                            {{"campaign", id},
                             {"version_hash", std::string(64, 'f')},
                             {"consent_hash", consent["hash"]}});
  EXPECT_EQ(code_of(wrong), "conflict");
  EXPECT_EQ(wrong["error"]["field"], "args.version_hash");
  wrong = browser_call(
      server, agnes, "signatures.sign",
      {{"campaign", id}, {"version_hash", hash}, {"consent_hash", std::string(64, 'f')}});
  EXPECT_EQ(wrong["error"]["field"], "args.consent_hash");
  Json for_other = browser_call(server, agnes, "signatures.sign",
                                {{"campaign", id},
                                 {"version_hash", hash},
                                 {"consent_hash", consent["hash"]},
                                 {"signatory", christelle}});
  EXPECT_EQ(code_of(for_other), "forbidden") << for_other;
  EXPECT_EQ(code_of(browser_call(server, csab, "signatures.open", {{"campaign", id}})),
            "not_found");
  EXPECT_EQ(code_of(browser_call(
                server, csab, "signatures.sign",
                {{"campaign", id}, {"version_hash", hash}, {"consent_hash", consent["hash"]}})),
            "not_found");

  Json signed_ =
      browser_call(server, agnes, "signatures.sign",
                   {{"campaign", id}, {"version_hash", hash}, {"consent_hash", consent["hash"]}});
  ASSERT_EQ(code_of(signed_), "ok") << signed_;
  EXPECT_EQ(code_of(open_and_sign(server, agnes, id)), "conflict");
  c = signed_["result"]["campaign"];
  EXPECT_EQ(find_signatory(c, "Agnès Daffos")["signed_at"], "2026-03-02T09:00:00.000Z");
  EXPECT_EQ(org_progress(c, "moulins")["label"], "Moulins 1/8");

  // The evidence: the trail holds hashes of the address and user agent, kept beside it.
  Json bundle = get_resource(server, ville, "/p/signatures/bundle/" + std::to_string(id)).json();
  Json evidence;
  for (auto& item : bundle["trail"])
    if (item["entry"]["type"] == "signed") evidence = item["entry"]["data"];
  ASSERT_TRUE(evidence.is_object());
  EXPECT_EQ(evidence["name"], "Agnès Daffos");
  EXPECT_EQ(evidence["capacity"], "co-Présidente");
  EXPECT_EQ(evidence["authentication"], "password_session");
  EXPECT_EQ(evidence["server_time"], "2026-03-02T09:00:00.000Z");
  EXPECT_EQ(evidence["version_hash"], hash);
  EXPECT_EQ(evidence["consent_hash"], consent["hash"]);
  EXPECT_EQ(evidence["consent_text"], consent["text"]);
  EXPECT_EQ(evidence["user_agent_hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(bundle.dump().find("TestBrowser"), std::string::npos);
  EXPECT_EQ(scalar(server,
                   "SELECT COUNT(*) FROM signatures_personal WHERE user_agent = 'TestBrowser/1.0 "
                   "(signatures)' "
                   "AND address = '127.0.0.1'"),
            1);

  // After the retention period the personal fields are blanked; the chain still verifies.
  clock.advance(std::chrono::hours(24 * 366));
  EXPECT_TRUE(wait_until([&] {
    return scalar(server,
                  "SELECT COUNT(*) FROM signatures_personal WHERE user_agent IS NOT NULL") == 0;
  }));
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM signatures_personal WHERE erased_at IS NOT NULL"),
            1);
  ville = sign_in(server, kVille);  // a year later: a new session
  Json verified = call(server, ville, "signatures.verify", {{"campaign", id}});
  EXPECT_EQ(verified["result"]["ok"], true) << verified;
}

TEST(Signatures, ADeclineBlocksCompletionUntilReissuedOrReplacedAndTheReasonIsInTheTrail) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  std::int64_t pacte_ws = workspace_id(server.port(), ville.token, "pacte");
  std::int64_t id = call(server, ville, "signatures.campaign.list",
                         {{"workspace", pacte_ws}})["result"]["campaigns"][0]["id"];

  Person pascal = sign_in(server, "pascal.bilbille@cs-moulins.example");
  Person henry = sign_in(server, "henry.magnin@cs-moulins.example");
  EXPECT_EQ(
      code_of(call(server, pascal, "signatures.decline", {{"campaign", id}, {"reason", "  "}})),
      "bad_request");
  Json declined = call(server, pascal, "signatures.decline",
                       {{"campaign", id}, {"reason", "Je quitte la co-présidence"}});
  ASSERT_EQ(code_of(declined), "ok") << declined;
  EXPECT_EQ(find_signatory(declined["result"]["campaign"], "Pascal Bilbille")["status"],
            "declined");
  EXPECT_EQ(notifications(server, ville.id, "Signature refusée"), 1);
  ASSERT_EQ(code_of(call(server, henry, "signatures.decline",
                         {{"campaign", id}, {"reason", "Texte à relire"}})),
            "ok");
  EXPECT_EQ(code_of(open_and_sign(server, pascal, id)), "conflict")
      << "a declined request must be re-issued first";

  for (auto& email : kSignatories) {
    if (email.rfind("pascal", 0) == 0 || email.rfind("henry", 0) == 0) continue;
    ASSERT_EQ(code_of(open_and_sign(server, sign_in(server, email), id)), "ok") << email;
  }
  Json c = get_campaign(server, ville, id);
  EXPECT_EQ(c["status"], "open");
  EXPECT_EQ(c["progress"]["declined"], 2);
  EXPECT_EQ(org_progress(c, "moulins")["label"], "Moulins 6/8");

  // Only owners re-issue and replace.
  std::int64_t pascal_row = find_signatory(c, "Pascal Bilbille")["id"];
  std::int64_t henry_row = find_signatory(c, "Henry Magnin")["id"];
  EXPECT_EQ(code_of(call(server, csab, "signatures.reissue",
                         {{"campaign", id}, {"signatory", henry_row}})),
            "forbidden");
  ASSERT_EQ(code_of(call(server, ville, "signatures.reissue",
                         {{"campaign", id}, {"signatory", henry_row}})),
            "ok");
  ASSERT_EQ(code_of(open_and_sign(server, henry, id)), "ok");
  EXPECT_EQ(get_campaign(server, ville, id)["status"], "open") << "Pascal's decline still blocks";

  // A board election: Pascal is replaced by a new co-president.
  Person team = sign_in(server, kMoulinsTeam);
  Json replaced = call(server, ville, "signatures.replace",
                       {{"campaign", id},
                        {"signatory", pascal_row},
                        {"person", team.id},
                        {"capacity", "co-Président"},
                        {"reason", "Élection du conseil d'administration du 12 mars"}});
  ASSERT_EQ(code_of(replaced), "ok") << replaced;
  c = replaced["result"]["campaign"];
  EXPECT_EQ(c["signatories"].size(), 15u);
  EXPECT_EQ(org_progress(c, "moulins")["label"], "Moulins 7/8");
  EXPECT_EQ(c["progress"]["declined"], 0);
  EXPECT_EQ(
      code_of(call(
          server, ville, "signatures.replace",
          {{"campaign", id}, {"signatory", pascal_row}, {"person", team.id}, {"reason", "x"}})),
      "conflict");
  ASSERT_EQ(code_of(open_and_sign(server, team, id)), "ok");
  c = get_campaign(server, ville, id);
  EXPECT_EQ(c["status"], "completed");

  Json bundle = get_resource(server, ville, "/p/signatures/bundle/" + std::to_string(id)).json();
  std::vector<std::string> types;
  Json replacement;
  for (auto& item : bundle["trail"]) {
    types.push_back(item["entry"]["type"]);
    if (item["entry"]["type"] == "replaced") replacement = item["entry"]["data"];
  }
  EXPECT_EQ(std::count(types.begin(), types.end(), "declined"), 2);
  EXPECT_EQ(std::count(types.begin(), types.end(), "reissued"), 1);
  EXPECT_EQ(replacement["reason"], "Élection du conseil d'administration du 12 mars");
  EXPECT_EQ(replacement["name"], "Pascal Bilbille");
  EXPECT_EQ(types.back(), "completed");
  EXPECT_EQ(call(server, ville, "signatures.verify", {{"campaign", id}})["result"]["ok"], true);
}

TEST(Signatures, RemindersOutsideSignaturesRulesDatesAndTerminationLetters) {
  pacte::ManualClock clock(utc(2023, 5, 30, 8h));
  TestServer server({.clock = &clock});
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  Person agnes = sign_in(server, "agnes.daffos@cs-moulins.example");
  Person christelle = sign_in(server, "christelle.schermesser@cs-moulins.example");
  Person corinne = sign_in(server, "corinne.mezrich@biollay.example");
  Json orgs = call(server, ville, "orgs.list", Json::object())["result"]["organisations"];
  std::int64_t moulins = 0, csab_org = 0;
  for (auto& o : orgs) {
    if (o["key"] == "moulins") moulins = o["id"];
    if (o["key"] == "csab") csab_org = o["id"];
  }
  ASSERT_GT(moulins, 0);

  // The direct path: a text given, hashed by the plugin; any 1 of 2 for the Moulins.
  EXPECT_EQ(code_of(call(server, ville, "signatures.campaign.create", {{"workspace", copil}})),
            "bad_request");
  EXPECT_EQ(code_of(call(server, csab, "signatures.campaign.create",
                         {{"workspace", copil}, {"title", "Avenant"}, {"text", "Texte"}})),
            "forbidden");
  Json bad_rule = call(server, ville, "signatures.campaign.create",
                       {{"workspace", copil},
                        {"title", "Avenant"},
                        {"text", "Texte"},
                        {"rules", {{{"organisation", moulins}, {"rule", "any"}}}}});
  EXPECT_EQ(code_of(bad_rule), "bad_request");
  std::string text =
      "Avenant n° 1 au pacte de coopération.\nArticle unique : calendrier des rencontres.\n";
  Json created = call(server, ville, "signatures.campaign.create",
                      {{"workspace", copil},
                       {"title", "Avenant n° 1"},
                       {"text", text},
                       {"signatories",
                        {{{"person", agnes.id}, {"organisation", moulins}},
                         {{"person", christelle.id}, {"organisation", moulins}},
                         {{"person", corinne.id},
                          {"organisation", csab_org},
                          {"mandate", "Décision du bureau"},
                          {"mandate_ref", "CA-2023-04"}}}},
                       {"rules", {{{"organisation", moulins}, {"rule", "any"}, {"n", 1}}}},
                       {"settings", {{"remind_every_days", 7}, {"deadline_reminder_days", {30}}}}});
  ASSERT_EQ(code_of(created), "ok") << created;
  Json c = created["result"]["campaign"];
  std::int64_t id = c["id"];
  EXPECT_EQ(c["version_hash"], pacte::sha256_hex(text));
  EXPECT_EQ(org_progress(c, "moulins")["needed"], 1);
  EXPECT_EQ(org_progress(c, "moulins")["rule_fr"], "1 signatures parmi 2");
  EXPECT_EQ(find_signatory(c, "Corinne Mezrich")["capacity"], "Présidente");
  EXPECT_EQ(notifications(server, agnes.id, "Signature demandée : Avenant"), 1);

  // On demand, to one organisation: the count and time per signatory, the hash in the message.
  Json reminded =
      call(server, ville, "signatures.remind", {{"campaign", id}, {"organisation", moulins}});
  ASSERT_EQ(code_of(reminded), "ok") << reminded;
  EXPECT_EQ(reminded["result"]["reminded"].size(), 2u);
  c = get_campaign(server, ville, id);
  EXPECT_EQ(find_signatory(c, "Agnès Daffos")["reminders"], 1);
  EXPECT_EQ(find_signatory(c, "Agnès Daffos")["last_reminded_at"], "2023-05-30T08:00:00.000Z");
  EXPECT_EQ(find_signatory(c, "Corinne Mezrich")["reminders"], 0);
  EXPECT_EQ(notifications(server, agnes.id, c["version_hash"].get<std::string>()), 2);
  EXPECT_EQ(code_of(call(server, csab, "signatures.remind", {{"campaign", id}})), "forbidden");

  // On a schedule: a week later, everyone still pending.
  clock.advance(std::chrono::hours(24 * 7 + 1));
  // Sessions idle for a week have expired: sign in again.
  ville = sign_in(server, kVille);
  christelle = sign_in(server, "christelle.schermesser@cs-moulins.example");
  corinne = sign_in(server, "corinne.mezrich@biollay.example");
  agnes = sign_in(server, "agnes.daffos@cs-moulins.example");
  EXPECT_TRUE(wait_until([&] {
    return find_signatory(get_campaign(server, ville, id), "Corinne Mezrich")["reminders"] == 1;
  }));
  EXPECT_EQ(find_signatory(get_campaign(server, ville, id), "Agnès Daffos")["reminders"], 2);

  // One Moulins co-president is enough; the CSAB's signature recorded from paper completes it.
  ASSERT_EQ(code_of(open_and_sign(server, christelle, id)), "ok");
  c = get_campaign(server, ville, id);
  EXPECT_EQ(org_progress(c, "moulins")["met"], true);
  EXPECT_EQ(c["status"], "open");
  std::int64_t corinne_row = find_signatory(c, "Corinne Mezrich")["id"];
  Json outside_args = {{"campaign", id},
                       {"signatory", corinne_row},
                       {"method", "paper"},
                       {"attachment", 1},
                       {"file_hash", pacte::sha256_hex("scan du pacte signé")},
                       {"signed_at", "2023-05-31T20:00:00+02:00"}};
  EXPECT_EQ(code_of(call(server, corinne, "signatures.record_outside", outside_args)), "forbidden");
  Json outside = call(server, ville, "signatures.record_outside", outside_args);
  ASSERT_EQ(code_of(outside), "ok") << outside;
  c = outside["result"]["campaign"];
  EXPECT_EQ(find_signatory(c, "Corinne Mezrich")["method"], "paper");
  EXPECT_EQ(find_signatory(c, "Corinne Mezrich")["file_hash"],
            pacte::sha256_hex("scan du pacte signé"));
  // Effective date: the latest signature (Christelle's, 6 June 2023 in Paris).
  EXPECT_EQ(c["status"], "completed");
  EXPECT_EQ(c["dates"]["effective"], "2023-06-06");
  EXPECT_EQ(c["dates"]["end"], "2025-06-06");
  EXPECT_EQ(c["dates"]["notice_deadlines"], Json::array({"2024-03-06", "2025-03-06"}));
  EXPECT_EQ(code_of(open_and_sign(server, agnes, id)), "conflict") << "the campaign is completed";

  // Owners are reminded 30 days before each notice deadline, at 09:00 in Paris.
  EXPECT_EQ(
      scalar(server, "SELECT COUNT(*) FROM scheduled_jobs WHERE name = 'signatures.deadline'"), 2);
  clock.set(utc(2024, 2, 5, 8h + 1min));  // 5 February 2024, 09:01 in Paris
  ville = sign_in(server, kVille);
  EXPECT_TRUE(
      wait_until([&] { return notifications(server, ville.id, "\"kind\":\"deadline\"") == 1; }));
  EXPECT_EQ(notifications(server, ville.id, "2024-03-06"), 1);

  // Termination letters: on time for the first anniversary, or late.
  Json on_time = call(server, ville, "signatures.termination.record",
                      {{"campaign", id},
                       {"organisation", csab_org},
                       {"sent_on", "2024-02-27"},
                       {"received_on", "2024-03-01"}});
  ASSERT_EQ(code_of(on_time), "ok") << on_time;
  EXPECT_EQ(on_time["result"]["termination"]["late"], false);
  EXPECT_EQ(on_time["result"]["termination"]["takes_effect_on"], "2024-06-06");
  Json late = call(server, ville, "signatures.termination.record",
                   {{"campaign", id},
                    {"organisation", moulins},
                    {"sent_on", "2024-03-05"},
                    {"received_on", "2024-03-08"}});
  ASSERT_EQ(code_of(late), "ok") << late;
  EXPECT_EQ(late["result"]["termination"]["late"], true);
  EXPECT_EQ(late["result"]["termination"]["deadline"], "2024-03-06");
  EXPECT_EQ(late["result"]["termination"]["takes_effect_on"], "2025-06-06");
  EXPECT_NE(
      late["result"]["termination"]["warning_fr"].get<std::string>().find("après la date limite"),
      std::string::npos);
  EXPECT_EQ(code_of(call(server, ville, "signatures.termination.record",
                         {{"campaign", id},
                          {"organisation", moulins},
                          {"sent_on", "2024-02-30"},
                          {"received_on", "2024-03-08"}})),
            "bad_request");
  EXPECT_EQ(get_campaign(server, ville, id)["terminations"].size(), 2u);
  EXPECT_EQ(call(server, ville, "signatures.verify", {{"campaign", id}})["result"]["ok"], true);
}

TEST(Signatures, TheVersionPathNeedsTheDocumentsPluginAndEventsCarryProgress) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  std::int64_t copil = workspace_id(server.port(), ville.token, "copil");
  std::int64_t pacte_ws = workspace_id(server.port(), ville.token, "pacte");
  Json r =
      call(server, ville, "signatures.campaign.create", {{"workspace", copil}, {"version", 1}});
  // Without the documents plugin (absent from this build) the version path says so;
  // with it, an unknown version is not_found.
  EXPECT_TRUE(code_of(r) == "bad_request" || code_of(r) == "not_found") << r;

  std::int64_t id = call(server, ville, "signatures.campaign.list",
                         {{"workspace", pacte_ws}})["result"]["campaigns"][0]["id"];
  WsClient watcher(server.port(), {.cookie = csab.token});
  watcher.next();
  watcher.subscribe();
  Person martine = sign_in(server, "martine.wadier@aqcv.example");
  ASSERT_EQ(code_of(open_and_sign(server, martine, id)), "ok");
  auto ev = watcher.wait_event("signatures.updated");
  ASSERT_TRUE(ev);
  // The first update is the opening; wait for the signature.
  while (ev && (*ev)["data"]["change"] != "signed") ev = watcher.wait_event("signatures.updated");
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["data"]["campaign"], id);
  bool aqcv = false;
  for (auto& o : (*ev)["data"]["progress"]["organisations"])
    if (o["key"] == "aqcv") aqcv = o["label"] == "AQCV 1/1" && o["met"] == true;
  EXPECT_TRUE(aqcv) << *ev;
  EXPECT_EQ((*ev)["data"].dump().find("user_agent"), std::string::npos);
}

TEST(Signatures, ANamedRepresentativeSignsUnderADelegationAndOwnersAdjustSignatoriesAndRules) {
  TestServer server;
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  std::int64_t pacte_ws = workspace_id(server.port(), ville.token, "pacte");
  Json c = call(server, ville, "signatures.campaign.list",
                {{"workspace", pacte_ws}})["result"]["campaigns"][0];
  std::int64_t id = c["id"];
  std::int64_t mayor = find_signatory(c, "Thierry Repentin")["id"];

  // "Le Maire ou son-sa représentant-e": the city's team signs for the mayor.
  EXPECT_EQ(code_of(call(
                server, csab, "signatures.delegate",
                {{"campaign", id}, {"signatory", mayor}, {"person", csab.id}, {"reference", "x"}})),
            "forbidden");
  Json delegated = call(server, ville, "signatures.delegate",
                        {{"campaign", id},
                         {"signatory", mayor},
                         {"person", ville.id},
                         {"reference", "Arrêté de délégation de signature n° 2023-045"}});
  ASSERT_EQ(code_of(delegated), "ok") << delegated;
  EXPECT_EQ(find_signatory(delegated["result"]["campaign"],
                           "Thierry Repentin")["delegation"]["reference"],
            "Arrêté de délégation de signature n° 2023-045");
  Json opened = browser_call(server, ville, "signatures.open", {{"campaign", id}});
  ASSERT_EQ(code_of(opened), "ok") << opened;
  EXPECT_EQ(opened["result"]["signatory"]["id"], mayor);
  EXPECT_NE(opened["result"]["consent"]["fr"].get<std::string>().find(
                "représenté·e par Équipe Ville de Chambéry"),
            std::string::npos);
  ASSERT_EQ(code_of(browser_call(server, ville, "signatures.sign",
                                 {{"campaign", id},
                                  {"version_hash", opened["result"]["version_hash"]},
                                  {"consent_hash", opened["result"]["consent"]["hash"]}})),
            "ok");
  c = get_campaign(server, ville, id);
  EXPECT_EQ(find_signatory(c, "Thierry Repentin")["status"], "signed");
  EXPECT_EQ(find_signatory(c, "Thierry Repentin")["signed_by"], ville.id);
  Json bundle = get_resource(server, ville, "/p/signatures/bundle/" + std::to_string(id)).json();
  Json evidence;
  for (auto& item : bundle["trail"])
    if (item["entry"]["type"] == "signed") evidence = item["entry"]["data"];
  EXPECT_EQ(evidence["name"], "Thierry Repentin");
  EXPECT_EQ(evidence["delegation"]["representative"], ville.id);
  EXPECT_EQ(evidence["delegation"]["reference"], "Arrêté de délégation de signature n° 2023-045");

  // A ninth Moulins signatory, then a rule of any 1: the Moulins' rule is met at once by
  // nobody, then by one signature.
  Person team = sign_in(server, kMoulinsTeam);
  std::int64_t moulins = org_progress(c, "moulins")["organisation"];
  Json added = call(server, ville, "signatures.signatory.add",
                    {{"campaign", id},
                     {"person", team.id},
                     {"organisation", moulins},
                     {"capacity", "co-Président"}});
  ASSERT_EQ(code_of(added), "ok") << added;
  EXPECT_EQ(org_progress(added["result"]["campaign"], "moulins")["label"], "Moulins 0/9");
  EXPECT_EQ(code_of(call(server, ville, "signatures.signatory.add",
                         {{"campaign", id}, {"person", team.id}, {"organisation", moulins}})),
            "conflict");
  Json ruled = call(server, ville, "signatures.rule.set",
                    {{"campaign", id}, {"organisation", moulins}, {"rule", "any"}, {"n", 1}});
  ASSERT_EQ(code_of(ruled), "ok") << ruled;
  EXPECT_EQ(org_progress(ruled["result"]["campaign"], "moulins")["label"], "Moulins 0/1");
  ASSERT_EQ(code_of(open_and_sign(server, team, id)), "ok");
  EXPECT_EQ(org_progress(get_campaign(server, ville, id), "moulins")["met"], true);
  EXPECT_EQ(call(server, ville, "signatures.verify", {{"campaign", id}})["result"]["ok"], true);
}

// A campaign on the real documents plugin's frozen version: tests/integration/plugins_together_test.cpp.
