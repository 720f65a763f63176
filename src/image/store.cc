// The store's root, chain IDs, opening and tmp/ recovery (store.h).
#include "image/store.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>

#include "image/store_schema.h"
#include "util/sys.h"

namespace ward::image {

Result<std::string> default_store_root() {
  if (const char* root = std::getenv("WARD_ROOT"); root != nullptr && *root != '\0') return std::string(root);
  if (::geteuid() == 0) return std::string("/var/lib/ward");
  if (const char* data = std::getenv("XDG_DATA_HOME"); data != nullptr && data[0] == '/') {
    return std::string(data) + "/ward";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    return std::string(home) + "/.local/share/ward";
  }
  return fail(ErrorKind::not_found,
              "no store root: set WARD_ROOT, or HOME or XDG_DATA_HOME to say where a user's data goes");
}

Result<Digest> chain_id(std::span<const Digest> diff_ids) {
  if (diff_ids.empty()) return fail(ErrorKind::invalid_input, "chain ID of no layers");
  Digest chain = diff_ids.front();
  for (const Digest& diff_id : diff_ids.subspan(1)) {
    chain = WARD_TRY(digest_of(chain.string() + " " + diff_id.string()));
  }
  return chain;
}

Result<std::vector<Digest>> chain_ids(std::span<const Digest> diff_ids) {
  if (diff_ids.empty()) return fail(ErrorKind::invalid_input, "chain IDs of no layers");
  std::vector<Digest> chains;
  chains.reserve(diff_ids.size());
  chains.push_back(diff_ids.front());
  for (const Digest& diff_id : diff_ids.subspan(1)) {
    chains.push_back(WARD_TRY(digest_of(chains.back().string() + " " + diff_id.string())));
  }
  return chains;
}

Result<Store> Store::open(const std::string& root) {
  for (const char* directory : {"", "/blobs/sha256", "/layers", "/tmp"}) {
    WARD_TRY(context(sys::mkdir_all(root + directory, 0700), "open store {}", root));
  }
  auto blobs = WARD_TRY(BlobStore::open(root));
  auto database = WARD_TRY(context(db::Database::open(root + "/ward.db"), "open store {}", root));
  WARD_TRY(context(db::migrate(database, db::kStoreMigrations), "open store {}", root));
  WARD_TRY(context(store_detail::remove_dead_temp_entries(root), "open store {}", root));
  return Store(std::move(blobs), std::move(database));
}

std::string Store::layer_path(const Digest& chain_id) const {
  return root() + "/layers/" + chain_id.hex();
}

namespace store_detail {

std::string temp_name(std::string_view kind) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return fmt::format("{}-{}-{:016x}", kind, ::getpid(), generator());
}

std::optional<pid_t> temp_owner(std::string_view name) {
  std::size_t first = name.find('-');
  if (first == std::string_view::npos) return std::nullopt;
  std::size_t second = name.find('-', first + 1);
  if (second == std::string_view::npos || second == first + 1) return std::nullopt;
  pid_t pid = 0;
  for (char c : name.substr(first + 1, second - first - 1)) {
    if (c < '0' || c > '9' || pid > 100'000'000) return std::nullopt;
    pid = pid * 10 + (c - '0');
  }
  if (pid <= 0) return std::nullopt;
  return pid;
}

Result<std::vector<std::string>> remove_dead_temp_entries(const std::string& root) {
  const std::string tmp = root + "/tmp";
  auto names = WARD_TRY(context(sys::list_directory(tmp), "clean tmp"));
  std::vector<std::string> removed;
  for (const std::string& name : names) {
    auto owner = temp_owner(name);
    if (!owner || *owner == ::getpid()) continue;
    // Gone, or a zombie that will write nothing more.  A pid reused since
    // keeps its entry until that process is gone too.
    char state = sys::process_state(*owner);
    if (state != 0 && state != 'Z') continue;
    WARD_TRY(context(sys::remove_all(tmp + "/" + name), "clean tmp"));
    removed.push_back(name);
  }
  return removed;
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace store_detail

}  // namespace ward::image
