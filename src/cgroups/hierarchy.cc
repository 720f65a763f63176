#include "cgroups/hierarchy.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "util/sys.h"

namespace ward::cgroups {

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return parts;
}

const std::vector<std::string> kV1Controllers = {"cpu",     "cpuacct", "cpuset",  "memory",     "devices",
                                                 "freezer", "blkio",   "pids",    "hugetlb",    "net_cls",
                                                 "net_prio", "perf_event", "rdma", "misc"};

}  // namespace

std::vector<Hierarchy> parse_mountinfo_hierarchies(const std::string& mountinfo) {
  std::vector<Hierarchy> result;
  std::istringstream lines(mountinfo);
  std::string line;
  while (std::getline(lines, line)) {
    // id parent major:minor root mount_point options [optional...] - fstype source super_options
    size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    auto head = split(line.substr(0, dash), ' ');
    auto tail = split(line.substr(dash + 3), ' ');
    if (head.size() < 5 || tail.size() < 3) continue;
    const std::string& fstype = tail[0];
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    Hierarchy h;
    h.root = sys::unescape_mountinfo(head[3]);
    h.mount_point = sys::unescape_mountinfo(head[4]);
    h.unified = fstype == "cgroup2";
    if (!h.unified) {
      for (const auto& option : split(tail[2], ',')) {
        if (option.starts_with("name=") ||
            std::find(kV1Controllers.begin(), kV1Controllers.end(), option) != kV1Controllers.end())
          h.controllers.push_back(option);
      }
    }
    // The same hierarchy may be mounted twice; keep the first mount.
    bool seen = std::any_of(result.begin(), result.end(), [&](const Hierarchy& other) {
      return other.unified == h.unified && other.controllers == h.controllers;
    });
    if (!seen) result.push_back(std::move(h));
  }
  return result;
}

std::vector<Membership> parse_proc_cgroup(const std::string& text) {
  std::vector<Membership> result;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    size_t first = line.find(':');
    if (first == std::string::npos) continue;
    size_t second = line.find(':', first + 1);
    if (second == std::string::npos) continue;
    Membership m;
    std::string controllers = line.substr(first + 1, second - first - 1);
    if (!controllers.empty()) m.controllers = split(controllers, ',');
    m.path = line.substr(second + 1);
    result.push_back(std::move(m));
  }
  return result;
}

Result<std::vector<Hierarchy>> host_hierarchies() {
  auto text = WARD_TRY(sys::read_file("/proc/self/mountinfo"));
  return parse_mountinfo_hierarchies(text);
}

Result<std::vector<Membership>> memberships(const std::string& pid) {
  auto text = WARD_TRY(sys::read_file("/proc/" + pid + "/cgroup"));
  return parse_proc_cgroup(text);
}

std::string host_directory(const Hierarchy& hierarchy, const std::string& membership_path) {
  const std::string& root = hierarchy.root;
  std::string relative;
  if (root == "/") {
    relative = membership_path;
  } else if (membership_path == root) {
    relative = "/";
  } else if (membership_path.starts_with(root + "/")) {
    relative = membership_path.substr(root.size());
  } else {
    return "";
  }
  if (relative == "/") return hierarchy.mount_point;
  return hierarchy.mount_point + relative;
}

const Membership* find_membership(const std::vector<Membership>& memberships, const Hierarchy& hierarchy) {
  for (const auto& m : memberships) {
    if (hierarchy.unified ? m.controllers.empty() : m.controllers == hierarchy.controllers) return &m;
  }
  // Controller order in /proc/PID/cgroup may differ from the mount options.
  if (!hierarchy.unified) {
    for (const auto& m : memberships) {
      if (std::is_permutation(m.controllers.begin(), m.controllers.end(), hierarchy.controllers.begin(),
                              hierarchy.controllers.end()))
        return &m;
    }
  }
  return nullptr;
}

}  // namespace ward::cgroups
