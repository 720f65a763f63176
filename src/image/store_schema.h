// The store's internals shared by its .cc files (not part of the image
// module's API): the schema, tmp/ entry names, and the one routine that
// deletes layers and blobs no image references (remove_image,
// discard_unreferenced and collect_garbage all end in it).
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "engine/db/database.h"
#include "image/digest.h"
#include "image/store.h"
#include "util/error.h"

namespace ward::image::store_detail {

// Append only: a released ward's databases are at one of these versions.
inline constexpr std::array<db::Migration, 1> kMigrations = {{
    {"images, layers and tags", R"sql(
CREATE TABLE images (
  id TEXT PRIMARY KEY,
  manifest_digest TEXT NOT NULL DEFAULT '',
  manifest_media_type TEXT NOT NULL DEFAULT '',
  config_digest TEXT NOT NULL,
  created TEXT NOT NULL DEFAULT '',
  size INTEGER NOT NULL DEFAULT 0,
  added INTEGER NOT NULL
);
CREATE TABLE layers (
  chain_id TEXT PRIMARY KEY,
  diff_id TEXT NOT NULL,
  parent TEXT NOT NULL DEFAULT '',
  size INTEGER NOT NULL DEFAULT 0,
  blob_digest TEXT NOT NULL DEFAULT '',
  blob_media_type TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE TABLE image_layers (
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  chain_id TEXT NOT NULL REFERENCES layers(chain_id),
  diff_id TEXT NOT NULL,
  blob_digest TEXT NOT NULL DEFAULT '',
  blob_media_type TEXT NOT NULL DEFAULT '',
  blob_size INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (image_id, position)
);
CREATE INDEX image_layers_chain_id ON image_layers(chain_id);
CREATE INDEX image_layers_blob_digest ON image_layers(blob_digest);
CREATE INDEX images_manifest_digest ON images(manifest_digest);
CREATE TABLE tags (
  reference TEXT PRIMARY KEY,
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE
);
CREATE INDEX tags_image_id ON tags(image_id);
CREATE TABLE repo_digests (
  reference TEXT PRIMARY KEY,
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE
);
CREATE INDEX repo_digests_image_id ON repo_digests(image_id);
)sql"},
}};

// --- tmp/ entries: "<kind>-<pid>-<random hex>" ---
// A new name for an entry of this process, e.g. "blob-4242-9f0c1e...".
[[nodiscard]] std::string temp_name(std::string_view kind);
// The pid in such a name; nullopt for a name of another form.
[[nodiscard]] std::optional<pid_t> temp_owner(std::string_view name);
// Removes the tmp/ entries (under <root>/tmp) whose process is gone.
// Entries of another form are left alone.  The names removed.
[[nodiscard]] Result<std::vector<std::string>> remove_dead_temp_entries(const std::string& root);

// Seconds since the epoch, the clock of layers.created_at.
[[nodiscard]] std::int64_t now_seconds();

// The layer row with this chain ID, read with the connection's current
// transaction (if any).
[[nodiscard]] Result<std::optional<LayerRecord>> find_layer_row(db::Database& database, const Digest& chain_id);

// Whether any image references the layer / the blob (as manifest, config or
// layer blob).
[[nodiscard]] Result<bool> layer_referenced(db::Database& database, const Digest& chain_id);
[[nodiscard]] Result<bool> blob_referenced(db::Database& database, const Digest& blob);

// Step one, inside the caller's transaction: deletes the rows of the
// `layers` no image references (and, with `not_after`, only rows created
// at or before it).  Adds their chain IDs and sizes to `report`.
[[nodiscard]] Result<> delete_unreferenced_layer_rows(db::Database& database, std::span<const Digest> layers,
                                                      std::optional<std::int64_t> not_after, GarbageReport& report);

// Step two, in a transaction of its own (so no layer commit or image add
// runs between the check and the delete): moves the directories of the
// `layers` that have no row to tmp/ and removes them after the commit, and
// deletes the `blobs` no image references (with `not_after`, only files
// changed at or before it).  Adds what went to `report`.
[[nodiscard]] Result<> remove_unreferenced_files(db::Database& database, const std::string& root,
                                                 std::span<const Digest> layers, std::span<const Digest> blobs,
                                                 std::optional<std::int64_t> not_after, GarbageReport& report);

// Both steps, each in its own transaction.
[[nodiscard]] Result<GarbageReport> remove_unreferenced(db::Database& database, const std::string& root,
                                                        std::span<const Digest> layers, std::span<const Digest> blobs,
                                                        std::optional<std::int64_t> not_after = {});

}  // namespace ward::image::store_detail
