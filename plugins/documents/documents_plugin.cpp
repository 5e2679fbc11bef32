#include "documents_plugin.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "canonical_form.hpp"
#include "document_export.hpp"
#include "pacte/util.hpp"
#include "section_diff.hpp"
#include "text_diff.hpp"

#ifndef PACTE_DOCUMENTS_VERSION
#define PACTE_DOCUMENTS_VERSION "0.0.0"  // normally read from plugin.json by CMakeLists.txt
#endif

namespace pacte_documents {

namespace {

using pacte::Call;
using pacte::Context;
using pacte::ErrorCode;
using pacte::id_schema;
using pacte::Json;
using pacte::object_schema;
using pacte::Result;
using pacte::Role;
using pacte::Rule;
using pacte::string_schema;

constexpr int kMaxSections = 300;
constexpr int kMaxBody = 20000;  // code points of one section's body
constexpr int kMaxHeading = 300;
constexpr int kListLimit = 500;

// --- Stored objects ---------------------------------------------------------------------

struct Document {
  std::int64_t id = 0;
  std::int64_t workspace = 0;
  std::string key;
  std::string title;
  std::int64_t created_by = 0;
  std::string created_at;
};

struct Version {
  std::int64_t id = 0;
  std::int64_t document = 0;
  std::int64_t number = 0;
  std::optional<std::int64_t> parent;
  std::string label;
  std::string status;  // draft, proposed, under_review, frozen, superseded
  std::optional<std::int64_t> author;
  std::string created_at;
  std::string status_at;
  std::string hash;
  std::optional<std::string> frozen_at;
  std::optional<std::int64_t> frozen_by;
};

std::optional<Document> load_document(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql(
      "SELECT id, workspace_id, key, title, created_by, created_at FROM documents_documents WHERE "
      "id = ?");
  q.bind(1, id);
  if (!q.step()) {
    q.reset();
    return std::nullopt;
  }
  Document d{q.int64(0), q.int64(1), q.text(2), q.text(3), q.opt_int64(4).value_or(0), q.text(5)};
  q.reset();
  return d;
}

std::optional<Version> load_version(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql(
      "SELECT id, document_id, number, parent_id, label, status, author, created_at, status_at, "
      "hash, frozen_at, "
      "frozen_by FROM documents_versions WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) {
    q.reset();
    return std::nullopt;
  }
  Version v;
  v.id = q.int64(0);
  v.document = q.int64(1);
  v.number = q.int64(2);
  v.parent = q.opt_int64(3);
  v.label = q.text(4);
  v.status = q.text(5);
  v.author = q.opt_int64(6);
  v.created_at = q.text(7);
  v.status_at = q.text(8);
  v.hash = q.text(9);
  v.frozen_at = q.opt_text(10);
  v.frozen_by = q.opt_int64(11);
  q.reset();
  return v;
}

std::vector<Section> load_sections(Context& ctx, std::int64_t version) {
  std::vector<Section> out;
  auto& q = ctx.sql(
      "SELECT key, heading, body FROM documents_sections WHERE version_id = ? ORDER BY position");
  q.bind(1, version);
  while (q.step()) out.push_back({q.text(0), q.text(1), q.text(2)});
  q.reset();
  return out;
}

/// Replaces a version's sections (already normalised) and stores its hashes.
CanonicalForm store_sections(Context& ctx, std::int64_t version,
                             const std::vector<Section>& sections) {
  CanonicalForm form = canonical_form(sections);
  ctx.sql("DELETE FROM documents_sections WHERE version_id = ?").bind(1, version).run();
  for (std::size_t i = 0; i < sections.size(); ++i) {
    auto& ins = ctx.sql(
        "INSERT INTO documents_sections(version_id, position, key, heading, body, hash) VALUES "
        "(?,?,?,?,?,?)");
    ins.bind(1, version)
        .bind(2, static_cast<std::int64_t>(i))
        .bind(3, sections[i].key)
        .bind(4, sections[i].heading)
        .bind(5, sections[i].body)
        .bind(6, form.section_hashes[i])
        .run();
  }
  ctx.sql("UPDATE documents_versions SET hash = ? WHERE id = ?")
      .bind(1, form.hash)
      .bind(2, version)
      .run();
  return form;
}

/// Organisations by id (name, key, short), from the core's directory.
std::map<std::int64_t, Json> organisations(Context& ctx) {
  std::map<std::int64_t, Json> out;
  Result r = ctx.call("orgs.list", Json::object());
  if (!r.is_ok()) return out;
  for (auto& o : r.value().value("organisations", Json::array()))
    out[o.at("id").get<std::int64_t>()] = o;
  return out;
}

std::string org_name(const std::map<std::int64_t, Json>& orgs, std::int64_t id) {
  auto it = orgs.find(id);
  return it == orgs.end() ? "#" + std::to_string(id) : it->second.value("name", "");
}

std::string subject_of(std::int64_t document) {
  return "document:" + std::to_string(document);
}

// --- Errors -------------------------------------------------------------------------------

Result no_such(const char* what_en, const char* what_fr, const char* field) {
  return Result::fail(ErrorCode::not_found, std::string("no such ") + what_en,
                      std::string(what_fr) + " introuvable", field);
}

Result bad(const std::string& field, const std::string& en, const std::string& fr) {
  return Result::fail(ErrorCode::bad_request, field + ": " + en, field + " : " + fr, field);
}

Result not_editable(const Version& v) {
  if (v.status == "frozen" || v.status == "superseded")
    return Result::fail(
        ErrorCode::conflict, "version " + std::to_string(v.number) + " is frozen: it cannot change",
        "la version " + std::to_string(v.number) + " est figée : elle ne peut plus changer",
        "args.version");
  return Result::fail(
      ErrorCode::conflict,
      "version " + std::to_string(v.number) + " is " + v.status + ": only a draft can be edited",
      "la version " + std::to_string(v.number) +
          " n'est plus un brouillon : seul un brouillon se modifie",
      "args.version");
}

// --- Validations and the freeze check -------------------------------------------------------

struct Required {
  std::int64_t organisation = 0;
  std::string body;
};

std::vector<Required> required_of(Context& ctx, std::int64_t document) {
  std::vector<Required> out;
  auto& q = ctx.sql(
      "SELECT organisation_id, body FROM documents_required WHERE document_id = ? ORDER BY "
      "position");
  q.bind(1, document);
  while (q.step()) out.push_back({q.int64(0), q.text(1)});
  q.reset();
  return out;
}

bool approves(const std::string& decision) {
  return decision == "approved" || decision == "approved_with_reservations";
}

/// Validations shown with a version: those recorded on it, and those of its hash recorded
/// on another version of the document (the same text). `matches` says whether the hash
/// the board validated is this version's; only matching ones count.
Json validations_json(Context& ctx, const Version& v, const std::map<std::int64_t, Json>& orgs) {
  Json out = Json::array();
  auto& q = ctx.sql(
      "SELECT id, version_id, organisation_id, hash, body, meeting_date, decision, reference, "
      "minutes_attachment, "
      "minutes_hash, note, recorded_by, recorded_at FROM documents_validations "
      "WHERE document_id = ? AND (version_id = ? OR hash = ?) ORDER BY id");
  q.bind(1, v.document).bind(2, v.id).bind(3, v.hash);
  while (q.step()) {
    std::string date = q.text(5);
    out.push_back({{"id", q.int64(0)},
                   {"version", q.int64(1)},
                   {"organisation", q.int64(2)},
                   {"organisation_name", org_name(orgs, q.int64(2))},
                   {"hash", q.text(3)},
                   {"matches", q.text(3) == v.hash},
                   {"body", q.text(4)},
                   {"meeting_date", date},
                   {"date_precision", date.size() == 7 ? "month" : "day"},
                   {"decision", q.text(6)},
                   {"reference", q.text(7)},
                   {"minutes_attachment", q.is_null(8) ? Json(nullptr) : Json(q.int64(8))},
                   {"minutes_hash", q.is_null(9) ? Json(nullptr) : Json(q.text(9))},
                   {"note", q.text(10)},
                   {"recorded_by", q.is_null(11) ? Json(nullptr) : Json(q.int64(11))},
                   {"recorded_at", q.text(12)}});
  }
  q.reset();
  return out;
}

/// For each organisation that must validate: its latest validation of this exact hash
/// decides. Returns {ready, required: [{organisation, organisation_name, body, state}]},
/// state: approved | rejected | other_hash (only validations of another text) | missing.
Json freeze_check(Context& ctx, const Version& v, const Json& validations,
                  const std::map<std::int64_t, Json>& orgs) {
  Json required = Json::array();
  bool ready = true;
  auto req = required_of(ctx, v.document);
  for (auto& r : req) {
    std::string state = "missing";
    Json decided = nullptr;
    for (auto& val : validations) {
      if (val["organisation"] != r.organisation) continue;
      if (val["matches"] == true) {
        state = approves(val["decision"]) ? "approved" : "rejected";
        decided = val["id"];
      } else if (state == "missing") {
        state = "other_hash";
      }
    }
    if (state != "approved") ready = false;
    required.push_back({{"organisation", r.organisation},
                        {"organisation_name", org_name(orgs, r.organisation)},
                        {"body", r.body},
                        {"state", state},
                        {"validation", decided}});
  }
  return {{"ready", ready && !req.empty()}, {"required", required}};
}

// --- JSON shapes --------------------------------------------------------------------------

Json version_summary(const Version& v) {
  return {{"id", v.id},
          {"document", v.document},
          {"number", v.number},
          {"parent", v.parent ? Json(*v.parent) : Json(nullptr)},
          {"label", v.label},
          {"status", v.status},
          {"author", v.author ? Json(*v.author) : Json(nullptr)},
          {"created_at", v.created_at},
          {"status_at", v.status_at},
          {"hash", v.hash},
          {"frozen_at", v.frozen_at ? Json(*v.frozen_at) : Json(nullptr)},
          {"frozen_by", v.frozen_by ? Json(*v.frozen_by) : Json(nullptr)}};
}

/// The whole version: sections with hashes, the canonical text, validations, and whether
/// it may be frozen.
Json version_full(Context& ctx, const Version& v) {
  Json out = version_summary(v);
  auto sections = load_sections(ctx, v.id);
  CanonicalForm form = canonical_form(sections);
  Json list = Json::array();
  for (std::size_t i = 0; i < sections.size(); ++i)
    list.push_back({{"key", sections[i].key},
                    {"heading", sections[i].heading},
                    {"body", sections[i].body},
                    {"hash", form.section_hashes[i]}});
  out["sections"] = list;
  out["canonical"] = form.text;
  auto orgs = organisations(ctx);
  out["validations"] = validations_json(ctx, v, orgs);
  out["freeze"] = freeze_check(ctx, v, out["validations"], orgs);
  if (auto d = load_document(ctx, v.document)) {
    out["document_title"] = d->title;
    out["document_key"] = d->key;
    out["workspace"] = d->workspace;
  }
  return out;
}

std::optional<std::int64_t> version_id_with_status(Context& ctx, std::int64_t document,
                                                   const char* status) {
  auto& q = ctx.sql(
      "SELECT id FROM documents_versions WHERE document_id = ? AND status = ? ORDER BY number DESC "
      "LIMIT 1");
  q.bind(1, document).bind(2, status);
  std::optional<std::int64_t> id;
  if (q.step()) id = q.int64(0);
  q.reset();
  return id;
}

std::optional<std::int64_t> latest_version_id(Context& ctx, std::int64_t document) {
  auto& q = ctx.sql(
      "SELECT id FROM documents_versions WHERE document_id = ? ORDER BY number DESC LIMIT 1");
  q.bind(1, document);
  std::optional<std::int64_t> id;
  if (q.step()) id = q.int64(0);
  q.reset();
  return id;
}

Json document_summary(Context& ctx, const Document& d) {
  auto latest = latest_version_id(ctx, d.id);
  auto frozen = version_id_with_status(ctx, d.id, "frozen");
  return {{"id", d.id},
          {"key", d.key},
          {"title", d.title},
          {"workspace", d.workspace},
          {"created_by", d.created_by ? Json(d.created_by) : Json(nullptr)},
          {"created_at", d.created_at},
          {"latest_version", latest ? Json(*latest) : Json(nullptr)},
          {"frozen_version", frozen ? Json(*frozen) : Json(nullptr)}};
}

/// The ids of a document's versions, oldest first (read before loading each version: the
/// statement is reused by load_version's own queries).
std::vector<std::int64_t> version_ids(Context& ctx, std::int64_t document) {
  auto& q = ctx.sql("SELECT id FROM documents_versions WHERE document_id = ? ORDER BY number");
  q.bind(1, document);
  std::vector<std::int64_t> ids;
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  return ids;
}

Json document_full(Context& ctx, const Document& d) {
  Json out = document_summary(ctx, d);
  auto orgs = organisations(ctx);
  Json required = Json::array();
  for (auto& r : required_of(ctx, d.id))
    required.push_back({{"organisation", r.organisation},
                        {"organisation_name", org_name(orgs, r.organisation)},
                        {"body", r.body}});
  out["required_validations"] = required;
  Json versions = Json::array();
  for (auto id : version_ids(ctx, d.id))
    if (auto v = load_version(ctx, id)) versions.push_back(version_summary(*v));
  out["versions"] = versions;
  return out;
}

struct Proposal {
  std::int64_t id = 0;
  std::int64_t document = 0;
  std::int64_t version = 0;
  std::string kind;  // replace, insert_after, delete
  std::string section;
  std::optional<std::string> new_key, heading, body;
  std::string rationale;
  std::int64_t author = 0;
  std::int64_t organisation = 0;
  std::string status;
  std::string created_at;
  std::optional<std::int64_t> decided_by;
  std::optional<std::string> decided_at, decision_note;
  std::optional<std::int64_t> merged_version;
};

std::optional<Proposal> load_proposal(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql(
      "SELECT id, document_id, version_id, kind, section_key, new_key, heading, body, rationale, "
      "author, "
      "organisation_id, status, created_at, decided_by, decided_at, decision_note, "
      "merged_version_id "
      "FROM documents_proposals WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) {
    q.reset();
    return std::nullopt;
  }
  Proposal p;
  p.id = q.int64(0);
  p.document = q.int64(1);
  p.version = q.int64(2);
  p.kind = q.text(3);
  p.section = q.text(4);
  p.new_key = q.opt_text(5);
  p.heading = q.opt_text(6);
  p.body = q.opt_text(7);
  p.rationale = q.text(8);
  p.author = q.int64(9);
  p.organisation = q.int64(10);
  p.status = q.text(11);
  p.created_at = q.text(12);
  p.decided_by = q.opt_int64(13);
  p.decided_at = q.opt_text(14);
  p.decision_note = q.opt_text(15);
  p.merged_version = q.opt_int64(16);
  q.reset();
  return p;
}

std::int64_t comment_count(Context& ctx, std::int64_t proposal) {
  auto& q = ctx.sql("SELECT COUNT(*) FROM documents_comments WHERE proposal_id = ?");
  q.bind(1, proposal);
  std::int64_t n = q.step() ? q.int64(0) : 0;
  q.reset();
  return n;
}

/// A proposal with the base section and a word diff of what it changes.
Json proposal_json(Context& ctx, const Proposal& p, const std::map<std::int64_t, Json>& orgs) {
  auto opt = [](const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); };
  Json out = {{"id", p.id},
              {"document", p.document},
              {"version", p.version},
              {"kind", p.kind},
              {"section", p.section},
              {"new_key", opt(p.new_key)},
              {"heading", opt(p.heading)},
              {"body", opt(p.body)},
              {"rationale", p.rationale},
              {"author", p.author},
              {"organisation", p.organisation},
              {"organisation_name", org_name(orgs, p.organisation)},
              {"status", p.status},
              {"created_at", p.created_at},
              {"decided_by", p.decided_by ? Json(*p.decided_by) : Json(nullptr)},
              {"decided_at", opt(p.decided_at)},
              {"decision_note", opt(p.decision_note)},
              {"merged_version", p.merged_version ? Json(*p.merged_version) : Json(nullptr)},
              {"comments", comment_count(ctx, p.id)}};
  std::optional<Section> base;
  for (auto& s : load_sections(ctx, p.version))
    if (s.key == p.section) base = s;
  Json diff = Json::array();
  if (base) {
    std::string before = p.kind == "insert_after" ? "" : base->body;
    std::string after = p.kind == "delete" ? "" : p.body.value_or(base->body);
    for (auto& part : word_diff(before, after))
      diff.push_back({{"op", to_string(part.kind)}, {"text", part.text}});
    out["base_heading"] = base->heading;
    out["base_body"] = base->body;
  }
  out["diff"] = diff;
  return out;
}

// --- Notifications ------------------------------------------------------------------------

void notify_owners(Context& ctx, std::int64_t workspace, std::int64_t except,
                   const pacte::Notification& n) {
  for (auto& m : ctx.members(workspace))
    if (m.role == Role::owner && m.person != except) ctx.notify(m.person, n);
}

std::string link_to(const Document& d, std::string_view extra = {}) {
  return "#/w/" + std::to_string(d.workspace) + "/p/documents?document=" + std::to_string(d.id) +
         std::string(extra);
}

// --- Input -----------------------------------------------------------------------------------

/// Normalised sections from a JSON array, or the error to answer.
std::optional<Result> parse_sections(const Json& given, const std::string& field,
                                     std::vector<Section>& out) {
  std::set<std::string> keys;
  if (given.size() > static_cast<std::size_t>(kMaxSections))
    return bad(field, "at most " + std::to_string(kMaxSections) + " sections",
               "au plus " + std::to_string(kMaxSections) + " sections");
  for (std::size_t i = 0; i < given.size(); ++i) {
    std::string f = field + "[" + std::to_string(i) + "]";
    const Json& s = given[i];
    std::string key = s.at("key").get<std::string>();
    if (!valid_key(key))
      return bad(
          f + ".key", "1 to 64 of a-z 0-9 . _ -, starting with a letter or digit",
          "de 1 à 64 caractères parmi a-z 0-9 . _ -, commençant par une lettre ou un chiffre");
    if (!keys.insert(key).second)
      return bad(f + ".key", "duplicate key " + key, "clé en double " + key);
    auto heading = normalize_heading(s.value("heading", ""));
    auto body = normalize_body(s.value("body", ""));
    if (!heading || !body) return bad(f, "not valid UTF-8", "UTF-8 invalide");
    out.push_back({key, *heading, *body});
  }
  return std::nullopt;
}

Json section_schema() {
  return object_schema({{"key", string_schema(1, 64)},
                        {"heading", string_schema(0, kMaxHeading)},
                        {"body", string_schema(0, kMaxBody)}},
                       {"key"});
}

bool valid_month_or_day(const std::string& date) {
  auto digits = [&](std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i)
      if (i >= date.size() || date[i] < '0' || date[i] > '9') return false;
    return true;
  };
  if (date.size() != 7 && date.size() != 10) return false;
  if (!digits(0, 4) || date[4] != '-' || !digits(5, 2)) return false;
  int month = std::stoi(date.substr(5, 2));
  if (month < 1 || month > 12) return false;
  if (date.size() == 7) return true;
  if (date[7] != '-' || !digits(8, 2)) return false;
  int year = std::stoi(date.substr(0, 4)), day = std::stoi(date.substr(8, 2));
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max = days[month - 1] +
            (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0) ? 1 : 0);
  return day >= 1 && day <= max;
}

bool valid_hash(const std::string& h) {
  return h.size() == 64 && std::all_of(h.begin(), h.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// --- Core actions (shared by handlers and the import) ---------------------------------------

Version create_version(Context& ctx, const Document& d, std::optional<std::int64_t> parent,
                       const std::string& label, std::optional<std::int64_t> author,
                       const std::vector<Section>& sections) {
  auto& n =
      ctx.sql("SELECT COALESCE(MAX(number), 0) + 1 FROM documents_versions WHERE document_id = ?");
  n.bind(1, d.id);
  n.step();
  std::int64_t number = n.int64(0);
  n.reset();
  std::string now = ctx.now_text();
  std::string name = label.empty() ? "Version " + std::to_string(number) : label;
  auto& ins = ctx.sql(
      "INSERT INTO documents_versions(document_id, number, parent_id, label, status, author, "
      "created_at, status_at, hash) "
      "VALUES (?,?,?,?, 'draft', ?,?,?, '')");
  ins.bind(1, d.id)
      .bind(2, number)
      .bind(3, parent)
      .bind(4, name)
      .bind(5, author)
      .bind(6, now)
      .bind(7, now)
      .run();
  std::int64_t id = ctx.last_insert_id();
  store_sections(ctx, id, sections);
  auto v = load_version(ctx, id);
  ctx.append_event(d.workspace, "documents.version_created", {{"version", version_summary(*v)}},
                   subject_of(d.id));
  return *v;
}

void set_status(Context& ctx, const Document& d, Version& v, const std::string& status) {
  std::string now = ctx.now_text();
  ctx.sql("UPDATE documents_versions SET status = ?, status_at = ? WHERE id = ?")
      .bind(1, status)
      .bind(2, now)
      .bind(3, v.id)
      .run();
  v.status = status;
  v.status_at = now;
  ctx.append_event(d.workspace, "documents.version_updated", {{"version", version_summary(v)}},
                   subject_of(d.id));
}

/// Freezes `v` when every required organisation approved its exact hash; else the error.
std::optional<Result> freeze(Context& ctx, const Document& d, Version& v,
                             std::optional<std::int64_t> by) {
  if (v.status == "frozen" || v.status == "superseded")
    return Result::fail(ErrorCode::conflict, "this version is already frozen",
                        "cette version est déjà figée", "args.version");
  if (v.status != "under_review")
    return Result::fail(ErrorCode::conflict,
                        "only a version under review can be frozen (this one is " + v.status + ")",
                        "seule une version en cours de validation peut être figée", "args.version");
  auto orgs = organisations(ctx);
  Json validations = validations_json(ctx, v, orgs);
  Json check = freeze_check(ctx, v, validations, orgs);
  if (check["ready"] != true) {
    if (check["required"].empty())
      return Result::fail(ErrorCode::conflict,
                          "no organisation is required to validate this document: set them first",
                          "aucune organisation n'est désignée pour valider ce texte",
                          "args.version");
    std::string en, fr;
    for (auto& r : check["required"]) {
      std::string state = r["state"], name = r["organisation_name"];
      if (state == "approved") continue;
      if (!en.empty()) en += "; ", fr += " ; ";
      if (state == "other_hash") {
        en += name + " validated another text (another hash)";
        fr += name + " a validé un autre texte (autre empreinte)";
      } else if (state == "rejected") {
        en += name + " did not approve this text";
        fr += name + " n'a pas approuvé ce texte";
      } else {
        en += name + " has not validated this text";
        fr += name + " n'a pas validé ce texte";
      }
    }
    return Result::fail(ErrorCode::conflict, "Cannot freeze: " + en + ".",
                        "Impossible de figer : " + fr + ".", "args.version");
  }
  std::vector<std::int64_t> previous;
  auto& q =
      ctx.sql("SELECT id FROM documents_versions WHERE document_id = ? AND status = 'frozen'");
  q.bind(1, d.id);
  while (q.step()) previous.push_back(q.int64(0));
  q.reset();
  for (auto id : previous)
    if (auto old = load_version(ctx, id)) set_status(ctx, d, *old, "superseded");
  std::string now = ctx.now_text();
  ctx.sql(
         "UPDATE documents_versions SET status = 'frozen', status_at = ?, frozen_at = ?, frozen_by "
         "= ? WHERE id = ?")
      .bind(1, now)
      .bind(2, now)
      .bind(3, by)
      .bind(4, v.id)
      .run();
  v = *load_version(ctx, v.id);
  ctx.append_event(d.workspace, "documents.frozen", {{"version", version_summary(v)}},
                   subject_of(d.id));
  ctx.post_activity(
      d.workspace,
      pacte::Activity{.thread_key = "document:" + std::to_string(d.id),
                      .thread_title = "Texte : " + d.title,
                      .thread_title_en = "Text: " + d.title,
                      .text = "Version " + std::to_string(v.number) + " de **" + d.title +
                              "** figée (empreinte " + v.hash.substr(0, 12) + "…).",
                      .text_en = "Version " + std::to_string(v.number) + " of **" + d.title +
                                 "** frozen (fingerprint " + v.hash.substr(0, 12) + "…).",
                      .card = nullptr});
  for (auto& m : ctx.members(d.workspace)) {
    if (by && m.person == *by) continue;
    ctx.notify(
        m.person,
        {.kind = "document",
         .workspace = d.workspace,
         .title_fr = "Texte figé : " + d.title + " (version " + std::to_string(v.number) + ")",
         .title_en = "Text frozen: " + d.title + " (version " + std::to_string(v.number) + ")",
         .body_fr = "Empreinte SHA-256 : " + v.hash,
         .body_en = "SHA-256 hash: " + v.hash,
         .link = link_to(d, "&version=" + std::to_string(v.id))});
  }
  return std::nullopt;
}

struct ValidationInput {
  std::int64_t organisation = 0;
  std::string hash;
  std::string body;
  std::string meeting_date;
  std::string decision;
  std::string reference;
  std::optional<std::int64_t> minutes_attachment;
  std::optional<std::string> minutes_hash;
  std::string note;
};

std::int64_t insert_validation(Context& ctx, const Document& d, const Version& v,
                               const ValidationInput& in, std::optional<std::int64_t> by) {
  auto& ins = ctx.sql(
      "INSERT INTO documents_validations(document_id, version_id, organisation_id, hash, body, "
      "meeting_date, decision, "
      "reference, minutes_attachment, minutes_hash, note, recorded_by, recorded_at) VALUES "
      "(?,?,?,?,?,?,?,?,?,?,?,?,?)");
  ins.bind(1, d.id)
      .bind(2, v.id)
      .bind(3, in.organisation)
      .bind(4, in.hash)
      .bind(5, in.body)
      .bind(6, in.meeting_date)
      .bind(7, in.decision)
      .bind(8, in.reference)
      .bind(9, in.minutes_attachment)
      .bind(10, in.minutes_hash)
      .bind(11, in.note)
      .bind(12, by)
      .bind(13, ctx.now_text())
      .run();
  std::int64_t id = ctx.last_insert_id();
  ctx.append_event(d.workspace, "documents.validation_recorded",
                   {{"version", v.id},
                    {"validation", id},
                    {"organisation", in.organisation},
                    {"hash", in.hash},
                    {"matches", in.hash == v.hash},
                    {"decision", in.decision}},
                   subject_of(d.id));
  return id;
}

// --- Handlers: documents and versions -------------------------------------------------------

Result create_document(Context& ctx, const Call& call) {
  std::string key = call.args.at("key");
  if (!valid_key(key))
    return bad("args.key", "1 to 64 of a-z 0-9 . _ -", "de 1 à 64 caractères parmi a-z 0-9 . _ -");
  auto title = normalize_heading(call.args.at("title").get<std::string>());
  if (!title || title->empty())
    return bad("args.title", "must not be blank", "ne doit pas être vide");
  std::vector<Section> sections;
  if (auto err =
          parse_sections(call.args.value("sections", Json::array()), "args.sections", sections))
    return *err;
  auto& dup = ctx.sql("SELECT 1 FROM documents_documents WHERE workspace_id = ? AND key = ?");
  dup.bind(1, call.workspace).bind(2, key);
  bool exists = dup.step();
  dup.reset();
  if (exists)
    return Result::fail(ErrorCode::conflict, "a document with this key exists in this workspace",
                        "un texte avec cette clé existe déjà dans cet espace", "args.key");
  ctx.sql(
         "INSERT INTO documents_documents(workspace_id, key, title, created_by, created_at) VALUES "
         "(?,?,?,?,?)")
      .bind(1, call.workspace)
      .bind(2, key)
      .bind(3, *title)
      .bind(4, call.caller.person)
      .bind(5, ctx.now_text())
      .run();
  auto d = load_document(ctx, ctx.last_insert_id());
  ctx.append_event(d->workspace, "documents.created", {{"document", document_summary(ctx, *d)}},
                   subject_of(d->id));
  Version v = create_version(ctx, *d, std::nullopt, call.args.value("label", ""),
                             call.caller.person, sections);
  return Result::ok({{"document", document_full(ctx, *d)}, {"version", version_full(ctx, v)}});
}

Result list_documents(Context& ctx, const Call& call) {
  std::vector<std::int64_t> ids;
  auto& q =
      ctx.sql("SELECT id FROM documents_documents WHERE workspace_id = ? ORDER BY id LIMIT ?");
  q.bind(1, call.workspace).bind(2, kListLimit);
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  Json docs = Json::array();
  for (auto id : ids)
    if (auto d = load_document(ctx, id)) docs.push_back(document_summary(ctx, *d));
  return Result::ok({{"documents", docs}});
}

Result get_document(Context& ctx, const Call& call) {
  auto d = load_document(ctx, call.args.at("document").get<std::int64_t>());
  if (!d) return no_such("document", "texte", "args.document");
  return Result::ok({{"document", document_full(ctx, *d)}});
}

Result set_required(Context& ctx, const Call& call) {
  auto d = load_document(ctx, call.args.at("document").get<std::int64_t>());
  if (!d) return no_such("document", "texte", "args.document");
  auto orgs = organisations(ctx);
  const Json& given = call.args.at("required");
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < given.size(); ++i) {
    std::string f = "args.required[" + std::to_string(i) + "]";
    std::int64_t org = given[i].at("organisation");
    if (!orgs.count(org))
      return bad(f + ".organisation", "no such organisation", "organisation inconnue");
    if (!seen.insert(org).second) return bad(f + ".organisation", "listed twice", "en double");
  }
  ctx.sql("DELETE FROM documents_required WHERE document_id = ?").bind(1, d->id).run();
  for (std::size_t i = 0; i < given.size(); ++i) {
    auto body = normalize_heading(given[i].value("body", ""));
    ctx.sql(
           "INSERT INTO documents_required(document_id, organisation_id, body, position) VALUES "
           "(?,?,?,?)")
        .bind(1, d->id)
        .bind(2, given[i].at("organisation").get<std::int64_t>())
        .bind(3, body.value_or(""))
        .bind(4, static_cast<std::int64_t>(i))
        .run();
  }
  Json full = document_full(ctx, *d);
  ctx.append_event(d->workspace, "documents.required_changed",
                   {{"document", d->id}, {"required_validations", full["required_validations"]}},
                   subject_of(d->id));
  return Result::ok({{"document", full}});
}

Result get_version(Context& ctx, const Call& call) {
  auto v = load_version(ctx, call.args.at("version").get<std::int64_t>());
  if (!v) return no_such("version", "version", "args.version");
  return Result::ok({{"version", version_full(ctx, *v)}});
}

Result create_draft(Context& ctx, const Call& call) {
  auto base = load_version(ctx, call.args.at("version").get<std::int64_t>());
  if (!base) return no_such("version", "version", "args.version");
  auto d = load_document(ctx, base->document);
  std::string label;
  if (call.args.contains("label"))
    label = normalize_heading(call.args["label"].get<std::string>()).value_or("");
  Version v =
      create_version(ctx, *d, base->id, label, call.caller.person, load_sections(ctx, base->id));
  return Result::ok({{"version", version_full(ctx, v)}});
}

/// Edits one section of a draft, or adds it when the key is new (after `after`, "" for
/// the start, at the end by default).
Result set_section(Context& ctx, const Call& call) {
  auto v = load_version(ctx, call.args.at("version").get<std::int64_t>());
  if (!v) return no_such("version", "version", "args.version");
  if (v->status != "draft") return not_editable(*v);
  auto d = load_document(ctx, v->document);
  std::string key = call.args.at("key");
  if (!valid_key(key))
    return bad("args.key", "1 to 64 of a-z 0-9 . _ -", "de 1 à 64 caractères parmi a-z 0-9 . _ -");
  auto sections = load_sections(ctx, v->id);
  auto it = std::find_if(sections.begin(), sections.end(),
                         [&](const Section& s) { return s.key == key; });
  std::optional<std::string> heading, body;
  if (call.args.contains("heading")) {
    heading = normalize_heading(call.args["heading"].get<std::string>());
    if (!heading) return bad("args.heading", "not valid UTF-8", "UTF-8 invalide");
  }
  if (call.args.contains("body")) {
    body = normalize_body(call.args["body"].get<std::string>());
    if (!body) return bad("args.body", "not valid UTF-8", "UTF-8 invalide");
  }
  if (it != sections.end()) {
    if (call.args.contains("after"))
      return bad("args.after", "only for a new section", "seulement pour une nouvelle section");
    if (heading) it->heading = *heading;
    if (body) it->body = *body;
  } else {
    if (sections.size() >= static_cast<std::size_t>(kMaxSections))
      return bad("args.key", "too many sections", "trop de sections");
    Section s{key, heading.value_or(""), body.value_or("")};
    if (call.args.contains("after")) {
      std::string after = call.args["after"];
      if (after.empty()) {
        sections.insert(sections.begin(), s);
      } else {
        auto a = std::find_if(sections.begin(), sections.end(),
                              [&](const Section& x) { return x.key == after; });
        if (a == sections.end()) return bad("args.after", "no such section", "section introuvable");
        sections.insert(a + 1, s);
      }
    } else {
      sections.push_back(s);
    }
  }
  store_sections(ctx, v->id, sections);
  v = load_version(ctx, v->id);
  ctx.append_event(d->workspace, "documents.version_updated",
                   {{"version", version_summary(*v)}, {"section", key}}, subject_of(d->id));
  return Result::ok({{"version", version_full(ctx, *v)}});
}

Result remove_section(Context& ctx, const Call& call) {
  auto v = load_version(ctx, call.args.at("version").get<std::int64_t>());
  if (!v) return no_such("version", "version", "args.version");
  if (v->status != "draft") return not_editable(*v);
  auto d = load_document(ctx, v->document);
  std::string key = call.args.at("key");
  auto sections = load_sections(ctx, v->id);
  auto it = std::find_if(sections.begin(), sections.end(),
                         [&](const Section& s) { return s.key == key; });
  if (it == sections.end()) return no_such("section", "section", "args.key");
  sections.erase(it);
  store_sections(ctx, v->id, sections);
  v = load_version(ctx, v->id);
  ctx.append_event(d->workspace, "documents.version_updated",
                   {{"version", version_summary(*v)}, {"section", key}}, subject_of(d->id));
  return Result::ok({{"version", version_full(ctx, *v)}});
}

/// The life cycle: draft → proposed → under_review → frozen; proposed or under_review may
/// go back to draft (reopen) to be edited again.
Result transition(Context& ctx, const Call& call, const std::string& from_a,
                  const std::string& from_b, const std::string& to) {
  auto v = load_version(ctx, call.args.at("version").get<std::int64_t>());
  if (!v) return no_such("version", "version", "args.version");
  auto d = load_document(ctx, v->document);
  if (v->status == "frozen" || v->status == "superseded") return not_editable(*v);
  if (v->status != from_a && v->status != from_b)
    return Result::fail(
        ErrorCode::conflict,
        "version " + std::to_string(v->number) + " is " + v->status + ", not " + from_a,
        "la version " + std::to_string(v->number) + " n'est pas dans l'état requis (" + from_a +
            ")",
        "args.version");
  set_status(ctx, *d, *v, to);
  return Result::ok({{"version", version_full(ctx, *v)}});
}

Result freeze_version(Context& ctx, const Call& call) {
  auto v = load_version(ctx, call.args.at("version").get<std::int64_t>());
  if (!v) return no_such("version", "version", "args.version");
  auto d = load_document(ctx, v->document);
  if (auto err = freeze(ctx, *d, *v, call.caller.person)) return *err;
  return Result::ok({{"version", version_full(ctx, *v)}});
}

Result compare_versions(Context& ctx, const Call& call) {
  auto to = load_version(ctx, call.args.at("version").get<std::int64_t>());
  if (!to) return no_such("version", "version", "args.version");
  auto from = load_version(ctx, call.args.at("base").get<std::int64_t>());
  if (!from || from->document != to->document)  // never reveals a version of another document
    return no_such("version of this document", "version de ce texte", "args.base");
  Json sections = Json::array();
  auto parts = [](const std::vector<DiffPart>& diff) {
    Json out = Json::array();
    for (auto& p : diff) out.push_back({{"op", to_string(p.kind)}, {"text", p.text}});
    return out;
  };
  auto section = [](const std::optional<Section>& s) {
    return s ? Json{{"heading", s->heading}, {"body", s->body}} : Json(nullptr);
  };
  int added = 0, removed = 0, changed = 0, moved = 0;
  for (auto& c : compare_sections(load_sections(ctx, from->id), load_sections(ctx, to->id))) {
    Json item = {{"key", c.key},
                 {"status", to_string(c.status)},
                 {"moved", c.moved},
                 {"before", section(c.before)},
                 {"after", section(c.after)}};
    if (c.status == SectionChange::Status::changed) {
      item["heading_diff"] = parts(c.heading_diff);
      item["body_diff"] = parts(c.body_diff);
      ++changed;
    }
    if (c.status == SectionChange::Status::added) ++added;
    if (c.status == SectionChange::Status::removed) ++removed;
    if (c.moved) ++moved;
    sections.push_back(std::move(item));
  }
  return Result::ok(
      {{"comparison",
        {{"base", version_summary(*from)},
         {"version", version_summary(*to)},
         {"counts",
          {{"added", added}, {"removed", removed}, {"changed", changed}, {"moved", moved}}},
         {"sections", sections}}}});
}

// --- Handlers: proposals and comments -------------------------------------------------------

/// The organisation the caller speaks for: the one given (which must be theirs), or their
/// only one.
std::optional<Result> pick_organisation(Context& ctx, const Call& call, std::int64_t& out) {
  auto affs = ctx.affiliations(call.caller.person);
  if (call.args.contains("organisation")) {
    out = call.args["organisation"];
    for (auto& a : affs)
      if (a.organisation == out) return std::nullopt;
    return Result::fail(ErrorCode::forbidden, "you do not belong to this organisation",
                        "vous n'appartenez pas à cette organisation", "args.organisation");
  }
  if (affs.size() == 1) {
    out = affs[0].organisation;
    return std::nullopt;
  }
  return bad("args.organisation",
             affs.empty() ? "you belong to no organisation" : "say on behalf of which organisation",
             affs.empty() ? "vous n'appartenez à aucune organisation"
                          : "précisez au nom de quelle organisation");
}

Result propose_change(Context& ctx, const Call& call) {
  auto v = load_version(ctx, call.args.at("version").get<std::int64_t>());
  if (!v) return no_such("version", "version", "args.version");
  auto d = load_document(ctx, v->document);
  std::int64_t org = 0;
  if (auto err = pick_organisation(ctx, call, org)) return *err;
  std::string kind = call.args.at("kind");
  std::string key = call.args.at("section");
  auto sections = load_sections(ctx, v->id);
  auto base = std::find_if(sections.begin(), sections.end(),
                           [&](const Section& s) { return s.key == key; });
  if (base == sections.end())
    return bad("args.section", "no such section in this version",
               "section absente de cette version");
  auto rationale = normalize_body(call.args.at("rationale").get<std::string>());
  if (!rationale || rationale->empty())
    return bad("args.rationale", "explain the change", "expliquez la modification");
  std::optional<std::string> new_key, heading, body;
  if (call.args.contains("heading"))
    heading = normalize_heading(call.args["heading"].get<std::string>());
  if (call.args.contains("body")) body = normalize_body(call.args["body"].get<std::string>());
  if ((call.args.contains("heading") && !heading) || (call.args.contains("body") && !body))
    return bad("args.body", "not valid UTF-8", "UTF-8 invalide");
  if (kind == "replace") {
    if (!body && !heading) return bad("args.body", "give the new text", "donnez le nouveau texte");
    if (body.value_or(base->body) == base->body && heading.value_or(base->heading) == base->heading)
      return bad("args.body", "this changes nothing", "cela ne change rien");
  } else if (kind == "insert_after") {
    if (!call.args.contains("new_key"))
      return bad("args.new_key", "give the new section's key",
                 "donnez la clé de la nouvelle section");
    new_key = call.args["new_key"].get<std::string>();
    if (!valid_key(*new_key))
      return bad("args.new_key", "1 to 64 of a-z 0-9 . _ -",
                 "de 1 à 64 caractères parmi a-z 0-9 . _ -");
    for (auto& s : sections)
      if (s.key == *new_key)
        return bad("args.new_key", "this key is taken", "cette clé existe déjà");
    if (!body || body->empty())
      return bad("args.body", "give the new section's text",
                 "donnez le texte de la nouvelle section");
  } else {  // delete
    heading.reset();
    body.reset();
  }
  ctx.sql(
         "INSERT INTO documents_proposals(document_id, version_id, kind, section_key, new_key, "
         "heading, body, rationale, "
         "author, organisation_id, status, created_at) VALUES (?,?,?,?,?,?,?,?,?,?, 'open', ?)")
      .bind(1, d->id)
      .bind(2, v->id)
      .bind(3, kind)
      .bind(4, key)
      .bind(5, new_key)
      .bind(6, heading)
      .bind(7, body)
      .bind(8, *rationale)
      .bind(9, call.caller.person)
      .bind(10, org)
      .bind(11, ctx.now_text())
      .run();
  auto p = load_proposal(ctx, ctx.last_insert_id());
  auto orgs = organisations(ctx);
  Json pj = proposal_json(ctx, *p, orgs);
  ctx.append_event(d->workspace, "documents.proposal_created", {{"proposal", pj}},
                   subject_of(d->id));
  std::string who = org_name(orgs, org);
  notify_owners(
      ctx, d->workspace, call.caller.person,
      {.kind = "document",
       .workspace = d->workspace,
       .title_fr = "Proposition de modification (" + key + ") : " + d->title,
       .title_en = "Change proposed (" + key + "): " + d->title,
       .body_fr = call.caller.name + " (" + who + ") propose une modification de la section « " +
                  base->heading + " ».\n\n" + *rationale,
       .body_en = call.caller.name + " (" + who + ") proposes a change to the section “" +
                  base->heading + "”.\n\n" + *rationale,
       .link = link_to(*d, "&proposal=" + std::to_string(p->id))});
  return Result::ok({{"proposal", pj}});
}

Result list_proposals(Context& ctx, const Call& call) {
  auto d = load_document(ctx, call.args.at("document").get<std::int64_t>());
  if (!d) return no_such("document", "texte", "args.document");
  std::vector<std::int64_t> ids;
  auto& q =
      ctx.sql("SELECT id FROM documents_proposals WHERE document_id = ? ORDER BY id DESC LIMIT ?");
  q.bind(1, d->id).bind(2, kListLimit);
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  auto orgs = organisations(ctx);
  std::string status = call.args.value("status", "");
  Json out = Json::array();
  for (auto id : ids)
    if (auto p = load_proposal(ctx, id); p && (status.empty() || p->status == status))
      out.push_back(proposal_json(ctx, *p, orgs));
  return Result::ok({{"proposals", out}});
}

/// Applies an accepted proposal to a draft's sections; an error when the draft's section
/// no longer is the one the proposal was written against.
std::optional<Result> apply_proposal(const Proposal& p, const std::vector<Section>& base,
                                     std::vector<Section>& draft) {
  auto find = [](std::vector<Section>& list, const std::string& key) {
    return std::find_if(list.begin(), list.end(), [&](const Section& s) { return s.key == key; });
  };
  std::vector<Section> base_copy = base;
  auto original = find(base_copy, p.section);
  auto target = find(draft, p.section);
  if (target == draft.end())
    return Result::fail(
        ErrorCode::conflict, "the section " + p.section + " is no longer in the draft",
        "la section " + p.section + " n'est plus dans le brouillon", "args.proposal");
  if (p.kind != "insert_after" && original != base_copy.end() &&
      (target->heading != original->heading || target->body != original->body))
    return Result::fail(
        ErrorCode::conflict,
        "the section " + p.section +
            " changed in the draft since the proposal was made: merge it by hand",
        "la section " + p.section +
            " a changé dans le brouillon depuis la proposition : reportez-la à la main",
        "args.proposal");
  if (p.kind == "replace") {
    if (p.heading) target->heading = *p.heading;
    if (p.body) target->body = *p.body;
  } else if (p.kind == "delete") {
    draft.erase(target);
  } else {
    if (find(draft, p.new_key.value_or("")) != draft.end())
      return Result::fail(
          ErrorCode::conflict, "the key " + p.new_key.value_or("") + " is already in the draft",
          "la clé " + p.new_key.value_or("") + " existe déjà dans le brouillon", "args.proposal");
    draft.insert(target + 1,
                 Section{p.new_key.value_or(""), p.heading.value_or(""), p.body.value_or("")});
  }
  return std::nullopt;
}

Result decide_proposal(Context& ctx, const Call& call, const std::string& decision) {
  auto p = load_proposal(ctx, call.args.at("proposal").get<std::int64_t>());
  if (!p) return no_such("proposal", "proposition", "args.proposal");
  auto d = load_document(ctx, p->document);
  if (p->status != "open")
    return Result::fail(ErrorCode::conflict, "this proposal is already " + p->status,
                        "cette proposition est déjà traitée", "args.proposal");
  if (decision == "withdrawn" && p->author != call.caller.person)
    return Result::fail(ErrorCode::forbidden, "only its author may withdraw a proposal",
                        "seul son auteur peut retirer une proposition", "args.proposal");
  std::optional<Version> merged;
  if (decision == "accepted") {
    std::optional<Version> target;
    if (call.args.contains("into")) {
      target = load_version(ctx, call.args["into"].get<std::int64_t>());
      if (!target || target->document != p->document)
        return no_such("draft of this document", "brouillon de ce texte", "args.into");
      if (target->status != "draft") return not_editable(*target);
    } else if (auto base_version = load_version(ctx, p->version);
               base_version && base_version->status == "draft") {
      target = base_version;  // a proposal on a draft goes into that draft
    } else {
      // The latest draft that grew from the proposal's base, else a new one.
      auto& q = ctx.sql(
          "SELECT id FROM documents_versions WHERE document_id = ? AND parent_id = ? AND status = "
          "'draft' "
          "ORDER BY number DESC LIMIT 1");
      q.bind(1, p->document).bind(2, p->version);
      std::optional<std::int64_t> id;
      if (q.step()) id = q.int64(0);
      q.reset();
      if (id) target = load_version(ctx, *id);
    }
    auto base = load_sections(ctx, p->version);
    std::vector<Section> draft = target ? load_sections(ctx, target->id) : base;
    if (auto err = apply_proposal(*p, base, draft)) return *err;
    if (!target)
      target = create_version(ctx, *d, p->version, "", call.caller.person, draft);
    else
      store_sections(ctx, target->id, draft);
    merged = load_version(ctx, target->id);
    ctx.append_event(d->workspace, "documents.version_updated",
                     {{"version", version_summary(*merged)}, {"section", p->section}},
                     subject_of(d->id));
  }
  std::optional<std::string> note;
  if (call.args.contains("note")) note = normalize_body(call.args["note"].get<std::string>());
  ctx.sql(
         "UPDATE documents_proposals SET status = ?, decided_by = ?, decided_at = ?, decision_note "
         "= ?, "
         "merged_version_id = ? WHERE id = ?")
      .bind(1, decision)
      .bind(2, call.caller.person)
      .bind(3, ctx.now_text())
      .bind(4, note)
      .bind(5, merged ? std::optional<std::int64_t>(merged->id) : std::nullopt)
      .bind(6, p->id)
      .run();
  p = load_proposal(ctx, p->id);
  auto orgs = organisations(ctx);
  Json pj = proposal_json(ctx, *p, orgs);
  ctx.append_event(d->workspace, "documents.proposal_updated", {{"proposal", pj}},
                   subject_of(d->id));
  if (decision == "accepted")
    ctx.post_activity(
        d->workspace,
        pacte::Activity{
            .thread_key = "document:" + std::to_string(d->id),
            .thread_title = "Texte : " + d->title,
            .thread_title_en = "Text: " + d->title,
            .text = "Proposition acceptée sur **" + d->title + "**" +
                    (merged ? " (version " + std::to_string(merged->number) + ")" : std::string()) +
                    ".",
            .text_en =
                "Proposal accepted on **" + d->title + "**" +
                (merged ? " (version " + std::to_string(merged->number) + ")" : std::string()) +
                ".",
            .card = nullptr});
  if (decision != "withdrawn" && p->author != call.caller.person) {
    bool ok = decision == "accepted";
    ctx.notify(
        p->author,
        {.kind = "document",
         .workspace = d->workspace,
         .title_fr = std::string(ok ? "Proposition acceptée" : "Proposition refusée") + " (" +
                     p->section + ") : " + d->title,
         .title_en = std::string(ok ? "Proposal accepted" : "Proposal rejected") + " (" +
                     p->section + "): " + d->title,
         .body_fr = ok ? "Elle est reprise dans la version " + std::to_string(merged->number) +
                             " (brouillon)."
                       : note.value_or(""),
         .body_en = ok ? "It is merged into version " + std::to_string(merged->number) + " (draft)."
                       : note.value_or(""),
         .link = link_to(*d, "&proposal=" + std::to_string(p->id))});
  }
  Json out = {{"proposal", pj}};
  if (merged) out["version"] = version_full(ctx, *merged);
  return Result::ok(out);
}

Json comment_json(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql(
      "SELECT id, document_id, proposal_id, version_id, section_key, parent_id, author, body, "
      "created_at "
      "FROM documents_comments WHERE id = ?");
  q.bind(1, id);
  Json out = nullptr;
  if (q.step()) {
    auto opt_i = [&](int c) { return q.is_null(c) ? Json(nullptr) : Json(q.int64(c)); };
    out = {{"id", q.int64(0)},
           {"document", q.int64(1)},
           {"proposal", opt_i(2)},
           {"version", opt_i(3)},
           {"section", q.is_null(4) ? Json(nullptr) : Json(q.text(4))},
           {"parent", opt_i(5)},
           {"author", q.int64(6)},
           {"body", q.text(7)},
           {"created_at", q.text(8)}};
  }
  q.reset();
  return out;
}

Result add_comment(Context& ctx, const Call& call) {
  std::optional<Proposal> p;
  std::optional<Version> v;
  std::string section;
  if (call.args.contains("proposal") == call.args.contains("version"))
    return bad("args", "give either a proposal or a version and a section",
               "indiquez une proposition, ou une version et une section");
  if (call.args.contains("proposal")) {
    p = load_proposal(ctx, call.args["proposal"].get<std::int64_t>());
    if (!p) return no_such("proposal", "proposition", "args.proposal");
  } else {
    v = load_version(ctx, call.args["version"].get<std::int64_t>());
    if (!v) return no_such("version", "version", "args.version");
    if (!call.args.contains("section"))
      return bad("args.section", "which section?", "quelle section ?");
    section = call.args["section"];
    bool found = false;
    for (auto& s : load_sections(ctx, v->id)) found = found || s.key == section;
    if (!found)
      return bad("args.section", "no such section in this version",
                 "section absente de cette version");
  }
  std::int64_t document = p ? p->document : v->document;
  auto d = load_document(ctx, document);
  auto body = normalize_body(call.args.at("body").get<std::string>());
  if (!body || body->empty()) return bad("args.body", "must not be blank", "ne doit pas être vide");
  std::optional<std::int64_t> parent;
  if (call.args.contains("parent")) {
    Json parent_comment = comment_json(ctx, call.args["parent"].get<std::int64_t>());
    bool same = !parent_comment.is_null() && parent_comment["document"] == document &&
                (p ? parent_comment["proposal"] == p->id : parent_comment["section"] == section);
    if (!same)
      return bad("args.parent", "not a comment of the same thread", "pas un commentaire de ce fil");
    parent = parent_comment["id"].get<std::int64_t>();
  }
  ctx.sql(
         "INSERT INTO documents_comments(document_id, proposal_id, version_id, section_key, "
         "parent_id, author, body, created_at) "
         "VALUES (?,?,?,?,?,?,?,?)")
      .bind(1, document)
      .bind(2, p ? std::optional<std::int64_t>(p->id) : std::nullopt)
      .bind(3, v ? std::optional<std::int64_t>(v->id) : std::nullopt)
      .bind(4, p ? std::nullopt : std::optional<std::string>(section))
      .bind(5, parent)
      .bind(6, call.caller.person)
      .bind(7, *body)
      .bind(8, ctx.now_text())
      .run();
  Json c = comment_json(ctx, ctx.last_insert_id());
  ctx.append_event(d->workspace, "documents.comment_added", {{"comment", c}}, subject_of(d->id));
  pacte::Notification n{
      .kind = "document",
      .workspace = d->workspace,
      .title_fr = "Nouveau commentaire : " + d->title,
      .title_en = "New comment: " + d->title,
      .body_fr = call.caller.name + " : " + *body,
      .body_en = call.caller.name + ": " + *body,
      .link = link_to(*d, p ? "&proposal=" + std::to_string(p->id) : "&section=" + section)};
  notify_owners(ctx, d->workspace, call.caller.person, n);
  if (p && p->author != call.caller.person && ctx.role_of(p->author, d->workspace) != Role::owner)
    ctx.notify(p->author, n);
  return Result::ok({{"comment", c}});
}

Result list_comments(Context& ctx, const Call& call) {
  std::vector<std::int64_t> ids;
  if (call.args.contains("proposal")) {
    auto p = load_proposal(ctx, call.args["proposal"].get<std::int64_t>());
    if (!p) return no_such("proposal", "proposition", "args.proposal");
    auto& q =
        ctx.sql("SELECT id FROM documents_comments WHERE proposal_id = ? ORDER BY id LIMIT ?");
    q.bind(1, p->id).bind(2, kListLimit);
    while (q.step()) ids.push_back(q.int64(0));
    q.reset();
  } else if (call.args.contains("version")) {
    auto v = load_version(ctx, call.args["version"].get<std::int64_t>());
    if (!v) return no_such("version", "version", "args.version");
    // A section's discussion follows its key through the document's versions.
    auto& q = ctx.sql(
        "SELECT id FROM documents_comments WHERE document_id = ? AND proposal_id IS NULL AND (? = "
        "'' OR section_key = ?) "
        "ORDER BY id LIMIT ?");
    std::string section = call.args.value("section", "");
    q.bind(1, v->document).bind(2, section).bind(3, section).bind(4, kListLimit);
    while (q.step()) ids.push_back(q.int64(0));
    q.reset();
  } else {
    return bad("args", "give a proposal or a version", "indiquez une proposition ou une version");
  }
  Json out = Json::array();
  for (auto id : ids) out.push_back(comment_json(ctx, id));
  return Result::ok({{"comments", out}});
}

// --- Handlers: validations -------------------------------------------------------------------

Result record_validation(Context& ctx, const Call& call) {
  auto v = load_version(ctx, call.args.at("version").get<std::int64_t>());
  if (!v) return no_such("version", "version", "args.version");
  auto d = load_document(ctx, v->document);
  if (v->status == "frozen" || v->status == "superseded") return not_editable(*v);
  ValidationInput in;
  in.organisation = call.args.at("organisation");
  auto orgs = organisations(ctx);
  if (!orgs.count(in.organisation))
    return bad("args.organisation", "no such organisation", "organisation inconnue");
  if (call.role != Role::owner) {  // a member records its own organisation's decisions only
    bool mine = false;
    for (auto& a : ctx.affiliations(call.caller.person))
      mine = mine || a.organisation == in.organisation;
    if (!mine)
      return Result::fail(
          ErrorCode::forbidden, "only an owner may record another organisation's validation",
          "seul un responsable peut enregistrer la validation d'une autre organisation",
          "args.organisation");
  }
  in.hash = call.args.at("hash");
  if (!valid_hash(in.hash))
    return bad("args.hash", "a SHA-256 in lower-case hex (64 characters)",
               "une empreinte SHA-256 en hexadécimal (64 caractères)");
  in.body = normalize_heading(call.args.at("body").get<std::string>()).value_or("");
  if (in.body.empty())
    return bad("args.body", "which body decided (e.g. conseil d'administration)",
               "quelle instance a décidé");
  in.meeting_date = call.args.at("meeting_date");
  if (!valid_month_or_day(in.meeting_date))
    return bad("args.meeting_date", "a day (YYYY-MM-DD) or a month (YYYY-MM)",
               "un jour (AAAA-MM-JJ) ou un mois (AAAA-MM)");
  in.decision = call.args.at("decision");
  in.reference = normalize_heading(call.args.value("reference", "")).value_or("");
  if (call.args.contains("minutes_attachment"))
    in.minutes_attachment = call.args["minutes_attachment"].get<std::int64_t>();
  if (call.args.contains("minutes_hash")) {
    in.minutes_hash = call.args["minutes_hash"].get<std::string>();
    if (!valid_hash(*in.minutes_hash))
      return bad("args.minutes_hash", "a SHA-256 in lower-case hex",
                 "une empreinte SHA-256 en hexadécimal");
  }
  in.note = normalize_body(call.args.value("note", "")).value_or("");
  std::int64_t id = insert_validation(ctx, *d, *v, in, call.caller.person);
  std::string name = org_name(orgs, in.organisation);
  bool matches = in.hash == v->hash;
  notify_owners(
      ctx, d->workspace, call.caller.person,
      {.kind = "document",
       .workspace = d->workspace,
       .title_fr = "Validation enregistrée : " + name + " (" + d->title + ")",
       .title_en = "Validation recorded: " + name + " (" + d->title + ")",
       .body_fr =
           in.body + ", " + in.meeting_date + " : " + in.decision +
           (matches ? "" : "\nAttention : l'empreinte validée n'est pas celle de cette version."),
       .body_en = in.body + ", " + in.meeting_date + ": " + in.decision +
                  (matches ? "" : "\nWarning: the validated hash is not this version's."),
       .link = link_to(*d, "&version=" + std::to_string(v->id))});
  Json full = version_full(ctx, *v);
  Json validation;
  for (auto& val : full["validations"])
    if (val["id"] == id) validation = val;
  return Result::ok({{"validation", validation}, {"version", full}});
}

// --- Resources ---------------------------------------------------------------------------------

/// `GET /p/documents/<name>/<version id>`: members (any role) of the document's workspace
/// only; anyone else, signed in or not, gets not_found as if it did not exist.
pacte::ResourceHandler export_resource(bool html) {
  return [html](Context& ctx, const pacte::ResourceRequest& req, pacte::Resource& out) -> Result {
    std::string rest = req.rest;
    for (const char* ext : {".md", ".html"})
      if (rest.size() > std::string_view(ext).size() && rest.ends_with(ext))
        rest.resize(rest.size() - std::string_view(ext).size());
    std::int64_t id = 0;
    if (rest.empty() || rest.size() > 15 ||
        !std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return no_such("version", "version", "");
    id = std::stoll(rest);
    auto v = load_version(ctx, id);
    std::optional<Document> d;
    if (v) d = load_document(ctx, v->document);
    if (!d || req.caller.person == 0 || ctx.role_of(req.caller.person, d->workspace) == Role::none)
      return no_such("version", "version", "");
    Json full = version_full(ctx, *v);
    std::string base = d->key + "-v" + std::to_string(v->number);
    if (html) {
      out.content_type = "text/html; charset=utf-8";
      out.body = render_html(full);
    } else {
      out.content_type = "text/markdown; charset=utf-8";
      out.body = render_markdown(full);
      out.filename = base + ".md";
    }
    return Result::ok();
  };
}

// --- Scopes --------------------------------------------------------------------------------------

std::optional<std::int64_t> workspace_of_document(Context& ctx, std::int64_t document) {
  auto& q = ctx.sql("SELECT workspace_id FROM documents_documents WHERE id = ?");
  q.bind(1, document);
  std::optional<std::int64_t> ws;
  if (q.step()) ws = q.int64(0);
  q.reset();
  return ws;
}

std::optional<std::int64_t> document_of(Context& ctx, const char* sql, std::int64_t id) {
  auto& q = ctx.sql(sql);
  q.bind(1, id);
  std::optional<std::int64_t> doc;
  if (q.step()) doc = q.int64(0);
  q.reset();
  if (!doc) return std::nullopt;
  return workspace_of_document(ctx, *doc);
}

// --- Import ------------------------------------------------------------------------------------

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("documents: cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::int64_t lookup(const std::map<std::string, std::int64_t>& ids, const Json& key,
                    const char* what) {
  auto it = ids.find(key.get<std::string>());
  if (it == ids.end())
    throw std::runtime_error(std::string("documents: unknown ") + what + " '" +
                             key.get<std::string>() + "'");
  return it->second;
}

void import_document(Context& ctx, const pacte::PactImport& pact, const Json& spec) {
  std::int64_t workspace = lookup(pact.workspaces, spec.at("workspace"), "workspace");
  std::optional<std::int64_t> author;
  if (spec.contains("author")) author = lookup(pact.people, spec["author"], "person");
  Json text = Json::parse(read_file(pact.directory / spec.at("text").get<std::string>()));
  std::vector<Section> sections;
  if (auto err = parse_sections(text.at("sections"), "sections", sections))
    throw std::runtime_error("documents: " + err->error().message);
  std::string key = spec.at("key");
  if (!valid_key(key)) throw std::runtime_error("documents: invalid document key '" + key + "'");
  ctx.sql(
         "INSERT INTO documents_documents(workspace_id, key, title, created_by, created_at) VALUES "
         "(?,?,?,?,?)")
      .bind(1, workspace)
      .bind(2, key)
      .bind(3, normalize_heading(spec.at("title").get<std::string>()).value_or(""))
      .bind(4, author)
      .bind(5, ctx.now_text())
      .run();
  Document d = *load_document(ctx, ctx.last_insert_id());
  ctx.append_event(workspace, "documents.created", {{"document", document_summary(ctx, d)}},
                   subject_of(d.id));
  std::int64_t position = 0;
  for (auto& r : spec.value("required_validations", Json::array()))
    ctx.sql(
           "INSERT INTO documents_required(document_id, organisation_id, body, position) VALUES "
           "(?,?,?,?)")
        .bind(1, d.id)
        .bind(2, lookup(pact.organisations, r.at("organisation"), "organisation"))
        .bind(3, r.value("body", ""))
        .bind(4, position++)
        .run();
  Version v = create_version(ctx, d, std::nullopt, spec.value("label", text.value("label", "")),
                             author, sections);
  std::string status = spec.value("status", "draft");
  if (status == "draft") return;
  set_status(ctx, d, v, "proposed");
  if (status == "proposed") return;
  set_status(ctx, d, v, "under_review");
  for (auto& val : spec.value("validations", Json::array())) {
    ValidationInput in;
    in.organisation = lookup(pact.organisations, val.at("organisation"), "organisation");
    in.hash = v.hash;  // the seed's boards validated this text
    in.body = val.at("body");
    in.meeting_date = val.at("meeting_date");
    if (!valid_month_or_day(in.meeting_date))
      throw std::runtime_error("documents: bad meeting_date " + in.meeting_date);
    in.decision = val.at("decision");
    in.reference = val.value("reference", "");
    in.note = val.value("note", "");
    insert_validation(ctx, d, v, in, author);
  }
  if (status == "under_review") return;
  if (auto err = freeze(ctx, d, v, author))
    throw std::runtime_error("documents: cannot freeze: " + err->error().message);
}

/// The document /doc works on: the workspace's most recently created one.
std::optional<Document> command_document(Context& ctx, std::int64_t workspace) {
  auto& q = ctx.sql("SELECT id FROM documents_documents WHERE workspace_id = ? ORDER BY id DESC LIMIT 1");
  q.bind(1, workspace);
  std::optional<std::int64_t> id;
  if (q.step()) id = q.int64(0);
  q.reset();
  if (!id) return std::nullopt;
  return load_document(ctx, *id);
}

std::optional<Version> version_number(Context& ctx, const Document& d, std::int64_t number) {
  auto& q = ctx.sql("SELECT id FROM documents_versions WHERE document_id = ? AND number = ?");
  q.bind(1, d.id).bind(2, number);
  std::optional<std::int64_t> id;
  if (q.step()) id = q.int64(0);
  q.reset();
  if (!id) return std::nullopt;
  return load_version(ctx, *id);
}

std::string status_fr(const std::string& s) {
  if (s == "draft") return "brouillon";
  if (s == "proposed") return "proposée";
  if (s == "under_review") return "en relecture";
  if (s == "frozen") return "figée";
  if (s == "superseded") return "remplacée";
  return s;
}

/// The versions of the workspace's latest document, for completing /doc diff: "v2 " with
/// its label and status (in the caller's language), those whose "vN" or "N" starts with
/// what is typed (any case).
Json complete_versions(Context& ctx, const Call& call, const std::string& typed) {
  Json out = Json::array();
  auto d = command_document(ctx, call.workspace);
  if (!d) return out;
  std::string prefix = typed;
  for (auto& ch : prefix) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  bool en = call.caller.locale == "en";
  for (auto id : version_ids(ctx, d->id))
    if (auto v = load_version(ctx, id)) {
      std::string number = std::to_string(v->number), value = "v" + number;
      if (!prefix.empty() && value.rfind(prefix, 0) != 0 && number.rfind(prefix, 0) != 0) continue;
      out.push_back({{"value", value + " "},
                     {"label", value + (v->label.empty() ? "" : " — " + v->label)},
                     {"detail", en ? v->status : status_fr(v->status)}});
    }
  return out;
}

void register_commands(pacte::Registrar& r) {
  auto none = [](const Call& call) {
    return Result::ok({{"visibility", "ephemeral"},
                       {"text", call.caller.locale == "en" ? "No document in this workspace." : "Aucun texte dans cet espace."}});
  };
  r.add_command({.command = "doc", .sub = "versions", .args = {},
                 .help_fr = "Liste les versions du texte de l'espace", .help_en = "Lists the versions of the workspace's text",
                 .rule = Rule::observer,
                 .run = [none](Context& ctx, const Call& call, const Json&) {
                   auto d = command_document(ctx, call.workspace);
                   if (!d) return none(call);
                   bool en = call.caller.locale == "en";
                   std::string text = "**" + d->title + "**";
                   for (auto id : version_ids(ctx, d->id))
                     if (auto v = load_version(ctx, id))
                       text += "\n- v" + std::to_string(v->number) + (v->label.empty() ? "" : " « " + v->label + " »") + " — " +
                               (en ? v->status : status_fr(v->status)) + " — " + v->hash.substr(0, 12) + "…";
                   return Result::ok({{"visibility", "ephemeral"}, {"text", text}});
                 }});
  r.add_command({.command = "doc",
                 .sub = "diff",
                 .args = {{.name = "v1",
                           .type = "integer",
                           .choices = {},
                           .optional = false,
                           .help_fr = "Version de départ (ex. v1)",
                           .help_en = "Base version (e.g. v1)",
                           .complete = complete_versions},
                          {.name = "v2",
                           .type = "integer",
                           .choices = {},
                           .optional = false,
                           .help_fr = "Version comparée (ex. v2)",
                           .help_en = "Compared version (e.g. v2)",
                           .complete = complete_versions}},
                 .help_fr = "Résume les différences entre deux versions",
                 .help_en = "Summarises the changes between two versions",
                 .rule = Rule::observer,
                 .run = [none](Context& ctx, const Call& call, const Json& parsed) {
                   auto d = command_document(ctx, call.workspace);
                   if (!d) return none(call);
                   auto a = version_number(ctx, *d, parsed["v1"].get<std::int64_t>());
                   auto b = version_number(ctx, *d, parsed["v2"].get<std::int64_t>());
                   if (!a || !b)
                     return Result::fail(ErrorCode::bad_request, "/doc diff: no such version of " + d->title + "; see /doc versions",
                                         "/doc diff : cette version de « " + d->title + " » n'existe pas ; voir /doc versions", "args.text");
                   Result cmp = ctx.call("documents.compare", {{"version", b->id}, {"base", a->id}});
                   if (!cmp.is_ok()) return cmp;
                   int added = 0, removed = 0, changed = 0, moved = 0;
                   Json sections = cmp.value()["comparison"]["sections"];
                   for (auto& sct : sections) {
                     std::string st = sct.value("status", "");
                     added += st == "added";
                     removed += st == "removed";
                     changed += st == "changed";
                     moved += sct.value("moved", false) ? 1 : 0;
                   }
                   bool en = call.caller.locale == "en";
                   std::string head = "**" + d->title + "** v" + std::to_string(a->number) + " → v" + std::to_string(b->number) + " : ";
                   std::string text = en ? head + std::to_string(changed) + " section(s) changed, " + std::to_string(added) +
                                               " added, " + std::to_string(removed) + " removed, " + std::to_string(moved) + " moved."
                                         : head + std::to_string(changed) + " section(s) modifiée(s), " + std::to_string(added) +
                                               " ajoutée(s), " + std::to_string(removed) + " supprimée(s), " + std::to_string(moved) +
                                               " déplacée(s).";
                   Json card = {
                       {"key",
                        "documents:diff:" + std::to_string(a->id) + ":" + std::to_string(b->id)},
                       {"plugin", "documents"},
                       {"title", d->title},
                       {"subtitle",
                        "v" + std::to_string(a->number) + " → v" + std::to_string(b->number)},
                       {"fields", Json::array({{{"label", "Modifiées"},
                                                {"label_en", "Changed"},
                                                {"value", std::to_string(changed)}},
                                               {{"label", "Ajoutées"},
                                                {"label_en", "Added"},
                                                {"value", std::to_string(added)}},
                                               {{"label", "Supprimées"},
                                                {"label_en", "Removed"},
                                                {"value", std::to_string(removed)}},
                                               {{"label", "Déplacées"},
                                                {"label_en", "Moved"},
                                                {"value", std::to_string(moved)}}})},
                       {"progress", Json::array()},
                       {"links", Json::array({{{"label", "Voir la comparaison"},
                                               {"label_en", "See the comparison"},
                                               {"href", "/w/" + std::to_string(d->workspace) +
                                                            "/p/documents?document=" +
                                                            std::to_string(d->id)}}})},
                       {"actions", Json::array()}};
                   return Result::ok({{"visibility", "ephemeral"}, {"text", text}, {"card", card}});
                 }});
}

}  // namespace

std::string DocumentsPlugin::name() const {
  return "documents";
}
std::string DocumentsPlugin::version() const {
  return PACTE_DOCUMENTS_VERSION;
}
std::string DocumentsPlugin::title_fr() const {
  return "Textes";
}
std::string DocumentsPlugin::title_en() const {
  return "Documents";
}

std::vector<pacte::Migration> DocumentsPlugin::migrations() const {
  return {{1, R"SQL(
CREATE TABLE documents_documents (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  title TEXT NOT NULL,
  created_by INTEGER,
  created_at TEXT NOT NULL,
  UNIQUE (workspace_id, key)
);
CREATE TABLE documents_required (          -- organisations that must validate before freezing
  document_id INTEGER NOT NULL REFERENCES documents_documents(id),
  organisation_id INTEGER NOT NULL,
  body TEXT NOT NULL,                      -- e.g. "conseil d'administration"
  position INTEGER NOT NULL,
  PRIMARY KEY (document_id, organisation_id)
) WITHOUT ROWID;
CREATE TABLE documents_versions (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents_documents(id),
  number INTEGER NOT NULL,
  parent_id INTEGER REFERENCES documents_versions(id),
  label TEXT NOT NULL,
  status TEXT NOT NULL,                    -- draft, proposed, under_review, frozen, superseded
  author INTEGER,
  created_at TEXT NOT NULL,
  status_at TEXT NOT NULL,
  hash TEXT NOT NULL,                      -- SHA-256 of the canonical form (docs/documents.md)
  frozen_at TEXT,
  frozen_by INTEGER,
  UNIQUE (document_id, number)
);
CREATE TABLE documents_sections (
  version_id INTEGER NOT NULL REFERENCES documents_versions(id),
  position INTEGER NOT NULL,
  key TEXT NOT NULL,
  heading TEXT NOT NULL,
  body TEXT NOT NULL,                      -- Markdown, normalised (NFC, LF, no trailing blanks)
  hash TEXT NOT NULL,
  PRIMARY KEY (version_id, key)
) WITHOUT ROWID;
CREATE TABLE documents_proposals (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents_documents(id),
  version_id INTEGER NOT NULL REFERENCES documents_versions(id),   -- the base
  kind TEXT NOT NULL,                      -- replace, insert_after, delete
  section_key TEXT NOT NULL,
  new_key TEXT,
  heading TEXT,
  body TEXT,
  rationale TEXT NOT NULL,
  author INTEGER NOT NULL,
  organisation_id INTEGER NOT NULL,
  status TEXT NOT NULL,                    -- open, accepted, rejected, withdrawn
  created_at TEXT NOT NULL,
  decided_by INTEGER,
  decided_at TEXT,
  decision_note TEXT,
  merged_version_id INTEGER REFERENCES documents_versions(id)
);
CREATE INDEX documents_proposals_document ON documents_proposals(document_id, id);
CREATE TABLE documents_comments (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents_documents(id),
  proposal_id INTEGER REFERENCES documents_proposals(id),
  version_id INTEGER REFERENCES documents_versions(id),
  section_key TEXT,
  parent_id INTEGER REFERENCES documents_comments(id),
  author INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX documents_comments_proposal ON documents_comments(proposal_id, id);
CREATE INDEX documents_comments_section ON documents_comments(document_id, section_key, id);
CREATE TABLE documents_validations (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents_documents(id),
  version_id INTEGER NOT NULL REFERENCES documents_versions(id),
  organisation_id INTEGER NOT NULL,
  hash TEXT NOT NULL,                      -- the hash of the text the body validated
  body TEXT NOT NULL,
  meeting_date TEXT NOT NULL,              -- YYYY-MM-DD, or YYYY-MM when only the month is known
  decision TEXT NOT NULL,                  -- approved, rejected, approved_with_reservations
  reference TEXT NOT NULL,
  minutes_attachment INTEGER,
  minutes_hash TEXT,
  note TEXT NOT NULL,
  recorded_by INTEGER,
  recorded_at TEXT NOT NULL
);
CREATE INDEX documents_validations_document ON documents_validations(document_id, hash);
)SQL"}};
}

void DocumentsPlugin::register_operations(pacte::Registrar& r) {
  register_commands(r);
  r.add_scope("document",
              [](Context& ctx, std::int64_t id) { return workspace_of_document(ctx, id); });
  r.add_scope("version", [](Context& ctx, std::int64_t id) {
    return document_of(ctx, "SELECT document_id FROM documents_versions WHERE id = ?", id);
  });
  r.add_scope("proposal", [](Context& ctx, std::int64_t id) {
    return document_of(ctx, "SELECT document_id FROM documents_proposals WHERE id = ?", id);
  });

  const Json key = string_schema(1, 64);
  const Json sections = {
      {"type", "array"}, {"maxItems", kMaxSections}, {"items", section_schema()}};
  const Json text_body = string_schema(0, kMaxBody);

  r.add({.name = "documents.list",
         .schema = object_schema({{"workspace", id_schema()}}, {"workspace"}),
         .rule = Rule::observer,
         .handler = list_documents});
  r.add({.name = "documents.get",
         .schema = object_schema({{"document", id_schema()}}, {"document"}),
         .rule = Rule::observer,
         .handler = get_document});
  r.add({.name = "documents.create",
         .schema = object_schema({{"workspace", id_schema()},
                                  {"key", key},
                                  {"title", string_schema(1, 200)},
                                  {"label", string_schema(0, 100)},
                                  {"sections", sections}},
                                 {"workspace", "key", "title"}),
         .rule = Rule::owner,
         .change = true,
         .handler = create_document});
  r.add({.name = "documents.set_required",
         .schema = object_schema({{"document", id_schema()},
                                  {"required",
                                   {{"type", "array"},
                                    {"maxItems", 50},
                                    {"items", object_schema({{"organisation", id_schema()},
                                                             {"body", string_schema(0, 200)}},
                                                            {"organisation"})}}}},
                                 {"document", "required"}),
         .rule = Rule::owner,
         .change = true,
         .handler = set_required});
  r.add({.name = "documents.version.get",
         .schema = object_schema({{"version", id_schema()}}, {"version"}),
         .rule = Rule::observer,
         .handler = get_version});
  r.add({.name = "documents.version.create_draft",
         .schema = object_schema({{"version", id_schema()}, {"label", string_schema(0, 100)}},
                                 {"version"}),
         .rule = Rule::owner,
         .change = true,
         .handler = create_draft});
  r.add({.name = "documents.version.set_section",
         .schema = object_schema({{"version", id_schema()},
                                  {"key", key},
                                  {"heading", string_schema(0, kMaxHeading)},
                                  {"body", text_body},
                                  {"after", string_schema(0, 64)}},
                                 {"version", "key"}),
         .rule = Rule::owner,
         .change = true,
         .handler = set_section});
  r.add({.name = "documents.version.remove_section",
         .schema = object_schema({{"version", id_schema()}, {"key", key}}, {"version", "key"}),
         .rule = Rule::owner,
         .change = true,
         .handler = remove_section});
  r.add({.name = "documents.version.propose",
         .schema = object_schema({{"version", id_schema()}}, {"version"}),
         .rule = Rule::owner,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           return transition(ctx, call, "draft", "draft", "proposed");
         }});
  r.add({.name = "documents.version.review",
         .schema = object_schema({{"version", id_schema()}}, {"version"}),
         .rule = Rule::owner,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           return transition(ctx, call, "proposed", "proposed", "under_review");
         }});
  r.add({.name = "documents.version.reopen",
         .schema = object_schema({{"version", id_schema()}}, {"version"}),
         .rule = Rule::owner,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           return transition(ctx, call, "proposed", "under_review", "draft");
         }});
  r.add({.name = "documents.version.freeze",
         .schema = object_schema({{"version", id_schema()}}, {"version"}),
         .rule = Rule::owner,
         .change = true,
         .handler = freeze_version});
  r.add({.name = "documents.compare",
         .schema =
             object_schema({{"version", id_schema()}, {"base", id_schema()}}, {"version", "base"}),
         .rule = Rule::observer,
         .handler = compare_versions});
  r.add({.name = "documents.proposals",
         .schema = object_schema(
             {{"document", id_schema()},
              {"status",
               {{"type", "string"}, {"enum", {"open", "accepted", "rejected", "withdrawn"}}}}},
             {"document"}),
         .rule = Rule::observer,
         .handler = list_proposals});
  r.add({.name = "documents.propose",
         .schema = object_schema(
             {{"version", id_schema()},
              {"section", key},
              {"kind", {{"type", "string"}, {"enum", {"replace", "insert_after", "delete"}}}},
              {"new_key", key},
              {"heading", string_schema(0, kMaxHeading)},
              {"body", text_body},
              {"rationale", string_schema(1, 4000)},
              {"organisation", id_schema()}},
             {"version", "section", "kind", "rationale"}),
         .rule = Rule::member,
         .change = true,
         .handler = propose_change});
  r.add({.name = "documents.proposal.accept",
         .schema = object_schema(
             {{"proposal", id_schema()}, {"into", id_schema()}, {"note", string_schema(0, 4000)}},
             {"proposal"}),
         .rule = Rule::owner,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           return decide_proposal(ctx, call, "accepted");
         }});
  r.add({.name = "documents.proposal.reject",
         .schema = object_schema({{"proposal", id_schema()}, {"note", string_schema(0, 4000)}},
                                 {"proposal"}),
         .rule = Rule::owner,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           return decide_proposal(ctx, call, "rejected");
         }});
  r.add({.name = "documents.proposal.withdraw",
         .schema = object_schema({{"proposal", id_schema()}}, {"proposal"}),
         .rule = Rule::member,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           return decide_proposal(ctx, call, "withdrawn");
         }});
  r.add({.name = "documents.comment",
         .schema = object_schema({{"proposal", id_schema()},
                                  {"version", id_schema()},
                                  {"section", key},
                                  {"parent", id_schema()},
                                  {"body", string_schema(1, 4000)}},
                                 {"body"}),
         .rule = Rule::member,
         .change = true,
         .handler = add_comment});
  r.add({.name = "documents.comments",
         .schema = object_schema(
             {{"proposal", id_schema()}, {"version", id_schema()}, {"section", key}}, {}),
         .rule = Rule::observer,
         .handler = list_comments});
  r.add({.name = "documents.validation.record",
         .schema =
             object_schema({{"version", id_schema()},
                            {"organisation", id_schema()},
                            {"hash", string_schema(64, 64)},
                            {"body", string_schema(1, 200)},
                            {"meeting_date", string_schema(7, 10)},
                            {"decision",
                             {{"type", "string"},
                              {"enum", {"approved", "rejected", "approved_with_reservations"}}}},
                            {"reference", string_schema(0, 200)},
                            {"minutes_attachment", id_schema()},
                            {"minutes_hash", string_schema(64, 64)},
                            {"note", string_schema(0, 4000)}},
                           {"version", "organisation", "hash", "body", "meeting_date", "decision"}),
         .rule = Rule::member,
         .change = true,
         .handler = record_validation});

  r.add_resource("markdown", export_resource(false));
  r.add_resource("print", export_resource(true));
}

// What the documents hold about a person: the amendments they proposed (and those they
// decided), their comments, the board validations they recorded and the versions they wrote.
pacte::Json DocumentsPlugin::export_person(pacte::Context& ctx, std::int64_t person) {
  auto opt = [](pacte::Statement& q, int col) { return q.is_null(col) ? Json(nullptr) : Json(q.text(col)); };
  Json proposals = Json::array();
  auto& p = ctx.sql(
      "SELECT p.id, d.title, p.kind, p.section_key, p.heading, p.body, p.rationale, p.status, p.created_at, p.decided_at "
      "FROM documents_proposals p JOIN documents_documents d ON d.id = p.document_id WHERE p.author = ? ORDER BY p.id");
  p.bind(1, person);
  while (p.step())
    proposals.push_back({{"proposal", p.int64(0)}, {"document", p.text(1)}, {"kind", p.text(2)}, {"section", p.text(3)},
                         {"heading", opt(p, 4)}, {"body", opt(p, 5)}, {"rationale", p.text(6)}, {"status", p.text(7)},
                         {"created_at", p.text(8)}, {"decided_at", opt(p, 9)}});
  p.reset();
  Json decided = Json::array();
  auto& dq = ctx.sql(
      "SELECT p.id, d.title, p.status, p.decided_at, p.decision_note FROM documents_proposals p "
      "JOIN documents_documents d ON d.id = p.document_id WHERE p.decided_by = ? ORDER BY p.id");
  dq.bind(1, person);
  while (dq.step())
    decided.push_back({{"proposal", dq.int64(0)}, {"document", dq.text(1)}, {"status", dq.text(2)},
                       {"decided_at", opt(dq, 3)}, {"note", opt(dq, 4)}});
  dq.reset();
  Json comments = Json::array();
  auto& c = ctx.sql(
      "SELECT c.id, d.title, c.proposal_id, c.section_key, c.body, c.created_at FROM documents_comments c "
      "JOIN documents_documents d ON d.id = c.document_id WHERE c.author = ? ORDER BY c.id");
  c.bind(1, person);
  while (c.step())
    comments.push_back({{"comment", c.int64(0)}, {"document", c.text(1)},
                        {"proposal", c.is_null(2) ? Json(nullptr) : Json(c.int64(2))}, {"section", opt(c, 3)},
                        {"body", c.text(4)}, {"created_at", c.text(5)}});
  c.reset();
  Json validations = Json::array();
  auto& v = ctx.sql(
      "SELECT d.title, x.number, v.organisation_id, v.body, v.meeting_date, v.decision, v.recorded_at "
      "FROM documents_validations v JOIN documents_documents d ON d.id = v.document_id "
      "JOIN documents_versions x ON x.id = v.version_id WHERE v.recorded_by = ? ORDER BY v.id");
  v.bind(1, person);
  while (v.step())
    validations.push_back({{"document", v.text(0)}, {"version", v.int64(1)}, {"organisation", v.int64(2)},
                           {"body", v.text(3)}, {"meeting_date", v.text(4)}, {"decision", v.text(5)},
                           {"recorded_at", v.text(6)}});
  v.reset();
  Json versions = Json::array();
  auto& w = ctx.sql(
      "SELECT d.title, x.number, x.label, x.status, x.created_at FROM documents_versions x "
      "JOIN documents_documents d ON d.id = x.document_id WHERE x.author = ? ORDER BY x.id");
  w.bind(1, person);
  while (w.step())
    versions.push_back({{"document", w.text(0)}, {"version", w.int64(1)}, {"label", w.text(2)}, {"status", w.text(3)},
                        {"created_at", w.text(4)}});
  w.reset();
  if (proposals.empty() && decided.empty() && comments.empty() && validations.empty() && versions.empty()) return nullptr;
  return {{"proposals", proposals}, {"proposals_decided", decided}, {"comments", comments},
          {"validations_recorded", validations}, {"versions_authored", versions}};
}

// Nothing here is purely personal: proposals, comments, validations and versions are the
// partners' record of how the text was negotiated (accepted proposals are merged into frozen,
// hashed versions). The plugin stores person ids only, never a name (names are read from
// people when shown), so the core's pseudonym replaces the person everywhere by itself.
void DocumentsPlugin::erase_person(pacte::Context& /*ctx*/, std::int64_t /*person*/) {}

pacte::Json DocumentsPlugin::export_workspace(pacte::Context& ctx, std::int64_t workspace) {
  std::vector<std::int64_t> ids;
  auto& q = ctx.sql("SELECT id FROM documents_documents WHERE workspace_id = ? ORDER BY id");
  q.bind(1, workspace);
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  Json docs = Json::array();
  for (auto id : ids) {
    auto d = load_document(ctx, id);
    if (!d) continue;
    Json doc = document_full(ctx, *d);
    Json versions = Json::array();
    for (auto& summary : doc["versions"])
      if (auto v = load_version(ctx, summary["id"].get<std::int64_t>()))
        versions.push_back(version_full(ctx, *v));
    doc["versions"] = versions;
    std::vector<std::int64_t> pids;
    auto& pq = ctx.sql("SELECT id FROM documents_proposals WHERE document_id = ? ORDER BY id");
    pq.bind(1, id);
    while (pq.step()) pids.push_back(pq.int64(0));
    pq.reset();
    auto orgs = organisations(ctx);
    Json proposals = Json::array();
    for (auto pid : pids)
      if (auto p = load_proposal(ctx, pid)) proposals.push_back(proposal_json(ctx, *p, orgs));
    doc["proposals"] = proposals;
    docs.push_back(std::move(doc));
  }
  return Json{{"documents", docs}};
}

void DocumentsPlugin::import_pact(pacte::Context& ctx, const pacte::PactImport& pact) {
  if (!pact.config.is_object()) return;
  for (auto& spec : pact.config.value("documents", Json::array())) import_document(ctx, pact, spec);
}

}  // namespace pacte_documents

std::unique_ptr<pacte::Plugin> make_plugin_documents() {
  return std::make_unique<pacte_documents::DocumentsPlugin>();
}
