#include "core/attachments.hpp"

#include <sodium.h>

#include <fstream>

namespace pacte {

namespace {

Completion failure(CompletionHandler& done, Result r) {
  Completion c;
  c.result = std::move(r);
  c.on_done = std::move(done);
  return c;
}

/// A file name safe to store and to send back: no path, no control characters.
std::string clean_name(const std::string& name) {
  std::string out;
  for (unsigned char c : name)
    if (c >= 0x20 && c != '/' && c != '\\' && c != 0x7f) out += static_cast<char>(c);
  if (out.empty() || out == "." || out == "..") out = "fichier";
  return out.substr(0, 200);
}

}  // namespace

std::string Attachments::served_type(const std::string& declared, bool& inline_ok) {
  static const char* images[] = {"image/png", "image/jpeg", "image/gif", "image/webp"};
  static const char* documents[] = {"application/pdf", "text/plain", "text/csv", "application/zip",
                                    "application/vnd.oasis.opendocument.text",
                                    "application/vnd.oasis.opendocument.spreadsheet",
                                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                    "application/msword", "application/vnd.ms-excel"};
  inline_ok = false;
  for (auto t : images)
    if (declared == t) {
      inline_ok = true;
      return declared;
    }
  for (auto t : documents)
    if (declared == t) return declared;
  return "application/octet-stream";  // anything else, HTML and SVG included, as a download
}

Json Attachments::describe(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql("SELECT id, name, content_type, size, sha256, message_id FROM attachments WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) {
    q.reset();
    return nullptr;
  }
  Json a = {{"id", q.int64(0)}, {"name", q.text(1)}, {"content_type", q.text(2)}, {"size", q.int64(3)},
            {"sha256", q.text(4)}, {"url", "/attachments/" + std::to_string(q.int64(0))}};
  q.reset();
  return a;
}

std::optional<Error> Attachments::link(Context& ctx, const Json& ids, std::int64_t message, std::int64_t workspace,
                                       std::int64_t person) {
  for (auto& v : ids) {
    auto& u = ctx.sql(
        "UPDATE attachments SET message_id = ? WHERE id = ? AND workspace_id = ? AND uploader_id = ? AND message_id IS NULL");
    u.bind(1, message).bind(2, v.get<std::int64_t>()).bind(3, workspace).bind(4, person).run();
    if (ctx.changes() == 0)
      return Error{ErrorCode::not_found, "args.attachments: " + v.dump() + " is not one of your unsent uploads here",
                   "args.attachments : " + v.dump() + " n'est pas un de vos fichiers en attente ici", "args.attachments", 0};
  }
  return std::nullopt;
}

void Attachments::upload(const std::string& credential, std::int64_t workspace, const std::string& name_in,
                         const std::string& content_type, std::string body, CompletionHandler done) {
  std::string name = clean_name(name_in);
  auto shared_body = std::make_shared<std::string>(std::move(body));
  // 1. Who is this, and may they upload here? Nothing touches the disk before that.
  engine_.post([this, credential, workspace, name, content_type, shared_body, done](EngineContext& ctx) mutable {
    Caller caller;
    if (!accounts_.authenticate(ctx, credential, caller)) {
      ctx.task_completions.push_back(failure(done, Result::fail(ErrorCode::unauthenticated, "sign in first", "connectez-vous d'abord")));
      return;
    }
    Role role = ctx.role_of(caller.person, workspace);
    if (role == Role::none) {
      ctx.task_completions.push_back(failure(done, Result::fail(ErrorCode::not_found, "no such object", "introuvable")));
      return;
    }
    if (role < Role::member || caller.read_only) {
      ctx.task_completions.push_back(failure(done, Result::fail(ErrorCode::forbidden, "your role does not allow uploads here",
                                                                "votre rôle ne permet pas de déposer un fichier ici")));
      return;
    }
    // 2. Hash and write on the pool; 3. record it on the engine.
    bool queued = pool_.post([this, caller, workspace, name, content_type, shared_body, done]() mutable {
      const std::string& data = *shared_body;
      std::string sha = sha256_hex(data);
      auto folder = dir_ / sha.substr(0, 2);
      auto path = folder / sha;
      std::error_code ec;
      std::filesystem::create_directories(folder, ec);
      bool stored = std::filesystem::exists(path, ec);
      if (!stored) {
        // Write beside, then rename: a reader never sees half a file.
        auto tmp = path;
        tmp += ".part";
        std::ofstream out(tmp, std::ios::binary);
        out.write(data.data(), static_cast<std::streamsize>(data.size()));
        out.close();
        if (out.good()) {
          std::filesystem::rename(tmp, path, ec);
          stored = !ec;
        }
        if (!stored) std::filesystem::remove(tmp, ec);
      }
      std::int64_t size = static_cast<std::int64_t>(data.size());
      engine_.post([caller, workspace, name, content_type, sha, size, stored, done](EngineContext& ctx) mutable {
        if (!stored) {
          ctx.task_completions.push_back(failure(done, Result::fail(ErrorCode::unavailable, "the file could not be stored (disk)",
                                                                    "le fichier n'a pas pu être enregistré (disque)")));
          return;
        }
        auto& q = ctx.sql(
            "INSERT INTO attachments(workspace_id, uploader_id, name, content_type, size, sha256, created_at) VALUES (?,?,?,?,?,?,?)");
        q.bind(1, workspace).bind(2, caller.person).bind(3, name).bind(4, content_type.substr(0, 100)).bind(5, size)
            .bind(6, sha).bind(7, ctx.now_text()).run();
        Completion c;
        c.caller = caller;
        c.locale = caller.locale;
        c.result = Result::ok({{"attachment", describe(ctx, ctx.last_insert_id())}});
        c.on_done = std::move(done);
        ctx.task_completions.push_back(std::move(c));
      });
    });
    if (!queued)
      ctx.task_completions.push_back(failure(done, Result::fail(Error{ErrorCode::rate_limited, "the server is busy; retry",
                                                                      "le serveur est occupé ; réessayez", "", 1})));
  });
}

void Attachments::download(const std::string& credential, std::int64_t id, CompletionHandler done) {
  engine_.post([this, credential, id, done](EngineContext& ctx) mutable {
    Caller caller;
    if (!accounts_.authenticate(ctx, credential, caller)) {
      ctx.task_completions.push_back(failure(done, Result::fail(ErrorCode::unauthenticated, "sign in first", "connectez-vous d'abord")));
      return;
    }
    auto& q = ctx.sql("SELECT workspace_id, uploader_id, message_id FROM attachments WHERE id = ?");
    q.bind(1, id);
    bool found = q.step();
    std::int64_t ws = found ? q.int64(0) : 0, uploader = found ? q.int64(1) : 0;
    bool sent = found && !q.is_null(2);
    q.reset();
    // Members see attachments of sent messages; an unsent upload only its uploader.
    if (!found || ctx.role_of(caller.person, ws) == Role::none || (!sent && uploader != caller.person)) {
      ctx.task_completions.push_back(failure(done, Result::fail(ErrorCode::not_found, "no such object", "introuvable")));
      return;
    }
    Json a = describe(ctx, id);
    Completion c;
    c.result = Result::ok({{"attachment", a}});
    std::string sha = a["sha256"];
    c.extra = {{"path", (dir_ / sha.substr(0, 2) / sha).string()}};
    c.on_done = std::move(done);
    ctx.task_completions.push_back(std::move(c));
  });
}

}  // namespace pacte
