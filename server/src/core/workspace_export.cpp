#include "core/workspace_export.hpp"

#include "core/workspaces.hpp"

namespace pacte {

Json WorkspaceExport::collect(Context& ctx, const Dispatcher& dispatcher, std::int64_t workspace,
                              const std::string& attachments_dir, std::vector<File>& files) {
  Json out;
  out["format"] = "pacte-workspace-export/1";
  out["exported_at"] = ctx.now_text();
  Json ws = Workspaces::describe(ctx, workspace, 0);
  for (auto k : {"role", "unread", "mentions"}) ws.erase(k);
  out["workspace"] = ws;
  Json members = Json::array();
  auto& m = ctx.sql(
      "SELECT COALESCE(p.name, o.name), CASE WHEN m.person_id IS NULL THEN 'organisation' ELSE 'person' END, m.role "
      "FROM workspace_members m LEFT JOIN people p ON p.id = m.person_id LEFT JOIN organisations o ON o.id = m.organisation_id "
      "WHERE m.workspace_id = ? ORDER BY m.id");
  m.bind(1, workspace);
  while (m.step()) members.push_back({{"name", m.text(0)}, {"kind", m.text(1)}, {"role", m.text(2)}});
  m.reset();
  out["members"] = members;

  Json threads = Json::array();
  std::vector<std::pair<std::int64_t, Json>> list;
  auto& t = ctx.sql("SELECT id, title, resolved, created_at FROM threads WHERE workspace_id = ? ORDER BY id");
  t.bind(1, workspace);
  while (t.step())
    list.emplace_back(t.int64(0), Json{{"id", t.int64(0)}, {"title", t.text(1)}, {"resolved", t.int64(2) != 0},
                                       {"created_at", t.text(3)}});
  t.reset();
  for (auto& [id, thread] : list) {
    Json messages = Json::array();
    auto& q = ctx.sql(
        "SELECT m.id, p.name, m.body, m.created_at, m.edited_at, m.deleted, m.reply_to FROM messages m "
        "JOIN people p ON p.id = m.author_id WHERE m.thread_id = ? ORDER BY m.id");
    q.bind(1, id);
    while (q.step())
      messages.push_back({{"id", q.int64(0)}, {"author", q.text(1)}, {"body", q.text(2)}, {"created_at", q.text(3)},
                          {"edited_at", q.is_null(4) ? Json(nullptr) : Json(q.text(4))}, {"deleted", q.int64(5) != 0},
                          {"reply_to", q.is_null(6) ? Json(nullptr) : Json(q.int64(6))}});
    q.reset();
    for (auto& msg : messages) {
      std::int64_t mid = msg["id"];
      Json edits = Json::array();
      auto& e = ctx.sql("SELECT body, replaced_at FROM message_edits WHERE message_id = ? ORDER BY rowid");
      e.bind(1, mid);
      while (e.step()) edits.push_back({{"body", e.text(0)}, {"replaced_at", e.text(1)}});
      e.reset();
      msg["previous_versions"] = edits;
      Json reactions = Json::object();
      auto& r = ctx.sql("SELECT r.emoji, p.name FROM reactions r JOIN people p ON p.id = r.person_id WHERE r.message_id = ?");
      r.bind(1, mid);
      while (r.step()) reactions[r.text(0)].push_back(r.text(1));
      r.reset();
      msg["reactions"] = reactions;
      Json attachments = Json::array();
      auto& a = ctx.sql("SELECT id, name, content_type, size, sha256 FROM attachments WHERE message_id = ? ORDER BY id");
      a.bind(1, mid);
      while (a.step()) {
        std::string sha = a.text(4);
        std::string archive = "attachments/" + std::to_string(a.int64(0)) + "-" + a.text(1);
        attachments.push_back({{"name", a.text(1)}, {"content_type", a.text(2)}, {"size", a.int64(3)},
                               {"sha256", sha}, {"file", archive}});
        files.push_back({archive, attachments_dir + "/" + sha.substr(0, 2) + "/" + sha});
      }
      a.reset();
      msg["attachments"] = attachments;
    }
    thread["messages"] = messages;
    threads.push_back(thread);
  }
  out["threads"] = threads;
  Json plugins = Json::object();
  for (auto& [name, fn] : dispatcher.exporters()) {
    auto& q = ctx.sql("SELECT enabled FROM workspace_plugins WHERE workspace_id = ? AND plugin = ?");
    q.bind(1, workspace).bind(2, name);
    bool enabled = q.step() && q.int64(0) != 0;
    q.reset();
    if (!enabled) continue;
    Json part = fn(ctx, workspace);
    if (!part.is_null()) plugins[name] = std::move(part);
  }
  out["plugins"] = plugins;
  return out;
}

}  // namespace pacte
