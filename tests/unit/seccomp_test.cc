// Compiling OCI seccomp profiles, ward's default profile, and the cache.
#include <dirent.h>
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "oci/config.h"
#include "oci/seccomp_default.h"
#include "security/seccomp.h"
#include "util/sys.h"
#include "temp_dir.h"

namespace ward::security {
namespace {

oci::Seccomp parse_profile(const nlohmann::json& seccomp) {
  nlohmann::json config = {{"ociVersion", "1.0.2"},
                           {"root", {{"path", "rootfs"}}},
                           {"process", {{"args", {"true"}}, {"cwd", "/"}, {"user", {{"uid", 0}, {"gid", 0}}}}},
                           {"linux", {{"seccomp", seccomp}}}};
  auto parsed = oci::parse_config(config.dump());
  if (!parsed) {
    ADD_FAILURE() << parsed.error().what();
    return {};
  }
  return *parsed->linux.seccomp;
}

TEST(Seccomp, DefaultProfileCompiles) {
  auto program = compile_seccomp(parse_profile(oci::default_seccomp_profile()));
  ASSERT_TRUE(program) << program.error().what();
  EXPECT_GT(program->instructions.size(), 100u);
  EXPECT_EQ(program->flags, 0u);
}

TEST(Seccomp, ErrorsNameTheField) {
  // Built directly: the config parser already refuses a notify rule
  // without listenerPath, so only the compiler's own check is left.
  oci::Seccomp profile;
  profile.default_action = "SCMP_ACT_ALLOW";
  profile.syscalls.push_back({{"mkdir"}, "SCMP_ACT_NOTIFY", std::nullopt, {}});
  auto program = compile_seccomp(profile);
  ASSERT_FALSE(program);
  EXPECT_NE(program.error().what().find("linux.seccomp.syscalls[0].action"), std::string::npos);
}

TEST(Seccomp, UnknownSyscallNamesAreSkipped) {
  auto profile = parse_profile({{"defaultAction", "SCMP_ACT_ERRNO"},
                                {"syscalls", {{{"names", {"read", "not_a_real_syscall"}}, {"action", "SCMP_ACT_ALLOW"}}}}});
  EXPECT_TRUE(compile_seccomp(profile));
}

TEST(Seccomp, FlagsReachTheProgram) {
  auto profile = parse_profile({{"defaultAction", "SCMP_ACT_ALLOW"}, {"flags", {"SECCOMP_FILTER_FLAG_LOG"}},
                                {"syscalls", {{{"names", {"mkdir"}}, {"action", "SCMP_ACT_ERRNO"}}}}});
  auto program = compile_seccomp(profile);
  ASSERT_TRUE(program);
  EXPECT_EQ(program->flags, 2u);  // SECCOMP_FILTER_FLAG_LOG
}

nlohmann::json notify_profile(std::vector<std::string> flags = {}) {
  return {{"defaultAction", "SCMP_ACT_ALLOW"},
          {"listenerPath", "/run/agent.sock"},
          {"flags", flags},
          {"syscalls", {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_NOTIFY"}}}}};
}

bool returns(const SeccompProgram& program, std::uint32_t action) {
  for (const auto& instruction : program.instructions)
    if (BPF_CLASS(instruction.code) == BPF_RET && (instruction.k & SECCOMP_RET_ACTION_FULL) == action) return true;
  return false;
}

TEST(Seccomp, NotifyProfileAsksForAListener) {
  auto program = compile_seccomp(parse_profile(notify_profile()));
  ASSERT_TRUE(program) << program.error().what();
  EXPECT_TRUE(program->has_listener());
  EXPECT_EQ(program->flags, static_cast<unsigned>(SECCOMP_FILTER_FLAG_NEW_LISTENER));
  EXPECT_TRUE(returns(*program, SECCOMP_RET_USER_NOTIF));
}

TEST(Seccomp, NotifyCombinesWithTheOtherFlags) {
  auto program = compile_seccomp(parse_profile(
      notify_profile({"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"})));
  ASSERT_TRUE(program) << program.error().what();
  // TSYNC with NEW_LISTENER needs TSYNC_ESRCH (1 << 4); WAIT_KILLABLE_RECV is 1 << 5.
  EXPECT_EQ(program->flags, static_cast<unsigned>(SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
                                                  SECCOMP_FILTER_FLAG_NEW_LISTENER | (1U << 4) | (1U << 5)));
}

TEST(Seccomp, ListenerPathWithoutNotifyIsIgnored) {
  auto profile = notify_profile();
  profile["syscalls"][0]["action"] = "SCMP_ACT_ERRNO";
  auto program = compile_seccomp(parse_profile(profile));
  ASSERT_TRUE(program) << program.error().what();
  EXPECT_FALSE(program->has_listener());
  EXPECT_EQ(program->flags, 0u);
  EXPECT_FALSE(returns(*program, SECCOMP_RET_USER_NOTIF));
}

TEST(Seccomp, NotifyWhereItWouldDeadlockIsRefused) {
  auto as_default = parse_profile(notify_profile());
  as_default.default_action = "SCMP_ACT_NOTIFY";
  auto program = compile_seccomp(as_default);
  ASSERT_FALSE(program);
  EXPECT_NE(program.error().what().find("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"),
            std::string::npos)
      << program.error().what();

  auto on_sendmsg = notify_profile();
  on_sendmsg["syscalls"][0]["names"] = {"mkdir", "sendmsg"};
  program = compile_seccomp(parse_profile(on_sendmsg));
  ASSERT_FALSE(program);
  EXPECT_NE(program.error().what().find("linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used for sendmsg"),
            std::string::npos)
      << program.error().what();
}

TEST(Seccomp, WaitKillableRecvNeedsNotify) {
  auto profile = notify_profile({"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"});
  profile["syscalls"][0]["action"] = "SCMP_ACT_ERRNO";
  auto program = compile_seccomp(parse_profile(profile));
  ASSERT_FALSE(program);
  EXPECT_EQ(program.error().what(),
            "linux.seccomp.flags[1]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs an SCMP_ACT_NOTIFY rule");
}

class SeccompCache : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(temp_.ok());
    dir_ = temp_.path();
  }
  test_support::TempDir temp_{"ward-seccomp-cache"};
  std::string dir_;
};

TEST_F(SeccompCache, SecondCompileReadsTheCache) {
  auto profile = parse_profile(oci::default_seccomp_profile());
  auto first = compile_seccomp_cached(profile, dir_ + "/cache");
  ASSERT_TRUE(first);
  auto second = compile_seccomp_cached(profile, dir_ + "/cache");
  ASSERT_TRUE(second);
  ASSERT_EQ(first->instructions.size(), second->instructions.size());
  EXPECT_EQ(std::memcmp(first->instructions.data(), second->instructions.data(),
                        first->instructions.size() * sizeof(sock_filter)),
            0);
}

TEST_F(SeccompCache, ADifferentProfileIsNotServedFromTheCache) {
  auto allow_mkdir = parse_profile({{"defaultAction", "SCMP_ACT_ERRNO"},
                                    {"syscalls", {{{"names", {"mkdir"}}, {"action", "SCMP_ACT_ALLOW"}}}}});
  auto allow_rmdir = parse_profile({{"defaultAction", "SCMP_ACT_ERRNO"},
                                    {"syscalls", {{{"names", {"rmdir"}}, {"action", "SCMP_ACT_ALLOW"}}}}});
  auto a = compile_seccomp_cached(allow_mkdir, dir_);
  auto b = compile_seccomp_cached(allow_rmdir, dir_);
  ASSERT_TRUE(a && b);
  auto direct = compile_seccomp(allow_rmdir);
  ASSERT_TRUE(direct);
  ASSERT_EQ(b->instructions.size(), direct->instructions.size());
  EXPECT_EQ(std::memcmp(b->instructions.data(), direct->instructions.data(),
                        b->instructions.size() * sizeof(sock_filter)),
            0);
}

TEST_F(SeccompCache, NotifyProgramKeepsItsListenerFlag) {
  auto profile = parse_profile(notify_profile({"SECCOMP_FILTER_FLAG_TSYNC"}));
  auto first = compile_seccomp_cached(profile, dir_);
  auto second = compile_seccomp_cached(profile, dir_);
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(second->has_listener());
  EXPECT_EQ(second->flags, first->flags);
}

TEST_F(SeccompCache, CorruptEntryIsRecompiled) {
  auto profile = parse_profile({{"defaultAction", "SCMP_ACT_ALLOW"},
                                {"syscalls", {{{"names", {"mkdir"}}, {"action", "SCMP_ACT_ERRNO"}}}}});
  ASSERT_TRUE(compile_seccomp_cached(profile, dir_));
  // Overwrite every cache file with junk.
  DIR* dir = ::opendir(dir_.c_str());
  ASSERT_NE(dir, nullptr);
  while (dirent* entry = ::readdir(dir))
    if (entry->d_name[0] != '.') std::ofstream(dir_ + "/" + entry->d_name, std::ios::trunc) << "junk";
  ::closedir(dir);
  auto again = compile_seccomp_cached(profile, dir_);
  ASSERT_TRUE(again);
  auto direct = compile_seccomp(profile);
  ASSERT_TRUE(direct);
  EXPECT_EQ(again->instructions.size(), direct->instructions.size());
}

}  // namespace
}  // namespace ward::security
