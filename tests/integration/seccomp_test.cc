// linux.seccomp compiled with libseccomp and loaded before exec: actions,
// errnoRet, argument conditions, and the filter's presence in the process.
#include "support.h"

namespace ward::test {
namespace {

using Seccomp = BundleTest;

nlohmann::json rule(std::vector<std::string> names, const std::string& action) {
  return {{"names", names}, {"action", action}};
}

TEST_F(Seccomp, ErrnoRuleRefusesTheCall) {
  config_["root"]["readonly"] = false;
  set_args({"sh", "-c", "mkdir /tmp/d 2>&1; echo status=$?"});
  auto without = oci({"run", "s0"});
  EXPECT_EQ(without.out, "status=0\n");
  config_["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                                 {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
                                 {"syscalls", {rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO")}}};
  set_args({"sh", "-c", "mkdir /tmp/e 2>&1; echo status=$?"});
  auto with = oci({"run", "s1"});
  EXPECT_NE(with.out.find("Operation not permitted"), std::string::npos) << with.out << with.err;
  EXPECT_NE(with.out.find("status=1"), std::string::npos);
}

TEST_F(Seccomp, ErrnoRetAndDefaultErrnoRet) {
  auto custom = rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO");
  custom["errnoRet"] = 28;  // ENOSPC
  config_["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", {custom}}};
  config_["root"]["readonly"] = false;
  set_args({"sh", "-c", "mkdir /tmp/e 2>&1"});
  auto outcome = oci({"run", "s2"});
  EXPECT_NE(outcome.out.find("No space left on device"), std::string::npos) << outcome.out;
}

TEST_F(Seccomp, ArgumentConditions) {
  auto conditional = rule({"personality"}, "SCMP_ACT_ERRNO");
  conditional["args"] = {{{"index", 0}, {"value", 8}, {"op", "SCMP_CMP_EQ"}}};
  config_["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", {conditional}}};
  auto facts = run_checker({"sh", "-c", "ward-checker personality 8; ward-checker personality 0; ward-checker report"});
  EXPECT_EQ(facts["personality 8"], "EPERM");
  EXPECT_EQ(facts["personality 0"], "ok");
  EXPECT_EQ(facts["Seccomp"], "2");  // SECCOMP_MODE_FILTER
}

TEST_F(Seccomp, AllowListWithErrnoDefault) {
  // A deny-by-default profile: only what busybox echo needs.
  config_["linux"]["seccomp"] = {
      {"defaultAction", "SCMP_ACT_ERRNO"},
      {"defaultErrnoRet", 1},
      {"syscalls",
       {rule({"execve", "write", "exit_group", "exit", "brk", "arch_prctl", "set_tid_address", "getuid", "getpid",
              "geteuid", "getppid", "rt_sigaction", "rt_sigprocmask", "uname", "readlink", "set_robust_list",
              "prlimit64", "mmap", "munmap", "rseq", "mprotect", "getrandom", "getcwd", "newfstatat", "fstat",
              "ioctl", "stat", "getgid", "getegid", "wait4", "dup2", "fcntl", "close", "openat", "read",
              "mkdir", "mkdirat"},
             "SCMP_ACT_ALLOW")}}};
  set_args({"sh", "-c", "echo alive; hostname 2>&1"});
  auto outcome = oci({"run", "s3"});
  EXPECT_NE(outcome.out.find("alive"), std::string::npos) << outcome.out << outcome.err;
  // sethostname is not listed: refused with the default errno (EPERM).
  set_args({"hostname", "changed"});
  outcome = oci({"run", "s4"});
  EXPECT_NE(outcome.status, 0);
}

TEST_F(Seccomp, WithoutNoNewPrivileges) {
  config_["process"]["noNewPrivileges"] = false;
  config_["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                                 {"syscalls", {rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO")}}};
  config_["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
  auto facts = run_checker({"sh", "-c", "mkdir /tmp/x 2>/dev/null; echo status=$?; ward-checker report"});
  EXPECT_EQ(facts["status"], "1");
  EXPECT_EQ(facts["Seccomp"], "2");
  EXPECT_EQ(facts["NoNewPrivs"], "0");
  EXPECT_EQ(facts["uid"], "1000");
}

TEST_F(Seccomp, BadProfilesNameTheField) {
  config_["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                                 {"syscalls", {{{"names", {"mkdir"}}, {"action", "SCMP_ACT_BOGUS"}}}}};
  save_config();
  auto outcome = oci({"create", "bad"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("linux.seccomp.syscalls[0].action"), std::string::npos) << outcome.err;
  EXPECT_TRUE(state_entries().empty());
}

}  // namespace
}  // namespace ward::test

namespace ward::test {
namespace {

TEST_F(Seccomp, DefaultProfileRefusesDangerousCalls) {
  // The bundle's config is `ward-oci spec`'s: ward's default profile.
  ASSERT_TRUE(config_["linux"].contains("seccomp"));
  auto facts = run_checker({"ward-checker", "syscalls"});
  for (const char* call : {"keyctl", "add_key", "request_key", "userfaultfd", "perf_event_open", "io_uring_setup",
                           "unshare_user", "unshare_net", "setns"})
    EXPECT_EQ(facts[std::string("sys.") + call], "EPERM") << call;
  // Without the profile the same calls get through to the kernel, which
  // answers them (so the test above cannot pass vacuously).
  config_["linux"].erase("seccomp");
  facts = run_checker({"ward-checker", "syscalls"});
  EXPECT_EQ(facts["sys.keyctl"], "ok");
  EXPECT_EQ(facts["sys.unshare_user"], "ok");
  for (const char* call : {"add_key", "request_key", "userfaultfd", "perf_event_open", "setns"})
    EXPECT_NE(facts[std::string("sys.") + call], "EPERM") << call;
}

TEST_F(Seccomp, DefaultProfileKeepsOrdinaryProgramsWorking) {
  set_args({"sh", "-c", "sleep 0.01 & wait; echo $(( 6 * 7 )) | cat; ls / >/dev/null && echo listed"});
  auto outcome = oci({"run", "ordinary"});
  EXPECT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "42\nlisted\n");
}

}  // namespace
}  // namespace ward::test
