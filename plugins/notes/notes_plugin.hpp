// Live shared notes ("Notes partagées"): several partners type the notes of a meeting at
// once; server-authoritative operational transformation (text_operation.hpp), a per-note
// operation log, snapshots and named versions. Written only against the plugin SDK.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pacte/plugin.hpp"

namespace pacte_notes {

class NotesPlugin final : public pacte::Plugin {
 public:
  std::string name() const override;
  std::string version() const override;
  std::string title_fr() const override;
  std::string title_en() const override;
  std::vector<pacte::Migration> migrations() const override;
  void register_operations(pacte::Registrar& registrar) override;
  /// Every note of the workspace with its current text.
  pacte::Json export_workspace(pacte::Context& ctx, std::int64_t workspace) override;
  /// Notes created, operations authored (counts per note) and versions named.
  pacte::Json export_person(pacte::Context& ctx, std::int64_t person) override;
  /// Nothing personal to delete: the notes keep person ids only (see README).
  void erase_person(pacte::Context& ctx, std::int64_t person) override;

  /// A client may base an operation on one of the last kWindow revisions; older bases
  /// get `conflict` ("resync": reopen the note).
  static constexpr std::int64_t kWindow = 1000;
  /// A snapshot of the text every kSnapshotEvery revisions (and at revision 0).
  static constexpr std::int64_t kSnapshotEvery = 200;
  /// Longest note, in code points.
  static constexpr std::int64_t kMaxLength = 200000;
  /// Cursor updates relayed per person: kCursorRate a second, bursts of kCursorBurst.
  static constexpr double kCursorRate = 10.0;
  static constexpr double kCursorBurst = 20.0;

 private:
  struct Bucket {
    double tokens = 0;
    pacte::TimePoint last{};
  };
  /// Engine thread only, like every handler.
  bool allow_cursor(std::int64_t person, pacte::TimePoint now);
  std::map<std::int64_t, Bucket> cursor_buckets_;
};

}  // namespace pacte_notes

/// Called by the registration list that plugins/CMakeLists.txt generates.
std::unique_ptr<pacte::Plugin> make_plugin_notes();
