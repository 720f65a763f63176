// What no image references: deleting it (remove_image,
// discard_unreferenced, collect_garbage) and measuring it (disk_usage).
// Rows go first, in a transaction; files after, under the write lock in a
// second one, so a layer commit or an image add of the same digest never
// interleaves with the check and the delete (docs/STORE.md).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <set>

#include "image/store.h"
#include "image/store_schema.h"
#include "util/sys.h"

namespace ward::image {

namespace store_detail {

namespace {

// The ctime of `path` in seconds (a rename sets it), or nullopt when gone.
Result<std::optional<struct stat>> status(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) < 0) {
    if (errno == ENOENT) return std::optional<struct stat>();
    return fail_errno(errno, "stat " + path);
  }
  return std::optional<struct stat>(st);
}

bool too_young(const struct stat& st, std::optional<std::int64_t> not_after) {
  return not_after && static_cast<std::int64_t>(st.st_ctim.tv_sec) > *not_after;
}

Result<bool> exists(db::Database& database, std::string_view sql, std::string_view purpose, const Digest& digest) {
  auto statement = WARD_TRY(database.prepare(sql, purpose));
  WARD_TRY(statement.bind(1, digest.string()));
  return WARD_TRY(statement.step()) == db::Step::row;
}

// Every blob some image references.
Result<std::set<std::string>> referenced_blobs(db::Database& database) {
  auto statement =
      WARD_TRY(database.prepare("SELECT manifest_digest FROM images UNION SELECT config_digest FROM images "
                                "UNION SELECT blob_digest FROM image_layers",
                                "list referenced blobs"));
  std::set<std::string> blobs;
  while (WARD_TRY(statement.step()) == db::Step::row) blobs.insert(statement.column_text(0));
  return blobs;
}

// Results derived from the layer `hex` (cache/<kind>/<hex>, e.g. ward
// scan's), which must not outlive it.
Result<> remove_layer_caches(const std::string& root, const std::string& hex) {
  const std::string cache = root + "/cache";
  if (!sys::path_exists(cache)) return {};
  for (const std::string& kind : WARD_TRY(sys::list_directory(cache))) {
    std::string path = cache + "/" + kind + "/" + hex;
    if (::unlink(path.c_str()) < 0 && errno != ENOENT && errno != ENOTDIR)
      return fail_errno(errno, "remove layer cache " + path);
  }
  return {};
}

}  // namespace

Result<bool> layer_referenced(db::Database& database, const Digest& chain_id) {
  return exists(database, "SELECT 1 FROM image_layers WHERE chain_id = ?1 LIMIT 1", "find layer users", chain_id);
}

Result<bool> blob_referenced(db::Database& database, const Digest& blob) {
  return exists(database,
                "SELECT 1 FROM images WHERE manifest_digest = ?1 OR config_digest = ?1 "
                "UNION ALL SELECT 1 FROM image_layers WHERE blob_digest = ?1 LIMIT 1",
                "find blob users", blob);
}

Result<> delete_unreferenced_layer_rows(db::Database& database, std::span<const Digest> layers,
                                        std::optional<std::int64_t> not_after, GarbageReport& report) {
  auto find =
      WARD_TRY(database.prepare("SELECT size FROM layers WHERE chain_id = ?1 AND created_at <= ?2 "
                                "AND NOT EXISTS (SELECT 1 FROM image_layers WHERE image_layers.chain_id = ?1)",
                                "find unreferenced layer"));
  auto remove = WARD_TRY(database.prepare("DELETE FROM layers WHERE chain_id = ?1", "delete layer"));
  for (const Digest& chain_id : layers) {
    find.reset();
    WARD_TRY(find.bind(1, chain_id.string()));
    WARD_TRY(find.bind(2, not_after.value_or(INT64_MAX)));
    if (WARD_TRY(find.step()) == db::Step::done) continue;
    std::int64_t size = find.column_int64(0);
    find.reset();
    remove.reset();
    WARD_TRY(remove.bind(1, chain_id.string()));
    WARD_TRY(remove.run());
    report.layers.push_back(chain_id);
    report.bytes += size;
  }
  return {};
}

Result<> remove_unreferenced_files(db::Database& database, const std::string& root, std::span<const Digest> layers,
                                   std::span<const Digest> blobs, std::optional<std::int64_t> not_after,
                                   GarbageReport& report) {
  std::vector<std::string> trash;
  {
    auto transaction = WARD_TRY(database.begin("remove unreferenced files"));
    for (const Digest& chain_id : layers) {
      if (WARD_TRY(find_layer_row(database, chain_id))) continue;  // a row names it: in use
      const std::string path = root + "/layers/" + chain_id.hex();
      auto st = WARD_TRY(status(path));
      if (!st) WARD_TRY(remove_layer_caches(root, chain_id.hex()));  // a cache left by a scan that raced a removal
      if (!st || too_young(*st, not_after)) continue;
      WARD_TRY(remove_layer_caches(root, chain_id.hex()));
      // Out of layers/ now, under the lock; the slow delete comes after.
      std::string moved = root + "/tmp/" + temp_name("trash");
      if (::rename(path.c_str(), moved.c_str()) < 0)
        return fail_errno(errno, fmt::format("rename {} to {}", path, moved));
      trash.push_back(std::move(moved));
      if (std::find(report.layers.begin(), report.layers.end(), chain_id) == report.layers.end()) {
        report.layers.push_back(chain_id);
      }
    }
    for (const Digest& blob : blobs) {
      if (blob.empty() || WARD_TRY(blob_referenced(database, blob))) continue;
      const std::string path = fmt::format("{}/blobs/{}/{}", root, digest_algorithm_name(blob.algorithm()), blob.hex());
      auto st = WARD_TRY(status(path));
      if (!st || too_young(*st, not_after)) continue;
      if (::unlink(path.c_str()) < 0 && errno != ENOENT) return fail_errno(errno, "remove blob " + path);
      report.blobs.push_back(blob);
      report.bytes += st->st_size;
    }
    WARD_TRY(transaction.commit());
  }
  for (const std::string& path : trash) WARD_TRY(sys::remove_all(path));
  return {};
}

Result<GarbageReport> remove_unreferenced(db::Database& database, const std::string& root,
                                          std::span<const Digest> layers, std::span<const Digest> blobs,
                                          std::optional<std::int64_t> not_after) {
  GarbageReport report;
  {
    auto transaction = WARD_TRY(database.begin("remove unreferenced layers"));
    WARD_TRY(delete_unreferenced_layer_rows(database, layers, not_after, report));
    WARD_TRY(transaction.commit());
  }
  WARD_TRY(remove_unreferenced_files(database, root, layers, blobs, not_after, report));
  return report;
}

}  // namespace store_detail

Result<> Store::discard_unreferenced(std::span<const Digest> blobs, std::span<const Digest> layers) {
  WARD_TRY(
      context(store_detail::remove_unreferenced(database_, root(), layers, blobs), "discard unreferenced content"));
  return {};
}

Result<GarbageReport> Store::collect_garbage(std::chrono::seconds grace) {
  const std::int64_t not_after = store_detail::now_seconds() - grace.count();
  WARD_TRY(context(store_detail::remove_dead_temp_entries(root()), "collect garbage"));

  // Candidates: every layer row and directory, every blob; the checks
  // under the lock decide.
  std::set<Digest> layers;
  {
    auto statement = WARD_TRY(database_.prepare("SELECT chain_id FROM layers", "list layers"));
    while (WARD_TRY(statement.step()) == db::Step::row) {
      if (auto chain_id = Digest::parse(statement.column_text(0))) layers.insert(std::move(*chain_id));
    }
  }
  auto names = WARD_TRY(context(sys::list_directory(root() + "/layers"), "collect garbage"));
  // and every layer something kept results for (cache/<kind>/<hex>)
  if (sys::path_exists(root() + "/cache"))
    for (const std::string& kind : WARD_TRY(context(sys::list_directory(root() + "/cache"), "collect garbage")))
      if (auto kept = sys::list_directory(root() + "/cache/" + kind))
        names.insert(names.end(), kept->begin(), kept->end());
  for (const std::string& name : names) {
    if (auto chain_id = Digest::from_hex(DigestAlgorithm::sha256, name)) layers.insert(std::move(*chain_id));
  }
  const std::vector<Digest> layer_list(layers.begin(), layers.end());
  const auto blobs = WARD_TRY(blobs_.list_blobs());
  return context(store_detail::remove_unreferenced(database_, root(), layer_list, blobs, not_after), "collect garbage");
}

Result<std::string> Store::make_temp_directory(std::string_view kind) {
  std::string path = root() + "/tmp/" + store_detail::temp_name(kind);
  if (::mkdir(path.c_str(), 0700) < 0) return fail_errno(errno, "create directory " + path);
  return path;
}

Result<DiskUsage> Store::disk_usage() {
  DiskUsage usage;
  auto images = WARD_TRY(database_.prepare("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM images", "count images"));
  if (WARD_TRY(images.step()) == db::Step::row) {
    usage.images = images.column_int64(0);
    usage.images_size = images.column_int64(1);
  }
  auto layers = WARD_TRY(database_.prepare(
      "SELECT COUNT(*), COALESCE(SUM(size), 0), "
      "COALESCE(SUM(CASE WHEN chain_id IN (SELECT chain_id FROM image_layers) THEN 0 ELSE size END), 0) "
      "FROM layers",
      "count layers"));
  if (WARD_TRY(layers.step()) == db::Step::row) {
    usage.layers = layers.column_int64(0);
    usage.layers_size = layers.column_int64(1);
    usage.reclaimable_size = layers.column_int64(2);
  }
  const auto referenced = WARD_TRY(store_detail::referenced_blobs(database_));
  for (const Digest& blob : WARD_TRY(blobs_.list_blobs())) {
    auto size = blobs_.blob_size(blob);
    if (!size) continue;  // removed meanwhile
    usage.blobs += 1;
    usage.blobs_size += static_cast<std::int64_t>(*size);
    if (!referenced.contains(blob.string())) usage.reclaimable_size += static_cast<std::int64_t>(*size);
  }
  return usage;
}

}  // namespace ward::image
