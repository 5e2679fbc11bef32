// The plugin SDK entry point: the only header a plugin needs to include.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pacte/context.hpp"
#include "pacte/operation.hpp"
#include "pacte/result.hpp"

namespace pacte {

/// Bumped when the SDK changes incompatibly; a plugin built against another version is
/// refused at registration with a clear message.
inline constexpr int kSdkApiVersion = 4;

/// A GET request for one of a plugin's resources: `GET /p/<plugin>/<name>[/<rest>][?query]`.
struct ResourceRequest {
  const Caller& caller;  // person 0 when the request carries no session or token
  std::string rest;      // the path after /p/<plugin>/<name>/, "" if none (e.g. a feed token)
  std::map<std::string, std::string> query;  // decoded query parameters
};

/// What a resource handler answers (status 200).
struct Resource {
  std::string content_type = "text/plain; charset=utf-8";
  std::string body{};
  std::string filename{};  // non-empty: served as an attachment with this file name
  bool cacheable = false;  // false: Cache-Control: no-store
};

/// Runs on the engine like an operation, in its own savepoint. Returns Result::ok() after
/// filling `out`, or an error (answered with its HTTP status and a JSON body). It checks
/// its own permissions (ctx.role_of), since the caller may be anonymous.
using ResourceHandler = std::function<Result(Context&, const ResourceRequest&, Resource& out)>;

/// What the host gives a plugin when a pact is imported for the first time.
struct PactImport {
  std::string pact_key{};
  /// The plugin's section of the pact file, `"plugins": {"<name>": …}`; null if none.
  Json config{};
  /// The folder of the pact file, for side files the section names (e.g. a text).
  std::filesystem::path directory{};
  /// Keys of the pact file mapped to database ids.
  std::map<std::string, std::int64_t> people{}, organisations{}, workspaces{};
};

/// One typed argument of a slash command.
struct CommandArg {
  std::string name{};  // shown in the usage, e.g. "titre"
  /// "word" (one word or a "quoted string"), "rest" (the rest of the line, last only),
  /// "integer" (also "v3"), "duration" (20min, 20 min, 1h, 1h30, 90 → minutes), "date"
  /// (French and ISO: 12/03/2026, 12 mars 2026, 2026-03-12, aujourd'hui, demain, lundi…
  /// → "YYYY-MM-DD", relative to today in Europe/Paris), "person" (@[Name](person:ID), or
  /// a name/email prefix of a member → id), "organisation" (key or short name → id),
  /// "choice" (one of `choices`).
  std::string type = "word";
  std::vector<std::string> choices{};
  bool optional = false;
  std::string help_fr{}, help_en{};
  /// Optional: suggestions for this argument while it is typed (commands.complete), as
  /// [{value, label, detail?}], given the caller, the workspace and the word typed so far
  /// (e.g. a document's versions). Runs on the engine, read only.
  std::function<Json(Context&, const Call&, const std::string& typed)> complete{};
};

/// A slash command typed in the composer, e.g. `/agenda add "Point budget" 20min`.
struct SlashCommand {
  std::string command{};  // "agenda" (unique with `sub`)
  std::string sub{};      // "add"; "" for none
  std::vector<CommandArg> args{};
  std::string help_fr{}, help_en{};
  Rule rule = Rule::member;  // checked in the workspace where it runs
  /// Runs on the engine as the caller in the workspace (call.workspace, call.role set;
  /// call.args is the whole commands.run request), with `parsed` = {argname: value}
  /// (absent optional arguments are missing). Returns Result::ok({"text": markdown in
  /// the caller's language, "visibility": "ephemeral" | "thread", "card"?: card}) or an
  /// error (returned to the caller as is).
  std::function<Result(Context&, const Call&, const Json& parsed)> run{};
};

/// Given to Plugin::register_operations: the plugin declares what it offers.
class Registrar {
 public:
  virtual ~Registrar() = default;
  /// Registers an operation. Its name must start with the plugin's name and a dot.
  virtual void add(Operation op) = 0;
  /// Registers how an argument holding an id of the plugin's objects maps to a workspace.
  virtual void add_scope(std::string argument, ScopeResolver resolver) = 0;
  /// Registers work the engine runs every `every` (at least 1 s), in its own savepoint of
  /// a group transaction, like a handler without a caller: deadlines, reminders. Events it
  /// appends are broadcast after the commit. It must be quick and idempotent.
  virtual void add_timer(std::string name, std::chrono::seconds every, std::function<void(Context&)> run) = 0;
  /// Registers the handler of one-shot jobs named "<plugin>.<name>" (Context::schedule).
  /// It runs on the engine, in its own savepoint, once the job is due (checked every
  /// second); a job whose handler throws is logged and dropped.
  virtual void on_schedule(std::string name, std::function<void(Context&, const Json& payload)> run) = 0;
  /// Registers a resource served at `GET /p/<plugin>/<name>…` (calendar files and feeds,
  /// printable pages, exports).
  virtual void add_resource(std::string name, ResourceHandler handler) = 0;
  /// Registers a slash command (commands.list / complete / run; docs/plugins.md).
  virtual void add_command(SlashCommand command) = 0;
};

/// A plugin. Implementations are compiled in and listed by CMake (plugins/<name>/).
class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual int api_version() const { return kSdkApiVersion; }
  /// Stable identifier, also the folder name and the operations' prefix, e.g. "poll".
  virtual std::string name() const = 0;
  virtual std::string version() const = 0;
  /// Human title in French and English for the client's tab.
  virtual std::string title_fr() const = 0;
  virtual std::string title_en() const = 0;
  /// Its own tables, versioned; applied once each, in order, at start.
  virtual std::vector<Migration> migrations() const = 0;
  virtual void register_operations(Registrar& registrar) = 0;
  /// What the plugin contributes to a workspace's export (engine thread, read only):
  /// a JSON value stored under "plugins"."<name>" in workspace.json. Null: nothing.
  virtual Json export_workspace(Context& /*ctx*/, std::int64_t /*workspace*/) { return nullptr; }
  /// What the plugin stores about a person (GDPR right of access, `me.export`): a JSON
  /// value stored under "plugins"."<name>" of the export. Null: nothing.
  virtual Json export_person(Context& /*ctx*/, std::int64_t /*person*/) { return nullptr; }
  /// Erases or pseudonymises what the plugin stores about a person (`admin.people.erase`),
  /// in the erasure's transaction. Records that must be kept (signature evidence) may be
  /// kept with their personal fields removed; say so in the plugin's README.
  virtual void erase_person(Context& /*ctx*/, std::int64_t /*person*/) {}
  /// Called once when a pact is first imported, in the import's transaction, after the
  /// core's people, organisations and workspaces exist: demo or initial data. It may use
  /// ctx.call (as the system). Throwing aborts the import (and the start) with the message.
  virtual void import_pact(Context& /*ctx*/, const PactImport& /*pact*/) {}
};

}  // namespace pacte
