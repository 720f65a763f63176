// The metadata database (docs/STORE.md, ENGINE.md "State"): one SQLite
// file per store root, opened in WAL mode so readers never wait for the one
// writer, with a busy timeout so two `ward` commands queue instead of
// failing.  Every change that must be atomic is one Transaction, begun
// with BEGIN IMMEDIATE: it takes the write lock at the start, so two
// processes can never both read "free" and then both write "mine".
//
// sqlite3.h stays inside this module; callers see Database, Statement and
// Transaction, and errors that carry the statement's purpose and SQLite's
// own message, with kinds a caller can branch on:
//   UNIQUE or PRIMARY KEY violated   -> already_exists
//   BUSY, LOCKED (timeout expired)   -> in_use
//   READONLY, PERM, CANTOPEN by mode -> permission_denied
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "util/error.h"

// SQLite's handles, named here so that its header stays in this module.
struct sqlite3;
struct sqlite3_stmt;

namespace ward::db {

enum class Step : std::uint8_t { row, done };

// One prepared statement.  It must not outlive the Database that made it.
// Parameters are 1-based as in SQL's ?1, ?2; columns are 0-based.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  [[nodiscard]] Result<> bind(int index, std::int64_t value);
  [[nodiscard]] Result<> bind(int index, std::string_view text);  // TEXT
  [[nodiscard]] Result<> bind_blob(int index, std::string_view bytes);
  [[nodiscard]] Result<> bind_null(int index);

  // The next row, or done.
  [[nodiscard]] Result<Step> step();
  // Steps to the end, for statements that return no rows (INSERT, ...).
  [[nodiscard]] Result<> run();

  [[nodiscard]] bool column_is_null(int index) const;
  [[nodiscard]] std::int64_t column_int64(int index) const;
  [[nodiscard]] std::string column_text(int index) const;  // "" for NULL
  [[nodiscard]] std::string column_blob(int index) const;  // "" for NULL

  // Ready to step again from the start, with no parameter bound.
  void reset();

 private:
  friend class Database;
  Statement(sqlite3* connection, sqlite3_stmt* statement, std::string purpose)
      : connection_(connection), statement_(statement), purpose_(std::move(purpose)) {}
  [[nodiscard]] Error error(int code, std::string_view what) const;

  sqlite3* connection_ = nullptr;
  sqlite3_stmt* statement_ = nullptr;
  std::string purpose_;  // "find layer", named in every error
};

class Transaction;

class Database {
 public:
  // Opens (creating it with mode 0600) the database file at `path`: WAL,
  // synchronous=NORMAL (a commit survives a process crash; a power loss
  // may lose the last commits but never corrupts), busy_timeout 5 s,
  // foreign_keys=ON.
  [[nodiscard]] static Result<Database> open(const std::string& path);
  // A read-only database in memory made from `bytes`, a database file that
  // may be hostile (another system's, from an image): opened in SQLite's
  // defensive mode with triggers, views and untrusted schema functions
  // off, and cell checks on.  A WAL-mode file is read as its main file
  // (its -wal is not looked at).  `name` names it in errors.
  [[nodiscard]] static Result<Database> open_untrusted_copy(std::string_view bytes, std::string name);

  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;
  ~Database() = default;

  // `purpose` names the statement in its errors: "prepare find layer: ...".
  [[nodiscard]] Result<Statement> prepare(std::string_view sql, std::string_view purpose);
  // Runs one or more statements that return no rows (a schema, a pragma).
  [[nodiscard]] Result<> execute(std::string_view sql, std::string_view purpose);
  // BEGIN IMMEDIATE: the write lock, waiting up to the busy timeout.
  [[nodiscard]] Result<Transaction> begin(std::string_view purpose);

  // Rows changed by the last INSERT, UPDATE or DELETE.
  [[nodiscard]] std::int64_t changes() const;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  struct Close {
    void operator()(sqlite3* connection) const;
  };
  Database(std::unique_ptr<sqlite3, Close> connection, std::string path)
      : connection_(std::move(connection)), path_(std::move(path)) {}

  std::unique_ptr<sqlite3, Close> connection_;
  std::string path_;
};

// An open write transaction; rolled back when destroyed uncommitted, so
// every early return (WARD_TRY) leaves the database as it was.
class Transaction {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  [[nodiscard]] Result<> commit();

 private:
  friend class Database;
  Transaction(Database* database, std::string purpose) : database_(database), purpose_(std::move(purpose)) {}

  Database* database_;  // null once committed, rolled back or moved from
  std::string purpose_;
};

// One schema step: migration N (0-based in the list) takes the database
// from user_version N to N+1.  Steps are only ever appended.
struct Migration {
  std::string_view purpose;  // "images, layers and tags"
  std::string_view sql;
};

// PRAGMA user_version: the number of migrations applied.
[[nodiscard]] Result<int> schema_version(Database& database);

// Applies the migrations the database lacks, each in its own transaction
// together with its user_version bump.  A database whose version is newer
// than `migrations` knows is refused (unsupported), naming both versions:
// an older ward must not write into a schema it does not understand.
[[nodiscard]] Result<> migrate(Database& database, std::span<const Migration> migrations);

}  // namespace ward::db
