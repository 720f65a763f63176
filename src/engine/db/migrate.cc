// Schema versions (database.h): PRAGMA user_version counts the migrations
// applied; each one runs in its own BEGIN IMMEDIATE transaction, which
// re-reads the version, so two processes opening a new store at once apply
// every step exactly once.
#include <fmt/format.h>

#include "engine/db/database.h"

namespace ward::db {

Result<int> schema_version(Database& database) {
  auto statement = WARD_TRY(database.prepare("PRAGMA user_version", "read the schema version"));
  if (WARD_TRY(statement.step()) != Step::row) return fail("read the schema version: no row");
  return static_cast<int>(statement.column_int64(0));
}

Result<> migrate(Database& database, std::span<const Migration> migrations) {
  const int known = static_cast<int>(migrations.size());
  for (;;) {
    auto transaction = WARD_TRY(database.begin("migrate the schema"));
    int version = WARD_TRY(schema_version(database));
    if (version > known) {
      return fail(ErrorKind::unsupported,
                  fmt::format("database {} has schema version {}, this ward knows versions up to {}: it was written "
                              "by a newer ward",
                              database.path(), version, known));
    }
    if (version == known) return {};  // the transaction rolls back: nothing to do
    const Migration& step = migrations[static_cast<std::size_t>(version)];
    WARD_TRY(context(database.execute(step.sql, step.purpose), "migrate to schema version {}", version + 1));
    WARD_TRY(database.execute(fmt::format("PRAGMA user_version = {}", version + 1), "set the schema version"));
    WARD_TRY(transaction.commit());
  }
}

}  // namespace ward::db
