#include "core/database.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace pacte;

TEST(Database, MigrationsRunOnceAndInOrder) {
  Database db(":memory:");
  std::vector<Migration> ms = {{2, "INSERT INTO t(v) VALUES ('second')"}, {1, "CREATE TABLE t(v TEXT)"}};
  db.migrate("mod", ms);
  db.migrate("mod", ms);  // nothing new: no second insert
  auto& q = db.prepare("SELECT COUNT(*), MAX(v) FROM t");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.int64(0), 1);
  EXPECT_EQ(q.text(1), "second");
  q.reset();
  EXPECT_EQ(db.schema_version("mod"), 2);
  EXPECT_EQ(db.schema_version("other"), 0);
}

TEST(Database, AFailingMigrationLeavesNothingBehind) {
  Database db(":memory:");
  EXPECT_THROW(db.migrate("m", {{1, "CREATE TABLE a(x); INSERT INTO nope VALUES (1)"}}), SqlError);
  EXPECT_EQ(db.schema_version("m"), 0);
  auto& q = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'a'");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.int64(0), 0);
}

TEST(Database, RefusesADatabaseNewerThanTheBinary) {
  Database db(":memory:");
  db.migrate("core", {{1, "CREATE TABLE a(x)"}, {2, "CREATE TABLE b(x)"}});
  try {
    db.migrate("core", {{1, "CREATE TABLE a(x)"}});
    FAIL() << "expected a refusal";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
  }
}

TEST(Database, FileDatabaseUsesWalAndForeignKeys) {
  auto path = std::filesystem::temp_directory_path() / "pacte-db-test.sqlite3";
  std::filesystem::remove(path);
  {
    Database db(path.string());
    auto& j = db.prepare("PRAGMA journal_mode");
    ASSERT_TRUE(j.step());
    EXPECT_EQ(j.text(0), "wal");
    j.reset();
    auto& f = db.prepare("PRAGMA foreign_keys");
    ASSERT_TRUE(f.step());
    EXPECT_EQ(f.int64(0), 1);
    f.reset();
    auto& s = db.prepare("PRAGMA synchronous");
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.int64(0), 2);  // FULL
    s.reset();
    db.exec("CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INTEGER REFERENCES p(id))");
    EXPECT_THROW(db.exec("INSERT INTO c VALUES (42)"), SqlError);
    EXPECT_EQ(db.integrity_check(), "ok");
    auto copy = path.string() + ".copy";
    std::filesystem::remove(copy);
    db.exec("INSERT INTO p VALUES (1)");
    db.vacuum_into(copy);
    Database c(copy, DatabaseOptions{.read_only = true});
    auto& n = c.prepare("SELECT COUNT(*) FROM p");
    ASSERT_TRUE(n.step());
    EXPECT_EQ(n.int64(0), 1);
    n.reset();
    std::filesystem::remove(copy);
  }
  std::filesystem::remove(path);
}

TEST(Database, CachedStatementsAreResetWhenReused) {
  Database db(":memory:");
  db.exec("CREATE TABLE t(v INTEGER); INSERT INTO t VALUES (1), (2), (3)");
  auto& q = db.prepare("SELECT v FROM t WHERE v >= ? ORDER BY v");
  q.bind(1, 2);
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.int64(0), 2);
  // Re-obtained mid-iteration: starts over with cleared bindings.
  auto& again = db.prepare("SELECT v FROM t WHERE v >= ? ORDER BY v");
  EXPECT_EQ(&again, &q);
  again.bind(1, 3);
  ASSERT_TRUE(again.step());
  EXPECT_EQ(again.int64(0), 3);
  EXPECT_FALSE(again.step());
}
