// The engine-side context given to every handler: SQL in the current transaction,
// events, time, membership. Engine thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "pacte/operation.hpp"

namespace pacte {

struct Member {
  std::int64_t person;
  Role role;
};

struct Affiliation {
  std::int64_t organisation;
  std::string key;       // e.g. "moulins"
  std::string name;
  std::string capacity;  // e.g. "co-Présidente"
  bool signatory;
};

/// A file attached to a notification's email (e.g. a meeting's .ics).
struct EmailAttachment {
  std::string filename{};
  std::string content_type{};  // e.g. "text/calendar; method=REQUEST"
  std::string data{};          // raw bytes
};

/// An activity message of a plugin (issue 12) in French and English: each reader sees the
/// text of their language (English readers see `text_en` when given, else the French).
struct Activity {
  std::string thread_key{};    // the dedicated thread, e.g. "meeting:12" (created on first use)
  std::string thread_title{};  // its title when it is created, French
  std::string thread_title_en{};  // English; "" when none (the French is shown)
  std::string text{};          // Markdown, French
  std::string text_en{};       // Markdown, English; "" when none (the French is shown)
  /// Optional live card (null: none). Any text member "x" of the card (title, subtitle,
  /// and label/value of fields, progress, links, actions) may have an English sibling
  /// "x_en"; the client shows it to English readers.
  Json card = nullptr;
};

/// What a plugin (or the core) tells a person. Stored in their notification centre at
/// once; emailed according to their preferences (docs/notifications.md).
struct Notification {
  /// The kind, for preferences and unsubscribe: "mention", "reply", "invitation",
  /// "meeting", "document", "signature", "reminder", "cadence", "deadline".
  std::string kind{};
  std::int64_t workspace = 0;  // 0: not tied to a workspace
  std::string title_fr{};      // one line, also the email's subject
  std::string title_en{};
  std::string body_fr{};  // plain text, a few lines; the email's body
  std::string body_en{};
  std::string link{};     // client path, e.g. "/w/12/p/agenda?meeting=3" (or "/w/12/t/40")
  std::vector<EmailAttachment> attachments{};
  /// Emailed at once (signature requests, invitations, reminders) rather than in the
  /// person's digest of unread activity.
  bool immediate = false;
};

class Context {
 public:
  virtual ~Context() = default;

  /// A cached prepared statement on the write connection, inside the current transaction
  /// (and the request's savepoint). Reset, with bindings cleared.
  virtual Statement& sql(std::string_view query) = 0;
  /// Runs one or more statements with no parameters.
  virtual void exec(std::string_view query) = 0;
  virtual std::int64_t last_insert_id() = 0;
  virtual int changes() = 0;

  /// Appends an event to a workspace's log (gapless sequence) in this transaction; it is
  /// broadcast to the workspace's members after the commit. Returns its sequence.
  /// `subject` ties the event to an object (e.g. "message:12") so it can be redacted.
  /// `anonymous` leaves the author out of the event and of the log (a secret ballot).
  virtual std::int64_t append_event(std::int64_t workspace, std::string_view type, const Json& data,
                                    std::string_view subject = {}, bool anonymous = false) = 0;
  /// Appends an event to a person's own stream (read markers, notifications).
  virtual std::int64_t personal_event(std::int64_t person, std::string_view type,
                                      const Json& data) = 0;

  /// Notifies a person (in this transaction: nothing is sent if the request fails).
  /// Returns the notification's id.
  virtual std::int64_t notify(std::int64_t person, const Notification& notification) = 0;

  /// Sends `type`/`data` to the workspace's connected members after the commit, without
  /// storing it and without a sequence number: live cursors, or changes a plugin logs in
  /// its own tables (note operations). Clients must not rely on receiving it.
  virtual void broadcast(std::int64_t workspace, std::string_view type, const Json& data) = 0;

  /// Runs another operation (core or plugin) inside this transaction as the current
  /// caller, with its schema, rule and predicate checked as for a client request. In a
  /// timer or scheduled job (no caller) it runs as the system and the rule is not checked.
  virtual Result call(std::string_view op, const Json& args) = 0;

  /// Now, from the server's clock (tests control it).
  virtual TimePoint now() = 0;
  /// RFC 3339 UTC with milliseconds.
  virtual std::string now_text() = 0;

  /// Effective role of a person in a workspace (organisation memberships and admin included).
  virtual Role role_of(std::int64_t person, std::int64_t workspace) = 0;
  /// Every person with an effective role in the workspace.
  virtual std::vector<Member> members(std::int64_t workspace) = 0;
  /// The organisations a person belongs to, with their capacity there.
  virtual std::vector<Affiliation> affiliations(std::int64_t person) = 0;

  /// Schedules a one-shot job `name` ("<plugin>.<job>", registered with
  /// Registrar::on_schedule) at `due`, with a payload. Stored in this transaction: it is
  /// kept across restarts, and vanishes if the request fails. Returns its id.
  virtual std::int64_t schedule(std::string_view name, TimePoint due, const Json& payload) = 0;
  /// Cancels a scheduled job; false if it already ran or never existed.
  virtual bool cancel_schedule(std::int64_t id) = 0;
  /// Runs `work` on the worker pool after this transaction commits (never if it fails),
  /// then `then` on the engine with its result, in a later transaction. For long work
  /// that needs no database (hashing a large file, rendering a document).
  virtual void defer(std::function<Json()> work, std::function<void(Context&, const Json&)> then) = 0;

  /// Posts an activity message from the plugin into the workspace, in the thread dedicated
  /// to `thread_key` (created with `thread_title` the first time, e.g. key "meeting:12").
  /// `card` (optional, may be null) is shown with the message and can later be replaced in
  /// place with update_card(card["key"], …). The message is authored by the caller of the
  /// current request, or by no one (author null, "plugin" set) in timers and jobs.
  /// Returns the message id.
  virtual std::int64_t post_activity(std::int64_t workspace, const Activity& activity) = 0;
  /// The same with a French text only.
  std::int64_t post_activity(std::int64_t workspace, std::string_view thread_key,
                             std::string_view thread_title, std::string_view text,
                             const Json& card) {
    return post_activity(workspace, Activity{.thread_key = std::string(thread_key),
                                             .thread_title = std::string(thread_title),
                                             .text = std::string(text),
                                             .text_en = {},
                                             .card = card});
  }
  /// Replaces the card of every message carrying card key `key` (in this transaction; an
  /// event chat.card_updated {message, thread, card} goes to the workspace after the commit).
  virtual void update_card(std::string_view key, const Json& card) = 0;

  /// Structured log line (never put message bodies or secrets in it).
  virtual void log(std::string_view level, std::string_view event, const Json& fields) = 0;
};

}  // namespace pacte
