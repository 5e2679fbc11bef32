#include "core/application.hpp"

#include <set>

#include "core/admin.hpp"
#include "core/chat.hpp"
#include "core/commands.hpp"
#include "core/logger.hpp"
#include "core/workspaces.hpp"
#include "net/net_server.hpp"
#include "pacte/plugin.hpp"

namespace pacte {

std::filesystem::path Application::database_path() const {
  return options_.config.data_dir / "pacte.sqlite3";
}

Application::Application(AppOptions options) : options_(std::move(options)) {
  clock_ = options_.clock ? options_.clock : &system_clock_;
  auto& cfg = options_.config;
  LogLevel level;
  if (Logger::parse_level(cfg.log_level, level)) Logger::instance().set_level(level);
  std::filesystem::create_directories(cfg.data_dir);
  lock_ = std::make_unique<DataLock>(cfg.data_dir);
  metrics_ = std::make_unique<Metrics>();
  db_ = std::make_unique<Database>(options_.memory_store ? std::string(":memory:") : database_path().string(),
                                   DatabaseOptions{cfg.synchronous});
  db_->migrate("core", core_migrations());
  db_->migrate("chat", Chat::migrations());
  db_->migrate("notifications", Notifications::migrations());

  // Plugins: those compiled in and enabled in the configuration.
  dispatcher_ = std::make_unique<Dispatcher>();
  std::vector<PluginInfo> infos;
  auto available = compiled_plugins();
  for (auto& p : options_.extra_plugins) available.push_back(std::move(p));
  options_.extra_plugins.clear();
  for (auto& p : available) {
    bool enabled = std::find(cfg.plugins.begin(), cfg.plugins.end(), p->name()) != cfg.plugins.end();
    if (!enabled) continue;
    check_plugin(*p);
    db_->migrate("plugin:" + p->name(), p->migrations());
    infos.push_back({p->name(), p->version(), p->title_fr(), p->title_en()});
    plugins_.push_back(std::move(p));
  }
  for (auto& name : cfg.plugins) {
    bool found = false;
    for (auto& p : plugins_) found = found || p->name() == name;
    if (!found)
      throw ConfigError(cfg.file.string() + ": field 'plugins': no plugin named '" + name + "' is compiled in");
  }

  pool_ = std::make_unique<WorkerPool>(cfg.password_workers, cfg.limits.password_queue_max);
  engine_ = std::make_unique<Engine>(*db_, *dispatcher_, *clock_, *metrics_);
  engine_->set_idempotency_hours(cfg.limits.idempotency_hours);
  engine_->set_pool(pool_.get());
  dispatcher_->add_timer("core.scheduled_jobs", std::chrono::seconds(1),
                         [](Context& ctx) { Engine::run_due_jobs(static_cast<EngineContext&>(ctx)); });
  notifications_ = std::make_unique<Notifications>(*engine_, cfg);
  notifications_->register_operations(*dispatcher_);
  engine_->set_notifier([n = notifications_.get()](EngineContext& ctx, std::int64_t person, const Notification& what) {
    return n->notify(ctx, person, what);
  });
  accounts_ = std::make_unique<Accounts>(*engine_, *pool_, cfg, options_.cost);
  accounts_->register_operations(*dispatcher_);
  auto workspaces = std::make_shared<Workspaces>(infos, cfg.limits.replay_window);
  workspaces->register_operations(*dispatcher_);
  auto chat = std::make_shared<Chat>();
  chat->register_operations(*dispatcher_);
  auto commands = std::make_shared<Commands>();
  commands->register_operations(*dispatcher_);
  modules_.push_back(commands);
  auto admin = std::make_shared<Admin>(*accounts_, notifications_.get());
  admin->register_operations(*dispatcher_);
  modules_.push_back(admin);
  modules_.push_back(workspaces);
  modules_.push_back(chat);
  for (auto& p : plugins_) {
    dispatcher_->set_current_plugin(p->name());
    p->register_operations(*dispatcher_);
    dispatcher_->set_current_plugin("");
    Plugin* raw = p.get();
    dispatcher_->add_exporter(p->name(), [raw](Context& ctx, std::int64_t ws) { return raw->export_workspace(ctx, ws); });
    dispatcher_->add_person_hooks(
        p->name(), [raw](Context& ctx, std::int64_t person) { return raw->export_person(ctx, person); },
        [raw](Context& ctx, std::int64_t person) { raw->erase_person(ctx, person); });
  }
  // First start: import the pacts of the configuration.
  for (auto& file : cfg.pacts) {
    auto path = file.is_absolute() ? file : cfg.base_dir / file;
    Json g = Governance::load(path);
    if (Governance::imported(*db_, g)) continue;
    ImportOptions io{options_.demo_password, options_.cost, cfg.plugins, dispatcher_.get(), {}};
    io.after_import = [this, &g, &path](EngineContext& ctx, const std::map<std::string, std::int64_t>& people,
                                        const std::map<std::string, std::int64_t>& orgs,
                                        const std::map<std::string, std::int64_t>& workspaces) {
      for (auto& p : plugins_) {
        PactImport pi{.pact_key = g["pact"]["key"].get<std::string>(),
                      .config = g.contains("plugins") && g["plugins"].contains(p->name()) ? g["plugins"][p->name()] : Json(),
                      .directory = path.parent_path(),
                      .people = people,
                      .organisations = orgs,
                      .workspaces = workspaces};
        p->import_pact(ctx, pi);
      }
    };
    auto accounts = Governance::import(*db_, *clock_, g, io);
    created_.insert(created_.end(), accounts.begin(), accounts.end());
    log_info("governance.imported", {{"pact", g["pact"]["key"]}, {"accounts", accounts.size()}});
  }

  attachments_ = std::make_unique<Attachments>(*engine_, *pool_, *accounts_, cfg.data_dir / "attachments");
  net_ = std::make_unique<NetServer>(cfg, *engine_, *dispatcher_, *accounts_, *attachments_, *metrics_);
}

void Application::check_plugin(const Plugin& p) {
  if (p.api_version() != kSdkApiVersion)
    throw std::runtime_error("plugin '" + p.name() + "' was built for SDK API version " + std::to_string(p.api_version()) +
                             " but this server offers version " + std::to_string(kSdkApiVersion) +
                             "; rebuild the plugin against this server's server/include/pacte/");
  const std::string name = p.name();
  bool ok = !name.empty() && name.size() <= 40;
  for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
  static const std::set<std::string> reserved = {
      "chat", "workspaces", "workspace", "session", "admin", "plugins", "sync", "tokens", "orgs", "me", "invitations",
      "personal", "presence", "notifications", "notification", "password", "login", "logout", "attachments", "export", "resync_required", "hello"};
  if (!ok || reserved.count(name))
    throw std::runtime_error("plugin name '" + name + "' must be 1 to 40 lower-case letters, digits, '-' or '_', "
                             "and not a name the core uses (chat, workspaces, session, password, attachments…)");
}

Application::~Application() {
  if (engine_) engine_->stop();
  if (notifications_) notifications_->stop();
  net_.reset();
  if (pool_) pool_->stop();
}

std::uint16_t Application::bind() { return net_->bind(); }

void Application::run(bool handle_signals) {
  engine_->start();
  net_->run(handle_signals);
  engine_->stop();
  log_info("server.stopped");
}

void Application::stop() { net_->stop(); }

}  // namespace pacte
