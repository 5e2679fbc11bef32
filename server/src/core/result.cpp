#include "pacte/result.hpp"

#include "pacte/operation.hpp"

namespace pacte {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request: return "bad_request";
    case ErrorCode::unauthenticated: return "unauthenticated";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::too_large: return "too_large";
    case ErrorCode::unavailable: return "unavailable";
  }
  return "unavailable";
}

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request: return 400;
    case ErrorCode::unauthenticated: return 401;
    case ErrorCode::forbidden: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::conflict: return 409;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::too_large: return 413;
    case ErrorCode::unavailable: return 503;
  }
  return 503;
}

Json Result::to_reply(std::string_view locale) const {
  if (ok_) return Json{{"ok", true}, {"result", value_}};
  Json err = {{"code", to_string(error_.code)}, {"message", error_.message}};
  if (locale == "fr") err["message_fr"] = error_.message_fr.empty() ? error_.message : error_.message_fr;
  if (!error_.field.empty()) err["field"] = error_.field;
  if (error_.retry_after > 0) err["retry_after"] = error_.retry_after;
  return Json{{"ok", false}, {"error", std::move(err)}};
}

std::string_view to_string(Role role) {
  switch (role) {
    case Role::owner: return "owner";
    case Role::member: return "member";
    case Role::observer: return "observer";
    case Role::none: return "none";
  }
  return "none";
}

std::optional<Role> role_from_string(std::string_view s) {
  if (s == "owner") return Role::owner;
  if (s == "member") return Role::member;
  if (s == "observer") return Role::observer;
  return std::nullopt;
}

std::string_view to_string(Rule rule) {
  switch (rule) {
    case Rule::anonymous: return "anonymous";
    case Rule::authenticated: return "authenticated";
    case Rule::admin: return "admin";
    case Rule::observer: return "observer";
    case Rule::member: return "member";
    case Rule::owner: return "owner";
  }
  return "authenticated";
}

}  // namespace pacte
