// `ward scan ARCHIVE`: an image archive scanned without loading it into the
// user's store.  The archive is read by `ward load`'s code (image/load.h:
// an OCI layout directory, an OCI archive or a `docker save` archive,
// compressed or not, told apart by content), with every blob checked
// against its digest, into a private store in a temporary directory under
// the user store's tmp/.  That directory goes when the ArchiveTarget does;
// if the process is killed first, the next ward command that opens the
// store removes it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "audit/scan/scan.h"
#include "image/store.h"
#include "util/error.h"
#include "util/progress.h"

namespace ward::audit::scan {

// True when `path` is an OCI image layout directory (it holds an
// `oci-layout` file), which is scanned as an archive, not as a rootfs.
[[nodiscard]] bool is_oci_layout_directory(const std::string& path);

class ArchiveTarget {
 public:
  // Loads the one image `archive` holds into a private store under
  // `store`'s tmp/.  An archive of several images is refused, naming them.
  [[nodiscard]] static Result<ArchiveTarget> open(image::Store& store, const std::string& archive, Progress* progress);

  ArchiveTarget(ArchiveTarget&& other) noexcept;
  ArchiveTarget& operator=(ArchiveTarget&&) = delete;
  ArchiveTarget(const ArchiveTarget&) = delete;
  ArchiveTarget& operator=(const ArchiveTarget&) = delete;
  ~ArchiveTarget();

  [[nodiscard]] const ScanTarget& target() const { return target_; }

 private:
  ArchiveTarget(std::string directory, std::unique_ptr<image::Store> store, ScanTarget target)
      : directory_(std::move(directory)), store_(std::move(store)), target_(std::move(target)) {}

  std::string directory_;                // the private store's root; "" once moved from
  std::unique_ptr<image::Store> store_;  // closed before directory_ is removed
  ScanTarget target_;
};

}  // namespace ward::audit::scan
