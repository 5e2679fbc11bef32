// Export of a whole workspace for the partners' own records and public archives: the
// workspace, its members, every thread and message (with edit history and reactions),
// and the attachments' files.
#pragma once

#include <string>
#include <vector>

#include "core/engine.hpp"

namespace pacte {

class WorkspaceExport {
 public:
  struct File {
    std::string archive_name;  // e.g. "attachments/12-compte-rendu.pdf"
    std::string path;          // on disk
  };
  /// Collects the workspace's content (engine thread). `files` receives the attachments
  /// to include; `attachments_dir` is where they are stored.
  /// Plugins enabled in the workspace add their part under "plugins"."<name>".
  static Json collect(Context& ctx, const Dispatcher& dispatcher, std::int64_t workspace,
                      const std::string& attachments_dir, std::vector<File>& files);
};

}  // namespace pacte
