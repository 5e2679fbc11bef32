#include "core/server_config.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

namespace pacte {

namespace {

using Json = nlohmann::json;

struct Reader {
  const std::string file;
  const Json& root;

  [[noreturn]] void fail(const std::string& field, const std::string& expected) const {
    throw ConfigError(file + ": field '" + field + "': " + expected);
  }
  const Json* get(const Json& obj, const std::string& key) const {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }
  std::string str(const Json& obj, const std::string& key, const std::string& path, std::string dflt) const {
    auto v = get(obj, key);
    if (!v) return dflt;
    if (!v->is_string()) fail(path + key, "expected a string");
    return v->get<std::string>();
  }
  std::int64_t integer(const Json& obj, const std::string& key, const std::string& path,
                       std::int64_t dflt, std::int64_t lo, std::int64_t hi) const {
    auto v = get(obj, key);
    if (!v) return dflt;
    if (!v->is_number_integer()) fail(path + key, "expected an integer");
    auto n = v->get<std::int64_t>();
    if (n < lo || n > hi)
      fail(path + key, "expected an integer between " + std::to_string(lo) + " and " + std::to_string(hi));
    return n;
  }
  double number(const Json& obj, const std::string& key, const std::string& path, double dflt) const {
    auto v = get(obj, key);
    if (!v) return dflt;
    if (!v->is_number() || v->get<double>() <= 0) fail(path + key, "expected a positive number");
    return v->get<double>();
  }
  std::vector<std::string> strings(const Json& obj, const std::string& key, const std::string& path) const {
    std::vector<std::string> out;
    auto v = get(obj, key);
    if (!v) return out;
    if (!v->is_array()) fail(path + key, "expected an array of strings");
    for (auto& s : *v) {
      if (!s.is_string()) fail(path + key, "expected an array of strings");
      out.push_back(s.get<std::string>());
    }
    return out;
  }
  void known(const Json& obj, const std::set<std::string>& keys, const std::string& path) const {
    for (auto& [k, _] : obj.items())
      if (!keys.count(k)) fail(path + k, "unknown setting (check its spelling)");
  }
};

}  // namespace

void ServerConfig::set_listen(const std::string& addr, const std::string& where) {
  auto colon = addr.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw ConfigError(where + ": expected ADDRESS:PORT such as 127.0.0.1:8080, got '" + addr + "'");
  listen_address = addr.substr(0, colon);
  try {
    std::size_t used = 0;
    int port = std::stoi(addr.substr(colon + 1), &used);
    if (used != addr.size() - colon - 1 || port < 0 || port > 65535) throw std::out_of_range("port");
    listen_port = static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
    throw ConfigError(where + ": the port must be a number from 0 to 65535, got '" + addr + "'");
  }
}

ServerConfig ServerConfig::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw ConfigError(file.string() + ": cannot read the file");
  Json root;
  try {
    root = Json::parse(in);
  } catch (const Json::parse_error& e) {
    throw ConfigError(file.string() + ": not valid JSON: " + e.what());
  }
  if (!root.is_object()) throw ConfigError(file.string() + ": expected a JSON object");
  Reader r{file.string(), root};
  r.known(root, {"listen", "data_dir", "web_root", "allowed_origins", "public_url", "log_level",
                 "store", "limits", "sessions", "retention", "email", "tls", "plugins", "pacts", "trust_forwarded_for", "password_workers", "$comment"}, "");

  ServerConfig c;
  c.file = file;
  c.base_dir = std::filesystem::absolute(file).parent_path().parent_path();  // repo root for config/x.json
  c.set_listen(r.str(root, "listen", "", "127.0.0.1:8080"), file.string() + ": field 'listen'");
  c.data_dir = r.str(root, "data_dir", "", "data");
  c.web_root = r.str(root, "web_root", "", "web-client/dist");
  c.allowed_origins = r.strings(root, "allowed_origins", "");
  c.public_url = r.str(root, "public_url", "", "http://127.0.0.1:8080");
  c.log_level = r.str(root, "log_level", "", "info");
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" && c.log_level != "error")
    r.fail("log_level", "expected one of debug, info, warn, error");
  if (auto s = r.get(root, "store")) {
    if (!s->is_object()) r.fail("store", "expected an object");
    r.known(*s, {"synchronous"}, "store.");
    c.synchronous = r.str(*s, "synchronous", "store.", "full");
    if (c.synchronous != "full" && c.synchronous != "normal" && c.synchronous != "extra" && c.synchronous != "off")
      r.fail("store.synchronous", "expected one of full, normal, extra, off");
  }
  if (auto l = r.get(root, "limits")) {
    if (!l->is_object()) r.fail("limits", "expected an object");
    r.known(*l,
            {"max_frame_bytes", "max_json_depth", "send_queue_max", "requests_per_second",
             "request_burst", "idle_timeout_seconds", "replay_window", "idempotency_hours",
             "max_sockets_per_person", "max_http_body", "max_attachment_bytes",
             "login_failures_per_account", "login_failures_per_address", "login_window_seconds",
             "header_timeout_seconds", "password_queue_max"},
            "limits.");
    auto& L = c.limits;
    L.max_frame_bytes = static_cast<std::size_t>(r.integer(*l, "max_frame_bytes", "limits.", 65536, 1024, 16 << 20));
    L.max_json_depth = static_cast<int>(r.integer(*l, "max_json_depth", "limits.", 32, 2, 256));
    L.send_queue_max = static_cast<std::size_t>(r.integer(*l, "send_queue_max", "limits.", 1024, 8, 1 << 20));
    L.requests_per_second = r.number(*l, "requests_per_second", "limits.", 50);
    L.request_burst = r.number(*l, "request_burst", "limits.", 100);
    L.idle_timeout_seconds = static_cast<int>(r.integer(*l, "idle_timeout_seconds", "limits.", 60, 5, 86400));
    L.replay_window = static_cast<int>(r.integer(*l, "replay_window", "limits.", 10000, 10, 10000000));
    L.idempotency_hours = static_cast<int>(r.integer(*l, "idempotency_hours", "limits.", 48, 1, 24 * 365));
    L.max_sockets_per_person = static_cast<int>(r.integer(*l, "max_sockets_per_person", "limits.", 20, 1, 1000000));
    L.max_http_body = static_cast<std::size_t>(r.integer(*l, "max_http_body", "limits.", 1 << 20, 1024, 1 << 30));
    L.max_attachment_bytes = static_cast<std::size_t>(r.integer(*l, "max_attachment_bytes", "limits.", 10 << 20, 1024, 1LL << 31));
    L.login_failures_per_account = static_cast<int>(r.integer(*l, "login_failures_per_account", "limits.", 5, 1, 1000000));
    L.login_failures_per_address = static_cast<int>(r.integer(*l, "login_failures_per_address", "limits.", 50, 1, 1000000));
    L.login_window_seconds = static_cast<int>(r.integer(*l, "login_window_seconds", "limits.", 900, 1, 86400));
    L.header_timeout_seconds = static_cast<int>(r.integer(*l, "header_timeout_seconds", "limits.", 15, 1, 3600));
    L.password_queue_max =
        static_cast<std::size_t>(r.integer(*l, "password_queue_max", "limits.", 256, 1, 65536));
  }
  if (auto s = r.get(root, "sessions")) {
    if (!s->is_object()) r.fail("sessions", "expected an object");
    r.known(*s, {"idle_hours", "absolute_days"}, "sessions.");
    c.session_idle_hours = static_cast<int>(r.integer(*s, "idle_hours", "sessions.", 24 * 7, 1, 24 * 365));
    c.session_absolute_days = static_cast<int>(r.integer(*s, "absolute_days", "sessions.", 30, 1, 3650));
  }
  if (auto t = r.get(root, "retention")) {
    if (!t->is_object()) r.fail("retention", "expected an object");
    r.known(*t, {"addresses_days", "audit_days", "emails_days", "notifications_days"}, "retention.");
    c.retention.emails_days = static_cast<int>(r.integer(*t, "emails_days", "retention.", 30, 1, 3650));
    c.retention.notifications_days = static_cast<int>(r.integer(*t, "notifications_days", "retention.", 365, 1, 36500));
    c.retention.addresses_days = static_cast<int>(r.integer(*t, "addresses_days", "retention.", 90, 1, 3650));
    c.retention.audit_days = static_cast<int>(r.integer(*t, "audit_days", "retention.", 730, 1, 36500));
  }
  if (auto e = r.get(root, "email")) {
    if (!e->is_object()) r.fail("email", "expected an object");
    r.known(*e, {"url", "tls", "username", "password", "password_file", "from", "timeout_seconds", "max_attempts",
                 "digest_hour", "$comment"}, "email.");
    auto& E = c.email;
    E.url = r.str(*e, "url", "email.", "");
    if (!E.url.empty() && E.url.rfind("smtp://", 0) != 0 && E.url.rfind("smtps://", 0) != 0)
      r.fail("email.url", "expected smtp://host:port or smtps://host:port");
    E.tls = r.str(*e, "tls", "email.", "starttls");
    if (E.tls != "starttls" && E.tls != "opportunistic" && E.tls != "none")
      r.fail("email.tls", "expected one of starttls, opportunistic, none");
    E.username = r.str(*e, "username", "email.", "");
    E.password = r.str(*e, "password", "email.", "");
    if (auto pf = r.str(*e, "password_file", "email.", ""); !pf.empty()) {
      std::ifstream pin(pf);
      if (!pin) r.fail("email.password_file", "cannot read '" + pf + "'");
      std::getline(pin, E.password);
    }
    E.from = r.str(*e, "from", "email.", "Pacte <pacte@localhost>");
    if (E.from.find('@') == std::string::npos) r.fail("email.from", "expected an address such as Pacte <pacte@example.org>");
    E.timeout_seconds = static_cast<int>(r.integer(*e, "timeout_seconds", "email.", 30, 1, 600));
    E.max_attempts = static_cast<int>(r.integer(*e, "max_attempts", "email.", 10, 1, 100));
    E.digest_hour = static_cast<int>(r.integer(*e, "digest_hour", "email.", 8, 0, 23));
  }
  if (auto t = r.get(root, "tls")) {
    if (!t->is_object()) r.fail("tls", "expected an object");
    r.known(*t, {"certificate", "private_key"}, "tls.");
    c.tls_certificate = r.str(*t, "certificate", "tls.", "");
    c.tls_private_key = r.str(*t, "private_key", "tls.", "");
    if (c.tls_certificate.empty() != c.tls_private_key.empty())
      r.fail("tls", "set both certificate and private_key, or neither");
  }
  c.plugins = r.strings(root, "plugins", "");
  for (auto& p : r.strings(root, "pacts", "")) c.pacts.emplace_back(p);
  if (auto d = r.get(root, "trust_forwarded_for")) {
    if (!d->is_boolean()) r.fail("trust_forwarded_for", "expected true or false");
    c.trust_forwarded_for = d->get<bool>();
  }
  c.password_workers = static_cast<int>(r.integer(root, "password_workers", "", 2, 1, 64));
  if (c.allowed_origins.empty()) c.allowed_origins.push_back(c.public_url);
  for (auto& o : c.allowed_origins)
    if (o.rfind("http://", 0) != 0 && o.rfind("https://", 0) != 0)
      r.fail("allowed_origins", "each origin must start with http:// or https:// (got '" + o + "')");
  return c;
}

}  // namespace pacte
