// The image store (docs/STORE.md): under one root,
//   ward.db                  images, layers, tags (engine/db)
//   blobs/sha256/<hex>       manifests, configs, compressed layers (BlobStore)
//   layers/<chain-id hex>/   each layer unpacked once, shared read-only
//   cache/<kind>/<chain-id hex>  results derived from a layer (ward scan's:
//                            cache/scan), removed with the layer
//   tmp/                     temp files and dirs, named with their pid
// Files are written under tmp/ and renamed into place; the rows that point
// at them are committed after the rename, in one BEGIN IMMEDIATE
// transaction, so a crash leaves either the whole image or files no row
// names, which the next open or collect_garbage() removes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/db/database.h"
#include "image/blob_store.h"
#include "image/digest.h"
#include "util/error.h"

namespace ward::image {

// /var/lib/ward as root, else $XDG_DATA_HOME/ward (~/.local/share/ward);
// $WARD_ROOT overrides both.  Fails only when neither HOME nor
// XDG_DATA_HOME says where a user's data goes.
[[nodiscard]] Result<std::string> default_store_root();

// The OCI image-spec's ChainID of the last layer of `diff_ids`:
// ChainID(L0) = DiffID(L0), ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)).
// invalid_input for an empty list.
[[nodiscard]] Result<Digest> chain_id(std::span<const Digest> diff_ids);
// The chain ID of every prefix: result[i] is chain_id(diff_ids[0..i]).
[[nodiscard]] Result<std::vector<Digest>> chain_ids(std::span<const Digest> diff_ids);

// An unpacked layer: its row, keyed by chain ID.
struct LayerRecord {
  Digest chain_id;
  Digest diff_id;         // of the uncompressed tar
  Digest parent;          // the parent's chain ID; empty for a base layer
  std::int64_t size = 0;  // bytes unpacked on disk
  Digest blob_digest;     // the compressed blob it came from; empty if unknown
  std::string blob_media_type;

  friend bool operator==(const LayerRecord&, const LayerRecord&) = default;
};

// One layer of an image, base first.
struct ImageLayer {
  Digest chain_id;
  Digest diff_id;
  Digest blob_digest;  // empty when the image came without blobs (import)
  std::string blob_media_type;
  std::int64_t blob_size = 0;

  friend bool operator==(const ImageLayer&, const ImageLayer&) = default;
};

struct ImageRecord {
  Digest id;               // the config blob's digest, as Docker's image ID
  Digest manifest_digest;  // empty when ward made no manifest for it
  std::string manifest_media_type;
  Digest config_digest;  // == id
  std::vector<ImageLayer> layers;
  std::string created;    // RFC 3339, from the config
  std::int64_t size = 0;  // the unpacked layers' total
  // Normalised references (Reference::string()):
  std::vector<std::string> repo_tags;     // "docker.io/library/busybox:latest"
  std::vector<std::string> repo_digests;  // "docker.io/library/busybox@sha256:..."

  friend bool operator==(const ImageRecord&, const ImageRecord&) = default;
};

// What `system df` shows.  Reclaimable: the bytes of layers and blobs no
// image references, which collect_garbage() would free.
struct DiskUsage {
  std::int64_t images = 0;
  std::int64_t images_size = 0;  // sum of the images' sizes (shared layers counted per image)
  std::int64_t layers = 0;
  std::int64_t layers_size = 0;  // each layer once
  std::int64_t blobs = 0;
  std::int64_t blobs_size = 0;
  std::int64_t reclaimable_size = 0;
};

// What collect_garbage() removed.
struct GarbageReport {
  std::vector<Digest> layers;  // chain IDs whose directory (and row) went
  std::vector<Digest> blobs;
  std::int64_t bytes = 0;
};

// The extension point for "an image a container uses cannot be removed":
// the containers that use `image_id`, read inside remove_image's
// transaction, so no container can start using the image between the check
// and the removal.  The engine (issue 15) installs it with its containers
// table; until then no store has one and no image counts as in use.
using ImageUsersQuery = std::function<Result<std::vector<std::string>>(db::Database& database, const Digest& image_id)>;

class PendingLayer;

class Store {
 public:
  // Opens the store at `root`, creating its directories (mode 0700) and
  // database, migrating its schema, and removing tmp/ entries of processes
  // that are gone.
  [[nodiscard]] static Result<Store> open(const std::string& root);

  [[nodiscard]] const std::string& root() const { return blobs_.root(); }
  [[nodiscard]] BlobStore& blobs() { return blobs_; }
  [[nodiscard]] db::Database& database() { return database_; }

  // --- layers ---
  // <root>/layers/<hex>
  [[nodiscard]] std::string layer_path(const Digest& chain_id) const;
  // The row; nullopt when there is none.
  [[nodiscard]] Result<std::optional<LayerRecord>> find_layer(const Digest& chain_id);
  // A temp directory (mode 0700) to unpack the layer into;
  // PendingLayer::commit makes it <root>/layers/<hex>.
  [[nodiscard]] Result<PendingLayer> begin_layer(const Digest& chain_id);

  // --- images ---
  // Adds (or re-tags) an image whose blobs and layers are all in place,
  // in one transaction: the image row, its layer references, its tags
  // (moved from any image that had them, as Docker does) and repo digests.
  // Adding an image that exists only adds its references.  not_found when
  // a blob or layer it names is missing.
  [[nodiscard]] Result<> add_image(const ImageRecord& image);
  // busybox, busybox:1.36, docker.io/library/busybox@sha256:..., a full id
  // sha256:<hex>, or a unique prefix of at least 4 hex digits of an id.
  // not_found naming `text`; invalid_input for an ambiguous prefix.
  [[nodiscard]] Result<ImageRecord> resolve(std::string_view text);
  [[nodiscard]] Result<ImageRecord> image(const Digest& id);
  // Every image, newest added first.
  [[nodiscard]] Result<std::vector<ImageRecord>> list_images();
  // Gives image `id` the tag `reference` (moved from another image).
  [[nodiscard]] Result<> tag(const Digest& id, std::string_view reference);
  // Removes a tag or repo digest; returns the image that had it.
  [[nodiscard]] Result<Digest> untag(std::string_view reference);
  // Removes the image and its references; in_use when a container uses it
  // (see ImageUsersQuery).  Its layers and blobs that no other image
  // references are deleted: the rows in the transaction, the files after.
  [[nodiscard]] Result<> remove_image(const Digest& id);
  void set_image_users_query(ImageUsersQuery query) { image_users_ = std::move(query); }

  // --- maintenance ---
  // A new directory <root>/tmp/<kind>-<pid>-<random> (mode 0700) for work
  // that must not outlive this process: the caller removes it, and if the
  // process dies first the next Store::open does.
  [[nodiscard]] Result<std::string> make_temp_directory(std::string_view kind);
  [[nodiscard]] Result<DiskUsage> disk_usage();
  // Deletes layer directories with no row, layer rows and blobs no image
  // references, and tmp/ entries of dead processes.  Layers and blobs
  // younger than `grace` are kept: an image being pulled has its blobs and
  // layers in place before its row, and must not lose them.
  [[nodiscard]] Result<GarbageReport> collect_garbage(std::chrono::seconds grace = std::chrono::minutes(10));
  // Undoes an image load that failed halfway: of the candidate `layers`
  // (chain IDs) and `blobs` it put in place, deletes those no image
  // references (a layer's row and directory, a blob's file), with no
  // grace.  Anything an existing image uses stays.
  [[nodiscard]] Result<> discard_unreferenced(std::span<const Digest> blobs, std::span<const Digest> layers);

 private:
  friend class PendingLayer;
  Store(BlobStore blobs, db::Database database) : blobs_(std::move(blobs)), database_(std::move(database)) {}

  BlobStore blobs_;
  db::Database database_;
  ImageUsersQuery image_users_;
};

// A layer being unpacked into a temp directory; removed unless committed.
class PendingLayer {
 public:
  PendingLayer(PendingLayer&& other) noexcept;
  PendingLayer& operator=(PendingLayer&&) = delete;
  PendingLayer(const PendingLayer&) = delete;
  PendingLayer& operator=(const PendingLayer&) = delete;
  ~PendingLayer();

  // The directory to unpack into.
  [[nodiscard]] const std::string& path() const { return temp_path_; }
  // Makes the directory 0755 (it becomes a container's "/"), renames it
  // to <root>/layers/<hex> and inserts the row (record.chain_id must be
  // this writer's).  If another writer committed
  // the same chain ID first, this one's directory is discarded and the
  // stored row returned: a layer is unpacked once and shared.
  [[nodiscard]] Result<LayerRecord> commit(const LayerRecord& record);

 private:
  friend class Store;
  PendingLayer(Store* store, Digest chain_id, std::string temp_path)
      : store_(store), chain_id_(std::move(chain_id)), temp_path_(std::move(temp_path)) {}

  Store* store_;
  Digest chain_id_;
  std::string temp_path_;  // "" once committed
};

}  // namespace ward::image
