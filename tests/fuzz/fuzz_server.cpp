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

  // A member of a workspace, signed in with a session whose token we know.
  Database& db = engine().database();
  auto& q = db.prepare(
      "SELECT m.workspace_id, p.id, p.name FROM workspace_members m JOIN people p ON p.id = m.person_id "
      "WHERE m.role = 'member' ORDER BY m.workspace_id, p.id LIMIT 1");
  if (!q.step()) throw std::runtime_error("fuzz server: no member in the imported pact");
  workspace_ = q.int64(0);
  member_.person = q.int64(1);
  member_.name = q.text(2);
  q.reset();
  std::int64_t now = to_millis(clock_.now());
  auto& s = db.prepare(
      "INSERT INTO sessions(person_id, token_hash, created_at, last_seen, expires_at, address, user_agent) "
      "VALUES (?,?,?,?,?,'127.0.0.1','fuzz')");
  s.bind(1, member_.person).bind(2, token_hash(token_)).bind(3, now).bind(4, now).bind(5, now + 86'400'000LL * 365).run();
  member_.session = db.last_insert_id();
  member_.address = "127.0.0.1";
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
    std::fprintf(stderr, "fuzz: %s answered unavailable (%s): a handler threw\n", op.c_str(), m.c_str());
    std::abort();
  }
}

}  // namespace pacte_fuzz
