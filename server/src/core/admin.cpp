#include "core/schema.hpp"
#include "core/admin.hpp"

#include <algorithm>

namespace pacte {

namespace {

const Json& kId = id_schema();
const Json kEmail = {{"type", "string"}, {"minLength", 3}, {"maxLength", 254}};
const Json kName = {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}};
const Json kText = {{"type", "string"}, {"maxLength", 200}};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool valid_email(const std::string& e) {
  auto at = e.find('@');
  return at != std::string::npos && at > 0 && at + 1 < e.size() && e.find('@', at + 1) == std::string::npos &&
         e.find(' ') == std::string::npos && e.find('.', at) != std::string::npos;
}

/// Finds a person by email or creates one without a password (they set it from a link).
std::pair<std::int64_t, bool> find_or_create(Context& ctx, const Json& args) {
  std::string email = lower(args["email"].get<std::string>());
  auto& q = ctx.sql("SELECT id FROM people WHERE email = ?");
  q.bind(1, email);
  if (q.step()) {
    auto id = q.int64(0);
    q.reset();
    return {id, false};
  }
  q.reset();
  auto& ins = ctx.sql("INSERT INTO people(email, name, title, created_at) VALUES (?,?,?,?)");
  ins.bind(1, email).bind(2, args["name"].get<std::string>()).bind(3, args.value("title", std::string()))
      .bind(4, ctx.now_text()).run();
  std::int64_t id = ctx.last_insert_id();
  if (args.contains("organisation")) {
    auto& a = ctx.sql("INSERT INTO affiliations(person_id, organisation_id, capacity) VALUES (?,?,?)");
    a.bind(1, id).bind(2, args["organisation"].get<std::int64_t>()).bind(3, args.value("capacity", std::string())).run();
  }
  return {id, true};
}

bool exists(Context& ctx, const char* sql, std::int64_t id) {
  auto& q = ctx.sql(sql);
  q.bind(1, id);
  bool f = q.step();
  q.reset();
  return f;
}


}  // namespace

Json Admin::export_person(Context& ctx, std::int64_t person) {
  Json out;
  auto& p = ctx.sql("SELECT id, email, name, title, locale, is_admin, created_at FROM people WHERE id = ?");
  p.bind(1, person);
  if (p.step())
    out["person"] = {{"id", p.int64(0)}, {"email", p.text(1)}, {"name", p.text(2)}, {"title", p.text(3)},
                     {"locale", p.text(4)}, {"is_admin", p.int64(5) != 0}, {"created_at", p.text(6)}};
  p.reset();
  auto rows = [&](const char* key, const char* sql, std::vector<std::string> cols) {
    Json arr = Json::array();
    auto& q = ctx.sql(sql);
    q.bind(1, person);
    while (q.step()) {
      Json row;
      for (std::size_t i = 0; i < cols.size(); ++i)
        row[cols[i]] = q.is_null(static_cast<int>(i)) ? Json(nullptr) : Json(q.text(static_cast<int>(i)));
      arr.push_back(row);
    }
    q.reset();
    out[key] = arr;
  };
  rows("organisations",
       "SELECT o.name, a.capacity, a.signatory FROM affiliations a JOIN organisations o ON o.id = a.organisation_id WHERE a.person_id = ?",
       {"organisation", "capacity", "signatory"});
  rows("notifications",
       "SELECT kind, title_fr, body_fr, link, created_at, read_at FROM notifications WHERE person_id = ? ORDER BY id",
       {"kind", "title", "body", "link", "created_at", "read_at"});
  rows("notification_prefs", "SELECT email, digest, workspaces FROM notification_prefs WHERE person_id = ?",
       {"email", "digest", "workspaces"});
  rows("emails", "SELECT subject, status, created_at, sent_at FROM email_outbox WHERE person_id = ? ORDER BY id",
       {"subject", "status", "created_at", "sent_at"});
  rows("sessions", "SELECT created_at, last_seen, address, user_agent FROM sessions WHERE person_id = ?",
       {"created_at_ms", "last_seen_ms", "address", "user_agent"});
  rows("api_tokens", "SELECT name, scope, created_at, revoked_at FROM api_tokens WHERE person_id = ?",
       {"name", "scope", "created_at_ms", "revoked_at_ms"});
  rows("messages",
       "SELECT m.id, w.name, t.title, m.body, m.created_at, m.edited_at, m.deleted FROM messages m "
       "JOIN threads t ON t.id = m.thread_id JOIN workspaces w ON w.id = m.workspace_id WHERE m.author_id = ? ORDER BY m.id",
       {"id", "workspace", "thread", "body", "created_at", "edited_at", "deleted"});
  rows("reactions", "SELECT message_id, emoji FROM reactions WHERE person_id = ?", {"message", "emoji"});
  rows("attachments", "SELECT id, name, content_type, size, sha256, created_at FROM attachments WHERE uploader_id = ?",
       {"id", "name", "content_type", "size", "sha256", "created_at"});
  rows("read_markers", "SELECT thread_id, message_id FROM read_markers WHERE person_id = ?", {"thread", "message"});
  rows("audit", "SELECT at, action, target, address FROM audit_log WHERE actor_id = ? ORDER BY id",
       {"at", "action", "target", "address"});
  return out;
}

void Admin::erase_person(EngineContext& ctx, std::int64_t person, std::int64_t actor, const std::string& address) {
  // The account goes; what they wrote stays in the partners' records under a neutral name.
  std::string pseudonym = "Personne supprimée " + std::to_string(person);
  // The stored events carry the author's name inside messages: rewrite it there too.
  auto& n = ctx.sql("SELECT name FROM people WHERE id = ?");
  n.bind(1, person);
  std::string old_name = n.step() ? n.text(0) : "";
  n.reset();
  if (!old_name.empty()) {
    std::string from = "\"author_name\":" + Json(old_name).dump(), to = "\"author_name\":" + Json(pseudonym).dump();
    auto& e = ctx.sql("UPDATE events SET data = replace(data, ?1, ?2) WHERE instr(data, ?1) > 0");
    e.bind(1, from).bind(2, to).run();
  }
  auto& u = ctx.sql(
      "UPDATE people SET key = NULL, email = ?, name = ?, title = '', password_hash = NULL, disabled = 1, "
      "is_admin = 0 WHERE id = ?");
  u.bind(1, "erased-" + std::to_string(person) + "@erased.invalid").bind(2, pseudonym).bind(3, person).run();
  for (auto sql : {"DELETE FROM sessions WHERE person_id = ?", "DELETE FROM api_tokens WHERE person_id = ?",
                   "DELETE FROM invitations WHERE person_id = ?", "DELETE FROM read_markers WHERE person_id = ?",
                   "DELETE FROM reactions WHERE person_id = ?", "DELETE FROM personal_events WHERE person_id = ?",
                   "DELETE FROM workspace_members WHERE person_id = ?", "DELETE FROM affiliations WHERE person_id = ?",
                   "DELETE FROM notifications WHERE person_id = ?", "DELETE FROM notification_prefs WHERE person_id = ?",
                   "DELETE FROM email_outbox WHERE person_id = ?"}) {
    auto& d = ctx.sql(sql);
    d.bind(1, person).run();
  }
  ctx.notice(Notice{Notice::Kind::close_person, person, 0, 0, 0, Role::none});
  Accounts::audit(ctx, actor, "person.erase", "person:" + std::to_string(person), address);
}

void Admin::register_operations(Dispatcher& d) {
  d.add({.name = "admin.people.list",
         .schema = object_schema(Json::object(), {}),
         .rule = Rule::admin,
         .handler = [](Context& ctx, const Call&) {
           Json out = Json::array();
           auto& q = ctx.sql("SELECT id, email, name, title, is_admin, disabled, password_hash IS NOT NULL FROM people ORDER BY id");
           while (q.step())
             out.push_back({{"id", q.int64(0)}, {"email", q.text(1)}, {"name", q.text(2)}, {"title", q.text(3)},
                            {"is_admin", q.int64(4) != 0}, {"disabled", q.int64(5) != 0}, {"activated", q.int64(6) != 0}});
           q.reset();
           return Result::ok({{"people", out}});
         }});

  d.add({.name = "admin.people.add",
         .schema = object_schema({{"email", kEmail}, {"name", kName}, {"title", kText}, {"organisation", kId},
                               {"capacity", kText}},
                              {"email", "name"}),
         .rule = Rule::admin,
         .change = true,
         .handler = [this](Context& ctx, const Call& call) {
           if (!valid_email(call.args["email"].get<std::string>()))
             return Result::fail(ErrorCode::bad_request, "args.email: not an email address", "args.email : adresse invalide", "args.email");
           if (call.args.contains("organisation") &&
               !exists(ctx, "SELECT 1 FROM organisations WHERE id = ?", call.args["organisation"].get<std::int64_t>()))
             return Result::fail(ErrorCode::not_found, "no such organisation", "organisation introuvable", "args.organisation");
           auto [person, created] = find_or_create(ctx, call.args);
           if (!created) return Result::fail(ErrorCode::conflict, "a person with this email exists", "cette adresse est déjà utilisée", "args.email");
           std::string link = accounts_.create_link(ctx, person, call.caller.person, "invitation");
           Accounts::audit(ctx, call.caller.person, "person.add", "person:" + std::to_string(person), call.caller.address);
           return Result::ok({{"person", person}, {"invitation_link", link}});
         }});

  d.add({.name = "admin.people.disable",
         .schema = object_schema({{"person", kId}, {"disabled", {{"type", "boolean"}}}}, {"person", "disabled"}),
         .rule = Rule::admin,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           auto& ec = static_cast<EngineContext&>(ctx);
           std::int64_t person = call.args["person"].get<std::int64_t>();
           if (person == call.caller.person)
             return Result::fail(ErrorCode::conflict, "you cannot disable yourself", "vous ne pouvez pas vous désactiver");
           auto& q = ctx.sql("UPDATE people SET disabled = ? WHERE id = ?");
           q.bind(1, call.args["disabled"].get<bool>() ? 1 : 0).bind(2, person).run();
           if (ctx.changes() == 0) return Result::fail(ErrorCode::not_found, "no such person", "personne introuvable");
           if (call.args["disabled"].get<bool>()) {
             auto& s = ctx.sql("DELETE FROM sessions WHERE person_id = ?");
             s.bind(1, person).run();
             ec.notice(Notice{Notice::Kind::close_person, person, 0, 0, 0, Role::none});
           }
           Accounts::audit(ctx, call.caller.person, call.args["disabled"].get<bool>() ? "person.disable" : "person.enable",
                           "person:" + std::to_string(person), call.caller.address);
           return Result::ok();
         }});

  d.add({.name = "admin.people.reset_link",
         .schema = object_schema({{"person", kId}}, {"person"}),
         .rule = Rule::admin,
         .change = true,
         .handler = [this](Context& ctx, const Call& call) {
           std::int64_t person = call.args["person"].get<std::int64_t>();
           if (!exists(ctx, "SELECT 1 FROM people WHERE id = ? AND disabled = 0", person))
             return Result::fail(ErrorCode::not_found, "no such person", "personne introuvable");
           return Result::ok({{"reset_link", accounts_.create_link(ctx, person, call.caller.person, "reset")}});
         }});

  d.add({.name = "admin.people.erase",
         .schema = object_schema({{"person", kId}}, {"person"}),
         .rule = Rule::admin,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           std::int64_t person = call.args["person"].get<std::int64_t>();
           if (person == call.caller.person)
             return Result::fail(ErrorCode::conflict, "you cannot erase yourself", "vous ne pouvez pas vous effacer");
           if (!exists(ctx, "SELECT 1 FROM people WHERE id = ?", person))
             return Result::fail(ErrorCode::not_found, "no such person", "personne introuvable");
           auto& ec = static_cast<EngineContext&>(ctx);
           for (auto& h : ec.dispatcher().person_hooks()) h.eraser(ctx, person);
           erase_person(ec, person, call.caller.person, call.caller.address);
           return Result::ok();
         }});

  d.add({.name = "admin.orgs.add",
         .schema = object_schema({{"pact", {{"type", "string"}, {"minLength", 1}, {"maxLength", 100}}},
                               {"key", {{"type", "string"}, {"minLength", 1}, {"maxLength", 64}}},
                               {"name", kName}, {"short", {{"type", "string"}, {"minLength", 1}, {"maxLength", 40}}},
                               {"kind", {{"type", "string"}, {"enum", {"city", "caf", "federation", "social_centre", "public_body"}}}}},
                              {"pact", "key", "name", "short", "kind"}),
         .rule = Rule::admin,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           auto& p = ctx.sql("SELECT id FROM pacts WHERE key = ?");
           p.bind(1, call.args["pact"].get<std::string>());
           if (!p.step()) {
             p.reset();
             return Result::fail(ErrorCode::not_found, "no such pact", "pacte introuvable", "args.pact");
           }
           std::int64_t pact = p.int64(0);
           p.reset();
           auto& dup = ctx.sql("SELECT 1 FROM organisations WHERE pact_id = ? AND key = ?");
           dup.bind(1, pact).bind(2, call.args["key"].get<std::string>());
           bool taken = dup.step();
           dup.reset();
           if (taken) return Result::fail(ErrorCode::conflict, "an organisation with this key exists", "cette clé est déjà prise", "args.key");
           auto& q = ctx.sql("INSERT INTO organisations(pact_id, key, name, short, kind) VALUES (?,?,?,?,?)");
           q.bind(1, pact).bind(2, call.args["key"].get<std::string>()).bind(3, call.args["name"].get<std::string>())
               .bind(4, call.args["short"].get<std::string>()).bind(5, call.args["kind"].get<std::string>()).run();
           std::int64_t id = ctx.last_insert_id();
           Accounts::audit(ctx, call.caller.person, "organisation.add", "organisation:" + std::to_string(id), call.caller.address);
           return Result::ok({{"organisation", id}});
         }});

  // An owner invites someone into their workspace; the person sets a password from the link.
  d.add({.name = "invitations.create",
         .schema = object_schema({{"workspace", kId}, {"email", kEmail}, {"name", kName}, {"title", kText},
                               {"organisation", kId}, {"capacity", kText},
                               {"role", {{"type", "string"}, {"enum", {"owner", "member", "observer"}}}}},
                              {"workspace", "email", "name", "role"}),
         .rule = Rule::owner,
         .change = true,
         .handler = [this](Context& ctx, const Call& call) {
           auto& ec = static_cast<EngineContext&>(ctx);
           if (!valid_email(call.args["email"].get<std::string>()))
             return Result::fail(ErrorCode::bad_request, "args.email: not an email address", "args.email : adresse invalide", "args.email");
           if (call.args.contains("organisation") &&
               !exists(ctx, "SELECT 1 FROM organisations WHERE id = ?", call.args["organisation"].get<std::int64_t>()))
             return Result::fail(ErrorCode::not_found, "no such organisation", "organisation introuvable", "args.organisation");
           auto [person, created] = find_or_create(ctx, call.args);
           Role before = ctx.role_of(person, call.workspace);
           std::string role = call.args["role"].get<std::string>();
           auto& m = ctx.sql(
               "INSERT INTO workspace_members(workspace_id, person_id, role) VALUES (?,?,?) "
               "ON CONFLICT DO UPDATE SET role = excluded.role");
           m.bind(1, call.workspace).bind(2, person).bind(3, role).run();
           std::int64_t seq = ctx.append_event(call.workspace, "workspace.member_added", {{"person", person}, {"role", role}});
           Role now = ctx.role_of(person, call.workspace);
           if (now != before)
             ec.notice(Notice{Notice::Kind::subscribe, person, call.workspace, before == Role::none ? seq - 1 : -1, 0, now});
           Json out = {{"person", person}};
           // Only a person this invitation creates gets a link from a workspace owner: an
           // existing account (even one without a password yet) is never handed to an
           // owner; an admin issues its links (admin.people.reset_link).
           if (created) {
             out["invitation_link"] = accounts_.create_link(ctx, person, call.caller.person, "invitation");
             if (notifications_) {
               auto& wq = ctx.sql("SELECT name FROM workspaces WHERE id = ?");
               wq.bind(1, call.workspace);
               std::string ws_name = wq.step() ? wq.text(0) : "";
               wq.reset();
               notifications_->send_link(ec, person, "invitation", out["invitation_link"].get<std::string>(), ws_name);
             }
           }
           Accounts::audit(ctx, call.caller.person, "invitation.create", "workspace:" + std::to_string(call.workspace),
                           call.caller.address, {{"person", person}, {"role", role}});
           return Result::ok(out);
         }});

  d.add({.name = "me.export",
         .schema = object_schema(Json::object(), {}),
         .rule = Rule::authenticated,
         .handler = [](Context& ctx, const Call& call) {
           Accounts::audit(ctx, call.caller.person, "export.personal_data", "person:" + std::to_string(call.caller.person),
                           call.caller.address);
           Json out = export_person(ctx, call.caller.person);
           auto& ec = static_cast<EngineContext&>(ctx);
           for (auto& h : ec.dispatcher().person_hooks()) {
             Json part = h.exporter(ctx, call.caller.person);
             if (!part.is_null()) out["plugins"][h.plugin] = std::move(part);
           }
           return Result::ok(out);
         }});
}

}  // namespace pacte
