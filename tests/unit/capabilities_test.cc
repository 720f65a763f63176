#include "security/capabilities.h"
#include "oci/capability_names.h"

#include <linux/capability.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ward::security {
namespace {

using oci::all_capability_names;
using oci::capability_from_name;
using oci::capability_name;

TEST(Capabilities, NamesMatchKernelNumbers) {
  EXPECT_EQ(capability_from_name("CAP_CHOWN"), CAP_CHOWN);
  EXPECT_EQ(capability_from_name("CAP_NET_BIND_SERVICE"), CAP_NET_BIND_SERVICE);
  EXPECT_EQ(capability_from_name("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
  EXPECT_EQ(capability_from_name("CAP_AUDIT_READ"), CAP_AUDIT_READ);
  EXPECT_EQ(capability_from_name("CAP_PERFMON"), CAP_PERFMON);
  EXPECT_EQ(capability_from_name("CAP_BPF"), CAP_BPF);
  EXPECT_EQ(capability_from_name("CAP_CHECKPOINT_RESTORE"), CAP_CHECKPOINT_RESTORE);
  EXPECT_EQ(capability_from_name("CAP_CHECKPOINT_RESTORE"), 40);
}

TEST(Capabilities, CaseAndPrefixAreOptional) {
  for (const char* name : {"CAP_SYS_ADMIN", "cap_sys_admin", "Cap_Sys_Admin", "SYS_ADMIN", "sys_admin"})
    EXPECT_EQ(capability_from_name(name), std::optional<int>(21)) << name;
}

TEST(Capabilities, UnknownNames) {
  for (const char* name : {"", "CAP_", "cap_", "CAP_FOO", "CAP_SYS_ADMINX", "CAP_CAP_KILL", "21", "ALL", " CAP_KILL",
                           "CAP_KILL "})
    EXPECT_EQ(capability_from_name(name), std::nullopt) << '"' << name << '"';
}

TEST(Capabilities, NameRoundTrip) {
  auto names = all_capability_names();
  ASSERT_EQ(names.size(), 41u);
  for (int cap = 0; cap <= 40; ++cap) {
    const char* name = capability_name(cap);
    ASSERT_NE(name, nullptr) << cap;
    EXPECT_EQ(names[static_cast<std::size_t>(cap)], name);
    EXPECT_TRUE(std::string(name).starts_with("CAP_"));
    EXPECT_EQ(capability_from_name(name), std::optional<int>(cap)) << name;
  }
  EXPECT_EQ(capability_name(-1), nullptr);
  EXPECT_EQ(capability_name(41), nullptr);
  EXPECT_STREQ(capability_name(0), "CAP_CHOWN");
  EXPECT_STREQ(capability_name(40), "CAP_CHECKPOINT_RESTORE");
}

TEST(Capabilities, LastCapabilityIsSaneAndCached) {
  int last = last_capability();
  EXPECT_GE(last, 30);
  EXPECT_LE(last, 63);
  EXPECT_EQ(last_capability(), last);
}

TEST(Capabilities, PlanMasks) {
  CapabilityPlan plan = make_capability_plan({CAP_CHOWN, CAP_KILL, CAP_SYS_ADMIN}, {CAP_KILL}, {},
                                             {CAP_KILL, CAP_SYS_ADMIN}, {CAP_KILL}, 40);
  EXPECT_EQ(plan.last_cap, 40);
  EXPECT_EQ(plan.bounding, (1ULL << CAP_CHOWN) | (1ULL << CAP_KILL) | (1ULL << CAP_SYS_ADMIN));
  EXPECT_EQ(plan.effective, 1ULL << CAP_KILL);
  EXPECT_EQ(plan.inheritable, 0u);
  EXPECT_EQ(plan.permitted, (1ULL << CAP_KILL) | (1ULL << CAP_SYS_ADMIN));
  EXPECT_EQ(plan.ambient, 1ULL << CAP_KILL);
}

TEST(Capabilities, PlanDropsCapabilitiesTheKernelLacks) {
  // A kernel whose last capability is CAP_AUDIT_READ (37) has no CAP_BPF (39).
  CapabilityPlan plan = make_capability_plan({CAP_CHOWN, CAP_BPF, CAP_AUDIT_READ}, {CAP_BPF}, {CAP_PERFMON},
                                             {CAP_BPF, CAP_CHOWN}, {CAP_CHECKPOINT_RESTORE}, 37);
  EXPECT_EQ(plan.last_cap, 37);
  EXPECT_EQ(plan.bounding, (1ULL << CAP_CHOWN) | (1ULL << CAP_AUDIT_READ));
  EXPECT_EQ(plan.effective, 0u);
  EXPECT_EQ(plan.inheritable, 0u);
  EXPECT_EQ(plan.permitted, 1ULL << CAP_CHOWN);
  EXPECT_EQ(plan.ambient, 0u);
}

TEST(Capabilities, PlanIgnoresOutOfRangeNumbersAndDuplicates) {
  CapabilityPlan plan = make_capability_plan({-1, 0, 0, 64, 100}, {63}, {}, {}, {}, 63);
  EXPECT_EQ(plan.bounding, 1u);
  EXPECT_EQ(plan.effective, 1ULL << 63);
  CapabilityPlan capped = make_capability_plan({63}, {}, {}, {}, {}, 200);
  EXPECT_EQ(capped.last_cap, 63);
  EXPECT_EQ(capped.bounding, 1ULL << 63);
}

TEST(Capabilities, FullSetMask) {
  std::vector<int> all;
  for (int cap = 0; cap <= 40; ++cap) all.push_back(cap);
  CapabilityPlan plan = make_capability_plan(all, all, all, all, all, 40);
  EXPECT_EQ(plan.bounding, (1ULL << 41) - 1);
  EXPECT_EQ(plan.ambient, (1ULL << 41) - 1);
}

// capset can only grant what the runtime's bounding set holds; a user
// namespace of the container's own gives it every permitted capability.
TEST(Capabilities, UngrantableAgainstOwnBoundingSet) {
  CapabilityPlan plan = make_capability_plan({0, 24}, {0, 24}, {}, {0, 24}, {}, 40);  // CHOWN, SYS_RESOURCE
  std::uint64_t without_sys_resource = ~(std::uint64_t{1} << 24);
  auto missing = find_ungrantable(plan, without_sys_resource, false);
  ASSERT_TRUE(missing);
  EXPECT_STREQ(missing->set, "permitted");
  EXPECT_EQ(missing->cap, 24);
  EXPECT_FALSE(find_ungrantable(plan, without_sys_resource, true));
  EXPECT_FALSE(find_ungrantable(plan, ~std::uint64_t{0}, false));

  CapabilityPlan inheritable = make_capability_plan({24}, {}, {24}, {}, {}, 40);
  missing = find_ungrantable(inheritable, without_sys_resource, true);
  ASSERT_TRUE(missing);
  EXPECT_STREQ(missing->set, "inheritable");
}

// `runc spec` and `crun spec` ask for CAP_AUDIT_WRITE, CAP_KILL and
// CAP_NET_BIND_SERVICE as ambient with nothing inheritable: the kernel would
// refuse each raise, so the plan drops them and says so, one line each.
TEST(Capabilities, AmbientOutsideInheritableIsSkippedWithAWarning) {
  std::vector<int> defaults = {CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE};
  CapabilityPlan plan = make_capability_plan(defaults, defaults, {}, defaults, defaults, 40);
  auto warnings = drop_unraisable_ambient(plan);
  EXPECT_EQ(plan.ambient, 0u);
  EXPECT_EQ(plan.permitted, (1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE));
  ASSERT_EQ(warnings.size(), 3u);
  // In capability-number order: CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29).
  EXPECT_EQ(warnings[0],
            "process.capabilities.ambient: CAP_KILL skipped: it is not in process.capabilities.inheritable, so the "
            "kernel would refuse to raise it");
  EXPECT_NE(warnings[1].find("CAP_NET_BIND_SERVICE skipped"), std::string::npos) << warnings[1];
  EXPECT_NE(warnings[2].find("CAP_AUDIT_WRITE skipped"), std::string::npos) << warnings[2];
  for (const auto& line : warnings) EXPECT_EQ(line.find('\n'), std::string::npos) << line;
}

TEST(Capabilities, AmbientKeptOnlyWhenPermittedAndInheritable) {
  // CHOWN: both sets, kept.  KILL: inheritable only.  SETUID: permitted only.
  // SETGID: neither.
  CapabilityPlan plan = make_capability_plan({}, {}, {CAP_CHOWN, CAP_KILL}, {CAP_CHOWN, CAP_SETUID},
                                             {CAP_CHOWN, CAP_KILL, CAP_SETUID, CAP_SETGID}, 40);
  auto warnings = drop_unraisable_ambient(plan);
  EXPECT_EQ(plan.ambient, 1ULL << CAP_CHOWN);
  EXPECT_EQ(plan.inheritable, (1ULL << CAP_CHOWN) | (1ULL << CAP_KILL));
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_NE(warnings[0].find("CAP_KILL skipped: it is not in process.capabilities.permitted,"), std::string::npos)
      << warnings[0];
  EXPECT_NE(warnings[1].find("CAP_SETGID skipped: it is not in process.capabilities.inheritable and permitted,"),
            std::string::npos)
      << warnings[1];
  EXPECT_NE(warnings[2].find("CAP_SETUID skipped: it is not in process.capabilities.inheritable,"),
            std::string::npos)
      << warnings[2];
}

TEST(Capabilities, RaisableAmbientSetIsLeftAlone) {
  std::vector<int> caps = {CAP_KILL, CAP_NET_BIND_SERVICE};
  CapabilityPlan plan = make_capability_plan(caps, caps, caps, caps, caps, 40);
  EXPECT_TRUE(drop_unraisable_ambient(plan).empty());
  EXPECT_EQ(plan.ambient, (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE));
}

}  // namespace
}  // namespace ward::security

