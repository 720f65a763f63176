// Device rules folded as the v1 devices controller folds them, and the
// structure of the eBPF program compiled from them.  What the program does
// in the kernel is tested in tests/integration/devices_test.cc.
#include <gtest/gtest.h>

#include "cgroups/device_filter.h"

namespace ward::cgroups {
namespace {

oci::DeviceRule rule(bool allow, char type, std::optional<std::int64_t> major, std::optional<std::int64_t> minor,
                     std::string access = "rwm") {
  oci::DeviceRule r;
  r.allow = allow;
  r.type = type;
  r.major = major;
  r.minor = minor;
  r.access = std::move(access);
  return r;
}

oci::DeviceRule deny_all() { return rule(false, 'a', std::nullopt, std::nullopt); }
oci::DeviceRule allow_all() { return rule(true, 'a', std::nullopt, std::nullopt); }

using Exception = DevicePolicy::Exception;

constexpr size_t header = 6;  // loads of type, access, major, minor
constexpr size_t footer = 2;  // default verdict, exit

bool is_exit(const bpf_insn& insn) { return insn.code == (BPF_JMP | BPF_EXIT); }
bool is_compare_of(const bpf_insn& insn, int reg) {
  return BPF_CLASS(insn.code) == BPF_JMP32 && insn.dst_reg == reg && BPF_OP(insn.code) != BPF_EXIT;
}
// r0 as set right before the exit at `exit_index`.
int verdict_before(const std::vector<bpf_insn>& program, size_t exit_index) {
  const bpf_insn& set = program.at(exit_index - 1);
  EXPECT_EQ(set.code, BPF_ALU | BPF_MOV | BPF_K);
  EXPECT_EQ(set.dst_reg, BPF_REG_0);
  return set.imm;
}

TEST(DeviceFold, DenyAllThenAllowsIsAnAllowList) {
  auto policy = fold_device_rules({deny_all(), rule(true, 'c', 1, 3), rule(true, 'b', 8, std::nullopt, "r")}, {});
  ASSERT_TRUE(policy) << policy.error().what();
  EXPECT_FALSE(policy->default_allow);
  ASSERT_EQ(policy->exceptions.size(), 2u);
  EXPECT_EQ(policy->exceptions[0], (Exception{'c', 1u, 3u, device_all}));
  EXPECT_EQ(policy->exceptions[1], (Exception{'b', 8u, std::nullopt, device_read}));
}

TEST(DeviceFold, StartsFromDenyAllAsTheV1PathDoes) {
  auto policy = fold_device_rules({}, {rule(true, 'c', 1, 3)});
  ASSERT_TRUE(policy);
  EXPECT_FALSE(policy->default_allow);
  EXPECT_EQ(policy->exceptions.size(), 1u);
}

TEST(DeviceFold, TypeAResetsWhateverItsNumbers) {
  // The kernel reads "a 1:3 r" on devices.allow as "allow everything".
  auto policy = fold_device_rules({rule(true, 'c', 1, 3), rule(true, 'a', 1, 3, "r")}, {});
  ASSERT_TRUE(policy);
  EXPECT_TRUE(policy->default_allow);
  EXPECT_TRUE(policy->exceptions.empty());
  policy = fold_device_rules({allow_all(), rule(false, 'c', 10, 200), deny_all()}, {});
  ASSERT_TRUE(policy);
  EXPECT_FALSE(policy->default_allow);
  EXPECT_TRUE(policy->exceptions.empty());
}

TEST(DeviceFold, LaterRulesMergeIntoAndTakeFromTheSameDevice) {
  auto policy = fold_device_rules({deny_all(), rule(true, 'c', 1, 3, "r"), rule(true, 'c', 1, 3, "w"),
                                   rule(true, 'c', 1, 5), rule(false, 'c', 1, 5, "m"), rule(true, 'c', 1, 7, "w"),
                                   rule(false, 'c', 1, 7, "w")},
                                  {});
  ASSERT_TRUE(policy);
  ASSERT_EQ(policy->exceptions.size(), 2u);
  EXPECT_EQ(policy->exceptions[0], (Exception{'c', 1u, 3u, device_read | device_write}));
  EXPECT_EQ(policy->exceptions[1], (Exception{'c', 1u, 5u, device_read | device_write}));  // 1:7 gone
}

TEST(DeviceFold, DenyListKeepsDenyExceptions) {
  auto policy = fold_device_rules({allow_all(), rule(false, 'b', std::nullopt, std::nullopt, "m"),
                                   rule(false, 'c', 10, 200)},
                                  {rule(true, 'c', 1, 3)});
  ASSERT_TRUE(policy);
  EXPECT_TRUE(policy->default_allow);
  ASSERT_EQ(policy->exceptions.size(), 2u);
  EXPECT_EQ(policy->exceptions[0], (Exception{'b', std::nullopt, std::nullopt, device_mknod}));
}

TEST(DeviceFold, PunchingAHoleInAWildcardIsAnErrorNamingTheRule) {
  auto policy = fold_device_rules({deny_all(), rule(true, 'c', std::nullopt, std::nullopt, "rwm"),
                                   rule(false, 'c', 1, 3, "w")},
                                  {});
  ASSERT_FALSE(policy);
  EXPECT_NE(policy.error().what().find("linux.resources.devices[2]"), std::string::npos) << policy.error().what();
  EXPECT_NE(policy.error().what().find("c *:* rwm"), std::string::npos) << policy.error().what();
  // Disjoint access is no hole: "m" out of a wildcard that only grants "rw".
  policy = fold_device_rules({deny_all(), rule(true, 'c', 1, std::nullopt, "rw"), rule(false, 'c', 1, 3, "m")}, {});
  EXPECT_TRUE(policy);
  // ward's own additions are folded as the kernel would, without an error.
  policy = fold_device_rules({allow_all(), rule(false, 'c', std::nullopt, std::nullopt)}, {rule(true, 'c', 1, 3)});
  ASSERT_TRUE(policy);
  EXPECT_EQ(policy->exceptions.size(), 1u);
}

TEST(DeviceFold, MinusOneIsAWildcardAndBadNumbersAreErrors) {
  auto policy = fold_device_rules({deny_all(), rule(true, 'c', -1, -1, "m")}, {});
  ASSERT_TRUE(policy);
  EXPECT_EQ(policy->exceptions[0], (Exception{'c', std::nullopt, std::nullopt, device_mknod}));
  policy = fold_device_rules({rule(true, 'c', 1LL << 33, 0)}, {});
  ASSERT_FALSE(policy);
  EXPECT_NE(policy.error().what().find("linux.resources.devices[0].major"), std::string::npos);
  policy = fold_device_rules({rule(true, 'c', 1, 3, "rx")}, {});
  ASSERT_FALSE(policy);
  EXPECT_NE(policy.error().what().find("linux.resources.devices[0].access"), std::string::npos);
}

TEST(DeviceFilter, HeaderReadsTheContextThenTheDefault) {
  auto program = compile_device_filter(DevicePolicy{false, {}});
  ASSERT_EQ(program.size(), header + footer);
  for (size_t i : {0u, 4u, 5u}) {
    EXPECT_EQ(program[i].code, BPF_LDX | BPF_MEM | BPF_W);
    EXPECT_EQ(program[i].src_reg, BPF_REG_1);  // the context
  }
  EXPECT_EQ(program[0].off, 0);  // access_type
  EXPECT_EQ(program[4].off, 4);  // major
  EXPECT_EQ(program[5].off, 8);  // minor
  EXPECT_TRUE(is_exit(program.back()));
  EXPECT_EQ(verdict_before(program, program.size() - 1), 0);
  program = compile_device_filter(DevicePolicy{true, {}});
  EXPECT_EQ(verdict_before(program, program.size() - 1), 1);
}

TEST(DeviceFilter, AnExactRwmRuleComparesTypeMajorMinorOnly) {
  auto program = compile_device_filter(DevicePolicy{false, {Exception{'c', 1u, 3u, device_all}}});
  // type, major, minor compares + verdict + exit
  ASSERT_EQ(program.size(), header + 5 + footer);
  EXPECT_TRUE(is_compare_of(program[header], BPF_REG_2));
  EXPECT_EQ(program[header].imm, BPF_DEVCG_DEV_CHAR);
  EXPECT_TRUE(is_compare_of(program[header + 1], BPF_REG_4));
  EXPECT_EQ(program[header + 1].imm, 1);
  EXPECT_TRUE(is_compare_of(program[header + 2], BPF_REG_5));
  EXPECT_EQ(program[header + 2].imm, 3);
  EXPECT_EQ(verdict_before(program, header + 4), 1);
  // Every miss lands on the default verdict right after the block.
  for (size_t i = header; i < header + 3; ++i) EXPECT_EQ(i + 1 + program[i].off, header + 5) << i;
}

TEST(DeviceFilter, WildcardsEmitNoCompare) {
  auto program = compile_device_filter(DevicePolicy{false, {Exception{'b', std::nullopt, std::nullopt, device_all}}});
  ASSERT_EQ(program.size(), header + 3 + footer);
  EXPECT_EQ(program[header].imm, BPF_DEVCG_DEV_BLOCK);
  for (const auto& insn : program) {
    EXPECT_FALSE(is_compare_of(insn, BPF_REG_4));
    EXPECT_FALSE(is_compare_of(insn, BPF_REG_5));
  }
  program = compile_device_filter(DevicePolicy{false, {Exception{'c', 136u, std::nullopt, device_all}}});
  ASSERT_EQ(program.size(), header + 4 + footer);
  EXPECT_TRUE(is_compare_of(program[header + 1], BPF_REG_4));
  EXPECT_EQ(program[header + 1].imm, 136);
}

TEST(DeviceFilter, PartialAccessIsCheckedAsTheKernelChecksIt) {
  // Allow exception: any bit asked for outside "r" misses (one JSET).
  auto program = compile_device_filter(DevicePolicy{false, {Exception{'c', 1u, 3u, device_read}}});
  ASSERT_EQ(program.size(), header + 6 + footer);
  EXPECT_EQ(program[header + 1].code, BPF_JMP32 | BPF_JSET | BPF_K);
  EXPECT_EQ(program[header + 1].dst_reg, BPF_REG_3);
  EXPECT_EQ(static_cast<unsigned>(program[header + 1].imm), device_write | device_mknod);
  // Deny exception: it applies when any bit asked for is "m".
  program = compile_device_filter(DevicePolicy{true, {Exception{'c', 1u, 3u, device_mknod}}});
  ASSERT_EQ(program.size(), header + 8 + footer);
  EXPECT_EQ(program[header + 2].code, BPF_ALU | BPF_AND | BPF_K);
  EXPECT_EQ(static_cast<unsigned>(program[header + 2].imm), device_mknod);
  EXPECT_EQ(program[header + 3].code, BPF_JMP32 | BPF_JEQ | BPF_K);
  EXPECT_EQ(verdict_before(program, header + 7), 0);
  EXPECT_EQ(verdict_before(program, program.size() - 1), 1);
}

TEST(DeviceFilter, EveryJumpStaysInsideTheProgram) {
  // ward's defaults plus a few rules: one block per exception, in order.
  auto policy = fold_device_rules({deny_all(), rule(true, 'c', std::nullopt, std::nullopt, "m"),
                                   rule(true, 'b', std::nullopt, std::nullopt, "m"), rule(true, 'c', 10, 200, "rw")},
                                  {rule(true, 'c', 1, 3), rule(true, 'c', 1, 5), rule(true, 'c', 136, std::nullopt)});
  ASSERT_TRUE(policy);
  auto program = compile_device_filter(*policy);
  size_t exits = 0;
  for (size_t i = 0; i < program.size(); ++i) {
    if (is_exit(program[i])) {
      ++exits;
      continue;
    }
    if (BPF_CLASS(program[i].code) == BPF_JMP32) {
      size_t target = i + 1 + program[i].off;
      EXPECT_GT(program[i].off, 0) << i;
      ASSERT_LT(target, program.size()) << i;
    }
  }
  EXPECT_EQ(exits, policy->exceptions.size() + 1);
  EXPECT_TRUE(is_exit(program.back()));
}

}  // namespace
}  // namespace ward::cgroups
