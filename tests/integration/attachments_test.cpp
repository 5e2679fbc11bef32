// Attachments: upload over HTTP with its own limit, linked to a message, downloaded by
// members only, never served as a page.
#include <gtest/gtest.h>

#include <sodium.h>

#include <cstdlib>
#include <fstream>

#include "support/test_server.hpp"

using namespace pacte::test;

namespace {
HttpResponse upload(TestServer& s, const std::string& token, std::int64_t ws, const std::string& name,
                    const std::string& type, const std::string& body, const std::string& origin = kOrigin) {
  return http(s.port(), "POST", "/api/attachments.upload?workspace=" + std::to_string(ws) + "&name=" + name, body,
              {{"Cookie", "pacte_session=" + token}, {"Origin", origin}, {"Content-Type", type}});
}
std::string sha256(const std::string& data) {
  unsigned char d[32];
  crypto_hash_sha256(d, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, d, sizeof d);
  return hex;
}
}  // namespace

TEST(Attachments, UploadSendDownloadWithPermissionsAndSafeHeaders) {
  TestServer server({.configure = [](pacte::ServerConfig& c) { c.limits.max_attachment_bytes = 200000; }});
  std::string ville = login(server.port(), "equipe@ville-chambery.example");
  std::string csab = login(server.port(), "equipe@biollay.example");
  std::string federation = login(server.port(), "equipe@federation-cs-2savoie.example");
  std::int64_t copil = workspace_id(server.port(), ville, "copil");
  std::string pdf = "%PDF-1.4 compte rendu " + std::string(150000, 'x');
  auto up = upload(server, ville, copil, "Compte%20rendu%20r%C3%A9union.pdf", "application/pdf", pdf);
  ASSERT_EQ(up.status, 200) << up.body;
  Json a = up.json()["result"]["attachment"];
  EXPECT_EQ(a["name"], "Compte rendu réunion.pdf");
  EXPECT_EQ(a["size"], pdf.size());
  EXPECT_EQ(a["sha256"], sha256(pdf));
  // Before it is sent, only the uploader sees it.
  EXPECT_EQ(http(server.port(), "GET", a["url"], "", {{"Cookie", "pacte_session=" + csab}}).status, 404);
  auto thread = api(server.port(), ville, "chat.create_thread",
                    {{"workspace", copil}, {"title", "CR"}, {"body", "Voici le compte rendu"}, {"attachments", {a["id"]}}}).json();
  ASSERT_EQ(thread["ok"], true) << thread;
  EXPECT_EQ(thread["result"]["message"]["attachments"][0]["id"], a["id"]);
  // It cannot be attached twice, nor by someone else.
  auto again = api(server.port(), ville, "chat.post", {{"thread", thread["result"]["thread"]["id"]}, {"body", "encore"}, {"attachments", {a["id"]}}});
  EXPECT_EQ(again.status, 404);
  // A member downloads it, as a download with its name, hash intact.
  auto got = http(server.port(), "GET", a["url"], "", {{"Cookie", "pacte_session=" + csab}});
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body, pdf);
  EXPECT_EQ(got.headers["content-type"], "application/pdf");
  EXPECT_EQ(got.headers["content-disposition"], "attachment; filename*=UTF-8''Compte%20rendu%20r%C3%A9union.pdf");
  EXPECT_EQ(got.headers["x-content-type-options"], "nosniff");
  // A non-member (the federation is not in the comité de pilotage) gets not_found.
  EXPECT_EQ(http(server.port(), "GET", a["url"], "", {{"Cookie", "pacte_session=" + federation}}).status, 404);
  EXPECT_EQ(http(server.port(), "GET", a["url"]).status, 401);
  // HTML is never served as a page.
  auto html = upload(server, ville, copil, "page.html", "text/html", "<script>alert(1)</script>");
  Json h = html.json()["result"]["attachment"];
  auto served = http(server.port(), "GET", h["url"], "", {{"Cookie", "pacte_session=" + ville}});
  EXPECT_EQ(served.headers["content-type"], "application/octet-stream");
  EXPECT_EQ(served.headers["content-disposition"].rfind("attachment;", 0), 0u);
  EXPECT_NE(served.headers["content-security-policy"].find("sandbox"), std::string::npos);
}

TEST(Attachments, LimitsAndRefusals) {
  TestServer server({.configure = [](pacte::ServerConfig& c) { c.limits.max_attachment_bytes = 2048; }});
  std::string ville = login(server.port(), "equipe@ville-chambery.example");
  std::string federation = login(server.port(), "equipe@federation-cs-2savoie.example");
  std::int64_t copil = workspace_id(server.port(), ville, "copil");
  EXPECT_EQ(upload(server, ville, copil, "big.bin", "application/octet-stream", std::string(4096, 'x')).status, 413);
  EXPECT_EQ(upload(server, federation, copil, "a.txt", "text/plain", "hello").status, 404);  // not a member
  EXPECT_EQ(upload(server, ville, copil, "a.txt", "text/plain", "hello", "http://evil.example").status, 403);
  EXPECT_EQ(upload(server, ville, copil, "a.txt", "text/plain", "").status, 400);
  EXPECT_EQ(http(server.port(), "POST", "/api/attachments.upload?workspace=1&name=a", "x").status, 401);
  // A forged credential is refused before anything reaches the disk.
  auto forged = http(server.port(), "POST", "/api/attachments.upload?workspace=" + std::to_string(copil) + "&name=x.bin",
                     "never stored", {{"Authorization", "Bearer forged-token"}, {"Content-Type", "text/plain"}});
  EXPECT_EQ(forged.status, 401);
  bool on_disk = false;
  if (std::filesystem::exists(server.data_dir() / "attachments"))
    for (auto& f : std::filesystem::recursive_directory_iterator(server.data_dir() / "attachments")) {
      if (!f.is_regular_file()) continue;
      std::ifstream in(f.path());
      std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      on_disk = on_disk || content == "never stored";
    }
  EXPECT_FALSE(on_disk);
  std::string traversal = "..%2F..%2Fetc%2Fpasswd";
  auto r = upload(server, ville, copil, traversal, "text/plain", "hello");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["result"]["attachment"]["name"], "....etcpasswd");
}

TEST(Chat, ReactionsPresenceAndTypingReachTheOthers) {
  TestServer server;
  std::string ville = login(server.port(), "equipe@ville-chambery.example");
  std::string csab = login(server.port(), "equipe@biollay.example");
  std::int64_t copil = workspace_id(server.port(), ville, "copil");
  WsClient a(server.port(), {.cookie = ville});
  a.next();
  a.subscribe();
  WsClient b(server.port(), {.cookie = csab});
  b.next();
  b.subscribe();
  std::optional<Json> presence;
  while ((presence = a.wait_event("presence.changed")) && (*presence)["data"]["online"].size() != 2u) {
  }
  ASSERT_TRUE(presence);
  auto t = a.request("chat.create_thread", {{"workspace", copil}, {"title", "Réactions"}, {"body", "D'accord ?"}});
  std::int64_t thread = t["result"]["thread"]["id"], msg = t["result"]["message"]["id"];
  ASSERT_EQ(b.request("chat.react", {{"message", msg}, {"emoji", "👍"}, {"add", true}})["ok"], true);
  auto reacted = a.wait_event("chat.reaction_changed");
  ASSERT_TRUE(reacted);
  EXPECT_EQ((*reacted)["data"]["reactions"]["👍"].size(), 1u);
  ASSERT_EQ(b.request("chat.typing", {{"workspace", copil}, {"thread", thread}})["ok"], true);
  auto typing = a.wait_event("chat.typing");
  ASSERT_TRUE(typing);
  EXPECT_EQ((*typing)["data"]["thread"], thread);
  EXPECT_EQ((*typing)["data"]["name"], "Équipe CSAB");
  // b leaves: presence shrinks for a.
  b.drop();
  std::optional<Json> after;
  while ((after = a.wait_event("presence.changed")) && (*after)["data"]["online"].size() != 1u) {
  }
  ASSERT_TRUE(after);
}

TEST(Export, AnOwnerExportsTheWholeWorkspaceAsATarThatTarReads) {
  TestServer server;
  std::string ville = login(server.port(), "equipe@ville-chambery.example");
  std::string csab = login(server.port(), "equipe@biollay.example");
  std::int64_t copil = workspace_id(server.port(), ville, "copil");
  Json a = upload(server, ville, copil, "ordre-du-jour.txt", "text/plain", "1. Bilan\n2. Calendrier\n").json()["result"]["attachment"];
  auto t = api(server.port(), ville, "chat.create_thread",
               {{"workspace", copil}, {"title", "Archives"}, {"body", "Premier jet"}, {"attachments", {a["id"]}}}).json();
  api(server.port(), ville, "chat.edit", {{"message", t["result"]["message"]["id"]}, {"body", "Version finale"}});
  // A member who is not an owner cannot export; a non-member does not see it.
  EXPECT_EQ(http(server.port(), "GET", "/export/" + std::to_string(copil) + ".tar", "", {{"Cookie", "pacte_session=" + csab}}).status, 403);
  auto r = http(server.port(), "GET", "/export/" + std::to_string(copil) + ".tar", "", {{"Cookie", "pacte_session=" + ville}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "application/x-tar");
  auto dir = server.data_dir() / "unpacked";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "export.tar", std::ios::binary) << r.body;
  ASSERT_EQ(std::system(("tar -xf " + (dir / "export.tar").string() + " -C " + dir.string()).c_str()), 0);
  std::ifstream json_in(dir / "workspace.json");
  Json exported = Json::parse(json_in);
  EXPECT_EQ(exported["workspace"]["key"], "copil");
  bool found = false;
  for (auto& th : exported["threads"])
    if (th["title"] == "Archives") {
      found = true;
      EXPECT_EQ(th["messages"][0]["body"], "Version finale");
      EXPECT_EQ(th["messages"][0]["previous_versions"][0]["body"], "Premier jet");
      EXPECT_EQ(th["messages"][0]["attachments"][0]["sha256"], a["sha256"]);
    }
  EXPECT_TRUE(found);
  std::ifstream file(dir / ("attachments/" + std::to_string(a["id"].get<int>()) + "-ordre-du-jour.txt"));
  std::string content((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "1. Bilan\n2. Calendrier\n");
}
