// Where the host's cgroup hierarchies are mounted and where a process sits in
// them.  Handles v1, hybrid (v1 controllers + cgroup2 at .../unified) and
// pure v2 hosts.
#pragma once

#include <string>
#include <vector>

#include "util/error.h"

namespace ward::cgroups {

struct Hierarchy {
  std::string mount_point;               // "/sys/fs/cgroup/memory"
  std::string root;                      // the mount's root within the hierarchy ("/" normally)
  std::vector<std::string> controllers;  // v1: {"memory"} or {"cpu","cpuacct"}; "name=systemd"; empty for v2
  bool unified = false;                  // cgroup2
};

// One line of /proc/PID/cgroup.
struct Membership {
  std::vector<std::string> controllers;  // empty for the v2 line ("0::/path")
  std::string path;
};

[[nodiscard]] std::vector<Hierarchy> parse_mountinfo_hierarchies(const std::string& mountinfo);
[[nodiscard]] std::vector<Membership> parse_proc_cgroup(const std::string& text);

[[nodiscard]] Result<std::vector<Hierarchy>> host_hierarchies();
[[nodiscard]] Result<std::vector<Membership>> memberships(const std::string& pid = "self");

// The host directory of `membership_path` in `hierarchy`, or "" when the
// path is not visible under the hierarchy's mount root.
[[nodiscard]] std::string host_directory(const Hierarchy& hierarchy, const std::string& membership_path);
// The membership matching a hierarchy (same controller set, or the v2 line).
[[nodiscard]] const Membership* find_membership(const std::vector<Membership>& memberships,
                                                const Hierarchy& hierarchy);

}  // namespace ward::cgroups
