#include "core/governance.hpp"

#include <sodium.h>

#include <fstream>
#include <map>
#include <set>

#include "core/engine.hpp"

#include "core/chat.hpp"
#include "core/dispatcher.hpp"
#include "core/server_config.hpp"

namespace pacte {

namespace {

struct Check {
  std::string file;
  [[noreturn]] void fail(const std::string& field, const std::string& expected) const {
    throw ConfigError(file + ": field '" + field + "': " + expected);
  }
  const Json& array(const Json& obj, const std::string& key, const std::string& path) const {
    if (!obj.contains(key) || !obj[key].is_array()) fail(path + key, "expected an array");
    return obj[key];
  }
  std::string str(const Json& obj, const std::string& key, const std::string& path) const {
    if (!obj.contains(key) || !obj[key].is_string() || obj[key].get<std::string>().empty())
      fail(path + key, "expected a non-empty string");
    return obj[key].get<std::string>();
  }
};

std::string random_password() {
  // 4 groups of 4 letters/digits: easy to type from a terminal, ~80 bits.
  static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";  // 32 symbols: 5 bits each
  std::string out;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i && i % 4 == 0) out += '-';
    out += alphabet[randombytes_uniform(32)];
  }
  return out;
}

/// A Context over the database for the import (no events are broadcast: nobody is
/// connected at first start).
class ImportContext : public EngineContext {
 public:
  using EngineContext::EngineContext;
};

}  // namespace

Json Governance::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw ConfigError(file.string() + ": cannot read the governance file");
  Json g;
  try {
    g = Json::parse(in);
  } catch (const Json::parse_error& e) {
    throw ConfigError(file.string() + ": not valid JSON: " + e.what());
  }
  Check c{file.string()};
  if (!g.is_object()) c.fail("(root)", "expected an object");
  if (g.value("format", 0) != 1) c.fail("format", "expected 1");
  if (!g.contains("pact") || !g["pact"].is_object()) c.fail("pact", "expected an object");
  c.str(g["pact"], "key", "pact.");
  c.str(g["pact"], "name", "pact.");
  std::set<std::string> orgs, people, kinds, emails;
  auto& o = c.array(g, "organisations", "");
  for (std::size_t i = 0; i < o.size(); ++i) {
    std::string p = "organisations[" + std::to_string(i) + "].";
    for (auto k : {"key", "name", "short", "kind"}) c.str(o[i], k, p);
    if (!orgs.insert(o[i]["key"].get<std::string>()).second) c.fail(p + "key", "duplicate organisation key");
    static const std::set<std::string> org_kinds = {"city", "caf", "federation", "social_centre", "public_body"};
    if (!org_kinds.count(o[i]["kind"].get<std::string>()))
      c.fail(p + "kind", "expected one of city, caf, federation, social_centre, public_body");
  }
  auto& pp = c.array(g, "people", "");
  for (std::size_t i = 0; i < pp.size(); ++i) {
    std::string p = "people[" + std::to_string(i) + "].";
    for (auto k : {"key", "name", "email"}) c.str(pp[i], k, p);
    std::string email = pp[i]["email"].get<std::string>();
    if (email.find('@') == std::string::npos) c.fail(p + "email", "expected an email address");
    if (!emails.insert(email).second) c.fail(p + "email", "duplicate email");
    if (!people.insert(pp[i]["key"].get<std::string>()).second) c.fail(p + "key", "duplicate person key");
    if (pp[i].contains("memberships")) {
      auto& ms = c.array(pp[i], "memberships", p);
      for (std::size_t j = 0; j < ms.size(); ++j)
        if (!orgs.count(c.str(ms[j], "organisation", p + "memberships[" + std::to_string(j) + "].")))
          c.fail(p + "memberships[" + std::to_string(j) + "].organisation", "unknown organisation key");
    }
  }
  auto& ks = c.array(g, "committee_kinds", "");
  for (std::size_t i = 0; i < ks.size(); ++i) {
    std::string p = "committee_kinds[" + std::to_string(i) + "].";
    for (auto k : {"key", "label", "label_plural", "label_en", "label_plural_en"}) c.str(ks[i], k, p);
    kinds.insert(ks[i]["key"].get<std::string>());
  }
  std::set<std::string> ws_keys;
  auto& ws = c.array(g, "workspaces", "");
  for (std::size_t i = 0; i < ws.size(); ++i) {
    std::string p = "workspaces[" + std::to_string(i) + "].";
    for (auto k : {"key", "kind", "name"}) c.str(ws[i], k, p);
    if (!kinds.count(ws[i]["kind"].get<std::string>())) c.fail(p + "kind", "unknown committee kind");
    if (!ws_keys.insert(ws[i]["key"].get<std::string>()).second) c.fail(p + "key", "duplicate workspace key");
    auto& ms = c.array(ws[i], "members", p);
    for (std::size_t j = 0; j < ms.size(); ++j) {
      std::string q = p + "members[" + std::to_string(j) + "].";
      if (ms[j].contains("organisation")) {
        if (!orgs.count(ms[j]["organisation"].get<std::string>())) c.fail(q + "organisation", "unknown organisation key");
      } else if (ms[j].contains("person")) {
        if (!people.count(ms[j]["person"].get<std::string>())) c.fail(q + "person", "unknown person key");
      } else {
        c.fail(q, "expected an organisation or a person");
      }
      if (!role_from_string(ms[j].value("role", ""))) c.fail(q + "role", "expected owner, member or observer");
    }
  }
  if (g.contains("demo_threads"))
    for (std::size_t i = 0; i < g["demo_threads"].size(); ++i) {
      auto& t = g["demo_threads"][i];
      std::string p = "demo_threads[" + std::to_string(i) + "].";
      if (!ws_keys.count(c.str(t, "workspace", p))) c.fail(p + "workspace", "unknown workspace key");
      for (auto& m : c.array(t, "messages", p))
        if (!people.count(m.value("author", ""))) c.fail(p + "messages.author", "unknown person key");
    }
  return g;
}

bool Governance::imported(Database& db, const Json& g) {
  auto& q = db.prepare("SELECT 1 FROM pacts WHERE key = ?");
  q.bind(1, g["pact"]["key"].get<std::string>());
  bool found = q.step();
  q.reset();
  return found;
}

std::vector<DemoAccount> Governance::import(Database& db, const Clock& clock, const Json& g,
                                            const ImportOptions& options) {
  // Hash passwords before the transaction: Argon2id is slow on purpose.
  std::vector<DemoAccount> accounts;
  std::vector<std::string> hashes;
  for (auto& p : g["people"]) {
    std::string pw = options.demo_password.empty() ? random_password() : options.demo_password;
    accounts.push_back({p["email"].get<std::string>(), p["name"].get<std::string>(), pw});
    hashes.push_back(hash_password(pw, options.cost));
  }
  Dispatcher none;
  EngineContext ctx(db, clock, options.dispatcher ? *options.dispatcher : none);
  std::string now = format_time(clock.now());
  db.exec("BEGIN IMMEDIATE");
  try {
    auto& ip = db.prepare("INSERT INTO pacts(key, name, governance, imported_at) VALUES (?,?,?,?)");
    ip.bind(1, g["pact"]["key"].get<std::string>()).bind(2, g["pact"]["name"].get<std::string>())
        .bind(3, g.dump()).bind(4, now).run();
    std::int64_t pact = db.last_insert_id();
    std::map<std::string, std::int64_t> org_ids, person_ids, ws_ids;
    for (auto& o : g["organisations"]) {
      auto& q = db.prepare("INSERT INTO organisations(pact_id, key, name, short, kind) VALUES (?,?,?,?,?)");
      q.bind(1, pact).bind(2, o["key"].get<std::string>()).bind(3, o["name"].get<std::string>())
          .bind(4, o["short"].get<std::string>()).bind(5, o["kind"].get<std::string>()).run();
      org_ids[o["key"]] = db.last_insert_id();
    }
    std::size_t i = 0;
    for (auto& p : g["people"]) {
      std::string email = p["email"].get<std::string>();
      for (auto& ch : email) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      auto& q = db.prepare(
          "INSERT INTO people(key, email, name, title, password_hash, is_admin, demo, created_at) VALUES (?,?,?,?,?,?,1,?)");
      q.bind(1, p["key"].get<std::string>()).bind(2, email).bind(3, p["name"].get<std::string>())
          .bind(4, p.value("title", std::string())).bind(5, hashes[i++])
          .bind(6, p.value("instance_admin", false) ? 1 : 0).bind(7, now).run();
      std::int64_t id = db.last_insert_id();
      person_ids[p["key"]] = id;
      for (auto& m : p.value("memberships", Json::array())) {
        auto& a = db.prepare("INSERT INTO affiliations(person_id, organisation_id, capacity, signatory) VALUES (?,?,?,?)");
        a.bind(1, id).bind(2, org_ids[m["organisation"]]).bind(3, m.value("capacity", std::string()))
            .bind(4, m.value("signatory", false) ? 1 : 0).run();
      }
    }
    int position = 0;
    for (auto& k : g["committee_kinds"]) {
      auto& q = db.prepare(
          "INSERT INTO committee_kinds(pact_id, key, label, label_plural, label_en, label_plural_en, position, definition) "
          "VALUES (?,?,?,?,?,?,?,?)");
      q.bind(1, pact).bind(2, k["key"].get<std::string>()).bind(3, k["label"].get<std::string>())
          .bind(4, k["label_plural"].get<std::string>()).bind(5, k["label_en"].get<std::string>())
          .bind(6, k["label_plural_en"].get<std::string>()).bind(7, position++).bind(8, k.dump()).run();
    }
    for (auto& w : g["workspaces"]) {
      auto& q = db.prepare("INSERT INTO workspaces(pact_id, key, name, kind, description, created_at) VALUES (?,?,?,?,?,?)");
      q.bind(1, pact).bind(2, w["key"].get<std::string>()).bind(3, w["name"].get<std::string>())
          .bind(4, w["kind"].get<std::string>()).bind(5, w.value("description", std::string())).bind(6, now).run();
      std::int64_t ws = db.last_insert_id();
      ws_ids[w["key"]] = ws;
      for (auto& m : w["members"]) {
        bool org = m.contains("organisation");
        auto& mq = db.prepare(org ? "INSERT INTO workspace_members(workspace_id, organisation_id, role) VALUES (?,?,?)"
                                  : "INSERT INTO workspace_members(workspace_id, person_id, role) VALUES (?,?,?)");
        mq.bind(1, ws).bind(2, org ? org_ids[m["organisation"]] : person_ids[m["person"]])
            .bind(3, m["role"].get<std::string>()).run();
      }
      for (auto& plugin : options.plugins) {
        auto& pq = db.prepare("INSERT INTO workspace_plugins(workspace_id, plugin, enabled) VALUES (?,?,1)");
        pq.bind(1, ws).bind(2, plugin).run();
      }
    }
    for (auto& t : g.value("demo_threads", Json::array())) {
      std::int64_t ws = ws_ids[t["workspace"]];
      std::int64_t thread = 0;
      for (auto& m : t["messages"]) {
        std::int64_t author = person_ids[m["author"]];
        ctx.set_author(author);
        if (!thread) {
          Json r = Chat::create_thread(ctx, ws, author, t["title"].get<std::string>(), m["body"].get<std::string>());
          thread = r["thread"]["id"].get<std::int64_t>();
        } else {
          Json msg = Chat::post(ctx, thread, ws, author, m["body"].get<std::string>(), std::nullopt);
          ctx.append_event(ws, "chat.message_posted", {{"message", msg}},
                           "message:" + std::to_string(msg["id"].get<std::int64_t>()));
        }
      }
    }
    ctx.set_author(0);
    if (options.after_import) options.after_import(ctx, person_ids, org_ids, ws_ids);
    db.exec("COMMIT");
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
  return accounts;
}

std::vector<std::string> Governance::reconcile(Database& db, const Clock& clock, const Json& g, bool apply,
                                               const std::string& public_url) {
  std::vector<std::string> out;
  std::string pact_key = g["pact"]["key"];
  auto& pq = db.prepare("SELECT id FROM pacts WHERE key = ?");
  pq.bind(1, pact_key);
  if (!pq.step()) {
    pq.reset();
    out.push_back("+ pact " + pact_key + " (not imported yet: it is imported at the next start)");
    return out;
  }
  std::int64_t pact = pq.int64(0);
  pq.reset();
  Dispatcher none;
  EngineContext ctx(db, clock, none);
  if (apply) db.exec("BEGIN IMMEDIATE");
  try {
    auto lookup = [&](const char* sql, auto key) -> std::optional<std::pair<std::int64_t, std::string>> {
      auto& q = db.prepare(sql);
      q.bind(1, pact).bind(2, key);
      std::optional<std::pair<std::int64_t, std::string>> r;
      if (q.step()) r = std::make_pair(q.int64(0), q.text(1));
      q.reset();
      return r;
    };
    std::map<std::string, std::int64_t> org_ids, ws_ids;
    for (auto& o : g["organisations"]) {
      std::string key = o["key"], name = o["name"];
      auto found = lookup("SELECT id, name FROM organisations WHERE pact_id = ? AND key = ?", key);
      if (!found) {
        out.push_back("+ organisation " + key + " (" + name + ")");
        if (apply) {
          auto& q = db.prepare("INSERT INTO organisations(pact_id, key, name, short, kind) VALUES (?,?,?,?,?)");
          q.bind(1, pact).bind(2, key).bind(3, name).bind(4, o["short"].get<std::string>()).bind(5, o["kind"].get<std::string>()).run();
          org_ids[key] = db.last_insert_id();
        }
      } else {
        org_ids[key] = found->first;
        if (found->second != name) {
          out.push_back("~ organisation " + key + " renamed: " + found->second + " → " + name);
          if (apply) {
            auto& q = db.prepare("UPDATE organisations SET name = ? WHERE id = ?");
            q.bind(1, name).bind(2, found->first).run();
          }
        }
      }
    }
    for (auto& p : g["people"]) {
      std::string email = p["email"];
      auto& q = db.prepare("SELECT id FROM people WHERE email = ?");
      q.bind(1, email);
      bool exists = q.step();
      q.reset();
      if (exists) continue;
      out.push_back("+ person " + email + " (" + p["name"].get<std::string>() + ")");
      if (!apply) continue;
      auto& ins = db.prepare("INSERT INTO people(key, email, name, title, is_admin, created_at) VALUES (?,?,?,?,?,?)");
      ins.bind(1, p["key"].get<std::string>()).bind(2, email).bind(3, p["name"].get<std::string>())
          .bind(4, p.value("title", std::string())).bind(5, p.value("instance_admin", false) ? 1 : 0)
          .bind(6, format_time(clock.now())).run();
      std::int64_t id = db.last_insert_id();
      for (auto& m : p.value("memberships", Json::array())) {
        if (!org_ids.count(m["organisation"])) continue;
        auto& a = db.prepare("INSERT INTO affiliations(person_id, organisation_id, capacity, signatory) VALUES (?,?,?,?)");
        a.bind(1, id).bind(2, org_ids[m["organisation"]]).bind(3, m.value("capacity", std::string()))
            .bind(4, m.value("signatory", false) ? 1 : 0).run();
      }
      out.push_back("    link to choose a password (7 days): " + create_one_time_link(ctx, id, 0, "invitation", public_url));
    }
    std::set<std::string> in_file;
    for (auto& w : g["workspaces"]) {
      std::string key = w["key"], name = w["name"];
      in_file.insert(key);
      auto found = lookup("SELECT id, name FROM workspaces WHERE pact_id = ? AND key = ?", key);
      std::int64_t ws = 0;
      if (!found) {
        out.push_back("+ workspace " + key + " (" + name + ")");
        if (apply) {
          auto& q = db.prepare("INSERT INTO workspaces(pact_id, key, name, kind, description, created_at) VALUES (?,?,?,?,?,?)");
          q.bind(1, pact).bind(2, key).bind(3, name).bind(4, w["kind"].get<std::string>())
              .bind(5, w.value("description", std::string())).bind(6, format_time(clock.now())).run();
          ws = db.last_insert_id();
        }
      } else {
        ws = found->first;
        if (found->second != name) {
          out.push_back("~ workspace " + key + " renamed: " + found->second + " → " + name);
          if (apply) {
            auto& q = db.prepare("UPDATE workspaces SET name = ? WHERE id = ?");
            q.bind(1, name).bind(2, ws).run();
          }
        }
      }
      for (auto& m : w["members"]) {
        if (!m.contains("organisation")) continue;
        std::string org = m["organisation"], role = m["role"];
        std::string current;
        if (ws && org_ids.count(org)) {
          auto& q = db.prepare("SELECT role FROM workspace_members WHERE workspace_id = ? AND organisation_id = ?");
          q.bind(1, ws).bind(2, org_ids[org]);
          if (q.step()) current = q.text(0);
          q.reset();
        }
        if (current == role) continue;
        out.push_back((current.empty() ? "+ member " : "~ member ") + org + " of " + key + ": " +
                      (current.empty() ? role : current + " → " + role));
        if (apply && ws && org_ids.count(org)) {
          auto& q = db.prepare(
              "INSERT INTO workspace_members(workspace_id, organisation_id, role) VALUES (?,?,?) "
              "ON CONFLICT DO UPDATE SET role = excluded.role");
          q.bind(1, ws).bind(2, org_ids[org]).bind(3, role).run();
        }
      }
    }
    auto& all = db.prepare("SELECT key FROM workspaces WHERE pact_id = ?");
    all.bind(1, pact);
    while (all.step())
      if (!in_file.count(all.text(0)))
        out.push_back("= workspace " + all.text(0) + " is not in the file: kept (remove it with workspaces.archive)");
    all.reset();
    if (apply) {
      auto& upd = db.prepare("UPDATE pacts SET governance = ? WHERE id = ?");
      upd.bind(1, g.dump()).bind(2, pact).run();
      db.exec("COMMIT");
    }
  } catch (...) {
    if (apply) db.exec("ROLLBACK");
    throw;
  }
  return out;
}

}  // namespace pacte
