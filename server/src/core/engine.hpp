// The engine thread: owns the SQLite write connection and the domain state, runs requests
// in group transactions (one savepoint each), and hands replies and events back after the
// commit. See docs/architecture.md, "Threads".
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/dispatcher.hpp"
#include "core/metrics.hpp"
#include "pacte/context.hpp"

namespace pacte {

/// A change in who receives what, applied by the network thread in commit order.
struct Notice {
  enum class Kind {
    subscribe,      // person now sees workspace from `seq` (exclusive)
    unsubscribe,    // person no longer sees workspace after `seq`
    close_session,  // session `session` ended: close its sockets
    close_person,   // every socket of `person` (account disabled)
    close_token,    // sockets opened with API token `session` (revoked)
  };
  Kind kind;
  std::int64_t person = 0;
  std::int64_t workspace = 0;
  std::int64_t seq = 0;
  std::int64_t session = 0;
  Role role = Role::none;
};

/// A committed event, serialised once and shared by every recipient.
struct EventOut {
  std::int64_t workspace = 0;  // 0 for a personal event
  std::int64_t person = 0;     // recipient of a personal event
  std::int64_t seq = 0;        // 0: transient (Context::broadcast), not in the log
  std::shared_ptr<const std::string> frame;
};

using Output = std::variant<EventOut, Notice>;

struct Completion;
using CompletionHandler = std::function<void(Completion&)>;

/// A request that passed schema validation on the network thread.
struct Inbound {
  std::string client_id;  // the request id; empty: not idempotent (HTTP without a key)
  std::string op;
  Json args;
  Caller caller;           // resolved on WebSocket; for HTTP filled from `credential`
  std::string credential;  // raw session or API token to resolve (HTTP)
  std::chrono::steady_clock::time_point received = std::chrono::steady_clock::now();
  CompletionHandler on_done;  // run on the network thread with the completion
};

/// What one request produced, delivered after the commit.
struct Completion {
  Result result;
  std::string locale = "fr";
  std::string client_id;
  /// Frames to send to the requesting connection before the reply (a resume's replay).
  std::vector<std::shared_ptr<const std::string>> before_reply;
  /// Subscriptions to apply to the requesting connection with the reply (sync.subscribe):
  /// workspace → last sequence already delivered, and the role.
  std::vector<Notice> subscriptions;
  std::int64_t personal_seq = -1;  // for sync.subscribe
  Caller caller;                   // as resolved (HTTP logins, WebSocket upgrades)
  Json extra;                      // side data for the network layer (e.g. cookie to set)
  CompletionHandler on_done;
};

/// Everything one group commit produced, in commit order.
struct Batch {
  std::vector<Completion> completions;
  std::vector<Output> outputs;
};

class EngineContext;

/// A core module or plugin handler may need the engine context's extras (notices).
class Engine {
 public:
  using Sink = std::function<void(Batch&&)>;
  using Task = std::function<void(EngineContext&)>;

  Engine(Database& db, Dispatcher& dispatcher, const Clock& clock, Metrics& metrics);
  ~Engine();

  /// Where batches go after the commit (called on the engine thread; must be quick, e.g.
  /// post to the network thread). Set before start().
  void set_sink(Sink sink) { sink_ = std::move(sink); }
  /// Hook that resolves a credential to a caller inside the transaction (accounts module).
  void set_authenticator(std::function<bool(EngineContext&, const std::string&, Caller&)> auth) {
    authenticate_ = std::move(auth);
  }
  void start();
  /// Finishes queued work, commits, then stops the thread. Idempotent.
  void stop();

  /// Queues a request. Thread-safe. After stop(), the request completes with unavailable.
  void submit(Inbound request);
  /// Queues a task run in the next group transaction (login steps, connection set-up).
  /// Its outputs (events, notices) are delivered like a request's. Thread-safe.
  void post(Task task);

  /// Runs everything queued now, on the calling thread (tests without a thread).
  void run_once();

  std::size_t queue_depth();
  Database& database() { return db_; }
  const Clock& clock() const { return clock_; }
  Dispatcher& dispatcher() { return dispatcher_; }
  /// Maximum requests in one group transaction.
  void set_max_batch(std::size_t n) { max_batch_ = n; }
  /// The pool that runs deferred work (Context::defer).
  void set_pool(class WorkerPool* pool) { pool_ = pool; }
  /// Runs the scheduled jobs that are due (engine thread; a core timer calls it).
  static void run_due_jobs(EngineContext& ctx);
  /// Where Context::notify goes (the notifications module). Set before start().
  void set_notifier(std::function<std::int64_t(EngineContext&, std::int64_t, const Notification&)> fn) {
    notifier_ = std::move(fn);
  }
  /// How long idempotency records are kept.
  void set_idempotency_hours(int h) { idempotency_hours_ = h; }

 private:
  struct Item {
    std::variant<Inbound, Task> work;
  };
  void loop();
  void process(std::vector<Item>& items);
  Completion handle(EngineContext& ctx, Inbound& req);
  Result authorize_and_run(EngineContext& ctx, Inbound& req, const Operation& op);

  Database& db_;
  Dispatcher& dispatcher_;
  const Clock& clock_;
  Metrics& metrics_;
  Sink sink_;
  std::function<bool(EngineContext&, const std::string&, Caller&)> authenticate_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  bool stopped_ = false;
  std::thread thread_;
  std::size_t max_batch_ = 256;
  class WorkerPool* pool_ = nullptr;
  int idempotency_hours_ = 48;
  std::function<std::int64_t(EngineContext&, std::int64_t, const Notification&)> notifier_;
};

/// The Context given to handlers, plus engine-only extras for core modules.
class EngineContext : public Context {
 public:
  EngineContext(Database& db, const Clock& clock, Dispatcher& dispatcher)
      : db_(db), clock_(clock), dispatcher_(dispatcher) {}

  Statement& sql(std::string_view query) override { return db_.prepare(query); }
  void exec(std::string_view query) override { db_.exec(query); }
  std::int64_t last_insert_id() override { return db_.last_insert_id(); }
  int changes() override { return db_.changes(); }
  std::int64_t append_event(std::int64_t workspace, std::string_view type, const Json& data,
                            std::string_view subject = {}, bool anonymous = false) override;
  std::int64_t personal_event(std::int64_t person, std::string_view type, const Json& data) override;
  TimePoint now() override { return clock_.now(); }
  std::string now_text() override { return format_time(clock_.now()); }
  Role role_of(std::int64_t person, std::int64_t workspace) override;
  std::vector<Member> members(std::int64_t workspace) override;
  std::vector<Affiliation> affiliations(std::int64_t person) override;
  void log(std::string_view level, std::string_view event, const Json& fields) override;
  std::int64_t schedule(std::string_view name, TimePoint due, const Json& payload) override;
  bool cancel_schedule(std::int64_t id) override;
  void defer(std::function<Json()> work, std::function<void(Context&, const Json&)> then) override;
  std::int64_t notify(std::int64_t person, const Notification& notification) override;
  void broadcast(std::int64_t workspace, std::string_view type, const Json& data) override;
  Result call(std::string_view op, const Json& args) override;
  using Context::post_activity;
  std::int64_t post_activity(std::int64_t workspace, const Activity& activity) override;
  void update_card(std::string_view key, const Json& card) override;

  /// The plugin of the request's operation ("" for the core): the default plugin of activity.
  std::string current_plugin;
  /// Who is calling: set by the engine around a handler; null in timers and jobs.
  const Caller* caller = nullptr;
  /// Where notifications go (the notifications module); unset: only the personal event.
  std::function<std::int64_t(EngineContext&, std::int64_t, const Notification&)> notifier;

  /// Work deferred by requests of this group, started after the commit.
  struct Deferred {
    std::function<Json()> work;
    std::function<void(Context&, const Json&)> then;
  };
  std::vector<Deferred>& deferred() { return deferred_; }

  /// Queues a delivery change, in commit order with the events.
  void notice(Notice n) { outputs_.push_back(n); }
  /// The author of events appended by the current request.
  void set_author(std::int64_t person) { author_ = person; }
  std::int64_t author() const { return author_; }
  /// Is the person an instance admin (and enabled)?
  bool is_admin(std::int64_t person);
  /// Resolves the workspace an argument set designates, through the registered scopes.
  /// Returns -1 when the arguments designate an object that does not exist, 0 when they
  /// designate no workspace at all.
  std::int64_t resolve_workspace(const Json& args);

  Database& db() { return db_; }
  const Clock& clock() const { return clock_; }
  Dispatcher& dispatcher() { return dispatcher_; }
  std::vector<Output>& outputs() { return outputs_; }
  /// The completion being built for the current request (sync.subscribe fills it).
  Completion* completion = nullptr;
  /// Completions produced by tasks (e.g. a login's answer), delivered with the batch.
  std::vector<Completion> task_completions;

 private:
  Database& db_;
  const Clock& clock_;
  Dispatcher& dispatcher_;
  std::vector<Output> outputs_;
  std::vector<Deferred> deferred_;
  std::int64_t author_ = 0;
  int call_depth_ = 0;
};

/// The permission checks of an operation for a caller (rule, workspace role, plugin
/// enabled, archived workspace, predicate). Fills `call_workspace` and `call_role`.
std::optional<Error> authorize(EngineContext& ctx, const Caller& caller, const Operation& op, const Json& args,
                               const std::string& client_id, std::int64_t& call_workspace, Role& call_role);

/// Core tables of the engine (events, idempotency): module "core".
std::vector<Migration> core_migrations();

}  // namespace pacte
