#include "net/http_session.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>

#include "core/logger.hpp"
#include "core/schema.hpp"
#include "core/tar_writer.hpp"
#include "core/workspace_export.hpp"
#include "net/websocket_session.hpp"

namespace pacte::net {

namespace {

std::string_view mime_type(const std::string& path) {
  auto ext = std::filesystem::path(path).extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".webmanifest") return "application/manifest+json";
  return "application/octet-stream";
}

bool origin_allowed(const ServerConfig& config, std::string_view origin) {
  for (auto& o : config.allowed_origins)
    if (origin == o) return true;
  return false;
}

}  // namespace

std::string cookie_value(std::string_view header, std::string_view name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == ';')) ++pos;
    std::size_t end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(pos, end - pos);
    std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    pos = end + 1;
  }
  return {};
}


std::string HttpSession::address() const {
  // Behind a reverse proxy, the client is the last address the proxy appended.
  if (state_.config.trust_forwarded_for) {
    std::string_view xff = req_["X-Forwarded-For"];
    if (!xff.empty()) {
      auto comma = xff.rfind(',');
      std::string_view last = comma == std::string_view::npos ? xff : xff.substr(comma + 1);
      while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
      if (!last.empty()) return std::string(last.substr(0, 64));
    }
  }
  return peer_address();
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->header_limit(8 * 1024);
  parser_->body_limit(std::max(state_.config.limits.max_http_body, state_.config.limits.max_attachment_bytes));
  // A client that sends its headers too slowly (slowloris) is cut off: the deadline covers
  // the whole request, however slowly it trickles in (limits.header_timeout_seconds).
  set_deadline(std::chrono::seconds(state_.config.limits.header_timeout_seconds));
  async_read_header();
}

void HttpSession::on_header(beast::error_code ec) {
  if (ec) {
    on_read(ec);
    return;
  }
  // Uploads have their own, larger size limit and more time; everything else keeps the
  // small API limit. The parser was opened with the larger of the two.
  bool upload = parser_->get().target().starts_with("/api/attachments.upload");
  std::size_t limit = upload ? state_.config.limits.max_attachment_bytes : state_.config.limits.max_http_body;
  if (parser_->content_length() && *parser_->content_length() > limit) {
    linger_ = true;
    on_read(http::error::body_limit);
    return;
  }
  parser_->body_limit(limit);  // still applies to chunked bodies
  if (upload && parser_->get().method() == http::verb::post) {
    authorize_upload();
    return;
  }
  async_read_rest();
}


void HttpSession::on_read(beast::error_code ec) {
  if (ec == http::error::end_of_stream) {
    shutdown();
    return;
  }
  if (ec == http::error::header_limit || ec == http::error::body_limit) {
    req_ = {};
    req_.version(11);
    req_.keep_alive(false);
    http::status st = ec == http::error::header_limit ? http::status::request_header_fields_too_large
                                                      : http::status::payload_too_large;
    respond_json(st, Result::fail(ErrorCode::too_large, "request too large", "requête trop grande").to_reply("fr"));
    return;
  }
  if (ec) return;
  req_ = parser_->release();
  state_.metrics.http_requests.fetch_add(1, std::memory_order_relaxed);
  handle();
}

void HttpSession::respond(http::response<http::string_body> res) {
  res.set(http::field::server, "pacte");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "same-origin");
  res.keep_alive(req_.keep_alive());
  if (req_.method() != http::verb::head) res.prepare_payload();
  auto sp = std::make_shared<http::response<http::string_body>>(std::move(res));
  set_deadline(std::chrono::seconds(30));
  async_write_response(std::move(sp));
}

void HttpSession::respond_json(http::status status, const Json& body, const std::string& set_cookie) {
  http::response<http::string_body> res{status, req_.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  if (!set_cookie.empty()) res.set(http::field::set_cookie, set_cookie);
  if (body.is_object() && body.contains("error") && body["error"].contains("retry_after"))
    res.set(http::field::retry_after, std::to_string(body["error"]["retry_after"].get<int>()));
  // Replace rather than throw on invalid UTF-8: an exception here would end the network
  // thread, and an answer may echo bytes of the request (tests/fuzz/session_fuzz).
  res.body() = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  respond(std::move(res));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec) {
  if (ec) return;
  if (!keep_alive) {
    shutdown();
    if (linger_) linger();
    return;
  }
  do_read();
}

void HttpSession::handle() {
  std::string target(req_.target());
  std::string path = target.substr(0, target.find('?'));
  if (websocket::is_upgrade(req_)) {
    if (path != "/ws") {
      respond_json(http::status::not_found, Result::fail(ErrorCode::not_found, "no such endpoint", "introuvable").to_reply("fr"));
      return;
    }
    handle_upgrade();
    return;
  }
  if (req_.method() == http::verb::get && path == "/healthz") {
    if (state_.stopping) {
      respond_json(http::status::service_unavailable, {{"status", "stopping"}});
      return;
    }
    // Healthy when the engine answers (it owns the database).
    auto self = shared_from_this();
    state_.engine.post([self](EngineContext& ctx) {
      ctx.sql("SELECT 1").step();
      Completion c;
      c.result = Result::ok();
      c.on_done = [self](Completion&) { self->respond_json(http::status::ok, {{"status", "ok"}}); };
      ctx.task_completions.push_back(std::move(c));
    });
    return;
  }
  if (req_.method() == http::verb::get && path == "/metrics") {
    http::response<http::string_body> res{http::status::ok, req_.version()};
    res.set(http::field::content_type, "text/plain; version=0.0.4");
    res.body() = state_.metrics.render();
    respond(std::move(res));
    return;
  }
  if (path == "/api/attachments.upload" && req_.method() == http::verb::post) {
    handle_upload();
    return;
  }
  if (path.rfind("/attachments/", 0) == 0 && (req_.method() == http::verb::get || req_.method() == http::verb::head)) {
    std::string rest = path.substr(13);
    std::int64_t id = 0;
    auto [ptr, err] = std::from_chars(rest.data(), rest.data() + rest.size(), id);
    // The name after the id is decorative (never a path), but a URL with dot segments is
    // not one the client makes: refused rather than quietly served as another file.
    if (err != std::errc() || id <= 0 || (ptr != rest.data() + rest.size() && *ptr != '/') ||
        rest.find("..") != std::string::npos) {
      respond_json(http::status::not_found, Result::fail(ErrorCode::not_found, "no such object", "introuvable").to_reply("fr"));
      return;
    }
    handle_download(id);
    return;
  }
  if (path.rfind("/export/", 0) == 0 && path.ends_with(".tar") && req_.method() == http::verb::get) {
    std::string id_text = path.substr(8, path.size() - 12);
    std::int64_t id = 0;
    auto [ptr, err] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (err != std::errc() || id <= 0 || ptr != id_text.data() + id_text.size()) {
      respond_json(http::status::not_found, Result::fail(ErrorCode::not_found, "no such object", "introuvable").to_reply("fr"));
      return;
    }
    handle_export(id);
    return;
  }
  if (path.rfind("/p/", 0) == 0 && (req_.method() == http::verb::get || req_.method() == http::verb::head)) {
    handle_resource(path);
    return;
  }
  if (path.rfind("/api/", 0) == 0) {
    if (req_.method() != http::verb::post) {
      http::response<http::string_body> res{http::status::method_not_allowed, req_.version()};
      res.set(http::field::allow, "POST");
      res.set(http::field::content_type, "application/json");
      res.body() = Result::fail(ErrorCode::bad_request, "use POST", "utilisez POST").to_reply("fr").dump();
      respond(std::move(res));
      return;
    }
    handle_api(path.substr(5));
    return;
  }
  if (req_.method() == http::verb::get || req_.method() == http::verb::head) {
    serve_static(req_);
    return;
  }
  respond_json(http::status::method_not_allowed, Result::fail(ErrorCode::bad_request, "method not allowed", "méthode refusée").to_reply("fr"));
}

void HttpSession::serve_static(const http::request<http::string_body>& req) {
  std::string target(req.target());
  std::string path = target.substr(0, target.find('?'));
  auto not_found = [&] {
    http::response<http::string_body> res{http::status::not_found, req.version()};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = "Not found\n";
    respond(std::move(res));
  };
  // No traversal: refuse dot-dot segments, backslashes, NUL and percent-encoding tricks.
  if (path.empty() || path[0] != '/' || path.find("..") != std::string::npos ||
      path.find('\\') != std::string::npos || path.find('%') != std::string::npos ||
      path.find('\0') != std::string::npos) {
    not_found();
    return;
  }
  std::filesystem::path root = state_.config.web_root;
  std::filesystem::path file = root / path.substr(1);
  std::error_code ec;
  if (path == "/" || std::filesystem::is_directory(file, ec)) file = root / "index.html";
  if (!std::filesystem::is_regular_file(file, ec)) {
    // Client-side routes (no extension) get the application; anything else is missing.
    if (std::filesystem::path(path).has_extension()) {
      not_found();
      return;
    }
    file = root / "index.html";
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    http::response<http::string_body> res{http::status::service_unavailable, req.version()};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = "The web client is not built (run the README's first command).\n";
    respond(std::move(res));
    return;
  }
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::content_type, mime_type(file.string()));
  // Vite's hashed assets never change; the page itself must be revalidated.
  if (path.rfind("/assets/", 0) == 0) res.set(http::field::cache_control, "public, max-age=31536000, immutable");
  else res.set(http::field::cache_control, "no-cache");
  if (file.extension() == ".html")
    res.set("Content-Security-Policy",
            "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'self'");
  if (req.method() == http::verb::head) {
    res.content_length(body.size());
  } else {
    res.body() = std::move(body);
  }
  respond(std::move(res));
}

void HttpSession::handle_api(const std::string& op) {
  std::string bearer;
  auto auth = req_[http::field::authorization];
  if (auth.starts_with("Bearer ")) bearer = std::string(auth.substr(7));
  std::string cookie = cookie_value(req_[http::field::cookie], "pacte_session");
  std::string origin(req_[http::field::origin]);
  std::string referer(req_[http::field::referer]);
  bool tls = state_.config.tls() || state_.config.public_url.rfind("https://", 0) == 0;

  auto body_json = [&](Json& out) -> bool {
    std::string_view body = req_.body();
    if (body.empty()) body = "{}";
    if (!json_depth_ok(body, state_.config.limits.max_json_depth)) {
      respond_json(http::status::bad_request, Result::fail(ErrorCode::bad_request, "JSON nested too deeply", "JSON trop imbriqué").to_reply("fr"));
      return false;
    }
    out = Json::parse(body, nullptr, false);
    if (out.is_discarded() || !out.is_object()) {
      respond_json(http::status::bad_request,
                   Result::fail(ErrorCode::bad_request, "the body must be a JSON object", "le corps doit être un objet JSON").to_reply("fr"));
      return false;
    }
    return true;
  };
  // Cross-site request forgery: a cookie-authenticated POST must come from our origin.
  auto same_origin = [&] {
    if (!origin.empty()) return origin_allowed(state_.config, origin);
    for (auto& o : state_.config.allowed_origins)
      if (referer.rfind(o + "/", 0) == 0) return true;
    return false;
  };
  auto self = shared_from_this();
  auto status_of = [](const Completion& c) {
    return c.result.is_ok() ? http::status::ok : static_cast<http::status>(http_status(c.result.error().code));
  };
  // The answer of a sign-in (login, or a password set from a link): the session cookie.
  CompletionHandler signed_in = [self, status_of, tls](Completion& c) {
    std::string cookie;
    if (c.result.is_ok())
      cookie = "pacte_session=" + c.extra["token"].get<std::string>() + "; HttpOnly; SameSite=Lax; Path=/; Max-Age=" +
               std::to_string(c.extra["max_age"].get<int>()) + (tls ? "; Secure" : "");
    self->respond_json(status_of(c), c.result.to_reply(c.locale), cookie);
  };

  if (op == "login") {
    if (!origin.empty() && !origin_allowed(state_.config, origin)) {
      respond_json(http::status::forbidden, Result::fail(ErrorCode::forbidden, "cross-origin sign-in refused", "connexion depuis une autre origine refusée").to_reply("fr"));
      return;
    }
    Json args;
    if (!body_json(args)) return;
    static const Json schema = {{"type", "object"}, {"additionalProperties", false}, {"required", {"email", "password"}},
                                {"properties", {{"email", {{"type", "string"}, {"minLength", 3}, {"maxLength", 254}}},
                                                {"password", {{"type", "string"}, {"minLength", 1}, {"maxLength", 1024}}}}}};
    if (auto err = validate_schema(schema, args)) {
      respond_json(static_cast<http::status>(http_status(err->code)), Result::fail(*err).to_reply("fr"));
      return;
    }
    state_.accounts.login(args["email"], args["password"], address(), std::string(req_[http::field::user_agent]),
                          signed_in);
    return;
  }

  // Setting a password from a one-time link (invitation or reset): anonymous, like login.
  if (op == "password.set") {
    if (!origin.empty() && !origin_allowed(state_.config, origin)) {
      respond_json(http::status::forbidden, Result::fail(ErrorCode::forbidden, "cross-origin request refused", "requête d'une autre origine refusée").to_reply("fr"));
      return;
    }
    Json args;
    if (!body_json(args)) return;
    static const Json schema = {{"type", "object"}, {"additionalProperties", false}, {"required", {"token", "password"}},
                                {"properties", {{"token", {{"type", "string"}, {"minLength", 10}, {"maxLength", 100}}},
                                                {"password", {{"type", "string"}, {"minLength", 1}, {"maxLength", 1024}}}}}};
    if (auto err = validate_schema(schema, args)) {
      respond_json(static_cast<http::status>(http_status(err->code)), Result::fail(*err).to_reply("fr"));
      return;
    }
    state_.accounts.accept_link(args["token"], args["password"], address(), std::string(req_[http::field::user_agent]),
                                signed_in);
    return;
  }

  Inbound req;
  if (!bearer.empty()) {
    req.credential = bearer;
  } else if (!cookie.empty()) {
    if (!same_origin()) {
      respond_json(http::status::forbidden,
                   Result::fail(ErrorCode::forbidden, "cross-site request refused (Origin not allowed)",
                                "requête d'un autre site refusée").to_reply("fr"));
      return;
    }
    req.credential = cookie;
  }
  if (op == "logout") {
    req.op = "session.logout";
    req.args = Json::object();
    req.on_done = [self, status_of](Completion& c) {
      self->respond_json(status_of(c), c.result.to_reply(c.locale),
                         "pacte_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
    };
    state_.engine.submit(std::move(req));
    return;
  }
  Json args;
  if (!body_json(args)) return;
  if (auto err = state_.dispatcher.validate(op, args)) {
    respond_json(static_cast<http::status>(http_status(err->code)), Result::fail(*err).to_reply("fr"));
    return;
  }
  req.op = op;
  req.args = std::move(args);
  req.client_id = std::string(req_["Idempotency-Key"]).substr(0, 64);
  req.caller.address = address();
  req.caller.user_agent = std::string(req_[http::field::user_agent]).substr(0, 300);
  req.on_done = [self, status_of](Completion& c) { self->respond_json(status_of(c), c.result.to_reply(c.locale)); };
  state_.engine.submit(std::move(req));
}

std::string HttpSession::credential() const {
  auto auth = req_[http::field::authorization];
  if (auth.starts_with("Bearer ")) return std::string(auth.substr(7));
  return cookie_value(req_[http::field::cookie], "pacte_session");
}

namespace {
std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}
std::string query_param(std::string_view target, std::string_view name) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return percent_decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}
/// RFC 5987 encoding of a file name for Content-Disposition.
std::string encode_filename(const std::string& name) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}
}  // namespace

// Issue 14: an upload used to be read whole (up to limits.max_attachment_bytes, for up to
// 300 s) before its credential was looked at, so anonymous clients could hold that much
// memory each. Now the headers decide: only a member's upload gets its body read.
// Attachments::upload checks the caller again when it stores the file.
void HttpSession::authorize_upload() {
  req_ = {};
  req_.base() = parser_->get().base();
  std::string cred = credential();
  if (cred.empty()) {
    refuse_unread(http::status::unauthorized, Result::fail(ErrorCode::unauthenticated, "sign in first", "connectez-vous d'abord").to_reply("fr"));
    return;
  }
  bool bearer = req_[http::field::authorization].starts_with("Bearer ");
  if (!bearer && !origin_allowed(state_.config, req_[http::field::origin])) {
    refuse_unread(http::status::forbidden, Result::fail(ErrorCode::forbidden, "cross-site request refused (Origin not allowed)",
                                                        "requête d'un autre site refusée").to_reply("fr"));
    return;
  }
  std::string ws_text = query_param(std::string(req_.target()), "workspace");
  std::int64_t workspace = 0;
  auto [ptr, err] = std::from_chars(ws_text.data(), ws_text.data() + ws_text.size(), workspace);
  if (err != std::errc() || ptr != ws_text.data() + ws_text.size()) workspace = 0;
  auto self = shared_from_this();
  state_.engine.post([self, cred, workspace](EngineContext& ctx) {
    Completion c;
    c.result = Result::ok();
    Caller caller;
    if (!self->state_.accounts.authenticate(ctx, cred, caller)) {
      c.result = Result::fail(ErrorCode::unauthenticated, "sign in first", "connectez-vous d'abord");
    } else if (workspace > 0) {
      // A malformed query is answered by handle_upload with its own message, after the body.
      Role role = ctx.role_of(caller.person, workspace);
      if (role == Role::none) c.result = Result::fail(ErrorCode::not_found, "no such object", "introuvable");
      else if (role < Role::member || caller.read_only)
        c.result = Result::fail(ErrorCode::forbidden, "your role does not allow uploads here",
                                "votre rôle ne permet pas de déposer un fichier ici");
    }
    c.locale = caller.locale.empty() ? "fr" : caller.locale;
    c.on_done = [self](Completion& done) {
      if (!done.result.is_ok()) {
        self->refuse_unread(static_cast<http::status>(http_status(done.result.error().code)), done.result.to_reply(done.locale));
        return;
      }
      self->set_deadline(std::chrono::seconds(300));  // an upload may take its time
      self->async_read_rest();
    };
    ctx.task_completions.push_back(std::move(c));
  });
}

void HttpSession::refuse_unread(http::status status, const Json& body) {
  req_.keep_alive(false);  // the body was not read: the connection cannot carry another request
  linger_ = true;
  respond_json(status, body);
}

void HttpSession::handle_upload() {
  std::string cred = credential();
  if (cred.empty()) {
    respond_json(http::status::unauthorized, Result::fail(ErrorCode::unauthenticated, "sign in first", "connectez-vous d'abord").to_reply("fr"));
    return;
  }
  bool bearer = req_[http::field::authorization].starts_with("Bearer ");
  if (!bearer && !origin_allowed(state_.config, req_[http::field::origin])) {
    respond_json(http::status::forbidden, Result::fail(ErrorCode::forbidden, "cross-site request refused (Origin not allowed)",
                                                       "requête d'un autre site refusée").to_reply("fr"));
    return;
  }
  std::string target(req_.target());
  std::string ws_text = query_param(target, "workspace");
  std::string name = query_param(target, "name");
  std::int64_t workspace = 0;
  auto [ptr, err] = std::from_chars(ws_text.data(), ws_text.data() + ws_text.size(), workspace);
  if (err != std::errc() || workspace <= 0 || ptr != ws_text.data() + ws_text.size() || name.empty()) {
    respond_json(http::status::bad_request,
                 Result::fail(ErrorCode::bad_request, "give ?workspace=<id>&name=<file name>", "indiquez ?workspace=<id>&name=<nom du fichier>",
                              "query").to_reply("fr"));
    return;
  }
  if (req_.body().empty()) {
    respond_json(http::status::bad_request, Result::fail(ErrorCode::bad_request, "the file is empty", "le fichier est vide").to_reply("fr"));
    return;
  }
  std::string type(req_[http::field::content_type]);
  auto self = shared_from_this();
  state_.attachments.upload(cred, workspace, name, type.empty() ? "application/octet-stream" : type, std::move(req_.body()),
                            [self](Completion& c) {
                              auto status = c.result.is_ok() ? http::status::ok : static_cast<http::status>(http_status(c.result.error().code));
                              self->respond_json(status, c.result.to_reply(c.locale));
                            });
}

void HttpSession::handle_download(std::int64_t id) {
  std::string cred = credential();
  if (cred.empty()) {
    respond_json(http::status::unauthorized, Result::fail(ErrorCode::unauthenticated, "sign in first", "connectez-vous d'abord").to_reply("fr"));
    return;
  }
  auto self = shared_from_this();
  state_.attachments.download(cred, id, [self](Completion& c) {
    if (!c.result.is_ok()) {
      self->respond_json(static_cast<http::status>(http_status(c.result.error().code)), c.result.to_reply(c.locale));
      return;
    }
    const Json& a = c.result.value()["attachment"];
    std::ifstream in(c.extra["path"].get<std::string>(), std::ios::binary);
    if (!in) {
      self->respond_json(http::status::service_unavailable,
                         Result::fail(ErrorCode::unavailable, "the file is missing on disk", "le fichier manque sur le disque").to_reply("fr"));
      return;
    }
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bool inline_ok = false;
    std::string type = Attachments::served_type(a["content_type"], inline_ok);
    http::response<http::string_body> res{http::status::ok, self->req_.version()};
    res.set(http::field::content_type, type);
    // Never rendered as a page of ours: a download, or an image in a sandbox.
    res.set(http::field::content_disposition,
            std::string(inline_ok ? "inline" : "attachment") + "; filename*=UTF-8''" + encode_filename(a["name"]));
    res.set("Content-Security-Policy", "sandbox; default-src 'none'");
    res.set(http::field::cache_control, "private, max-age=3600");
    res.set(http::field::etag, "\"" + a["sha256"].get<std::string>() + "\"");
    if (self->req_.method() == http::verb::head) res.content_length(body.size());
    else res.body() = std::move(body);
    self->respond(std::move(res));
  });
}

void HttpSession::handle_export(std::int64_t workspace) {
  std::string cred = credential();
  if (cred.empty()) {
    respond_json(http::status::unauthorized, Result::fail(ErrorCode::unauthenticated, "sign in first", "connectez-vous d'abord").to_reply("fr"));
    return;
  }
  auto self = shared_from_this();
  std::string dir = (state_.config.data_dir / "attachments").string();
  std::string address = this->address();
  state_.engine.post([self, cred, workspace, dir, address](EngineContext& ctx) {
    Completion c;
    Caller caller;
    auto files = std::make_shared<std::vector<WorkspaceExport::File>>();
    if (!self->state_.accounts.authenticate(ctx, cred, caller)) {
      c.result = Result::fail(ErrorCode::unauthenticated, "sign in first", "connectez-vous d'abord");
    } else {
      Role role = ctx.role_of(caller.person, workspace);
      if (role == Role::none) c.result = Result::fail(ErrorCode::not_found, "no such object", "introuvable");
      else if (role < Role::owner)
        c.result = Result::fail(ErrorCode::forbidden, "only an owner may export a workspace", "seul un responsable peut exporter l'espace");
      else {
        c.result = Result::ok(WorkspaceExport::collect(ctx, self->state_.dispatcher, workspace, dir, *files));
        Accounts::audit(ctx, caller.person, "workspace.export", "workspace:" + std::to_string(workspace), address);
      }
    }
    c.locale = caller.locale;
    c.on_done = [self, files, workspace](Completion& done) {
      if (!done.result.is_ok()) {
        self->respond_json(static_cast<http::status>(http_status(done.result.error().code)), done.result.to_reply(done.locale));
        return;
      }
      TarWriter tar;
      std::time_t now = std::time(nullptr);
      tar.add("workspace.json", done.result.value().dump(2), now);
      for (auto& f : *files) {
        std::ifstream in(f.path, std::ios::binary);
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        tar.add(f.archive_name, content, now);
      }
      http::response<http::string_body> res{http::status::ok, self->req_.version()};
      res.set(http::field::content_type, "application/x-tar");
      res.set(http::field::content_disposition,
              "attachment; filename=\"pacte-espace-" + std::to_string(workspace) + ".tar\"");
      res.set(http::field::cache_control, "no-store");
      res.body() = tar.finish();
      self->respond(std::move(res));
    };
    ctx.task_completions.push_back(std::move(c));
  });
}

// GET /p/<plugin>/<name>[/<rest>][?query]: a plugin's resource (Registrar::add_resource),
// run on the engine in its own savepoint, with the caller if the request carries a
// session cookie or a bearer token (anonymous otherwise: the handler decides).
void HttpSession::handle_resource(const std::string& path) {
  std::string_view p = std::string_view(path).substr(3);
  auto slash = p.find('/');
  std::string plugin(p.substr(0, slash));
  std::string name, rest;
  if (slash != std::string_view::npos) {
    std::string_view tail = p.substr(slash + 1);
    auto s2 = tail.find('/');
    name = std::string(tail.substr(0, s2));
    if (s2 != std::string_view::npos) rest = percent_decode(tail.substr(s2 + 1));
  }
  const ResourceHandler* handler = state_.dispatcher.resource(plugin, name);
  if (!handler) {
    respond_json(http::status::not_found, Result::fail(ErrorCode::not_found, "no such endpoint", "introuvable").to_reply("fr"));
    return;
  }
  std::map<std::string, std::string> query;
  std::string target(req_.target());
  if (auto q = target.find('?'); q != std::string::npos) {
    std::string_view qs = std::string_view(target).substr(q + 1);
    while (!qs.empty()) {
      auto amp = qs.find('&');
      std::string_view pair = qs.substr(0, amp);
      auto eq = pair.find('=');
      if (eq != std::string_view::npos) query[percent_decode(pair.substr(0, eq))] = percent_decode(pair.substr(eq + 1));
      else if (!pair.empty()) query[percent_decode(pair)] = "";
      if (amp == std::string_view::npos) break;
      qs.remove_prefix(amp + 1);
    }
  }
  auto self = shared_from_this();
  std::string cred = credential();
  std::string address = this->address();
  std::string ua(req_[http::field::user_agent]);
  auto out = std::make_shared<Resource>();
  state_.engine.post([self, cred, address, ua, handler, rest, query, out](EngineContext& ctx) {
    Completion c;
    Caller caller;
    caller.address = address;
    caller.user_agent = ua;
    if (!cred.empty() && !self->state_.accounts.authenticate(ctx, cred, caller)) caller = Caller{};
    caller.address = address;
    caller.user_agent = ua;
    ResourceRequest request{caller, rest, query};
    ctx.exec("SAVEPOINT res");
    try {
      ctx.set_author(caller.person);
      ctx.caller = &caller;
      c.result = (*handler)(ctx, request, *out);
      ctx.caller = nullptr;
      ctx.set_author(0);
      ctx.exec(c.result.is_ok() ? "RELEASE res" : "ROLLBACK TO res; RELEASE res");
    } catch (const std::exception& e) {
      ctx.caller = nullptr;
      ctx.set_author(0);
      ctx.exec("ROLLBACK TO res; RELEASE res");
      log_error("resource.failed", {{"error", e.what()}});
      c.result = Result::fail(ErrorCode::unavailable, "internal error", "erreur interne");
    }
    c.locale = caller.locale;
    c.on_done = [self, out](Completion& done) {
      if (!done.result.is_ok()) {
        self->respond_json(static_cast<http::status>(http_status(done.result.error().code)), done.result.to_reply(done.locale));
        return;
      }
      http::response<http::string_body> res{http::status::ok, self->req_.version()};
      res.set(http::field::content_type, out->content_type);
      if (!out->filename.empty())
        res.set(http::field::content_disposition, "attachment; filename*=UTF-8''" + encode_filename(out->filename));
      res.set(http::field::cache_control, out->cacheable ? "private, max-age=60" : "no-store");
      // Printable pages are static documents: inline styles, no script, nothing fetched.
      if (out->content_type.rfind("text/html", 0) == 0)
        res.set("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'");
      res.body() = std::move(out->body);
      self->respond(std::move(res));
    };
    ctx.task_completions.push_back(std::move(c));
  });
}

void HttpSession::handle_upgrade() {
  std::string bearer;
  auto auth = req_[http::field::authorization];
  if (auth.starts_with("Bearer ")) bearer = std::string(auth.substr(7));
  std::string cookie = cookie_value(req_[http::field::cookie], "pacte_session");
  std::string credential = bearer.empty() ? cookie : bearer;
  if (credential.empty()) {
    respond_json(http::status::unauthorized, Result::fail(ErrorCode::unauthenticated, "sign in first", "connectez-vous d'abord").to_reply("fr"));
    return;
  }
  if (bearer.empty() && !origin_allowed(state_.config, req_[http::field::origin])) {
    respond_json(http::status::forbidden, Result::fail(ErrorCode::forbidden, "Origin not allowed", "origine non autorisée").to_reply("fr"));
    return;
  }
  auto self = shared_from_this();
  std::string addr = address();
  std::string ua = std::string(req_[http::field::user_agent]).substr(0, 300);
  state_.engine.post([self, credential, addr, ua](EngineContext& ctx) {
    Completion c;
    c.caller.address = addr;
    c.caller.user_agent = ua;
    bool ok = self->state_.accounts.authenticate(ctx, credential, c.caller);
    c.result = ok ? Result::ok() : Result::fail(ErrorCode::unauthenticated, "session expired or unknown", "session expirée ou inconnue");
    c.on_done = [self](Completion& done) {
      auto& st = self->state_;
      if (!done.result.is_ok()) {
        self->respond_json(http::status::unauthorized, done.result.to_reply("fr"));
        return;
      }
      if (st.stopping) {
        self->respond_json(http::status::service_unavailable, Result::fail(ErrorCode::unavailable, "shutting down", "arrêt en cours").to_reply("fr"));
        return;
      }
      if (st.sockets_of(done.caller.person) >= st.config.limits.max_sockets_per_person) {
        self->respond_json(http::status::too_many_requests,
                           Result::fail(Error{ErrorCode::rate_limited, "too many open connections for this person",
                                              "trop de connexions ouvertes", "", 10}).to_reply("fr"));
        return;
      }
      self->into_websocket(done.caller)->run(std::move(self->req_));
    };
    ctx.task_completions.push_back(std::move(c));
  });
}

// --- I/O over a concrete stream ---------------------------------------------------------

template <>
void HttpStreamSession<beast::tcp_stream>::run() {
  asio::dispatch(stream_.get_executor(), [self = self()] { self->do_read(); });
}

template <>
void HttpStreamSession<TlsStream>::run() {
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(15));
  stream_.async_handshake(ssl::stream_base::server, [self = self()](beast::error_code ec) {
    if (!ec) self->do_read();
  });
}

template <class Stream>
void HttpStreamSession<Stream>::async_read_header() {
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = self()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

template <class Stream>
void HttpStreamSession<Stream>::async_read_rest() {
  http::async_read(stream_, buffer_, *parser_, [self = self()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

template <class Stream>
void HttpStreamSession<Stream>::async_write_response(std::shared_ptr<http::response<http::string_body>> res) {
  http::async_write(stream_, *res, [self = self(), res](beast::error_code ec, std::size_t) {
    self->on_write(res->keep_alive(), ec);
  });
}

template <>
void HttpStreamSession<beast::tcp_stream>::shutdown() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

template <>
void HttpStreamSession<TlsStream>::shutdown() {
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
  stream_.async_shutdown([self = self()](beast::error_code) {});
}

template <>
void HttpStreamSession<beast::tcp_stream>::linger() {
  stream_.expires_after(std::chrono::seconds(state_.config.limits.header_timeout_seconds));
  stream_.async_read_some(asio::buffer(discard_), [self = self()](beast::error_code ec, std::size_t) {
    if (!ec) self->linger();
  });
}

template <>
void HttpStreamSession<TlsStream>::linger() {
  // The TLS close_notify exchange started by shutdown() ends the connection instead.
}

template <class Stream>
void HttpStreamSession<Stream>::set_deadline(std::chrono::seconds seconds) {
  beast::get_lowest_layer(stream_).expires_after(seconds);
}

template <class Stream>
std::string HttpStreamSession<Stream>::peer_address() const {
  beast::error_code ec;
  auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
  return ec ? std::string() : ep.address().to_string();
}

template <class Stream>
std::shared_ptr<WebsocketSession> HttpStreamSession<Stream>::into_websocket(Caller caller) {
  beast::get_lowest_layer(stream_).expires_never();
  return std::make_shared<WebsocketStreamSession<Stream>>(std::move(stream_), state_, std::move(caller));
}

template class HttpStreamSession<beast::tcp_stream>;
template class HttpStreamSession<TlsStream>;

}  // namespace pacte::net
