// The operator's command line (`pacte user …`, `pacte org …`) on a server's data folder.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>

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

TEST(Cli, AReimportShowsWhatWouldChangeThenAppliesIt) {
  std::filesystem::path data_dir;
  {
    TestServer first;  // imports the demo pact, then stops: the operator edits between two starts
    first.keep_data();
    data_dir = first.data_dir();
  }
  std::string data = data_dir.string();
  // A copy of the demo governance with a new partner, its workspace, and a renamed one.
  auto dir = data_dir / "next" / "config";
  std::filesystem::create_directories(dir);
  std::ifstream in(std::string(PACTE_SOURCE_DIR) + "/config/pacts/chambery-2023.json");
  Json g = Json::parse(in);
  g["organisations"].push_back({{"key", "grand-chambery"}, {"name", "Grand Chambéry"}, {"short", "GC"}, {"kind", "public_body"}});
  g["workspaces"].push_back({{"key", "rt-mobilite"}, {"kind", "rencontre_thematique"}, {"name", "Rencontre thématique — Mobilité"},
                             {"members", {{{"organisation", "ville"}, {"role", "owner"}}, {{"organisation", "grand-chambery"}, {"role", "member"}}}}});
  for (auto& w : g["workspaces"])
    if (w["key"] == "copil") w["name"] = "Comité de pilotage du pacte";
  std::ofstream(dir / "pact.json") << g.dump(2);
  std::ofstream(dir / "server.json") << Json{{"pacts", {"config/pact.json"}}}.dump();
  std::string base = std::string(PACTE_BINARY) + " governance %s --config " + (dir / "server.json").string() + " --data " + data + " 2>&1";
  auto run = [&](const char* sub) {
    char cmd[4096];
    std::snprintf(cmd, sizeof cmd, base.c_str(), sub);
    FILE* p = popen(cmd, "r");
    std::string out;
    std::array<char, 4096> buf;
    while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
    return std::make_pair(WEXITSTATUS(pclose(p)), out);
  };
  auto [dcode, diff] = run("diff");
  ASSERT_EQ(dcode, 0) << diff;
  EXPECT_NE(diff.find("+ organisation grand-chambery"), std::string::npos) << diff;
  EXPECT_NE(diff.find("+ workspace rt-mobilite"), std::string::npos) << diff;
  EXPECT_NE(diff.find("~ workspace copil renamed"), std::string::npos) << diff;
  auto [dcode2, diff2] = run("diff");
  EXPECT_EQ(diff, diff2);  // a diff changes nothing
  auto [acode, applied] = run("apply");
  ASSERT_EQ(acode, 0) << applied;
  auto [ncode, none] = run("diff");
  EXPECT_NE(none.find("no change"), std::string::npos) << none;
  TestServer again(data_dir, {});
  std::string ville = login(again.port(), "equipe@ville-chambery.example");
  Json list = api(again.port(), ville, "workspaces.list").json();
  bool mobility = false, renamed = false;
  for (auto& w : list["result"]["workspaces"]) {
    mobility = mobility || w["key"] == "rt-mobilite";
    renamed = renamed || w["name"] == "Comité de pilotage du pacte";
  }
  EXPECT_TRUE(mobility);
  EXPECT_TRUE(renamed);
}
