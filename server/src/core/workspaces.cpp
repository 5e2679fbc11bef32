#include "core/schema.hpp"
#include "core/workspaces.hpp"

#include "core/accounts.hpp"

namespace pacte {

namespace {

const Json& kId = id_schema();
const Json kRole = {{"type", "string"}, {"enum", {"owner", "member", "observer"}}};

}  // namespace

std::vector<std::pair<std::int64_t, Role>> Workspaces::visible(EngineContext& ctx, std::int64_t person) {
  std::vector<std::pair<std::int64_t, Role>> out;
  if (ctx.is_admin(person)) {
    auto& q = ctx.sql("SELECT id FROM workspaces ORDER BY id");
    while (q.step()) out.emplace_back(q.int64(0), Role::owner);
    q.reset();
    return out;
  }
  auto& q = ctx.sql(
      "SELECT m.workspace_id, MAX(CASE m.role WHEN 'owner' THEN 3 WHEN 'member' THEN 2 WHEN 'observer' THEN 1 END) "
      "FROM workspace_members m WHERE m.person_id = ?1 OR m.organisation_id IN "
      "(SELECT organisation_id FROM affiliations WHERE person_id = ?1) GROUP BY m.workspace_id ORDER BY m.workspace_id");
  q.bind(1, person);
  while (q.step()) out.emplace_back(q.int64(0), static_cast<Role>(q.int64(1)));
  q.reset();
  return out;
}

Json Workspaces::describe(Context& ctx, std::int64_t ws, std::int64_t person) {
  auto& q = ctx.sql(
      "SELECT w.id, p.key, w.key, w.name, w.kind, COALESCE(k.label, w.kind), COALESCE(k.label_en, w.kind), "
      "w.description, w.archived, w.last_seq, COALESCE(k.position, 99), COALESCE(k.label_plural, w.kind), "
      "COALESCE(k.label_plural_en, w.kind) "
      "FROM workspaces w LEFT JOIN pacts p ON p.id = w.pact_id "
      "LEFT JOIN committee_kinds k ON k.pact_id = w.pact_id AND k.key = w.kind WHERE w.id = ?");
  q.bind(1, ws);
  if (!q.step()) {
    q.reset();
    return nullptr;
  }
  Json out = {{"id", q.int64(0)}, {"pact", q.text(1)}, {"key", q.text(2)}, {"name", q.text(3)},
              {"kind", q.text(4)}, {"kind_label", q.text(5)}, {"kind_label_en", q.text(6)},
              {"description", q.text(7)}, {"archived", q.int64(8) != 0}, {"last_seq", q.int64(9)},
              {"kind_position", q.int64(10)}, {"kind_label_plural", q.text(11)},
              {"kind_label_plural_en", q.text(12)}};
  q.reset();
  out["role"] = to_string(ctx.role_of(person, ws));
  auto& u = ctx.sql(
      "SELECT COUNT(*), COUNT(mn.person_id) FROM messages m "
      "LEFT JOIN read_markers r ON r.thread_id = m.thread_id AND r.person_id = ?1 "
      "LEFT JOIN mentions mn ON mn.message_id = m.id AND mn.person_id = ?1 "
      "WHERE m.workspace_id = ?2 AND m.deleted = 0 AND m.author_id <> ?1 AND m.id > COALESCE(r.message_id, 0)");
  u.bind(1, person).bind(2, ws);
  u.step();
  out["unread"] = u.int64(0);
  out["mentions"] = u.int64(1);
  u.reset();
  Json plugins = Json::array();
  auto& p = ctx.sql("SELECT plugin FROM workspace_plugins WHERE workspace_id = ? AND enabled = 1 ORDER BY plugin");
  p.bind(1, ws);
  while (p.step()) plugins.push_back(p.text(0));
  p.reset();
  out["plugins"] = plugins;
  return out;
}

void Workspaces::register_operations(Dispatcher& d) {
  d.add_scope("workspace", [](Context& ctx, std::int64_t id) -> std::optional<std::int64_t> {
    auto& q = ctx.sql("SELECT id FROM workspaces WHERE id = ?");
    q.bind(1, id);
    bool found = q.step();
    q.reset();
    if (!found) return std::nullopt;
    return id;
  });

  d.add({.name = "workspaces.list",
         .schema = object_schema(Json::object(), {}),
         .rule = Rule::authenticated,
         .handler = [](Context& ctx, const Call& call) {
           auto& ec = static_cast<EngineContext&>(ctx);
           Json out = Json::array();
           for (auto& [ws, role] : visible(ec, call.caller.person)) out.push_back(describe(ctx, ws, call.caller.person));
           return Result::ok({{"workspaces", out}});
         }});

  d.add({.name = "workspaces.get",
         .schema = object_schema({{"workspace", kId}}, {"workspace"}),
         .rule = Rule::observer,
         .handler = [](Context& ctx, const Call& call) {
           return Result::ok({{"workspace", describe(ctx, call.workspace, call.caller.person)}});
         }});

  d.add({.name = "workspaces.create",
         .schema = object_schema({{"pact", {{"type", "string"}, {"minLength", 1}, {"maxLength", 100}}},
                               {"key", {{"type", "string"}, {"minLength", 1}, {"maxLength", 100}}},
                               {"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
                               {"kind", {{"type", "string"}, {"minLength", 1}, {"maxLength", 100}}},
                               {"description", {{"type", "string"}, {"maxLength", 5000}}}},
                              {"pact", "key", "name", "kind"}),
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
           auto& dup = ctx.sql("SELECT 1 FROM workspaces WHERE pact_id = ? AND key = ?");
           dup.bind(1, pact).bind(2, call.args["key"].get<std::string>());
           bool exists = dup.step();
           dup.reset();
           if (exists) return Result::fail(ErrorCode::conflict, "a workspace with this key exists",
                                           "un espace porte déjà cette clé", "args.key");
           auto& q = ctx.sql("INSERT INTO workspaces(pact_id, key, name, kind, description, created_at) VALUES (?,?,?,?,?,?)");
           q.bind(1, pact).bind(2, call.args["key"].get<std::string>()).bind(3, call.args["name"].get<std::string>())
               .bind(4, call.args["kind"].get<std::string>()).bind(5, call.args.value("description", std::string()))
               .bind(6, ctx.now_text()).run();
           std::int64_t ws = ctx.last_insert_id();
           auto& m = ctx.sql("INSERT INTO workspace_members(workspace_id, person_id, role) VALUES (?,?,'owner')");
           m.bind(1, ws).bind(2, call.caller.person).run();
           Accounts::audit(ctx, call.caller.person, "workspace.create", "workspace:" + std::to_string(ws), call.caller.address);
           ctx.append_event(ws, "workspace.member_added", {{"person", call.caller.person}, {"role", "owner"}});
           static_cast<EngineContext&>(ctx).notice(
               Notice{Notice::Kind::subscribe, call.caller.person, ws, 0, 0, Role::owner});
           return Result::ok({{"workspace", describe(ctx, ws, call.caller.person)}});
         }});

  d.add({.name = "workspaces.rename",
         .schema = object_schema({{"workspace", kId}, {"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}}},
                              {"workspace", "name"}),
         .rule = Rule::owner,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           auto& q = ctx.sql("UPDATE workspaces SET name = ? WHERE id = ?");
           q.bind(1, call.args["name"].get<std::string>()).bind(2, call.workspace).run();
           ctx.append_event(call.workspace, "workspace.renamed", {{"name", call.args["name"]}});
           return Result::ok();
         }});

  d.add({.name = "workspaces.archive",
         .schema = object_schema({{"workspace", kId}, {"archived", {{"type", "boolean"}}}}, {"workspace", "archived"}),
         .rule = Rule::owner,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           auto& q = ctx.sql("UPDATE workspaces SET archived = ? WHERE id = ?");
           q.bind(1, call.args["archived"].get<bool>() ? 1 : 0).bind(2, call.workspace).run();
           ctx.append_event(call.workspace, "workspace.archived", {{"archived", call.args["archived"]}});
           return Result::ok();
         }});

  d.add({.name = "workspaces.members",
         .schema = object_schema({{"workspace", kId}}, {"workspace"}),
         .rule = Rule::observer,
         .handler = [](Context& ctx, const Call& call) {
           Json people = Json::array();
           for (auto& m : ctx.members(call.workspace)) {
             auto& q = ctx.sql("SELECT name, title FROM people WHERE id = ?");
             q.bind(1, m.person);
             q.step();
             Json orgs = Json::array();
             people.push_back({{"id", m.person}, {"name", q.text(0)}, {"title", q.text(1)}, {"role", to_string(m.role)}});
             q.reset();
             auto& o = ctx.sql("SELECT organisation_id FROM affiliations WHERE person_id = ? ORDER BY organisation_id");
             o.bind(1, m.person);
             while (o.step()) orgs.push_back(o.int64(0));
             o.reset();
             people.back()["organisations"] = orgs;
           }
           Json orgs = Json::array();
           auto& q = ctx.sql(
               "SELECT o.id, o.name, o.short, m.role FROM workspace_members m JOIN organisations o ON o.id = m.organisation_id "
               "WHERE m.workspace_id = ? ORDER BY o.id");
           q.bind(1, call.workspace);
           while (q.step())
             orgs.push_back({{"id", q.int64(0)}, {"name", q.text(1)}, {"short", q.text(2)}, {"role", q.text(3)}});
           q.reset();
           return Result::ok({{"people", people}, {"organisations", orgs}});
         }});

  auto membership_change = [](bool add) {
    return [add](Context& ctx, const Call& call) {
      auto& ec = static_cast<EngineContext&>(ctx);
      bool has_person = call.args.contains("person"), has_org = call.args.contains("organisation");
      if (has_person == has_org)
        return Result::fail(ErrorCode::bad_request, "args: give either person or organisation",
                            "args : indiquez une personne ou une organisation", "args");
      std::int64_t id = call.args[has_person ? "person" : "organisation"].get<std::int64_t>();
      auto& exists = ctx.sql(has_person ? "SELECT 1 FROM people WHERE id = ?" : "SELECT 1 FROM organisations WHERE id = ?");
      exists.bind(1, id);
      bool found = exists.step();
      exists.reset();
      if (!found) return Result::fail(ErrorCode::not_found, "no such person or organisation",
                                      "personne ou organisation introuvable");
      // Who is affected: the person, or every person of the organisation.
      std::vector<std::int64_t> affected;
      if (has_person) {
        affected.push_back(id);
      } else {
        auto& q = ctx.sql("SELECT person_id FROM affiliations WHERE organisation_id = ?");
        q.bind(1, id);
        while (q.step()) affected.push_back(q.int64(0));
        q.reset();
      }
      std::vector<std::pair<std::int64_t, Role>> before;
      before.reserve(affected.size());
      for (auto p : affected) before.emplace_back(p, ctx.role_of(p, call.workspace));
      const char* col = has_person ? "person_id" : "organisation_id";
      if (add) {
        std::string role = call.args.value("role", std::string("member"));
        auto& q = ctx.sql(std::string("INSERT INTO workspace_members(workspace_id, ") + col +
                          ", role) VALUES (?,?,?) ON CONFLICT DO UPDATE SET role = excluded.role");
        q.bind(1, call.workspace).bind(2, id).bind(3, role).run();
      } else {
        auto& q = ctx.sql(std::string("DELETE FROM workspace_members WHERE workspace_id = ? AND ") + col + " = ?");
        q.bind(1, call.workspace).bind(2, id).run();
        if (ctx.changes() == 0) return Result::fail(ErrorCode::not_found, "not a member", "pas membre de cet espace");
      }
      Json data = {{has_person ? "person" : "organisation", id}};
      if (add) data["role"] = call.args.value("role", std::string("member"));
      std::int64_t seq = ctx.append_event(call.workspace, add ? "workspace.member_added" : "workspace.member_removed", data);
      Accounts::audit(ctx, call.caller.person, add ? "workspace.member_add" : "workspace.member_remove",
                      "workspace:" + std::to_string(call.workspace), call.caller.address, data);
      for (auto& [p, old_role] : before) {
        Role now = ctx.role_of(p, call.workspace);
        if (now == old_role) continue;
        if (now == Role::none)
          ec.notice(Notice{Notice::Kind::unsubscribe, p, call.workspace, seq, 0, Role::none});
        else
          ec.notice(Notice{Notice::Kind::subscribe, p, call.workspace, old_role == Role::none ? seq - 1 : -1, 0, now});
      }
      return Result::ok();
    };
  };
  d.add({.name = "workspaces.add_member",
         .schema = object_schema({{"workspace", kId}, {"person", kId}, {"organisation", kId}, {"role", kRole}},
                              {"workspace", "role"}),
         .rule = Rule::owner,
         .change = true,
         .handler = membership_change(true)});
  d.add({.name = "workspaces.remove_member",
         .schema = object_schema({{"workspace", kId}, {"person", kId}, {"organisation", kId}}, {"workspace"}),
         .rule = Rule::owner,
         .change = true,
         .handler = membership_change(false)});

  // Resume: replay what the connection missed, then subscribe it (docs/protocol.md "Resume").
  d.add({.name = "sync.subscribe",
         .schema = object_schema({{"since", {{"type", "object"}}}, {"personal", {{"type", "integer"}, {"minimum", 0}}}}, {}),
         .rule = Rule::authenticated,
         .handler = [window = replay_window_](Context& ctx, const Call& call) {
           auto& ec = static_cast<EngineContext&>(ctx);
           Completion* c = ec.completion;
           Json since = call.args.value("since", Json::object());
           Json result_ws = Json::object();
           for (auto& [ws, role] : visible(ec, call.caller.person)) {
             auto& q = ctx.sql("SELECT last_seq FROM workspaces WHERE id = ?");
             q.bind(1, ws);
             q.step();
             std::int64_t last = q.int64(0);
             q.reset();
             std::string key = std::to_string(ws);
             result_ws[key] = last;
             auto it = since.find(key);
             if (it != since.end() && it->is_number_integer()) {
               std::int64_t from = it->get<std::int64_t>();
               if (from < 0 || from > last) from = last;
               if (last - from > window) {
                 c->before_reply.push_back(std::make_shared<const std::string>(
                     Json{{"event", "resync_required"}, {"workspace", ws}, {"data", {{"latest_seq", last}}}}.dump()));
               } else if (from < last) {
                 auto& e = ctx.sql("SELECT seq, type, author_id, at, data FROM events WHERE workspace_id = ? AND seq > ? ORDER BY seq");
                 e.bind(1, ws).bind(2, from);
                 while (e.step()) {
                   Json frame = {{"event", e.text(1)}, {"workspace", ws}, {"seq", e.int64(0)},
                                 {"author", e.is_null(2) ? Json(nullptr) : Json(e.int64(2))}, {"time", e.text(3)},
                                 {"data", Json::parse(e.text(4))}};
                   c->before_reply.push_back(std::make_shared<const std::string>(frame.dump()));
                 }
                 e.reset();
               }
             }
             c->subscriptions.push_back(Notice{Notice::Kind::subscribe, call.caller.person, ws, last, 0, role});
           }
           auto& p = ctx.sql("SELECT personal_seq FROM people WHERE id = ?");
           p.bind(1, call.caller.person);
           p.step();
           std::int64_t plast = p.int64(0);
           p.reset();
           if (call.args.contains("personal")) {
             std::int64_t from = std::min(call.args["personal"].get<std::int64_t>(), plast);
             auto& e = ctx.sql("SELECT seq, type, at, data FROM personal_events WHERE person_id = ? AND seq > ? ORDER BY seq LIMIT 10000");
             e.bind(1, call.caller.person).bind(2, from);
             while (e.step()) {
               Json frame = {{"event", e.text(1)}, {"stream", "personal"}, {"seq", e.int64(0)}, {"time", e.text(2)},
                             {"data", Json::parse(e.text(3))}};
               c->before_reply.push_back(std::make_shared<const std::string>(frame.dump()));
             }
             e.reset();
           }
           c->personal_seq = plast;
           return Result::ok({{"workspaces", result_ws}, {"personal", plast}});
         }});

  d.add({.name = "plugins.list",
         .schema = object_schema({{"workspace", kId}}, {"workspace"}),
         .rule = Rule::observer,
         .handler = [this](Context& ctx, const Call& call) {
           Json out = Json::array();
           for (auto& p : plugins_) {
             auto& q = ctx.sql("SELECT enabled FROM workspace_plugins WHERE workspace_id = ? AND plugin = ?");
             q.bind(1, call.workspace).bind(2, p.name);
             bool enabled = q.step() && q.int64(0) != 0;
             q.reset();
             // Both titles, so that a client switching language live relabels its tabs
             // without asking again; `title` is the caller's language.
             out.push_back({{"name", p.name},
                            {"version", p.version},
                            {"title", call.caller.locale == "en" ? p.title_en : p.title_fr},
                            {"title_fr", p.title_fr},
                            {"title_en", p.title_en},
                            {"enabled", enabled}});
           }
           return Result::ok({{"plugins", out}});
         }});

  auto toggle = [this](bool on) {
    return [this, on](Context& ctx, const Call& call) {
      std::string name = call.args["plugin"].get<std::string>();
      bool known = false;
      for (auto& p : plugins_) known = known || p.name == name;
      if (!known) return Result::fail(ErrorCode::not_found, "no such plugin on this server",
                                      "aucun module de ce nom sur ce serveur", "args.plugin");
      auto& q = ctx.sql(
          "INSERT INTO workspace_plugins(workspace_id, plugin, enabled) VALUES (?,?,?) "
          "ON CONFLICT DO UPDATE SET enabled = excluded.enabled");
      q.bind(1, call.workspace).bind(2, name).bind(3, on ? 1 : 0).run();
      ctx.append_event(call.workspace, on ? "plugins.enabled" : "plugins.disabled", {{"plugin", name}});
      return Result::ok();
    };
  };
  Json plugin_schema = object_schema({{"workspace", kId}, {"plugin", {{"type", "string"}, {"minLength", 1}, {"maxLength", 64}}}},
                                  {"workspace", "plugin"});
  d.add({.name = "plugins.enable", .schema = plugin_schema, .rule = Rule::owner, .change = true, .handler = toggle(true)});
  d.add({.name = "plugins.disable", .schema = plugin_schema, .rule = Rule::owner, .change = true, .handler = toggle(false)});
}

}  // namespace pacte
