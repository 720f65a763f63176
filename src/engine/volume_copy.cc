#include "engine/volume_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <vector>

#include <fmt/format.h>

#include "util/fd.h"
#include "util/sys.h"

namespace ward::engine {

namespace {

constexpr std::uint32_t kRangeSize = 65536;

struct Owner {
  uid_t uid;
  gid_t gid;
};

Owner container_owner(const struct stat& st, const std::optional<HostIds>& ids) {
  Owner owner{st.st_uid, st.st_gid};
  if (ids) {
    if (owner.uid >= ids->uid && owner.uid - ids->uid < kRangeSize) owner.uid -= ids->uid;
    if (owner.gid >= ids->gid && owner.gid - ids->gid < kRangeSize) owner.gid -= ids->gid;
  }
  return owner;
}

// Extended attributes the kernel lets root set here; one it refuses
// (trusted.overlay.*, a security.* the LSM owns) is left behind.
void copy_xattrs(int from, int to) {
  std::vector<char> names(4096);
  ssize_t length = ::flistxattr(from, names.data(), names.size());
  if (length < 0 && errno == ERANGE) {
    length = ::flistxattr(from, nullptr, 0);
    if (length <= 0) return;
    names.resize(static_cast<std::size_t>(length));
    length = ::flistxattr(from, names.data(), names.size());
  }
  for (ssize_t at = 0; length > 0 && at < length;) {
    const char* name = names.data() + at;
    at += static_cast<ssize_t>(std::char_traits<char>::length(name)) + 1;
    std::vector<char> value(65536);
    ssize_t size = ::fgetxattr(from, name, value.data(), value.size());
    if (size >= 0) (void)::fsetxattr(to, name, value.data(), static_cast<std::size_t>(size), 0);
  }
}

Result<> set_metadata(int fd, const struct stat& st, const std::optional<HostIds>& ids, const std::string& what) {
  Owner owner = container_owner(st, ids);
  if (::fchown(fd, owner.uid, owner.gid) < 0) return fail_errno(errno, "chown " + what);
  // After chown, which drops set-user-ID and set-group-ID bits.
  if (::fchmod(fd, st.st_mode & 07777) < 0) return fail_errno(errno, "chmod " + what);
  return {};
}

Result<> copy_contents(int from, int to, const std::string& what) {
  std::vector<char> buffer(1 << 16);
  while (true) {
    ssize_t got = ::read(from, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail_errno(errno, "read " + what);
    if (got == 0) return {};
    for (ssize_t done = 0; done < got;) {
      ssize_t put = ::write(to, buffer.data() + done, static_cast<std::size_t>(got - done));
      if (put < 0 && errno == EINTR) continue;
      if (put < 0) return fail_errno(errno, "write " + what);
      done += put;
    }
  }
}

Result<> copy_tree(int from_dir, int to_dir, const std::optional<HostIds>& ids, const std::string& where);

Result<> copy_entry(int from_dir, int to_dir, const std::string& name, const std::optional<HostIds>& ids,
                    const std::string& where) {
  std::string what = where + "/" + name;
  struct stat st {};
  if (::fstatat(from_dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) return fail_errno(errno, "stat " + what);
  Owner owner = container_owner(st, ids);
  if (S_ISDIR(st.st_mode)) {
    if (::mkdirat(to_dir, name.c_str(), 0700) < 0) return fail_errno(errno, "make " + what);
    auto from = WARD_TRY(sys::open_at(from_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    auto to = WARD_TRY(sys::open_at(to_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    WARD_TRY(copy_tree(from.get(), to.get(), ids, what));
    copy_xattrs(from.get(), to.get());
    WARD_TRY(set_metadata(to.get(), st, ids, what));
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    (void)::futimens(to.get(), times);
    return {};
  }
  if (S_ISREG(st.st_mode)) {
    auto from = WARD_TRY(sys::open_at(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    auto to = WARD_TRY(sys::open_at(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    WARD_TRY(copy_contents(from.get(), to.get(), what));
    copy_xattrs(from.get(), to.get());
    WARD_TRY(set_metadata(to.get(), st, ids, what));
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    (void)::futimens(to.get(), times);
    return {};
  }
  if (S_ISLNK(st.st_mode)) {
    std::vector<char> target(static_cast<std::size_t>(st.st_size) + 2);
    ssize_t length = ::readlinkat(from_dir, name.c_str(), target.data(), target.size() - 1);
    if (length < 0) return fail_errno(errno, "read the link " + what);
    target[static_cast<std::size_t>(length)] = '\0';
    if (::symlinkat(target.data(), to_dir, name.c_str()) < 0) return fail_errno(errno, "make the link " + what);
    if (::fchownat(to_dir, name.c_str(), owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW) < 0)
      return fail_errno(errno, "chown " + what);
    return {};
  }
  if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
    if (::mknodat(to_dir, name.c_str(), st.st_mode & (S_IFMT | 0777), st.st_rdev) < 0)
      return fail_errno(errno, "make " + what);
    if (::fchownat(to_dir, name.c_str(), owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW) < 0)
      return fail_errno(errno, "chown " + what);
    return {};
  }
  return {};  // a socket means nothing in a copy
}

Result<> copy_tree(int from_dir, int to_dir, const std::optional<HostIds>& ids, const std::string& where) {
  for (const auto& name : WARD_TRY(sys::list_directory_at(from_dir)))
    WARD_TRY(copy_entry(from_dir, to_dir, name, ids, where));
  return {};
}

}  // namespace

Result<> populate_volume(int rootfs_fd, const std::string& path, const std::string& data_dir,
                         const std::optional<HostIds>& ids) {
  auto data = WARD_TRY(sys::open(data_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!WARD_TRY(sys::list_directory_at(data.get())).empty()) return {};
  int source = sys::raw::open_in_root(rootfs_fd, path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (source < 0) {
    if (source == -ENOENT || source == -ENOTDIR) return {};
    return fail_errno(-source, fmt::format("open {} in the container's root", path));
  }
  UniqueFd from(source);
  struct stat st {};
  if (::fstat(from.get(), &st) < 0) return fail_errno(errno, "stat " + path);
  WARD_TRY(context(copy_tree(from.get(), data.get(), ids, path), "copy the image's {} into its volume", path));
  copy_xattrs(from.get(), data.get());
  return set_metadata(data.get(), st, ids, data_dir);
}

}  // namespace ward::engine
