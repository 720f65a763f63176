#include "engine/secrets.h"

#include <sys/stat.h>
#include <unistd.h>

#include <regex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/names.h"
#include "util/clock.h"
#include "util/sys.h"

namespace ward::engine {

namespace {

constexpr std::string_view kColumns = "id, name, driver, created, updated, labels";

std::string data_path(const std::string& store_root, const std::string& id) {
  return store_root + "/secrets/" + id;
}

SecretRecord read_row(const db::Statement& row) {
  SecretRecord secret{row.column_text(0), row.column_text(1), row.column_text(2),
                      row.column_text(3), row.column_text(4), {}};
  auto labels = nlohmann::json::parse(row.column_text(5), nullptr, false);
  if (labels.is_object())
    for (const auto& [key, value] : labels.items())
      if (value.is_string()) secret.labels[key] = value.get<std::string>();
  return secret;
}

Result<> check_name(const std::string& name) {
  static const std::regex kName("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
  if (name.size() > 64 || !std::regex_match(name, kName))
    return fail(ErrorKind::invalid_input,
                fmt::format("secret name \"{}\": only [a-zA-Z0-9][a-zA-Z0-9_.-]* are allowed, at most 64", name));
  return {};
}

}  // namespace

Result<SecretRecord> create_secret(db::Database& database, const std::string& store_root, const std::string& name,
                                   const std::string& data, const std::map<std::string, std::string>& labels) {
  WARD_TRY(check_name(name));
  if (data.empty()) return fail(ErrorKind::invalid_input, fmt::format("secret {}: the data is empty", name));
  if (data.size() > kSecretMaxBytes)
    return fail(ErrorKind::invalid_input, fmt::format("secret {}: {} bytes is more than the {} a secret may have", name,
                                                      data.size(), kSecretMaxBytes));
  SecretRecord secret{WARD_TRY(random_id()).substr(0, 25), name, "file", now_rfc3339(), "", labels};
  secret.updated = secret.created;
  std::string dir = store_root + "/secrets";
  if (::mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST) return fail_errno(errno, "mkdir " + dir);
  // The data first (under a temp name, renamed), the row after: a kill in
  // between leaves a file no row names, which nothing reads.
  WARD_TRY(sys::write_file_atomic(data_path(store_root, secret.id), data, 0600));
  auto inserted = [&]() -> Result<> {
    auto insert = WARD_TRY(database.prepare(
        fmt::format("INSERT INTO secrets ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", kColumns), "record the secret"));
    WARD_TRY(insert.bind(1, secret.id));
    WARD_TRY(insert.bind(2, secret.name));
    WARD_TRY(insert.bind(3, secret.driver));
    WARD_TRY(insert.bind(4, secret.created));
    WARD_TRY(insert.bind(5, secret.updated));
    WARD_TRY(insert.bind(6, nlohmann::json(labels).dump()));
    return insert.run();
  }();
  if (!inserted) {
    (void)::unlink(data_path(store_root, secret.id).c_str());
    if (inserted.error().is(ErrorKind::already_exists))
      return fail(ErrorKind::already_exists, fmt::format("secret name in use: {}", name));
    return std::unexpected(inserted.error());
  }
  return secret;
}

Result<std::vector<SecretRecord>> list_secrets(db::Database& database) {
  auto select = WARD_TRY(
      database.prepare(fmt::format("SELECT {} FROM secrets ORDER BY created, name", kColumns), "list secrets"));
  std::vector<SecretRecord> secrets;
  while (WARD_TRY(select.step()) == db::Step::row) secrets.push_back(read_row(select));
  return secrets;
}

Result<SecretRecord> find_secret(db::Database& database, const std::string& text) {
  std::optional<SecretRecord> by_prefix;
  int prefixed = 0;
  for (auto& secret : WARD_TRY(list_secrets(database))) {
    if (secret.name == text || secret.id == text) return secret;
    if (!text.empty() && secret.id.starts_with(text)) {
      ++prefixed;
      by_prefix = secret;
    }
  }
  if (prefixed == 1) return *by_prefix;
  return fail(ErrorKind::not_found, fmt::format("no such secret: {}", text));
}

Result<std::string> read_secret_data(const std::string& store_root, const SecretRecord& secret) {
  return sys::read_file(data_path(store_root, secret.id));
}

Result<> remove_secret(db::Database& database, const std::string& store_root, const SecretRecord& secret) {
  auto statement = WARD_TRY(database.prepare("DELETE FROM secrets WHERE id = ?1", "remove the secret"));
  WARD_TRY(statement.bind(1, secret.id));
  WARD_TRY(statement.run());
  if (::unlink(data_path(store_root, secret.id).c_str()) < 0 && errno != ENOENT)
    return fail_errno(errno, "remove the data of secret " + secret.name);
  return {};
}

}  // namespace ward::engine
