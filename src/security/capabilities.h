// The capability sets of a container (names: oci/capability_names.h) and the allocation-free code that sets the five sets in
// the container's init.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ward::security {

// The highest capability number the kernel knows (/proc/sys/kernel/cap_last_cap).
[[nodiscard]] int last_capability();

// The five sets as bitmasks, computed before clone.
struct CapabilityPlan {
  std::uint64_t bounding = 0, effective = 0, inheritable = 0, permitted = 0, ambient = 0;
  int last_cap = 40;
};

[[nodiscard]] CapabilityPlan make_capability_plan(const std::vector<int>& bounding, const std::vector<int>& effective,
                                                  const std::vector<int>& inheritable,
                                                  const std::vector<int>& permitted,
                                                  const std::vector<int>& ambient, int last_cap);

// This process's own bounding set (PR_CAPBSET_READ), as a mask.
[[nodiscard]] std::uint64_t own_bounding_set();

// The first capability in PLAN that capset(2) in the container's init could
// not grant, given the runtime's own bounding set: inheritable and ambient
// capabilities must be in it, and so must permitted and effective ones
// unless the init has a user namespace of its own (where it holds every
// capability).  Checked before clone so that `create` fails, as runc's does,
// instead of the container after `start`.
struct UngrantableCapability {
  const char* set;  // "inheritable", "ambient", "permitted" or "effective"
  int cap;
};
[[nodiscard]] std::optional<UngrantableCapability> find_ungrantable(const CapabilityPlan& plan,
                                                                    std::uint64_t own_bounding,
                                                                    bool own_user_namespace);

// The kernel raises an ambient capability only if it is both permitted and
// inheritable (prctl PR_CAP_AMBIENT_RAISE fails with EPERM otherwise).  The
// default bundles of `runc spec` and `crun spec` ask for ambient
// capabilities with an empty inheritable set, and both runtimes ignore the
// failed raise silently.  ward removes such capabilities from plan.ambient
// before clone, so the child never tries them, and returns one warning line
// per capability it removed.  Any other failure to raise stays an error.
[[nodiscard]] std::vector<std::string> drop_unraisable_ambient(CapabilityPlan& plan);

namespace raw {
// Drops every capability not in plan.bounding from the bounding set.
// Returns 0 or -errno.  Async-signal-safe.
int drop_bounding_set(const CapabilityPlan& plan) noexcept;
// Sets effective/permitted/inheritable with capset(2), then raises the
// ambient set.  Returns 0 or -errno; *failed_cap names the ambient cap that
// failed, if any.
int apply_capabilities(const CapabilityPlan& plan, int* failed_cap) noexcept;
}  // namespace raw

}  // namespace ward::security
