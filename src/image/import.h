// `ward import`: an image of one layer from a root filesystem tarball (a
// file or standard input, plain or compressed with any filter libarchive
// reads), as `docker import` makes it.  The layer is stored uncompressed,
// so its blob digest is its diff_id; the config gets the host's (or the
// requested) platform, the `--change` instructions, and one history entry
// "Imported from SOURCE" (or the message).  A failure keeps nothing.
#pragma once

#include <string>
#include <vector>

#include "image/load.h"
#include "image/store.h"
#include "util/error.h"

namespace ward::image {

struct ImportOptions {
  std::vector<std::string> changes;  // "CMD [\"sh\"]", see config_change.h
  std::string message;               // the history comment; empty: "Imported from SOURCE"
  std::string reference;             // the tag to give it; empty leaves it untagged
  LoadOptions load;                  // platform (empty: the host's), rootless, progress
};

// Reads the tarball from `fd` to its end; `source` names it in the history
// and in errors ("-" for standard input).
[[nodiscard]] Result<LoadedImage> import_rootfs(Store& store, int fd, const std::string& source,
                                                const ImportOptions& options);

}  // namespace ward::image
