// Landlock (process.landlock): the plan the parent computes against the
// kernel's Landlock ABI (right names: oci/landlock_rights.h), and the
// allocation-free code that builds and enforces the ruleset in the
// container's init.
//
// Best effort (the default): rights the kernel's ABI lacks are dropped from
// the handled set and from every rule, and a kernel without Landlock runs
// the container unrestricted; both are reported as notices, never silently.
// With disableBestEffort each of those is an error naming the field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/config.h"
#include "util/error.h"

namespace ward::security {

struct LandlockPathRule {
  std::uint64_t allowed = 0;
  std::string path;   // inside the container
  std::string field;  // "process.landlock.rules.pathBeneath[0].paths[1]", for the child's errors
};

struct LandlockPortRule {
  std::uint64_t allowed = 0;
  std::uint64_t port = 0;
  std::string field;
};

struct LandlockPlan {
  bool enabled = false;  // false: nothing to enforce
  std::uint64_t handled_fs = 0, handled_net = 0;
  std::vector<LandlockPathRule> path_rules;
  std::vector<LandlockPortRule> port_rules;
  // What best effort gave up, one sentence each, for the log.
  std::vector<std::string> notices;
};

// The Landlock ABI version of the running kernel, or 0 when the kernel has
// no Landlock (not built, or disabled at boot).  WARD_TEST_LANDLOCK_ABI=N
// in the environment lowers it to N (tests of best effort and of
// disableBestEffort on a kernel newer than the rights they need); it never
// raises it.
[[nodiscard]] int landlock_abi();

// Masks and rules for `config` on a kernel of Landlock ABI `abi` (0: none).
// Pure; errors name the process.landlock field.
[[nodiscard]] Result<LandlockPlan> plan_landlock(const oci::Landlock& config, int abi);

namespace raw {
// Builds the ruleset in the container's init: creates it, opens each rule
// path (O_PATH, resolved inside the current root) and adds every rule.
// Returns the ruleset fd (close-on-exec) or -errno; on failure *failed_field
// and *failed_path name the rule (or stay null for the ruleset itself).
int landlock_build(const LandlockPlan& plan, const char** failed_field, const char** failed_path) noexcept;
// landlock_restrict_self on the built ruleset; 0 or -errno.  Needs
// no_new_privs or CAP_SYS_ADMIN.
int landlock_enforce(int ruleset_fd) noexcept;
}  // namespace raw

}  // namespace ward::security
