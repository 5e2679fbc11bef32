#include "net/shared_state.hpp"

#include "net/websocket_session.hpp"

namespace pacte::net {

bool json_depth_ok(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

SharedState::~SharedState() {
  for (auto* s : sessions_) s->detach();
}

void SharedState::join(WebsocketSession* s) {
  sessions_.insert(s);
  by_person_[s->caller().person].insert(s);
}

void SharedState::leave(WebsocketSession* s) {
  sessions_.erase(s);
  auto it = by_person_.find(s->caller().person);
  if (it != by_person_.end()) {
    it->second.erase(s);
    if (it->second.empty()) by_person_.erase(it);
  }
  std::vector<std::int64_t> workspaces;
  for (auto& [ws, _] : s->subscriptions()) workspaces.push_back(ws);
  for (auto ws : workspaces) unsubscribe(s, ws);
}

int SharedState::sockets_of(std::int64_t person) const {
  auto it = by_person_.find(person);
  return it == by_person_.end() ? 0 : static_cast<int>(it->second.size());
}

void SharedState::subscribe(WebsocketSession* s, std::int64_t workspace, std::int64_t from, Role role) {
  auto& subs = s->subscriptions();
  auto it = subs.find(workspace);
  if (it != subs.end()) {
    it->second.role = role;
    if (from >= 0) it->second.from = std::max(it->second.from, from);
    return;
  }
  if (from < 0) return;  // a role change for a workspace this session does not follow
  subs[workspace] = {from, role};
  auto& set = by_workspace_[workspace];
  // Presence changes when this person's first session arrives.
  bool first = true;
  for (auto* other : set)
    if (other->caller().person == s->caller().person) first = false;
  set.insert(s);
  if (first) broadcast_presence(workspace);
}

void SharedState::unsubscribe(WebsocketSession* s, std::int64_t workspace) {
  s->subscriptions().erase(workspace);
  auto it = by_workspace_.find(workspace);
  if (it == by_workspace_.end()) return;
  it->second.erase(s);
  bool still = false;
  for (auto* other : it->second)
    if (other->caller().person == s->caller().person) still = true;
  if (it->second.empty()) {
    by_workspace_.erase(it);
    return;
  }
  if (!still) broadcast_presence(workspace);
}

void SharedState::broadcast_presence(std::int64_t workspace) {
  auto it = by_workspace_.find(workspace);
  if (it == by_workspace_.end()) return;
  std::set<std::int64_t> online;
  for (auto* s : it->second) online.insert(s->caller().person);
  Json frame = {{"event", "presence.changed"}, {"workspace", workspace}, {"data", {{"workspace", workspace}, {"online", online}}}};
  auto shared = std::make_shared<const std::string>(frame.dump());
  for (auto* s : std::vector<WebsocketSession*>(it->second.begin(), it->second.end())) s->send(shared);
}

void SharedState::relay(std::int64_t workspace, const std::shared_ptr<const std::string>& frame,
                        WebsocketSession* except) {
  auto it = by_workspace_.find(workspace);
  if (it == by_workspace_.end()) return;
  for (auto* s : std::vector<WebsocketSession*>(it->second.begin(), it->second.end()))
    if (s != except) s->send(frame);
}

std::vector<std::int64_t> SharedState::live_sessions() const {
  std::set<std::int64_t> ids;
  for (auto* s : sessions_)
    if (s->caller().session) ids.insert(s->caller().session);
  return {ids.begin(), ids.end()};
}

void SharedState::close_all(std::uint16_t code, const std::string& reason) {
  for (auto* s : std::vector<WebsocketSession*>(sessions_.begin(), sessions_.end())) s->close(code, reason);
}

void SharedState::apply(Batch& batch) {
  for (auto& c : batch.completions)
    if (c.on_done) c.on_done(c);
  for (auto& out : batch.outputs) {
    if (auto* e = std::get_if<EventOut>(&out)) {
      if (e->workspace) {
        auto it = by_workspace_.find(e->workspace);
        if (it == by_workspace_.end()) continue;
        // Copy: a send may close a slow session, which unsubscribes it.
        for (auto* s : std::vector<WebsocketSession*>(it->second.begin(), it->second.end())) {
          auto sub = s->subscriptions().find(e->workspace);
          if (sub == s->subscriptions().end()) continue;
          if (e->seq == 0) {  // transient (Context::broadcast): no sequence to advance
            s->send(e->frame);
            continue;
          }
          if (e->seq <= sub->second.from) continue;
          sub->second.from = e->seq;
          s->send(e->frame);
        }
      } else {
        auto it = by_person_.find(e->person);
        if (it == by_person_.end()) continue;
        for (auto* s : std::vector<WebsocketSession*>(it->second.begin(), it->second.end())) {
          if (s->personal_from < 0 || e->seq <= s->personal_from) continue;
          s->personal_from = e->seq;
          s->send(e->frame);
        }
      }
      continue;
    }
    auto& n = std::get<Notice>(out);
    auto it = by_person_.find(n.person);
    if (it == by_person_.end()) continue;
    for (auto* s : std::vector<WebsocketSession*>(it->second.begin(), it->second.end())) {
      switch (n.kind) {
        case Notice::Kind::subscribe:
          if (s->synced) subscribe(s, n.workspace, n.seq, n.role);
          break;
        case Notice::Kind::unsubscribe:
          unsubscribe(s, n.workspace);
          break;
        case Notice::Kind::close_session:
          if (s->caller().session == n.session) s->close(4001, "session ended");
          break;
        case Notice::Kind::close_person:
          s->close(4001, "session ended");
          break;
        case Notice::Kind::close_token:
          if (s->caller().token == n.session) s->close(4001, "token revoked");
          break;
      }
    }
  }
}

}  // namespace pacte::net
