// `ward load`: images from an archive into the store (docs/STORE.md).
// Three inputs, told apart by what they hold, not by a flag:
//   - an OCI image layout directory (oci-layout, index.json, blobs/),
//   - a tar of one (`podman save --format oci-archive`, `skopeo copy
//     oci-archive:`),
//   - a `docker save` archive (manifest.json naming configs and layer
//     tars; Docker 25's archives hold an OCI layout too and are read by
//     their manifest.json, which carries the tags).
// A tar may be compressed (gzip, xz, bzip2, zstd) and may come from a pipe:
// it is read once, front to back, each member streamed into the blob store
// through its digest check.  Then each image's layers are unpacked (once
// per chain ID) and its row added.  Any failure removes what this load
// stored and no image referenced, so a bad archive leaves nothing.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "image/digest.h"
#include "image/spec.h"
#include "image/store.h"
#include "util/error.h"
#include "util/progress.h"

namespace ward::image {

struct LoadOptions {
  // Which manifest of an index to load (the host's by default).
  Platform platform;
  // Unpack as an unprivileged user (image/layer_unpack.h).
  bool rootless = false;
  // Per-blob and per-layer progress; null prints nothing.
  Progress* progress = nullptr;
};

struct LoadedImage {
  Digest id;
  std::vector<std::string> tags;  // normalised references; empty when the archive named none
};

// `input` is a directory (an OCI layout), a file, or "-" for stdin.
[[nodiscard]] Result<std::vector<LoadedImage>> load_images(Store& store, const std::string& input,
                                                           const LoadOptions& options);

// Unpacks the layers of `image` that the store lacks (its blobs must all be
// stored) and adds its row: the end of a load, and how images ward makes
// itself (the built-in busybox, import) get in.  If it fails, the layers
// it unpacked and the `staged` blobs (what the caller stored for this
// image) that no other image uses are removed again.
[[nodiscard]] Result<LoadedImage> install_image(Store& store, ImageRecord image, const LoadOptions& options,
                                                std::span<const Digest> staged = {});

}  // namespace ward::image
