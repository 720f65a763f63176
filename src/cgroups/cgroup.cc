#include "cgroups/cgroup.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <sstream>

#include <fmt/format.h>

#include "util/sys.h"

namespace ward::cgroups {

namespace {

// "machine.slice:ward:c1": exactly three parts, the first a slice.
bool is_systemd_path(const std::string& path) {
  if (path.empty() || path.front() == '/') return false;
  auto first = path.find(':');
  if (first == std::string::npos) return false;
  auto second = path.find(':', first + 1);
  return second != std::string::npos && path.find(':', second + 1) == std::string::npos;
}

std::string join(const std::string& base, const std::string& sub) {
  if (sub.empty() || sub == "/") return base;
  if (base.empty() || base == "/") return sub.front() == '/' ? sub : "/" + sub;
  return base + (sub.front() == '/' ? "" : "/") + sub;
}

// Delegates every controller the parent has to its children.  A controller
// that cannot be delegated shows up later as a missing file, which set()
// reports with the field that needed it.
void enable_controllers(const std::string& parent) {
  auto controllers = sys::read_file(parent + "/cgroup.controllers");
  if (!controllers) return;
  std::istringstream words(*controllers);
  std::string controller;
  while (words >> controller) (void)sys::write_file(parent + "/cgroup.subtree_control", "+" + controller);
}

bool has_child_cgroups(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return false;
  bool found = false;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_type == DT_DIR && entry->d_name[0] != '.') {
      found = true;
      break;
    }
  }
  ::closedir(dir);
  return found;
}

bool is_hierarchy_we_place_in(const Hierarchy& h) {
  // Every v1 hierarchy with a controller or a name, and the unified one.
  return h.unified || !h.controllers.empty();
}

}  // namespace

Result<Cgroup> Cgroup::resolve(const std::string& cgroups_path, const std::string& id) {
  if (is_systemd_path(cgroups_path))
    return fail(fmt::format("linux.cgroupsPath \"{}\": the systemd cgroup driver is not available on this host "
                            "(no systemd); use a cgroupfs path",
                            cgroups_path));
  if (cgroups_path.find("..") != std::string::npos)
    return fail(fmt::format("linux.cgroupsPath \"{}\": \"..\" is not allowed", cgroups_path));
  auto hierarchies = host_hierarchies();
  if (!hierarchies) return std::unexpected(hierarchies.error().wrap("linux.cgroupsPath"));
  std::vector<Membership> own;
  if (!cgroups_path.empty() && cgroups_path.front() != '/') {
    own = WARD_TRY(memberships("self"));
  }
  Cgroup cgroup;
  for (const auto& h : *hierarchies) {
    if (!is_hierarchy_we_place_in(h)) continue;
    std::string path;
    if (cgroups_path.empty()) {
      path = "/" + id;
    } else if (cgroups_path.front() == '/') {
      path = cgroups_path;
    } else {
      const Membership* membership = find_membership(own, h);
      path = join(membership ? membership->path : "/", cgroups_path);
    }
    // The hierarchy's mount may show only a subtree (mount root != "/").
    std::string relative = path;
    if (h.root != "/" && relative.starts_with(h.root)) relative = relative.substr(h.root.size());
    cgroup.directories_.push_back({h, join(h.mount_point, relative)});
  }
  if (cgroup.directories_.empty()) return fail("linux.cgroupsPath: no cgroup hierarchy is mounted on this host");
  return cgroup;
}

// Lines: "dir <mount point> <unified 0|1> <controllers,...|-> <path>" and
// "made <path>".  Paths under /sys/fs/cgroup contain no spaces.
std::string Cgroup::serialize() const {
  std::string text;
  for (const auto& dir : directories_) {
    std::string controllers;
    for (const auto& c : dir.hierarchy.controllers) controllers += (controllers.empty() ? "" : ",") + c;
    text += fmt::format("dir {} {} {} {}\n", dir.hierarchy.mount_point, dir.hierarchy.unified ? 1 : 0,
                        controllers.empty() ? "-" : controllers, dir.path);
  }
  for (const auto& path : created_) text += "made " + path + "\n";
  return text;
}

Cgroup Cgroup::parse(const std::string& text) {
  Cgroup cgroup;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string kind;
    words >> kind;
    if (kind == "made") {
      std::string path;
      words >> path;
      cgroup.created_.push_back(path);
    } else if (kind == "dir") {
      CgroupDirectory dir;
      int unified = 0;
      std::string controllers;
      words >> dir.hierarchy.mount_point >> unified >> controllers >> dir.path;
      dir.hierarchy.unified = unified != 0;
      if (controllers != "-") {
        std::istringstream names(controllers);
        std::string name;
        while (std::getline(names, name, ',')) dir.hierarchy.controllers.push_back(name);
      }
      cgroup.directories_.push_back(std::move(dir));
    }
  }
  return cgroup;
}

namespace {

// The freezer: v1 "freezer.state" in the freezer hierarchy, or v2
// "cgroup.freeze" in the unified one when no v1 freezer exists.
struct FreezerFile {
  std::string path;
  bool v2 = false;
};

std::optional<FreezerFile> freezer_of(const std::vector<CgroupDirectory>& dirs) {
  std::string v1 = detail::v1_directory(dirs, "freezer");
  if (!v1.empty()) return FreezerFile{v1 + "/freezer.state", false};
  for (const auto& dir : dirs)
    if (dir.hierarchy.unified && sys::path_exists(dir.path + "/cgroup.freeze"))
      return FreezerFile{dir.path, true};
  return std::nullopt;
}

Result<> set_frozen(const std::vector<CgroupDirectory>& dirs, bool frozen) {
  auto freezer = freezer_of(dirs);
  if (!freezer) return fail("no freezer: neither a v1 freezer nor cgroup.freeze is available for this container");
  if (freezer->v2) {
    WARD_TRY(sys::write_file(freezer->path + "/cgroup.freeze", frozen ? "1" : "0"));
    for (int i = 0; i < 500; ++i) {
      auto events = sys::read_file(freezer->path + "/cgroup.events");
      if (events && events->find(frozen ? "frozen 1" : "frozen 0") != std::string::npos) return {};
      ::usleep(2000);
    }
    return fail("cgroup.freeze: the container did not settle");
  }
  const char* want = frozen ? "FROZEN" : "THAWED";
  for (int i = 0; i < 500; ++i) {
    WARD_TRY(sys::write_file(freezer->path, want));
    auto state = sys::read_file(freezer->path);
    if (state && state->starts_with(want)) return {};
    ::usleep(2000);
  }
  return fail(fmt::format("{}: the container did not reach {}", freezer->path, want));
}

}  // namespace

Result<> Cgroup::freeze() const { return set_frozen(directories_, true); }
Result<> Cgroup::thaw() const { return set_frozen(directories_, false); }

bool Cgroup::frozen() const {
  auto freezer = freezer_of(directories_);
  if (!freezer) return false;
  if (freezer->v2) {
    auto events = sys::read_file(freezer->path + "/cgroup.events");
    return events && events->find("frozen 1") != std::string::npos;
  }
  auto state = sys::read_file(freezer->path);
  return state && state->starts_with("FROZEN");
}

Result<> Cgroup::create() {
  // A parent that another container's delete removes as we make our
  // directory (it was empty) is made again.
  for (int attempt = 0;; ++attempt) {
    auto made = create_once();
    if (made || made.error().code != ENOENT || attempt == 5) return made;
  }
}

Result<> remove_empty_cgroup(const std::string& cgroups_path) {
  auto hierarchies = WARD_TRY(host_hierarchies());
  for (const auto& hierarchy : hierarchies) {
    std::string path = hierarchy.mount_point + cgroups_path;
    if (::rmdir(path.c_str()) < 0 && errno != ENOENT && errno != EBUSY && errno != ENOTEMPTY)
      return fail_errno(errno, "remove cgroup " + path);
  }
  return {};
}

Result<> Cgroup::create_once() {
  for (const auto& dir : directories_) {
    // Make each missing level, parents first, remembering what we made.
    std::vector<std::string> missing;
    for (std::string path = dir.path; !path.empty() && !sys::path_exists(path);
         path = path.substr(0, path.rfind('/')))
      missing.push_back(path);
    bool pure_v2 = directories_.size() == 1 && dir.hierarchy.unified;
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
      // On cgroup v2 a child has only the controllers its parent delegates.
      if (pure_v2) enable_controllers(it->substr(0, it->rfind('/')));
      if (::mkdir(it->c_str(), 0755) < 0 && errno != EEXIST) return fail_errno(errno, "create cgroup " + *it);
      created_.insert(created_.begin(), *it);  // deepest first
      // A new cpuset cgroup has no cpus or mems: no task could join it.
      if (std::find(dir.hierarchy.controllers.begin(), dir.hierarchy.controllers.end(), "cpuset") !=
          dir.hierarchy.controllers.end()) {
        std::string parent = it->substr(0, it->rfind('/'));
        for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
          auto value = WARD_TRY(sys::read_file(parent + "/" + file));
          WARD_TRY(sys::write_file(*it + "/" + file, value));
        }
      }
    }
  }
  return {};
}

Result<> Cgroup::set(const oci::Resources& resources, const std::vector<oci::DeviceRule>& allowed_devices) {
  return apply(resources, allowed_devices, true);
}

Result<> Cgroup::update(const oci::Resources& resources, const std::vector<oci::DeviceRule>& allowed_devices) {
  const auto& memory = resources.memory;
  if (memory && memory->check_before_update.value_or(false) && memory->limit && *memory->limit >= 0) {
    auto usage = memory_usage();
    if (!usage) return std::unexpected(usage.error().wrap("linux.resources.memory.checkBeforeUpdate"));
    if (static_cast<std::uint64_t>(*memory->limit) < *usage)
      return fail(fmt::format("linux.resources.memory.checkBeforeUpdate: the new memory limit ({} bytes) is below "
                              "the container's current usage ({} bytes); nothing was changed",
                              *memory->limit, *usage));
  }
  return apply(resources, allowed_devices, false);
}

Result<> Cgroup::apply(const oci::Resources& resources, const std::vector<oci::DeviceRule>& allowed_devices,
                       bool creating) {
  // Device rules are checked before anything is written.
  std::optional<DevicePolicy> devices;
  if (creating || !resources.devices.empty()) {
    devices = WARD_TRY(fold_device_rules(resources.devices, allowed_devices));
  }
  bool has_v1 = std::any_of(directories_.begin(), directories_.end(),
                            [](const CgroupDirectory& d) { return !d.hierarchy.unified; });
  if (has_v1)
    WARD_TRY(detail::set_v1(directories_, resources, allowed_devices, creating));
  else
    WARD_TRY(detail::set_v2(directories_.front().path, resources));
  if (devices) {
    for (const auto& dir : directories_)
      if (dir.hierarchy.unified) WARD_TRY(detail::set_device_program(dir.path, *devices));
  }
  return {};
}

Result<> Cgroup::add_process(pid_t pid) const {
  std::string text = std::to_string(pid);
  for (const auto& dir : directories_) {
    if (auto r = sys::write_file(dir.path + "/cgroup.procs", text); !r)
      return std::unexpected(r.error().wrap("join cgroup " + dir.path));
  }
  return {};
}

Result<std::vector<pid_t>> Cgroup::pids() const {
  for (const auto& dir : directories_) {
    auto text = sys::read_file(dir.path + "/cgroup.procs");
    if (!text) {
      if (text.error().is(ErrorKind::not_found)) continue;
      return std::unexpected(text.error());
    }
    std::vector<pid_t> pids;
    std::istringstream lines(*text);
    pid_t pid;
    while (lines >> pid) pids.push_back(pid);
    return pids;
  }
  return std::vector<pid_t>{};
}

Result<std::uint64_t> Cgroup::memory_usage() const {
  std::string path;
  if (auto v1 = detail::v1_directory(directories_, "memory"); !v1.empty()) {
    path = v1 + "/memory.usage_in_bytes";
  } else {
    for (const auto& dir : directories_)
      if (dir.hierarchy.unified) path = dir.path + "/memory.current";
  }
  if (path.empty()) return fail("the container's cgroup has no memory controller");
  auto text = WARD_TRY(sys::read_file(path));
  try {
    return static_cast<std::uint64_t>(std::stoull(text));
  } catch (const std::exception&) {
    return fail(fmt::format("{}: \"{}\" is not a number", path, text));
  }
}

Result<> Cgroup::destroy() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    bool busy = false;
    for (const auto& path : created_) {
      if (::rmdir(path.c_str()) == 0 || errno == ENOENT) continue;
      if (errno != EBUSY) return fail_errno(errno, "remove cgroup " + path);
      // A parent ward made that now holds other containers' cgroups stays.
      if (has_child_cgroups(path)) continue;
      busy = true;
      // Still has processes: kill them and try again.
      if (auto text = sys::read_file(path + "/cgroup.procs")) {
        std::istringstream lines(*text);
        pid_t pid;
        while (lines >> pid) ::kill(pid, SIGKILL);
      }
    }
    if (!busy) return {};
    ::usleep(20000);
  }
  return fail("remove cgroup " + created_.front() + ": still busy after killing its processes");
}

std::string Cgroup::directory_for(const std::string& mount_point) const {
  for (const auto& dir : directories_)
    if (dir.hierarchy.mount_point == mount_point) return dir.path;
  return "";
}

std::vector<oci::DeviceRule> allowed_devices(const std::vector<oci::Device>& devices) {
  std::vector<oci::DeviceRule> rules = default_allowed_devices();
  for (const auto& device : devices) {
    if (device.type != 'c' && device.type != 'b' && device.type != 'u') continue;  // 'p': fifos need no rule
    oci::DeviceRule rule;
    rule.allow = true;
    rule.type = device.type == 'u' ? 'c' : device.type;
    rule.major = device.major;
    rule.minor = device.minor;
    rule.access = "rwm";
    rules.push_back(rule);
  }
  return rules;
}

std::vector<oci::DeviceRule> default_allowed_devices() {
  auto rule = [](char type, std::int64_t major, std::optional<std::int64_t> minor) {
    oci::DeviceRule r;
    r.allow = true;
    r.type = type;
    r.major = major;
    r.minor = minor;
    r.access = "rwm";
    return r;
  };
  return {rule('c', 1, 3),  rule('c', 1, 5),  rule('c', 1, 7), rule('c', 1, 8),
          rule('c', 1, 9),  rule('c', 5, 0),  rule('c', 5, 1), rule('c', 5, 2),
          rule('c', 136, std::nullopt)};
}

}  // namespace ward::cgroups
