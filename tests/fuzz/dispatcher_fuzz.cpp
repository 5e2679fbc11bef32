// Fuzz target: the protocol dispatcher and every operation's handler, against the
// in-memory server (fuzz_server.hpp) as a signed-in member. Input: WebSocket request
// frames, one per line ({"id", "op", "args"} as in docs/protocol.md); an input whose
// first line is "#owner" runs as an owner of that workspace instead (owner-only
// operations). Each frame goes
// through what the network thread does (parse, id, op, schema validation) and then the
// engine; the property checked is that every validated request gets a typed answer,
// never an internal error (a handler that threw) and never a crash or a sanitizer report.
//
// PACTE_FUZZ_WRITE_SEEDS=<folder> writes one seed per registered operation, with the
// required arguments filled from its schema (how corpus/dispatcher/ was made).
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "fuzz_check.hpp"
#include "fuzz_server.hpp"

using namespace pacte;
using pacte_fuzz::FuzzServer;

namespace {

/// A value of the type a schema asks for, as plain as possible.
Json sample(const Json& schema, const std::string& name, std::int64_t workspace) {
  if (auto e = schema.find("enum"); e != schema.end() && e->is_array() && !e->empty())
    return (*e)[0];
  std::string type = "string";
  if (auto t = schema.find("type"); t != schema.end())
    type = t->is_array() ? (*t)[0].get<std::string>() : t->get<std::string>();
  if (type == "integer" || type == "number") return name == "workspace" ? workspace : 1;
  if (type == "boolean") return true;
  if (type == "array") return Json::array();
  if (type == "null") return nullptr;
  if (type == "object") {
    Json out = Json::object();
    if (auto r = schema.find("required"); r != schema.end())
      for (auto& key : *r) {
        const Json& sub = schema.value("properties", Json::object())
                              .value(key.get<std::string>(), Json::object());
        out[key.get<std::string>()] = sample(sub, key.get<std::string>(), workspace);
      }
    return out;
  }
  return "Réunion du comité";
}

void write_seeds(const char* folder) {
  auto& server = FuzzServer::get();
  int n = 0;
  for (auto& [name, op] : server.app().dispatcher().operations()) {
    Json frame = {{"id", "r1"}, {"op", name}, {"args", sample(op.schema, "", server.workspace())}};
    std::ofstream(std::string(folder) + "/" + name)
        << (op.rule == Rule::owner ? "#owner\n" : "") << frame.dump() << "\n";
    ++n;
  }
  std::fprintf(stderr, "wrote %d seeds to %s\n", n, folder);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto& server = FuzzServer::get();
  // Replies are checked, events dropped (no network layer here).
  server.engine().set_sink([](Batch&& batch) {
    for (auto& c : batch.completions)
      if (c.on_done) c.on_done(c);
  });
  // getenv is thread-safe here: nothing in this process changes the environment (no
  // setenv or putenv anywhere in Pacte).
  const char* folder = std::getenv("PACTE_FUZZ_WRITE_SEEDS");  // NOLINT(concurrency-mt-unsafe)
  if (folder) {
    write_seeds(folder);
    // A seed-writing run only writes the seeds: no fuzzing follows. exit is called once,
    // before any input runs, by the only thread that is not an idle pool worker; the static
    // FuzzServer's destructor stops and joins those workers.
    std::exit(0);  // NOLINT(concurrency-mt-unsafe)
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& server = FuzzServer::get();
  auto& dispatcher = server.app().dispatcher();
  int submitted = 0;
  auto answered = std::make_shared<int>(0);
  auto lines = pacte_fuzz::split(data, size, '\n', 64);
  const Caller& caller = lines[0] == "#owner" ? server.owner() : server.member();
  for (auto& line : lines) {
    // What WebsocketSession::handle_text checks before the engine (the session target
    // fuzzes that code itself).
    Json msg = Json::parse(line, nullptr, false);
    if (msg.is_discarded() || !msg.is_object()) continue;
    auto id = msg.find("id");
    auto op = msg.find("op");
    if (id == msg.end() || !id->is_string() || op == msg.end() || !op->is_string()) continue;
    Json args = msg.value("args", Json::object());
    std::string name = op->get<std::string>();
    if (dispatcher.validate(name, args)) continue;
    if (name == "chat.typing") continue;  // ephemeral: the network thread answers it
    Inbound req;
    req.client_id = id->get<std::string>();
    req.op = name;
    req.args = std::move(args);
    req.caller = caller;
    req.on_done = [name, answered](Completion& c) {
      pacte_fuzz::check_completion(c, name);
      ++*answered;
    };
    server.engine().submit(std::move(req));
    ++submitted;
  }
  server.drain();
  pacte_fuzz::check(*answered == submitted, "a request got no answer or two");
  return 0;
}
