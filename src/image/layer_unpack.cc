#include "image/layer_unpack.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "image/archive_handle.h"
#include "util/sys.h"

// One pass over the blob, three stages pulling from each other (no thread,
// no second read):
//
//   blob_fd --read--> [blob digest] --> decoder --> [diff_id digest] --> tar reader --> entries
//
// The decoder is a libarchive reader with the "raw" format and exactly one
// filter (gzip or zstd, forced with archive_read_append_filter, never bid
// for), whose read callback reads the fd and hashes what it hands over: the
// blob digest.  The tar reader (tar format only, no filter) reads through a
// callback that takes the decoder's decompressed blocks and hashes them: the
// diff_id.  An uncompressed blob skips the decoder and both digests see the
// same bytes.  After the tar's end the rest of the stream (tar padding,
// bytes after the compressed stream) is drained through the same callbacks,
// so both digests cover every byte.  docs/LAYERS.md has the whole story.

namespace ward::image {

namespace {

using detail::archive_message;
using detail::ArchiveReader;

constexpr std::size_t kReadSize = 64 * 1024;

std::string_view compression_name(LayerCompression compression) {
  switch (compression) {
    case LayerCompression::none: return "uncompressed";
    case LayerCompression::gzip: return "gzip";
    case LayerCompression::zstd: return "zstd";
  }
  return "unknown";
}

// The blob as the tar reader sees it: decompressed and hashed on the way.
class LayerSource {
 public:
  LayerSource(int fd, DigestWriter blob, DigestWriter tar) : fd_(fd), blob_(std::move(blob)), tar_(std::move(tar)) {}

  // Reads the first bytes (kept for the first callback) and says what
  // compression they announce.
  Result<LayerCompression> start() {
    buffer_.resize(kReadSize);
    std::size_t have = 0;
    while (have < 4) {
      ssize_t n = sys::raw::read_some(fd_, buffer_.data() + have, buffer_.size() - have);
      if (n < 0) return fail_errno(static_cast<int>(-n), "read the layer blob");
      if (n == 0) break;
      have += static_cast<std::size_t>(n);
    }
    pending_ = have;
    WARD_TRY(blob_.update(std::string_view(buffer_.data(), have)));
    return detect_layer_compression(std::string_view(buffer_.data(), have));
  }

  Result<> open_decoder(LayerCompression compression) {
    if (compression == LayerCompression::none) return {};
    WARD_TRY(detail::require_in_process_codec(compression));
    decoder_.reset(archive_read_new());
    archive* d = decoder_.get();
    if (d == nullptr) return fail_errno(ENOMEM, "layer decoder");
    int r = archive_read_support_format_raw(d);
    if (r == ARCHIVE_OK)
      r = archive_read_append_filter(d,
                                     compression == LayerCompression::gzip ? ARCHIVE_FILTER_GZIP : ARCHIVE_FILTER_ZSTD);
    if (r == ARCHIVE_OK) r = archive_read_open(d, this, nullptr, &LayerSource::blob_callback, nullptr);
    archive_entry* entry = nullptr;
    if (r == ARCHIVE_OK) r = archive_read_next_header(d, &entry);
    if (r != ARCHIVE_OK) return std::unexpected(error("layer blob"));
    return {};
  }

  static la_ssize_t blob_callback(archive*, void* client, const void** out) {
    return static_cast<LayerSource*>(client)->read_blob(out);
  }
  static la_ssize_t tar_callback(archive*, void* client, const void** out) {
    return static_cast<LayerSource*>(client)->read_tar(out);
  }

  // Reads whatever the tar reader left (its end blocks, padding, bytes
  // after the compressed stream), so the digests cover the whole blob.
  Result<> drain() {
    const void* ignored = nullptr;
    la_ssize_t n;
    while ((n = read_tar(&ignored)) > 0) {
    }
    if (n < 0) return std::unexpected(error("layer blob"));
    if (decoder_) {
      while ((n = read_blob(&ignored)) > 0) {
      }
      if (n < 0) return std::unexpected(error("layer blob"));
    }
    return {};
  }

  // A stage's failure: the fd's or the decoder's error when there is one.
  Error error(std::string_view what) {
    Error e = failure_
                  ? *failure_
                  : fail(ErrorKind::invalid_input, decoder_ ? archive_message(decoder_.get()) : "read failed").error();
    e.wrap(what);
    return e;
  }
  bool failed() const { return failure_.has_value(); }

  DigestWriter& blob_digest() { return blob_; }
  DigestWriter& tar_digest() { return tar_; }

 private:
  la_ssize_t read_blob(const void** out) {
    if (pending_ > 0) {
      *out = buffer_.data();
      return static_cast<la_ssize_t>(std::exchange(pending_, 0));
    }
    if (fd_done_) return 0;
    ssize_t n = sys::raw::read_some(fd_, buffer_.data(), buffer_.size());
    if (n < 0) {
      note(fail_errno(static_cast<int>(-n), "read the layer blob").error());
      return -1;
    }
    if (n == 0) fd_done_ = true;
    if (auto r = blob_.update(std::string_view(buffer_.data(), static_cast<std::size_t>(n))); !r) {
      note(r.error());
      return -1;
    }
    *out = buffer_.data();
    return n;
  }

  la_ssize_t read_tar(const void** out) {
    la_ssize_t n = 0;
    if (!decoder_) {
      n = read_blob(out);
    } else if (!decoder_done_) {
      std::size_t size = 0;
      la_int64_t offset = 0;
      int r = archive_read_data_block(decoder_.get(), out, &size, &offset);
      if (r == ARCHIVE_EOF) {
        decoder_done_ = true;
        return 0;
      }
      if (r != ARCHIVE_OK) {
        note(fail(ErrorKind::invalid_input, archive_message(decoder_.get())).error());
        return -1;
      }
      n = static_cast<la_ssize_t>(size);
    }
    if (n > 0) {
      if (auto r = tar_.update(std::string_view(static_cast<const char*>(*out), static_cast<std::size_t>(n))); !r) {
        note(r.error());
        return -1;
      }
    }
    return n;
  }

  void note(Error e) {
    if (!failure_) failure_ = std::move(e);
  }

  int fd_;
  DigestWriter blob_;
  DigestWriter tar_;
  std::vector<char> buffer_;
  std::size_t pending_ = 0;  // bytes of buffer_ read by start() and not handed over yet
  bool fd_done_ = false;
  bool decoder_done_ = false;
  std::optional<Error> failure_;
  ArchiveReader decoder_;  // gzip or zstd; null when uncompressed
};

// A hostile or malformed entry; Extractor::entry() names it.
std::unexpected<Error> invalid(std::string why) {
  return fail(ErrorKind::invalid_input, std::move(why));
}

// An entry's name as components inside the layer: a leading "/" is
// dropped (names are relative to the layer's root, as GNU tar reads them),
// "." and empty components are skipped, ".." takes one back; one that
// would take the name above the root is refused.
Result<std::vector<std::string>> clean_name(std::string_view name) {
  if (name.find('\0') != std::string_view::npos) return invalid("a NUL in a name");
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    if (part == "..") {
      if (parts.empty()) return invalid("climbs out of the layer");
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.emplace_back(part);
    }
    start = end + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts, std::size_t count) {
  std::string path;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) path += '/';
    path += parts[i];
  }
  return path;
}

Result<UniqueFd> open_inside(int root, const std::string& path, int flags) {
  int fd = sys::raw::open_in_root(root, path.empty() ? "." : path.c_str(), flags);
  if (fd < 0) return fail_errno(-fd, "open " + (path.empty() ? std::string(".") : path));
  return UniqueFd(fd);
}

// Writes the entries of one layer into the destination directory.
class Extractor {
 public:
  Extractor(int root, const UnpackOptions& options, archive* tar, UnpackedLayer& result)
      : root_(root), options_(options), tar_(tar), result_(result) {}

  // Errors name the entry: "layer entry \"../x\": climbs out of the layer".
  Result<> entry(archive_entry* e);
  // Directory modes and mtimes, set last so that a read-only directory
  // still takes its children and their creation does not move its mtime.
  Result<> finish_directories();

 private:
  struct DirectoryMetadata {
    mode_t mode;
    timespec mtime;
  };

  Result<> place(archive_entry* e, std::string_view shown);
  Result<UniqueFd> parent_of(const std::vector<std::string>& parts, std::size_t count, bool create);
  Result<> remove_existing(int parent, const std::string& name);
  Result<> whiteout(const std::vector<std::string>& parts, const std::string& name);
  Result<> opaque(const std::vector<std::string>& parts);
  Result<> hide_lower(int dir, const std::string& path);
  Result<> hard_link(archive_entry* e, int parent, const std::string& name);
  Result<> regular_file(archive_entry* e, int parent, const std::string& name);
  Result<> set_owner(int parent, const std::string& name, archive_entry* e);
  Result<> set_xattrs(int parent, const std::string& name, archive_entry* e);
  Result<> set_mtime(int parent, const std::string& name, archive_entry* e);

  int root_;
  const UnpackOptions& options_;
  archive* tar_;
  UnpackedLayer& result_;
  std::set<std::string> written_;  // paths this layer put in place (apply mode's opaque directories)
  std::map<std::string, DirectoryMetadata> directories_;
};

// The directory holding parts[0..count), made (0755) where missing when
// `create`; resolved inside the root, so a symlink among them stays inside.
Result<UniqueFd> Extractor::parent_of(const std::vector<std::string>& parts, std::size_t count, bool create) {
  auto dir = WARD_TRY(open_inside(root_, "", O_PATH | O_DIRECTORY));
  for (std::size_t i = 0; i < count; ++i) {
    std::string path = join(parts, i + 1);
    int fd = sys::raw::open_in_root(root_, path.c_str(), O_PATH | O_DIRECTORY);
    if (fd == -ENOENT && create) {
      if (::mkdirat(dir.get(), parts[i].c_str(), 0755) == 0) {
        // 0755 whatever the umask; the name was just made, no symlink.
        if (::fchmodat(dir.get(), parts[i].c_str(), 0755, 0) < 0) return fail_errno(errno, "chmod " + path);
        written_.insert(path);
      } else if (errno != EEXIST) {
        return fail_errno(errno, "mkdir " + path);
      }
      fd = sys::raw::open_in_root(root_, path.c_str(), O_PATH | O_DIRECTORY);
    }
    if (fd < 0) return fail_errno(-fd, "open " + path);
    dir.reset(fd);
  }
  return dir;
}

Result<> Extractor::remove_existing(int parent, const std::string& name) {
  struct stat st;
  if (::fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return {};
    return fail_errno(errno, "stat " + name);
  }
  if (S_ISDIR(st.st_mode)) return sys::remove_tree_at(parent, name);
  if (::unlinkat(parent, name.c_str(), 0) < 0) return fail_errno(errno, "remove " + name);
  return {};
}

Result<> Extractor::entry(archive_entry* e) {
  ++result_.entries;
  const char* name = archive_entry_pathname(e);
  if (name == nullptr) return fail(ErrorKind::invalid_input, "layer entry without a name");
  return context(place(e, name), "layer entry \"{}\"", name);
}

Result<> Extractor::place(archive_entry* e, std::string_view shown) {
  auto parts = WARD_TRY(clean_name(shown));
  // The layer's root itself ("./"): its metadata is the layer directory's
  // business, not the image's.
  if (parts.empty()) return {};
  std::string name = parts.back();
  std::string path = join(parts, parts.size());

  if (name.starts_with(".wh.")) {
    if (name == ".wh..wh..opq") return opaque(parts);
    // Other ".wh..wh." names are AUFS's own bookkeeping (".wh..wh.plnk"):
    // nothing an image means.
    if (name.starts_with(".wh..wh.")) return {};
    std::string hidden = name.substr(4);
    if (hidden.empty() || hidden == "." || hidden == "..") return invalid("a whiteout of nothing");
    return whiteout(parts, hidden);
  }

  auto parent = WARD_TRY(parent_of(parts, parts.size() - 1, true));
  int dir = parent.get();
  Result<> done;
  if (const char* target = archive_entry_hardlink(e); target != nullptr) {
    done = hard_link(e, dir, name);
  } else {
    switch (archive_entry_filetype(e)) {
      case AE_IFREG: done = regular_file(e, dir, name); break;
      case AE_IFDIR: {
        struct stat st;
        bool is_dir = ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
        if (!is_dir) {
          WARD_TRY(remove_existing(dir, name));
          if (::mkdirat(dir, name.c_str(), 0700) < 0) return fail_errno(errno, "mkdir");
        }
        done = set_owner(dir, name, e);
        if (done) done = set_xattrs(dir, name, e);
        directories_[path] = {static_cast<mode_t>(archive_entry_perm(e) & 07777),
                              {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};
        break;
      }
      case AE_IFLNK: {
        const char* target = archive_entry_symlink(e);
        if (target == nullptr) return invalid("a symlink without a target");
        WARD_TRY(remove_existing(dir, name));
        // The target is stored as it is: a symlink is only followed later,
        // inside the root (RESOLVE_IN_ROOT here, the container's root there).
        if (::symlinkat(target, dir, name.c_str()) < 0) return fail_errno(errno, "symlink");
        done = set_owner(dir, name, e);
        if (done) done = set_xattrs(dir, name, e);
        if (done) done = set_mtime(dir, name, e);
        break;
      }
      case AE_IFCHR:
      case AE_IFBLK:
      case AE_IFIFO: {
        mode_t type = archive_entry_filetype(e);
        if (type != AE_IFIFO && options_.rootless)
          return fail(ErrorKind::permission_denied,
                      fmt::format("a {} device cannot be made rootless (it needs CAP_MKNOD on the host)",
                                  type == AE_IFCHR ? "character" : "block"));
        WARD_TRY(remove_existing(dir, name));
        dev_t device = makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
        if (::mknodat(dir, name.c_str(), type | 0600, type == AE_IFIFO ? 0 : device) < 0)
          return fail_errno(errno, "mknod");
        done = set_owner(dir, name, e);
        // Not a symlink: fchmodat follows nothing here.
        if (done && ::fchmodat(dir, name.c_str(), archive_entry_perm(e) & 07777, 0) < 0)
          done = fail_errno(errno, "chmod");
        if (done) done = set_xattrs(dir, name, e);
        if (done) done = set_mtime(dir, name, e);
        break;
      }
      default: return invalid("a socket or an unknown type of entry");
    }
  }
  if (!done) return done;
  written_.insert(path);
  return {};
}

Result<> Extractor::regular_file(archive_entry* e, int parent, const std::string& name) {
  WARD_TRY(remove_existing(parent, name));
  int raw = ::openat(parent, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (raw < 0) return fail_errno(errno, "create");
  UniqueFd file(raw);
  for (;;) {
    const void* block = nullptr;
    std::size_t size = 0;
    la_int64_t offset = 0;
    int r = archive_read_data_block(tar_, &block, &size, &offset);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK) return fail(ErrorKind::invalid_input, "read content: " + archive_message(tar_));
    if (::lseek(file.get(), offset, SEEK_SET) < 0) return fail_errno(errno, "seek");
    if (ssize_t n = sys::raw::write_all(file.get(), block, size); n < 0)
      return fail_errno(static_cast<int>(-n), "write");
    result_.unpacked_size += size;
  }
  // A sparse file's last hole.
  if (archive_entry_size_is_set(e) && ::ftruncate(file.get(), archive_entry_size(e)) < 0)
    return fail_errno(errno, "truncate");
  if (!options_.rootless && ::fchown(file.get(), archive_entry_uid(e), archive_entry_gid(e)) < 0)
    return fail_errno(errno, "chown");
  // After chown, which clears setuid bits and file capabilities.
  if (::fchmod(file.get(), archive_entry_perm(e) & 07777) < 0) return fail_errno(errno, "chmod");
  WARD_TRY(set_xattrs(parent, name, e));
  timespec times[2] = {{archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
                       {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};
  if (::futimens(file.get(), times) < 0) return fail_errno(errno, "set times");
  return {};
}

// A hard link's target is named like an entry and resolved inside the root
// (a symlink on its way stays inside); the link is made to the very inode
// opened there, through its fd, so nothing is resolved twice.
Result<> Extractor::hard_link(archive_entry* e, int parent, const std::string& name) {
  std::string_view target_name = archive_entry_hardlink(e);
  auto target_parts = WARD_TRY(clean_name(target_name));
  if (target_parts.empty()) return invalid("a hard link to the layer's root");
  auto target_parent = WARD_TRY(parent_of(target_parts, target_parts.size() - 1, false));
  int raw = ::openat(target_parent.get(), target_parts.back().c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (raw < 0) return fail_errno(errno, fmt::format("hard link target \"{}\"", target_name));
  UniqueFd target(raw);
  struct stat target_st;
  if (::fstat(target.get(), &target_st) < 0) return fail_errno(errno, "stat the hard link target");
  if (S_ISDIR(target_st.st_mode)) return invalid("a hard link to a directory");
  struct stat st;
  if (::fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_dev == target_st.st_dev &&
      st.st_ino == target_st.st_ino)
    return {};  // already that inode
  WARD_TRY(remove_existing(parent, name));
  // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; /proc/self/fd/N does not.
  if (::linkat(target.get(), "", parent, name.c_str(), AT_EMPTY_PATH) == 0) return {};
  std::string through_proc = fmt::format("/proc/self/fd/{}", target.get());
  if (::linkat(AT_FDCWD, through_proc.c_str(), parent, name.c_str(), AT_SYMLINK_FOLLOW) < 0)
    return fail_errno(errno, "link");
  return {};
}

Result<> Extractor::set_owner(int parent, const std::string& name, archive_entry* e) {
  // Rootless: the caller's own ids, which the user namespace maps.
  if (options_.rootless) return {};
  if (::fchownat(parent, name.c_str(), archive_entry_uid(e), archive_entry_gid(e), AT_SYMLINK_NOFOLLOW) < 0)
    return fail_errno(errno, "chown");
  return {};
}

Result<> Extractor::set_xattrs(int parent, const std::string& name, archive_entry* e) {
  if (archive_entry_xattr_reset(e) == 0) return {};
  // lsetxattr through the parent's fd: the name is one component, and the
  // last one is not followed.
  std::string path = fmt::format("/proc/self/fd/{}/{}", parent, name);
  const char* key = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  while (archive_entry_xattr_next(e, &key, &value, &size) == ARCHIVE_OK) {
    std::string_view k = key;
    // Overlayfs reads its own metadata from these (redirects, metacopy,
    // origins): a layer may not forge them.  Opaque directories come from
    // ".wh..wh..opq" entries instead.
    if (k.starts_with("trusted.overlay.") || k.starts_with("user.overlay."))
      return invalid(fmt::format("the overlayfs xattr {} is not accepted from a layer", k));
    if (::lsetxattr(path.c_str(), key, value, size, 0) < 0) {
      int code = errno;
      // Rootless, the kernel keeps trusted.* and some security.* to the
      // host's root: those are left out rather than failing the image.
      if (options_.rootless && (code == EPERM || code == ENOTSUP)) continue;
      return fail_errno(code, fmt::format("set xattr {}", k));
    }
  }
  return {};
}

Result<> Extractor::set_mtime(int parent, const std::string& name, archive_entry* e) {
  timespec times[2] = {{archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
                       {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};
  if (::utimensat(parent, name.c_str(), times, AT_SYMLINK_NOFOLLOW) < 0) return fail_errno(errno, "set times");
  return {};
}

Result<> Extractor::whiteout(const std::vector<std::string>& parts, const std::string& hidden) {
  std::vector<std::string> hidden_parts(parts.begin(), parts.end() - 1);
  hidden_parts.push_back(hidden);
  std::string hidden_path = join(hidden_parts, hidden_parts.size());
  if (options_.whiteouts == WhiteoutMode::apply) {
    auto parent = parent_of(parts, parts.size() - 1, false);
    if (!parent) {
      if (parent.error().code == ENOENT || parent.error().code == ENOTDIR) return {};  // nothing to hide
      return std::unexpected(parent.error());
    }
    WARD_TRY(sys::remove_tree_at(parent->get(), hidden));
    std::erase_if(written_,
                  [&](const std::string& path) { return path == hidden_path || path.starts_with(hidden_path + "/"); });
    return {};
  }
  // Overlay: a 0/0 character device, which the kernel lets anyone make
  // (Linux 5.8 and later), rootless too.
  auto parent = WARD_TRY(parent_of(parts, parts.size() - 1, true));
  WARD_TRY(remove_existing(parent.get(), hidden));
  if (::mknodat(parent.get(), hidden.c_str(), S_IFCHR | 0, makedev(0, 0)) < 0)
    return fail_errno(errno, "make the overlay whiteout (a 0/0 character device)");
  written_.insert(hidden_path);
  return {};
}

Result<> Extractor::opaque(const std::vector<std::string>& parts) {
  std::size_t depth = parts.size() - 1;
  std::string dir_path = join(parts, depth);
  if (options_.whiteouts == WhiteoutMode::apply) {
    auto dir_fd = open_inside(root_, dir_path, O_RDONLY | O_DIRECTORY);
    if (!dir_fd) {
      if (dir_fd.error().code == ENOENT) return {};
      return std::unexpected(dir_fd.error());
    }
    return hide_lower(dir_fd->get(), dir_path);
  }
  // Overlay: the directory (made if this layer has not yet) is opaque.
  std::vector<std::string> dir_parts(parts.begin(), parts.end() - 1);
  WARD_TRY(parent_of(dir_parts, depth, true));
  auto dir_fd = WARD_TRY(open_inside(root_, dir_path, O_RDONLY | O_DIRECTORY));
  const char* key = options_.rootless ? "user.overlay.opaque" : "trusted.overlay.opaque";
  if (::fsetxattr(dir_fd.get(), key, "y", 1, 0) < 0) return fail_errno(errno, fmt::format("set {}", key));
  return {};
}

// Removes from `dir` (at `path`) what lower layers put there, keeping what
// this layer wrote (an opaque marker may follow its siblings in the tar).
Result<> Extractor::hide_lower(int dir, const std::string& path) {
  auto names = WARD_TRY(sys::list_directory_at(dir));
  for (const auto& name : names) {
    std::string child = path.empty() ? name : path + "/" + name;
    if (!written_.contains(child)) {
      WARD_TRY(sys::remove_tree_at(dir, name));
      continue;
    }
    struct stat st;
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
      auto sub = WARD_TRY(sys::open_at(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
      WARD_TRY(hide_lower(sub.get(), child));
    }
  }
  return {};
}

Result<> Extractor::finish_directories() {
  for (const auto& [path, metadata] : directories_) {
    // A later entry may have replaced or removed the directory: skip it.
    int fd = sys::raw::open_in_root(root_, path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd == -ENOENT || fd == -ELOOP || fd == -ENOTDIR) continue;
    if (fd < 0) return fail_errno(-fd, fmt::format("layer entry \"{}\": open", path));
    UniqueFd dir(fd);
    if (::fchmod(dir.get(), metadata.mode) < 0)
      return fail_errno(errno, fmt::format("layer entry \"{}\": chmod", path));
    timespec times[2] = {metadata.mtime, metadata.mtime};
    if (::futimens(dir.get(), times) < 0) return fail_errno(errno, fmt::format("layer entry \"{}\": set times", path));
  }
  return {};
}

Result<> check_digest(DigestWriter& writer, const Digest& expected, Digest& actual, std::string_view what) {
  actual = WARD_TRY(writer.finish());
  if (!expected.empty() && expected != actual)
    return fail(ErrorKind::invalid_input,
                fmt::format("{} digest mismatch: expected {}, got {}", what, expected.string(), actual.string()));
  return {};
}

}  // namespace

LayerCompression detect_layer_compression(std::string_view first_bytes) {
  if (first_bytes.starts_with("\x1f\x8b")) return LayerCompression::gzip;
  if (first_bytes.starts_with("\x28\xb5\x2f\xfd")) return LayerCompression::zstd;
  return LayerCompression::none;
}

Result<UnpackedLayer> unpack_layer(int blob_fd, int destination_dir_fd, const UnpackOptions& options) {
  UnpackedLayer result;
  auto blob_digest = WARD_TRY(DigestWriter::create(
      options.expected_blob_digest.empty() ? DigestAlgorithm::sha256 : options.expected_blob_digest.algorithm()));
  auto diff_digest = WARD_TRY(DigestWriter::create(
      options.expected_diff_id.empty() ? DigestAlgorithm::sha256 : options.expected_diff_id.algorithm()));
  LayerSource source(blob_fd, std::move(blob_digest), std::move(diff_digest));
  result.compression = WARD_TRY(source.start());
  if (options.compression && *options.compression != result.compression)
    return fail(ErrorKind::invalid_input,
                fmt::format("layer blob: the manifest says {}, but the blob is {}",
                            compression_name(*options.compression), compression_name(result.compression)));
  WARD_TRY(source.open_decoder(result.compression));

  ArchiveReader tar(archive_read_new());
  if (!tar) return fail_errno(ENOMEM, "layer tar");
  // The tar format only (ustar, pax, GNU), and no filter: a compressed
  // stream inside the decompressed one is not a tar.
  if (archive_read_support_format_tar(tar.get()) != ARCHIVE_OK ||
      archive_read_open(tar.get(), &source, nullptr, &LayerSource::tar_callback, nullptr) != ARCHIVE_OK) {
    if (source.failed()) return std::unexpected(source.error("layer tar"));
    return fail(ErrorKind::invalid_input, "layer tar: " + archive_message(tar.get()));
  }

  Extractor extractor(destination_dir_fd, options, tar.get(), result);
  for (;;) {
    archive_entry* entry = nullptr;
    int r = archive_read_next_header(tar.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      if (source.failed()) return std::unexpected(source.error("layer tar"));
      return fail(ErrorKind::invalid_input, "layer tar: " + archive_message(tar.get()));
    }
    auto done = extractor.entry(entry);
    if (!done) {
      // A content read that failed because the stream did.
      if (source.failed()) return std::unexpected(source.error("layer tar"));
      return std::unexpected(done.error());
    }
  }
  WARD_TRY(extractor.finish_directories());
  WARD_TRY(source.drain());

  result.blob_size = source.blob_digest().size();
  result.tar_size = source.tar_digest().size();
  WARD_TRY(check_digest(source.blob_digest(), options.expected_blob_digest, result.blob_digest, "layer blob"));
  WARD_TRY(check_digest(source.tar_digest(), options.expected_diff_id, result.diff_id, "layer diff_id"));
  return result;
}

}  // namespace ward::image
