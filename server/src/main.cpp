// The `pacte` command: serve, and the operator's subcommands.
#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <map>
#include <set>
#include <vector>

#include "core/application.hpp"
#include "core/backup.hpp"
#include "core/engine.hpp"
#include "core/governance.hpp"
#include "core/database.hpp"
#include "core/logger.hpp"
#include "signatures/evidence_verifier.hpp"

using namespace pacte;

namespace {

const char* kUsage = R"(Usage: pacte <command> [options]

Commands:
  serve     Start the server.
              --config FILE        configuration (default config/server.json)
              --listen ADDR:PORT   overrides "listen"
              --data DIR           overrides "data_dir"
              --demo-password PW   on first start, give every demo account this password
              --password-cost test use minimal Argon2id limits (test suites only)
  user list [--json] [--config FILE] [--data DIR]
            List the accounts with emails, organisations and capacities.
  user add --email E --name N [--title T] [--org KEY --capacity C] [--admin yes]
            Create an account; prints a one-time link (7 days) to choose a password.
  user disable --email E [--enable yes]
            Disable (or re-enable) an account; a running server closes its sockets.
  governance diff|apply [--config FILE] [--data DIR]
            Show (diff) or make (apply) what re-importing the pacts of the configuration
            would change in the database; nothing is ever deleted.
  org list [--json]
  org add --pact KEY --key K --name N --short S --kind city|caf|federation|social_centre|public_body
  backup --to DIR [--config FILE] [--data DIR]
            Consistent copy of the database (safe while the server runs).
  restore --from DIR [--config FILE] [--data DIR]
            Replace the database by a backup (the server must be stopped).
  verify BUNDLE --key FINGERPRINT
            Check a signature campaign's evidence bundle offline (plugins/signatures):
            trail, seals, frozen text, and the server key's fingerprint. Exit 0 if intact.
  version   Print the version.
)";

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  std::set<std::string> flags;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--json" || s == "--help") {
      a.flags.insert(s);
    } else if (s.rfind("--", 0) == 0) {
      if (i + 1 >= argc) throw ConfigError("option " + s + " needs a value");
      a.options[s] = argv[++i];
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

ServerConfig load_config(const Args& a) {
  auto it = a.options.find("--config");
  ServerConfig c = ServerConfig::load(it == a.options.end() ? "config/server.json" : it->second);
  if (auto l = a.options.find("--listen"); l != a.options.end()) {
    c.set_listen(l->second, "--listen");
    // The address the server now answers on is its own origin: browsers there may sign in,
    // and the links it hands out (invitations) point there.
    std::string scheme = c.tls() ? "https://" : "http://";
    std::string own = scheme + l->second;
    if (c.public_url.rfind("http://127.0.0.1", 0) == 0 || c.public_url.rfind("http://localhost", 0) == 0) c.public_url = own;
    if (std::find(c.allowed_origins.begin(), c.allowed_origins.end(), own) == c.allowed_origins.end())
      c.allowed_origins.push_back(own);
    if (c.listen_address == "127.0.0.1") {
      std::string local = scheme + "localhost:" + std::to_string(c.listen_port);
      if (std::find(c.allowed_origins.begin(), c.allowed_origins.end(), local) == c.allowed_origins.end())
        c.allowed_origins.push_back(local);
    }
  }
  if (auto d = a.options.find("--data"); d != a.options.end()) c.data_dir = d->second;
  if (c.data_dir.is_relative()) c.data_dir = std::filesystem::absolute(c.data_dir);
  if (c.web_root.is_relative()) c.web_root = c.base_dir / c.web_root;
  return c;
}

int serve(const Args& a) {
  AppOptions o;
  o.config = load_config(a);
  if (auto p = a.options.find("--demo-password"); p != a.options.end()) o.demo_password = p->second;
  if (auto p = a.options.find("--password-cost"); p != a.options.end()) {
    if (p->second != "test" && p->second != "interactive")
      throw ConfigError("--password-cost: expected 'test' or 'interactive'");
    o.cost = p->second == "test" ? PasswordCost::test : PasswordCost::interactive;
  }
  Application app(std::move(o));
  std::uint16_t port = app.bind();
  auto& cfg = app.config();
  std::string url = std::string(cfg.tls() ? "https://" : "http://") + cfg.listen_address + ":" + std::to_string(port);
  if (!app.created_accounts().empty()) {
    std::printf("\nDemo accounts (DEMO ONLY — shown once, at first start):\n");
    for (auto& acc : app.created_accounts())
      std::printf("  %-48s %-34s %s\n", acc.email.c_str(), acc.name.c_str(), acc.password.c_str());
  }
  std::printf("\nPacte is running: open %s\n", url.c_str());
  std::printf("Sign in with one of the demo accounts above (e.g. equipe@ville-chambery.example).\n");
  std::printf("Stop with Ctrl-C.\n\n");
  std::fflush(stdout);
  log_info("server.listening", {{"url", url}});
  app.run(true);
  return 0;
}

int user_list(const Args& a) {
  ServerConfig c = load_config(a);
  Database db((c.data_dir / "pacte.sqlite3").string(), DatabaseOptions{.read_only = true});
  nlohmann::json out = nlohmann::json::array();
  auto& q = db.prepare("SELECT id, email, name, title, is_admin, disabled FROM people ORDER BY id");
  while (q.step()) {
    nlohmann::json person = {{"id", q.int64(0)}, {"email", q.text(1)}, {"name", q.text(2)}, {"title", q.text(3)},
                             {"admin", q.int64(4) != 0}, {"disabled", q.int64(5) != 0}, {"organisations", nlohmann::json::array()}};
    out.push_back(person);
  }
  q.reset();
  for (auto& p : out) {
    auto& o = db.prepare(
        "SELECT o.key, o.short, a.capacity, a.signatory FROM affiliations a JOIN organisations o ON o.id = a.organisation_id "
        "WHERE a.person_id = ?");
    o.bind(1, p["id"].get<std::int64_t>());
    while (o.step())
      p["organisations"].push_back({{"key", o.text(0)}, {"short", o.text(1)}, {"capacity", o.text(2)}, {"signatory", o.int64(3) != 0}});
    o.reset();
  }
  if (a.flags.count("--json")) {
    std::cout << out.dump(2) << "\n";
  } else {
    for (auto& p : out) std::cout << p["email"].get<std::string>() << "\t" << p["name"].get<std::string>() << "\n";
  }
  return 0;
}

/// Runs `fn` in one transaction on the data folder's database, as the operator (actor 0).
template <typename Fn>
void with_database(const ServerConfig& c, Fn fn) {
  Database db((c.data_dir / "pacte.sqlite3").string());
  db.migrate("core", core_migrations());
  SystemClock clock;
  Dispatcher none;
  EngineContext ctx(db, clock, none);
  db.exec("BEGIN IMMEDIATE");
  try {
    fn(ctx);
    db.exec("COMMIT");
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
}

std::string option(const Args& a, const std::string& name, bool required = true) {
  auto it = a.options.find(name);
  if (it == a.options.end()) {
    if (required) throw ConfigError("missing option " + name);
    return {};
  }
  return it->second;
}

int user_add(const Args& a) {
  ServerConfig c = load_config(a);
  std::string email = option(a, "--email"), name = option(a, "--name");
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (email.find('@') == std::string::npos) throw ConfigError("--email: not an email address");
  std::string link;
  with_database(c, [&](EngineContext& ctx) {
    auto& dup = ctx.sql("SELECT 1 FROM people WHERE email = ?");
    dup.bind(1, email);
    bool exists = dup.step();
    dup.reset();
    if (exists) throw std::runtime_error("a person with the email " + email + " exists");
    auto& ins = ctx.sql("INSERT INTO people(email, name, title, is_admin, created_at) VALUES (?,?,?,?,?)");
    ins.bind(1, email).bind(2, name).bind(3, option(a, "--title", false)).bind(4, option(a, "--admin", false) == "yes" ? 1 : 0)
        .bind(5, ctx.now_text()).run();
    std::int64_t id = ctx.last_insert_id();
    if (std::string org = option(a, "--org", false); !org.empty()) {
      auto& o = ctx.sql("SELECT id FROM organisations WHERE key = ?");
      o.bind(1, org);
      if (!o.step()) throw std::runtime_error("no organisation with the key " + org);
      std::int64_t oid = o.int64(0);
      o.reset();
      auto& af = ctx.sql("INSERT INTO affiliations(person_id, organisation_id, capacity) VALUES (?,?,?)");
      af.bind(1, id).bind(2, oid).bind(3, option(a, "--capacity", false)).run();
    }
    Accounts::audit(ctx, 0, "person.add", "person:" + std::to_string(id), "command line");
    link = create_one_time_link(ctx, id, 0, "invitation", c.public_url);
  });
  std::printf("created %s\nlink to choose a password (valid 7 days, once): %s\n", email.c_str(), link.c_str());
  return 0;
}

int user_disable(const Args& a) {
  ServerConfig c = load_config(a);
  std::string email = option(a, "--email");
  bool enable = option(a, "--enable", false) == "yes";
  with_database(c, [&](EngineContext& ctx) {
    auto& u = ctx.sql("UPDATE people SET disabled = ? WHERE email = ?");
    u.bind(1, enable ? 0 : 1).bind(2, email).run();
    if (ctx.changes() == 0) throw std::runtime_error("no person with the email " + email);
    Accounts::audit(ctx, 0, enable ? "person.enable" : "person.disable", email, "command line");
  });
  std::printf("%s %s%s\n", email.c_str(), enable ? "enabled" : "disabled",
              enable ? "" : " (a running server closes their connections within seconds)");
  return 0;
}

int org_list(const Args& a) {
  ServerConfig c = load_config(a);
  Database db((c.data_dir / "pacte.sqlite3").string(), DatabaseOptions{.read_only = true});
  nlohmann::json out = nlohmann::json::array();
  auto& q = db.prepare("SELECT o.id, p.key, o.key, o.name, o.short, o.kind FROM organisations o LEFT JOIN pacts p ON p.id = o.pact_id ORDER BY o.id");
  while (q.step())
    out.push_back({{"id", q.int64(0)}, {"pact", q.text(1)}, {"key", q.text(2)}, {"name", q.text(3)}, {"short", q.text(4)}, {"kind", q.text(5)}});
  q.reset();
  if (a.flags.count("--json")) std::cout << out.dump(2) << "\n";
  else
    for (auto& o : out) std::cout << o["key"].get<std::string>() << "\t" << o["short"].get<std::string>() << "\t" << o["name"].get<std::string>() << "\n";
  return 0;
}

int org_add(const Args& a) {
  ServerConfig c = load_config(a);
  std::string kind = option(a, "--kind");
  static const std::set<std::string> kinds = {"city", "caf", "federation", "social_centre", "public_body"};
  if (!kinds.count(kind)) throw ConfigError("--kind: expected city, caf, federation, social_centre or public_body");
  with_database(c, [&](EngineContext& ctx) {
    auto& p = ctx.sql("SELECT id FROM pacts WHERE key = ?");
    p.bind(1, option(a, "--pact"));
    if (!p.step()) throw std::runtime_error("no pact with the key " + option(a, "--pact"));
    std::int64_t pact = p.int64(0);
    p.reset();
    auto& ins = ctx.sql("INSERT INTO organisations(pact_id, key, name, short, kind) VALUES (?,?,?,?,?)");
    ins.bind(1, pact).bind(2, option(a, "--key")).bind(3, option(a, "--name")).bind(4, option(a, "--short")).bind(5, kind).run();
    Accounts::audit(ctx, 0, "organisation.add", option(a, "--key"), "command line");
  });
  std::printf("organisation %s added\n", option(a, "--key").c_str());
  return 0;
}

int governance(const Args& a, bool apply) {
  ServerConfig c = load_config(a);
  std::unique_ptr<DataLock> lock;
  if (apply) lock = std::make_unique<DataLock>(c.data_dir);  // the server must be stopped
  Database db((c.data_dir / "pacte.sqlite3").string());
  db.migrate("core", core_migrations());
  SystemClock clock;
  for (auto& file : c.pacts) {
    auto path = file.is_absolute() ? file : c.base_dir / file;
    Json g = Governance::load(path);
    auto lines = Governance::reconcile(db, clock, g, apply, c.public_url);
    std::printf("%s: %s\n", path.c_str(), lines.empty() ? "no change" : (apply ? "applied" : "would change"));
    for (auto& l : lines) std::printf("  %s\n", l.c_str());
  }
  return 0;
}

int backup(const Args& a) {
  auto to = a.options.find("--to");
  if (to == a.options.end()) throw ConfigError("backup: --to DIR is required");
  ServerConfig c = load_config(a);
  Backup::create(c.data_dir, to->second);
  std::printf("backup written to %s (database integrity_check: ok; attachments copied)\n", to->second.c_str());
  return 0;
}

int restore(const Args& a) {
  auto from = a.options.find("--from");
  if (from == a.options.end()) throw ConfigError("restore: --from DIR is required");
  ServerConfig c = load_config(a);
  Backup::restore(from->second, c.data_dir);
  std::printf("restored %s from %s\n", c.data_dir.c_str(), from->second.c_str());
  return 0;
}

/// `pacte verify BUNDLE --key FINGERPRINT`: the signatures plugin's offline check.
int verify(const Args& a) {
  auto key = a.options.find("--key");
  if (a.positional.size() != 2 || key == a.options.end()) {
    std::fprintf(stderr, "usage: pacte verify BUNDLE --key FINGERPRINT\n");
    return 2;
  }
  std::ifstream in(a.positional[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "pacte verify: cannot read %s\n", a.positional[1].c_str());
    return 2;
  }
  Json bundle = Json::parse(in, nullptr, false);
  if (bundle.is_discarded()) {
    std::fprintf(stderr, "pacte verify: %s is not JSON\n", a.positional[1].c_str());
    return 1;
  }
  auto report = pacte_signatures::EvidenceVerifier::verify(bundle, key->second);
  for (auto& p : report.problems) std::printf("FAIL: %s\n", p.c_str());
  for (auto& n : report.notes) std::printf("note: %s\n", n.c_str());
  if (!report.ok()) {
    std::printf("INVALID: %zu problem(s) in %s\n", report.problems.size(), a.positional[1].c_str());
    return 1;
  }
  std::printf("OK: %zu trail entries, %zu seals, key %s\n", report.entries, report.seals,
              pacte_signatures::group_fingerprint(pacte_signatures::normalise_fingerprint(key->second)).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) {
    std::fprintf(stderr, "pacte: libsodium failed to initialise\n");
    return 1;
  }
  try {
    Args a = parse(argc, argv);
    if (a.positional.empty() || a.flags.count("--help")) {
      std::fputs(kUsage, a.positional.empty() ? stderr : stdout);
      return a.positional.empty() ? 2 : 0;
    }
    const std::string& cmd = a.positional[0];
    if (cmd == "serve") return serve(a);
    std::string sub = a.positional.size() > 1 ? a.positional[1] : "";
    if (cmd == "user" && sub == "list") return user_list(a);
    if (cmd == "user" && sub == "add") return user_add(a);
    if (cmd == "user" && sub == "disable") return user_disable(a);
    if (cmd == "org" && sub == "list") return org_list(a);
    if (cmd == "governance" && (sub == "diff" || sub == "apply")) return governance(a, sub == "apply");
    if (cmd == "org" && sub == "add") return org_add(a);
    if (cmd == "backup") return backup(a);
    if (cmd == "restore") return restore(a);
    if (cmd == "verify") return verify(a);
    if (cmd == "version") {
      std::printf("pacte 0.1.0\n");
      return 0;
    }
    std::fprintf(stderr, "pacte: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
    return 2;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "pacte: configuration error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pacte: %s\n", e.what());
    return 1;
  }
}
