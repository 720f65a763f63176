// `ward pull`'s steps, shared with `ward run` and `ward create`, which pull
// an image they do not have (--pull missing, the default) or always.
#pragma once

#include <cstdio>
#include <string>

#include "image/platform.h"
#include "image/reference.h"
#include "image/store.h"
#include "util/error.h"

namespace ward::cli::engine {

struct PullFlags {
  bool quiet = false;  // no lines but the reference (pull) or none (run)
  image::Platform platform = image::host_platform();
  bool tls_verify = true;
};

// Pulls the image `text` names (a short name resolved by registries.conf)
// into `store`, writing Docker's lines and, on a terminal, per-layer
// progress to `out`.  Returns the reference pulled; records the event.
[[nodiscard]] Result<image::Reference> pull_named(image::Store& store, const std::string& text, const PullFlags& flags,
                                                  std::FILE* out);

// --pull of run and create: "missing" (pull when the store has no such
// image), "always" or "never"; anything else is refused by name.
[[nodiscard]] Result<> ensure_image(image::Store& store, const std::string& text, const std::string& policy,
                                    bool quiet);

}  // namespace ward::cli::engine
