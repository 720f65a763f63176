// Compiling OCI seccomp profiles, ward's default profile, and the cache.
#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "oci/config.h"
#include "oci/seccomp_default.h"
#include "security/seccomp.h"
#include "util/sys.h"

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

class SeccompCache : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/ward-seccomp-cache.XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    dir_ = templ;
  }
  void TearDown() override { (void)sys::remove_all(dir_); }
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
