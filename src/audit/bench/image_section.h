// Section 4, container images: ward's own images, read from its store.
// The configuration checks are `ward scan`'s (audit/scan/image_checks.h)
// and the setuid check walks each image's layers with scan's file checks,
// so the two verbs cannot disagree.
#pragma once

#include <string>
#include <vector>

#include "audit/bench/bench.h"
#include "image/spec.h"
#include "image/store.h"
#include "util/error.h"

namespace ward::audit::bench {

struct AuditedImage {
  std::string name;  // its first tag, or its short ID
  image::ImageConfig config;
  std::vector<std::string> layers;  // unpacked layer directories, top first
};

// Every image in `store`.
[[nodiscard]] Result<std::vector<AuditedImage>> store_images(image::Store& store);

[[nodiscard]] Result<Section> image_section(const std::vector<AuditedImage>& images);

}  // namespace ward::audit::bench
