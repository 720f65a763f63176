// `ward pull`: an image from a registry into the store.  The manifest
// (an index resolved to one platform) is checked against its digest; the
// config and layer blobs are streamed into the blob store, each hashed as
// it arrives and verified before it becomes visible (never a second pass);
// then the layers are unpacked and the image row added with its tag and
// repo digest.  Any failure removes what this pull stored that no image
// references: a bad blob keeps nothing.  Up to three layers download at
// once (as Docker); a failed one cancels the others.  With registries.conf, mirrors are
// tried before the location (the first that has the manifest serves every
// blob); the image keeps the name it was asked by.
#pragma once

#include <functional>
#include <string>

#include "image/digest.h"
#include "image/load.h"
#include "image/reference.h"
#include "image/registries_conf.h"
#include "image/registry_client.h"
#include "image/store.h"
#include "util/error.h"

namespace ward::image {

struct PullOptions {
  LoadOptions load;  // platform, rootless, progress
  RegistryOptions registry;
  // Mirrors, locations, insecure and blocked registries; none when null.
  const RegistriesConf* registries = nullptr;
  // Called once the registry has answered with the manifest (or index),
  // before any blob is fetched: where a front end says "Pulling from".
  std::function<void()> found;
};

struct PullResult {
  Digest id;
  Digest manifest_digest;
  bool downloaded = false;  // false: the store had the image already
};

[[nodiscard]] Result<PullResult> pull_image(Store& store, const Reference& reference, const PullOptions& options);

}  // namespace ward::image
