// The built-in image `busybox` (SPEC section 4): made on first use from the
// host's statically linked busybox (Debian's busybox-static), so that a
// machine with no registry can run containers at once.  Its layer is
// written deterministically (fixed owners and times, sorted entries) and
// its config has a fixed creation time, so the same busybox binary gives
// the same image ID on every machine.
#pragma once

#include <string>
#include <string_view>

#include "image/store.h"
#include "util/error.h"
#include "util/progress.h"

namespace ward::image {

// Where the host's busybox is looked for.
inline constexpr std::string_view kHostBusybox = "/bin/busybox";

// True when `text` names the built-in image: busybox, busybox:latest,
// docker.io/library/busybox[:latest].
[[nodiscard]] bool names_builtin_busybox(std::string_view text);

// Makes the image from `busybox_path` and tags it
// docker.io/library/busybox:latest.  not_found when the file is missing
// (naming the package to install), invalid_input when it is not a
// statically linked executable.
[[nodiscard]] Result<ImageRecord> make_builtin_busybox(Store& store,
                                                       const std::string& busybox_path = std::string(kHostBusybox),
                                                       Progress* progress = nullptr);

// Store::resolve, except that the built-in image is made when `text` names
// it and the store has no such image yet.
[[nodiscard]] Result<ImageRecord> resolve_image(Store& store, std::string_view text, Progress* progress = nullptr);

}  // namespace ward::image
