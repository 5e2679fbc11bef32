#include "signatures/signatures_plugin.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pacte/util.hpp"
#include "signatures/canonical_json.hpp"
#include "signatures/evidence_verifier.hpp"
#include "signatures/pact_calendar.hpp"
#include "signatures/server_key.hpp"

#ifndef PACTE_SIGNATURES_VERSION
#define PACTE_SIGNATURES_VERSION "0.0.0"  // normally read from plugin.json by CMakeLists.txt
#endif

namespace pacte_signatures {

namespace {

using pacte::Call;
using pacte::Context;
using pacte::ErrorCode;
using pacte::format_time;
using pacte::id_schema;
using pacte::Json;
using pacte::object_schema;
using pacte::parse_time;
using pacte::Result;
using pacte::Role;
using pacte::Rule;
using pacte::sha256_hex;
using pacte::string_schema;
using pacte::TimePoint;

constexpr std::size_t kMaxTextBytes = 2 * 1024 * 1024;  // a frozen text given directly
constexpr int kMaxSignatories = 200;

/// What an in-app signature is in law, shown by the panel, the open reply and the certificate.
const char* kLawFr =
    "Une signature dans Pacte est une signature électronique simple au sens du règlement eIDAS "
    "(UE n° 910/2014, art. 3(10)) : des données électroniques jointes au texte par la personne "
    "authentifiée, pour signer. Elle est recevable en justice et sa valeur repose sur les preuves "
    "conservées (identité et mode d'authentification, date et heure, empreinte du texte signé, "
    "déclaration de consentement, journal chaîné et scellé par la clé du serveur). Ce n'est pas "
    "une "
    "signature électronique qualifiée : celle-ci exige un certificat qualifié et un dispositif de "
    "création qualifié, que Pacte ne fournit pas.";
const char* kLawEn =
    "A signature in Pacte is a simple electronic signature under the eIDAS Regulation "
    "(EU No 910/2014, art. 3(10)): electronic data attached to the text by the authenticated "
    "person to sign it. It is admissible in court and its weight rests on the evidence kept "
    "(identity and authentication method, date and time, hash of the signed text, consent "
    "statement, a hash-chained trail sealed with the server's key). It is not a qualified "
    "electronic signature, which requires a qualified certificate and a qualified signature "
    "creation device that Pacte does not provide.";

// --- Settings (data of a campaign) ------------------------------------------------------------

struct Settings {
  DateRules dates{};
  std::vector<int> deadline_reminder_days{30, 7};
  int remind_every_days = 7;  // 0: no scheduled reminders
  int personal_retention_days = 365;
};

Json settings_json(const Settings& s) {
  return {{"duration_months", s.dates.duration_months},
          {"anniversary_months", s.dates.anniversary_months},
          {"notice_months", s.dates.notice_months},
          {"time_zone", s.dates.time_zone},
          {"deadline_reminder_days", s.deadline_reminder_days},
          {"remind_every_days", s.remind_every_days},
          {"personal_retention_days", s.personal_retention_days}};
}

/// Reads settings over the defaults; nullopt-with-message on a bad value.
std::optional<std::string> read_settings(const Json& given, Settings& s) {
  if (given.is_null()) return std::nullopt;
  if (!given.is_object()) return "args.settings: must be an object";
  auto int_in = [&](const char* key, int& out, int lo, int hi) -> std::optional<std::string> {
    if (!given.contains(key)) return std::nullopt;
    const Json& v = given[key];
    if (!v.is_number_integer() || v.get<std::int64_t>() < lo || v.get<std::int64_t>() > hi)
      return std::string("args.settings.") + key + ": must be an integer from " +
             std::to_string(lo) + " to " + std::to_string(hi);
    out = v.get<int>();
    return std::nullopt;
  };
  if (auto e = int_in("duration_months", s.dates.duration_months, 1, 600)) return e;
  if (auto e = int_in("anniversary_months", s.dates.anniversary_months, 0, 600)) return e;
  if (auto e = int_in("notice_months", s.dates.notice_months, 0, 120)) return e;
  if (auto e = int_in("remind_every_days", s.remind_every_days, 0, 365)) return e;
  if (auto e = int_in("personal_retention_days", s.personal_retention_days, 1, 36500)) return e;
  if (given.contains("time_zone")) {
    if (!given["time_zone"].is_string() ||
        !PactCalendar::known_zone(given["time_zone"].get<std::string>()))
      return "args.settings.time_zone: must be a time zone of the tz database, e.g. Europe/Paris";
    s.dates.time_zone = given["time_zone"].get<std::string>();
  }
  if (given.contains("deadline_reminder_days")) {
    const Json& v = given["deadline_reminder_days"];
    if (!v.is_array() || v.size() > 10)
      return "args.settings.deadline_reminder_days: must be a list of up to 10 integers";
    s.deadline_reminder_days.clear();
    for (auto& d : v) {
      if (!d.is_number_integer() || d.get<int>() < 0 || d.get<int>() > 365)
        return "args.settings.deadline_reminder_days: each must be an integer from 0 to 365";
      s.deadline_reminder_days.push_back(d.get<int>());
    }
  }
  return std::nullopt;
}

Settings settings_from_stored(const std::string& text) {
  Settings s;
  Json j = Json::parse(text, nullptr, false);
  if (!j.is_discarded()) read_settings(j, s);
  return s;
}

// --- Stored objects ---------------------------------------------------------------------------

struct Campaign {
  std::int64_t id = 0;
  std::int64_t workspace = 0;
  std::string title;
  Json document;  // {document, version, label} or null
  std::string text;
  std::string version_hash;
  Json validations;
  Settings settings;
  std::string status;  // open | completed
  std::int64_t created_by = 0;
  std::string created_at;
  std::optional<std::string> completed_at;
  std::optional<std::string> effective_date;
};

std::optional<Campaign> load_campaign(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql(
      "SELECT id, workspace_id, title, document, text, version_hash, validations, settings, "
      "status, created_by, "
      "created_at, completed_at, effective_date FROM signatures_campaigns WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) {
    q.reset();
    return std::nullopt;
  }
  Campaign c;
  c.id = q.int64(0);
  c.workspace = q.int64(1);
  c.title = q.text(2);
  c.document = Json::parse(q.text(3));
  c.text = q.text(4);
  c.version_hash = q.text(5);
  c.validations = Json::parse(q.text(6));
  c.settings = settings_from_stored(q.text(7));
  c.status = q.text(8);
  c.created_by = q.int64(9);
  c.created_at = q.text(10);
  c.completed_at = q.opt_text(11);
  c.effective_date = q.opt_text(12);
  q.reset();
  return c;
}

struct Signatory {
  std::int64_t id = 0;
  std::int64_t campaign = 0;
  std::int64_t position = 0;
  std::int64_t person = 0;
  std::int64_t organisation = 0;
  std::string capacity;
  std::optional<std::string> mandate, mandate_ref;
  std::optional<std::int64_t> delegate_person;
  std::optional<std::string> delegate_ref;
  std::string status;  // pending | opened | signed | declined | replaced
  std::optional<std::string> opened_at, signed_at, method, authentication, decline_reason,
      declined_at;
  std::optional<std::int64_t> replaced_by, signed_by;
  std::optional<std::string> replaced_reason;
  std::int64_t reminders = 0;
  std::optional<std::string> last_reminded_at;
  std::optional<std::int64_t> attachment;
  std::optional<std::string> file_hash;
};

const char* kSignatoryColumns =
    "id, campaign_id, position, person_id, organisation_id, capacity, mandate, mandate_ref, "
    "delegate_person_id, "
    "delegate_ref, status, opened_at, signed_at, method, authentication, decline_reason, "
    "declined_at, replaced_by, "
    "signed_by, replaced_reason, reminders, last_reminded_at, attachment_id, file_hash";

Signatory read_signatory(pacte::Statement& q) {
  Signatory s;
  s.id = q.int64(0);
  s.campaign = q.int64(1);
  s.position = q.int64(2);
  s.person = q.int64(3);
  s.organisation = q.int64(4);
  s.capacity = q.text(5);
  s.mandate = q.opt_text(6);
  s.mandate_ref = q.opt_text(7);
  s.delegate_person = q.opt_int64(8);
  s.delegate_ref = q.opt_text(9);
  s.status = q.text(10);
  s.opened_at = q.opt_text(11);
  s.signed_at = q.opt_text(12);
  s.method = q.opt_text(13);
  s.authentication = q.opt_text(14);
  s.decline_reason = q.opt_text(15);
  s.declined_at = q.opt_text(16);
  s.replaced_by = q.opt_int64(17);
  s.signed_by = q.opt_int64(18);
  s.replaced_reason = q.opt_text(19);
  s.reminders = q.int64(20);
  s.last_reminded_at = q.opt_text(21);
  s.attachment = q.opt_int64(22);
  s.file_hash = q.opt_text(23);
  return s;
}

std::vector<Signatory> load_signatories(Context& ctx, std::int64_t campaign) {
  auto& q = ctx.sql(std::string("SELECT ") + kSignatoryColumns +
                    " FROM signatures_signatories WHERE campaign_id = ? ORDER BY position, id");
  q.bind(1, campaign);
  std::vector<Signatory> out;
  while (q.step()) out.push_back(read_signatory(q));
  q.reset();
  return out;
}

std::optional<Signatory> load_signatory(Context& ctx, std::int64_t campaign, std::int64_t id) {
  auto& q = ctx.sql(std::string("SELECT ") + kSignatoryColumns +
                    " FROM signatures_signatories WHERE campaign_id = ? AND id = ?");
  q.bind(1, campaign).bind(2, id);
  std::optional<Signatory> out;
  if (q.step()) out = read_signatory(q);
  q.reset();
  return out;
}

bool active(const Signatory& s) {
  return s.status != "replaced";
}

// People and organisations are the core's: read by id, for names on the dashboard and in
// the evidence (the SDK has no lookup by id).
std::optional<std::string> person_name(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql("SELECT name FROM people WHERE id = ?");
  q.bind(1, id);
  std::optional<std::string> out;
  if (q.step()) out = q.text(0);
  q.reset();
  return out;
}

struct Org {
  std::int64_t id = 0;
  std::string key, name, short_name;
};

std::optional<Org> load_org(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql("SELECT id, key, name, short FROM organisations WHERE id = ?");
  q.bind(1, id);
  std::optional<Org> out;
  if (q.step()) out = Org{q.int64(0), q.text(1), q.text(2), q.text(3)};
  q.reset();
  return out;
}

struct RuleRow {
  std::string rule = "all";  // all | any | one
  std::int64_t n = 0;        // for any
};

std::map<std::int64_t, RuleRow> load_rules(Context& ctx, std::int64_t campaign) {
  auto& q = ctx.sql("SELECT organisation_id, rule, n FROM signatures_rules WHERE campaign_id = ?");
  q.bind(1, campaign);
  std::map<std::int64_t, RuleRow> out;
  while (q.step()) out[q.int64(0)] = RuleRow{q.text(1), q.int64(2)};
  q.reset();
  return out;
}

// --- Trail and seals --------------------------------------------------------------------------

struct Head {
  std::int64_t seq = 0;
  std::string hash = kGenesisHash;
};

Head trail_head(Context& ctx, std::int64_t campaign) {
  auto& q = ctx.sql(
      "SELECT seq, hash FROM signatures_trail WHERE campaign_id = ? ORDER BY seq DESC LIMIT 1");
  q.bind(1, campaign);
  Head h;
  if (q.step()) h = Head{q.int64(0), q.text(1)};
  q.reset();
  return h;
}

/// Appends an entry to the campaign's hash chain; returns its sequence number.
std::int64_t append_trail(Context& ctx, std::int64_t campaign, std::string_view type,
                          const Json& data) {
  Head head = trail_head(ctx, campaign);
  Json entry = {{"v", 1},       {"campaign", campaign}, {"seq", head.seq + 1},
                {"type", type}, {"at", ctx.now_text()}, {"prev", head.hash},
                {"data", data}};
  std::string body = canonical_json(entry);
  auto& ins = ctx.sql(
      "INSERT INTO signatures_trail(campaign_id, seq, type, at, body, hash) VALUES (?,?,?,?,?,?)");
  ins.bind(1, campaign)
      .bind(2, head.seq + 1)
      .bind(3, type)
      .bind(4, entry["at"].get<std::string>())
      .bind(5, body)
      .bind(6, sha256_hex(body))
      .run();
  return head.seq + 1;
}

Json make_seal(Context& ctx, const ServerKey& key, std::int64_t campaign, std::string_view reason) {
  Head head = trail_head(ctx, campaign);
  Json seal = {{"v", 1},          {"purpose", kSealPurpose}, {"campaign", campaign},
               {"seq", head.seq}, {"head", head.hash},       {"at", ctx.now_text()},
               {"reason", reason}};
  return {{"seal", seal}, {"signature", key.sign_hex(seal_message(seal))}};
}

/// Seals the current head with the server's key and stores the seal.
void seal_head(Context& ctx, std::int64_t campaign, std::string_view reason) {
  ServerKey key = ServerKey::load_or_create(ctx);
  Json sealed = make_seal(ctx, key, campaign, reason);
  auto& ins =
      ctx.sql("INSERT INTO signatures_seals(campaign_id, seq, body, signature) VALUES (?,?,?,?)");
  ins.bind(1, campaign)
      .bind(2, sealed["seal"]["seq"].get<std::int64_t>())
      .bind(3, canonical_json(sealed["seal"]))
      .bind(4, sealed["signature"].get<std::string>())
      .run();
}

Json trail_json(Context& ctx, std::int64_t campaign) {
  auto& q = ctx.sql("SELECT body, hash FROM signatures_trail WHERE campaign_id = ? ORDER BY seq");
  q.bind(1, campaign);
  Json out = Json::array();
  while (q.step()) out.push_back({{"entry", Json::parse(q.text(0))}, {"hash", q.text(1)}});
  q.reset();
  return out;
}

Json seals_json(Context& ctx, std::int64_t campaign) {
  auto& q =
      ctx.sql("SELECT body, signature FROM signatures_seals WHERE campaign_id = ? ORDER BY id");
  q.bind(1, campaign);
  Json out = Json::array();
  while (q.step()) out.push_back({{"seal", Json::parse(q.text(0))}, {"signature", q.text(1)}});
  q.reset();
  return out;
}

// --- Progress -----------------------------------------------------------------------------------

struct OrgProgress {
  Org org;
  RuleRow rule;
  std::int64_t total = 0;   // active signatories
  std::int64_t needed = 0;  // signatures the rule needs
  std::int64_t signed_ = 0;
  std::int64_t declined = 0;
  bool met = false;
};

struct Progress {
  std::vector<OrgProgress> orgs;
  std::int64_t total = 0, signed_ = 0, declined = 0;
  bool complete = false;
};

Progress compute_progress(Context& ctx, std::int64_t campaign,
                          const std::vector<Signatory>& signatories) {
  auto rules = load_rules(ctx, campaign);
  std::vector<std::int64_t> order;
  std::map<std::int64_t, OrgProgress> by_org;
  for (auto& s : signatories) {
    if (!active(s)) continue;
    if (!by_org.count(s.organisation)) {
      order.push_back(s.organisation);
      OrgProgress p;
      p.org = load_org(ctx, s.organisation).value_or(Org{s.organisation, "", "?", "?"});
      if (rules.count(s.organisation)) p.rule = rules[s.organisation];
      by_org[s.organisation] = p;
    }
    auto& p = by_org[s.organisation];
    ++p.total;
    if (s.status == "signed") ++p.signed_;
    if (s.status == "declined") ++p.declined;
  }
  Progress out;
  out.complete = !order.empty();
  for (auto id : order) {
    auto& p = by_org[id];
    p.needed = p.rule.rule == "all"   ? p.total
               : p.rule.rule == "one" ? 1
                                      : std::min(p.rule.n, p.total);
    p.met = p.signed_ >= p.needed && p.needed > 0;
    out.total += p.total;
    out.signed_ += p.signed_;
    out.declined += p.declined;
    out.complete = out.complete && p.met;
    out.orgs.push_back(p);
  }
  // A decline blocks completion until it is resolved (re-issued or replaced).
  if (out.declined > 0) out.complete = false;
  return out;
}

std::string rule_label_fr(const OrgProgress& p) {
  if (p.rule.rule == "one") return "une signature parmi " + std::to_string(p.total);
  if (p.rule.rule == "any")
    return std::to_string(p.needed) + " signatures parmi " + std::to_string(p.total);
  return p.total == 1 ? "la personne désignée"
                      : "les " + std::to_string(p.total) + " personnes désignées";
}

std::string rule_label_en(const OrgProgress& p) {
  if (p.rule.rule == "one") return "one signature of " + std::to_string(p.total);
  if (p.rule.rule == "any")
    return std::to_string(p.needed) + " signatures of " + std::to_string(p.total);
  return p.total == 1 ? "the named person" : "all " + std::to_string(p.total) + " named people";
}

Json progress_json(const Progress& pr) {
  Json orgs = Json::array();
  for (auto& p : pr.orgs)
    orgs.push_back({{"organisation", p.org.id},
                    {"key", p.org.key},
                    {"name", p.org.name},
                    {"short", p.org.short_name},
                    {"rule", p.rule.rule},
                    {"n", p.rule.rule == "any" ? Json(p.rule.n) : Json(nullptr)},
                    {"rule_fr", rule_label_fr(p)},
                    {"rule_en", rule_label_en(p)},
                    {"total", p.total},
                    {"needed", p.needed},
                    {"signed", p.signed_},
                    {"declined", p.declined},
                    {"met", p.met},
                    {"label", p.org.short_name + " " + std::to_string(p.signed_) + "/" +
                                  std::to_string(p.needed)}});
  return {{"organisations", orgs},
          {"total", pr.total},
          {"signed", pr.signed_},
          {"declined", pr.declined},
          {"complete", pr.complete}};
}

// --- Dates
// ----------------------------------------------------------------------------------------

std::optional<PactDates> campaign_dates(const Campaign& c) {
  if (!c.effective_date) return std::nullopt;
  return PactCalendar::dates_from(*c.effective_date, c.settings.dates);
}

Json dates_json(const Campaign& c) {
  auto d = campaign_dates(c);
  if (!d) return nullptr;
  return {{"effective", d->effective},
          {"end", d->end},
          {"anniversaries", d->anniversaries},
          {"notice_deadlines", d->notice_deadlines},
          {"time_zone", c.settings.dates.time_zone}};
}

Json terminations_json(Context& ctx, std::int64_t campaign) {
  auto& q = ctx.sql(
      "SELECT id, organisation_id, sent_on, received_on, anniversary, deadline, late, recorded_at "
      "FROM "
      "signatures_terminations WHERE campaign_id = ? ORDER BY id");
  q.bind(1, campaign);
  Json out = Json::array();
  while (q.step())
    out.push_back({{"id", q.int64(0)},
                   {"organisation", q.int64(1)},
                   {"sent_on", q.text(2)},
                   {"received_on", q.text(3)},
                   {"anniversary", q.opt_text(4) ? Json(*q.opt_text(4)) : Json(nullptr)},
                   {"deadline", q.opt_text(5) ? Json(*q.opt_text(5)) : Json(nullptr)},
                   {"late", q.int64(6) != 0},
                   {"recorded_at", q.text(7)}});
  q.reset();
  return out;
}

// --- Views
// ------------------------------------------------------------------------------------------

template <typename T>
Json opt(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json signatory_json(Context& ctx, const Signatory& s) {
  auto org = load_org(ctx, s.organisation);
  Json delegation = nullptr;
  if (s.delegate_person)
    delegation = {{"person", *s.delegate_person},
                  {"name", person_name(ctx, *s.delegate_person).value_or("?")},
                  {"reference", opt(s.delegate_ref)}};
  return {{"id", s.id},
          {"person", s.person},
          {"name", person_name(ctx, s.person).value_or("?")},
          {"organisation", s.organisation},
          {"organisation_name", org ? org->name : "?"},
          {"organisation_short", org ? org->short_name : "?"},
          {"capacity", s.capacity},
          {"mandate", opt(s.mandate)},
          {"mandate_ref", opt(s.mandate_ref)},
          {"delegation", delegation},
          {"status", s.status},
          {"opened_at", opt(s.opened_at)},
          {"signed_at", opt(s.signed_at)},
          {"method", opt(s.method)},
          {"authentication", opt(s.authentication)},
          {"signed_by", opt(s.signed_by)},
          {"decline_reason", opt(s.decline_reason)},
          {"declined_at", opt(s.declined_at)},
          {"replaced_by", opt(s.replaced_by)},
          {"replaced_reason", opt(s.replaced_reason)},
          {"reminders", s.reminders},
          {"last_reminded_at", opt(s.last_reminded_at)},
          {"attachment", opt(s.attachment)},
          {"file_hash", opt(s.file_hash)}};
}

/// The campaign as members see it (no personal fields: those never leave the server but
/// in the evidence of a dispute). With a viewer: the signatory rows they may sign.
Json campaign_json(Context& ctx, const Campaign& c, std::optional<std::int64_t> viewer) {
  auto signatories = load_signatories(ctx, c.id);
  Progress pr = compute_progress(ctx, c.id, signatories);
  Json list = Json::array();
  Json mine = Json::array();
  for (auto& s : signatories) {
    list.push_back(signatory_json(ctx, s));
    if (viewer && active(s) && (s.person == *viewer || s.delegate_person == *viewer))
      mine.push_back(s.id);
  }
  ServerKey key = ServerKey::load_or_create(ctx);
  Head head = trail_head(ctx, c.id);
  Json out = {{"id", c.id},
              {"workspace", c.workspace},
              {"title", c.title},
              {"document", c.document},
              {"version_hash", c.version_hash},
              {"status", c.status},
              {"created_at", c.created_at},
              {"created_by", c.created_by},
              {"completed_at", opt(c.completed_at)},
              {"settings", settings_json(c.settings)},
              {"progress", progress_json(pr)},
              {"signatories", list},
              {"dates", dates_json(c)},
              {"terminations", terminations_json(ctx, c.id)},
              {"validations", c.validations},
              {"fingerprint", key.fingerprint()},
              {"fingerprint_grouped", group_fingerprint(key.fingerprint())},
              {"trail", {{"entries", head.seq}, {"head", head.hash}}},
              {"law_fr", kLawFr},
              {"law_en", kLawEn}};
  if (viewer) out["mine"] = mine;
  return out;
}

/// A short summary for events (every member receives it).
Json progress_event(Context& ctx, const Campaign& c, std::string_view change) {
  auto signatories = load_signatories(ctx, c.id);
  return {{"campaign", c.id},
          {"change", change},
          {"status", c.status},
          {"progress", progress_json(compute_progress(ctx, c.id, signatories))}};
}

std::string subject_of(std::int64_t campaign) {
  return "signatures:" + std::to_string(campaign);
}

std::string card_key(std::int64_t campaign) { return "signatures:campaign:" + std::to_string(campaign); }

/// The live card of a campaign (issue 12): progress per organisation; the "Signer" action
/// (signatures.sign_link: the way to the signing page) for everyone while open (the server
/// checks that the reader is a pending signatory), or, with `viewer`, only when the viewer
/// is one.
Json campaign_card(Context& ctx, const Campaign& c, std::optional<std::int64_t> viewer = std::nullopt) {
  auto signatories = load_signatories(ctx, c.id);
  Progress pr = compute_progress(ctx, c.id, signatories);
  Json progress = Json::array();
  for (auto& p : pr.orgs)
    progress.push_back({{"label", p.org.short_name}, {"done", p.signed_}, {"total", p.needed}});
  std::string status = c.status == "completed" ? "Terminée" : pr.declined > 0 ? "Refus à traiter" : "En cours";
  std::string status_en = c.status == "completed" ? "Completed"
                          : pr.declined > 0       ? "Declines to handle"
                                                  : "In progress";
  Json fields = Json::array(
      {{{"label", "Empreinte"},
        {"label_en", "Fingerprint"},
        {"value",
         c.version_hash.substr(0, 8) + "…" +
             c.version_hash.substr(c.version_hash.size() > 8 ? c.version_hash.size() - 4 : 0)}},
       {{"label", "Statut"}, {"label_en", "Status"}, {"value", status}, {"value_en", status_en}}});
  bool may_sign = c.status == "open";
  if (viewer) {
    may_sign = false;
    for (auto& s : signatories)
      if ((s.status == "pending" || s.status == "opened") && (s.person == *viewer || s.delegate_person == *viewer))
        may_sign = c.status == "open";
  }
  Json actions = Json::array();
  if (may_sign)
    actions.push_back({{"label", "Signer"},
                       {"label_en", "Sign"},
                       {"op", "signatures.sign_link"},
                       {"args", {{"campaign", c.id}}},
                       {"style", "primary"}});
  return {
      {"key", card_key(c.id)},
      {"plugin", "signatures"},
      {"title", c.title},
      {"subtitle", std::to_string(pr.signed_) + " / " + std::to_string(pr.total) + " signatures"},
      {"fields", fields},
      {"progress", progress},
      {"links", Json::array({{{"label", "Ouvrir la campagne"},
                              {"label_en", "Open the campaign"},
                              {"href", "/w/" + std::to_string(c.workspace) +
                                           "/p/signatures?campaign=" + std::to_string(c.id)}}})},
      {"actions", actions}};
}

void announce(Context& ctx, std::int64_t campaign_id, std::string_view change) {
  auto c = load_campaign(ctx, campaign_id);
  if (!c) return;
  ctx.append_event(c->workspace, "signatures.updated", progress_event(ctx, *c, change),
                   subject_of(c->id));
  Json card = campaign_card(ctx, *c);
  ctx.update_card(card_key(c->id), card);
  if (change == "signed" || change == "declined") {
    bool signed_ = change == "signed";
    std::string count = card["subtitle"].get<std::string>() + ".";
    ctx.post_activity(
        c->workspace,
        pacte::Activity{
            .thread_key = "campaign:" + std::to_string(c->id),
            .thread_title = "Signature : " + c->title,
            .thread_title_en = "Signature: " + c->title,
            .text =
                (signed_ ? "Signature enregistrée — " : "Refus de signer enregistré — ") + count,
            .text_en = (signed_ ? "Signature recorded — " : "Refusal to sign recorded — ") + count,
            .card = nullptr});
  }
}

std::string link_of(const Campaign& c) {
  return "#/w/" + std::to_string(c.workspace) + "/p/signatures?campaign=" + std::to_string(c.id);
}

// --- Consent
// ----------------------------------------------------------------------------------------

struct Consent {
  std::string fr, en, text, hash;
};

/// The statement a signatory agrees to, naming them, their organisation and capacity, the
/// text's title and its hash; its own hash is what `signatures.sign` must echo.
Consent consent_for(Context& ctx, const Campaign& c, const Signatory& s, std::int64_t signer) {
  std::string name = person_name(ctx, s.person).value_or("?");
  auto org = load_org(ctx, s.organisation);
  std::string org_name = org ? org->name : "?";
  Consent out;
  std::string as_fr, as_en;
  if (signer != s.person) {
    std::string rep = person_name(ctx, signer).value_or("?");
    std::string ref = s.delegate_ref.value_or("");
    as_fr = ", représenté·e par " + rep + " (délégation " + ref + ")";
    as_en = ", represented by " + rep + " (delegation " + ref + ")";
  }
  out.fr = "Je, soussigné·e " + name + as_fr + ", " + s.capacity + " — " + org_name +
           ", déclare avoir pris connaissance du texte « " + c.title +
           " » dont l'empreinte SHA-256 est " + c.version_hash +
           ", et le signer électroniquement pour " + org_name +
           ". Je sais qu'il s'agit d'une signature électronique simple (eIDAS, art. 3(10)).";
  out.en = "I, the undersigned " + name + as_en + ", " + s.capacity + " — " + org_name +
           ", declare that I have read the text \"" + c.title + "\" whose SHA-256 hash is " +
           c.version_hash + ", and sign it electronically for " + org_name +
           ". I understand that this is a simple electronic signature (eIDAS, art. 3(10)).";
  out.text = out.fr + "\n\n" + out.en;
  out.hash = sha256_hex(out.text);
  return out;
}

// --- Completion, deadlines
// ------------------------------------------------------------------------

std::vector<std::int64_t> owners_of(Context& ctx, std::int64_t workspace) {
  std::vector<std::int64_t> out;
  for (auto& m : ctx.members(workspace))
    if (m.role == Role::owner) out.push_back(m.person);
  return out;
}

void schedule_deadline_reminders(Context& ctx, const Campaign& c, const PactDates& d) {
  TimePoint now = ctx.now();
  for (std::size_t k = 0; k < d.notice_deadlines.size(); ++k) {
    for (int days : c.settings.deadline_reminder_days) {
      std::string day = PactCalendar::add_days(d.notice_deadlines[k], -days);
      auto due = PactCalendar::local_instant(day, 9, c.settings.dates.time_zone);
      if (!due || *due <= now) continue;
      ctx.schedule("signatures.deadline", *due,
                   {{"campaign", c.id},
                    {"deadline", d.notice_deadlines[k]},
                    {"anniversary", d.anniversaries[k]},
                    {"days_before", days}});
    }
  }
}

/// Completes the campaign when every organisation's rule is met and nothing is declined:
/// effective date (local date of the latest signature), trail entry, seal, reminders.
void maybe_complete(Context& ctx, std::int64_t campaign_id) {
  auto c = load_campaign(ctx, campaign_id);
  if (!c || c->status != "open") return;
  auto signatories = load_signatories(ctx, c->id);
  Progress pr = compute_progress(ctx, c->id, signatories);
  if (!pr.complete) return;
  std::optional<TimePoint> last;
  for (auto& s : signatories)
    if (active(s) && s.status == "signed" && s.signed_at)
      if (auto t = parse_time(*s.signed_at); t && (!last || *t > *last)) last = t;
  if (!last) return;
  auto effective = PactCalendar::local_date(*last, c->settings.dates.time_zone);
  if (!effective) return;
  PactDates d = PactCalendar::dates_from(*effective, c->settings.dates);
  auto& u = ctx.sql(
      "UPDATE signatures_campaigns SET status = 'completed', completed_at = ?, effective_date = ? "
      "WHERE id = ?");
  u.bind(1, format_time(*last)).bind(2, d.effective).bind(3, c->id).run();
  Json how = Json::array();
  for (auto& p : pr.orgs)
    how.push_back({{"organisation", p.org.id},
                   {"name", p.org.name},
                   {"rule", p.rule.rule},
                   {"needed", p.needed},
                   {"signed", p.signed_}});
  append_trail(ctx, c->id, "completed",
               {{"last_signature_at", format_time(*last)},
                {"effective", d.effective},
                {"end", d.end},
                {"anniversaries", d.anniversaries},
                {"notice_deadlines", d.notice_deadlines},
                {"time_zone", c->settings.dates.time_zone},
                {"organisations", how}});
  seal_head(ctx, c->id, "completion");
  c->status = "completed";
  c->effective_date = d.effective;
  schedule_deadline_reminders(ctx, *c, d);
  for (auto person : owners_of(ctx, c->workspace))
    ctx.notify(person, {.kind = "signature",
                        .workspace = c->workspace,
                        .title_fr = "Toutes les signatures sont réunies : " + c->title,
                        .title_en = "All signatures collected: " + c->title,
                        .body_fr = "Date d'effet : " + d.effective + ". Fin : " + d.end + ".",
                        .body_en = "Effective date: " + d.effective + ". End: " + d.end + ".",
                        .link = link_of(*c)});
}

// --- Errors and checks
// -----------------------------------------------------------------------------

Result no_such_campaign() {
  return Result::fail(ErrorCode::not_found, "no such campaign", "campagne introuvable",
                      "args.campaign");
}
Result no_such_signatory() {
  return Result::fail(ErrorCode::not_found, "no such signatory in this campaign",
                      "signataire introuvable dans cette campagne", "args.signatory");
}
Result campaign_completed() {
  return Result::fail(ErrorCode::conflict, "this campaign is completed",
                      "cette campagne est terminée", "args.campaign");
}

bool is_hex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::optional<std::string> opt_string(const Json& args, const char* key) {
  if (!args.contains(key) || !args[key].is_string()) return std::nullopt;
  std::string v = trim(args[key].get<std::string>());
  if (v.empty()) return std::nullopt;
  return v;
}

/// The signatory row the caller acts as: the one given (which must be theirs, or delegated
/// to them), or else their own active row in the campaign.
Result caller_signatory(Context& ctx, const Call& call, const Campaign& c, Signatory& out) {
  std::int64_t me = call.caller.person;
  if (call.args.contains("signatory")) {
    auto s = load_signatory(ctx, c.id, call.args["signatory"].get<std::int64_t>());
    if (!s) return no_such_signatory();
    if (s->person != me && s->delegate_person != me)
      return Result::fail(
          ErrorCode::forbidden, "you may only sign for yourself (or as a named representative)",
          "vous ne pouvez signer que pour vous-même (ou comme représentant·e désigné·e)",
          "args.signatory");
    out = *s;
  } else {
    std::optional<Signatory> found;
    for (auto& s : load_signatories(ctx, c.id))
      if (active(s) && s.person == me) found = s;
    if (!found)
      for (auto& s : load_signatories(ctx, c.id))
        if (active(s) && s.delegate_person == me) found = s;
    if (!found)
      return Result::fail(ErrorCode::not_found, "you are not a signatory of this campaign",
                          "vous n'êtes pas signataire de cette campagne", "args.campaign");
    out = *found;
  }
  if (out.status == "replaced")
    return Result::fail(ErrorCode::conflict, "this signatory was replaced",
                        "ce ou cette signataire a été remplacé·e", "args.signatory");
  return Result::ok();
}

std::string authentication_of(const pacte::Caller& caller) {
  if (caller.session != 0) return "password_session";
  if (caller.token != 0) return "api_token";
  return "system";
}

// --- Creating campaigns
// ----------------------------------------------------------------------------

struct NewSignatory {
  std::int64_t person = 0;
  std::int64_t organisation = 0;
  std::string capacity;
  std::optional<std::string> mandate, mandate_ref;
};

/// Checks a person and organisation and fills the capacity from the person's affiliation
/// when none is given.
std::optional<pacte::Error> check_signatory(Context& ctx, NewSignatory& s,
                                            const std::string& field) {
  if (!person_name(ctx, s.person))
    return pacte::Error{ErrorCode::bad_request, field + ".person: no such person",
                        field + ".person : personne inconnue", field + ".person", 0};
  if (!load_org(ctx, s.organisation))
    return pacte::Error{ErrorCode::bad_request, field + ".organisation: no such organisation",
                        field + ".organisation : organisation inconnue", field + ".organisation",
                        0};
  if (s.capacity.empty())
    for (auto& a : ctx.affiliations(s.person))
      if (a.organisation == s.organisation) s.capacity = a.capacity;
  if (s.capacity.empty())
    return pacte::Error{
        ErrorCode::bad_request, field + ".capacity: required (the person has no capacity there)",
        field + ".capacity : obligatoire (la personne n'a pas de qualité dans cette organisation)",
        field + ".capacity", 0};
  return std::nullopt;
}

std::int64_t insert_signatory(Context& ctx, std::int64_t campaign, const NewSignatory& s,
                              std::int64_t position) {
  auto& ins = ctx.sql(
      "INSERT INTO signatures_signatories(campaign_id, position, person_id, organisation_id, "
      "capacity, mandate, "
      "mandate_ref) VALUES (?,?,?,?,?,?,?)");
  ins.bind(1, campaign)
      .bind(2, position)
      .bind(3, s.person)
      .bind(4, s.organisation)
      .bind(5, s.capacity)
      .bind(6, s.mandate)
      .bind(7, s.mandate_ref)
      .run();
  return ctx.last_insert_id();
}

Json signatory_evidence(Context& ctx, std::int64_t id, const NewSignatory& s) {
  auto org = load_org(ctx, s.organisation);
  return {{"signatory", id},
          {"person", s.person},
          {"name", person_name(ctx, s.person).value_or("?")},
          {"organisation", s.organisation},
          {"organisation_name", org ? org->name : "?"},
          {"capacity", s.capacity},
          {"mandate", opt(s.mandate)},
          {"mandate_ref", opt(s.mandate_ref)}};
}

struct NewCampaign {
  std::int64_t workspace = 0;
  std::string title;
  std::string text;
  std::string version_hash;
  Json document = nullptr;
  Json validations = Json::array();
  Settings settings{};
  std::vector<NewSignatory> signatories{};
  std::vector<std::pair<std::int64_t, RuleRow>> rules{};
  std::int64_t created_by = 0;
};

/// Stores a campaign with its own copy of the frozen text, its signatories and rules, the
/// "created" entry of its trail; asks every signatory to sign. Returns its id.
std::int64_t store_campaign(Context& ctx, const NewCampaign& n) {
  auto& ins = ctx.sql(
      "INSERT INTO signatures_campaigns(workspace_id, title, document, text, version_hash, "
      "validations, settings, "
      "created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?)");
  ins.bind(1, n.workspace)
      .bind(2, n.title)
      .bind(3, n.document.dump())
      .bind(4, n.text)
      .bind(5, n.version_hash)
      .bind(6, n.validations.dump())
      .bind(7, settings_json(n.settings).dump())
      .bind(8, n.created_by)
      .bind(9, ctx.now_text())
      .run();
  std::int64_t id = ctx.last_insert_id();
  Json signatories = Json::array();
  std::int64_t position = 0;
  for (auto& s : n.signatories) {
    std::int64_t sid = insert_signatory(ctx, id, s, ++position);
    signatories.push_back(signatory_evidence(ctx, sid, s));
  }
  Json rules = Json::array();
  for (auto& [org, rule] : n.rules) {
    auto& r = ctx.sql(
        "INSERT OR REPLACE INTO signatures_rules(campaign_id, organisation_id, rule, n) VALUES "
        "(?,?,?,?)");
    r.bind(1, id).bind(2, org).bind(3, rule.rule).bind(4, rule.n).run();
    rules.push_back({{"organisation", org}, {"rule", rule.rule}, {"n", rule.n}});
  }
  append_trail(ctx, id, "created",
               {{"title", n.title},
                {"version_hash", n.version_hash},
                {"text_bytes", static_cast<std::int64_t>(n.text.size())},
                {"document", n.document},
                {"settings", settings_json(n.settings)},
                {"rules", rules},
                {"signatories", signatories},
                {"by", n.created_by}});
  auto c = load_campaign(ctx, id);
  ctx.append_event(n.workspace, "signatures.created",
                   {{"campaign", campaign_json(ctx, *c, std::nullopt)}}, subject_of(id));
  ctx.post_activity(n.workspace,
                    pacte::Activity{.thread_key = "campaign:" + std::to_string(id),
                                    .thread_title = "Signature : " + n.title,
                                    .thread_title_en = "Signature: " + n.title,
                                    .text = "Campagne de signature ouverte : **" + n.title + "**.",
                                    .text_en = "Signature campaign opened: **" + n.title + "**.",
                                    .card = campaign_card(ctx, *c)});
  // Every signatory (hence every signatory organisation) receives the text's hash and the
  // fingerprint of the key that seals the trail, to check the evidence bundle later.
  std::string fingerprint = group_fingerprint(ServerKey::load_or_create(ctx).fingerprint());
  for (auto& s : n.signatories)
    ctx.notify(
        s.person,
        {.kind = "signature",
         .workspace = n.workspace,
         .title_fr = "Signature demandée : " + n.title,
         .title_en = "Signature requested: " + n.title,
         .body_fr =
             "Vous êtes invité·e à signer ce texte pour votre organisation.\nEmpreinte SHA-256 "
             "du texte : " +
             n.version_hash + "\nEmpreinte de la clé de scellement du serveur : " + fingerprint,
         .body_en = "You are asked to sign this text for your organisation.\nSHA-256 hash of the "
                    "text: " +
                    n.version_hash + "\nFingerprint of the server's sealing key: " + fingerprint,
         .link = link_of(*c),
         .immediate = true});
  return id;
}

std::optional<pacte::Error> read_rule(const Json& r, const std::string& field, RuleRow& out) {
  std::string rule = r.value("rule", "all");
  if (rule != "all" && rule != "any" && rule != "one")
    return pacte::Error{ErrorCode::bad_request, field + ".rule: must be all, any or one",
                        field + ".rule : doit être all, any ou one", field + ".rule", 0};
  out.rule = rule;
  out.n = 0;
  if (rule == "any") {
    if (!r.contains("n") || !r["n"].is_number_integer() || r["n"].get<std::int64_t>() < 1)
      return pacte::Error{ErrorCode::bad_request, field + ".n: a rule 'any' needs n ≥ 1",
                          field + ".n : une règle « any » demande n ≥ 1", field + ".n", 0};
    out.n = r["n"].get<std::int64_t>();
  }
  return std::nullopt;
}

Result create_campaign(Context& ctx, const Call& call) {
  NewCampaign n;
  n.workspace = call.workspace;
  n.created_by = call.caller.person;
  if (auto e = read_settings(call.args.value("settings", Json()), n.settings))
    return Result::fail(ErrorCode::bad_request, *e, *e, "args.settings");
  if (call.args.contains("version")) {
    std::int64_t version = call.args["version"].get<std::int64_t>();
    Result got = ctx.call("documents.version.get", {{"version", version}});
    if (!got.is_ok()) {
      if (got.error().message.find("unknown operation") != std::string::npos)
        return Result::fail(
            ErrorCode::bad_request,
            "args.version: the documents plugin is not available here; give title and text instead",
            "args.version : le module documents n'est pas disponible ; donnez title et text",
            "args.version");
      return got;
    }
    Json v = got.value().value("version", Json::object());
    if (v.value("status", "") != "frozen")
      return Result::fail(ErrorCode::conflict, "args.version: only a frozen version can be signed",
                          "args.version : seule une version figée peut être signée",
                          "args.version");
    // The version must belong to a document of this workspace.
    Result docs = ctx.call("documents.list", {{"workspace", call.workspace}});
    bool here = false;
    Json title = nullptr;
    if (docs.is_ok())
      for (auto& d : docs.value().value("documents", Json::array()))
        if (d.value("id", std::int64_t{0}) == v.value("document", std::int64_t{-1}))
          here = true, title = d.value("title", "");
    if (!here)
      return Result::fail(ErrorCode::not_found, "args.version: no such version in this workspace",
                          "args.version : version introuvable dans cet espace", "args.version");
    n.text = v.value("canonical", "");
    n.version_hash = v.value("hash", "");
    if (sha256_hex(n.text) != n.version_hash)
      return Result::fail(ErrorCode::conflict, "the version's text does not match its hash",
                          "le texte de la version ne correspond pas à son empreinte",
                          "args.version");
    n.title = opt_string(call.args, "title")
                  .value_or(title.is_string() ? title.get<std::string>() : "Document");
    if (n.title.empty()) n.title = "Document";
    n.document = {{"document", v.value("document", Json())},
                  {"version", version},
                  {"number", v.value("number", Json())},
                  {"label", v.value("label", Json())}};
    n.validations = v.value("validations", Json::array());
  } else {
    auto title = opt_string(call.args, "title");
    if (!title || !call.args.contains("text"))
      return Result::fail(ErrorCode::bad_request, "args: give either version, or title and text",
                          "args : donnez soit version, soit title et text", "args.version");
    n.title = *title;
    n.text = call.args["text"].get<std::string>();
    if (n.text.size() > kMaxTextBytes)
      return Result::fail(ErrorCode::too_large, "args.text: at most 2 MiB",
                          "args.text : 2 Mio au plus", "args.text");
    if (trim(n.text).empty())
      return Result::fail(ErrorCode::bad_request, "args.text: must not be blank",
                          "args.text : ne doit pas être vide", "args.text");
    n.version_hash = sha256_hex(n.text);
  }
  const Json given = call.args.value("signatories", Json::array());
  std::set<std::pair<std::int64_t, std::int64_t>> seen;
  for (std::size_t i = 0; i < given.size(); ++i) {
    std::string field = "args.signatories[" + std::to_string(i) + "]";
    const Json& g = given[i];
    NewSignatory s{.person = g.at("person").get<std::int64_t>(),
                   .organisation = g.at("organisation").get<std::int64_t>(),
                   .capacity = opt_string(g, "capacity").value_or(""),
                   .mandate = opt_string(g, "mandate"),
                   .mandate_ref = opt_string(g, "mandate_ref")};
    if (auto e = check_signatory(ctx, s, field)) return Result::fail(*e);
    if (!seen.insert({s.person, s.organisation}).second)
      return Result::fail(ErrorCode::bad_request,
                          field + ": this person already signs for this organisation",
                          field + " : cette personne signe déjà pour cette organisation", field);
    n.signatories.push_back(std::move(s));
  }
  const Json rules = call.args.value("rules", Json::array());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    std::string field = "args.rules[" + std::to_string(i) + "]";
    RuleRow row;
    if (auto e = read_rule(rules[i], field, row)) return Result::fail(*e);
    n.rules.emplace_back(rules[i].at("organisation").get<std::int64_t>(), row);
  }
  std::int64_t id = store_campaign(ctx, n);
  auto c = load_campaign(ctx, id);
  return Result::ok({{"campaign", campaign_json(ctx, *c, call.caller.person)}});
}

// --- Handlers ------------------------------------------------------------------------------------

Result list_campaigns(Context& ctx, const Call& call) {
  std::vector<std::int64_t> ids;
  auto& q = ctx.sql(
      "SELECT id FROM signatures_campaigns WHERE workspace_id = ? ORDER BY id DESC LIMIT 100");
  q.bind(1, call.workspace);
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  Json out = Json::array();
  for (auto id : ids)
    if (auto c = load_campaign(ctx, id)) out.push_back(campaign_json(ctx, *c, call.caller.person));
  return Result::ok({{"campaigns", out}});
}

Result get_campaign(Context& ctx, const Call& call) {
  auto c = load_campaign(ctx, call.args.at("campaign").get<std::int64_t>());
  if (!c) return no_such_campaign();
  return Result::ok({{"campaign", campaign_json(ctx, *c, call.caller.person)}});
}

Result add_signatory(Context& ctx, const Call& call) {
  auto c = load_campaign(ctx, call.args.at("campaign").get<std::int64_t>());
  if (!c) return no_such_campaign();
  if (c->status != "open") return campaign_completed();
  NewSignatory s{.person = call.args.at("person").get<std::int64_t>(),
                 .organisation = call.args.at("organisation").get<std::int64_t>(),
                 .capacity = opt_string(call.args, "capacity").value_or(""),
                 .mandate = opt_string(call.args, "mandate"),
                 .mandate_ref = opt_string(call.args, "mandate_ref")};
  if (auto e = check_signatory(ctx, s, "args")) return Result::fail(*e);
  for (auto& other : load_signatories(ctx, c->id))
    if (active(other) && other.person == s.person && other.organisation == s.organisation)
      return Result::fail(ErrorCode::conflict, "this person already signs for this organisation",
                          "cette personne signe déjà pour cette organisation", "args.person");
  auto all = load_signatories(ctx, c->id);
  std::int64_t position = all.empty() ? 1 : all.back().position + 1;
  std::int64_t id = insert_signatory(ctx, c->id, s, position);
  Json data = signatory_evidence(ctx, id, s);
  data["by"] = call.caller.person;
  append_trail(ctx, c->id, "signatory_added", data);
  announce(ctx, c->id, "signatory_added");
  return Result::ok({{"campaign", campaign_json(ctx, *c, call.caller.person)}});
}

Result set_rule(Context& ctx, const Call& call) {
  auto c = load_campaign(ctx, call.args.at("campaign").get<std::int64_t>());
  if (!c) return no_such_campaign();
  if (c->status != "open") return campaign_completed();
  RuleRow row;
  if (auto e = read_rule(call.args, "args", row)) return Result::fail(*e);
  std::int64_t org = call.args.at("organisation").get<std::int64_t>();
  if (!load_org(ctx, org))
    return Result::fail(ErrorCode::bad_request, "args.organisation: no such organisation",
                        "args.organisation : organisation inconnue", "args.organisation");
  auto& r = ctx.sql(
      "INSERT OR REPLACE INTO signatures_rules(campaign_id, organisation_id, rule, n) VALUES "
      "(?,?,?,?)");
  r.bind(1, c->id).bind(2, org).bind(3, row.rule).bind(4, row.n).run();
  append_trail(
      ctx, c->id, "rule_set",
      {{"organisation", org}, {"rule", row.rule}, {"n", row.n}, {"by", call.caller.person}});
  maybe_complete(ctx, c->id);
  announce(ctx, c->id, "rule_set");
  return Result::ok(
      {{"campaign", campaign_json(ctx, *load_campaign(ctx, c->id), call.caller.person)}});
}

Result delegate(Context& ctx, const Call& call) {
  auto c = load_campaign(ctx, call.args.at("campaign").get<std::int64_t>());
  if (!c) return no_such_campaign();
  if (c->status != "open") return campaign_completed();
  auto s = load_signatory(ctx, c->id, call.args.at("signatory").get<std::int64_t>());
  if (!s) return no_such_signatory();
  if (s->status == "signed" || s->status == "replaced")
    return Result::fail(ErrorCode::conflict, "this signatory has already signed or was replaced",
                        "ce ou cette signataire a déjà signé ou a été remplacé·e",
                        "args.signatory");
  std::int64_t person = call.args.at("person").get<std::int64_t>();
  if (!person_name(ctx, person) || ctx.role_of(person, c->workspace) < Role::member)
    return Result::fail(ErrorCode::bad_request, "args.person: must be a member of this workspace",
                        "args.person : doit être membre de cet espace", "args.person");
  std::string reference = trim(call.args.at("reference").get<std::string>());
  if (reference.empty())
    return Result::fail(
        ErrorCode::bad_request, "args.reference: the delegation's reference is required",
        "args.reference : la référence de la délégation est obligatoire", "args.reference");
  auto& u = ctx.sql(
      "UPDATE signatures_signatories SET delegate_person_id = ?, delegate_ref = ? WHERE id = ?");
  u.bind(1, person).bind(2, reference).bind(3, s->id).run();
  append_trail(ctx, c->id, "delegated",
               {{"signatory", s->id},
                {"representative", person},
                {"representative_name", person_name(ctx, person).value_or("?")},
                {"reference", reference},
                {"by", call.caller.person}});
  announce(ctx, c->id, "delegated");
  return Result::ok({{"campaign", campaign_json(ctx, *c, call.caller.person)}});
}

Result open_text(Context& ctx, const Call& call) {
  auto c = load_campaign(ctx, call.args.at("campaign").get<std::int64_t>());
  if (!c) return no_such_campaign();
  Signatory s;
  if (Result r = caller_signatory(ctx, call, *c, s); !r.is_ok()) return r;
  if (s.status == "pending" &&
      c->status == "open") {  // a completed campaign's text can still be read
    auto& u =
        ctx.sql("UPDATE signatures_signatories SET status = 'opened', opened_at = ? WHERE id = ?");
    u.bind(1, ctx.now_text()).bind(2, s.id).run();
    append_trail(ctx, c->id, "opened", {{"signatory", s.id}, {"by", call.caller.person}});
    announce(ctx, c->id, "opened");
    s = *load_signatory(ctx, c->id, s.id);
  }
  Consent consent = consent_for(ctx, *c, s, call.caller.person);
  return Result::ok(
      {{"campaign", c->id},
       {"title", c->title},
       {"text", c->text},
       {"version_hash", c->version_hash},
       {"consent",
        {{"fr", consent.fr}, {"en", consent.en}, {"text", consent.text}, {"hash", consent.hash}}},
       {"signatory", signatory_json(ctx, s)},
       {"law_fr", kLawFr},
       {"law_en", kLawEn}});
}

/// Keeps the address and user agent beside the trail; returns their salted hashes for it.
Json store_personal(Context& ctx, std::int64_t campaign, std::int64_t signatory,
                    std::int64_t seq_hint, const pacte::Caller& caller) {
  unsigned char salt_raw[16];
  randombytes_buf(salt_raw, sizeof salt_raw);
  char salt[33];
  sodium_bin2hex(salt, sizeof salt, salt_raw, sizeof salt_raw);
  auto& ins = ctx.sql(
      "INSERT INTO signatures_personal(campaign_id, signatory_id, trail_seq, salt, address, "
      "user_agent, recorded_at) "
      "VALUES (?,?,?,?,?,?,?)");
  ins.bind(1, campaign)
      .bind(2, signatory)
      .bind(3, seq_hint)
      .bind(4, std::string(salt))
      .bind(5, caller.address)
      .bind(6, caller.user_agent)
      .bind(7, ctx.now_text())
      .run();
  return {{"address_hash", sha256_hex(std::string(salt) + "\n" + caller.address)},
          {"user_agent_hash", sha256_hex(std::string(salt) + "\n" + caller.user_agent)}};
}

Result sign(Context& ctx, const Call& call) {
  auto c = load_campaign(ctx, call.args.at("campaign").get<std::int64_t>());
  if (!c) return no_such_campaign();
  Signatory s;
  if (Result r = caller_signatory(ctx, call, *c, s); !r.is_ok()) return r;
  if (s.status == "signed")
    return Result::fail(ErrorCode::conflict, "you have already signed", "vous avez déjà signé",
                        "args.campaign");
  if (c->status != "open") return campaign_completed();
  if (s.status == "declined")
    return Result::fail(
        ErrorCode::conflict, "you declined; an owner must re-issue the request first",
        "vous avez refusé ; un·e responsable doit d'abord renouveler la demande", "args.campaign");
  if (s.status != "opened")
    return Result::fail(ErrorCode::conflict, "open the text first (signatures.open)",
                        "ouvrez d'abord le texte (signatures.open)", "args.campaign");
  if (call.caller.session == 0)
    return Result::fail(ErrorCode::forbidden,
                        "sign in person, in a signed-in session (not with an API token)",
                        "signez vous-même, dans une session connectée (pas avec un jeton d'API)");
  if (call.args.at("version_hash").get<std::string>() != c->version_hash)
    return Result::fail(
        ErrorCode::conflict, "args.version_hash: this is not the hash of the text to sign",
        "args.version_hash : ce n'est pas l'empreinte du texte à signer", "args.version_hash");
  Consent consent = consent_for(ctx, *c, s, call.caller.person);
  if (call.args.at("consent_hash").get<std::string>() != consent.hash)
    return Result::fail(
        ErrorCode::conflict, "args.consent_hash: this is not the hash of your consent statement",
        "args.consent_hash : ce n'est pas l'empreinte de votre déclaration de consentement",
        "args.consent_hash");
  std::string at = ctx.now_text();
  std::string auth = authentication_of(call.caller);
  Head head = trail_head(ctx, c->id);
  Json personal = store_personal(ctx, c->id, s.id, head.seq + 1, call.caller);
  auto org = load_org(ctx, s.organisation);
  Json delegation = nullptr;
  if (call.caller.person != s.person)
    delegation = {{"representative", call.caller.person},
                  {"representative_name", person_name(ctx, call.caller.person).value_or("?")},
                  {"reference", opt(s.delegate_ref)}};
  append_trail(ctx, c->id, "signed",
               {{"signatory", s.id},
                {"person", s.person},
                {"name", person_name(ctx, s.person).value_or("?")},
                {"organisation", s.organisation},
                {"organisation_name", org ? org->name : "?"},
                {"capacity", s.capacity},
                {"mandate", opt(s.mandate)},
                {"mandate_ref", opt(s.mandate_ref)},
                {"delegation", delegation},
                {"signed_by", call.caller.person},
                {"method", "in_app"},
                {"authentication", auth},
                {"server_time", at},
                {"version_hash", c->version_hash},
                {"consent_text", consent.text},
                {"consent_hash", consent.hash},
                {"address_hash", personal["address_hash"]},
                {"user_agent_hash", personal["user_agent_hash"]}});
  auto& u = ctx.sql(
      "UPDATE signatures_signatories SET status = 'signed', signed_at = ?, method = 'in_app', "
      "authentication = ?, "
      "signed_by = ? WHERE id = ?");
  u.bind(1, at).bind(2, auth).bind(3, call.caller.person).bind(4, s.id).run();
  seal_head(ctx, c->id, "signature");
  maybe_complete(ctx, c->id);
  announce(ctx, c->id, "signed");
  return Result::ok(
      {{"campaign", campaign_json(ctx, *load_campaign(ctx, c->id), call.caller.person)}});
}

Result decline(Context& ctx, const Call& call) {
  auto c = load_campaign(ctx, call.args.at("campaign").get<std::int64_t>());
  if (!c) return no_such_campaign();
  if (c->status != "open") return campaign_completed();
  Signatory s;
  if (Result r = caller_signatory(ctx, call, *c, s); !r.is_ok()) return r;
  if (s.status == "signed")
    return Result::fail(ErrorCode::conflict, "you have already signed", "vous avez déjà signé",
                        "args.campaign");
  if (s.status == "declined")
    return Result::fail(ErrorCode::conflict, "you have already declined", "vous avez déjà refusé",
                        "args.campaign");
  std::string reason = trim(call.args.at("reason").get<std::string>());
  if (reason.empty())
    return Result::fail(ErrorCode::bad_request, "args.reason: must not be blank",
                        "args.reason : ne doit pas être vide", "args.reason");
  std::string at = ctx.now_text();
  auto& u = ctx.sql(
      "UPDATE signatures_signatories SET status = 'declined', decline_reason = ?, declined_at = ? "
      "WHERE id = ?");
  u.bind(1, reason).bind(2, at).bind(3, s.id).run();
  append_trail(ctx, c->id, "declined",
               {{"signatory", s.id}, {"by", call.caller.person}, {"reason", reason}});
  for (auto person : owners_of(ctx, c->workspace))
    ctx.notify(
        person,
        {.kind = "signature",
         .workspace = c->workspace,
         .title_fr = "Signature refusée : " + c->title,
         .title_en = "Signature declined: " + c->title,
         .body_fr = person_name(ctx, s.person).value_or("?") + " a refusé de signer : " + reason,
         .body_en = person_name(ctx, s.person).value_or("?") + " declined to sign: " + reason,
         .link = link_of(*c)});
  announce(ctx, c->id, "declined");
  return Result::ok({{"campaign", campaign_json(ctx, *c, call.caller.person)}});
}

Result reissue(Context& ctx, const Call& call) {
  auto c = load_campaign(ctx, call.args.at("campaign").get<std::int64_t>());
  if (!c) return no_such_campaign();
  if (c->status != "open") return campaign_completed();
  auto s = load_signatory(ctx, c->id, call.args.at("signatory").get<std::int64_t>());
  if (!s) return no_such_signatory();
  if (s->status != "declined")
    return Result::fail(ErrorCode::conflict, "only a declined request can be re-issued",
                        "seule une demande refusée peut être renouvelée", "args.signatory");
  auto& u = ctx.sql(
      "UPDATE signatures_signatories SET status = 'pending', opened_at = NULL, decline_reason = "
      "NULL, declined_at = NULL "
      "WHERE id = ?");
  u.bind(1, s->id).run();
  append_trail(ctx, c->id, "reissued",
               {{"signatory", s->id},
                {"by", call.caller.person},
                {"reason", opt(opt_string(call.args, "reason"))}});
  ctx.notify(s->person, {.kind = "signature",
                         .workspace = c->workspace,
                         .title_fr = "Nouvelle demande de signature : " + c->title,
                         .title_en = "Signature requested again: " + c->title,
                         .body_fr = "Empreinte SHA-256 du texte : " + c->version_hash,
                         .body_en = "SHA-256 hash of the text: " + c->version_hash,
                         .link = link_of(*c),
                         .immediate = true});
  announce(ctx, c->id, "reissued");
  return Result::ok({{"campaign", campaign_json(ctx, *c, call.caller.person)}});
}

Result replace(Context& ctx, const Call& call) {
  auto c = load_campaign(ctx, call.args.at("campaign").get<std::int64_t>());
  if (!c) return no_such_campaign();
  if (c->status != "open") return campaign_completed();
  auto old = load_signatory(ctx, c->id, call.args.at("signatory").get<std::int64_t>());
  if (!old) return no_such_signatory();
  if (old->status == "signed" || old->status == "replaced")
    return Result::fail(
        ErrorCode::conflict, "a signatory who has signed or was replaced cannot be replaced",
        "un·e signataire qui a signé ou a déjà été remplacé·e ne peut pas être remplacé·e",
        "args.signatory");
  std::string reason = trim(call.args.at("reason").get<std::string>());
  if (reason.empty())
    return Result::fail(ErrorCode::bad_request, "args.reason: the reason is required",
                        "args.reason : le motif est obligatoire", "args.reason");
  NewSignatory s{.person = call.args.at("person").get<std::int64_t>(),
                 .organisation = old->organisation,
                 .capacity = opt_string(call.args, "capacity").value_or(""),
                 .mandate = opt_string(call.args, "mandate"),
                 .mandate_ref = opt_string(call.args, "mandate_ref")};
  if (auto e = check_signatory(ctx, s, "args")) return Result::fail(*e);
  if (ctx.role_of(s.person, c->workspace) < Role::member)
    return Result::fail(ErrorCode::bad_request, "args.person: must be a member of this workspace",
                        "args.person : doit être membre de cet espace", "args.person");
  for (auto& other : load_signatories(ctx, c->id))
    if (active(other) && other.person == s.person && other.organisation == s.organisation)
      return Result::fail(ErrorCode::conflict, "this person already signs for this organisation",
                          "cette personne signe déjà pour cette organisation", "args.person");
  std::int64_t id = insert_signatory(ctx, c->id, s, old->position);
  auto& u = ctx.sql(
      "UPDATE signatures_signatories SET status = 'replaced', replaced_by = ?, replaced_reason = ? "
      "WHERE id = ?");
  u.bind(1, id).bind(2, reason).bind(3, old->id).run();
  Json data = {{"signatory", old->id},
               {"name", person_name(ctx, old->person).value_or("?")},
               {"replacement", signatory_evidence(ctx, id, s)},
               {"reason", reason},
               {"by", call.caller.person}};
  append_trail(ctx, c->id, "replaced", data);
  ctx.notify(s.person, {.kind = "signature",
                        .workspace = c->workspace,
                        .title_fr = "Signature demandée : " + c->title,
                        .title_en = "Signature requested: " + c->title,
                        .body_fr = "Empreinte SHA-256 du texte : " + c->version_hash,
                        .body_en = "SHA-256 hash of the text: " + c->version_hash,
                        .link = link_of(*c),
                        .immediate = true});
  maybe_complete(ctx, c->id);
  announce(ctx, c->id, "replaced");
  return Result::ok(
      {{"campaign", campaign_json(ctx, *load_campaign(ctx, c->id), call.caller.person)}});
}

Result record_outside(Context& ctx, const Call& call) {
  auto c = load_campaign(ctx, call.args.at("campaign").get<std::int64_t>());
  if (!c) return no_such_campaign();
  if (c->status != "open") return campaign_completed();
  auto s = load_signatory(ctx, c->id, call.args.at("signatory").get<std::int64_t>());
  if (!s) return no_such_signatory();
  if (s->status == "signed")
    return Result::fail(ErrorCode::conflict, "this signatory has already signed",
                        "ce ou cette signataire a déjà signé", "args.signatory");
  if (s->status == "replaced")
    return Result::fail(ErrorCode::conflict, "this signatory was replaced",
                        "ce ou cette signataire a été remplacé·e", "args.signatory");
  std::string method = call.args.at("method").get<std::string>();
  std::string file_hash = call.args.at("file_hash").get<std::string>();
  if (!is_hex64(file_hash))
    return Result::fail(
        ErrorCode::bad_request, "args.file_hash: must be 64 lower-case hex digits (SHA-256)",
        "args.file_hash : 64 chiffres hexadécimaux en minuscules (SHA-256)", "args.file_hash");
  std::int64_t attachment = call.args.at("attachment").get<std::int64_t>();
  TimePoint signed_at = ctx.now();
  if (call.args.contains("signed_at")) {
    auto t = parse_time(call.args["signed_at"].get<std::string>());
    if (!t || *t > ctx.now())
      return Result::fail(ErrorCode::bad_request,
                          "args.signed_at: must be an RFC 3339 date and time, not in the future",
                          "args.signed_at : date et heure RFC 3339, pas dans le futur",
                          "args.signed_at");
    signed_at = *t;
  }
  std::string at = format_time(signed_at);
  auto org = load_org(ctx, s->organisation);
  append_trail(ctx, c->id, "signed",
               {{"signatory", s->id},
                {"person", s->person},
                {"name", person_name(ctx, s->person).value_or("?")},
                {"organisation", s->organisation},
                {"organisation_name", org ? org->name : "?"},
                {"capacity", s->capacity},
                {"mandate", opt(s->mandate)},
                {"mandate_ref", opt(s->mandate_ref)},
                {"method", method},
                {"authentication", "outside"},
                {"recorded_by", call.caller.person},
                {"signed_at", at},
                {"version_hash", c->version_hash},
                {"attachment", attachment},
                {"file_hash", file_hash},
                {"note", opt(opt_string(call.args, "note"))}});
  auto& u = ctx.sql(
      "UPDATE signatures_signatories SET status = 'signed', signed_at = ?, method = ?, "
      "authentication = 'outside', "
      "signed_by = ?, attachment_id = ?, file_hash = ?, decline_reason = NULL, declined_at = NULL "
      "WHERE id = ?");
  u.bind(1, at)
      .bind(2, method)
      .bind(3, call.caller.person)
      .bind(4, attachment)
      .bind(5, file_hash)
      .bind(6, s->id)
      .run();
  seal_head(ctx, c->id, "signature");
  maybe_complete(ctx, c->id);
  announce(ctx, c->id, "signed");
  return Result::ok(
      {{"campaign", campaign_json(ctx, *load_campaign(ctx, c->id), call.caller.person)}});
}

/// Reminds the pending signatories (all, or one organisation's); returns who was reminded.
Json send_reminders(Context& ctx, const Campaign& c, std::optional<std::int64_t> organisation,
                    std::int64_t by, std::optional<std::string> older_than) {
  Json reminded = Json::array();
  std::string at = ctx.now_text();
  for (auto& s : load_signatories(ctx, c.id)) {
    if (s.status != "pending" && s.status != "opened") continue;
    if (organisation && s.organisation != *organisation) continue;
    if (older_than && s.last_reminded_at.value_or(c.created_at) > *older_than) continue;
    auto& u = ctx.sql(
        "UPDATE signatures_signatories SET reminders = reminders + 1, last_reminded_at = ? WHERE "
        "id = ?");
    u.bind(1, at).bind(2, s.id).run();
    std::int64_t to = s.delegate_person.value_or(s.person);
    ctx.notify(to, {.kind = "signature",
                    .workspace = c.workspace,
                    .title_fr = "Rappel : votre signature est attendue — " + c.title,
                    .title_en = "Reminder: your signature is awaited — " + c.title,
                    .body_fr = "Empreinte SHA-256 du texte à signer : " + c.version_hash,
                    .body_en = "SHA-256 hash of the text to sign: " + c.version_hash,
                    .link = link_of(c),
                    .immediate = true});
    reminded.push_back({{"signatory", s.id}, {"person", to}, {"count", s.reminders + 1}});
  }
  if (!reminded.empty()) {
    Json ids = Json::array();
    for (auto& r : reminded) ids.push_back(r["signatory"]);
    append_trail(
        ctx, c.id, "reminded",
        {{"signatories", ids}, {"by", by == 0 ? Json(nullptr) : Json(by)}, {"scheduled", by == 0}});
    announce(ctx, c.id, "reminded");
  }
  return reminded;
}

Result remind(Context& ctx, const Call& call) {
  auto c = load_campaign(ctx, call.args.at("campaign").get<std::int64_t>());
  if (!c) return no_such_campaign();
  if (c->status != "open") return campaign_completed();
  std::optional<std::int64_t> org;
  if (call.args.contains("organisation")) org = call.args["organisation"].get<std::int64_t>();
  return Result::ok({{"reminded", send_reminders(ctx, *c, org, call.caller.person, std::nullopt)}});
}

/// The card's "Signer" button: for a pending signatory (or their delegate) of an open
/// campaign, the link to the signing page; records nothing (opening the text there does).
Result sign_link(Context& ctx, const Call& call) {
  auto c = load_campaign(ctx, call.args.at("campaign").get<std::int64_t>());
  if (!c) return no_such_campaign();
  if (c->status != "open") return campaign_completed();
  bool signatory = false, pending = false;
  for (auto& s : load_signatories(ctx, c->id))
    if (s.person == call.caller.person || s.delegate_person == call.caller.person) {
      signatory = true;
      pending = pending || s.status == "pending" || s.status == "opened";
    }
  // As signatures.open: not_found for someone who does not sign this campaign.
  if (!signatory)
    return Result::fail(ErrorCode::not_found, "you are not a signatory of this campaign",
                        "vous n'êtes pas signataire de cette campagne", "args.campaign");
  if (!pending)
    return Result::fail(ErrorCode::conflict, "you have already signed or declined",
                        "vous avez déjà signé ou refusé de signer", "args.campaign");
  bool en = call.caller.locale == "en";
  return Result::ok(
      {{"text",
        en ? "Your signature is awaited: open the campaign to read the text and sign."
           : "Votre signature est attendue : ouvrez la campagne pour lire le texte et signer."},
       {"href",
        "/w/" + std::to_string(c->workspace) + "/p/signatures?campaign=" + std::to_string(c->id)}});
}

Result record_termination(Context& ctx, const Call& call) {
  auto c = load_campaign(ctx, call.args.at("campaign").get<std::int64_t>());
  if (!c) return no_such_campaign();
  auto dates = campaign_dates(*c);
  if (!dates)
    return Result::fail(
        ErrorCode::conflict, "the pact is not in force yet: the campaign is not completed",
        "le pacte n'est pas encore en vigueur : la campagne n'est pas terminée", "args.campaign");
  std::int64_t org = call.args.at("organisation").get<std::int64_t>();
  bool signs = false;
  for (auto& s : load_signatories(ctx, c->id))
    signs = signs || (active(s) && s.organisation == org);
  if (!signs)
    return Result::fail(ErrorCode::bad_request,
                        "args.organisation: not a signatory organisation of this campaign",
                        "args.organisation : pas une organisation signataire de cette campagne",
                        "args.organisation");
  std::string sent = call.args.at("sent_on").get<std::string>();
  std::string received = call.args.at("received_on").get<std::string>();
  if (!PactCalendar::valid_date(sent))
    return Result::fail(ErrorCode::bad_request, "args.sent_on: must be a date YYYY-MM-DD",
                        "args.sent_on : doit être une date AAAA-MM-JJ", "args.sent_on");
  if (!PactCalendar::valid_date(received) || received < sent)
    return Result::fail(
        ErrorCode::bad_request, "args.received_on: must be a date YYYY-MM-DD, not before sent_on",
        "args.received_on : doit être une date AAAA-MM-JJ, pas avant sent_on", "args.received_on");
  // The anniversary the letter aims at: the first one not before its receipt.
  std::optional<std::size_t> k;
  for (std::size_t i = 0; i < dates->anniversaries.size(); ++i)
    if (received <= dates->anniversaries[i]) {
      k = i;
      break;
    }
  bool late = !k || received > dates->notice_deadlines[*k];
  std::string warning_fr, warning_en;
  Json effect_at = nullptr;
  if (k && !late) {
    effect_at = dates->anniversaries[*k];
  } else if (k) {
    warning_fr = "Lettre reçue le " + received + ", après la date limite de préavis du " +
                 dates->notice_deadlines[*k] + " pour l'anniversaire du " +
                 dates->anniversaries[*k] + ".";
    warning_en = "Letter received on " + received + ", after the notice deadline of " +
                 dates->notice_deadlines[*k] + " for the anniversary of " +
                 dates->anniversaries[*k] + ".";
    if (*k + 1 < dates->anniversaries.size()) {
      effect_at = dates->anniversaries[*k + 1];
      warning_fr +=
          " La résiliation ne peut prendre effet qu'au " + dates->anniversaries[*k + 1] + ".";
      warning_en +=
          " The termination can only take effect on " + dates->anniversaries[*k + 1] + ".";
    } else {
      warning_fr += " Le pacte prend fin le " + dates->end + ".";
      warning_en += " The pact ends on " + dates->end + ".";
    }
  } else {
    warning_fr = "Lettre reçue le " + received + ", après la fin du pacte (" + dates->end + ").";
    warning_en =
        "Letter received on " + received + ", after the end of the pact (" + dates->end + ").";
  }
  Json anniversary = k ? Json(dates->anniversaries[*k]) : Json(nullptr);
  Json deadline = k ? Json(dates->notice_deadlines[*k]) : Json(nullptr);
  auto& ins = ctx.sql(
      "INSERT INTO signatures_terminations(campaign_id, organisation_id, sent_on, received_on, "
      "anniversary, deadline, "
      "late, recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?,?)");
  ins.bind(1, c->id)
      .bind(2, org)
      .bind(3, sent)
      .bind(4, received)
      .bind(5, k ? std::optional<std::string>(dates->anniversaries[*k]) : std::nullopt)
      .bind(6, k ? std::optional<std::string>(dates->notice_deadlines[*k]) : std::nullopt)
      .bind(7, late ? 1 : 0)
      .bind(8, call.caller.person)
      .bind(9, ctx.now_text())
      .run();
  std::int64_t id = ctx.last_insert_id();
  append_trail(ctx, c->id, "termination_recorded",
               {{"organisation", org},
                {"sent_on", sent},
                {"received_on", received},
                {"anniversary", anniversary},
                {"deadline", deadline},
                {"late", late},
                {"by", call.caller.person}});
  announce(ctx, c->id, "termination_recorded");
  return Result::ok({{"termination",
                      {{"id", id},
                       {"organisation", org},
                       {"sent_on", sent},
                       {"received_on", received},
                       {"anniversary", anniversary},
                       {"deadline", deadline},
                       {"late", late},
                       {"takes_effect_on", effect_at},
                       {"warning_fr", late ? Json(warning_fr) : Json(nullptr)},
                       {"warning_en", late ? Json(warning_en) : Json(nullptr)}}}});
}

// --- Bundle, certificate ----------------------------------------------------------------------

/// The evidence bundle: the frozen text, the trail, the stored seals and a seal of the
/// current head made now (so that the whole exported chain is sealed), and the public key.
Json bundle_json(Context& ctx, const Campaign& c, bool seal_now) {
  ServerKey key = ServerKey::load_or_create(ctx);
  Json seals = seals_json(ctx, c.id);
  if (seal_now) seals.push_back(make_seal(ctx, key, c.id, "export"));
  return {
      {"format", kBundleFormat},
      {"version", 1},
      {"campaign",
       {{"id", c.id}, {"title", c.title}, {"workspace", c.workspace}, {"document", c.document}}},
      {"version_hash", c.version_hash},
      {"text", c.text},
      {"public_key", key.public_key_hex()},
      {"fingerprint", key.fingerprint()},
      {"exported_at", ctx.now_text()},
      {"trail", trail_json(ctx, c.id)},
      {"seals", seals}};
}

Json certificate_json(Context& ctx, const Campaign& c) {
  auto signatories = load_signatories(ctx, c.id);
  Progress pr = compute_progress(ctx, c.id, signatories);
  ServerKey key = ServerKey::load_or_create(ctx);
  Json people = Json::array();
  for (auto& s : signatories) {
    Json j = signatory_json(ctx, s);
    for (const char* k : {"reminders", "last_reminded_at", "opened_at", "signed_by"}) j.erase(k);
    people.push_back(j);
  }
  Json orgs = Json::array();
  for (auto& p : pr.orgs)
    orgs.push_back({{"organisation", p.org.id},
                    {"name", p.org.name},
                    {"short", p.org.short_name},
                    {"rule", p.rule.rule},
                    {"rule_fr", rule_label_fr(p)},
                    {"rule_en", rule_label_en(p)},
                    {"needed", p.needed},
                    {"signed", p.signed_},
                    {"met", p.met}});
  Head head = trail_head(ctx, c.id);
  return {{"campaign", c.id},
          {"title", c.title},
          {"document", c.document},
          {"version_hash", c.version_hash},
          {"status", c.status},
          {"completed_at", opt(c.completed_at)},
          {"signatories", people},
          {"organisations", orgs},
          {"validations", c.validations},
          {"dates", dates_json(c)},
          {"terminations", terminations_json(ctx, c.id)},
          {"key",
           {{"algorithm", "Ed25519"},
            {"public_key", key.public_key_hex()},
            {"fingerprint", key.fingerprint()},
            {"fingerprint_grouped", group_fingerprint(key.fingerprint())}}},
          {"trail", {{"entries", head.seq}, {"head", head.hash}}},
          {"law_fr", kLawFr},
          {"law_en", kLawEn},
          {"issued_at", ctx.now_text()}};
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(ch);
    }
  }
  return out;
}

std::string method_fr(const std::string& m) {
  if (m == "in_app") return "signature électronique simple dans Pacte";
  if (m == "paper") return "signature manuscrite (papier)";
  if (m == "qualified_eidas") return "signature électronique qualifiée (eIDAS)";
  if (m == "other_service") return "autre service de signature électronique";
  return m;
}

std::string certificate_html(const Json& cert) {
  auto s = [](const Json& v) {
    return v.is_string() ? html_escape(v.get<std::string>()) : std::string("—");
  };
  std::ostringstream h;
  h << "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Certificat de "
       "signature — "
    << s(cert["title"]) << "</title><style>"
    << "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 "
       "1rem;color:#1b1b1b}"
    << "table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid "
       "#999;padding:.3rem .5rem;"
    << "text-align:left;vertical-align:top}code{word-break:break-all}.met{color:#0a5d00}.unmet{"
       "color:#a00}"
    << "@media print{body{margin:0}}</style></head><body>";
  h << "<main><h1>Certificat de signature</h1><p><strong>" << s(cert["title"]) << "</strong></p>";
  bool done = cert["status"] == "completed";
  h << "<p>Statut : <strong>" << (done ? "toutes les signatures sont réunies" : "campagne en cours")
    << "</strong></p>";
  h << "<p>Empreinte SHA-256 du texte signé : <code>" << s(cert["version_hash"]) << "</code></p>";
  h << "<h2>Dates (articles 5 et 6)</h2>";
  if (cert["dates"].is_object()) {
    const Json& d = cert["dates"];
    h << "<ul><li>Date d'effet (dernière signature, " << s(d["time_zone"])
      << ") : " << s(d["effective"]) << "</li>"
      << "<li>Fin : " << s(d["end"]) << "</li>";
    for (std::size_t i = 0; i < d["anniversaries"].size(); ++i)
      h << "<li>Anniversaire " << s(d["anniversaries"][i])
        << " — préavis de résiliation à recevoir au plus tard le " << s(d["notice_deadlines"][i])
        << "</li>";
    h << "</ul>";
  } else {
    h << "<p>Le pacte n'est pas encore en vigueur.</p>";
  }
  h << "<h2>Organisations et règles de "
       "signature</h2><table><thead><tr><th>Organisation</th><th>Règle</th>"
    << "<th>Signatures</th><th>Règle remplie</th></tr></thead><tbody>";
  for (auto& o : cert["organisations"])
    h << "<tr><td>" << s(o["name"]) << "</td><td>" << s(o["rule_fr"]) << "</td><td>"
      << o["signed"].get<std::int64_t>() << "/" << o["needed"].get<std::int64_t>()
      << "</td><td class=\"" << (o["met"] == true ? "met\">oui" : "unmet\">non") << "</td></tr>";
  h << "</tbody></table>";
  h << "<h2>Signataires</h2><table><thead><tr><th>Nom</th><th>Organisation</th><th>Qualité et "
       "mandat</th>"
    << "<th>Statut</th><th>Date et heure (UTC)</th><th>Mode</th></tr></thead><tbody>";
  for (auto& p : cert["signatories"]) {
    std::string status = p["status"].get<std::string>();
    std::string status_fr = status == "signed"     ? "a signé"
                            : status == "declined" ? "a refusé"
                            : status == "replaced" ? "remplacé·e"
                                                   : "en attente";
    h << "<tr><td>" << s(p["name"]);
    if (p["delegation"].is_object())
      h << "<br>représenté·e par " << s(p["delegation"]["name"]) << " (délégation "
        << s(p["delegation"]["reference"]) << ")";
    h << "</td><td>" << s(p["organisation_name"]) << "</td><td>" << s(p["capacity"]);
    if (p["mandate"].is_string() || p["mandate_ref"].is_string())
      h << "<br>" << s(p["mandate"]) << " " << s(p["mandate_ref"]);
    h << "</td><td>" << status_fr;
    if (status == "replaced" && p["replaced_reason"].is_string())
      h << " (" << s(p["replaced_reason"]) << ")";
    h << "</td><td>" << s(p["signed_at"]) << "</td><td>"
      << (p["method"].is_string() ? html_escape(method_fr(p["method"].get<std::string>()))
                                  : std::string("—"));
    if (p["file_hash"].is_string()) h << "<br>fichier : <code>" << s(p["file_hash"]) << "</code>";
    h << "</td></tr>";
  }
  h << "</tbody></table>";
  h << "<h2>Validations par les conseils d'administration</h2>";
  if (cert["validations"].is_array() && !cert["validations"].empty()) {
    h << "<ul>";
    for (auto& v : cert["validations"]) {
      std::string line;
      for (auto& [k, val] : v.items())
        if (val.is_string() || val.is_number_integer())
          line += (line.empty() ? "" : " · ") + html_escape(k) + " : " +
                  (val.is_string() ? html_escape(val.get<std::string>()) : val.dump());
      h << "<li>" << line << "</li>";
    }
    h << "</ul>";
  } else {
    h << "<p>Aucune validation n'est enregistrée pour cette version.</p>";
  }
  h << "<h2>Preuve et vérification</h2><p>Journal chaîné : "
    << cert["trail"]["entries"].get<std::int64_t>() << " entrées ; tête <code>"
    << s(cert["trail"]["head"]) << "</code>.</p>"
    << "<p>Clé de scellement du serveur (Ed25519), empreinte SHA-256 :<br><code>"
    << s(cert["key"]["fingerprint_grouped"])
    << "</code></p><p>Vérification hors ligne du dossier de preuve : <code>pacte verify "
       "dossier.json --key "
    << s(cert["key"]["fingerprint"]) << "</code></p>";
  h << "<h2>Valeur juridique</h2><p>" << html_escape(kLawFr) << "</p><p lang=\"en\">"
    << html_escape(kLawEn) << "</p>";
  h << "<p><small>Certificat émis le " << s(cert["issued_at"])
    << " (UTC).</small></p></main></body></html>";
  return h.str();
}

/// The campaign of `/p/signatures/<name>/<id>` if the caller may see it.
std::optional<Campaign> resource_campaign(Context& ctx, const pacte::ResourceRequest& req) {
  if (req.caller.person == 0 || req.rest.empty() || req.rest.size() > 18) return std::nullopt;
  for (char ch : req.rest)
    if (ch < '0' || ch > '9') return std::nullopt;
  auto c = load_campaign(ctx, std::stoll(req.rest));
  if (!c || ctx.role_of(req.caller.person, c->workspace) < Role::observer) return std::nullopt;
  return c;
}

Result resource_not_found() {
  return Result::fail(ErrorCode::not_found, "no such campaign", "campagne introuvable");
}

// --- Timers -----------------------------------------------------------------------------------

/// Blanks addresses and user agents kept beside the trail once their retention has passed;
/// the trail keeps their salted hashes, which then prove nothing about anyone.
void retention_sweep(Context& ctx) {
  std::vector<std::int64_t> campaigns;
  auto& q = ctx.sql("SELECT DISTINCT campaign_id FROM signatures_personal WHERE erased_at IS NULL");
  while (q.step()) campaigns.push_back(q.int64(0));
  q.reset();
  TimePoint now = ctx.now();
  for (auto id : campaigns) {
    auto c = load_campaign(ctx, id);
    if (!c) continue;
    std::string cutoff =
        format_time(now - std::chrono::hours(24) * c->settings.personal_retention_days);
    auto& u = ctx.sql(
        "UPDATE signatures_personal SET address = NULL, user_agent = NULL, salt = NULL, erased_at "
        "= ? "
        "WHERE campaign_id = ? AND erased_at IS NULL AND recorded_at < ?");
    u.bind(1, ctx.now_text()).bind(2, id).bind(3, cutoff).run();
  }
}

/// Scheduled reminders: every `remind_every_days`, to whoever has not signed yet.
void scheduled_reminders(Context& ctx) {
  std::vector<std::int64_t> ids;
  auto& q = ctx.sql("SELECT id FROM signatures_campaigns WHERE status = 'open'");
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  TimePoint now = ctx.now();
  for (auto id : ids) {
    auto c = load_campaign(ctx, id);
    if (!c || c->settings.remind_every_days <= 0) continue;
    std::string older_than =
        format_time(now - std::chrono::hours(24) * c->settings.remind_every_days);
    send_reminders(ctx, *c, std::nullopt, 0, older_than);
  }
}

void deadline_reminder(Context& ctx, const Json& payload) {
  auto c = load_campaign(ctx, payload.at("campaign").get<std::int64_t>());
  if (!c || c->status != "completed") return;
  std::string deadline = payload.at("deadline").get<std::string>();
  std::string anniversary = payload.at("anniversary").get<std::string>();
  for (auto person : owners_of(ctx, c->workspace))
    ctx.notify(
        person,
        {.kind = "deadline",
         .workspace = c->workspace,
         .title_fr = "Échéance de préavis le " + deadline + " : " + c->title,
         .title_en = "Notice deadline on " + deadline + ": " + c->title,
         .body_fr =
             "Une résiliation à l'anniversaire du " + anniversary +
             " doit être reçue par lettre recommandée avec accusé de réception au plus tard le " +
             deadline + " (article 6).",
         .body_en = "A termination at the anniversary of " + anniversary +
                    " must be received by registered letter with acknowledgement by " + deadline +
                    " (article 6).",
         .link = link_of(*c)});
}

// --- Import ------------------------------------------------------------------------------------

/// The frozen version of the documents plugin in a workspace (of the document with key
/// `key` if given, else the first one that has a frozen version), if that plugin is present.
std::optional<std::int64_t> frozen_version(Context& ctx, std::int64_t workspace,
                                           const std::string& key) {
  Result docs = ctx.call("documents.list", {{"workspace", workspace}});
  if (!docs.is_ok()) return std::nullopt;
  for (auto& d : docs.value().value("documents", Json::array()))
    if (d.contains("frozen_version") && d["frozen_version"].is_number_integer() &&
        (key.empty() || d.value("key", "") == key))
      return d["frozen_version"].get<std::int64_t>();
  return std::nullopt;
}

/// The campaign /sign works on: the latest open one of the workspace, else the latest.
std::optional<Campaign> current_campaign(Context& ctx, std::int64_t workspace) {
  auto& q = ctx.sql("SELECT id FROM signatures_campaigns WHERE workspace_id = ? ORDER BY status = 'open' DESC, id DESC LIMIT 1");
  q.bind(1, workspace);
  std::optional<std::int64_t> id;
  if (q.step()) id = q.int64(0);
  q.reset();
  if (!id) return std::nullopt;
  return load_campaign(ctx, *id);
}

Result no_campaign(const Call& call) {
  return Result::ok({{"visibility", "ephemeral"},
                     {"text", call.caller.locale == "en" ? "No signature campaign in this workspace."
                                                        : "Aucune campagne de signature dans cet espace."}});
}

void register_commands(pacte::Registrar& r) {
  r.add_command({.command = "sign", .sub = "status", .args = {},
                 .help_fr = "Montre où en sont les signatures", .help_en = "Shows the signatures' progress",
                 .rule = Rule::observer,
                 .run = [](Context& ctx, const Call& call, const Json&) {
                   auto c = current_campaign(ctx, call.workspace);
                   if (!c) return no_campaign(call);
                   Json card = campaign_card(ctx, *c, call.caller.person);
                   std::string text = "**" + c->title + "** : " + card["subtitle"].get<std::string>();
                   for (auto& p : card["progress"])
                     text += "\n- " + p["label"].get<std::string>() + " " + std::to_string(p["done"].get<int>()) + "/" +
                             std::to_string(p["total"].get<int>());
                   return Result::ok({{"visibility", "ephemeral"}, {"text", text}, {"card", card}});
                 }});
  r.add_command({.command = "sign", .sub = "remind",
                 .args = {{.name = "organisation", .type = "organisation", .choices = {}, .optional = true,
                           .help_fr = "Seulement les signataires de cette organisation",
                           .help_en = "Only this organisation's signatories"}},
                 .help_fr = "Relance les signataires en attente", .help_en = "Reminds the pending signatories",
                 .rule = Rule::owner,
                 .run = [](Context& ctx, const Call& call, const Json& parsed) {
                   auto c = current_campaign(ctx, call.workspace);
                   if (!c) return no_campaign(call);
                   Json args = {{"campaign", c->id}};
                   if (parsed.contains("organisation")) args["organisation"] = parsed["organisation"];
                   Result done = ctx.call("signatures.remind", args);
                   if (!done.is_ok()) return done;
                   std::size_t n = done.value()["reminded"].size();
                   bool en = call.caller.locale == "en";
                   std::string text = en ? std::to_string(n) + " reminder(s) sent." : std::to_string(n) + " rappel(s) envoyé(s).";
                   return Result::ok({{"visibility", "ephemeral"}, {"text", text}});
                 }});
}

}  // namespace

std::string SignaturesPlugin::name() const {
  return "signatures";
}
std::string SignaturesPlugin::version() const {
  return PACTE_SIGNATURES_VERSION;
}
std::string SignaturesPlugin::title_fr() const {
  return "Signatures";
}
std::string SignaturesPlugin::title_en() const {
  return "Signatures";
}

std::vector<pacte::Migration> SignaturesPlugin::migrations() const {
  return {{1, R"SQL(
CREATE TABLE signatures_keys (
  id INTEGER PRIMARY KEY CHECK (id = 1),  -- one sealing key per server
  public_key TEXT NOT NULL,               -- hex, 32 bytes
  secret_key TEXT NOT NULL,               -- hex, 64 bytes (libsodium crypto_sign)
  created_at TEXT NOT NULL
);
CREATE TABLE signatures_campaigns (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL,
  title TEXT NOT NULL,
  document TEXT NOT NULL DEFAULT 'null',  -- JSON {document, version, number, label} from the documents plugin
  text TEXT NOT NULL,                     -- the campaign's own copy of the frozen text
  version_hash TEXT NOT NULL,             -- hex SHA-256 of text
  validations TEXT NOT NULL DEFAULT '[]', -- JSON, board validations copied from the version
  settings TEXT NOT NULL,                 -- JSON: durations, time zone, reminders, retention
  status TEXT NOT NULL DEFAULT 'open',    -- open | completed
  created_by INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  completed_at TEXT,                      -- time of the signature that completed it
  effective_date TEXT                     -- YYYY-MM-DD in the campaign's time zone
);
CREATE INDEX signatures_campaigns_workspace ON signatures_campaigns(workspace_id, id);
CREATE TABLE signatures_rules (
  campaign_id INTEGER NOT NULL REFERENCES signatures_campaigns(id),
  organisation_id INTEGER NOT NULL,
  rule TEXT NOT NULL,                     -- all | any | one
  n INTEGER NOT NULL DEFAULT 0,           -- for any: signatures needed
  PRIMARY KEY (campaign_id, organisation_id)
) WITHOUT ROWID;
CREATE TABLE signatures_signatories (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES signatures_campaigns(id),
  position INTEGER NOT NULL,
  person_id INTEGER NOT NULL,
  organisation_id INTEGER NOT NULL,
  capacity TEXT NOT NULL,
  mandate TEXT,
  mandate_ref TEXT,
  delegate_person_id INTEGER,
  delegate_ref TEXT,
  status TEXT NOT NULL DEFAULT 'pending', -- pending | opened | signed | declined | replaced
  opened_at TEXT,
  signed_at TEXT,
  method TEXT,                            -- in_app | paper | qualified_eidas | other_service
  authentication TEXT,
  signed_by INTEGER,
  decline_reason TEXT,
  declined_at TEXT,
  replaced_by INTEGER,
  replaced_reason TEXT,
  reminders INTEGER NOT NULL DEFAULT 0,
  last_reminded_at TEXT,
  attachment_id INTEGER,
  file_hash TEXT
);
CREATE INDEX signatures_signatories_campaign ON signatures_signatories(campaign_id, position);
CREATE TABLE signatures_trail (
  campaign_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  at TEXT NOT NULL,
  body TEXT NOT NULL,                     -- the entry's RFC 8785 canonical JSON
  hash TEXT NOT NULL,                     -- hex SHA-256 of body
  PRIMARY KEY (campaign_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER signatures_trail_no_update BEFORE UPDATE ON signatures_trail
BEGIN SELECT RAISE(ABORT, 'signatures_trail is append-only'); END;
CREATE TRIGGER signatures_trail_no_delete BEFORE DELETE ON signatures_trail
BEGIN SELECT RAISE(ABORT, 'signatures_trail is append-only'); END;
CREATE TABLE signatures_seals (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,                   -- the trail entry whose hash is sealed
  body TEXT NOT NULL,                     -- canonical JSON of the seal
  signature TEXT NOT NULL                 -- hex Ed25519 signature of body
);
CREATE INDEX signatures_seals_campaign ON signatures_seals(campaign_id, id);
CREATE TRIGGER signatures_seals_no_update BEFORE UPDATE ON signatures_seals
BEGIN SELECT RAISE(ABORT, 'signatures_seals is append-only'); END;
CREATE TRIGGER signatures_seals_no_delete BEFORE DELETE ON signatures_seals
BEGIN SELECT RAISE(ABORT, 'signatures_seals is append-only'); END;
CREATE TABLE signatures_personal (        -- beside the trail, erasable: the trail holds salted hashes
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL,
  signatory_id INTEGER NOT NULL,
  trail_seq INTEGER NOT NULL,
  salt TEXT,
  address TEXT,
  user_agent TEXT,
  recorded_at TEXT NOT NULL,
  erased_at TEXT
);
CREATE INDEX signatures_personal_pending ON signatures_personal(erased_at, campaign_id);
CREATE TABLE signatures_terminations (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL,
  organisation_id INTEGER NOT NULL,
  sent_on TEXT NOT NULL,
  received_on TEXT NOT NULL,
  anniversary TEXT,
  deadline TEXT,
  late INTEGER NOT NULL,
  recorded_by INTEGER NOT NULL,
  recorded_at TEXT NOT NULL
);
)SQL"}};
}

void SignaturesPlugin::register_operations(pacte::Registrar& r) {
  register_commands(r);
  r.add_scope("campaign", [](Context& ctx, std::int64_t id) -> std::optional<std::int64_t> {
    auto& q = ctx.sql("SELECT workspace_id FROM signatures_campaigns WHERE id = ?");
    q.bind(1, id);
    std::optional<std::int64_t> workspace;
    if (q.step()) workspace = q.int64(0);
    q.reset();
    return workspace;
  });

  const Json hash = {{"type", "string"}, {"minLength", 64}, {"maxLength", 64}};
  const Json date = {
      {"type", "string"}, {"minLength", 10}, {"maxLength", 10}, {"description", "YYYY-MM-DD"}};
  const Json signatory_item = object_schema({{"person", id_schema()},
                                             {"organisation", id_schema()},
                                             {"capacity", string_schema(1, 100)},
                                             {"mandate", string_schema(1, 300)},
                                             {"mandate_ref", string_schema(1, 100)}},
                                            {"person", "organisation"});
  const Json rule_item =
      object_schema({{"organisation", id_schema()},
                     {"rule", {{"type", "string"}, {"enum", {"all", "any", "one"}}}},
                     {"n", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxSignatories}}}},
                    {"organisation", "rule"});
  Json text = {{"type", "string"}, {"minLength", 1}, {"maxLength", 2000000}};
  Json settings = {{"type", "object"},
                   {"description", "durations (months), time_zone, reminders, retention"}};

  r.add({.name = "signatures.campaign.create",
         .schema = object_schema(
             {{"workspace", id_schema()},
              {"version", id_schema()},
              {"title", string_schema(1, 300)},
              {"text", text},
              {"signatories",
               {{"type", "array"}, {"maxItems", kMaxSignatories}, {"items", signatory_item}}},
              {"rules", {{"type", "array"}, {"maxItems", kMaxSignatories}, {"items", rule_item}}},
              {"settings", settings}},
             {"workspace"}),
         .rule = Rule::owner,
         .change = true,
         .handler = create_campaign});
  r.add({.name = "signatures.campaign.list",
         .schema = object_schema({{"workspace", id_schema()}}, {"workspace"}),
         .rule = Rule::observer,
         .handler = list_campaigns});
  r.add({.name = "signatures.campaign.get",
         .schema = object_schema({{"campaign", id_schema()}}, {"campaign"}),
         .rule = Rule::observer,
         .handler = get_campaign});
  r.add({.name = "signatures.signatory.add",
         .schema = object_schema({{"campaign", id_schema()},
                                  {"person", id_schema()},
                                  {"organisation", id_schema()},
                                  {"capacity", string_schema(1, 100)},
                                  {"mandate", string_schema(1, 300)},
                                  {"mandate_ref", string_schema(1, 100)}},
                                 {"campaign", "person", "organisation"}),
         .rule = Rule::owner,
         .change = true,
         .handler = add_signatory});
  r.add({.name = "signatures.rule.set",
         .schema = object_schema(
             {{"campaign", id_schema()},
              {"organisation", id_schema()},
              {"rule", {{"type", "string"}, {"enum", {"all", "any", "one"}}}},
              {"n", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxSignatories}}}},
             {"campaign", "organisation", "rule"}),
         .rule = Rule::owner,
         .change = true,
         .handler = set_rule});
  r.add({.name = "signatures.delegate",
         .schema = object_schema({{"campaign", id_schema()},
                                  {"signatory", id_schema()},
                                  {"person", id_schema()},
                                  {"reference", string_schema(1, 200)}},
                                 {"campaign", "signatory", "person", "reference"}),
         .rule = Rule::owner,
         .change = true,
         .handler = delegate});
  r.add({.name = "signatures.sign_link",
         .schema = object_schema({{"campaign", id_schema()}}, {"campaign"}),
         .rule = Rule::member,
         .handler = sign_link});
  r.add({.name = "signatures.open",
         .schema =
             object_schema({{"campaign", id_schema()}, {"signatory", id_schema()}}, {"campaign"}),
         .rule = Rule::member,
         .change = true,
         .handler = open_text});
  r.add({.name = "signatures.sign",
         .schema = object_schema({{"campaign", id_schema()},
                                  {"version_hash", hash},
                                  {"consent_hash", hash},
                                  {"signatory", id_schema()}},
                                 {"campaign", "version_hash", "consent_hash"}),
         .rule = Rule::member,
         .change = true,
         .handler = sign});
  r.add({.name = "signatures.decline",
         .schema = object_schema({{"campaign", id_schema()},
                                  {"reason", string_schema(1, 1000)},
                                  {"signatory", id_schema()}},
                                 {"campaign", "reason"}),
         .rule = Rule::member,
         .change = true,
         .handler = decline});
  r.add({.name = "signatures.reissue",
         .schema = object_schema({{"campaign", id_schema()},
                                  {"signatory", id_schema()},
                                  {"reason", string_schema(1, 1000)}},
                                 {"campaign", "signatory"}),
         .rule = Rule::owner,
         .change = true,
         .handler = reissue});
  r.add({.name = "signatures.replace",
         .schema = object_schema({{"campaign", id_schema()},
                                  {"signatory", id_schema()},
                                  {"person", id_schema()},
                                  {"reason", string_schema(1, 1000)},
                                  {"capacity", string_schema(1, 100)},
                                  {"mandate", string_schema(1, 300)},
                                  {"mandate_ref", string_schema(1, 100)}},
                                 {"campaign", "signatory", "person", "reason"}),
         .rule = Rule::owner,
         .change = true,
         .handler = replace});
  r.add({.name = "signatures.record_outside",
         .schema = object_schema(
             {{"campaign", id_schema()},
              {"signatory", id_schema()},
              {"method",
               {{"type", "string"}, {"enum", {"paper", "qualified_eidas", "other_service"}}}},
              {"attachment", id_schema()},
              {"file_hash", hash},
              {"signed_at", string_schema(1, 40)},
              {"note", string_schema(1, 1000)}},
             {"campaign", "signatory", "method", "attachment", "file_hash"}),
         .rule = Rule::owner,
         .change = true,
         .handler = record_outside});
  r.add({.name = "signatures.remind",
         .schema = object_schema({{"campaign", id_schema()}, {"organisation", id_schema()}},
                                 {"campaign"}),
         .rule = Rule::owner,
         .change = true,
         .handler = remind});
  r.add({.name = "signatures.termination.record",
         .schema = object_schema({{"campaign", id_schema()},
                                  {"organisation", id_schema()},
                                  {"sent_on", date},
                                  {"received_on", date}},
                                 {"campaign", "organisation", "sent_on", "received_on"}),
         .rule = Rule::owner,
         .change = true,
         .handler = record_termination});
  r.add({.name = "signatures.verify",
         .schema = object_schema({{"campaign", id_schema()}}, {"campaign"}),
         .rule = Rule::observer,
         .handler = [](Context& ctx, const Call& call) -> Result {
           auto c = load_campaign(ctx, call.args.at("campaign").get<std::int64_t>());
           if (!c) return no_such_campaign();
           ServerKey key = ServerKey::load_or_create(ctx);
           VerifyReport report =
               EvidenceVerifier::verify(bundle_json(ctx, *c, false), key.fingerprint());
           return Result::ok({{"ok", report.ok()},
                              {"problems", report.problems},
                              {"notes", report.notes},
                              {"entries", report.entries},
                              {"seals", report.seals},
                              {"fingerprint", key.fingerprint()}});
         }});

  r.add_resource(
      "bundle",
      [](Context& ctx, const pacte::ResourceRequest& req, pacte::Resource& out) -> Result {
        auto c = resource_campaign(ctx, req);
        if (!c) return resource_not_found();
        out.content_type = "application/json";
        out.body = bundle_json(ctx, *c, true).dump(1);
        out.filename = "pacte-preuves-campagne-" + std::to_string(c->id) + ".json";
        return Result::ok();
      });
  r.add_resource(
      "certificate",
      [](Context& ctx, const pacte::ResourceRequest& req, pacte::Resource& out) -> Result {
        auto c = resource_campaign(ctx, req);
        if (!c) return resource_not_found();
        Json cert = certificate_json(ctx, *c);
        auto format = req.query.find("format");
        if (format != req.query.end() && format->second == "json") {
          out.content_type = "application/json";
          out.body = cert.dump(1);
          out.filename = "pacte-certificat-campagne-" + std::to_string(c->id) + ".json";
        } else {
          out.content_type = "text/html; charset=utf-8";
          out.body = certificate_html(cert);
        }
        return Result::ok();
      });

  // Both are cheap (indexed, a handful of open campaigns) and compare with the server's
  // clock, so a short period keeps reminders and erasure on time.
  r.add_timer("reminders", std::chrono::seconds(5), scheduled_reminders);
  r.add_timer("retention", std::chrono::seconds(5), retention_sweep);
  r.on_schedule("deadline", deadline_reminder);
}

pacte::Json SignaturesPlugin::export_person(pacte::Context& ctx, std::int64_t person) {
  Json out = Json::array();
  auto& q = ctx.sql(
      "SELECT s.id, c.title, s.capacity, s.status, s.opened_at, s.signed_at, s.method, s.declined_at, s.reminders "
      "FROM signatures_signatories s JOIN signatures_campaigns c ON c.id = s.campaign_id "
      "WHERE s.person_id = ?1 OR s.delegate_person_id = ?1 ORDER BY s.id");
  q.bind(1, person);
  std::vector<std::int64_t> ids;
  while (q.step()) {
    ids.push_back(q.int64(0));
    out.push_back({{"campaign", q.text(1)}, {"capacity", q.text(2)}, {"status", q.text(3)},
                   {"opened_at", q.is_null(4) ? Json(nullptr) : Json(q.text(4))},
                   {"signed_at", q.is_null(5) ? Json(nullptr) : Json(q.text(5))},
                   {"method", q.is_null(6) ? Json(nullptr) : Json(q.text(6))},
                   {"declined_at", q.is_null(7) ? Json(nullptr) : Json(q.text(7))}, {"reminders", q.int64(8)}});
  }
  q.reset();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    Json personal = Json::array();
    auto& p = ctx.sql("SELECT address, user_agent, recorded_at FROM signatures_personal WHERE signatory_id = ? AND erased_at IS NULL");
    p.bind(1, ids[i]);
    while (p.step())
      personal.push_back({{"address", p.is_null(0) ? Json(nullptr) : Json(p.text(0))},
                          {"user_agent", p.is_null(1) ? Json(nullptr) : Json(p.text(1))}, {"recorded_at", p.text(2)}});
    p.reset();
    out[i]["recorded_connection"] = personal;
  }
  return out.empty() ? Json(nullptr) : Json{{"signatures", out}};
}

void SignaturesPlugin::erase_person(pacte::Context& ctx, std::int64_t person) {
  auto& u = ctx.sql(
      "UPDATE signatures_personal SET address = NULL, user_agent = NULL, salt = NULL, erased_at = ? "
      "WHERE erased_at IS NULL AND signatory_id IN "
      "(SELECT id FROM signatures_signatories WHERE person_id = ?2 OR delegate_person_id = ?2)");
  u.bind(1, ctx.now_text()).bind(2, person).run();
}

pacte::Json SignaturesPlugin::export_workspace(pacte::Context& ctx, std::int64_t workspace) {
  std::vector<std::int64_t> ids;
  auto& q = ctx.sql("SELECT id FROM signatures_campaigns WHERE workspace_id = ? ORDER BY id");
  q.bind(1, workspace);
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  Json campaigns = Json::array();
  for (auto id : ids) {
    auto c = load_campaign(ctx, id);
    if (!c) continue;
    Json j = campaign_json(ctx, *c, std::nullopt);
    j["bundle"] = bundle_json(ctx, *c, false);
    campaigns.push_back(std::move(j));
  }
  return Json{{"campaigns", campaigns}};
}

void SignaturesPlugin::import_pact(pacte::Context& ctx, const pacte::PactImport& pact) {
  const Json& cfg = pact.config;
  if (!cfg.is_object()) return;
  auto ws = pact.workspaces.find(cfg.value("workspace", "pacte"));
  if (ws == pact.workspaces.end())
    throw std::runtime_error("signatures: no workspace '" + cfg.value("workspace", "pacte") + "'");

  NewCampaign n;
  n.workspace = ws->second;
  n.created_by = 0;
  if (auto e = read_settings(cfg.value("settings", Json()), n.settings))
    throw std::runtime_error("signatures: " + *e);

  // The pact file itself gives the signatories' order and the signing rules.
  Json file;
  {
    std::ifstream in(pact.directory / (pact.pact_key + ".json"));
    if (in) file = Json::parse(in, nullptr, false);
  }
  std::map<std::string, Json> mandates;
  if (cfg.contains("mandates") && cfg["mandates"].is_object())
    for (auto& [key, m] : cfg["mandates"].items()) mandates[key] = m;
  std::vector<std::string> order = cfg.value("signatories", std::vector<std::string>{});
  if (order.empty() && file.is_object())
    for (auto& p : file.value("people", Json::array())) order.push_back(p.value("key", ""));
  for (auto& key : order) {
    auto person = pact.people.find(key);
    if (person == pact.people.end()) continue;
    for (auto& a : ctx.affiliations(person->second)) {
      if (!a.signatory) continue;
      NewSignatory s{.person = person->second,
                     .organisation = a.organisation,
                     .capacity = a.capacity,
                     .mandate = {},
                     .mandate_ref = {}};
      if (mandates.count(key)) {
        s.mandate = mandates[key].contains("mandate")
                        ? std::optional<std::string>(mandates[key]["mandate"].get<std::string>())
                        : std::nullopt;
        s.mandate_ref =
            mandates[key].contains("reference")
                ? std::optional<std::string>(mandates[key]["reference"].get<std::string>())
                : std::nullopt;
      }
      n.signatories.push_back(s);
    }
  }
  if (file.is_object())
    for (auto& rule : file.value("signing_rules", Json::array())) {
      auto org = pact.organisations.find(rule.value("organisation", ""));
      if (org == pact.organisations.end()) continue;
      RuleRow row;
      if (read_rule(rule, "signing_rules", row)) continue;
      n.rules.emplace_back(org->second, row);
    }

  // The frozen version of the documents plugin, when it is there; else the text of this section.
  if (auto version = frozen_version(ctx, n.workspace, cfg.value("document", ""))) {
    Result got = ctx.call("documents.version.get", {{"version", *version}});
    if (got.is_ok()) {
      Json v = got.value().value("version", Json::object());
      n.text = v.value("canonical", "");
      n.version_hash = v.value("hash", "");
      n.document = {{"document", v.value("document", Json())},
                    {"version", *version},
                    {"number", v.value("number", Json())},
                    {"label", v.value("label", Json())}};
      n.validations = v.value("validations", Json::array());
    }
  }
  if (n.text.empty()) {
    std::string path = cfg.value("fallback_text", "");
    if (path.empty()) return;  // no text to sign: no demo campaign
    std::ifstream in(pact.directory / path, std::ios::binary);
    if (!in)
      throw std::runtime_error("signatures: cannot read " + (pact.directory / path).string());
    std::stringstream buf;
    buf << in.rdbuf();
    n.text = buf.str();
    n.version_hash = sha256_hex(n.text);
    ctx.log("info", "signatures.import", {{"source", "fallback_text"}, {"path", path}});
  } else {
    ctx.log("info", "signatures.import",
            {{"source", "documents"}, {"version", n.document["version"]}});
  }
  n.title = cfg.value("title", "Pacte de coopération");
  store_campaign(ctx, n);
}

}  // namespace pacte_signatures

std::unique_ptr<pacte::Plugin> make_plugin_signatures() {
  return std::make_unique<pacte_signatures::SignaturesPlugin>();
}
