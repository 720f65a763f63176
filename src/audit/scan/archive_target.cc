#include "audit/scan/archive_target.h"

#include <sys/stat.h>
#include <unistd.h>

#include <utility>

#include <fmt/format.h>

#include "image/load.h"
#include "image/platform.h"
#include "image/reference.h"
#include "util/sys.h"

namespace ward::audit::scan {

namespace {

// Removes a directory when it goes out of scope, until released.
class DirectoryGuard {
 public:
  explicit DirectoryGuard(std::string path) : path_(std::move(path)) {}
  DirectoryGuard(const DirectoryGuard&) = delete;
  DirectoryGuard& operator=(const DirectoryGuard&) = delete;
  ~DirectoryGuard() {
    if (!path_.empty()) (void)sys::remove_all(path_);
  }
  [[nodiscard]] const std::string& path() const { return path_; }
  std::string release() { return std::exchange(path_, std::string()); }

 private:
  std::string path_;
};

std::string image_names(const std::vector<image::LoadedImage>& images) {
  std::string names;
  for (const auto& loaded : images) {
    if (!names.empty()) names += ", ";
    names += loaded.tags.empty() ? loaded.id.string().substr(7, 12) : image::familiar_name(loaded.tags.front());
  }
  return names;
}

}  // namespace

bool is_oci_layout_directory(const std::string& path) {
  struct stat st;
  return ::stat((path + "/oci-layout").c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Result<ArchiveTarget> ArchiveTarget::open(image::Store& store, const std::string& archive, Progress* progress) {
  DirectoryGuard directory(WARD_TRY(store.make_temp_directory("scan")));
  // Opened on the heap so its address stays put when the target moves.
  auto scratch = std::make_unique<image::Store>(WARD_TRY(image::Store::open(directory.path())));
  image::LoadOptions options{.platform = image::host_platform(), .rootless = ::geteuid() != 0, .progress = progress};
  auto loaded = WARD_TRY(image::load_images(*scratch, archive, options));
  if (loaded.empty()) return fail(ErrorKind::invalid_input, fmt::format("{}: the archive holds no image", archive));
  if (loaded.size() > 1)
    return fail(ErrorKind::unsupported,
                fmt::format("{}: the archive holds {} images ({}); scanning more than one at a time is not "
                            "supported: 'ward load -i {}' it and scan each image",
                            archive, loaded.size(), image_names(loaded), archive));
  const image::LoadedImage& image = loaded.front();
  // By its tag when it has one, so the tag checks (":latest") apply.
  auto target = WARD_TRY(image_target(*scratch, image.tags.empty() ? image.id.string() : image.tags.front()));
  target.name = archive;
  target.layer_cache.clear();  // the private store goes when the scan ends: nothing to keep results in
  std::string path = directory.release();
  return ArchiveTarget(std::move(path), std::move(scratch), std::move(target));
}

ArchiveTarget::ArchiveTarget(ArchiveTarget&& other) noexcept
    : directory_(std::exchange(other.directory_, std::string())),
      store_(std::move(other.store_)),
      target_(std::move(other.target_)) {}

ArchiveTarget::~ArchiveTarget() {
  store_.reset();
  if (!directory_.empty()) (void)sys::remove_all(directory_);
}

}  // namespace ward::audit::scan
