#include "engine/container_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/sys.h"

namespace ward::engine {

namespace {

Result<> make_directory(const std::string& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) < 0 && errno != EEXIST) return fail_errno(errno, "mkdir " + path);
  if (::chmod(path.c_str(), mode) < 0) return fail_errno(errno, "chmod " + path);
  return {};
}

Result<> chown_to(const std::string& path, const std::optional<HostIds>& ids) {
  if (ids && ::chown(path.c_str(), ids->uid, ids->gid) < 0) return fail_errno(errno, "chown " + path);
  return {};
}

Result<> write_owned(const std::string& path, std::string_view text, const std::optional<HostIds>& ids) {
  WARD_TRY(sys::write_file_atomic(path, text, 0644));
  return chown_to(path, ids);
}

// A file of the rootfs as text; "" when it does not exist.
Result<std::string> read_rootfs_file(int rootfs_fd, const char* path) {
  int fd = sys::raw::open_in_root(rootfs_fd, path, O_RDONLY | O_CLOEXEC);
  if (fd == -ENOENT) return std::string();
  if (fd < 0) return fail_errno(-fd, fmt::format("read the image's {}", path));
  UniqueFd file(fd);
  return context(sys::read_fd(file.get()), "read the image's {}", path);
}

// The host's resolv.conf (with --network host; "" without) with the lines
// --dns, --dns-search and --dns-option give in place of its own.
std::string resolv_conf_text(std::string_view host_resolv, const ContainerSpec& spec) {
  std::string text;
  while (!host_resolv.empty()) {
    auto newline = host_resolv.find('\n');
    std::string_view line = host_resolv.substr(0, newline);
    host_resolv.remove_prefix(newline == std::string_view::npos ? host_resolv.size() : newline + 1);
    bool replaced = (line.starts_with("nameserver") && !spec.dns.empty()) ||
                    ((line.starts_with("search") || line.starts_with("domain")) && !spec.dns_search.empty()) ||
                    (line.starts_with("options") && !spec.dns_options.empty());
    if (!replaced) text += fmt::format("{}\n", line);
  }
  for (const auto& server : spec.dns) text += fmt::format("nameserver {}\n", server);
  if (!spec.dns_search.empty()) text += fmt::format("search {}\n", fmt::join(spec.dns_search, " "));
  if (!spec.dns_options.empty()) text += fmt::format("options {}\n", fmt::join(spec.dns_options, " "));
  return text;
}

}  // namespace

Result<> make_layer_directories(const std::string& dir, const std::optional<HostIds>& ids) {
  WARD_TRY(make_directory(dir.substr(0, dir.rfind('/')), 0700));
  WARD_TRY(make_directory(dir, 0700));
  WARD_TRY(make_directory(dir + "/upper", 0755));
  WARD_TRY(chown_to(dir + "/upper", ids));
  return make_directory(dir + "/work", 0700);
}

Result<UniqueFd> make_rootfs_mount(const std::string& layers_root, const std::vector<std::string>& layers,
                                   const std::string& layer_dir, const std::optional<HostIds>& ids) {
  std::vector<std::string> lowers;
  UniqueFd userns, idmapped;
  std::string base = layers_root;
  if (ids) {
    std::string uid_map = fmt::format("0 {} 65536\n", ids->uid);
    std::string gid_map = fmt::format("0 {} 65536\n", ids->gid);
    userns = WARD_TRY(sys::user_namespace_with_maps(uid_map, gid_map));
    idmapped = WARD_TRY(sys::open_idmapped_tree(layers_root, userns.get(), false, false));
    base = fmt::format("/proc/self/fd/{}", idmapped.get());
  }
  // overlayfs wants the topmost layer first.
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) lowers.push_back(base + "/" + *it);
  if (lowers.empty()) {
    // An image with no layer at all: an empty, read-only lower.
    WARD_TRY(make_directory(layer_dir + "/empty", 0755));
    lowers.push_back(layer_dir + "/empty");
  }
  // The overlay holds its layers; the idmapped tree's fd may close after.
  return context(sys::make_detached_overlay(lowers, layer_dir + "/upper", layer_dir + "/work"), "rootfs");
}

Result<BundleFiles> write_bundle_files(const std::string& bundle, const ContainerSpec& spec,
                                       const std::optional<HostIds>& ids) {
  WARD_TRY(make_directory(bundle, 0711));
  WARD_TRY(make_directory(bundle + "/rootfs", 0755));
  BundleFiles files{bundle + "/hostname", bundle + "/hosts", ""};
  WARD_TRY(write_owned(files.hostname, spec.hostname + "\n", ids));
  std::string hosts = fmt::format(
      "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
      "ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n127.0.1.1\t{}\n",
      spec.hostname);
  for (const auto& entry : spec.extra_hosts) {
    auto colon = entry.find(':');
    hosts += fmt::format("{}\t{}\n", entry.substr(colon + 1), entry.substr(0, colon));
  }
  WARD_TRY(write_owned(files.hosts, hosts, ids));
  bool dns_given = !spec.dns.empty() || !spec.dns_search.empty() || !spec.dns_options.empty();
  if ((spec.network == NetworkMode::host && sys::path_exists("/etc/resolv.conf")) || dns_given) {
    std::string host_resolv;
    if (spec.network == NetworkMode::host && sys::path_exists("/etc/resolv.conf"))
      host_resolv = WARD_TRY(sys::read_file("/etc/resolv.conf"));
    files.resolv_conf = bundle + "/resolv.conf";
    WARD_TRY(write_owned(files.resolv_conf, resolv_conf_text(host_resolv, spec), ids));
  }
  return files;
}

Result<ResolvedUser> resolve_container_user(int rootfs_fd, const std::string& user) {
  auto passwd = WARD_TRY(read_rootfs_file(rootfs_fd, "/etc/passwd"));
  auto group = WARD_TRY(read_rootfs_file(rootfs_fd, "/etc/group"));
  return context(resolve_user(user, passwd, group), "--user {}", user.empty() ? "root" : user);
}

Result<std::vector<gid_t>> resolve_added_groups(int rootfs_fd, const std::vector<std::string>& groups) {
  std::vector<gid_t> gids;
  if (groups.empty()) return gids;
  auto group = WARD_TRY(read_rootfs_file(rootfs_fd, "/etc/group"));
  for (const auto& name : groups) {
    // Docker's --user rules: ":GROUP" after a uid is a gid or a name in /etc/group.
    auto resolved = WARD_TRY(context(resolve_user("0:" + name, "", group), "--group-add {}", name));
    gids.push_back(resolved.gid);
  }
  return gids;
}

}  // namespace ward::engine
