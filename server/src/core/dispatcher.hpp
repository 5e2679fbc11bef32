// The registry of operations: name → schema, permission rule, handler. Filled at start-up,
// then read-only: safe to read from the network thread (validation) and the engine thread
// (authorization and handlers) at once.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pacte/plugin.hpp"

namespace pacte {

class Dispatcher : public Registrar {
 public:
  /// Registers an operation; throws std::invalid_argument on a duplicate name, a missing
  /// handler or an unsupported schema (start-up error).
  void add(Operation op) override;
  void add_scope(std::string argument, ScopeResolver resolver) override;
  void add_timer(std::string name, std::chrono::seconds every, std::function<void(Context&)> run) override;
  void on_schedule(std::string name, std::function<void(Context&, const Json&)> run) override;
  void add_resource(std::string name, ResourceHandler handler) override;
  void add_command(SlashCommand command) override;
  struct Command {
    SlashCommand spec;
    std::string plugin;  // "" for the core
  };
  /// Slash commands in registration order.
  const std::vector<Command>& commands() const { return commands_; }
  /// A plugin's resource by plugin and name, or null.
  const ResourceHandler* resource(std::string_view plugin, std::string_view name) const;
  /// The handler of a scheduled job by its full name, or null.
  const std::function<void(Context&, const Json&)>* scheduled(std::string_view name) const;

  struct Timer {
    std::string name;  // "<plugin>.<name>"
    std::chrono::seconds every;
    std::function<void(Context&)> run;
  };
  const std::vector<Timer>& timers() const { return timers_; }

  /// A plugin's contribution to workspace exports (Plugin::export_workspace).
  using Exporter = std::function<Json(Context&, std::int64_t workspace)>;
  void add_exporter(std::string plugin, Exporter fn) { exporters_.emplace_back(std::move(plugin), std::move(fn)); }
  const std::vector<std::pair<std::string, Exporter>>& exporters() const { return exporters_; }
  /// A plugin's part of a person's data (Plugin::export_person, Plugin::erase_person).
  using PersonExporter = std::function<Json(Context&, std::int64_t person)>;
  using PersonEraser = std::function<void(Context&, std::int64_t person)>;
  void add_person_hooks(std::string plugin, PersonExporter exporter, PersonEraser eraser) {
    person_hooks_.push_back({std::move(plugin), std::move(exporter), std::move(eraser)});
  }
  struct PersonHooks {
    std::string plugin;
    PersonExporter exporter;
    PersonEraser eraser;
  };
  const std::vector<PersonHooks>& person_hooks() const { return person_hooks_; }

  const Operation* find(std::string_view name) const;
  const std::map<std::string, Operation, std::less<>>& operations() const { return ops_; }
  /// Scope resolvers by argument name, in registration order ("workspace" is built in).
  const std::vector<std::pair<std::string, ScopeResolver>>& scopes() const { return scopes_; }

  /// Validates a request before it reaches the engine: known operation, arguments
  /// matching the schema. Returns the error to reply with, if any.
  std::optional<Error> validate(std::string_view op, const Json& args) const;

  /// Set while a plugin registers, so that its operations are tagged with its name.
  void set_current_plugin(std::string plugin) { current_plugin_ = std::move(plugin); }

 private:
  std::map<std::string, Operation, std::less<>> ops_;
  std::vector<std::pair<std::string, ScopeResolver>> scopes_;
  std::vector<Timer> timers_;
  std::map<std::string, std::function<void(Context&, const Json&)>, std::less<>> scheduled_;
  std::vector<std::pair<std::string, Exporter>> exporters_;
  std::vector<PersonHooks> person_hooks_;
  std::map<std::string, ResourceHandler, std::less<>> resources_;  // "<plugin>/<name>"
  std::vector<Command> commands_;
  std::string current_plugin_;
};

}  // namespace pacte
