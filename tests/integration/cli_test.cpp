// The operator's command line (`pacte user …`, `pacte org …`) on a server's data folder.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "support/test_server.hpp"

using namespace pacte::test;

namespace {
/// Runs the pacte binary; returns its exit code and standard output.
std::pair<int, std::string> pacte_cli(const std::string& args) {
  std::string cmd = std::string(PACTE_BINARY) + " " + args + " --config " + PACTE_SOURCE_DIR + "/config/server.json 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
  int status = pclose(p);
  return {WEXITSTATUS(status), out};
}
}  // namespace

TEST(Cli, AnOperatorAddsAPersonWhoSetsAPasswordAndDisablesThemLater) {
  TestServer server;
  std::string data = server.data_dir().string();
  auto [code, out] = pacte_cli("user add --data " + data + " --email Nouveau.Directeur@caf73.example --name 'Nouveau Directeur' --org caf --capacity Directeur");
  ASSERT_EQ(code, 0) << out;
  auto pos = out.find("invitation=");
  ASSERT_NE(pos, std::string::npos) << out;
  std::string token = out.substr(pos + 11, 43);
  auto set = http(server.port(), "POST", "/api/password.set", Json{{"token", token}, {"password", "mot de passe du directeur"}}.dump());
  ASSERT_EQ(set.status, 200) << set.body;
  std::string session = login(server.port(), "nouveau.directeur@caf73.example", "mot de passe du directeur");
  auto me = api(server.port(), session, "session.me").json();
  EXPECT_EQ(me["result"]["organisations"][0]["key"], "caf");
  EXPECT_EQ(me["result"]["organisations"][0]["capacity"], "Directeur");
  // The same email twice is refused.
  EXPECT_NE(pacte_cli("user add --data " + data + " --email nouveau.directeur@caf73.example --name X").first, 0);

  auto [list_code, list] = pacte_cli("user list --json --data " + data);
  ASSERT_EQ(list_code, 0);
  Json people = Json::parse(list);
  EXPECT_EQ(people.size(), 22u);  // the 21 demo accounts and this one

  // Disabled from the command line while connected: the running server closes the socket.
  WsClient ws(server.port(), {.cookie = session});
  ws.next();
  ASSERT_EQ(pacte_cli("user disable --data " + data + " --email nouveau.directeur@caf73.example").first, 0);
  EXPECT_EQ(ws.wait_close(std::chrono::seconds(10)), 4001);
  EXPECT_EQ(api(server.port(), session, "session.me").status, 401);
}

TEST(Cli, OrganisationsAreListedAndAdded) {
  TestServer server;
  std::string data = server.data_dir().string();
  auto [code, out] = pacte_cli("org add --data " + data + " --pact chambery-2023 --key grand-chambery --name 'Grand Chambéry' --short GC --kind public_body");
  ASSERT_EQ(code, 0) << out;
  auto [lcode, list] = pacte_cli("org list --json --data " + data);
  ASSERT_EQ(lcode, 0);
  Json orgs = Json::parse(list);
  EXPECT_EQ(orgs.size(), 7u);
  EXPECT_EQ(orgs.back()["name"], "Grand Chambéry");
  EXPECT_NE(pacte_cli("org add --data " + data + " --pact chambery-2023 --key x --name X --short X --kind club").first, 0);
}
