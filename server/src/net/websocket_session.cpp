#include "net/websocket_session.hpp"

#include "core/logger.hpp"

namespace pacte::net {

WebsocketSession::WebsocketSession(SharedState& state, Caller caller)
    : state_(state), caller_(std::move(caller)),
      tokens_(state.config.limits.request_burst), last_refill_(std::chrono::steady_clock::now()) {}

WebsocketSession::~WebsocketSession() {
  if (joined_) {
    state_.leave(this);
    state_.metrics.connections.fetch_sub(1, std::memory_order_relaxed);
  }
}

void WebsocketSession::on_accept(beast::error_code ec) {
  if (ec) return;
  joined_ = true;
  state_.join(this);
  state_.metrics.connections.fetch_add(1, std::memory_order_relaxed);
  state_.metrics.connections_total.fetch_add(1, std::memory_order_relaxed);
  Json hello = {{"event", "hello"},
                {"data", {{"person", {{"id", caller_.person}, {"name", caller_.name}, {"locale", caller_.locale}}},
                          {"server_time", format_time(state_.engine.clock().now())},
                          {"protocol", 1}}}};
  send(std::make_shared<const std::string>(hello.dump()));
  do_read();
}

void WebsocketSession::on_read(beast::error_code ec, bool is_text) {
  if (ec) {
    // Beast already answered protocol violations (1009 too big, 1007 bad UTF-8).
    if (ec != websocket::error::closed && ec != asio::error::operation_aborted)
      log_debug("ws.read_error", {{"error", ec.message()}});
    return;
  }
  state_.metrics.frames_in.fetch_add(1, std::memory_order_relaxed);
  if (!is_text) {
    close(static_cast<std::uint16_t>(websocket::close_code::unknown_data), "text frames only");
    return;
  }
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  if (!closing_) handle_text(text);
  if (!closing_) do_read();
}

bool WebsocketSession::take_token() {
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - last_refill_).count();
  last_refill_ = now;
  tokens_ = std::min(state_.config.limits.request_burst, tokens_ + elapsed * state_.config.limits.requests_per_second);
  // A client that let its bucket fill up again has slowed down: its refusals are forgiven.
  if (tokens_ >= state_.config.limits.request_burst) refused_in_row_ = 0;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

void WebsocketSession::reply_error(const std::string& id, const Error& e) {
  Json reply = Result::fail(e).to_reply(caller_.locale);
  reply["id"] = id.empty() ? Json(nullptr) : Json(id);
  send(std::make_shared<const std::string>(reply.dump()));
}

void WebsocketSession::handle_text(const std::string& text) {
  bool allowed = take_token();
  // A client flooding far past its limit is cut off; others are unaffected. Refusals are
  // counted until the bucket is full again, not until the next accepted request: a steady
  // flood faster than the refill gets one request through now and then, and must still be
  // cut (issue 14: counting "in a row" let such a flood go on for ever).
  if (!allowed && ++refused_in_row_ > static_cast<int>(state_.config.limits.request_burst) * 10) {
    close(static_cast<std::uint16_t>(websocket::close_code::policy_error), "too many requests");
    return;
  }
  if (!json_depth_ok(text, state_.config.limits.max_json_depth)) {
    reply_error("", Error{ErrorCode::bad_request, "JSON nested too deeply", "JSON trop imbriqué", "", 0});
    return;
  }
  Json msg = Json::parse(text, nullptr, false);
  if (msg.is_discarded() || !msg.is_object()) {
    reply_error("", Error{ErrorCode::bad_request, "expected a JSON object {id, op, args}",
                          "objet JSON {id, op, args} attendu", "", 0});
    return;
  }
  std::string id;
  if (auto it = msg.find("id"); it != msg.end()) {
    if (!it->is_string() || it->get_ref<const std::string&>().empty() || it->get_ref<const std::string&>().size() > 64) {
      reply_error("", Error{ErrorCode::bad_request, "id: must be a string of 1 to 64 characters",
                            "id : chaîne de 1 à 64 caractères attendue", "id", 0});
      return;
    }
    id = it->get<std::string>();
  } else {
    reply_error("", Error{ErrorCode::bad_request, "id: is required", "id : obligatoire", "id", 0});
    return;
  }
  if (!allowed) {
    reply_error(id, Error{ErrorCode::rate_limited, "too many requests; slow down", "trop de requêtes ; ralentissez", "", 1});
    return;
  }
  auto op_it = msg.find("op");
  if (op_it == msg.end() || !op_it->is_string()) {
    reply_error(id, Error{ErrorCode::bad_request, "op: must be a string", "op : chaîne attendue", "op", 0});
    return;
  }
  std::string op = op_it->get<std::string>();
  Json args = msg.value("args", Json::object());
  if (auto err = state_.dispatcher.validate(op, args)) {
    reply_error(id, *err);
    return;
  }
  // Ephemeral: typing is relayed by the network thread, never stored.
  if (op == "chat.typing") {
    std::int64_t ws = args["workspace"].get<std::int64_t>();
    auto sub = subs_.find(ws);
    if (sub == subs_.end()) {
      reply_error(id, Error{ErrorCode::not_found, "no such object", "introuvable", "", 0});
      return;
    }
    if (sub->second.role < Role::member) {
      reply_error(id, Error{ErrorCode::forbidden, "observers cannot type here", "lecture seule", "", 0});
      return;
    }
    auto now = std::chrono::steady_clock::now();
    if (now - last_typing_ > std::chrono::seconds(1)) {
      last_typing_ = now;
      Json frame = {{"event", "chat.typing"}, {"workspace", ws},
                    {"data", {{"workspace", ws}, {"thread", args["thread"]}, {"person", caller_.person}, {"name", caller_.name}}}};
      state_.relay(ws, std::make_shared<const std::string>(frame.dump()), this);
    }
    Json reply = {{"id", id}, {"ok", true}, {"result", Json::object()}};
    send(std::make_shared<const std::string>(reply.dump()));
    return;
  }
  Inbound req;
  req.client_id = id;
  req.op = op;
  req.args = std::move(args);
  req.caller = caller_;
  std::weak_ptr<WebsocketSession> weak = shared_from_this();
  bool is_sync = op == "sync.subscribe";
  std::string new_locale = op == "session.set_locale" ? req.args.value("locale", "") : "";
  req.on_done = [weak, id, is_sync, new_locale, this_state = &state_](Completion& c) {
    auto self = weak.lock();
    if (!self) return;
    // The connection speaks the new language from now on (replies, localised lists).
    if (!new_locale.empty() && c.result.is_ok()) self->caller_.locale = new_locale;
    for (auto& f : c.before_reply) self->send(f);
    if (is_sync && c.result.is_ok()) {
      self->synced = true;
      for (auto& n : c.subscriptions) this_state->subscribe(self.get(), n.workspace, n.seq, n.role);
      if (c.personal_seq >= 0) self->personal_from = c.personal_seq;
    }
    Json reply = c.result.to_reply(self->caller_.locale);
    reply["id"] = id;
    self->send(std::make_shared<const std::string>(reply.dump()));
  };
  state_.engine.submit(std::move(req));
}

void WebsocketSession::send(std::shared_ptr<const std::string> frame) {
  if (closing_) return;
  if (queue_.size() >= state_.config.limits.send_queue_max) {
    state_.metrics.slow_consumers_closed.fetch_add(1, std::memory_order_relaxed);
    log_info("ws.slow_consumer_closed", {{"person", caller_.person}});
    // Drop what is queued, but keep the frame being written alive until its write ends.
    while (queue_.size() > (writing_ ? 1u : 0u)) queue_.pop_back();
    close(4008, "slow consumer");
    return;
  }
  queue_.push_back(std::move(frame));
  if (!writing_) write_next();
}

void WebsocketSession::write_next() {
  writing_ = true;
  do_write(*queue_.front());
}

void WebsocketSession::on_write(beast::error_code ec) {
  writing_ = false;
  if (ec) {
    queue_.clear();
    closing_ = true;
    return;
  }
  state_.metrics.frames_out.fetch_add(1, std::memory_order_relaxed);
  if (!queue_.empty()) queue_.pop_front();
  if (!queue_.empty()) {
    write_next();
  } else if (closing_) {
    close(0, "");  // finish a close requested while writing
  }
}

void WebsocketSession::close(std::uint16_t code, const std::string& reason) {
  if (code != 0) {
    if (closing_) return;  // already closing
    closing_ = true;
    pending_close_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (joined_) {
      // Stop receiving events at once.
      std::vector<std::int64_t> workspaces;
      for (auto& [ws, _] : subs_) workspaces.push_back(ws);
      for (auto ws : workspaces) state_.unsubscribe(this, ws);
      personal_from = -1;
    }
  }
  if (writing_ || !pending_close_) return;  // on_write calls close(0) when the write ends
  websocket::close_reason cr = *pending_close_;
  pending_close_.reset();
  do_close(cr);
}

// --- I/O over a concrete stream ---------------------------------------------------------

template <class Stream>
void WebsocketStreamSession<Stream>::run(http::request<http::string_body> request) {
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = std::chrono::seconds(30);
  timeout.idle_timeout = std::chrono::seconds(state_.config.limits.idle_timeout_seconds);
  timeout.keep_alive_pings = true;
  ws_.set_option(timeout);
  ws_.read_message_max(state_.config.limits.max_frame_bytes);
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(http::field::server, "pacte");
  }));
  ws_.async_accept(request, [self = self()](beast::error_code ec) { self->on_accept(ec); });
}

template <class Stream>
void WebsocketStreamSession<Stream>::do_read() {
  ws_.async_read(buffer_, [self = self()](beast::error_code ec, std::size_t) { self->on_read(ec, self->ws_.got_text()); });
}

template <class Stream>
void WebsocketStreamSession<Stream>::do_write(const std::string& frame) {
  ws_.text(true);
  ws_.async_write(asio::buffer(frame), [self = self()](beast::error_code ec, std::size_t) { self->on_write(ec); });
}

template <class Stream>
void WebsocketStreamSession<Stream>::do_close(const websocket::close_reason& reason) {
  ws_.async_close(reason, [self = self()](beast::error_code) {});
}

template class WebsocketStreamSession<beast::tcp_stream>;
template class WebsocketStreamSession<TlsStream>;

}  // namespace pacte::net
