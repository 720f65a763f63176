// SQLite connections, statements and transactions (database.h).  Every
// SQLite result code is turned into an Error here, once, with the kind a
// caller branches on and the statement's purpose in the message.
#include "engine/db/database.h"

#include <fcntl.h>
#include <sqlite3.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "util/sys.h"

namespace ward::db {

namespace {

// The kind a SQLite result code means (database.h lists them).
ErrorKind kind_of(sqlite3* connection, int code) {
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT: {
      int extended = connection != nullptr ? sqlite3_extended_errcode(connection) : code;
      if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY ||
          code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return ErrorKind::already_exists;
      }
      return ErrorKind::failed;
    }
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return ErrorKind::in_use;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH: return ErrorKind::permission_denied;
    case SQLITE_CANTOPEN: {
      int system = connection != nullptr ? sqlite3_system_errno(connection) : 0;
      if (system == ENOENT) return ErrorKind::not_found;
      if (system == EACCES || system == EPERM || system == EROFS) return ErrorKind::permission_denied;
      return ErrorKind::failed;
    }
    default: return ErrorKind::failed;
  }
}

// "step find layer: UNIQUE constraint failed: layers.chain_id"
Error sqlite_error(sqlite3* connection, int code, std::string_view what, std::string_view purpose,
                   std::source_location where = std::source_location::current()) {
  std::string reason = connection != nullptr ? sqlite3_errmsg(connection) : sqlite3_errstr(code);
  return Error{0, fmt::format("{} {}: {}", what, purpose, reason), where, kind_of(connection, code)};
}

}  // namespace

// --- Statement ---

Statement::Statement(Statement&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)),
      statement_(std::exchange(other.statement_, nullptr)),
      purpose_(std::move(other.purpose_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    connection_ = std::exchange(other.connection_, nullptr);
    statement_ = std::exchange(other.statement_, nullptr);
    purpose_ = std::move(other.purpose_);
  }
  return *this;
}

Statement::~Statement() {
  sqlite3_finalize(statement_);
}

Error Statement::error(int code, std::string_view what) const {
  return sqlite_error(connection_, code, what, purpose_);
}

Result<> Statement::bind(int index, std::int64_t value) {
  int code = sqlite3_bind_int64(statement_, index, value);
  if (code != SQLITE_OK) return std::unexpected(error(code, fmt::format("bind ?{} of", index)));
  return {};
}

Result<> Statement::bind(int index, std::string_view text) {
  // A null pointer would bind NULL; an empty string stays TEXT.
  const char* data = text.data() != nullptr ? text.data() : "";
  int code = sqlite3_bind_text64(statement_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (code != SQLITE_OK) return std::unexpected(error(code, fmt::format("bind ?{} of", index)));
  return {};
}

Result<> Statement::bind_blob(int index, std::string_view bytes) {
  const char* data = bytes.data() != nullptr ? bytes.data() : "";
  int code = sqlite3_bind_blob64(statement_, index, data, bytes.size(), SQLITE_TRANSIENT);
  if (code != SQLITE_OK) return std::unexpected(error(code, fmt::format("bind ?{} of", index)));
  return {};
}

Result<> Statement::bind_null(int index) {
  int code = sqlite3_bind_null(statement_, index);
  if (code != SQLITE_OK) return std::unexpected(error(code, fmt::format("bind ?{} of", index)));
  return {};
}

Result<Step> Statement::step() {
  int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return Step::row;
  if (code == SQLITE_DONE) return Step::done;
  Error failure = error(code, "step");
  // Leaves the statement reusable and releases what the failed step held.
  sqlite3_reset(statement_);
  return std::unexpected(std::move(failure));
}

Result<> Statement::run() {
  while (WARD_TRY(step()) == Step::row) {
  }
  return {};
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(statement_, index) == SQLITE_NULL;
}

std::int64_t Statement::column_int64(int index) const {
  return sqlite3_column_int64(statement_, index);
}

std::string Statement::column_text(int index) const {
  const unsigned char* text = sqlite3_column_text(statement_, index);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(statement_, index)));
}

std::string Statement::column_blob(int index) const {
  const void* bytes = sqlite3_column_blob(statement_, index);
  if (bytes == nullptr) return {};
  return std::string(static_cast<const char*>(bytes),
                     static_cast<std::size_t>(sqlite3_column_bytes(statement_, index)));
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

// --- Database ---

void Database::Close::operator()(sqlite3* connection) const {
  sqlite3_close_v2(connection);
}

Result<Database> Database::open(const std::string& path) {
  // SQLite would create the file 0644; made here first with 0600, and its
  // -wal and -shm files take the database file's mode.
  {
    auto created = sys::open(path, O_RDWR | O_CREAT, 0600);
    if (!created) return std::unexpected(std::move(created.error().wrap("open database")));
  }
  sqlite3* raw = nullptr;
  int code =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, Close> connection(raw);
  if (code != SQLITE_OK) return std::unexpected(sqlite_error(raw, code, "open database", path));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);

  Database database(std::move(connection), path);
  // Two processes opening a new store at once both move it to WAL; SQLite
  // answers the loser SQLITE_BUSY at once, without its busy handler (each
  // holds the shared lock the other's upgrade waits for), so the switch
  // is retried here for as long as the busy timeout.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    auto mode = WARD_TRY(database.prepare("PRAGMA journal_mode=WAL", "set the journal mode"));
    auto step = mode.step();
    if (!step && step.error().is(ErrorKind::in_use) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    if (WARD_TRY(std::move(step)) != Step::row || mode.column_text(0) != "wal")
      return fail(ErrorKind::unsupported, fmt::format("database {}: the file system does not support WAL mode", path));
    break;
  }
  WARD_TRY(database.execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", "set the pragmas"));
  return database;
}

Result<Database> Database::open_untrusted_copy(std::string_view bytes, std::string name) {
  // The 100-byte header is the least a database file has.
  if (bytes.size() < 100 || !bytes.starts_with(std::string_view("SQLite format 3\0", 16)))
    return fail(ErrorKind::invalid_input, fmt::format("{}: not an SQLite database", name));
  sqlite3* raw = nullptr;
  int code = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, Close> connection(raw);
  if (code != SQLITE_OK) return std::unexpected(sqlite_error(raw, code, "open database", name));
  for (int option : {SQLITE_DBCONFIG_DEFENSIVE, SQLITE_DBCONFIG_TRUSTED_SCHEMA, SQLITE_DBCONFIG_ENABLE_TRIGGER,
                     SQLITE_DBCONFIG_ENABLE_VIEW}) {
    int on = option == SQLITE_DBCONFIG_DEFENSIVE ? 1 : 0;
    if (sqlite3_db_config(raw, option, on, nullptr) != SQLITE_OK)
      return std::unexpected(sqlite_error(raw, SQLITE_ERROR, "configure database", name));
  }
  auto size = static_cast<sqlite3_int64>(bytes.size());
  auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(static_cast<sqlite3_uint64>(size)));
  if (copy == nullptr) return fail(ErrorKind::failed, fmt::format("{}: out of memory", name));
  std::memcpy(copy, bytes.data(), bytes.size());
  // Bytes 18 and 19 say WAL (2) or rollback journal (1); memory holds no WAL.
  if (copy[18] == 2) copy[18] = 1;
  if (copy[19] == 2) copy[19] = 1;
  code =
      sqlite3_deserialize(raw, "main", copy, size, size, SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
  if (code != SQLITE_OK) return std::unexpected(sqlite_error(raw, code, "open database", name));
  Database database(std::move(connection), std::move(name));
  WARD_TRY(database.execute("PRAGMA cell_size_check=ON; PRAGMA mmap_size=0;", "set the pragmas"));
  return database;
}

Result<Statement> Database::prepare(std::string_view sql, std::string_view purpose) {
  sqlite3_stmt* statement = nullptr;
  int code = sqlite3_prepare_v2(connection_.get(), sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
  if (code != SQLITE_OK) {
    sqlite3_finalize(statement);
    return std::unexpected(sqlite_error(connection_.get(), code, "prepare", purpose));
  }
  return Statement(connection_.get(), statement, std::string(purpose));
}

Result<> Database::execute(std::string_view sql, std::string_view purpose) {
  std::string text(sql);  // sqlite3_exec wants a NUL-terminated string
  int code = sqlite3_exec(connection_.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) return std::unexpected(sqlite_error(connection_.get(), code, "run", purpose));
  return {};
}

Result<Transaction> Database::begin(std::string_view purpose) {
  int code = sqlite3_exec(connection_.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) return std::unexpected(sqlite_error(connection_.get(), code, "begin", purpose));
  return Transaction(this, std::string(purpose));
}

std::int64_t Database::changes() const {
  return sqlite3_changes64(connection_.get());
}

// --- Transaction ---

Transaction::Transaction(Transaction&& other) noexcept
    : database_(std::exchange(other.database_, nullptr)), purpose_(std::move(other.purpose_)) {}

Transaction::~Transaction() {
  if (database_ != nullptr) (void)database_->execute("ROLLBACK", purpose_);
}

Result<> Transaction::commit() {
  if (database_ == nullptr)
    return fail(ErrorKind::wrong_state, fmt::format("commit {}: transaction is over", purpose_));
  // On failure the transaction stays open, and the destructor rolls it back.
  WARD_TRY(database_->execute("COMMIT", "commit " + purpose_));
  database_ = nullptr;
  return {};
}

}  // namespace ward::db
