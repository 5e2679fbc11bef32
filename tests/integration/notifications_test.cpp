// Notifications and email through a real SMTP server (tests/tools/smtp_sink.py, Debian's
// python3-aiosmtpd) on loopback: invitations, digests, immediate notices with attachments,
// unsubscribe, password resets, and an SMTP server that is down then up.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "pacte/plugin.hpp"
#include "support/test_server.hpp"

using namespace pacte::test;
namespace fs = std::filesystem;

namespace {

/// A free TCP port on loopback (bound then released).
std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

/// The SMTP server of the tests, in its own process.
class SmtpSink {
 public:
  explicit SmtpSink(std::uint16_t port) : port_(port), dir_(fs::temp_directory_path() / ("pacte-smtp-" + std::to_string(port))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~SmtpSink() {
    stop();
    fs::remove_all(dir_);
  }
  void start() {
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a test that aborts
      dup2(out[1], 1);
      close(out[0]);
      std::string script = std::string(PACTE_SOURCE_DIR) + "/tests/tools/smtp_sink.py";
      std::string port = std::to_string(port_);
      execl("/usr/bin/python3", "python3", script.c_str(), "--port", port.c_str(), "--out", dir_.c_str(), nullptr);
      _exit(127);  // exec failed: the child ends as a shell would, and start() reports it
    }
    close(out[1]);
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    ASSERT_EQ(line, "ready") << "the SMTP sink did not start (is python3-aiosmtpd installed?)";
  }
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }
  /// Every message received so far, in order, as parsed by Python's email package.
  std::vector<Json> messages() const {
    std::vector<fs::path> files;
    for (auto& e : fs::directory_iterator(dir_))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<Json> out;
    for (auto& f : files) {
      std::ifstream in(f);
      out.push_back(Json::parse(in));
    }
    return out;
  }
  std::vector<Json> to(const std::string& address) const {
    std::vector<Json> out;
    for (auto& m : messages())
      if (m["rcpt_tos"].size() == 1 && m["rcpt_tos"][0] == address) out.push_back(m);
    return out;
  }
  std::uint16_t port() const { return port_; }

 private:
  std::uint16_t port_;
  fs::path dir_;
  pid_t pid_ = 0;
};

/// A plugin that notifies, as the signatures or agenda plugins do.
struct NotifyingPlugin : pacte::Plugin {
  std::string name() const override { return "rappels"; }
  std::string version() const override { return "1.0.0"; }
  std::string title_fr() const override { return "Rappels"; }
  std::string title_en() const override { return "Reminders"; }
  std::vector<pacte::Migration> migrations() const override { return {}; }
  void register_operations(pacte::Registrar& r) override {
    r.add({.name = "rappels.send",
           .schema = {{"type", "object"},
                      {"properties", {{"workspace", {{"type", "integer"}}}, {"person", {{"type", "integer"}}}, {"title", {{"type", "string"}}}}}},
           .rule = pacte::Rule::member,
           .change = true,
           .handler = [](pacte::Context& ctx, const pacte::Call& call) {
             std::string ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Pacte//tests//FR\r\nEND:VCALENDAR\r\n";
             std::int64_t id = ctx.notify(
                 call.args["person"].get<std::int64_t>(),
                 {.kind = "signature",
                  .workspace = call.workspace,
                  .title_fr = call.args["title"].get<std::string>(),
                  .title_en = "Reminder: " + call.args["title"].get<std::string>(),
                  .body_fr = "Empreinte du texte : 9f86d081884c7d65\nMerci de signer avant le 30 juin.",
                  .body_en = "Text hash: 9f86d081884c7d65",
                  .link = "/w/" + std::to_string(call.workspace) + "/p/rappels",
                  .attachments = {{.filename = "réunion du comité.ics", .content_type = "text/calendar; method=REQUEST", .data = ics}},
                  .immediate = true});
             return pacte::Result::ok({{"notification", id}});
           }});
  }
};

pacte::TimePoint at(const char* text) { return *pacte::parse_time(text); }

ServerOptions with_email(std::uint16_t smtp_port, pacte::ManualClock& clock, int max_attempts = 10) {
  return {.configure =
              [smtp_port, max_attempts](pacte::ServerConfig& c) {
                c.email.url = "smtp://127.0.0.1:" + std::to_string(smtp_port);
                c.email.tls = "none";
                c.email.from = "Pacte Chambéry <pacte@pacte.test>";
                c.email.max_attempts = max_attempts;
                c.public_url = "http://pacte.test";
                c.plugins.push_back("rappels");
              },
          .prepare = [](pacte::AppOptions& o) { o.extra_plugins.push_back(std::make_unique<NotifyingPlugin>()); },
          .clock = &clock};
}

std::string token_from(const std::string& text, const std::string& param) {
  std::smatch m;
  std::regex re("\\?" + param + "=([A-Za-z0-9_-]+)");
  return std::regex_search(text, m, re) ? m[1].str() : "";
}

}  // namespace

TEST(Notifications, InvitedPartnerGetsTheEmailSetsAPasswordAndGetsAMentionDigest) {
  SmtpSink sink(free_port());
  sink.start();
  pacte::ManualClock clock(at("2026-03-10T09:10:00Z"));
  TestServer server(with_email(sink.port(), clock));
  auto owner = sign_in(server, "equipe@ville-chambery.example");
  auto member = sign_in(server, "equipe@biollay.example");
  std::int64_t copil = workspace_id(server.port(), owner.token, "copil");

  auto invited = api(server.port(), owner.token, "invitations.create",
                     {{"workspace", copil}, {"email", "elodie@example.org"}, {"name", "Élodie Müller-Ferré"}, {"role", "member"}});
  ASSERT_EQ(invited.status, 200) << invited.body;
  std::int64_t elodie = invited.json()["result"]["person"];
  ASSERT_TRUE(wait_until([&] { return sink.to("elodie@example.org").size() == 1; }));
  Json mail = sink.to("elodie@example.org")[0];
  EXPECT_EQ(mail["to"]["name"], "Élodie Müller-Ferré");  // RFC 2047 in the To header
  EXPECT_EQ(mail["from"]["name"], "Pacte Chambéry");
  EXPECT_EQ(mail["mail_from"], "pacte@pacte.test");
  EXPECT_EQ(mail["subject"], "Vous êtes invité·e sur Pacte");
  EXPECT_NE(mail["text"].get<std::string>().find("Comité de pilotage"), std::string::npos) << mail["text"];
  EXPECT_NE(mail["html"].get<std::string>().find("Choisir mon mot de passe"), std::string::npos);
  std::string token = token_from(mail["text"], "invitation");
  ASSERT_FALSE(token.empty()) << mail["text"];

  // The link sets the password and signs in.
  auto set = http(server.port(), "POST", "/api/password.set",
                  Json{{"token", token}, {"password", "un mot de passe très sûr"}}.dump(),
                  {{"Content-Type", "application/json"}, {"Origin", kOrigin}});
  ASSERT_EQ(set.status, 200) << set.body;
  std::string elodie_token = login(server.port(), "elodie@example.org", "un mot de passe très sûr");

  // A mention: in the app at once, by email in the next hourly digest.
  auto thread = api(server.port(), member.token, "chat.create_thread",
                    {{"workspace", copil}, {"title", "Budget 2026"},
                     {"body", "Bonjour @[Élodie Müller-Ferré](person:" + std::to_string(elodie) + "), pouvez-vous relire ?"}});
  ASSERT_EQ(thread.status, 200) << thread.body;
  auto list = api(server.port(), elodie_token, "notifications.list").json()["result"];
  ASSERT_EQ(list["unread"], 1);
  EXPECT_EQ(list["notifications"][0]["kind"], "mention");
  EXPECT_EQ(list["notifications"][0]["body"], "Bonjour @Élodie Müller-Ferré, pouvez-vous relire ?");
  EXPECT_EQ(list["notifications"][0]["link"],
            "/w/" + std::to_string(copil) + "/t/" + std::to_string(thread.json()["result"]["thread"]["id"].get<std::int64_t>()));
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM email_outbox WHERE to_address = 'elodie@example.org'"), 1);

  clock.advance(std::chrono::minutes(51));  // 10:01: the 10:00 digest is due
  ASSERT_TRUE(wait_until([&] { return sink.to("elodie@example.org").size() == 2; }));
  Json digest = sink.to("elodie@example.org")[1];
  EXPECT_EQ(digest["subject"], "Pacte : 1 notification non lue");
  std::string text = digest["text"];
  EXPECT_NE(text.find("vous a mentionné·e dans « Budget 2026 »"), std::string::npos) << text;
  EXPECT_NE(text.find("http://pacte.test/w/"), std::string::npos) << text;
  EXPECT_TRUE(digest["list_unsubscribe"].is_string());

  // Nothing more: each notification is in one digest only.
  clock.advance(std::chrono::hours(2));
  api(server.port(), owner.token, "session.me");
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM email_outbox WHERE to_address = 'elodie@example.org'"), 2);
}

TEST(Notifications, ImmediateNoticeCarriesItsAttachmentAndUnsubscribeIsHonoured) {
  SmtpSink sink(free_port());
  sink.start();
  pacte::ManualClock clock(at("2026-06-01T08:00:00Z"));
  TestServer server(with_email(sink.port(), clock));
  auto owner = sign_in(server, "equipe@ville-chambery.example");
  auto member = sign_in(server, "equipe@biollay.example");
  std::int64_t copil = workspace_id(server.port(), owner.token, "copil");

  WsClient ws(server.port(), {.cookie = member.token});
  ws.subscribe();
  auto sent = api(server.port(), owner.token, "rappels.send",
                  {{"workspace", copil}, {"person", member.id}, {"title", "Signature du pacte : rappel"}});
  ASSERT_EQ(sent.status, 200) << sent.body;
  auto live = ws.wait_event("notification.created");
  ASSERT_TRUE(live);
  EXPECT_EQ((*live)["data"]["notification"]["title"], "Signature du pacte : rappel");
  EXPECT_EQ((*live)["data"]["unread"], 1);

  ASSERT_TRUE(wait_until([&] { return sink.to("equipe@biollay.example").size() == 1; }));
  Json mail = sink.to("equipe@biollay.example")[0];
  EXPECT_EQ(mail["subject"], "Signature du pacte : rappel");
  EXPECT_NE(mail["text"].get<std::string>().find("Empreinte du texte : 9f86d081884c7d65"), std::string::npos);
  ASSERT_EQ(mail["attachments"].size(), 1u);
  EXPECT_EQ(mail["attachments"][0]["filename"], "réunion du comité.ics");
  EXPECT_EQ(mail["attachments"][0]["content_type"], "text/calendar");
  EXPECT_EQ(mail["attachments"][0]["text"],
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Pacte//tests//FR\r\nEND:VCALENDAR\r\n");

  // The List-Unsubscribe link switches this kind off; the next reminder is not emailed.
  std::string unsubscribe = mail["list_unsubscribe"];
  ASSERT_EQ(unsubscribe.rfind("<http://pacte.test/p/notifications/unsubscribe?", 0), 0u) << unsubscribe;
  std::string target = unsubscribe.substr(std::string("<http://pacte.test").size());
  target.pop_back();
  auto page = http(server.port(), "GET", target);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("vous ne recevrez plus de messages concernant les signatures"), std::string::npos) << page.body;
  auto prefs = api(server.port(), member.token, "notifications.prefs.get").json()["result"];
  EXPECT_EQ(prefs["email"]["signature"], false);
  EXPECT_EQ(prefs["email"]["mention"], true);
  auto bad = http(server.port(), "GET", "/p/notifications/unsubscribe?t=nope&k=signature&confirm=1");
  EXPECT_EQ(bad.status, 404);

  api(server.port(), owner.token, "rappels.send", {{"workspace", copil}, {"person", member.id}, {"title", "Second rappel"}});
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM email_outbox WHERE to_address = 'equipe@biollay.example'"), 1);
  // Still in the app, and read markers sync to the other tabs.
  auto list = api(server.port(), member.token, "notifications.list", {{"unread_only", true}}).json()["result"];
  ASSERT_EQ(list["unread"], 2);
  auto read = api(server.port(), member.token, "notifications.mark_read", {{"ids", Json::array({list["notifications"][0]["id"]})}});
  EXPECT_EQ(read.json()["result"]["unread"], 1);
  auto synced = ws.wait_event("notifications.read");
  ASSERT_TRUE(synced);
  EXPECT_EQ((*synced)["data"]["unread"], 1);
  // Nobody marks someone else's notifications.
  api(server.port(), owner.token, "notifications.mark_read", {{"ids", Json::array({list["notifications"][1]["id"]})}});
  EXPECT_EQ(api(server.port(), member.token, "notifications.list").json()["result"]["unread"], 1);
}

TEST(Notifications, SmtpDownThenUpLosesNothingAndSendsNothingTwice) {
  SmtpSink sink(free_port());  // not started yet: the SMTP server is down
  pacte::ManualClock clock(at("2026-06-01T08:00:00Z"));
  TestServer server(with_email(sink.port(), clock));
  auto owner = sign_in(server, "equipe@ville-chambery.example");
  auto member = sign_in(server, "equipe@biollay.example");
  std::int64_t copil = workspace_id(server.port(), owner.token, "copil");
  for (int i = 1; i <= 5; ++i)
    ASSERT_EQ(api(server.port(), owner.token, "rappels.send",
                  {{"workspace", copil}, {"person", member.id}, {"title", "Rappel n°" + std::to_string(i)}}).status, 200);
  // Every message has failed once and waits for its retry.
  ASSERT_TRUE(wait_until([&] {
    return scalar(server, "SELECT COUNT(*) FROM email_outbox WHERE status = 'pending' AND attempts >= 1") == 5;
  }));
  auto pending = api(server.port(), login(server.port(), "admin@pacte.example"), "admin.outbox.list", {{"status", "pending"}});
  ASSERT_EQ(pending.json()["result"]["messages"].size(), 5u);
  EXPECT_FALSE(pending.json()["result"]["messages"][0]["last_error"].is_null());

  sink.start();
  clock.advance(std::chrono::hours(1));  // past every backoff
  ASSERT_TRUE(wait_until([&] { return scalar(server, "SELECT COUNT(*) FROM email_outbox WHERE status = 'sent'") == 5; }));
  std::multiset<std::string> subjects;
  for (auto& m : sink.to("equipe@biollay.example")) subjects.insert(m["subject"].get<std::string>());
  ASSERT_EQ(subjects.size(), 5u);
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(subjects.count("Rappel n°" + std::to_string(i)), 1u) << i;
}

TEST(Notifications, AMessageThatKeepsFailingIsDeadLetteredAndAnAdminCanRetryIt) {
  SmtpSink sink(free_port());
  pacte::ManualClock clock(at("2026-06-01T08:00:00Z"));
  TestServer server(with_email(sink.port(), clock, 2));
  auto owner = sign_in(server, "equipe@ville-chambery.example");
  auto member = sign_in(server, "equipe@biollay.example");
  std::int64_t copil = workspace_id(server.port(), owner.token, "copil");
  api(server.port(), owner.token, "rappels.send", {{"workspace", copil}, {"person", member.id}, {"title", "Rappel"}});
  ASSERT_TRUE(wait_until([&] { return scalar(server, "SELECT attempts FROM email_outbox") == 1; }));
  clock.advance(std::chrono::hours(1));
  ASSERT_TRUE(wait_until([&] { return scalar(server, "SELECT COUNT(*) FROM email_outbox WHERE status = 'dead'") == 1; }));
  std::string admin = login(server.port(), "admin@pacte.example");
  auto dead = api(server.port(), admin, "admin.outbox.list", {{"status", "dead"}}).json()["result"]["messages"];
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0]["to"], "equipe@biollay.example");
  EXPECT_EQ(api(server.port(), owner.token, "admin.outbox.retry", {{"id", dead[0]["id"]}}).status, 403);
  sink.start();
  ASSERT_EQ(api(server.port(), admin, "admin.outbox.retry", {{"id", dead[0]["id"]}}).status, 200);
  ASSERT_TRUE(wait_until([&] { return sink.to("equipe@biollay.example").size() == 1; }));
}

TEST(Notifications, DigestPreferencesPerPersonAndPerWorkspace) {
  SmtpSink sink(free_port());
  sink.start();
  pacte::ManualClock clock(at("2026-06-01T08:30:00Z"));
  TestServer server(with_email(sink.port(), clock));
  auto owner = sign_in(server, "equipe@ville-chambery.example");
  auto member = sign_in(server, "equipe@biollay.example");
  std::int64_t copil = workspace_id(server.port(), owner.token, "copil");
  auto mention = [&](const std::string& body) {
    return api(server.port(), member.token, "chat.create_thread",
               {{"workspace", copil}, {"title", "Fil"}, {"body", "@[Ville](person:" + std::to_string(owner.id) + ") " + body}});
  };
  // "never" for this workspace: in the app only.
  auto set = api(server.port(), owner.token, "notifications.prefs.set", {{"workspace", copil}, {"workspace_digest", "never"}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["result"]["workspaces"][std::to_string(copil)], "never");
  mention("un");
  clock.advance(std::chrono::hours(25));
  api(server.port(), owner.token, "session.me");
  EXPECT_EQ(api(server.port(), owner.token, "notifications.list").json()["result"]["unread"], 1);
  // "immediately": one email per notification.
  api(server.port(), owner.token, "notifications.prefs.set", {{"workspace", copil}, {"workspace_digest", "immediately"}});
  mention("deux");
  ASSERT_TRUE(wait_until([&] { return sink.to("equipe@ville-chambery.example").size() == 1; }));
  EXPECT_NE(sink.to("equipe@ville-chambery.example")[0]["text"].get<std::string>().find("deux"), std::string::npos);
  // "daily" (the override removed, person default set): at the next 08:00 UTC, read ones skipped.
  api(server.port(), owner.token, "notifications.prefs.set", {{"workspace", copil}, {"workspace_digest", nullptr}});
  api(server.port(), owner.token, "notifications.prefs.set", {{"digest", "daily"}});
  mention("trois");
  mention("quatre");
  auto unread = api(server.port(), owner.token, "notifications.list", {{"unread_only", true}}).json()["result"]["notifications"];
  api(server.port(), owner.token, "notifications.mark_read", {{"ids", Json::array({unread[0]["id"]})}});  // "quatre" read in the app
  clock.advance(std::chrono::hours(12));  // 21:30: not yet
  api(server.port(), owner.token, "session.me");
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM email_outbox"), 1);
  clock.advance(std::chrono::hours(11));  // 08:30 the next day: the 08:00 digest is due
  ASSERT_TRUE(wait_until([&] { return sink.to("equipe@ville-chambery.example").size() == 2; }));
  std::string text = sink.to("equipe@ville-chambery.example")[1]["text"];
  EXPECT_NE(text.find("trois"), std::string::npos) << text;
  EXPECT_EQ(text.find("quatre"), std::string::npos) << text;
  // Bad input gets a clear error.
  auto bad = api(server.port(), owner.token, "notifications.prefs.set", {{"digest", "weekly"}});
  EXPECT_EQ(bad.status, 400);
  auto half = api(server.port(), owner.token, "notifications.prefs.set", {{"workspace", copil}});
  EXPECT_EQ(half.status, 400);
}

TEST(Notifications, PasswordResetRequestEmailsALinkWithoutRevealingWhoHasAnAccount) {
  SmtpSink sink(free_port());
  sink.start();
  pacte::ManualClock clock(at("2026-06-01T08:00:00Z"));
  TestServer server(with_email(sink.port(), clock));
  auto ask = [&](const std::string& email) {
    return http(server.port(), "POST", "/api/password.reset_request", Json{{"email", email}}.dump(),
                {{"Content-Type", "application/json"}, {"Origin", kOrigin}});
  };
  auto known = ask("equipe@biollay.example");
  auto unknown = ask("personne@example.org");
  EXPECT_EQ(known.status, 200) << known.body;
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(known.body, unknown.body);
  ASSERT_TRUE(wait_until([&] { return sink.to("equipe@biollay.example").size() == 1; }));
  ask("equipe@biollay.example");  // a second request within 15 minutes sends nothing more
  std::string token = token_from(sink.to("equipe@biollay.example")[0]["text"], "reset");
  ASSERT_FALSE(token.empty());
  auto set = http(server.port(), "POST", "/api/password.set", Json{{"token", token}, {"password", "nouveau mot de passe long"}}.dump(),
                  {{"Content-Type", "application/json"}, {"Origin", kOrigin}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_NO_THROW(login(server.port(), "equipe@biollay.example", "nouveau mot de passe long"));
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM email_outbox"), 1);
  EXPECT_TRUE(sink.to("personne@example.org").empty());
}

TEST(Notifications, AConnectionFollowsALanguageChangeAtOnce) {
  TestServer server;
  auto member = sign_in(server, "equipe@biollay.example");
  WsClient ws(server.port(), {.cookie = member.token});
  Json fr = ws.request("notifications.mark_read", Json::object());
  EXPECT_EQ(fr["error"]["message_fr"], "indiquez ids ou all: true");
  ASSERT_EQ(ws.request("session.set_locale", {{"locale", "en"}})["ok"], true);
  Json en = ws.request("notifications.mark_read", Json::object());
  EXPECT_EQ(en["error"]["message"], "give ids or all: true");
  EXPECT_FALSE(en["error"].contains("message_fr")) << en.dump() << " / " << fr.dump();  // English from now on, without reconnecting
}

TEST(Notifications, AThreadGivesEachFollowerOneUnreadReplyNoticeUntilItIsRead) {
  TestServer server;
  auto owner = sign_in(server, "equipe@ville-chambery.example");
  auto member = sign_in(server, "equipe@biollay.example");
  std::int64_t copil = workspace_id(server.port(), owner.token, "copil");
  auto created = api(server.port(), owner.token, "chat.create_thread",
                     {{"workspace", copil}, {"title", "Calendrier"}, {"body", "Quelles dates ?"}});
  ASSERT_EQ(created.status, 200) << created.body;
  Json thread = created.json()["result"]["thread"]["id"];
  auto replies = [&] {
    Json list = api(server.port(), owner.token, "notifications.list", {{"unread_only", true}}).json()["result"];
    int n = 0;
    for (auto& item : list["notifications"]) n += item["kind"] == "reply";
    return n;
  };
  for (const char* body : {"Le 12 mars ?", "Ou le 19.", "Le 12 nous va mieux."})
    ASSERT_EQ(api(server.port(), member.token, "chat.post", {{"thread", thread}, {"body", body}}).status, 200);
  // Three replies, one notice: the thread's notice waits to be read.
  EXPECT_EQ(replies(), 1);
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM notifications WHERE kind = 'reply'"), 1);
  ASSERT_EQ(api(server.port(), owner.token, "notifications.mark_read", {{"all", true}}).status, 200);
  EXPECT_EQ(replies(), 0);
  // Read, it re-arms: the next reply is a new notice.
  ASSERT_EQ(api(server.port(), member.token, "chat.post", {{"thread", thread}, {"body", "Confirmé."}}).status, 200);
  EXPECT_EQ(replies(), 1);
  // The author of a message is never notified of it.
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM notifications WHERE person_id = " + std::to_string(member.id)), 0);
}
