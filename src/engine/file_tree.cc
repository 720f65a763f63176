// file_tree.h: walking a tree through fds and writing one beneath a
// directory fd.
#include "engine/file_tree.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "util/sys.h"

namespace ward::engine {

namespace {

constexpr uid_t kOverflowId = 65534;
constexpr std::string_view kOverlayXattrPrefix = "trusted.overlay.";
constexpr std::string_view kOpaqueXattr = "trusted.overlay.opaque";

// What the runtime makes in the writable layer as mount points (Docker's
// "init layer"; changes.cc leaves the same out of `ward diff`).
constexpr std::string_view kMountPoints[] = {"etc/hostname", "etc/hosts", "etc/resolv.conf", "etc/mtab",
                                             "dev/console",  "dev/pts",   "dev/shm",         "proc",
                                             "sys",          "dev",       "run/secrets"};

// Filesystems whose files are the kernel's, not the container's: their
// contents are never copied (a container's /proc, /sys, /dev/pts).
bool kernel_filesystem(int fd) {
  struct statfs fs {};
  if (::fstatfs(fd, &fs) < 0) return false;
  switch (static_cast<unsigned long>(fs.f_type)) {
    case PROC_SUPER_MAGIC:
    case SYSFS_MAGIC:
    case DEVPTS_SUPER_MAGIC:
    case CGROUP_SUPER_MAGIC:
    case CGROUP2_SUPER_MAGIC:
    case SECURITYFS_MAGIC:
    case DEBUGFS_MAGIC:
    case TRACEFS_MAGIC:
    case BPF_FS_MAGIC:
    case PSTOREFS_MAGIC:
    case EFIVARFS_MAGIC:
    case 0x19800202:  // mqueue
    case 0x62656570:  // configfs
      return true;
    default: return false;
  }
}

Result<UniqueFd> reopen(int path_fd, int flags) {
  return sys::open(fmt::format("/proc/self/fd/{}", path_fd), flags | O_CLOEXEC);
}

// The extended attributes of the open file `fd`, sorted by name.
Result<std::vector<std::pair<std::string, std::string>>> read_xattrs(int fd, const std::string& path) {
  std::vector<std::pair<std::string, std::string>> xattrs;
  ssize_t size = ::flistxattr(fd, nullptr, 0);
  if (size < 0) {
    if (errno == ENOTSUP || errno == EOPNOTSUPP) return xattrs;
    return fail_errno(errno, "list xattrs of " + path);
  }
  std::string list(static_cast<std::size_t>(size), '\0');
  size = ::flistxattr(fd, list.data(), list.size());
  if (size < 0) return fail_errno(errno, "list xattrs of " + path);
  list.resize(static_cast<std::size_t>(size));
  for (std::size_t start = 0; start < list.size();) {
    std::string key(list.c_str() + start);
    start += key.size() + 1;
    if (key.empty()) continue;
    ssize_t value_size = ::fgetxattr(fd, key.c_str(), nullptr, 0);
    if (value_size < 0 && errno == ENODATA) continue;
    if (value_size < 0) return fail_errno(errno, fmt::format("read xattr {} of {}", key, path));
    std::string value(static_cast<std::size_t>(value_size), '\0');
    value_size = ::fgetxattr(fd, key.c_str(), value.data(), value.size());
    if (value_size < 0) return fail_errno(errno, fmt::format("read xattr {} of {}", key, path));
    value.resize(static_cast<std::size_t>(value_size));
    xattrs.emplace_back(std::move(key), std::move(value));
  }
  std::sort(xattrs.begin(), xattrs.end());
  return xattrs;
}

std::pair<std::string, std::string> split_path(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

struct Walker {
  const WalkOptions& options;
  const EntryVisitor& visit;
  std::map<std::pair<dev_t, ino_t>, std::string> first_path;  // of files with more than one link

  [[nodiscard]] std::uint32_t shown(std::uint32_t id, std::uint32_t base) const {
    if (!options.shift) return id;
    return id >= base && id - base < kIdsPerContainer ? id - base : kOverflowId;
  }

  // Applies the options to what was read of a directory or file: drops
  // overlay attributes, says whether the directory is opaque.
  bool take_xattrs(image::LayerEntry& entry, std::vector<std::pair<std::string, std::string>> xattrs) const {
    bool opaque = false;
    for (auto& [name, value] : xattrs) {
      if (options.overlay_whiteouts && name.starts_with(kOverlayXattrPrefix)) {
        if (name == kOpaqueXattr && value == "y") opaque = true;
        continue;
      }
      entry.xattrs.emplace_back(std::move(name), std::move(value));
    }
    return opaque;
  }

  Result<> object(int dir_fd, const std::string& name, const std::string& path) {
    struct stat st {};
    int r = name.empty() ? ::fstatat(dir_fd, "", &st, AT_EMPTY_PATH)
                         : ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW);
    if (r < 0) return fail_errno(errno, "stat /" + path);
    if (S_ISSOCK(st.st_mode)) return {};  // a tar has no socket type
    image::LayerEntry entry;
    entry.path = path;
    entry.mode = st.st_mode & 07777;
    entry.uid = shown(st.st_uid, options.shift ? options.shift->uid : 0);
    entry.gid = shown(st.st_gid, options.shift ? options.shift->gid : 0);
    entry.mtime = st.st_mtim.tv_sec;
    if (options.overlay_whiteouts && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
      auto [parent, leaf] = split_path(path);
      image::LayerEntry whiteout =
          image::LayerEntry::file_with((parent.empty() ? "" : parent + "/") + ".wh." + leaf, "", 0600);
      whiteout.mtime = entry.mtime;
      return visit(whiteout, {});
    }
    if (options.skip_mount_points && !path.empty() &&
        std::find(std::begin(kMountPoints), std::end(kMountPoints), path) != std::end(kMountPoints)) {
      if (S_ISREG(st.st_mode) && st.st_size == 0) return {};
      if (S_ISDIR(st.st_mode) && st.st_nlink <= 2) {
        auto child = WARD_TRY(sys::open_at(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
        if (WARD_TRY(sys::list_directory_at(child.get())).empty()) return {};
      }
    }
    if (S_ISREG(st.st_mode) && st.st_nlink > 1 && !path.empty()) {
      auto [it, first] = first_path.try_emplace({st.st_dev, st.st_ino}, path);
      if (!first) {
        entry.type = image::LayerEntryType::hard_link;
        entry.link_target = it->second;
        return visit(entry, {});
      }
    }
    if (S_ISDIR(st.st_mode)) return directory(dir_fd, name, st, std::move(entry));
    if (S_ISREG(st.st_mode)) {
      // O_NONBLOCK: a file swapped for a fifo meanwhile must not hang the copy.
      constexpr int kFlags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
      auto file = WARD_TRY(name.empty() ? reopen(dir_fd, kFlags) : sys::open_at(dir_fd, name, kFlags));
      struct stat opened {};
      if (::fstat(file.get(), &opened) < 0) return fail_errno(errno, "stat /" + path);
      if (!S_ISREG(opened.st_mode) || opened.st_ino != st.st_ino)
        return fail(ErrorKind::failed, fmt::format("/{} changed while it was copied", path));
      if (kernel_filesystem(file.get()))
        return fail(
            ErrorKind::unsupported,
            fmt::format("/{}: copying files of /proc, /sys and other kernel filesystems is not supported", path));
      if (options.xattrs) take_xattrs(entry, WARD_TRY(read_xattrs(file.get(), path)));
      return visit(entry, {file.get(), static_cast<std::uint64_t>(opened.st_size), nullptr});
    }
    if (S_ISLNK(st.st_mode)) {
      entry.type = image::LayerEntryType::symlink;
      std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
      ssize_t n = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
      if (n < 0) return fail_errno(errno, "readlink /" + path);
      target.resize(static_cast<std::size_t>(n));
      entry.link_target = std::move(target);
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
      entry.type = S_ISCHR(st.st_mode) ? image::LayerEntryType::char_device : image::LayerEntryType::block_device;
      entry.device_major = major(st.st_rdev);
      entry.device_minor = minor(st.st_rdev);
    } else if (S_ISFIFO(st.st_mode)) {
      entry.type = image::LayerEntryType::fifo;
    }
    if (path.empty()) return {};
    return visit(entry, {});
  }

  Result<> directory(int dir_fd, const std::string& name, const struct stat& st, image::LayerEntry entry) {
    constexpr int kFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
    auto dir = WARD_TRY(name.empty() ? sys::open_at(dir_fd, ".", kFlags) : sys::open_at(dir_fd, name, kFlags));
    struct stat opened {};
    if (::fstat(dir.get(), &opened) < 0) return fail_errno(errno, "stat /" + entry.path);
    if (opened.st_ino != st.st_ino || opened.st_dev != st.st_dev)
      return fail(ErrorKind::failed, fmt::format("/{} changed while it was copied", entry.path));
    entry.type = image::LayerEntryType::directory;
    bool opaque = options.xattrs && take_xattrs(entry, WARD_TRY(read_xattrs(dir.get(), entry.path)));
    std::string prefix = entry.path.empty() ? "" : entry.path + "/";
    if (!entry.path.empty()) WARD_TRY(visit(entry, {}));
    if (opaque) {
      auto marker = image::LayerEntry::file_with(prefix + ".wh..wh..opq", "", 0600);
      marker.mtime = entry.mtime;
      WARD_TRY(visit(marker, {}));
    }
    if (kernel_filesystem(dir.get())) return {};
    for (const auto& child : WARD_TRY(sys::list_directory_at(dir.get()))) {
      auto visited = object(dir.get(), child, prefix + child);
      // A name removed while the directory was read is no longer there to copy.
      if (!visited && visited.error().is(ErrorKind::not_found)) continue;
      WARD_TRY(std::move(visited));
    }
    return {};
  }
};

}  // namespace

bool plain_relative_path(std::string_view path) {
  if (path.empty() || path.find('\0') != std::string_view::npos) return false;
  for (std::size_t start = 0;;) {
    std::size_t end = path.find('/', start);
    std::string_view part = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

Result<> walk_tree(int dir_fd, const std::string& name, const std::string& path, const WalkOptions& options,
                   const EntryVisitor& visit) {
  Walker walker{options, visit, {}};
  return walker.object(dir_fd, name, path);
}

Result<std::pair<uid_t, gid_t>> TreeWriter::owner_of(const image::LayerEntry& entry) const {
  if (owners_.fixed) return *owners_.fixed;
  if (owners_.limit != 0 && (entry.uid >= owners_.limit || entry.gid >= owners_.limit))
    return fail(ErrorKind::invalid_input, fmt::format("{}: owner {}:{} is outside the container's {} ids", entry.path,
                                                      entry.uid, entry.gid, owners_.limit));
  return std::pair<uid_t, gid_t>{entry.uid + owners_.uid_offset, entry.gid + owners_.gid_offset};
}

Result<> TreeWriter::add(const image::LayerEntry& entry, const EntryContent& content) {
  using image::LayerEntryType;
  if (!plain_relative_path(entry.path))
    return fail(ErrorKind::invalid_input, fmt::format("\"{}\": not a relative path of plain components", entry.path));
  auto [parent_path, leaf] = split_path(entry.path);
  UniqueFd parent_fd;
  int parent = root_fd_;
  if (!parent_path.empty()) {
    int fd = sys::raw::open_in_root(root_fd_, parent_path.c_str(), O_PATH | O_DIRECTORY);
    if (fd < 0) return fail_errno(-fd, fmt::format("open the directory of {}", entry.path));
    parent_fd = UniqueFd(fd);
    parent = fd;
  }
  // The container's /proc or /sys: the host's kernel settings, not its files.
  if (kernel_filesystem(parent))
    return fail(ErrorKind::unsupported,
                fmt::format("{}: writing into /proc, /sys and other kernel filesystems is not supported", entry.path));
  auto [uid, gid] = WARD_TRY(owner_of(entry));
  mode_t mode = entry.mode & 07777;
  if (strip_setid_ && uid == 0) mode &= ~S_ISUID;
  if (strip_setid_ && gid == 0) mode &= ~S_ISGID;
  const char* name = leaf.c_str();
  struct stat existing {};
  bool exists = ::fstatat(parent, name, &existing, AT_SYMLINK_NOFOLLOW) == 0;
  bool existing_dir = exists && S_ISDIR(existing.st_mode);
  if (entry.type != LayerEntryType::directory) {
    if (existing_dir)
      return fail(ErrorKind::invalid_input,
                  fmt::format("cannot overwrite directory {} with non-directory", entry.path));
    if (exists && ::unlinkat(parent, name, 0) < 0) return fail_errno(errno, "replace " + entry.path);
  } else if (exists && !existing_dir && ::unlinkat(parent, name, 0) < 0) {
    return fail_errno(errno, "replace " + entry.path);
  }
  struct timespec times[2] = {{entry.mtime, 0}, {entry.mtime, 0}};
  switch (entry.type) {
    case LayerEntryType::directory: {
      if (!existing_dir && ::mkdirat(parent, name, 0700) < 0) return fail_errno(errno, "mkdir " + entry.path);
      auto dir = WARD_TRY(sys::open_at(parent, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
      if (::fchown(dir.get(), uid, gid) < 0 || ::fchmod(dir.get(), mode) < 0)
        return fail_errno(errno, "set the owner and mode of " + entry.path);
      directory_mtimes_[entry.path] = entry.mtime;
      return {};
    }
    case LayerEntryType::file: {
      auto file = WARD_TRY(sys::open_at(parent, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600));
      if (content.fd >= 0) {
        std::vector<char> buffer(1 << 16);
        if (int e = sys::raw::copy_file_data(content.fd, file.get(), buffer.data(), buffer.size()); e < 0)
          return fail_errno(-e, "copy " + entry.path);
      } else if (content.tar != nullptr) {
        WARD_TRY(content.tar->read_data([&](std::string_view chunk) -> Result<> {
          if (sys::raw::write_all(file.get(), chunk.data(), chunk.size()) < 0)
            return fail_errno(errno, "write " + entry.path);
          return {};
        }));
      }
      if (::fchown(file.get(), uid, gid) < 0 || ::fchmod(file.get(), mode) < 0 || ::futimens(file.get(), times) < 0)
        return fail_errno(errno, "set the owner, mode and time of " + entry.path);
      return {};
    }
    case LayerEntryType::symlink:
      if (::symlinkat(entry.link_target.c_str(), parent, name) < 0) return fail_errno(errno, "symlink " + entry.path);
      if (::fchownat(parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ||
          ::utimensat(parent, name, times, AT_SYMLINK_NOFOLLOW) < 0)
        return fail_errno(errno, "set the owner and time of " + entry.path);
      return {};
    case LayerEntryType::hard_link: {
      if (!plain_relative_path(entry.link_target))
        return fail(ErrorKind::invalid_input,
                    fmt::format("{}: hard link to \"{}\" outside the copy", entry.path, entry.link_target));
      int target = sys::raw::open_in_root(root_fd_, entry.link_target.c_str(), O_PATH | O_NOFOLLOW);
      if (target < 0) return fail_errno(-target, fmt::format("hard link {} to {}", entry.path, entry.link_target));
      UniqueFd held(target);
      if (::linkat(target, "", parent, name, AT_EMPTY_PATH) < 0)
        return fail_errno(errno, fmt::format("hard link {} to {}", entry.path, entry.link_target));
      return {};
    }
    case LayerEntryType::char_device:
    case LayerEntryType::block_device:
    case LayerEntryType::fifo: {
      mode_t type = entry.type == LayerEntryType::fifo          ? S_IFIFO
                    : entry.type == LayerEntryType::char_device ? S_IFCHR
                                                                : S_IFBLK;
      if (::mknodat(parent, name, type | (mode & 0777), makedev(entry.device_major, entry.device_minor)) < 0)
        return fail_errno(errno, "mknod " + entry.path);
      if (::fchownat(parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
        return fail_errno(errno, "set the owner of " + entry.path);
      return {};
    }
  }
  return {};
}

Result<> TreeWriter::finish() {
  for (const auto& [path, mtime] : directory_mtimes_) {
    int fd = sys::raw::open_in_root(root_fd_, path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd < 0) return fail_errno(-fd, "open " + path);
    UniqueFd dir(fd);
    struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
    if (::futimens(dir.get(), times) < 0) return fail_errno(errno, "set the time of " + path);
  }
  return {};
}

Result<> write_tree_tar(int tar_fd, int dir_fd, const std::string& name, const std::string& path,
                        const WalkOptions& options) {
  auto writer = WARD_TRY(image::LayerWriter::create(tar_fd));
  WARD_TRY(walk_tree(dir_fd, name, path, options,
                     [&](const image::LayerEntry& entry, const EntryContent& content) -> Result<> {
                       if (entry.type == image::LayerEntryType::file && content.fd >= 0)
                         return writer.add_streamed(entry, content.fd, content.size);
                       return writer.add(entry);
                     }));
  WARD_TRY(writer.finish());
  return {};
}

}  // namespace ward::engine
