// Engine::copy_from and copy_to: `ward cp`, with Docker's path rules:
//   - a source ending in "/." copies a directory's contents, not itself;
//   - onto an existing directory, the source goes in under its own name;
//   - onto an existing file, a file replaces it (a directory is refused);
//   - onto a missing path, the source is created under that name (its
//     parent must exist; a trailing "/" on it wants a directory);
//   - the source's last link is copied as a link unless -L.
// The container's side is only ever reached through its root fd
// (container_root.h) with openat2(RESOLVE_IN_ROOT): a link the container
// planted ("/x -> /") resolves to its own root, never the host's.  The
// host's side is the caller's own filesystem and resolves as usual, but
// what is written there is written beneath the destination's fd.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "engine/container_root.h"
#include "engine/engine.h"
#include "engine/file_tree.h"
#include "image/layer_write.h"
#include "image/tar_stream.h"
#include "util/sys.h"

namespace ward::engine {

namespace {

// A path as given, taken apart: its components without "" and ".", and
// whether it ended in "/." or "/".
struct PathSpec {
  std::string text;  // as given, for errors
  std::vector<std::string> parts;
  bool absolute = false;
  bool contents_only = false;    // "/." at the end
  bool wants_directory = false;  // "/" or "/." at the end

  [[nodiscard]] std::string joined(std::size_t count) const {
    std::string path = absolute ? "/" : "";
    for (std::size_t i = 0; i < count; ++i) path += (i == 0 ? "" : "/") + parts[i];
    return path.empty() ? "." : path;
  }
  [[nodiscard]] std::string full() const { return joined(parts.size()); }
  [[nodiscard]] std::string parent() const { return joined(parts.empty() ? 0 : parts.size() - 1); }
  [[nodiscard]] std::string leaf() const { return parts.empty() ? "" : parts.back(); }
};

PathSpec parse_path(const std::string& text, bool in_container) {
  PathSpec spec;
  spec.text = text;
  spec.absolute = in_container || text.starts_with('/');
  spec.contents_only = text == "." || text.ends_with("/.");
  spec.wants_directory = spec.contents_only || text.ends_with('/');
  for (std::size_t start = 0; start <= text.size();) {
    auto end = text.find('/', start);
    if (end == std::string::npos) end = text.size();
    std::string part = text.substr(start, end - start);
    if (!part.empty() && part != ".") spec.parts.push_back(part);
    start = end + 1;
  }
  return spec;
}

// Opens `path` on the container's side (beneath `root_fd`) or, with
// root_fd -1, on the host's.  -errno on failure.
int open_path(int root_fd, const std::string& path, int flags) {
  if (root_fd >= 0) return sys::raw::open_in_root(root_fd, path.c_str(), flags);
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

// The source: the object `leaf` in `dir` ("" is `dir` itself).
struct Source {
  UniqueFd dir;
  std::string leaf;
  std::string name;  // what it is called at the destination; "" for "/"
  bool is_directory = false;
  bool contents_only = false;
};

std::string where(const std::string& container, const PathSpec& path) {
  return container.empty() ? path.text : fmt::format("{}:{}", container, path.text);
}

// `container` is the container's name for errors, "" on the host's side.
Result<Source> open_source(int root_fd, const PathSpec& path, bool follow, const std::string& container) {
  Source source;
  source.name = path.leaf();
  source.contents_only = path.contents_only;
  bool whole = follow || path.wants_directory || path.parts.empty() || path.leaf() == "..";
  int fd = open_path(root_fd, whole ? path.full() : path.parent(), O_PATH | (whole ? 0 : O_DIRECTORY));
  struct stat st {};
  if (fd >= 0) {
    source.dir = UniqueFd(fd);
    if (!whole) source.leaf = path.leaf();
    if (::fstatat(fd, source.leaf.c_str(), &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) fd = -errno;
  }
  if (fd == -ENOENT || fd == -ENOTDIR)
    return fail(ErrorKind::not_found, fmt::format("Could not find the file {}", where(container, path)));
  if (fd < 0) return fail_errno(-fd, where(container, path));
  source.is_directory = S_ISDIR(st.st_mode);
  if (path.wants_directory && !source.is_directory)
    return fail(ErrorKind::invalid_input, fmt::format("{}: not a directory", where(container, path)));
  if (source.name == "..") source.name.clear();
  return source;
}

// Where the source goes: its top entry is `top` beneath `dir` ("": its
// contents go straight into `dir`).
struct Target {
  UniqueFd dir;
  std::string top;
};

Result<Target> choose_target(int root_fd, const PathSpec& path, const Source& source, const std::string& container) {
  Target target;
  int fd = open_path(root_fd, path.full(), O_PATH);
  if (fd >= 0) {
    UniqueFd found(fd);
    struct stat st {};
    if (::fstat(found.get(), &st) < 0) return fail_errno(errno, where(container, path));
    if (S_ISDIR(st.st_mode)) {
      target.dir = std::move(found);
      if (!source.contents_only) target.top = source.name;
      return target;
    }
    if (path.wants_directory)
      return fail(ErrorKind::invalid_input, fmt::format("{}: not a directory", where(container, path)));
    if (source.is_directory)
      return fail(ErrorKind::invalid_input,
                  fmt::format("cannot copy a directory to a file: {}", where(container, path)));
  } else if (fd != -ENOENT) {
    return fail_errno(-fd, where(container, path));
  } else if (path.wants_directory && !source.is_directory) {
    return fail(ErrorKind::not_found, fmt::format("destination directory {} does not exist", where(container, path)));
  }
  fd = open_path(root_fd, path.parent(), O_PATH | O_DIRECTORY);
  if (fd == -ENOENT || fd == -ENOTDIR)
    return fail(ErrorKind::not_found, fmt::format("no such directory {}",
                                                  container.empty() ? path.parent() : container + ":" + path.parent()));
  if (fd < 0) return fail_errno(-fd, where(container, path));
  target.dir = UniqueFd(fd);
  target.top = path.leaf();
  return target;
}

// A stopped container's -v and --tmpfs mounts are not there to copy
// from or into: refused rather than silently missed.
Result<> refuse_unmounted(const ContainerRoot& root, const ContainerRecord& container, const PathSpec& path) {
  if (root.running) return {};
  std::vector<std::string> mounts;
  for (const auto& text : container.spec.binds)
    if (auto bind = parse_bind(text)) mounts.push_back(bind->destination);
  for (const auto& [destination, options] : container.spec.tmpfs) mounts.push_back(destination);
  std::string full = path.full();
  for (auto mount : mounts) {
    while (mount.size() > 1 && mount.ends_with('/')) mount.pop_back();
    bool under = full == mount || full.starts_with(mount + "/");
    bool over = mount.starts_with(full == "/" ? full : full + "/");
    if (under || over)
      return fail(ErrorKind::unsupported,
                  fmt::format("{}:{}: copying a stopped container's mount ({}) is not supported; start it first",
                              container.name, path.text, mount));
  }
  return {};
}

// A tar member's name as a path beneath the destination: leading "/" and
// "./" dropped; ".." refused.
Result<std::string> member_path(const std::string& name) {
  std::string path = name;
  for (;;) {
    if (path.starts_with('/')) {
      path.erase(0, 1);
    } else if (path.starts_with("./")) {
      path.erase(0, 2);
    } else {
      break;
    }
  }
  while (path.ends_with('/')) path.pop_back();
  if (path.empty() || path == ".") return std::string();
  if (!plain_relative_path(path))
    return fail(ErrorKind::invalid_input, fmt::format("tar member \"{}\": not a path inside the destination", name));
  return path;
}

Result<> extract_tar(int tar_fd, TreeWriter& writer) {
  auto stream = WARD_TRY(image::TarStream::open(tar_fd, "stdin"));
  while (auto member = WARD_TRY(stream.next())) {
    std::string path = WARD_TRY(member_path(member->path));
    if (path.empty()) continue;
    if (member->sparse)
      return fail(ErrorKind::unsupported, fmt::format("tar member \"{}\": sparse files are not supported", path));
    image::LayerEntry entry;
    entry.path = path;
    entry.mode = member->mode;
    entry.uid = static_cast<uid_t>(member->uid);
    entry.gid = static_cast<gid_t>(member->gid);
    entry.mtime = member->mtime;
    switch (member->type) {
      case image::TarMemberType::file: entry.type = image::LayerEntryType::file; break;
      case image::TarMemberType::directory: entry.type = image::LayerEntryType::directory; break;
      case image::TarMemberType::symlink:
        entry.type = image::LayerEntryType::symlink;
        entry.link_target = member->link_target;
        break;
      case image::TarMemberType::hard_link:
        entry.type = image::LayerEntryType::hard_link;
        entry.link_target = WARD_TRY(member_path(member->link_target));
        break;
      case image::TarMemberType::other:
        return fail(ErrorKind::unsupported,
                    fmt::format("tar member \"{}\": devices and fifos are not supported by cp from -", path));
    }
    WARD_TRY(writer.add(entry, {-1, 0, &stream}));
  }
  return writer.finish();
}

}  // namespace

Result<> Engine::copy_from(const ContainerRecord& container, const std::string& source, const std::string& destination,
                           int tar_fd, const CopyOptions& options) {
  auto root = WARD_TRY(open_container_root(*this, container, RootAccess::read));
  PathSpec from = parse_path(source, true);
  WARD_TRY(refuse_unmounted(root, container, from));
  auto object = WARD_TRY(open_source(root.root.get(), from, options.follow_link, container.name));
  WalkOptions walk{.shift = root.ids};
  if (destination == "-") {
    return write_tree_tar(tar_fd, object.dir.get(), object.leaf, object.contents_only ? "" : object.name, walk);
  }
  auto target = WARD_TRY(choose_target(-1, parse_path(destination, false), object, ""));
  OwnerMap owners;
  if (!options.archive) owners.fixed = std::pair<uid_t, gid_t>{::getuid(), ::getgid()};
  TreeWriter writer(target.dir.get(), owners, true);
  WARD_TRY(walk_tree(
      object.dir.get(), object.leaf, target.top, walk,
      [&](const image::LayerEntry& entry, const EntryContent& content) { return writer.add(entry, content); }));
  return writer.finish();
}

Result<> Engine::copy_to(const ContainerRecord& container, const std::string& source, int tar_fd,
                         const std::string& destination, const CopyOptions& options) {
  auto root = WARD_TRY(open_container_root(*this, container, RootAccess::write));
  PathSpec to = parse_path(destination, true);
  WARD_TRY(refuse_unmounted(root, container, to));
  OwnerMap owners;
  if (options.archive && root.ids) {
    owners.uid_offset = root.ids->uid;
    owners.gid_offset = root.ids->gid;
    owners.limit = kIdsPerContainer;
  } else if (!options.archive) {
    owners.fixed = root.ids ? std::pair<uid_t, gid_t>{root.ids->uid, root.ids->gid} : std::pair<uid_t, gid_t>{0, 0};
  }
  if (source == "-") {
    int fd = sys::raw::open_in_root(root.root.get(), to.full().c_str(), O_PATH | O_DIRECTORY);
    if (fd == -ENOENT || fd == -ENOTDIR)
      return fail(ErrorKind::not_found,
                  fmt::format("destination {}:{} must be an existing directory", container.name, destination));
    if (fd < 0) return fail_errno(-fd, fmt::format("{}:{}", container.name, destination));
    UniqueFd dir(fd);
    TreeWriter writer(dir.get(), owners, false);
    return extract_tar(tar_fd, writer);
  }
  auto object = WARD_TRY(open_source(-1, parse_path(source, false), options.follow_link, ""));
  auto target = WARD_TRY(choose_target(root.root.get(), to, object, container.name));
  TreeWriter writer(target.dir.get(), owners, false);
  WARD_TRY(walk_tree(
      object.dir.get(), object.leaf, target.top, WalkOptions{},
      [&](const image::LayerEntry& entry, const EntryContent& content) { return writer.add(entry, content); }));
  return writer.finish();
}

}  // namespace ward::engine
