// The signature trail's building blocks: RFC 8785 canonical JSON, the hash chain, the
// Ed25519 seals, the offline verifier, and the database triggers that keep the trail
// append-only.
#include "signatures/evidence_verifier.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>

#include <string>

#include "pacte/util.hpp"
#include "signatures/canonical_json.hpp"
#include "signatures/signatures_plugin.hpp"

using nlohmann::json;
using namespace pacte_signatures;

namespace {

std::string hex(const unsigned char* p, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

/// A small valid bundle: created, opened, signed, completed; sealed at the signature and
/// at the end, with a fresh key.
struct Fixture {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  json bundle;
  std::string fingerprint;

  Fixture() {
    EXPECT_GE(sodium_init(), 0);
    crypto_sign_keypair(pk, sk);
    std::string text = "Article 1 : objet.\nArticle 5 : durée de deux ans.\n";
    std::string version_hash = pacte::sha256_hex(text);
    json trail = json::array();
    std::string prev = kGenesisHash;
    auto add = [&](const char* type, json data) {
      json entry = {{"v", 1},
                    {"campaign", 7},
                    {"seq", trail.size() + 1},
                    {"type", type},
                    {"at", "2024-02-28T23:30:00.000Z"},
                    {"prev", prev},
                    {"data", data}};
      prev = entry_hash(entry);
      trail.push_back({{"entry", entry}, {"hash", prev}});
    };
    json seals = json::array();
    auto seal = [&](const char* reason) {
      json s = {{"v", 1},          {"purpose", kSealPurpose},
                {"campaign", 7},   {"seq", trail.size()},
                {"head", prev},    {"at", "2024-02-28T23:30:00.000Z"},
                {"reason", reason}};
      std::string msg = seal_message(s);
      unsigned char sig[crypto_sign_BYTES];
      crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(msg.data()),
                           msg.size(), sk);
      seals.push_back({{"seal", s}, {"signature", hex(sig, sizeof sig)}});
    };
    add("created", {{"version_hash", version_hash}, {"title", "Pacte"}});
    add("opened", {{"signatory", 1}});
    add("signed", {{"signatory", 1}, {"version_hash", version_hash}, {"name", "Agnès Daffos"}});
    seal("signature");
    add("completed", {{"effective", "2024-02-29"}});
    seal("completion");
    fingerprint = pacte::sha256_hex(std::string(reinterpret_cast<const char*>(pk), sizeof pk));
    bundle = {{"format", kBundleFormat},
              {"version", 1},
              {"text", text},
              {"version_hash", version_hash},
              {"public_key", hex(pk, sizeof pk)},
              {"fingerprint", fingerprint},
              {"trail", trail},
              {"seals", seals}};
  }
};

bool mentions(const VerifyReport& r, const std::string& what) {
  for (auto& p : r.problems)
    if (p.find(what) != std::string::npos) return true;
  return false;
}

std::string all(const VerifyReport& r) {
  std::string out;
  for (auto& p : r.problems) out += p + "\n";
  return out;
}

}  // namespace

TEST(SignaturesCanonicalJson, SortsMembersByUtf16CodeUnitsAndEscapesLikeEcmaScript) {
  // The member-sorting example of RFC 8785 §3.2.3.
  json v = json::parse(
      R"({"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh",
    "1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"})");
  std::string c = canonical_json(v);
  auto pos = [&](const char* s) { return c.find(s); };
  EXPECT_LT(pos("Carriage"), pos("One"));
  EXPECT_LT(pos("One"), pos("Control"));
  EXPECT_LT(pos("Control"), pos("Latin"));
  EXPECT_LT(pos("Latin"), pos("Euro"));
  EXPECT_LT(pos("Euro"), pos("Emoji"));  // a surrogate pair sorts before U+FB33
  EXPECT_LT(pos("Emoji"), pos("Hebrew"));
  EXPECT_EQ(canonical_json(json::parse(R"({"b":[1,-2,true,null],"a":"x\"y\\z\n\u0001é"})")),
            "{\"a\":\"x\\\"y\\\\z\\n\\u0001é\",\"b\":[1,-2,true,null]}");
  EXPECT_EQ(canonical_json(json::parse(R"({"k": {"z": 1, "a": {}}, "e": []})")),
            R"({"e":[],"k":{"a":{},"z":1}})");
  EXPECT_THROW(canonical_json(json::parse("1.5")), CanonicalJsonError);
}

TEST(SignaturesTrail, AnIntactBundleVerifiesAgainstItsKey) {
  Fixture f;
  VerifyReport r = EvidenceVerifier::verify(f.bundle, f.fingerprint);
  EXPECT_TRUE(r.ok()) << all(r);
  EXPECT_EQ(r.entries, 4u);
  EXPECT_EQ(r.seals, 2u);
  // The fingerprint as printed (grouped, upper case) is accepted too.
  std::string printed = group_fingerprint(f.fingerprint);
  for (auto& ch : printed) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_TRUE(EvidenceVerifier::verify(f.bundle, printed).ok());
}

TEST(SignaturesTrail, DetectsAnAlteredEntry) {
  Fixture f;
  f.bundle["trail"][2]["entry"]["data"]["name"] = "Quelqu'un d'autre";
  VerifyReport r = EvidenceVerifier::verify(f.bundle, f.fingerprint);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(mentions(r, "entry 3 (signed) was altered")) << all(r);
}

TEST(SignaturesTrail, DetectsAnAlteredEntryWhoseHashWasRecomputed) {
  Fixture f;
  f.bundle["trail"][1]["entry"]["data"]["signatory"] = 2;
  f.bundle["trail"][1]["hash"] = entry_hash(f.bundle["trail"][1]["entry"]);
  VerifyReport r = EvidenceVerifier::verify(f.bundle, f.fingerprint);
  EXPECT_TRUE(mentions(r, "entry 3 does not follow the entry before it")) << all(r);
}

TEST(SignaturesTrail, DetectsARemovedEntry) {
  Fixture f;
  f.bundle["trail"].erase(1);
  VerifyReport r = EvidenceVerifier::verify(f.bundle, f.fingerprint);
  EXPECT_TRUE(mentions(r, "entry 2 is missing (removed from the trail)")) << all(r);
  EXPECT_TRUE(mentions(r, "entry 3 does not follow the entry before it")) << all(r);
  EXPECT_EQ(r.problems.size(), 2u) << all(r);
}

TEST(SignaturesTrail, DetectsARemovedLastEntryThroughTheSeal) {
  Fixture f;
  f.bundle["trail"].erase(3);
  VerifyReport r = EvidenceVerifier::verify(f.bundle, f.fingerprint);
  EXPECT_TRUE(mentions(r, "refers to entry 4, which is missing")) << all(r);
}

TEST(SignaturesTrail, DetectsReorderedEntries) {
  Fixture f;
  std::swap(f.bundle["trail"][1], f.bundle["trail"][2]);
  VerifyReport r = EvidenceVerifier::verify(f.bundle, f.fingerprint);
  EXPECT_TRUE(mentions(r, "entry 2 comes after entry 3: entries were reordered or duplicated"))
      << all(r);
  EXPECT_TRUE(mentions(r, "does not follow")) << all(r);
}

TEST(SignaturesTrail, DetectsAWrongSealAndAWrongKey) {
  Fixture f;
  json forged = f.bundle;
  std::string sig = forged["seals"][1]["signature"];
  sig[0] = sig[0] == 'a' ? 'b' : 'a';
  forged["seals"][1]["signature"] = sig;
  VerifyReport r = EvidenceVerifier::verify(forged, f.fingerprint);
  EXPECT_TRUE(mentions(r, "seal 2 (completion, at entry 4) is invalid")) << all(r);

  // A seal moved to another head no longer verifies either.
  json moved = f.bundle;
  moved["seals"][0]["seal"]["seq"] = 4;
  moved["seals"][0]["seal"]["head"] = moved["trail"][3]["hash"];
  EXPECT_TRUE(mentions(EvidenceVerifier::verify(moved, f.fingerprint),
                       "seal 1 (signature, at entry 4) is invalid"));

  // The whole bundle re-signed with another key: everything verifies but the key.
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  json other = f.bundle;
  other["public_key"] = hex(pk, sizeof pk);
  other["fingerprint"] = fingerprint_of(other["public_key"].get<std::string>());
  for (auto& s : other["seals"]) {
    std::string msg = seal_message(s["seal"]);
    unsigned char sig2[crypto_sign_BYTES];
    crypto_sign_detached(sig2, nullptr, reinterpret_cast<const unsigned char*>(msg.data()),
                         msg.size(), sk);
    s["signature"] = hex(sig2, sizeof sig2);
  }
  VerifyReport k = EvidenceVerifier::verify(other, f.fingerprint);
  ASSERT_EQ(k.problems.size(), 1u) << all(k);
  EXPECT_TRUE(mentions(k, "key mismatch")) << all(k);
}

TEST(SignaturesTrail, DetectsAnAlteredText) {
  Fixture f;
  f.bundle["text"] = f.bundle["text"].get<std::string>() + " ";
  EXPECT_TRUE(
      mentions(EvidenceVerifier::verify(f.bundle, f.fingerprint), "frozen text was altered"));
}

TEST(SignaturesTrail, TheDatabaseRefusesUpdatesAndDeletesOfTheTrail) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  SignaturesPlugin plugin;
  for (auto& m : plugin.migrations())
    ASSERT_EQ(sqlite3_exec(db, m.sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "INSERT INTO signatures_trail VALUES (1, 1, 'created', 't', '{}', 'h')",
                   nullptr, nullptr, nullptr),
      SQLITE_OK);
  char* err = nullptr;
  EXPECT_NE(
      sqlite3_exec(db, "UPDATE signatures_trail SET body = '{\"x\":1}'", nullptr, nullptr, &err),
      SQLITE_OK);
  ASSERT_NE(err, nullptr);
  EXPECT_NE(std::string(err).find("append-only"), std::string::npos);
  sqlite3_free(err);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM signatures_trail", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(
      sqlite3_exec(
          db,
          "INSERT INTO signatures_seals(campaign_id, seq, body, signature) VALUES (1,1,'{}','s')",
          nullptr, nullptr, nullptr),
      SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM signatures_seals", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM signatures_trail", -1, &q, nullptr);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(q, 0), 1);
  sqlite3_finalize(q);
  sqlite3_close(db);
}

// Found by tests/fuzz/evidence_fuzz: members of an unexpected type (a trail item that is a
// number, a "data" that is a string, a seal's "seq" given as text) made json::value()
// throw out of verify(). A file handed to `pacte verify` gets a report, whatever it holds.
TEST(SignaturesTrail, MembersOfUnexpectedTypesGetProblemsNotExceptions) {
  Fixture f;
  json odd = f.bundle;
  odd["trail"].insert(odd["trail"].begin(), 5);
  VerifyReport r = EvidenceVerifier::verify(odd, f.fingerprint);
  EXPECT_TRUE(mentions(r, "the 1th item of the trail is malformed")) << all(r);

  odd = f.bundle;
  odd["trail"][0]["entry"]["data"] = "x";
  odd["seals"][0]["seal"]["seq"] = "3";
  odd["trail"][2]["entry"]["data"]["version_hash"] = 7;
  r = EvidenceVerifier::verify(odd, f.fingerprint);
  EXPECT_TRUE(mentions(r, "entry 1 names another version hash")) << all(r);
  EXPECT_TRUE(mentions(r, "entry 3 is a signature of another version hash")) << all(r);
  EXPECT_TRUE(mentions(r, "refers to entry 0, which is missing")) << all(r);
}
