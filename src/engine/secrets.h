// Secrets (`ward secret`, `run --secret`), as Podman keeps them without a
// swarm: the metadata in the secrets table, the data in
// <store>/secrets/<id> (mode 0600, root's only).  A container gets a copy
// in its bundle under the run directory (a tmpfs, /run/ward), bound
// read-only at /run/secrets/<target>: never in its environment, its
// image, its writable layer or `inspect`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/db/database.h"
#include "util/error.h"

namespace ward::engine {

// Docker's limit on a secret's size.
inline constexpr std::size_t kSecretMaxBytes = 500 * 1024;

struct SecretRecord {
  std::string id;  // 25 hex digits
  std::string name;
  std::string driver = "file";
  std::string created, updated;  // RFC 3339
  std::map<std::string, std::string> labels;
};

// A new secret; already_exists when the name is taken, invalid_input for a
// bad name ([a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 64), empty or too large data.
[[nodiscard]] Result<SecretRecord> create_secret(db::Database& database, const std::string& store_root,
                                                 const std::string& name, const std::string& data,
                                                 const std::map<std::string, std::string>& labels);
[[nodiscard]] Result<std::vector<SecretRecord>> list_secrets(db::Database& database);
// By name, id or unique id prefix; not_found "no such secret: TEXT".
[[nodiscard]] Result<SecretRecord> find_secret(db::Database& database, const std::string& text);
[[nodiscard]] Result<std::string> read_secret_data(const std::string& store_root, const SecretRecord& secret);
// Removes the row, then the data.
[[nodiscard]] Result<> remove_secret(db::Database& database, const std::string& store_root, const SecretRecord& secret);

}  // namespace ward::engine
