// Writing a new user namespace's uid_map and gid_map from the parent.
//
// Three ways, chosen per map before the init is cloned:
//  * direct, when ward-oci holds CAP_SETUID (CAP_SETGID) over the new
//    namespace, i.e. it is root where it runs;
//  * direct, unprivileged, when the map is the single mapping of the
//    caller's own uid (gid), which the kernel allows anyone (gid_map only
//    after "deny" in setgroups);
//  * through the setuid helpers newuidmap/newgidmap (package uidmap)
//    otherwise, which map the ranges /etc/subuid and /etc/subgid grant the
//    caller.  ward checks the ranges itself first, so that the error names
//    the mapping rather than quoting the helper.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "oci/config.h"
#include "runtime/child/launch_plan.h"
#include "util/error.h"

namespace ward::runtime {

inline constexpr const char* kSubuidFile = "/etc/subuid";
inline constexpr const char* kSubgidFile = "/etc/subgid";

// A range of subordinate ids one /etc/subuid or /etc/subgid line grants.
struct SubordinateRange {
  std::uint64_t start = 0;
  std::uint64_t count = 0;
  bool operator==(const SubordinateRange&) const = default;
};

// The ranges granted to the user `name` or numeric `uid` in subuid/subgid
// text ("owner:start:count" lines; blank, "#" and malformed lines skipped).
[[nodiscard]] std::vector<SubordinateRange> subordinate_ranges(std::string_view text, std::string_view name,
                                                               uid_t uid);
// Whether [start, start+count) lies within `ranges`, adjacent ranges joined
// (as newuidmap accepts them).
[[nodiscard]] bool ranges_cover(const std::vector<SubordinateRange>& ranges, std::uint64_t start,
                                std::uint64_t count);
// The name of `uid` in /etc/passwd text, or "" if none.
[[nodiscard]] std::string user_name_from_passwd(std::string_view passwd, uid_t uid);

// What the caller may do, gathered once (current_caller) so that
// plan_id_maps stays a pure function the unit tests can drive.
struct IdCaller {
  uid_t uid = 0;   // real ids: newuidmap/newgidmap judge by these
  gid_t gid = 0;
  uid_t euid = 0;  // effective ids: the kernel's unprivileged single mapping
  gid_t egid = 0;
  bool can_set_uids = false;  // CAP_SETUID in the effective set
  bool can_set_gids = false;  // CAP_SETGID in the effective set
  std::string name;           // user name of `uid`, "" if unknown
  std::string subuid_text, subgid_text;
  std::string newuidmap, newgidmap;  // absolute paths, "" if not installed
};

[[nodiscard]] Result<IdCaller> current_caller();

// Chooses how each map is written and checks unprivileged ranges against
// the caller's subordinate ids; errors name linux.uidMappings[i].
[[nodiscard]] Result<IdMapPlan> plan_id_maps(const std::vector<oci::IdMapping>& uid_mappings,
                                             const std::vector<oci::IdMapping>& gid_mappings,
                                             const IdCaller& caller);

// The mappings as a uid_map/gid_map file says them: "inside outside size"
// lines.
[[nodiscard]] std::string map_text(const std::vector<oci::IdMapping>& mappings);

// Writes the maps of the process `pid` (parent side, before the init is
// told to go on).
[[nodiscard]] Result<> write_id_maps(pid_t pid, const IdMapPlan& plan);

}  // namespace ward::runtime
