// Workspaces (one per committee instance), their members, resume (sync.subscribe) and
// per-workspace plugin switches.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/engine.hpp"

namespace pacte {

struct PluginInfo {
  std::string name, version, title_fr, title_en;
};

class Workspaces {
 public:
  /// `plugins`: the plugins enabled on this instance; `replay_window`: how many events a
  /// resume may replay per workspace before answering resync_required.
  Workspaces(std::vector<PluginInfo> plugins, int replay_window)
      : plugins_(std::move(plugins)), replay_window_(replay_window) {}
  void register_operations(Dispatcher& dispatcher);

  /// The workspace as the protocol describes it, seen by `person` (engine thread).
  static Json describe(Context& ctx, std::int64_t workspace, std::int64_t person);
  /// Workspaces the person may see, with their role.
  static std::vector<std::pair<std::int64_t, Role>> visible(EngineContext& ctx, std::int64_t person);

 private:
  std::vector<PluginInfo> plugins_;
  int replay_window_;
};

}  // namespace pacte
