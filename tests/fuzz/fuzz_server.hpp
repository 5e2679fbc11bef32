// The server the dispatcher and session fuzz targets drive: every core module and plugin
// over an in-memory SQLite database, the pact of config/ imported, a fixed clock, and no
// thread of its own (the target runs the engine with run_once between inputs).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/application.hpp"
#include "core/clock.hpp"
#include "core/engine.hpp"

namespace pacte_fuzz {

class FuzzServer {
 public:
  /// The one server of this process, built on first use (a fuzzing process runs many
  /// inputs against it: state accumulates, as on a real server).
  static FuzzServer& get();
  ~FuzzServer();

  pacte::Application& app() { return *app_; }
  pacte::Engine& engine() { return app_->engine(); }
  /// A signed-in member of `workspace()` (caller of WebSocket requests).
  const pacte::Caller& member() const { return member_; }
  /// An owner of `workspace()`, for the operations only owners reach.
  const pacte::Caller& owner() const { return owner_; }
  std::int64_t workspace() const { return workspace_; }
  /// The member's session token, for a Cookie header.
  const std::string& token() const { return token_; }
  /// The origin the configuration allows (WebSocket upgrades, cross-site checks).
  static constexpr const char* kOrigin = "http://127.0.0.1:8080";

  /// Runs the engine on this thread until nothing is queued.
  void drain();

 private:
  FuzzServer();
  std::filesystem::path dir_;
  pacte::ManualClock clock_;
  std::unique_ptr<pacte::Application> app_;
  pacte::Caller member_;
  pacte::Caller owner_;
  std::int64_t workspace_ = 0;
  std::string token_ = "fuzz-session-token";
};

/// Aborts (a finding) when a completion reports that a handler threw or the store failed:
/// validated input must get a typed answer, never an internal error.
void check_completion(const pacte::Completion& c, const std::string& op);

}  // namespace pacte_fuzz
