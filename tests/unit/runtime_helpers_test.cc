#include <gtest/gtest.h>

#include "runtime/plan/scheduling.h"
#include "runtime/state.h"
#include "util/child_text.h"
#include "util/error.h"
#include "util/passwd.h"

namespace {

TEST(Passwd, FindsHomeByUid) {
  const char* passwd =
      "root:x:0:0:root:/root:/bin/sh\n"
      "svc:x:1000:1000::/home/svc:/bin/sh\n"
      "broken line\n"
      "nohome:x:1001:1001:::/bin/sh\n";
  EXPECT_EQ(ward::home_directory_from_passwd(passwd, 0), "/root");
  EXPECT_EQ(ward::home_directory_from_passwd(passwd, 1000), "/home/svc");
  EXPECT_EQ(ward::home_directory_from_passwd(passwd, 1001), "/");
  EXPECT_EQ(ward::home_directory_from_passwd(passwd, 4242), "/");
}

// The uid field is plain digits: strtoul, used before, read
// "-18446744073709551615" as 1, " 0" and "+0" as 0 and stopped at a NUL,
// so a line could claim another uid.  fuzz/passwd_fuzz checks the reading
// against a plain-digits reference.
TEST(Passwd, UidFieldIsPlainDigits) {
  const std::string passwd = std::string("a:x:-18446744073709551615:0::/wrapped:/bin/sh\n") +
                             "b:x: 0:0::/spaced:/bin/sh\n" + "c:x:+0:0::/signed:/bin/sh\n" +
                             std::string("d:x:0\0junk:0::/nul:/bin/sh\n", 27) + "e:x:4294967296:0::/wide:\n" +
                             "f:x:0001:0::/padded:\n";
  EXPECT_EQ(ward::home_directory_from_passwd(passwd, 0), "/");
  EXPECT_EQ(ward::home_directory_from_passwd(passwd, 1), "/padded");  // leading zeros are digits, as in glibc
  EXPECT_EQ(ward::home_directory_from_passwd("x:x:7:7::/seven\n", 7), "/seven");  // six fields are enough
  EXPECT_EQ(ward::home_directory_from_passwd("x:x:7:7:/five\n", 7), "/");         // five are not
}

TEST(ContainerId, AcceptsRuncIds) {
  EXPECT_TRUE(ward::runtime::validate_container_id("abc-DEF_1.2+3"));
  EXPECT_FALSE(ward::runtime::validate_container_id(""));
  EXPECT_FALSE(ward::runtime::validate_container_id("."));
  EXPECT_FALSE(ward::runtime::validate_container_id(".."));
  EXPECT_FALSE(ward::runtime::validate_container_id("a/b"));
  EXPECT_FALSE(ward::runtime::validate_container_id("a b"));
}

TEST(StateJson, StoppedContainerReportsPidZero) {
  // Built whole rather than assigned field by field: at -O3 GCC 12 takes
  // `state.bundle = "/b"` for a read of uninitialized memory (a
  // -Wmaybe-uninitialized false positive of its std::string inlining).
  ward::runtime::ContainerState state{.id = "c1", .pid = 42, .bundle = "/b", .annotations = {{"k", "v"}}};
  std::string running = ward::runtime::oci_state_json(state, ward::runtime::Status::running, false);
  EXPECT_NE(running.find("\"pid\":42"), std::string::npos);
  EXPECT_NE(running.find("\"status\":\"running\""), std::string::npos);
  EXPECT_NE(running.find("\"annotations\":{\"k\":\"v\"}"), std::string::npos);
  std::string stopped = ward::runtime::oci_state_json(state, ward::runtime::Status::stopped, false);
  EXPECT_NE(stopped.find("\"pid\":0"), std::string::npos);
}

TEST(FixedText, FormatsWithoutAllocating) {
  ward::FixedText<32> text;
  text.add("pid ").add(-12LL).add(" mode ").add_octal(0755);
  EXPECT_STREQ(text.c_str(), "pid -12 mode 755");
  ward::FixedText<8> small;
  small.add("truncated text");
  EXPECT_STREQ(small.c_str(), "truncat");
}

TEST(ErrorChain, WrapsContext) {
  ward::Error error{2, "open /x", {}};
  error.wrap("mount /proc");
  EXPECT_EQ(error.what(), "mount /proc: open /x: No such file or directory");
}

}  // namespace

namespace ward::runtime {
namespace {

TEST(ProcessScheduling, SchedAttrCarriesTheKernelNumbers) {
  oci::Scheduler scheduler;
  scheduler.policy = "SCHED_DEADLINE";
  scheduler.flags = {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_DL_OVERRUN"};
  scheduler.runtime = 1000;
  scheduler.deadline = 2000;
  scheduler.period = 3000;
  SchedAttr attr = sched_attr_of(scheduler);
  EXPECT_EQ(attr.size, 48u);
  EXPECT_EQ(attr.sched_policy, 6u);
  EXPECT_EQ(attr.sched_flags, 0x05u);
  EXPECT_EQ(attr.sched_runtime, 1000u);
  EXPECT_EQ(attr.sched_deadline, 2000u);
  EXPECT_EQ(attr.sched_period, 3000u);

  scheduler = {};
  scheduler.policy = "SCHED_OTHER";
  scheduler.nice = -5;
  attr = sched_attr_of(scheduler);
  EXPECT_EQ(attr.sched_policy, 0u);
  EXPECT_EQ(attr.sched_nice, -5);
}

TEST(ProcessScheduling, IoPriorityValueIsClassShiftedByThirteen) {
  EXPECT_EQ(io_priority_value({.io_class = 1, .priority = 4}), (1 << 13) | 4);  // RT, level 4
  EXPECT_EQ(io_priority_value({.io_class = 3, .priority = 0}), 3 << 13);      // IDLE
}

TEST(ProcessScheduling, OnlyWhatTheConfigAsksForIsPlanned) {
  oci::Config config;
  oci::Process process;
  SchedulingPlan plan = plan_scheduling(process, config);
  EXPECT_FALSE(plan.set_scheduler);
  EXPECT_FALSE(plan.set_io_priority);
  EXPECT_FALSE(plan.set_personality);
  config.linux.personality_domain = 8;
  process.io_priority = oci::IoPriority{.io_class = 2, .priority = 7};
  plan = plan_scheduling(process, config);
  EXPECT_TRUE(plan.set_personality);
  EXPECT_EQ(plan.personality, 8u);
  EXPECT_TRUE(plan.set_io_priority);
  EXPECT_EQ(plan.io_priority, (2 << 13) | 7);
  EXPECT_FALSE(plan.set_scheduler);
}

}  // namespace
}  // namespace ward::runtime
