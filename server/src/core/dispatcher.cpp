#include "core/dispatcher.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/schema.hpp"
#include "pacte/util.hpp"

namespace pacte {

void Dispatcher::add(Operation op) {
  if (op.name.empty() || !op.handler)
    throw std::invalid_argument("operation '" + op.name + "' needs a name and a handler");
  if (!current_plugin_.empty()) {
    if (op.name.rfind(current_plugin_ + ".", 0) != 0)
      throw std::invalid_argument("plugin '" + current_plugin_ + "' may only register operations "
                                  "named '" + current_plugin_ + ".…', not '" + op.name + "'");
    op.plugin = current_plugin_;
  }
  if (op.schema.is_null()) op.schema = Json{{"type", "object"}, {"additionalProperties", false}};
  if (auto err = check_schema(op.schema))
    throw std::invalid_argument("operation '" + op.name + "': " + *err);
  if (ops_.count(op.name)) throw std::invalid_argument("operation '" + op.name + "' registered twice");
  std::string name = op.name;
  ops_.emplace(std::move(name), std::move(op));
}

void Dispatcher::add_scope(std::string argument, ScopeResolver resolver) {
  for (auto& [name, _] : scopes_)
    if (name == argument) throw std::invalid_argument("scope '" + argument + "' registered twice");
  scopes_.emplace_back(std::move(argument), std::move(resolver));
}

void Dispatcher::add_timer(std::string name, std::chrono::seconds every, std::function<void(Context&)> run) {
  if (every < std::chrono::seconds(1) || !run) throw std::invalid_argument("timer '" + name + "' needs a period of at least 1 s");
  std::string full = current_plugin_.empty() ? name : current_plugin_ + "." + name;
  timers_.push_back(Timer{std::move(full), every, std::move(run)});
}

void Dispatcher::on_schedule(std::string name, std::function<void(Context&, const Json&)> run) {
  std::string full = current_plugin_.empty() ? name : current_plugin_ + "." + name;
  if (!run || scheduled_.count(full)) throw std::invalid_argument("scheduled job '" + full + "' registered twice or empty");
  scheduled_.emplace(std::move(full), std::move(run));
}

const std::function<void(Context&, const Json&)>* Dispatcher::scheduled(std::string_view name) const {
  auto it = scheduled_.find(name);
  return it == scheduled_.end() ? nullptr : &it->second;
}

void Dispatcher::add_resource(std::string name, ResourceHandler handler) {
  if (current_plugin_.empty() || name.empty() || name.find('/') != std::string::npos || !handler)
    throw std::invalid_argument("add_resource: a plugin registers a named resource with a handler");
  std::string key = current_plugin_ + "/" + name;
  if (!resources_.emplace(key, std::move(handler)).second)
    throw std::invalid_argument("add_resource: duplicate resource " + key);
}

void Dispatcher::add_command(SlashCommand command) {
  static const std::vector<std::string> types = {"word", "rest", "integer", "duration", "date",
                                                 "person", "organisation", "choice"};
  if (command.command.empty() || !command.run || command.command == "help")
    throw std::invalid_argument("add_command: a command needs a name (not 'help') and a handler");
  for (std::size_t i = 0; i < command.args.size(); ++i) {
    auto& a = command.args[i];
    if (a.name.empty() || std::find(types.begin(), types.end(), a.type) == types.end())
      throw std::invalid_argument("add_command /" + command.command + ": argument '" + a.name + "' has an unknown type");
    if (a.type == "rest" && i + 1 != command.args.size())
      throw std::invalid_argument("add_command /" + command.command + ": a 'rest' argument must be the last");
    if (a.type == "choice" && a.choices.empty())
      throw std::invalid_argument("add_command /" + command.command + ": a 'choice' argument needs choices");
  }
  for (auto& c : commands_) {
    if (c.spec.command != command.command) continue;
    if (c.spec.sub == command.sub || c.spec.sub.empty() != command.sub.empty())
      throw std::invalid_argument("add_command: /" + command.command + " " + command.sub + " registered twice");
  }
  commands_.push_back(Command{std::move(command), current_plugin_});
}

const ResourceHandler* Dispatcher::resource(std::string_view plugin, std::string_view name) const {
  auto it = resources_.find(std::string(plugin) + "/" + std::string(name));
  return it == resources_.end() ? nullptr : &it->second;
}

const Operation* Dispatcher::find(std::string_view name) const {
  auto it = ops_.find(name);
  return it == ops_.end() ? nullptr : &it->second;
}

std::optional<Error> Dispatcher::validate(std::string_view op, const Json& args) const {
  const Operation* o = find(op);
  if (!o) {
    // The name comes from the client, and over HTTP from the request path, which may hold
    // any bytes: echo it only when it is short valid UTF-8, since the reply must serialise
    // (an invalid byte made json::dump throw on the network thread; found by
    // tests/fuzz/session_fuzz).
    std::string shown = op.size() <= 100 && valid_utf8(op) ? std::string(op) : std::string("?");
    return Error{ErrorCode::not_found, "unknown operation '" + shown + "'",
                 "opération inconnue « " + shown + " »", "op", 0};
  }
  return validate_schema(o->schema, args, "args");
}

}  // namespace pacte
