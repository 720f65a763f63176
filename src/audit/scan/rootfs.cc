// Rootfs: overlayfs's lookup rules done in user space, one name at a time.
#include "audit/scan/rootfs.h"

#include <fcntl.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <set>

#include <fmt/format.h>

#include "util/sys.h"

namespace ward::audit::scan {

namespace {

constexpr int kMaxDepth = 256;    // directories below "/"
constexpr int kMaxSymlinks = 40;  // as the kernel's path walk
constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// One directory of the merged tree: the layers that hold a copy of it, top
// first, each with its fd.
struct MergedDir {
  std::vector<std::pair<std::size_t, UniqueFd>> parts;
};

// What a name in a MergedDir is.
struct Child {
  bool found = false;
  struct stat st {};
  std::size_t layer = 0;
  std::size_t part = 0;  // index of the parent's copy the entry is in
  MergedDir dir;         // when a directory: its merged copies
  bool whiteout = false;
  bool opaque = false;  // the visible copy is an opaque directory
};

bool is_whiteout(const struct stat& st) {
  return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

bool is_opaque(int dir_fd) {
  char value[2] = {};
  for (const char* name : {"trusted.overlay.opaque", "user.overlay.opaque"})
    if (::fgetxattr(dir_fd, name, value, sizeof(value)) == 1 && value[0] == 'y') return true;
  return false;
}

class Lookup {
 public:
  // `show_whiteouts`: a whiteout is the entry found (a layer read alone),
  // not a hole.
  explicit Lookup(bool whiteouts, bool show_whiteouts = false)
      : whiteouts_(whiteouts), show_whiteouts_(show_whiteouts) {}

  // `name` in `dir`, overlayfs's way: the topmost copy wins; a whiteout or a
  // non-directory hides every copy below it; directories merge down to the
  // first opaque one.
  Result<Child> child(const MergedDir& dir, const std::string& name) const {
    Child out;
    for (std::size_t i = 0; i < dir.parts.size(); ++i) {
      const auto& [layer, fd] = dir.parts[i];
      struct stat st;
      if (::fstatat(fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT) continue;
        return fail_errno(errno, fmt::format("stat {} in layer {}", name, layer));
      }
      if (whiteouts_ && is_whiteout(st)) {
        if (show_whiteouts_ && !out.found) {
          out = Child{true, st, layer, i, {}};
          out.whiteout = true;
        }
        break;
      }
      if (!S_ISDIR(st.st_mode)) {
        if (out.dir.parts.empty()) out = Child{true, st, layer, i, {}};
        break;
      }
      int child_fd = ::openat(fd.get(), name.c_str(), kDirFlags);
      if (child_fd < 0) return fail_errno(errno, fmt::format("open {} in layer {}", name, layer));
      if (!out.found) out = Child{true, st, layer, i, {}};
      out.dir.parts.emplace_back(layer, UniqueFd(child_fd));
      if (whiteouts_ && is_opaque(child_fd)) {
        if (out.dir.parts.size() == 1) out.opaque = true;
        break;
      }
    }
    return out;
  }

  // The names any copy of `dir` holds, once each, sorted.
  static Result<std::vector<std::string>> names(const MergedDir& dir) {
    std::set<std::string> all;
    for (const auto& [layer, fd] : dir.parts) {
      auto listed = WARD_TRY(context(sys::list_directory_at(fd.get()), "layer {}", layer));
      all.insert(listed.begin(), listed.end());
    }
    return std::vector<std::string>(all.begin(), all.end());
  }

 private:
  bool whiteouts_;
  bool show_whiteouts_;
};

// A path resolved in the merged tree: the final entry and the directory
// that holds it (whose fds stay open while the caller reads it).
struct Resolved {
  MergedDir parent;
  Child child;
  std::string name;
};

MergedDir root_of(const std::vector<UniqueFd>& layers) {
  MergedDir root;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    int fd = ::fcntl(layers[i].get(), F_DUPFD_CLOEXEC, 0);
    root.parts.emplace_back(i, UniqueFd(fd));
  }
  return root;
}

std::deque<std::string> components(std::string_view path) {
  std::deque<std::string> out;
  while (!path.empty()) {
    std::size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (!part.empty() && part != ".") out.emplace_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

Result<std::string> read_link(int dir_fd, const std::string& name, const struct stat& st) {
  std::string target(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 4096) + 1, '\0');
  ssize_t n = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
  if (n < 0) return fail_errno(errno, fmt::format("readlink {}", name));
  target.resize(static_cast<std::size_t>(n));
  return target;
}

// Resolves `path` from the root, following symlinks (the last one too)
// inside the rootfs.  A missing entry, or a non-directory in the middle of
// the path, is `found == false`.
Result<Resolved> resolve(const std::vector<UniqueFd>& layers, const Lookup& lookup, std::string_view path) {
  std::vector<MergedDir> stack;
  stack.push_back(root_of(layers));
  for (const auto& [layer, fd] : stack.back().parts)
    if (!fd.valid()) return fail_errno(errno, "duplicate a layer fd");
  std::deque<std::string> pending = components(path);
  int links = 0;
  Resolved out;
  out.child.found = true;  // "/" itself
  out.child.st.st_mode = S_IFDIR;
  while (!pending.empty()) {
    std::string name = std::move(pending.front());
    pending.pop_front();
    if (name == "..") {
      if (stack.size() > 1) stack.pop_back();
      continue;
    }
    Child child = WARD_TRY(lookup.child(stack.back(), name));
    if (!child.found) return Resolved{};
    if (S_ISLNK(child.st.st_mode)) {
      if (++links > kMaxSymlinks) return fail_errno(ELOOP, fmt::format("resolve {}", path));
      std::string target = WARD_TRY(read_link(stack.back().parts[child.part].second.get(), name, child.st));
      if (target.starts_with('/')) stack.resize(1);
      std::deque<std::string> more = components(target);
      pending.insert(pending.begin(), more.begin(), more.end());
      continue;
    }
    if (S_ISDIR(child.st.st_mode)) {
      if (pending.empty()) {
        out.parent = std::move(stack.back());
        out.name = name;
        out.child = std::move(child);
        return out;
      }
      stack.push_back(std::move(child.dir));
      continue;
    }
    if (!pending.empty()) return Resolved{};  // a file where a directory should be
    out.parent = std::move(stack.back());
    out.name = name;
    out.child = std::move(child);
    return out;
  }
  // The path named "/" (or only "..", "."): the root.
  out.child.dir = std::move(stack.front());
  return out;
}

}  // namespace

Result<UniqueFd> open_regular(const RootfsEntry& entry) {
  auto file = WARD_TRY(
      sys::open_at(entry.directory_fd, std::string(entry.name), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  struct stat st;
  if (::fstat(file.get(), &st) < 0) return fail_errno(errno, fmt::format("stat {}", entry.path));
  // Replaced since the walk saw it: a regular file or nothing.
  if (!S_ISREG(st.st_mode)) return fail(ErrorKind::invalid_input, fmt::format("{}: not a regular file", entry.path));
  return file;
}

Result<Rootfs> Rootfs::open(const std::vector<std::string>& layers, bool whiteouts) {
  if (layers.empty()) return fail(ErrorKind::invalid_input, "a root filesystem needs at least one directory");
  std::vector<UniqueFd> fds;
  for (const std::string& layer : layers) fds.push_back(WARD_TRY(sys::open(layer, kDirFlags)));
  return Rootfs(std::move(fds), whiteouts, false);
}

Result<Rootfs> Rootfs::open_layer(const std::string& layer) {
  std::vector<UniqueFd> fds;
  fds.push_back(WARD_TRY(sys::open(layer, kDirFlags)));
  return Rootfs(std::move(fds), true, true);
}

Result<> Rootfs::walk(const std::function<Result<>(const RootfsEntry&)>& visit) const {
  Lookup lookup(whiteouts_, show_whiteouts_);
  // Depth first with an explicit stack of open directories, so a deep tree
  // costs fds, not C++ stack; each level keeps only its own copies open.
  struct Level {
    MergedDir dir;
    std::string path;  // "" for the root, else "/usr"
    std::vector<std::string> names;
    std::size_t next = 0;
  };
  std::vector<Level> levels;
  levels.push_back(Level{root_of(layers_), "", {}, 0});
  for (const auto& [layer, fd] : levels.back().dir.parts)
    if (!fd.valid()) return fail_errno(errno, "duplicate a layer fd");
  levels.back().names = WARD_TRY(Lookup::names(levels.back().dir));
  while (!levels.empty()) {
    Level& level = levels.back();
    if (level.next == level.names.size()) {
      levels.pop_back();
      continue;
    }
    const std::string& name = level.names[level.next++];
    Child child = WARD_TRY(context(lookup.child(level.dir, name), "{}/{}", level.path, name));
    if (!child.found) continue;
    RootfsEntry entry{level.path + "/" + name, child.st,    child.layer, level.dir.parts[child.part].second.get(), name,
                      child.whiteout,          child.opaque};
    WARD_TRY(visit(entry));
    if (!S_ISDIR(child.st.st_mode)) continue;
    if (levels.size() > kMaxDepth)
      return fail(ErrorKind::invalid_input, fmt::format("{}: more than {} directories deep", entry.path, kMaxDepth));
    Level below{std::move(child.dir), std::move(entry.path), {}, 0};
    below.names = WARD_TRY(context(Lookup::names(below.dir), "{}", below.path));
    levels.push_back(std::move(below));
  }
  return {};
}

Result<std::optional<std::string>> Rootfs::read(std::string_view path, std::size_t max_size) const {
  Lookup lookup(whiteouts_);
  Resolved found = WARD_TRY(context(resolve(layers_, lookup, path), "read {}", path));
  if (!found.child.found || !S_ISREG(found.child.st.st_mode)) return std::nullopt;
  if (static_cast<std::size_t>(found.child.st.st_size) > max_size)
    return fail(ErrorKind::invalid_input,
                fmt::format("{}: {} bytes, more than the {} this scan reads", path, found.child.st.st_size, max_size));
  int dir_fd = found.parent.parts[found.child.part].second.get();
  auto file = WARD_TRY(
      context(sys::open_at(dir_fd, found.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), "read {}", path));
  auto text = WARD_TRY(context(sys::read_fd(file.get()), "read {}", path));
  if (text.size() > max_size)
    return fail(ErrorKind::invalid_input, fmt::format("{}: grew beyond the {} bytes this scan reads", path, max_size));
  return text;
}

Result<std::vector<std::string>> Rootfs::list(std::string_view path) const {
  Lookup lookup(whiteouts_);
  Resolved found = WARD_TRY(context(resolve(layers_, lookup, path), "list {}", path));
  if (!found.child.found || !S_ISDIR(found.child.st.st_mode)) return std::vector<std::string>{};
  std::vector<std::string> out;
  for (const std::string& name : WARD_TRY(context(Lookup::names(found.child.dir), "list {}", path))) {
    Child child = WARD_TRY(lookup.child(found.child.dir, name));
    if (child.found) out.push_back(name);
  }
  return out;
}

Result<bool> Rootfs::exists(std::string_view path) const {
  Lookup lookup(whiteouts_);
  Resolved found = WARD_TRY(context(resolve(layers_, lookup, path), "look up {}", path));
  return found.child.found;
}

}  // namespace ward::audit::scan
