// What `ward load` reads images from (load.h), after the first pass over a
// tar or directly from an OCI layout directory: small documents by path,
// and blobs, which it puts into the store verified.  Internal to load_*.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/blob_store.h"
#include "image/digest.h"
#include "image/spec.h"
#include "image/store.h"
#include "util/error.h"
#include "util/progress.h"

namespace ward::image {

class LoadContents {
 public:
  virtual ~LoadContents() = default;

  // A small document (manifest.json, index.json, oci-layout, a docker
  // config file) by its path in the archive; nullopt when absent.
  [[nodiscard]] virtual Result<std::optional<std::string>> document(std::string_view path) = 0;
  // Makes the blob `digest` present in the store, verified (and of `size`
  // bytes when given); not_found naming it when the archive lacks it.
  [[nodiscard]] virtual Result<> ensure_blob(const Digest& digest, std::optional<std::uint64_t> size) = 0;
  // The content of a member path (a docker-archive layer tar) as a stored
  // blob: its digest.
  [[nodiscard]] virtual Result<Digest> member_blob(std::string_view path) = 0;
};

// Blobs a load added to the store: removed at its end unless an image
// references them (it failed, or they belong to an image it skipped).
using AddedBlobs = std::vector<Digest>;

// Reads the whole tar from `fd` once: members under blobs/ go into the
// store through their digest check, other large members (docker-archive
// layer tars) into the store under their own digest, small ones into
// memory.  `name` names the archive in errors.
[[nodiscard]] Result<std::unique_ptr<LoadContents>> stage_tar_archive(BlobStore& blobs, int fd, std::string name,
                                                                      Progress* progress, AddedBlobs& added);
// An OCI layout (or an unpacked docker-archive) directory, read on demand.
[[nodiscard]] Result<std::unique_ptr<LoadContents>> open_archive_directory(BlobStore& blobs, std::string dir,
                                                                           Progress* progress, AddedBlobs& added);

// Copies `fd`'s bytes (from its offset to its end) into a new blob, with
// progress under `id`; commits it as `expected` when given (verified), else
// under its own digest.  Returns the digest and whether the blob is new.
struct CopiedBlob {
  Digest digest;
  bool added = false;
};
[[nodiscard]] Result<CopiedBlob> copy_into_blob(BlobStore& blobs, int fd, const Digest* expected,
                                                std::optional<std::uint64_t> size, std::string_view id,
                                                Progress* progress);

// The short form of a digest used as a progress id: its first 12 hex digits.
[[nodiscard]] std::string short_id(const Digest& digest);

}  // namespace ward::image

namespace ward::image {

// The images an archive holds, read from its documents, every blob they
// name present in the store: rows ready for Store::add_image once their
// layers are unpacked.  Docker archives get a schema 2 manifest made for
// them (they carry none), stored like any blob.
[[nodiscard]] Result<std::vector<ImageRecord>> assemble_images(LoadContents& contents, BlobStore& blobs,
                                                               const Platform& platform, AddedBlobs& added);

}  // namespace ward::image
