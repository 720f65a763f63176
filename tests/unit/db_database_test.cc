#include <sys/stat.h>

#include <array>

#include <gtest/gtest.h>

#include "engine/db/database.h"
#include "temp_dir.h"

namespace ward::db {
namespace {

class DbDatabase : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(dir_.ok()); }
  std::string path() const { return dir_.path() + "/test.db"; }

  test_support::TempDir dir_{"ward-db"};
};

constexpr std::array<Migration, 2> kMigrations = {{
    {"items", "CREATE TABLE items (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"},
    {"item notes", "CREATE TABLE notes (item TEXT NOT NULL REFERENCES items(name), text TEXT)"},
}};

std::int64_t count_items(Database& database) {
  auto statement = database.prepare("SELECT COUNT(*) FROM items", "count items");
  EXPECT_TRUE(statement) << statement.error().what();
  auto step = statement->step();
  EXPECT_TRUE(step && *step == Step::row);
  return statement->column_int64(0);
}

TEST_F(DbDatabase, OpensInWalModeWithPrivateFile) {
  auto database = Database::open(path());
  ASSERT_TRUE(database) << database.error().what();
  auto mode = database->prepare("PRAGMA journal_mode", "read the journal mode");
  ASSERT_TRUE(mode);
  ASSERT_EQ(*mode->step(), Step::row);
  EXPECT_EQ(mode->column_text(0), "wal");
  auto keys = database->prepare("PRAGMA foreign_keys", "read foreign keys");
  ASSERT_TRUE(keys);
  ASSERT_EQ(*keys->step(), Step::row);
  EXPECT_EQ(keys->column_int64(0), 1);
  struct stat st {};
  ASSERT_EQ(::stat(path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(DbDatabase, MigratesOnceAndRefusesNewerVersion) {
  auto database = Database::open(path());
  ASSERT_TRUE(database);
  EXPECT_EQ(*schema_version(*database), 0);
  ASSERT_TRUE(migrate(*database, std::span(kMigrations).first(1)));
  EXPECT_EQ(*schema_version(*database), 1);
  auto again = migrate(*database, kMigrations);
  ASSERT_TRUE(again) << again.error().what();
  EXPECT_EQ(*schema_version(*database), 2);
  ASSERT_TRUE(migrate(*database, kMigrations));  // nothing left to do
  EXPECT_EQ(*schema_version(*database), 2);

  auto older = migrate(*database, std::span(kMigrations).first(1));
  ASSERT_FALSE(older);
  EXPECT_TRUE(older.error().is(ErrorKind::unsupported));
  EXPECT_NE(older.error().message.find("schema version 2"), std::string::npos) << older.error().message;
}

TEST_F(DbDatabase, TransactionRollsBackWhenDestroyed) {
  auto database = Database::open(path());
  ASSERT_TRUE(database);
  ASSERT_TRUE(migrate(*database, kMigrations));
  {
    auto transaction = database->begin("insert an item");
    ASSERT_TRUE(transaction);
    ASSERT_TRUE(database->execute("INSERT INTO items VALUES ('a', 1)", "insert"));
    EXPECT_EQ(database->changes(), 1);
  }
  EXPECT_EQ(count_items(*database), 0);
  {
    auto transaction = database->begin("insert an item");
    ASSERT_TRUE(transaction);
    auto insert = database->prepare("INSERT INTO items VALUES (?1, ?2)", "insert an item");
    ASSERT_TRUE(insert);
    ASSERT_TRUE(insert->bind(1, std::string_view("b")));
    ASSERT_TRUE(insert->bind(2, std::int64_t{7}));
    ASSERT_TRUE(insert->run());
    ASSERT_TRUE(transaction->commit());
  }
  EXPECT_EQ(count_items(*database), 1);
  auto read = database->prepare("SELECT name, value FROM items", "read items");
  ASSERT_TRUE(read);
  ASSERT_EQ(*read->step(), Step::row);
  EXPECT_EQ(read->column_text(0), "b");
  EXPECT_EQ(read->column_int64(1), 7);
  EXPECT_EQ(*read->step(), Step::done);
}

TEST_F(DbDatabase, UniqueViolationIsAlreadyExists) {
  auto database = Database::open(path());
  ASSERT_TRUE(database);
  ASSERT_TRUE(migrate(*database, kMigrations));
  ASSERT_TRUE(database->execute("INSERT INTO items VALUES ('a', 1)", "insert"));
  auto insert = database->prepare("INSERT INTO items VALUES ('a', 2)", "add item a");
  ASSERT_TRUE(insert);
  auto result = insert->run();
  ASSERT_FALSE(result);
  EXPECT_TRUE(result.error().is(ErrorKind::already_exists)) << result.error().what();
  EXPECT_NE(result.error().message.find("add item a"), std::string::npos) << result.error().message;

  auto orphan = database->prepare("INSERT INTO notes VALUES ('missing', 'x')", "add a note");
  ASSERT_TRUE(orphan);
  auto refused = orphan->run();
  ASSERT_FALSE(refused);  // foreign keys are on
  EXPECT_FALSE(refused.error().is(ErrorKind::already_exists));
}

TEST_F(DbDatabase, SecondWriterIsBusyWhileFirstHoldsTheLock) {
  auto first = Database::open(path());
  auto second = Database::open(path());
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(migrate(*first, kMigrations));
  ASSERT_TRUE(second->execute("PRAGMA busy_timeout = 50", "shorten the busy timeout"));
  auto held = first->begin("hold the lock");
  ASSERT_TRUE(held);
  auto blocked = second->begin("take the lock");
  ASSERT_FALSE(blocked);
  EXPECT_TRUE(blocked.error().is(ErrorKind::in_use)) << blocked.error().what();
  EXPECT_NE(blocked.error().message.find("take the lock"), std::string::npos);
  // Readers are not blocked by the writer (WAL).
  EXPECT_EQ(count_items(*second), 0);
  ASSERT_TRUE(held->commit());
  auto now = second->begin("take the lock");
  EXPECT_TRUE(now) << now.error().what();
}

TEST_F(DbDatabase, BlobsAndNullsRoundTrip) {
  auto database = Database::open(path());
  ASSERT_TRUE(database);
  ASSERT_TRUE(database->execute("CREATE TABLE t (a BLOB, b TEXT)", "create"));
  auto insert = database->prepare("INSERT INTO t VALUES (?1, ?2)", "insert");
  ASSERT_TRUE(insert);
  ASSERT_TRUE(insert->bind_blob(1, std::string_view("a\0b", 3)));
  ASSERT_TRUE(insert->bind_null(2));
  ASSERT_TRUE(insert->run());
  auto read = database->prepare("SELECT a, b FROM t", "read");
  ASSERT_TRUE(read);
  ASSERT_EQ(*read->step(), Step::row);
  EXPECT_EQ(read->column_blob(0), std::string("a\0b", 3));
  EXPECT_TRUE(read->column_is_null(1));
  EXPECT_EQ(read->column_text(1), "");
}

}  // namespace
}  // namespace ward::db
