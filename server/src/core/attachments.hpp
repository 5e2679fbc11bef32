// Files attached to messages: uploaded over HTTP (not in WebSocket frames), stored on disk
// under the data folder by SHA-256, served only to members of their workspace.
#pragma once

#include <filesystem>
#include <string>

#include "core/accounts.hpp"

namespace pacte {

class Attachments {
 public:
  Attachments(Engine& engine, WorkerPool& pool, Accounts& accounts, std::filesystem::path dir)
      : engine_(engine), pool_(pool), accounts_(accounts), dir_(std::move(dir)) {}

  /// Stores an upload: hashing and writing on the pool, then (engine) authentication,
  /// membership check and the database row. `done` gets {attachment}.
  void upload(const std::string& credential, std::int64_t workspace, const std::string& name,
              const std::string& content_type, std::string body, CompletionHandler done);
  /// Checks that the credential may read the attachment (engine); `done` gets the
  /// attachment with `extra.path` to the file on disk.
  void download(const std::string& credential, std::int64_t id, CompletionHandler done);

  /// The attachment as the protocol describes it (engine thread).
  static Json describe(Context& ctx, std::int64_t id);
  /// Links the caller's unlinked uploads of this workspace to a message; returns an error
  /// for an id that is not one (engine thread).
  static std::optional<Error> link(Context& ctx, const Json& ids, std::int64_t message, std::int64_t workspace,
                                   std::int64_t person);
  /// Safe content type to serve: never HTML or script; images may be shown inline.
  static std::string served_type(const std::string& declared, bool& inline_ok);

 private:
  Engine& engine_;
  WorkerPool& pool_;
  Accounts& accounts_;
  std::filesystem::path dir_;
};

}  // namespace pacte
