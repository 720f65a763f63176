// `ward push`: an image of the store to a registry.  Each layer blob is
// checked with HEAD, mounted from another repository of the same registry
// when an image ward holds came from there (its RepoDigests), or uploaded
// (POST, then PUT ?digest=, in one piece); then the config, then the
// manifest, PUT as the very bytes the store holds so its digest is kept.
// After a push the image gains the repo digest NAME@DIGEST.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "image/digest.h"
#include "image/reference.h"
#include "image/registry_client.h"
#include "image/store.h"
#include "util/error.h"
#include "util/progress.h"

namespace ward::image {

struct PushOptions {
  RegistryOptions registry;
  Progress* progress = nullptr;
  // Told about each layer as it is done (short id, Docker's words:
  // "Pushed", "Layer already exists", "Mounted from library/busybox").
  std::function<void(std::string_view id, std::string_view status)> report;
};

struct PushResult {
  std::string tag;
  Digest manifest_digest;
  std::uint64_t manifest_size = 0;
};

// Pushes `image` (already resolved in the store) as `reference`.
[[nodiscard]] Result<PushResult> push_image(Store& store, const ImageRecord& image, const Reference& reference,
                                            const PushOptions& options);

}  // namespace ward::image
