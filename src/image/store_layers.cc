// Unpacked layers (store.h): rows keyed by chain ID and their directories
// under layers/, made by a PendingLayer that unpacks under tmp/.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

#include "image/store.h"
#include "image/store_schema.h"
#include "util/sys.h"

namespace ward::image {

namespace {

Result<Digest> digest_or_empty(const std::string& text) {
  if (text.empty()) return Digest();
  return Digest::parse(text);
}

}  // namespace

namespace store_detail {

Result<std::optional<LayerRecord>> find_layer_row(db::Database& database, const Digest& chain_id) {
  auto statement = WARD_TRY(database.prepare(
      "SELECT diff_id, parent, size, blob_digest, blob_media_type FROM layers WHERE chain_id = ?1", "find layer"));
  WARD_TRY(statement.bind(1, chain_id.string()));
  if (WARD_TRY(statement.step()) == db::Step::done) return std::optional<LayerRecord>();
  LayerRecord record;
  record.chain_id = chain_id;
  record.diff_id = WARD_TRY(context(Digest::parse(statement.column_text(0)), "layer {}", chain_id.string()));
  record.parent = WARD_TRY(context(digest_or_empty(statement.column_text(1)), "layer {}", chain_id.string()));
  record.size = statement.column_int64(2);
  record.blob_digest = WARD_TRY(context(digest_or_empty(statement.column_text(3)), "layer {}", chain_id.string()));
  record.blob_media_type = statement.column_text(4);
  return std::optional<LayerRecord>(std::move(record));
}

}  // namespace store_detail

Result<std::optional<LayerRecord>> Store::find_layer(const Digest& chain_id) {
  return store_detail::find_layer_row(database_, chain_id);
}

Result<PendingLayer> Store::begin_layer(const Digest& chain_id) {
  if (chain_id.empty()) return fail(ErrorKind::invalid_input, "begin layer: no chain ID");
  std::string path = root() + "/tmp/" + store_detail::temp_name("layer");
  // 0700 while half-written: nobody looks into a layer before it is whole.
  if (::mkdir(path.c_str(), 0700) < 0) return fail_errno(errno, "create layer directory " + path);
  return PendingLayer(this, chain_id, std::move(path));
}

PendingLayer::PendingLayer(PendingLayer&& other) noexcept
    : store_(other.store_),
      chain_id_(std::move(other.chain_id_)),
      temp_path_(std::exchange(other.temp_path_, std::string())) {}

PendingLayer::~PendingLayer() {
  if (!temp_path_.empty()) (void)sys::remove_all(temp_path_);
}

Result<LayerRecord> PendingLayer::commit(const LayerRecord& record) {
  if (temp_path_.empty()) return fail(ErrorKind::wrong_state, "commit layer: already committed");
  if (record.chain_id != chain_id_) {
    return fail(ErrorKind::invalid_input, fmt::format("commit layer {}: the record names layer {}", chain_id_.string(),
                                                      record.chain_id.string()));
  }
  db::Database& database = store_->database_;
  // The write lock is held from the check to the row: another writer of
  // the same chain ID either committed before (its row is returned) or
  // waits, and collect_garbage never sees the directory without its row.
  auto transaction = WARD_TRY(database.begin("commit layer"));
  if (auto stored = WARD_TRY(store_detail::find_layer_row(database, chain_id_))) {
    (void)sys::remove_all(std::exchange(temp_path_, std::string()));
    return std::move(*stored);
  }
  // Its root becomes a container's "/".
  if (::chmod(temp_path_.c_str(), 0755) < 0) return fail_errno(errno, "chmod " + temp_path_);
  const std::string target = store_->layer_path(chain_id_);
  if (sys::path_exists(target)) {
    // A directory with no row, while no one else can commit: left by a
    // crash between rename and row.  This one replaces it.
    WARD_TRY(context(sys::remove_all(target), "commit layer {}", chain_id_.string()));
  }
  if (::rename(temp_path_.c_str(), target.c_str()) < 0) {
    return fail_errno(errno, fmt::format("rename {} to {}", temp_path_, target));
  }
  temp_path_.clear();
  auto inserted = [&]() -> Result<> {
    auto insert = WARD_TRY(database.prepare(
        "INSERT INTO layers (chain_id, diff_id, parent, size, blob_digest, blob_media_type, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        "insert layer"));
    WARD_TRY(insert.bind(1, record.chain_id.string()));
    WARD_TRY(insert.bind(2, record.diff_id.string()));
    WARD_TRY(insert.bind(3, record.parent.string()));
    WARD_TRY(insert.bind(4, record.size));
    WARD_TRY(insert.bind(5, record.blob_digest.string()));
    WARD_TRY(insert.bind(6, std::string_view(record.blob_media_type)));
    WARD_TRY(insert.bind(7, store_detail::now_seconds()));
    WARD_TRY(insert.run());
    return transaction.commit();
  }();
  if (!inserted) {
    // Still under the lock (the transaction rolls back after this): no row
    // names the directory, so it goes.
    (void)sys::remove_all(target);
    return std::unexpected(std::move(inserted.error().wrap(fmt::format("commit layer {}", chain_id_.string()))));
  }
  return record;
}

}  // namespace ward::image
