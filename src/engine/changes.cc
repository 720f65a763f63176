// Engine::changes: `ward diff`, what a container changed in its image's
// filesystem, read from its overlay's writable layer: a whiteout there is
// a deletion; anything else is an addition, or a change where a layer
// below has the path.
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "engine/engine.h"
#include "image/digest.h"

namespace ward::engine {

namespace {

bool is_whiteout(const struct stat& info) {
  return S_ISCHR(info.st_mode) && ::major(info.st_rdev) == 0 && ::minor(info.st_rdev) == 0;
}

// Whether the image's layers (`lowers`, topmost first) have `path`: the
// first layer that holds it, or a whiteout of it, decides.
bool lower_has(const std::vector<std::string>& lowers, const std::string& path) {
  for (const auto& lower : lowers) {
    struct stat info {};
    if (::lstat((lower + path).c_str(), &info) == 0) return !is_whiteout(info);
  }
  return false;
}

// What the runtime makes in the writable layer as mount points, Docker's
// "init layer": not the container's changes.
constexpr std::string_view kMountPoints[] = {"/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/etc/mtab",
                                             "/dev/console",  "/dev/pts",   "/dev/shm",         "/proc",
                                             "/sys",          "/dev",       "/run/secrets"};

bool is_mount_point(std::string_view path) {
  return std::find(std::begin(kMountPoints), std::end(kMountPoints), path) != std::end(kMountPoints);
}

// Drops the mount points, and a directory the overlay copied up only to
// hold them (no other change below it).
std::vector<Change> without_mount_points(const std::vector<Change>& all) {
  std::vector<Change> kept;
  std::vector<std::string> emptied;  // parents of a dropped mount point
  for (const auto& change : all) {
    if (change.kind != ChangeKind::deleted && is_mount_point(change.path)) {
      emptied.push_back(change.path.substr(0, change.path.rfind('/')));
      continue;
    }
    kept.push_back(change);
  }
  std::vector<Change> result;
  for (const auto& change : kept) {
    bool was_holder = std::find(emptied.begin(), emptied.end(), change.path) != emptied.end();
    std::string prefix = change.path + "/";
    if (was_holder && change.kind == ChangeKind::changed &&
        std::none_of(kept.begin(), kept.end(), [&](const Change& other) { return other.path.starts_with(prefix); }))
      continue;
    result.push_back(change);
  }
  return result;
}

}  // namespace

Result<std::vector<Change>> Engine::changes(const ContainerRecord& container) {
  auto image = WARD_TRY(store_.image(WARD_TRY(image::Digest::parse(container.image_id))));
  std::vector<std::string> lowers;
  for (auto it = image.layers.rbegin(); it != image.layers.rend(); ++it)
    lowers.push_back(store_.root() + "/layers/" + it->chain_id.hex());
  std::string upper = layer_dir(container.id) + "/upper";
  std::vector<Change> found;
  std::error_code error;
  namespace fs = std::filesystem;
  fs::recursive_directory_iterator walk(upper, fs::directory_options::none, error);
  if (error) {
    if (error == std::errc::no_such_file_or_directory) return found;
    return fail(fmt::format("diff: read {}: {}", upper, error.message()));
  }
  for (; walk != fs::recursive_directory_iterator(); walk.increment(error)) {
    if (error) return fail(fmt::format("diff: read {}: {}", upper, error.message()));
    std::string path = walk->path().string().substr(upper.size());
    struct stat info {};
    if (::lstat(walk->path().c_str(), &info) < 0) return fail_errno(errno, "diff: " + walk->path().string());
    if (is_whiteout(info))
      found.push_back({ChangeKind::deleted, path});
    else
      found.push_back({lower_has(lowers, path) ? ChangeKind::changed : ChangeKind::added, path});
  }
  std::sort(found.begin(), found.end(), [](const Change& a, const Change& b) { return a.path < b.path; });
  return without_mount_points(found);
}

}  // namespace ward::engine
