// Discussion: threads (topics) and messages, reactions, mentions, read markers, history
// and full-text search.
#pragma once

#include "core/engine.hpp"

namespace pacte {

class Chat {
 public:
  explicit Chat(std::size_t max_body = 10000) : max_body_(max_body) {}
  void register_operations(Dispatcher& dispatcher);
  /// The chat module's tables (module "chat").
  static std::vector<Migration> migrations();
  /// Posts a message as `author` (engine thread); used by the demo import too.
  /// Throws Rejected when an attachment id is not one of the author's unsent uploads.
  static Json post(Context& ctx, std::int64_t thread, std::int64_t workspace, std::int64_t author,
                   const std::string& body, std::optional<std::int64_t> reply_to,
                   const Json& attachments = Json::array());
  /// Creates a thread with its first message; returns {thread, message}.
  static Json create_thread(Context& ctx, std::int64_t workspace, std::int64_t author,
                            const std::string& title, const std::string& body,
                            const Json& attachments = Json::array());
  /// A plugin's activity message in the thread of `activity.thread_key` (created on first
  /// use), with its English text and optional card; appends chat.thread_created or
  /// chat.message_posted. `author` 0: posted by no one (a timer). Returns the message id.
  static std::int64_t post_activity(Context& ctx, std::int64_t workspace, std::int64_t author,
                                    const std::string& plugin, const Activity& activity);
  /// Sets the English text of a message (activity, or a command's answer posted to a
  /// thread); "" removes it.
  static void set_body_en(Context& ctx, std::int64_t message, const std::string& body_en);
  /// Replaces the card of the messages carrying `key`; appends chat.card_updated for each.
  static void update_card(Context& ctx, const std::string& key, const Json& card);
  /// A message as JSON (null if none).
  static Json message(Context& ctx, std::int64_t id);
  /// An expected refusal raised deep inside a helper, turned into the reply's error.
  struct Rejected : std::runtime_error {
    explicit Rejected(Error e) : std::runtime_error(e.message), error(std::move(e)) {}
    Error error;
  };
  /// Folds a search query into FTS5 syntax: each word quoted, all required.
  static std::string fts_query(const std::string& query);

 private:
  std::size_t max_body_;
};

}  // namespace pacte
