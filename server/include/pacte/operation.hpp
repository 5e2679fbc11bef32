// What a module or plugin declares: operations with schema, permission rule and handler.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pacte/result.hpp"
#include "pacte/statement.hpp"

namespace pacte {

using TimePoint = std::chrono::system_clock::time_point;

/// A person's effective role in a workspace, ordered: owner ⊃ member ⊃ observer.
enum class Role { none = 0, observer = 1, member = 2, owner = 3 };
std::string_view to_string(Role role);
std::optional<Role> role_from_string(std::string_view s);

/// Who may call an operation. Workspace rules need the arguments to designate a workspace
/// (directly with "workspace", or through an object a scope resolver maps to one).
enum class Rule { anonymous, authenticated, admin, observer, member, owner };
std::string_view to_string(Rule rule);

/// The authenticated caller of a request (person 0 = anonymous).
struct Caller {
  std::int64_t person = 0;
  std::int64_t session = 0;  // sessions.id, 0 for API tokens
  std::int64_t token = 0;    // api_tokens.id, 0 for cookie sessions
  bool admin = false;
  bool read_only = false;  // a read-scoped API token
  std::string locale = "fr";
  std::string name;
  std::string address;     // remote address, for the audit log
  std::string user_agent;  // for the audit log and evidence
};

class Context;

/// The arguments and the resolved scope of one call.
struct Call {
  const Caller& caller;
  const Json& args;
  std::int64_t workspace = 0;  // resolved from the arguments, 0 if the operation has none
  Role role = Role::none;      // caller's role in that workspace
  const std::string& client_id;
};

using Handler = std::function<Result(Context&, const Call&)>;

/// An operation as registered. The schema is a JSON Schema subset (docs/plugins.md):
/// type object/string/integer/boolean/array/number, properties, required,
/// additionalProperties:false, minLength/maxLength (code points), minimum/maximum,
/// maxItems, items, enum.
struct Operation {
  std::string name{};  // "chat.post"
  Json schema{};
  Rule rule = Rule::authenticated;
  bool change = false;  // changes state: idempotent by request id, refused to read tokens
  Handler handler{};
  /// Optional extra check after the rule (e.g. "a signatory of this campaign").
  std::function<std::optional<Error>(Context&, const Call&)> predicate{};
  std::string plugin{};  // set by the host for plugin operations
};

/// Maps an argument (e.g. "thread": 12) to the workspace holding that object, or nullopt
/// if there is no such object.
using ScopeResolver = std::function<std::optional<std::int64_t>(Context&, std::int64_t id)>;

/// A schema migration of one module: applied once, in increasing version order.
struct Migration {
  int version;
  std::string sql;
};

}  // namespace pacte
