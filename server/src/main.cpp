// The `pacte` command: serve, and the operator's subcommands.
#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <map>
#include <set>
#include <vector>

#include "core/application.hpp"
#include "core/database.hpp"
#include "core/logger.hpp"

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
  user list --json [--config FILE] [--data DIR]
            List the accounts with emails, organisations and capacities.
  backup --to DIR [--config FILE] [--data DIR]
            Consistent copy of the database (safe while the server runs).
  restore --from DIR [--config FILE] [--data DIR]
            Replace the database by a backup (the server must be stopped).
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
    // The address the server now answers on is its own origin: browsers there may sign in.
    std::string own = "http://" + l->second;
    if (std::find(c.allowed_origins.begin(), c.allowed_origins.end(), own) == c.allowed_origins.end())
      c.allowed_origins.push_back(own);
    if (c.listen_address == "127.0.0.1") {
      std::string local = "http://localhost:" + std::to_string(c.listen_port);
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
  std::string url = "http://" + cfg.listen_address + ":" + std::to_string(port);
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

int backup(const Args& a) {
  auto to = a.options.find("--to");
  if (to == a.options.end()) throw ConfigError("backup: --to DIR is required");
  ServerConfig c = load_config(a);
  std::filesystem::path dir = to->second;
  std::filesystem::create_directories(dir);
  auto target = dir / "pacte.sqlite3";
  if (std::filesystem::exists(target)) throw ConfigError("backup: " + target.string() + " already exists");
  Database db((c.data_dir / "pacte.sqlite3").string());
  db.vacuum_into(target.string());  // one consistent snapshot, even while the server writes
  Database copy(target.string(), DatabaseOptions{.read_only = true});
  std::string check = copy.integrity_check();
  if (check != "ok") throw std::runtime_error("backup failed its integrity check: " + check);
  std::printf("backup written to %s (integrity_check: ok)\n", target.c_str());
  return 0;
}

int restore(const Args& a) {
  auto from = a.options.find("--from");
  if (from == a.options.end()) throw ConfigError("restore: --from DIR is required");
  ServerConfig c = load_config(a);
  auto source = std::filesystem::path(from->second) / "pacte.sqlite3";
  {
    Database check(source.string(), DatabaseOptions{.read_only = true});
    std::string r = check.integrity_check();
    if (r != "ok") throw std::runtime_error("the backup fails its integrity check: " + r);
  }
  std::filesystem::create_directories(c.data_dir);
  auto target = c.data_dir / "pacte.sqlite3";
  for (auto suffix : {"-wal", "-shm"}) std::filesystem::remove(target.string() + suffix);
  std::filesystem::copy_file(source, target, std::filesystem::copy_options::overwrite_existing);
  std::printf("restored %s from %s\n", target.c_str(), source.c_str());
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
    if (cmd == "user" && a.positional.size() > 1 && a.positional[1] == "list") return user_list(a);
    if (cmd == "backup") return backup(a);
    if (cmd == "restore") return restore(a);
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
