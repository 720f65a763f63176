#include "security/landlock.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "oci/landlock_rights.h"
#include "util/sys.h"

namespace ward::security {

using oci::landlock_fs_right;
using oci::landlock_net_right;

namespace {

// The kernel's uapi values (<linux/landlock.h>); Debian 12's header
// predates ABI 3, so ward spells out what it needs.
constexpr unsigned kCreateRulesetVersion = 1U << 0;
constexpr int kRulePathBeneath = 1;
constexpr int kRuleNetPort = 2;

struct RulesetAttr {
  std::uint64_t handled_access_fs = 0;
  std::uint64_t handled_access_net = 0;  // ABI 4; the struct is 8 bytes long before
};

struct __attribute__((packed)) PathBeneathAttr {
  std::uint64_t allowed_access = 0;
  std::int32_t parent_fd = -1;
};

struct NetPortAttr {
  std::uint64_t allowed_access = 0;
  std::uint64_t port = 0;
};

// The handled mask for `names` (the field `field`), with rights above `abi`
// dropped (best effort) or refused (disableBestEffort).
Result<std::uint64_t> handled_mask(const std::vector<std::string>& names, bool network, const std::string& field,
                                   int abi, bool strict, LandlockPlan& plan) {
  std::uint64_t mask = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto right = network ? landlock_net_right(names[i]) : landlock_fs_right(names[i]);
    if (!right) return fail(fmt::format("{}[{}]: unknown Landlock access \"{}\"", field, i, names[i]));
    if (right->abi > abi) {
      std::string why = fmt::format("{}[{}]: \"{}\" needs Landlock ABI {}, the kernel has ABI {}", field, i,
                                    names[i], right->abi, abi);
      if (strict) return fail(why + " (disableBestEffort is set)");
      plan.notices.push_back(why + ": not enforced");
      continue;
    }
    mask |= right->bit;
  }
  return mask;
}

// The allowed mask of a rule, reduced to what the ruleset handles (after
// best effort dropped what the kernel lacks).
Result<std::uint64_t> allowed_mask(const std::vector<std::string>& names, bool network, const std::string& field,
                                   std::uint64_t handled) {
  std::uint64_t mask = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto right = network ? landlock_net_right(names[i]) : landlock_fs_right(names[i]);
    if (!right) return fail(fmt::format("{}[{}]: unknown Landlock access \"{}\"", field, i, names[i]));
    mask |= right->bit;
  }
  return mask & handled;
}

}  // namespace


int landlock_abi() {
  int abi = sys::raw::landlock_create_ruleset(nullptr, 0, kCreateRulesetVersion);
  if (abi < 0) abi = 0;  // ENOSYS (not built) or EOPNOTSUPP (not enabled at boot)
  if (const char* forced = std::getenv("WARD_TEST_LANDLOCK_ABI")) {
    int lowered = 0;
    auto [end, ec] = std::from_chars(forced, forced + std::strlen(forced), lowered);
    if (ec == std::errc() && *end == '\0' && lowered >= 0) abi = std::min(abi, lowered);
  }
  return abi;
}

Result<LandlockPlan> plan_landlock(const oci::Landlock& config, int abi) {
  LandlockPlan plan;
  const bool strict = config.disable_best_effort;
  if (abi <= 0) {
    if (strict)
      return fail("process.landlock.disableBestEffort: the kernel has no Landlock (not built in, or not enabled "
                  "at boot with lsm=)");
    plan.notices.push_back("process.landlock: the kernel has no Landlock; the container runs without its Landlock "
                           "ruleset");
    return plan;
  }
  auto fs = WARD_TRY(
      handled_mask(config.handled_access_fs, false, "process.landlock.ruleset.handledAccessFS", abi, strict, plan));
  auto net = WARD_TRY(handled_mask(config.handled_access_network, true, "process.landlock.ruleset.handledAccessNetwork",
                                   abi, strict, plan));
  plan.handled_fs = fs;
  plan.handled_net = net;
  if (plan.handled_fs == 0 && plan.handled_net == 0) {
    plan.notices.push_back(fmt::format("process.landlock: the kernel (Landlock ABI {}) supports none of the handled "
                                       "rights; the container runs without a Landlock ruleset",
                                       abi));
    return plan;
  }
  plan.enabled = true;

  for (std::size_t i = 0; i < config.path_beneath.size(); ++i) {
    const auto& rule = config.path_beneath[i];
    std::string field = fmt::format("process.landlock.rules.pathBeneath[{}]", i);
    auto allowed = WARD_TRY(allowed_mask(rule.allowed_access, false, field + ".allowedAccess", plan.handled_fs));
    // Every right it allows was dropped: the rule would grant nothing.
    if (allowed == 0) continue;
    for (std::size_t j = 0; j < rule.paths.size(); ++j)
      plan.path_rules.push_back({allowed, rule.paths[j], fmt::format("{}.paths[{}]", field, j)});
  }
  for (std::size_t i = 0; i < config.net_port.size(); ++i) {
    const auto& rule = config.net_port[i];
    std::string field = fmt::format("process.landlock.rules.netPort[{}]", i);
    auto allowed = WARD_TRY(allowed_mask(rule.allowed_access, true, field + ".allowedAccess", plan.handled_net));
    if (allowed == 0) continue;
    for (std::size_t j = 0; j < rule.ports.size(); ++j)
      plan.port_rules.push_back({allowed, rule.ports[j], fmt::format("{}.ports[{}]", field, j)});
  }
  return plan;
}

namespace raw {

int landlock_build(const LandlockPlan& plan, const char** failed_field, const char** failed_path) noexcept {
  *failed_field = nullptr;
  *failed_path = nullptr;
  RulesetAttr attr;
  attr.handled_access_fs = plan.handled_fs;
  attr.handled_access_net = plan.handled_net;
  // Kernels before ABI 4 know only the first member; pass the longer
  // struct only when it carries something.
  std::size_t size = plan.handled_net != 0 ? sizeof(attr) : sizeof(attr.handled_access_fs);
  int ruleset = sys::raw::landlock_create_ruleset(&attr, size, 0);
  if (ruleset < 0) return ruleset;
  for (const auto& rule : plan.path_rules) {
    int fd = sys::raw::open_in_root(AT_FDCWD, rule.path.c_str(), O_PATH | O_CLOEXEC);
    int r = fd;
    if (fd >= 0) {
      PathBeneathAttr beneath;
      beneath.allowed_access = rule.allowed;
      beneath.parent_fd = fd;
      r = sys::raw::landlock_add_rule(ruleset, kRulePathBeneath, &beneath, 0);
      ::close(fd);
    }
    if (r < 0) {
      *failed_field = rule.field.c_str();
      *failed_path = rule.path.c_str();
      ::close(ruleset);
      return r;
    }
  }
  for (const auto& rule : plan.port_rules) {
    NetPortAttr port;
    port.allowed_access = rule.allowed;
    port.port = rule.port;
    if (int r = sys::raw::landlock_add_rule(ruleset, kRuleNetPort, &port, 0); r < 0) {
      *failed_field = rule.field.c_str();
      ::close(ruleset);
      return r;
    }
  }
  return ruleset;
}

int landlock_enforce(int ruleset_fd) noexcept { return sys::raw::landlock_restrict_self(ruleset_fd, 0); }

}  // namespace raw

}  // namespace ward::security
