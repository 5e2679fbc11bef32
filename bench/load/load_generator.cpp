// The load generator of issue 13 (docs/performance.md): many WebSocket connections on
// loopback to a server under test (Pacte, the Node.js `ws` peer, or Prosody's multi-user
// chat through XMPP over WebSocket, RFC 7395), open-loop sending at a fixed rate. Each
// message carries its intended send time; latency = receive time − intended time (the
// coordinated-omission correction of wrk2), in a log-linear histogram. Per scenario it
// prints a readable table and one JSON line: p50, p99, p99.9, max, delivered against
// expected, the server's CPU time per delivered message and its resident memory.
//
// The generator starts the server itself (again for every scenario, so that memory is
// measured from a fresh process), runs on one event loop (one core), and for Pacte
// creates its people, API tokens and workspaces first: people with `pacte user add`
// (the admin subcommand), their password from the one-time link, then a token each.
//
//   load_generator --peer pacte --pacte build/release/pacte --config config/bench/server.json
//                  [--scenario idle:1000] [--scenario fanout:1000:10] [--scenario chat:100:10:1]
//                  [--scenario notes:20:5] [--seconds 10] [--server-cpu 0] [--client-cpu 1]
//   load_generator --peer node --server-command "node bench/peers/ws_server.js --port {port}" …
//   load_generator --peer xmpp --server-command "prosody -F --config …" --port 5281 …
//   load_generator --peers pacte,node,xmpp --node-command … --xmpp-command … --xmpp-port P …
//                  (each scenario on each server in turn)
//   [--name pacte-sync-off]: report the rows under this name (a variant of a server, e.g.
//                  another configuration), not the peer's
//   load_generator --smoke --pacte build/release/pacte --config config/bench/server.json
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "latency_histogram.hpp"
#include "server_process.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using Json = nlohmann::json;
using Steady = std::chrono::steady_clock;
using pacte::bench::LatencyHistogram;
using pacte::bench::ServerProcess;

namespace {

enum class Peer { pacte, node, xmpp };

const char* peer_name(Peer p) {
  return p == Peer::pacte ? "pacte" : p == Peer::node ? "node-ws" : "prosody";
}

std::int64_t now_ns() {
  return Steady::now().time_since_epoch().count();
}

struct Options {
  Peer peer = Peer::pacte;
  std::string pacte_binary;
  std::string config;
  std::string server_command;  // {port} and {data} are replaced
  std::string xmpp_domain = "localhost";
  std::string muc_domain = "conference.localhost";
  std::uint16_t port = 0;
  double seconds = 10;
  double drain_seconds = 10;
  int server_cpu = -1;
  int client_cpu = -1;
  int source_addresses = 4;  // 127.0.0.1 … 127.0.0.N, when ports run short
  std::vector<std::string> scenarios;
  bool smoke = false;
  int max_members = 0;  // skip rooms larger than this (0: no limit)
  // --peers: several servers, each scenario run on each in turn (ratios from close runs).
  std::vector<std::string> peers;
  std::string node_command;
  std::string xmpp_command;
  std::uint16_t xmpp_port = 0;
  int xmpp_max_members = 0;
  std::string work_dir;
  std::string name;  // --name: reported instead of the peer's name (a variant's own rows)
};

const char* reported_name(const Options& opt) {
  return opt.name.empty() ? peer_name(opt.peer) : opt.name.c_str();
}

// ---------------------------------------------------------------- Pacte set-up (HTTP)

struct HttpReply {
  unsigned status = 0;
  std::string body;
  std::string cookie;
};

HttpReply http_post(std::uint16_t port, const std::string& path, const Json& body,
                    const std::string& bearer = "", const std::string& cookie = "") {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{http::verb::post, path, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
  if (!cookie.empty()) {
    req.set(http::field::cookie, "pacte_session=" + cookie);
    req.set(http::field::origin, "http://127.0.0.1:" + std::to_string(port));
  }
  req.body() = body.dump();
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  HttpReply out{.status = res.result_int(), .body = res.body(), .cookie = ""};
  for (auto& field : res) {
    if (field.name() != http::field::set_cookie) continue;
    std::string v(field.value());
    auto at = v.find("pacte_session=");
    if (at != std::string::npos) out.cookie = v.substr(at + 14, v.find(';', at) - at - 14);
  }
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

/// A POST that must succeed; returns `result`.
Json api(std::uint16_t port, const std::string& op, const Json& args, const std::string& bearer,
         const std::string& cookie = "") {
  auto r = http_post(port, "/api/" + op, args, bearer, cookie);
  Json j = Json::parse(r.body, nullptr, false);
  if (r.status != 200 || !j.is_object() || !j.value("ok", false))
    throw std::runtime_error(op + " failed (" + std::to_string(r.status) + "): " + r.body);
  return j["result"];
}

struct BenchPerson {
  std::int64_t id = 0;
  std::string token;  // pat_…
};

struct PacteWorld {
  std::vector<BenchPerson> people;
  std::int64_t fanout_workspace = 0;
  std::int64_t fanout_thread = 0;
  std::int64_t note = 0;
  std::vector<std::int64_t> chat_threads;  // one per chat workspace
  int fanout_people = 0;                   // people[0 .. fanout_people) are the fan-out members
  int chat_members = 0;                    // then chat_members people per chat workspace
};

constexpr const char* kPassword = "banc-d-essai-2026";

// ---------------------------------------------------------------- connections

struct Runner;

/// One WebSocket client. Speaks Pacte's protocol (also the Node peer's) or XMPP's RFC 7395.
struct Connection : std::enable_shared_from_this<Connection> {
  enum class State { connecting, joining, ready, failed, closed };
  Runner& runner;
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buffer;
  std::deque<std::shared_ptr<const std::string>> queue;
  bool writing = false;
  State state = State::connecting;
  int index = 0;
  int room = 0;           // index into Runner::rooms, -1 when idle
  std::string target;     // the upgrade path
  std::string bearer;     // Pacte API token
  std::string xmpp_room;  // MUC room name
  int xmpp_step = 0;
  // Notes typists: one operation in flight, later ones wait with their intended times.
  std::deque<std::int64_t> notes_intended;
  std::int64_t notes_known = 0;
  std::int64_t notes_seq = 0;
  bool notes_in_flight = false;

  Connection(Runner& r, asio::io_context& io) : runner(r), ws(io) {}
  void start(const tcp::endpoint& server, const asio::ip::address& source);
  void send(std::shared_ptr<const std::string> frame);
  void close();

 private:
  void on_connected();
  void read();
  void on_frame(std::string_view frame, std::int64_t received);
  void join_step(std::string_view frame);
  void write_next();
};

struct Room {
  std::vector<int> members;  // connection indices
  double rate = 0;           // messages a second
  std::string name;          // Node path / MUC room
  std::int64_t thread = 0;   // Pacte thread
  long planned = 0;
  long sent = 0;
  std::size_t next_sender = 0;
  std::int64_t start_ns = 0;
  std::unique_ptr<asio::steady_timer> timer;
};

struct Runner {
  Options& opt;
  asio::io_context& io;
  std::vector<std::shared_ptr<Connection>> connections;
  std::vector<Room> rooms;
  LatencyHistogram histogram;
  long delivered = 0;
  long expected = 0;
  long ready = 0;
  long failed = 0;
  long sent = 0;
  long errors = 0;  // error replies to sends
  std::int64_t last_delivery_ns = 0;
  std::string nonce = std::to_string(now_ns());
  std::string padding;
  bool notes = false;
  std::int64_t note = 0;
  std::mt19937_64 rng{42};

  Runner(Options& o, asio::io_context& i) : opt(o), io(i) {
    // The same bytes for every peer: "t=<intended ns> " and French text, about 140 bytes.
    padding =
        " Reunion du comite de pilotage jeudi a 14 h, salle 2 : ordre du jour et compte rendu en "
        "piece jointe.";
  }

  /// Runs the event loop until `done()` or the deadline; returns whether `done()` held.
  template <class Pred>
  bool run_until(Pred done, double seconds) {
    auto deadline = Steady::now() + std::chrono::duration<double>(seconds);
    while (!done()) {
      if (Steady::now() > deadline) return false;
      if (io.stopped()) io.restart();
      io.run_one_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  std::string message_frame(Connection& c, Room& room, std::int64_t intended) {
    std::string body = "t=" + std::to_string(intended) + padding;
    std::string id = nonce + "-" + std::to_string(c.index) + "-" + std::to_string(sent);
    if (opt.peer == Peer::xmpp)
      return "<message xmlns='jabber:client' to='" + room.name + "@" + opt.muc_domain +
             "' type='groupchat' id='" + id + "'><body>" + body + "</body></message>";
    return R"({"id":")" + id + R"(","op":"chat.post","args":{"thread":)" +
           std::to_string(room.thread) + R"(,"body":")" + body + "\"}}";
  }

  void schedule(Room& room) {
    if (room.sent >= room.planned) return;
    auto intended =
        room.start_ns + static_cast<std::int64_t>(1e9 * static_cast<double>(room.sent) / room.rate);
    room.timer->expires_at(Steady::time_point(Steady::duration(intended)));
    room.timer->async_wait([this, &room](beast::error_code ec) {
      if (ec) return;
      // Open loop: every message whose intended time has passed goes now, late or not.
      std::int64_t now = now_ns();
      while (room.sent < room.planned) {
        auto at = room.start_ns +
                  static_cast<std::int64_t>(1e9 * static_cast<double>(room.sent) / room.rate);
        if (at > now) break;
        auto& c = *connections[static_cast<std::size_t>(
            room.members[room.next_sender++ % room.members.size()])];
        if (notes) {
          c.notes_intended.push_back(at);
          if (!c.notes_in_flight) send_note_op(c);
          ++expected;
        } else {
          c.send(std::make_shared<const std::string>(message_frame(c, room, at)));
          expected += static_cast<long>(room.members.size());
        }
        ++room.sent;
        ++sent;
      }
      schedule(room);
    });
  }

  /// Inserts one character at a random place of the text the typist knows (at revision r
  /// the text has r code points: every operation inserts one).
  void send_note_op(Connection& c) {
    auto at = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(c.notes_known + 1));
    Json op = Json::array();
    if (at > 0) op.push_back(at);
    op.push_back("e");
    if (c.notes_known - at > 0) op.push_back(c.notes_known - at);
    ++c.notes_seq;
    Json req = {{"id", nonce + "-n" + std::to_string(c.index) + "-" + std::to_string(c.notes_seq)},
                {"op", "notes.submit"},
                {"args",
                 {{"note", note},
                  {"base_rev", c.notes_known},
                  {"client_id", "load-" + nonce + "-" + std::to_string(c.index)},
                  {"seq", c.notes_seq},
                  {"op", op}}}};
    c.notes_in_flight = true;
    c.send(std::make_shared<const std::string>(req.dump()));
  }

  void on_message(Connection& c, std::string_view frame, std::int64_t received) {
    if (notes) {
      if (frame.find(R"("id":")" + nonce + "-n") != std::string_view::npos) {
        Json j = Json::parse(frame, nullptr, false);
        if (j.value("ok", false)) {
          c.notes_known =
              std::max<std::int64_t>(c.notes_known, j["result"].value("rev", std::int64_t{0}));
          histogram.record(received - c.notes_intended.front());
          ++delivered;
          last_delivery_ns = received;
        } else {
          ++errors;
        }
        c.notes_intended.pop_front();
        c.notes_in_flight = false;
        if (!c.notes_intended.empty()) send_note_op(c);
      } else if (frame.find(R"("event":"notes.op")") != std::string_view::npos) {
        auto at = frame.find(R"("rev":)");
        if (at != std::string_view::npos)
          c.notes_known = std::max<std::int64_t>(
              c.notes_known, std::atoll(std::string(frame.substr(at + 6, 20)).c_str()));
      }
      return;
    }
    std::size_t at;
    if (opt.peer == Peer::xmpp) {
      if (frame.substr(0, 8) != "<message") return;
      at = frame.find("<body>t=");
      if (at == std::string_view::npos) return;
      at += 8;
    } else {
      if (frame.find(R"("event":"chat.message_posted")") == std::string_view::npos) {
        if (frame.find(R"("ok":false)") != std::string_view::npos) ++errors;
        return;
      }
      at = frame.find(R"("body":"t=)");
      if (at == std::string_view::npos) return;
      at += 10;
    }
    std::int64_t intended = 0;
    while (at < frame.size() && frame[at] >= '0' && frame[at] <= '9')
      intended = intended * 10 + (frame[at++] - '0');
    histogram.record(received - intended);
    ++delivered;
    last_delivery_ns = received;
  }
};

void Connection::start(const tcp::endpoint& server, const asio::ip::address& source) {
  auto& sock = beast::get_lowest_layer(ws).socket();
  beast::error_code ec;
  sock.open(tcp::v4(), ec);
  if (!ec) sock.bind(tcp::endpoint(source, 0), ec);
  if (ec) {
    state = State::failed;
    ++runner.failed;
    return;
  }
  beast::get_lowest_layer(ws).async_connect(server,
                                            [self = shared_from_this()](beast::error_code e) {
                                              if (e) {
                                                self->state = State::failed;
                                                ++self->runner.failed;
                                                return;
                                              }
                                              self->on_connected();
                                            });
}

void Connection::on_connected() {
  Peer peer = runner.opt.peer;
  std::string token = bearer;
  ws.set_option(websocket::stream_base::decorator([peer, token](websocket::request_type& req) {
    if (peer == Peer::pacte) req.set(http::field::authorization, "Bearer " + token);
    if (peer == Peer::xmpp) req.set(http::field::sec_websocket_protocol, "xmpp");
  }));
  websocket::stream_base::timeout t{};
  t.handshake_timeout = std::chrono::seconds(60);
  t.idle_timeout = websocket::stream_base::none();
  t.keep_alive_pings = false;
  ws.set_option(t);
  ws.text(true);
  ws.async_handshake("127.0.0.1", target, [self = shared_from_this()](beast::error_code e) {
    if (e) {
      std::fprintf(stderr, "handshake failed: %s\n", e.message().c_str());
      self->state = State::failed;
      ++self->runner.failed;
      return;
    }
    self->state = State::joining;
    self->read();
    if (self->runner.opt.peer == Peer::xmpp) {
      self->send(std::make_shared<const std::string>(
          "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='" + self->runner.opt.xmpp_domain +
          "' version='1.0'/>"));
    } else {
      self->send(
          std::make_shared<const std::string>(R"({"id":"s","op":"sync.subscribe","args":{}})"));
    }
  });
}

void Connection::read() {
  ws.async_read(buffer, [self = shared_from_this()](beast::error_code e, std::size_t) {
    if (e) {
      if (self->state != State::closed) {
        if (self->state == State::ready) --self->runner.ready;
        self->state = State::failed;
        ++self->runner.failed;
      }
      return;
    }
    auto received = now_ns();
    auto data = self->buffer.data();
    self->on_frame(std::string_view(static_cast<const char*>(data.data()), data.size()), received);
    self->buffer.consume(self->buffer.size());
    self->read();
  });
}

void Connection::on_frame(std::string_view frame, std::int64_t received) {
  if (state == State::ready) {
    runner.on_message(*this, frame, received);
    return;
  }
  if (state == State::joining) join_step(frame);
}

void Connection::join_step(std::string_view frame) {
  auto ready_now = [this] {
    state = State::ready;
    ++runner.ready;
  };
  if (runner.opt.peer != Peer::xmpp) {
    if (frame.find(R"("id":"s")") != std::string_view::npos) {
      if (frame.find(R"("ok":true)") != std::string_view::npos) {
        ready_now();
      } else {
        std::fprintf(stderr, "subscribe refused: %.*s\n", static_cast<int>(frame.size()),
                     frame.data());
        state = State::failed;
        ++runner.failed;
      }
    }
    return;
  }
  // XMPP over WebSocket (RFC 7395): open, SASL ANONYMOUS, open again, bind, join the room.
  auto has = [&](std::string_view s) { return frame.find(s) != std::string_view::npos; };
  if (has("<failure") || has("type='error'") || has("type=\"error\"")) {
    std::fprintf(stderr, "xmpp error: %.*s\n", static_cast<int>(frame.size()), frame.data());
    state = State::failed;
    ++runner.failed;
    return;
  }
  std::string open = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='" +
                     runner.opt.xmpp_domain + "' version='1.0'/>";
  if (xmpp_step == 0 && has("mechanisms")) {
    xmpp_step = 1;
    send(std::make_shared<const std::string>(
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='ANONYMOUS'/>"));
  } else if (xmpp_step == 1 && has("<success")) {
    xmpp_step = 2;
    send(std::make_shared<const std::string>(open));
  } else if (xmpp_step == 2 && has("urn:ietf:params:xml:ns:xmpp-bind")) {
    xmpp_step = 3;
    send(
        std::make_shared<const std::string>("<iq xmlns='jabber:client' type='set' id='bind'><bind "
                                            "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>"));
  } else if (xmpp_step == 3 && (has("id='bind'") || has("id=\"bind\""))) {
    xmpp_step = 4;
    if (xmpp_room.empty()) {
      send(std::make_shared<const std::string>("<presence xmlns='jabber:client'/>"));
      ready_now();
      return;
    }
    send(std::make_shared<const std::string>(
        "<presence xmlns='jabber:client' to='" + xmpp_room + "@" + runner.opt.muc_domain + "/u" +
        std::to_string(index) +
        "'><x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x></presence>"));
  } else if (xmpp_step == 4 && has("<presence") && (has("code='110'") || has("code=\"110\""))) {
    ready_now();
  }
}

void Connection::send(std::shared_ptr<const std::string> frame) {
  if (state == State::failed || state == State::closed) return;
  queue.push_back(std::move(frame));
  if (!writing) write_next();
}

void Connection::write_next() {
  if (queue.empty()) {
    writing = false;
    return;
  }
  writing = true;
  ws.async_write(asio::buffer(*queue.front()),
                 [self = shared_from_this()](beast::error_code e, std::size_t) {
                   self->queue.pop_front();
                   if (e) {
                     self->writing = false;
                     return;
                   }
                   self->write_next();
                 });
}

void Connection::close() {
  state = State::closed;
  beast::error_code ec;
  beast::get_lowest_layer(ws).socket().close(ec);
}

// ---------------------------------------------------------------- scenarios

struct Scenario {
  std::string kind;  // idle, fanout, chat, notes
  int rooms = 1;
  int members = 0;
  double rate = 0;  // per room
  std::string label() const {
    char b[128];
    if (kind == "idle")
      std::snprintf(b, sizeof b, "idle %d", members);
    else if (kind == "fanout")
      std::snprintf(b, sizeof b, "fan-out %d × %g/s", members, rate);
    else if (kind == "chat")
      std::snprintf(b, sizeof b, "chat %d×%d × %g/s", rooms, members, rate);
    else
      std::snprintf(b, sizeof b, "notes %d × %g/s", members, rate);
    return b;
  }
};

Scenario parse_scenario(const std::string& s) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  while (true) {
    auto to = s.find(':', from);
    parts.push_back(s.substr(from, to - from));
    if (to == std::string::npos) break;
    from = to + 1;
  }
  Scenario sc{.kind = parts[0], .rooms = 1, .members = 0, .rate = 0};
  auto need = [&](std::size_t n) {
    if (parts.size() != n) throw std::runtime_error("bad scenario '" + s + "'");
  };
  if (sc.kind == "idle") {
    need(2);
    sc.members = std::stoi(parts[1]);
  } else if (sc.kind == "fanout" || sc.kind == "notes") {
    need(3);
    sc.members = std::stoi(parts[1]);
    sc.rate = std::stod(parts[2]);
  } else if (sc.kind == "chat") {
    need(4);
    sc.rooms = std::stoi(parts[1]);
    sc.members = std::stoi(parts[2]);
    sc.rate = std::stod(parts[3]);
  } else {
    throw std::runtime_error("unknown scenario '" + s +
                             "' (idle:N, fanout:N:RATE, chat:W:M:RATE, notes:N:RATE)");
  }
  return sc;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

std::string pinned(const Options& opt, const std::string& command) {
  return opt.server_cpu >= 0 ? "taskset -c " + std::to_string(opt.server_cpu) + " " + command
                             : command;
}

std::string pacte_serve_command(const Options& opt, const std::string& data) {
  return pinned(opt, opt.pacte_binary + " serve --config " + opt.config + " --data " + data +
                         " --listen 127.0.0.1:" + std::to_string(opt.port) + " --demo-password " +
                         kPassword + " --password-cost test");
}

/// Creates the people, tokens, workspaces, threads and note the scenarios need.
PacteWorld set_up_pacte(const Options& opt, const std::string& data,
                        const std::vector<Scenario>& scenarios) {
  PacteWorld w;
  int fanout_people = 10, chat_rooms = 0, chat_members = 0;
  for (auto& s : scenarios)
    if (s.kind == "chat") {
      chat_rooms = std::max(chat_rooms, s.rooms);
      chat_members = std::max(chat_members, s.members);
    }
  w.fanout_people = fanout_people;
  w.chat_members = chat_members;
  int total = fanout_people + chat_rooms * chat_members;
  auto t0 = Steady::now();
  ServerProcess server(pacte_serve_command(opt, data), opt.port, opt.work_dir + "/pacte-setup.log");
  auto login = http_post(opt.port, "/api/login",
                         {{"email", "admin@pacte.example"}, {"password", kPassword}});
  if (login.cookie.empty()) throw std::runtime_error("admin login failed: " + login.body);
  std::string admin =
      api(opt.port, "tokens.create", {{"name", "load generator"}, {"scope", "write"}}, "",
          login.cookie)["token"];
  for (int i = 0; i < total; ++i) {
    std::string email = "banc" + std::to_string(i) + "@charge.example";
    std::string out = pacte::bench::run_command(opt.pacte_binary + " user add --email " + email +
                                                " --name 'Banc " + std::to_string(i) +
                                                "' --config " + opt.config + " --data " + data);
    auto at = out.find("invitation=");
    if (at == std::string::npos) throw std::runtime_error("user add printed no link: " + out);
    at += 11;
    auto end = out.find_first_of(" \n\r\t&", at);
    std::string link = out.substr(at, end - at);
    api(opt.port, "password.set", {{"token", link}, {"password", kPassword}}, "");
    auto l = http_post(opt.port, "/api/login", {{"email", email}, {"password", kPassword}});
    Json lj = Json::parse(l.body);
    BenchPerson p;
    p.id = lj["result"]["person"]["id"];
    p.token = api(opt.port, "tokens.create", {{"name", "load generator"}, {"scope", "write"}}, "",
                  l.cookie)["token"];
    w.people.push_back(p);
  }
  auto make_workspace = [&](const std::string& key, int first, int count) {
    Json ws = api(opt.port, "workspaces.create",
                  {{"pact", "chambery-2023"},
                   {"key", key},
                   {"name", "Banc d'essai " + key},
                   {"kind", "working_group"}},
                  admin)["workspace"];
    std::int64_t id = ws["id"];
    for (int i = first; i < first + count; ++i)
      api(opt.port, "workspaces.add_member",
          {{"workspace", id},
           {"person", w.people[static_cast<std::size_t>(i)].id},
           {"role", "member"}},
          admin);
    return id;
  };
  w.fanout_workspace = make_workspace("banc-diffusion", 0, fanout_people);
  w.fanout_thread = api(opt.port, "chat.create_thread",
                        {{"workspace", w.fanout_workspace},
                         {"title", "Diffusion"},
                         {"body", "Début du banc d'essai"}},
                        w.people[0].token)["thread"]["id"];
  api(opt.port, "plugins.enable", {{"workspace", w.fanout_workspace}, {"plugin", "notes"}}, admin);
  w.note =
      api(opt.port, "notes.create", {{"workspace", w.fanout_workspace}, {"title", "Compte rendu"}},
          w.people[0].token)["note"]["id"];
  for (int r = 0; r < chat_rooms; ++r) {
    int first = fanout_people + r * chat_members;
    std::int64_t id = make_workspace("banc-discussion-" + std::to_string(r), first, chat_members);
    w.chat_threads.push_back(api(opt.port, "chat.create_thread",
                                 {{"workspace", id}, {"title", "Discussion"}, {"body", "Début"}},
                                 w.people[static_cast<std::size_t>(first)].token)["thread"]["id"]);
  }
  std::fprintf(stderr, "set-up: %d people with API tokens, %d workspaces in %.1f s\n", total,
               1 + chat_rooms, std::chrono::duration<double>(Steady::now() - t0).count());
  return w;
}

Json run_scenario(Options& opt, const Scenario& sc, const PacteWorld& world,
                  const std::string& data) {
  std::string command =
      opt.peer == Peer::pacte
          ? pacte_serve_command(opt, data)
          : pinned(opt,
                   replace_all(replace_all(opt.server_command, "{port}", std::to_string(opt.port)),
                               "{data}", data));
  ServerProcess server(command, opt.port, opt.work_dir + "/" + reported_name(opt) + ".log");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let it settle before the baseline
  std::int64_t rss_before = server.rss_bytes();

  asio::io_context io;
  Runner runner(opt, io);
  runner.notes = sc.kind == "notes";
  runner.note = world.note;
  int connections = sc.kind == "chat" ? sc.rooms * sc.members : sc.members;
  runner.rooms.resize(static_cast<std::size_t>(sc.kind == "idle" ? 0 : sc.rooms));
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), opt.port);
  for (int i = 0; i < connections; ++i) {
    auto c = std::make_shared<Connection>(runner, io);
    c->index = i;
    int room = sc.kind == "idle" ? -1 : i / sc.members;
    c->room = room;
    if (opt.peer == Peer::pacte) {
      std::size_t person = sc.kind == "chat" ? static_cast<std::size_t>(world.fanout_people + i)
                                             : static_cast<std::size_t>(i % world.fanout_people);
      c->bearer = world.people.at(person).token;
      c->target = "/ws";
    } else if (opt.peer == Peer::node) {
      c->target = "/w/" + (room < 0 ? std::string("idle") : sc.kind + std::to_string(room));
    } else {
      c->target = "/xmpp-websocket";
      if (room >= 0) c->xmpp_room = sc.kind + std::to_string(room);
    }
    if (room >= 0) runner.rooms[static_cast<std::size_t>(room)].members.push_back(i);
    runner.connections.push_back(c);
  }
  for (std::size_t r = 0; r < runner.rooms.size(); ++r) {
    auto& room = runner.rooms[r];
    room.rate = sc.kind == "notes" ? sc.rate * sc.members : sc.rate;  // notes: a rate per typist
    room.name = sc.kind + std::to_string(r);
    room.thread = opt.peer != Peer::pacte ? static_cast<std::int64_t>(r + 1)
                  : sc.kind == "chat"     ? world.chat_threads.at(r)
                                          : world.fanout_thread;
    room.planned = static_cast<long>(room.rate * opt.seconds);
    room.timer = std::make_unique<asio::steady_timer>(io);
  }

  // Connect, at most 64 handshakes in flight (a burst would overflow the listen backlog).
  auto t0 = Steady::now();
  std::size_t next = 0;
  auto pending = [&] { return static_cast<long>(next) - runner.ready - runner.failed; };
  bool all = runner.run_until(
      [&] {
        while (next < runner.connections.size() && pending() < 64) {
          auto source = asio::ip::make_address_v4(
              0x7f000001u +
              static_cast<unsigned>(next % static_cast<std::size_t>(opt.source_addresses)));
          runner.connections[next]->start(endpoint, source);
          ++next;
        }
        return next == runner.connections.size() && pending() == 0;
      },
      300);
  double connect_seconds = std::chrono::duration<double>(Steady::now() - t0).count();
  std::fprintf(stderr, "%s %s: %ld/%d connections ready in %.1f s%s\n", reported_name(opt),
               sc.label().c_str(), runner.ready, connections, connect_seconds,
               all ? "" : " (timed out)");

  Json out = {
      {"peer", reported_name(opt)}, {"scenario", sc.kind},   {"label", sc.label()},
      {"rooms", sc.rooms},           {"members", sc.members}, {"rate", sc.rate},
      {"connections", connections},  {"ready", runner.ready}, {"connect_s", connect_seconds}};
  if (sc.kind == "idle") {
    runner.run_until([] { return false; }, 2.0);  // settle
    std::int64_t rss = server.rss_bytes();
    out["rss_mib"] = static_cast<double>(rss) / 1048576.0;
    out["rss_before_mib"] = static_cast<double>(rss_before) / 1048576.0;
    out["kib_per_connection"] = runner.ready > 0 ? static_cast<double>(rss - rss_before) / 1024.0 /
                                                       static_cast<double>(runner.ready)
                                                 : 0.0;
    out["ok"] = runner.ready == connections;
  } else {
    auto cpu0 = server.cpu_times();
    auto start = now_ns() + 200'000'000;
    for (std::size_t r = 0; r < runner.rooms.size(); ++r) {
      // Rooms start spread over one interval so that they do not all send at once.
      runner.rooms[r].start_ns =
          start + static_cast<std::int64_t>(1e9 / runner.rooms[r].rate * static_cast<double>(r) /
                                            static_cast<double>(runner.rooms.size()));
      runner.schedule(runner.rooms[r]);
    }
    long planned = 0;
    for (auto& r : runner.rooms) planned += r.planned;
    runner.run_until([&] { return runner.sent == planned; }, opt.seconds + 30);
    runner.run_until([&] { return runner.delivered >= runner.expected; }, opt.drain_seconds);
    auto cpu1 = server.cpu_times();
    double cpu_user = cpu1.user - cpu0.user;
    double cpu = cpu1.total() - cpu0.total();
    auto ms = [&](double q) { return static_cast<double>(runner.histogram.percentile(q)) / 1e6; };
    out["seconds"] = opt.seconds;
    out["sent"] = runner.sent;
    out["delivered"] = runner.delivered;
    out["expected"] = runner.expected;
    // Over the time from the first intended send to the last delivery, drain included.
    double span = static_cast<double>(runner.last_delivery_ns - start) / 1e9;
    out["delivered_per_s"] = static_cast<double>(runner.delivered) / std::max(span, opt.seconds);
    out["p50_ms"] = ms(0.5);
    out["p99_ms"] = ms(0.99);
    out["p999_ms"] = ms(0.999);
    out["max_ms"] = static_cast<double>(runner.histogram.max()) / 1e6;
    out["server_cpu_s"] = cpu;
    auto per_delivery = [&](double seconds) {
      return runner.delivered > 0 ? seconds * 1e6 / static_cast<double>(runner.delivered) : 0.0;
    };
    out["cpu_us_per_delivery"] = per_delivery(cpu);
    // User space is the server's own code; the kernel part is mostly TCP, which on loopback
    // includes the receiving side's work, the same for every server.
    out["cpu_user_us_per_delivery"] = per_delivery(cpu_user);
    out["cpu_system_us_per_delivery"] = per_delivery(cpu - cpu_user);
    out["rss_mib"] = static_cast<double>(server.rss_bytes()) / 1048576.0;
    out["errors"] = runner.errors;
    out["ok"] =
        runner.ready == connections && runner.delivered == runner.expected && runner.errors == 0;
  }
  for (auto& c : runner.connections) c->close();
  server.stop();
  runner.run_until([] { return false; }, 0.2);  // let the aborted operations finish
  return out;
}

void print_row(const Json& j) {
  if (j["scenario"] == "idle") {
    std::printf("%-8s %-28s %6ld/%-6d connections  RSS %.1f MiB  %.2f KiB per connection\n",
                j["peer"].get<std::string>().c_str(), j["label"].get<std::string>().c_str(),
                j["ready"].get<long>(), j["connections"].get<int>(), j["rss_mib"].get<double>(),
                j["kib_per_connection"].get<double>());
  } else {
    std::printf(
        "%-8s %-28s delivered %9ld/%-9ld %9.0f/s  p50 %7.2f  p99 %7.2f  p99.9 %7.2f  max %7.2f ms  "
        "CPU %.2f us/delivery (user %.2f, kernel %.2f)  RSS %.0f MiB\n",
        j["peer"].get<std::string>().c_str(), j["label"].get<std::string>().c_str(),
        j["delivered"].get<long>(), j["expected"].get<long>(), j["delivered_per_s"].get<double>(),
        j["p50_ms"].get<double>(), j["p99_ms"].get<double>(), j["p999_ms"].get<double>(),
        j["max_ms"].get<double>(), j["cpu_us_per_delivery"].get<double>(),
        j["cpu_user_us_per_delivery"].get<double>(), j["cpu_system_us_per_delivery"].get<double>(),
        j["rss_mib"].get<double>());
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) try {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--peer") {
      std::string p = value();
      opt.peer = p == "pacte"  ? Peer::pacte
                 : p == "node" ? Peer::node
                 : p == "xmpp" ? Peer::xmpp
                               : throw std::runtime_error("--peer pacte|node|xmpp");
    } else if (a == "--peers") {
      std::string list = value();
      for (std::size_t from = 0; from <= list.size();) {
        auto to = std::min(list.find(',', from), list.size());
        opt.peers.push_back(list.substr(from, to - from));
        from = to + 1;
      }
    } else if (a == "--node-command")
      opt.node_command = value();
    else if (a == "--xmpp-command")
      opt.xmpp_command = value();
    else if (a == "--xmpp-port")
      opt.xmpp_port = static_cast<std::uint16_t>(std::stoi(value()));
    else if (a == "--xmpp-max-members")
      opt.xmpp_max_members = std::stoi(value());
    else if (a == "--pacte")
      opt.pacte_binary = value();
    else if (a == "--name")
      opt.name = value();
    else if (a == "--config")
      opt.config = value();
    else if (a == "--server-command")
      opt.server_command = value();
    else if (a == "--port")
      opt.port = static_cast<std::uint16_t>(std::stoi(value()));
    else if (a == "--seconds")
      opt.seconds = std::stod(value());
    else if (a == "--drain-seconds")
      opt.drain_seconds = std::stod(value());
    else if (a == "--server-cpu")
      opt.server_cpu = std::stoi(value());
    else if (a == "--client-cpu")
      opt.client_cpu = std::stoi(value());
    else if (a == "--source-addresses")
      opt.source_addresses = std::max(1, std::stoi(value()));
    else if (a == "--scenario")
      opt.scenarios.push_back(value());
    else if (a == "--xmpp-domain")
      opt.xmpp_domain = value();
    else if (a == "--muc-domain")
      opt.muc_domain = value();
    else if (a == "--work-dir")
      opt.work_dir = value();
    else if (a == "--max-members")
      opt.max_members = std::stoi(value());
    else if (a == "--smoke")
      opt.smoke = true;
    else
      throw std::runtime_error("unknown option " + a);
  }
  if (opt.smoke) {
    // A few seconds and a few connections: proves the generator and the set-up work (ctest).
    opt.seconds = 2;
    opt.drain_seconds = 10;
    if (opt.scenarios.empty())
      opt.scenarios = {"idle:20", "fanout:10:20", "chat:3:3:5", "notes:4:5"};
  }
  if (opt.scenarios.empty()) throw std::runtime_error("no --scenario given");
  if (opt.port == 0) opt.port = static_cast<std::uint16_t>(20000 + ::getpid() % 20000);
  struct PeerRun {
    Peer peer;
    std::string command;
    std::uint16_t port;
    int max_members;
  };
  std::vector<PeerRun> runs;
  for (auto& name : opt.peers) {
    if (name == "pacte")
      runs.push_back({Peer::pacte, "", opt.port, 0});
    else if (name == "node")
      runs.push_back({Peer::node, opt.node_command, static_cast<std::uint16_t>(opt.port + 1), 0});
    else if (name == "xmpp")
      runs.push_back({Peer::xmpp, opt.xmpp_command, opt.xmpp_port, opt.xmpp_max_members});
    else
      throw std::runtime_error("--peers: pacte, node or xmpp, not '" + name + "'");
  }
  if (runs.empty()) runs.push_back({opt.peer, opt.server_command, opt.port, opt.max_members});
  for (auto& r : runs) {
    if (r.peer == Peer::pacte && (opt.pacte_binary.empty() || opt.config.empty()))
      throw std::runtime_error("--pacte BINARY and --config FILE are needed");
    if (r.peer != Peer::pacte && r.command.empty())
      throw std::runtime_error(std::string("a server command is needed for ") + peer_name(r.peer));
    if (r.port == 0)
      throw std::runtime_error(std::string("a port is needed for ") + peer_name(r.peer));
  }

  // Many sockets: raise our own descriptor limit (the server inherits it).
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
  if (opt.client_cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(opt.client_cpu, &set);
    ::sched_setaffinity(0, sizeof set, &set);
  }
  bool own_dir = opt.work_dir.empty();
  if (own_dir) {
    char tmpl[] = "/tmp/pacte-load-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    opt.work_dir = tmpl;
  }
  if (!opt.config.empty()) opt.config = std::filesystem::absolute(opt.config).string();
  std::string data = opt.work_dir + "/data";

  std::vector<Scenario> scenarios;
  for (auto& s : opt.scenarios) scenarios.push_back(parse_scenario(s));
  PacteWorld world;
  for (auto& r : runs)
    if (r.peer == Peer::pacte) {
      opt.peer = Peer::pacte;
      opt.port = r.port;
      world = set_up_pacte(opt, data, scenarios);
    }

  bool ok = true;
  for (auto& sc : scenarios)
    for (auto& r : runs) {
      opt.peer = r.peer;
      opt.server_command = r.command;
      opt.port = r.port;
      opt.max_members = r.max_members;
      if (sc.kind == "notes" && opt.peer != Peer::pacte) continue;  // the peers have no live notes
      if (opt.max_members > 0 && sc.kind != "idle" && sc.members > opt.max_members) {
        std::fprintf(stderr, "%s %s: skipped (--max-members %d)\n", reported_name(opt),
                     sc.label().c_str(), opt.max_members);
        continue;
      }
      Json j = run_scenario(opt, sc, world, data);
      ok = ok && j["ok"].get<bool>();
      print_row(j);
      std::printf("%s\n", j.dump().c_str());  // at once: a later scenario may be interrupted
      std::fflush(stdout);
    }
  if (own_dir && ok) std::filesystem::remove_all(opt.work_dir);
  return ok ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "load_generator: %s\n", e.what());
  return 2;
}
