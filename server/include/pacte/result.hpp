// Outcome of an operation: a JSON result or a typed protocol error.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace pacte {

using Json = nlohmann::json;

/// The protocol's error codes (docs/protocol.md, "Error codes").
enum class ErrorCode {
  bad_request,
  unauthenticated,
  forbidden,
  not_found,
  conflict,
  rate_limited,
  too_large,
  unavailable,
};

/// Wire name of an error code, e.g. "not_found".
std::string_view to_string(ErrorCode code);
/// HTTP status that the HTTP API answers for an error code.
int http_status(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::unavailable;
  std::string message;     // English, human readable
  std::string message_fr;  // French; empty means "same as message"
  std::string field;       // the argument at fault, e.g. "args.body"
  int retry_after = 0;     // seconds, for rate_limited
};

/// Either a result object or an error. Handlers return this; they do not throw for
/// expected failures (a throw is treated as a plugin failure: `unavailable`).
class Result {
 public:
  static Result ok(Json result = Json::object()) {
    Result r;
    r.ok_ = true;
    r.value_ = std::move(result);
    return r;
  }
  static Result fail(ErrorCode code, std::string message, std::string message_fr = {},
                     std::string field = {}) {
    Result r;
    r.ok_ = false;
    r.error_ = Error{code, std::move(message), std::move(message_fr), std::move(field), 0};
    return r;
  }
  static Result fail(Error e) {
    Result r;
    r.ok_ = false;
    r.error_ = std::move(e);
    return r;
  }

  bool is_ok() const { return ok_; }
  const Json& value() const { return value_; }
  Json& value() { return value_; }
  const Error& error() const { return error_; }

  /// The reply object of the protocol (without the request id), localised.
  Json to_reply(std::string_view locale) const;

 private:
  bool ok_ = false;
  Json value_;
  Error error_;
};

}  // namespace pacte
