// A many-client simulation of live notes against the real plugin code: the real Engine
// (group transactions, idempotency, authorization) with the notes plugin registered, on an
// in-memory SQLite database (a file database with server restarts for some seeds). Eight
// ot.js-style clients make random edits; messages are delivered in random interleavings;
// connections drop (losing events, replies and requests not yet sent) and come back
// (catch-up with notes.ops, then the operation in flight re-sent unchanged).
// At the end every client, the server, the database and a replay from the last snapshot
// hold the same text; every (client id, seq) was applied exactly once; revisions have no gap.
//
// PACTE_NOTES_SIM_SEEDS, PACTE_NOTES_SIM_STEPS, PACTE_NOTES_SIM_CLIENTS and
// PACTE_NOTES_SIM_FIRST_SEED change the run (docs/notes.md shows a larger one).
#include "notes/notes_plugin.hpp"
#include "notes/text_operation.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/dispatcher.hpp"
#include "core/engine.hpp"
#include "core/metrics.hpp"

using namespace pacte;
using pacte_notes::TextOperation;

namespace {

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

const std::vector<std::string> kPieces = {
    "a", "b", " ", "\n", "é", "e\xCC\x81", "中", "文", "😀", "👍🏽", "👨‍👩‍👧", "🇫🇷"};
constexpr std::int64_t kWorkspace = 7;

TextOperation parse(const Json& wire) {
  std::string error;
  auto op = TextOperation::from_json(wire, error);
  if (!op) throw std::runtime_error("invalid operation " + wire.dump() + ": " + error);
  return *op;
}

std::int64_t length_of(const std::string& text) {
  return *pacte_notes::utf8_code_points(text);
}

/// The server: database, dispatcher with the notes plugin, engine run without a thread.
struct Server {
  std::unique_ptr<Database> db;
  Dispatcher dispatcher;
  ManualClock clock{from_millis(1'700'000'000'000)};
  Metrics metrics;
  std::unique_ptr<pacte_notes::NotesPlugin> plugin = std::make_unique<pacte_notes::NotesPlugin>();
  std::unique_ptr<Engine> engine;
  std::vector<Batch> batches;

  explicit Server(const std::string& path) {
    db = std::make_unique<Database>(path, DatabaseOptions{.synchronous = "off"});
    db->migrate("core", core_migrations());
    db->migrate("plugin:notes", plugin->migrations());
    db->exec(
        "INSERT OR IGNORE INTO people(id, email, name, created_at) VALUES (1, 'a@x', 'A', 'now'), "
        "(2, 'b@x', 'B', 'now');"
        "INSERT OR IGNORE INTO workspaces(id, key, name, kind, created_at) VALUES (7, 'w', 'W', "
        "'k', 'now');"
        "INSERT OR IGNORE INTO workspace_members(workspace_id, person_id, role) VALUES (7, 1, "
        "'member'), (7, 2, 'owner');"
        "INSERT OR IGNORE INTO workspace_plugins(workspace_id, plugin, enabled) VALUES (7, "
        "'notes', 1);");
    dispatcher.add_scope("workspace",
                         [](Context& ctx, std::int64_t id) -> std::optional<std::int64_t> {
                           auto& q = ctx.sql("SELECT id FROM workspaces WHERE id = ?");
                           q.bind(1, id);
                           bool found = q.step();
                           q.reset();
                           return found ? std::optional<std::int64_t>(id) : std::nullopt;
                         });
    dispatcher.set_current_plugin("notes");
    plugin->register_operations(dispatcher);
    dispatcher.set_current_plugin("");
    engine = std::make_unique<Engine>(*db, dispatcher, clock, metrics);
    engine->set_sink([this](Batch&& b) { batches.push_back(std::move(b)); });
  }

  std::int64_t scalar(const std::string& sql) {
    auto& q = db->prepare(sql);
    q.step();
    auto n = q.int64(0);
    q.reset();
    return n;
  }
  std::string text(const std::string& sql) {
    auto& q = db->prepare(sql);
    q.step();
    auto s = q.text(0);
    q.reset();
    return s;
  }
};

/// What a simulated connection receives.
struct Message {
  bool reply = false;
  std::string request;  // request id (replies)
  Json body;            // reply frame (result or error) or the event's data
  std::string type;     // event type
};

/// An ot.js client: one operation in flight, later edits composed into a buffer;
/// (client id, seq) kept across reconnects; an operation is never changed once sent.
struct Client {
  std::string id;
  std::int64_t person = 1;
  std::string text;
  std::int64_t rev = 0;
  std::int64_t seq = 0;
  std::optional<TextOperation> inflight;  // transformed against what arrived since
  Json sent;                              // the submit's arguments, exactly as first sent
  std::optional<TextOperation> buffer;
  bool connected = true;
  int epoch = 0;            // bumped on disconnect: late messages of an old connection are lost
  std::deque<Json> outbox;  // requests written but not yet received by the server
  std::deque<Message> inbox;
  bool catching_up = false;
};

// What a run exercised (printed, so that a run that tests nothing shows).
struct Stats {
  std::int64_t edits = 0, disconnects = 0, restarts = 0, duplicates = 0, catch_ups = 0,
               revisions = 0;
};
Stats stats;

struct Simulation {
  std::mt19937_64 rng;
  std::int64_t note = 0;
  std::string db_path;
  std::unique_ptr<Server> server;
  std::vector<Client> clients;
  std::map<std::string, std::pair<std::size_t, int>> requests;  // request id -> (client, epoch)
  int counter = 0;
  std::string failure;

  Simulation(std::uint64_t seed, std::size_t n, std::string path)
      : rng(seed), db_path(std::move(path)) {
    server = std::make_unique<Server>(db_path);
    clients.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      clients[i].id = "sim-client-" + std::to_string(i);
      clients[i].person = 1 + static_cast<std::int64_t>(i % 2);
    }
    // Create the note directly through the engine.
    Inbound in;
    in.op = "notes.create";
    in.args = {{"workspace", kWorkspace}, {"title", "Simulation"}};
    in.client_id = "create";
    in.caller.person = 1;
    server->engine->submit(std::move(in));
    server->engine->run_once();
    for (auto& b : server->batches)
      for (auto& c : b.completions)
        if (c.result.is_ok()) note = c.result.value()["note"]["id"];
    server->batches.clear();
    if (note == 0) throw std::runtime_error("cannot create the note");
  }

  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  }

  void send(std::size_t c, const std::string& op, Json args) {
    std::string id = "r" + std::to_string(++counter);
    clients[c].outbox.push_back({{"id", id}, {"op", op}, {"args", std::move(args)}});
  }

  void submit_inflight(std::size_t c) {
    Client& cl = clients[c];
    cl.sent = {{"note", note},
               {"base_rev", cl.rev},
               {"client_id", cl.id},
               {"seq", ++cl.seq},
               {"op", cl.inflight->to_json()}};
    send(c, "notes.submit", cl.sent);
  }

  void local_edit(std::size_t c) {
    Client& cl = clients[c];
    // A random edit: replace a span with a few pieces (like typing, deleting, pasting).
    std::int64_t n = length_of(cl.text);
    std::int64_t at = std::uniform_int_distribution<std::int64_t>(0, n)(rng);
    std::int64_t del = chance(0.3) ? std::uniform_int_distribution<std::int64_t>(
                                         0, std::min<std::int64_t>(5, n - at))(rng)
                                   : 0;
    std::string ins;
    int pieces = chance(0.2) ? 0 : std::uniform_int_distribution<int>(1, 4)(rng);
    if (del == 0 && pieces == 0) pieces = 1;
    for (int i = 0; i < pieces; ++i) ins += kPieces[pick(kPieces.size())];
    TextOperation op;
    op.retain(at).insert(ins).remove(del).retain(n - at - del);
    ++stats.edits;
    cl.text = *op.apply(cl.text);
    if (!cl.inflight) {
      cl.inflight = op;
      submit_inflight(c);
    } else {
      cl.buffer = cl.buffer ? *cl.buffer->compose(op) : op;
    }
  }

  /// One operation of the log, in order (from a broadcast or a catch-up).
  void receive_op(std::size_t c, const Json& d) {
    Client& cl = clients[c];
    std::int64_t rev = d["rev"];
    if (rev <= cl.rev) return;  // already known
    if (rev > cl.rev + 1) {     // a gap (lost events): catch up from the log
      if (!cl.catching_up) {
        cl.catching_up = true;
        send(c, "notes.ops", {{"note", note}, {"since", cl.rev}});
      }
      return;
    }
    cl.rev = rev;
    if (cl.inflight && d["client_id"] == cl.id && d["seq"] == cl.sent["seq"]) {
      cl.inflight.reset();  // our own operation: acknowledged
      if (cl.buffer) {
        cl.inflight = std::move(cl.buffer);
        cl.buffer.reset();
        submit_inflight(c);
      }
      return;
    }
    TextOperation remote = parse(d["op"]);
    if (cl.inflight) {
      auto t = *TextOperation::transform(*cl.inflight, remote);
      cl.inflight = std::move(t.first);
      remote = std::move(t.second);
      if (cl.buffer) {
        auto u = *TextOperation::transform(*cl.buffer, remote);
        cl.buffer = std::move(u.first);
        remote = std::move(u.second);
      }
    }
    auto applied = remote.apply(cl.text);
    if (!applied) {
      failure = "client " + cl.id + " cannot apply revision " + std::to_string(rev);
      return;
    }
    cl.text = std::move(*applied);
  }

  void deliver(std::size_t c) {
    Client& cl = clients[c];
    if (cl.inbox.empty()) return;
    Message m = std::move(cl.inbox.front());
    cl.inbox.pop_front();
    if (!m.reply) {
      if (m.type == "notes.op" && m.body["note"] == note) receive_op(c, m.body);
      return;
    }
    const Json& r = m.body;
    if (!r.value("ok", false)) {
      failure = "client " + cl.id + " got an error: " + r.dump();
      return;
    }
    const Json& result = r["result"];
    if (result.value("duplicate", false)) ++stats.duplicates;
    if (result.contains("ops")) {  // notes.ops: the catch-up
      ++stats.catch_ups;
      cl.catching_up = false;
      for (const auto& d : result["ops"]) receive_op(c, d);
    } else if (result.contains("rev") && result["rev"].get<std::int64_t>() > cl.rev &&
               !cl.catching_up) {
      // Acknowledged, but its broadcast (or earlier ones) did not arrive: catch up.
      cl.catching_up = true;
      send(c, "notes.ops", {{"note", note}, {"since", cl.rev}});
    }
  }

  /// Requests written by a client reach the server (in order).
  void flush(std::size_t c) {
    Client& cl = clients[c];
    while (!cl.outbox.empty()) {
      Json r = std::move(cl.outbox.front());
      cl.outbox.pop_front();
      Inbound in;
      in.op = r["op"];
      in.args = r["args"];
      in.client_id = r["id"];
      in.caller.person = cl.person;
      in.caller.name = cl.id;
      requests[in.client_id] = {c, cl.epoch};
      server->engine->submit(std::move(in));
    }
  }

  void run_server() {
    server->engine->run_once();
    for (auto& b : server->batches) {
      for (auto& comp : b.completions) {
        auto it = requests.find(comp.client_id);
        if (it == requests.end()) continue;
        auto [c, epoch] = it->second;
        requests.erase(it);
        if (!clients[c].connected || clients[c].epoch != epoch) continue;  // the reply is lost
        Json frame = comp.result.is_ok()
                         ? Json{{"ok", true}, {"result", comp.result.value()}}
                         : Json{{"ok", false},
                                {"error",
                                 {{"code", std::string(to_string(comp.result.error().code))},
                                  {"message", comp.result.error().message}}}};
        clients[c].inbox.push_back({true, comp.client_id, std::move(frame), {}});
      }
      for (auto& out : b.outputs) {
        auto* e = std::get_if<EventOut>(&out);
        if (!e || e->workspace != kWorkspace) continue;
        Json frame = Json::parse(*e->frame);
        for (auto& cl : clients)
          if (cl.connected) cl.inbox.push_back({false, {}, frame["data"], frame["event"]});
      }
    }
    server->batches.clear();
  }

  void disconnect(std::size_t c) {
    Client& cl = clients[c];
    cl.connected = false;
    ++stats.disconnects;
    ++cl.epoch;
    cl.inbox.clear();
    if (chance(0.5)) cl.outbox.clear();  // requests lost with the connection
    cl.catching_up = false;
  }

  void reconnect(std::size_t c) {
    Client& cl = clients[c];
    cl.connected = true;
    cl.outbox.clear();
    cl.catching_up = true;
    send(c, "notes.ops", {{"note", note}, {"since", cl.rev}});
    if (cl.inflight) send(c, "notes.submit", cl.sent);  // the same operation, same (client id, seq)
  }

  void restart() {
    for (std::size_t c = 0; c < clients.size(); ++c)
      if (clients[c].connected) disconnect(c);
    requests.clear();
    ++stats.restarts;
    server->engine->stop();
    server.reset();  // drops what the engine had queued (never committed)
    server = std::make_unique<Server>(db_path);
  }

  void step(bool restarts) {
    std::size_t c = pick(clients.size());
    double r = std::uniform_real_distribution<double>(0, 1)(rng);
    if (r < 0.25) {
      local_edit(c);
    } else if (r < 0.55) {
      deliver(c);
    } else if (r < 0.75) {
      if (clients[c].connected) flush(c);
    } else if (r < 0.9) {
      run_server();
    } else if (r < 0.93) {
      if (clients[c].connected)
        disconnect(c);
      else
        reconnect(c);
    } else if (r < 0.935 && restarts) {
      restart();
    } else {
      // A burst of delivery to everyone.
      for (std::size_t k = 0; k < clients.size(); ++k) deliver(k);
    }
  }

  /// Everyone reconnects; messages flow until nothing is pending.
  void quiesce() {
    for (std::size_t c = 0; c < clients.size(); ++c)
      if (!clients[c].connected) reconnect(c);
    for (int round = 0; round < 100000 && failure.empty(); ++round) {
      bool pending = false;
      for (std::size_t c = 0; c < clients.size(); ++c) {
        flush(c);
        pending = pending || clients[c].inflight || !clients[c].inbox.empty();
      }
      run_server();
      for (std::size_t c = 0; c < clients.size(); ++c)
        while (!clients[c].inbox.empty()) deliver(c);
      if (!pending && requests.empty()) {
        bool idle = true;
        for (auto& cl : clients)
          idle = idle && cl.outbox.empty() && cl.inbox.empty() && !cl.inflight;
        if (idle) return;
      }
    }
    if (failure.empty()) failure = "did not settle";
  }

  /// What must hold at the end ("" when it does).
  std::string check() {
    if (!failure.empty()) return failure;
    std::string n = std::to_string(note);
    std::string server_text = server->text("SELECT text FROM notes_notes WHERE id = " + n);
    std::int64_t rev = server->scalar("SELECT rev FROM notes_notes WHERE id = " + n);
    for (auto& cl : clients) {
      if (cl.text != server_text) return "client " + cl.id + " holds another text";
      if (cl.rev != rev) return "client " + cl.id + " is at another revision";
      if (cl.buffer || cl.inflight) return "client " + cl.id + " has pending edits";
      // Every operation it sent was applied, once.
      std::int64_t applied =
          server->scalar("SELECT COUNT(DISTINCT seq) FROM notes_ops WHERE note_id = " + n +
                         " AND client_id = '" + cl.id + "'");
      std::int64_t rows = server->scalar("SELECT COUNT(*) FROM notes_ops WHERE note_id = " + n +
                                         " AND client_id = '" + cl.id + "'");
      if (applied != cl.seq || rows != cl.seq)
        return "client " + cl.id + " sent " + std::to_string(cl.seq) + ", applied " +
               std::to_string(rows);
      if (cl.seq > 0 && server->scalar("SELECT MAX(seq) FROM notes_ops WHERE note_id = " + n +
                                       " AND client_id = '" + cl.id + "'") != cl.seq)
        return "sequence numbers";
    }
    // Gapless revisions 1..rev.
    if (server->scalar("SELECT COUNT(*) FROM notes_ops WHERE note_id = " + n) != rev ||
        (rev > 0 && (server->scalar("SELECT MIN(rev) FROM notes_ops WHERE note_id = " + n) != 1 ||
                     server->scalar("SELECT MAX(rev) FROM notes_ops WHERE note_id = " + n) != rev)))
      return "revisions have gaps";
    // Replay from the last snapshot, and from the beginning.
    std::int64_t snap = server->scalar("SELECT MAX(rev) FROM notes_snapshots WHERE note_id = " + n);
    if (snap != rev - rev % pacte_notes::NotesPlugin::kSnapshotEvery) return "snapshot missing";
    for (std::int64_t from : {snap, std::int64_t{0}}) {
      std::string text = server->text("SELECT text FROM notes_snapshots WHERE note_id = " + n +
                                      " AND rev = " + std::to_string(from));
      auto& q = server->db->prepare(
          "SELECT op FROM notes_ops WHERE note_id = ? AND rev > ? ORDER BY rev");
      q.bind(1, note).bind(2, from);
      std::vector<std::string> ops;
      while (q.step()) ops.push_back(q.text(0));
      q.reset();
      for (auto& o : ops) {
        auto next = parse(Json::parse(o)).apply(text);
        if (!next) return "replay fails";
        text = *next;
      }
      if (text != server_text) return "replay from " + std::to_string(from) + " differs";
    }
    return "";
  }
};

void run_seeds(std::uint64_t first, std::uint64_t seeds, std::uint64_t steps, std::size_t clients,
               bool file_db) {
  for (std::uint64_t seed = first; seed < first + seeds; ++seed) {
    std::string path = ":memory:";
    std::filesystem::path dir;
    if (file_db) {
      dir = std::filesystem::temp_directory_path() /
            ("pacte-notes-sim-" + std::to_string(::getpid()) + "-" + std::to_string(seed));
      std::filesystem::create_directories(dir);
      path = (dir / "notes.sqlite3").string();
    }
    std::string why;
    std::int64_t rev = 0;
    {
      Simulation sim(seed, clients, path);
      for (std::uint64_t s = 0; s < steps && sim.failure.empty(); ++s) sim.step(file_db);
      if (sim.failure.empty()) sim.quiesce();
      why = sim.check();
      rev = sim.server->scalar("SELECT rev FROM notes_notes");
      if (why.empty() && file_db) {
        // Restart once more: the file alone gives the same text.
        std::string before = sim.server->text("SELECT text FROM notes_notes");
        sim.restart();
        if (sim.server->text("SELECT text FROM notes_notes") != before)
          why = "text lost over a restart";
      }
    }
    if (!dir.empty()) std::filesystem::remove_all(dir);
    if (!why.empty()) {
      ADD_FAILURE() << "simulation fails with seed " << seed << (file_db ? " (file database)" : "")
                    << "; rerun it alone with PACTE_NOTES_SIM_FIRST_SEED="
                    << (file_db ? seed - 100000 : seed)
                    << " PACTE_NOTES_SIM_SEEDS=1 PACTE_NOTES_SIM_FILE_SEEDS=1: " << why;
      return;
    }
    EXPECT_GT(rev, 0);
    stats.revisions += rev;
  }
  auto& st = stats;
  std::printf(
      "notes simulation: %llu seeds x %llu steps x %zu clients%s: %lld edits, %lld revisions, %lld "
      "disconnects, "
      "%lld restarts, %lld duplicate submits answered, %lld catch-ups\n",
      static_cast<unsigned long long>(seeds), static_cast<unsigned long long>(steps), clients,
      file_db ? " (file database)" : "", static_cast<long long>(st.edits),
      static_cast<long long>(st.revisions), static_cast<long long>(st.disconnects),
      static_cast<long long>(st.restarts), static_cast<long long>(st.duplicates),
      static_cast<long long>(st.catch_ups));
  st = {};
}

}  // namespace

TEST(NotesSimulation, ManyClientsConvergeOnAnInMemoryDatabase) {
  run_seeds(env_number("PACTE_NOTES_SIM_FIRST_SEED", 1), env_number("PACTE_NOTES_SIM_SEEDS", 200),
            env_number("PACTE_NOTES_SIM_STEPS", 1000), env_number("PACTE_NOTES_SIM_CLIENTS", 8),
            false);
}

TEST(NotesSimulation, ManyClientsConvergeAcrossServerRestartsFromAFile) {
  run_seeds(env_number("PACTE_NOTES_SIM_FIRST_SEED", 1) + 100000,
            env_number("PACTE_NOTES_SIM_FILE_SEEDS", 4), env_number("PACTE_NOTES_SIM_STEPS", 1000),
            env_number("PACTE_NOTES_SIM_CLIENTS", 8), true);
}
