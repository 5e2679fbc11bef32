#include "fuzz_server.hpp"

#include <sodium.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "core/accounts.hpp"
#include "core/database.hpp"
#include "core/logger.hpp"

namespace pacte_fuzz {

using namespace pacte;

FuzzServer& FuzzServer::get() {
  static FuzzServer server;
  return server;
}

FuzzServer::FuzzServer() : clock_(from_millis(1'790'000'000'000)) {  // 2026-09-21
  if (sodium_init() < 0) throw std::runtime_error("sodium_init");
  char tmpl[] = "/tmp/pacte-fuzz-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp");
  dir_ = tmpl;
  AppOptions o;
  ServerConfig& c = o.config;
  c.base_dir = PACTE_SOURCE_DIR;
  c.data_dir = dir_;
  c.web_root = std::filesystem::path(PACTE_SOURCE_DIR) / "tests" / "fuzz" / "corpus";  // any folder
  c.allowed_origins = {kOrigin};
  c.public_url = kOrigin;
  c.log_level = "error";
  c.synchronous = "off";
  c.pacts = {"config/pacts/chambery-2023.json"};
  c.password_workers = 1;
  for (auto& p : Application::compiled_plugins()) c.plugins.push_back(p->name());
  o.demo_password = "fuzz-password";
  o.cost = PasswordCost::test;
  o.clock = &clock_;
  o.memory_store = true;
  app_ = std::make_unique<Application>(std::move(o));

  // A member and an owner of one workspace (members may be people or organisations: the
  // engine's role_of resolves both), the member signed in with a session we know.
  Database& db = engine().database();
  EngineContext ctx(db, clock_, app_->dispatcher());
  std::vector<std::pair<std::int64_t, std::string>> people;
  auto& p = db.prepare("SELECT id, name FROM people ORDER BY id");
  while (p.step()) people.emplace_back(p.int64(0), p.text(1));
  p.reset();
  std::vector<std::int64_t> workspaces;
  auto& w = db.prepare("SELECT id FROM workspaces ORDER BY id");
  while (w.step()) workspaces.push_back(w.int64(0));
  w.reset();
  for (auto ws : workspaces) {
    member_ = owner_ = Caller{};
    for (auto& [id, name] : people) {
      Role role = ctx.role_of(id, ws);
      Caller& c = role == Role::member ? member_ : role == Role::owner ? owner_ : member_;
      if ((role == Role::member || role == Role::owner) && c.person == 0) {
        c.person = id;
        c.name = name;
      }
    }
    if (member_.person && owner_.person) {
      workspace_ = ws;
      break;
    }
  }
  if (!workspace_)
    throw std::runtime_error("fuzz server: no workspace with a member and an owner in the pact");
  std::int64_t now = to_millis(clock_.now());
  auto& s = db.prepare(
      "INSERT INTO sessions(person_id, token_hash, created_at, last_seen, expires_at, address, "
      "user_agent) "
      "VALUES (?,?,?,?,?,'127.0.0.1','fuzz')");
  s.bind(1, member_.person)
      .bind(2, token_hash(token_))
      .bind(3, now)
      .bind(4, now)
      .bind(5, now + std::int64_t{86'400'000} * 365)
      .run();
  member_.session = db.last_insert_id();
  member_.address = "127.0.0.1";

  owner_.address = "127.0.0.1";
}

FuzzServer::~FuzzServer() {
  app_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void FuzzServer::drain() {
  for (int round = 0; round < 1000 && engine().queue_depth() > 0; ++round) engine().run_once();
}

void check_completion(const Completion& c, const std::string& op) {
  if (c.result.is_ok() || c.result.error().code != ErrorCode::unavailable) return;
  const std::string& m = c.result.error().message;
  if (m == "internal error" || m == "storage") {
    std::fprintf(stderr, "fuzz: %s answered unavailable (%s): a handler threw\n", op.c_str(),
                 m.c_str());
    std::abort();
  }
}

}  // namespace pacte_fuzz
