#include "security/capabilities.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "oci/capability_names.h"
#include "util/sys.h"

namespace ward::security {

namespace {

using oci::kHighestKnownCapability;
// Capability numbers index 64-bit masks (two capset words of 32 bits).
constexpr int kHighestMaskBit = 63;

int read_last_capability() {
  auto text = sys::read_file("/proc/sys/kernel/cap_last_cap");
  if (!text) return kHighestKnownCapability;
  int value = -1;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end == text->data() || value < 0) return kHighestKnownCapability;
  return value > kHighestMaskBit ? kHighestMaskBit : value;
}

std::uint64_t to_mask(const std::vector<int>& caps, int last_cap) {
  std::uint64_t mask = 0;
  for (int cap : caps)
    if (cap >= 0 && cap <= last_cap && cap <= kHighestMaskBit) mask |= std::uint64_t{1} << cap;
  return mask;
}

}  // namespace

int last_capability() {
  static const int cached = read_last_capability();
  return cached;
}

CapabilityPlan make_capability_plan(const std::vector<int>& bounding, const std::vector<int>& effective,
                                    const std::vector<int>& inheritable, const std::vector<int>& permitted,
                                    const std::vector<int>& ambient, int last_cap) {
  // A capability this kernel does not have cannot be granted; asking for it
  // would make capset(2) fail, so it is left out, as runc does.
  if (last_cap > kHighestMaskBit) last_cap = kHighestMaskBit;
  CapabilityPlan plan;
  plan.last_cap = last_cap;
  plan.bounding = to_mask(bounding, last_cap);
  plan.effective = to_mask(effective, last_cap);
  plan.inheritable = to_mask(inheritable, last_cap);
  plan.permitted = to_mask(permitted, last_cap);
  plan.ambient = to_mask(ambient, last_cap);
  return plan;
}

std::uint64_t own_bounding_set() {
  std::uint64_t mask = 0;
  for (int cap = 0; cap <= kHighestMaskBit; ++cap)
    if (::prctl(PR_CAPBSET_READ, static_cast<unsigned long>(cap), 0UL, 0UL, 0UL) == 1) mask |= std::uint64_t{1} << cap;
  return mask;
}

std::optional<UngrantableCapability> find_ungrantable(const CapabilityPlan& plan, std::uint64_t own_bounding,
                                                      bool own_user_namespace) {
  const std::pair<const char*, std::uint64_t> sets[] = {
      {"inheritable", plan.inheritable},
      {"ambient", plan.ambient},
      {"permitted", own_user_namespace ? 0 : plan.permitted},
      {"effective", own_user_namespace ? 0 : plan.effective},
  };
  for (const auto& [name, mask] : sets) {
    std::uint64_t missing = mask & ~own_bounding;
    for (int cap = 0; cap <= kHighestMaskBit; ++cap)
      if (missing & (std::uint64_t{1} << cap)) return UngrantableCapability{name, cap};
  }
  return std::nullopt;
}

std::vector<std::string> drop_unraisable_ambient(CapabilityPlan& plan) {
  std::vector<std::string> warnings;
  for (int cap = 0; cap <= kHighestMaskBit; ++cap) {
    std::uint64_t bit = std::uint64_t{1} << cap;
    if (!(plan.ambient & bit)) continue;
    bool inheritable = (plan.inheritable & bit) != 0;
    bool permitted = (plan.permitted & bit) != 0;
    if (inheritable && permitted) continue;
    plan.ambient &= ~bit;
    const char* missing = !inheritable && !permitted ? "inheritable and permitted"
                          : !inheritable             ? "inheritable"
                                                     : "permitted";
    const char* name = oci::capability_name(cap);
    warnings.push_back(fmt::format("process.capabilities.ambient: {} skipped: it is not in process.capabilities.{}, "
                                   "so the kernel would refuse to raise it",
                                   name ? std::string(name) : std::to_string(cap), missing));
  }
  return warnings;
}

namespace raw {

int drop_bounding_set(const CapabilityPlan& plan) noexcept {
  // Every mask bit, not just up to plan.last_cap: if the kernel knows more
  // capabilities than the plan assumed, those must go too.  EINVAL marks a
  // number the kernel does not have.
  for (int cap = 0; cap <= kHighestMaskBit; ++cap) {
    if (plan.bounding & (std::uint64_t{1} << cap)) continue;
    if (::prctl(PR_CAPBSET_DROP, static_cast<unsigned long>(cap), 0UL, 0UL, 0UL) < 0) {
      if (errno == EINVAL) continue;
      return -errno;
    }
  }
  return 0;
}

int apply_capabilities(const CapabilityPlan& plan, int* failed_cap) noexcept {
  if (failed_cap != nullptr) *failed_cap = -1;
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  // Version 3 splits each 64-bit set into a low and a high 32-bit word.
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  for (int word = 0; word < _LINUX_CAPABILITY_U32S_3; ++word) {
    int shift = 32 * word;
    data[word].effective = static_cast<std::uint32_t>(plan.effective >> shift);
    data[word].permitted = static_cast<std::uint32_t>(plan.permitted >> shift);
    data[word].inheritable = static_cast<std::uint32_t>(plan.inheritable >> shift);
  }
  if (::syscall(SYS_capset, &header, data) < 0) return -errno;

  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0UL, 0UL, 0UL) < 0) {
    // Kernels before 4.3 have no ambient set; with nothing to raise that is
    // not an error.
    if (errno != EINVAL || plan.ambient != 0) return -errno;
    return 0;
  }
  for (int cap = 0; cap <= kHighestMaskBit; ++cap) {
    if (!(plan.ambient & (std::uint64_t{1} << cap))) continue;
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, static_cast<unsigned long>(cap), 0UL, 0UL) < 0) {
      if (failed_cap != nullptr) *failed_cap = cap;
      return -errno;
    }
  }
  return 0;
}

}  // namespace raw

}  // namespace ward::security
