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
#include "engine/db/schema.h"
#include "image/digest.h"
#include "image/store.h"
#include "util/error.h"

namespace ward::image::store_detail {

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
