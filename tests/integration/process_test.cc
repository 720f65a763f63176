// The process section seen from inside: user, groups, umask, rlimits, the
// five capability sets, no_new_privs, env, cwd, hostname, oomScoreAdj.
#include "support.h"

namespace ward::test {
namespace {

using Process = BundleTest;

TEST_F(Process, UserGroupsAndUmask) {
  config_["process"]["user"] = {{"uid", 1000}, {"gid", 1000}, {"additionalGids", {5, 100}}, {"umask", 23}};
  auto facts = run_checker();
  EXPECT_EQ(facts["uid"], "1000");
  EXPECT_EQ(facts["euid"], "1000");
  EXPECT_EQ(facts["gid"], "1000");
  EXPECT_EQ(facts["Groups"], "5 100");
  EXPECT_EQ(facts["umask"], "0027");
  // HOME comes from the image's /etc/passwd for the user.
  EXPECT_EQ(facts["env.HOME"], "/home/user");
}

TEST_F(Process, RootByDefault) {
  auto facts = run_checker();
  EXPECT_EQ(facts["uid"], "0");
  EXPECT_EQ(facts["gid"], "0");
  EXPECT_EQ(facts["Groups"], "");
  EXPECT_EQ(facts["umask"], "0022");
  EXPECT_EQ(facts["env.HOME"], "/root");
}

TEST_F(Process, Rlimits) {
  config_["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 512}, {"hard", 1000}},
                                   {{"type", "RLIMIT_NPROC"}, {"soft", 77}, {"hard", 88}}};
  auto facts = run_checker();
  EXPECT_EQ(facts["rlimit.nofile"], "512:1000");
  EXPECT_EQ(facts["rlimit.nproc"], "77:88");
}

TEST_F(Process, DefaultCapabilitiesAreSpecSectionThree) {
  auto facts = run_checker();
  // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP
  // NET_BIND_SERVICE SYS_CHROOT SETFCAP
  EXPECT_EQ(facts["CapEff"], "00000000800405fb");
  EXPECT_EQ(facts["CapPrm"], "00000000800405fb");
  EXPECT_EQ(facts["CapBnd"], "00000000800405fb");
  EXPECT_EQ(facts["CapInh"], "0000000000000000");
  EXPECT_EQ(facts["CapAmb"], "0000000000000000");
  EXPECT_EQ(facts["NoNewPrivs"], "1");
}

TEST_F(Process, EachCapabilitySetExactly) {
  config_["process"]["capabilities"] = {
      {"bounding", {"CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"}},
      {"permitted", {"CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"}},
      {"effective", {"CAP_CHOWN"}},
      {"inheritable", {"CAP_KILL", "CAP_NET_RAW"}},
      {"ambient", {"CAP_NET_RAW"}},
  };
  config_["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
  config_["process"]["noNewPrivileges"] = false;
  auto facts = run_checker();
  EXPECT_EQ(facts["CapBnd"], "0000000000002021");
  EXPECT_EQ(facts["CapInh"], "0000000000002020");
  EXPECT_EQ(facts["CapAmb"], "0000000000002000");
  // execve as non-root: permitted/effective become the ambient set.
  EXPECT_EQ(facts["CapPrm"], "0000000000002000");
  EXPECT_EQ(facts["CapEff"], "0000000000002000");
  EXPECT_EQ(facts["NoNewPrivs"], "0");
}

// A capability outside ward-oci's own bounding set cannot be granted:
// `create` says so (as runc's does) and leaves nothing behind, instead of
// the container dying after `start`.  The same config is created when
// ward-oci still holds the capability.
TEST_F(Process, CapabilityOutsideOwnBoundingSetFailsCreate) {
  config_["process"]["capabilities"]["permitted"].push_back("CAP_SYS_NICE");
  config_["process"]["capabilities"]["effective"].push_back("CAP_SYS_NICE");
  config_["process"]["capabilities"]["bounding"].push_back("CAP_SYS_NICE");
  set_args({"true"});
  auto restricted = run_command({"setpriv", "--bounding-set", "-sys_nice", WARD_OCI_BINARY, "--root", root_,
                                 "create", "--bundle", bundle_, "nonice"});
  EXPECT_NE(restricted.status, 0);
  EXPECT_NE(restricted.err.find("process.capabilities.permitted: CAP_SYS_NICE is not in ward-oci's own bounding set"),
            std::string::npos)
      << restricted.err;
  EXPECT_TRUE(state_entries().empty());
  auto allowed = oci({"create", "nice"});
  EXPECT_EQ(allowed.status, 0) << allowed.err;
}

TEST_F(Process, UnknownCapabilityIsAnError) {
  config_["process"]["capabilities"]["bounding"].push_back("CAP_MADE_UP");
  set_args({"true"});
  auto outcome = oci({"run", "badcap"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("CAP_MADE_UP"), std::string::npos) << outcome.err;
}

TEST_F(Process, EnvCwdHostnameDomainnameOom) {
  config_["process"]["env"] = {"PATH=/bin", "HOME=/custom", "WARD_TEST=yes"};
  config_["process"]["cwd"] = "/tmp";
  config_["process"]["oomScoreAdj"] = 500;
  config_["hostname"] = "box";
  config_["domainname"] = "example.test";
  auto facts = run_checker({"sh", "-c", "ward-checker report; echo env.WARD_TEST=$WARD_TEST"});
  EXPECT_EQ(facts["env.HOME"], "/custom");
  EXPECT_EQ(facts["env.WARD_TEST"], "yes");
  EXPECT_EQ(facts["cwd"], "/tmp");
  EXPECT_EQ(facts["hostname"], "box");
  EXPECT_EQ(facts["domainname"], "example.test");
  EXPECT_EQ(facts["oom_score_adj"], "500");
}

TEST_F(Process, OnlyStdioCrossesIntoTheContainer) {
  auto facts = run_checker({"ward-checker", "fds"});
  std::set<std::string> fds;
  for (const auto& [key, value] : facts) fds.insert(key);
  EXPECT_EQ(fds, (std::set<std::string>{"fd.0", "fd.1", "fd.2"}));
}

TEST_F(Process, MissingExecutableNamesIt) {
  set_args({"no-such-program"});
  auto outcome = oci({"run", "noexec"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("no-such-program"), std::string::npos) << outcome.err;
  EXPECT_TRUE(state_entries().empty());
}

}  // namespace
}  // namespace ward::test

namespace ward::test {
namespace {

TEST_F(Process, NewSessionKeyringUnlessAskedNot) {
  // /proc/keys is masked by default; unmask it to look.
  config_["linux"]["maskedPaths"] = nlohmann::json::array();
  set_args({"sh", "-c", "grep -c _ses.keyring-test /proc/keys || true"});
  auto outcome = oci({"run", "keyring-test"});
  EXPECT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "1\n");
  set_args({"sh", "-c", "grep -c _ses.keyring-test2 /proc/keys || true"});
  outcome = oci({"run", "--no-new-keyring", "keyring-test2"});
  EXPECT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "0\n");
}

}  // namespace
}  // namespace ward::test

namespace ward::test {
namespace {

TEST_F(Process, SchedulerIoPriorityAndPersonality) {
  // Without the fields the container inherits the runtime's defaults.
  auto facts = run_checker();
  EXPECT_EQ(facts["sched.policy"], "0");
  EXPECT_EQ(facts["nice"], "0");
  EXPECT_EQ(facts["personality"], "0x0");
  std::string default_ioprio = facts["ioprio"];
  EXPECT_NE(default_ioprio, std::to_string((3 << 13) | 0));

  config_["process"]["scheduler"] = {{"policy", "SCHED_BATCH"}, {"nice", 7}};
  config_["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_IDLE"}, {"priority", 0}};
  config_["linux"]["personality"] = {{"domain", "LINUX32"}};
  facts = run_checker();
  EXPECT_EQ(facts["sched.policy"], "3");  // SCHED_BATCH
  EXPECT_EQ(facts["nice"], "7");
  EXPECT_EQ(facts["ioprio"], std::to_string((3 << 13) | 0));  // IOPRIO_CLASS_IDLE
  EXPECT_EQ(facts["personality"], "0x8");  // PER_LINUX32
}

TEST_F(Process, RealtimeSchedulerAndItsRefusal) {
  config_["process"]["scheduler"] = {{"policy", "SCHED_FIFO"}, {"priority", 10}};
  // Where the kernel groups real-time time by cgroup, a cgroup without a
  // real-time budget refuses SCHED_FIFO: create says which field failed.
  if (exists("/sys/fs/cgroup/cpu/cpu.rt_runtime_us")) {
    set_args({"true"});
    auto refused = oci({"run", "nobudget"});
    EXPECT_NE(refused.status, 0);
    EXPECT_NE(refused.err.find("process.scheduler"), std::string::npos) << refused.err;
    EXPECT_TRUE(state_entries().empty());
    // With a budget (in a cgroup right under the root, whose budget the
    // kernel can share out) the policy takes.
    config_["linux"]["cgroupsPath"] = "/" + dir_.substr(dir_.rfind('/') + 1) + "-rt";
    config_["linux"]["resources"]["cpu"] = {{"realtimeRuntime", 10000}, {"realtimePeriod", 1000000}};
  }
  auto facts = run_checker();
  EXPECT_EQ(facts["sched.policy"], "1");
  EXPECT_EQ(facts["sched.priority"], "10");
  // A deadline the kernel refuses (runtime above the period) fails create
  // with the field's name and leaves nothing behind.
  config_["process"]["scheduler"] = {
      {"policy", "SCHED_DEADLINE"}, {"runtime", 20000000}, {"deadline", 10000000}, {"period", 10000000}};
  save_config();
  auto outcome = oci({"create", "--bundle", bundle_, "dl"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("process.scheduler"), std::string::npos) << outcome.err;
  EXPECT_TRUE(state_entries().empty());
}

TEST_F(Process, ExecGetsItsOwnScheduling) {
  config_["process"]["scheduler"] = {{"policy", "SCHED_BATCH"}, {"nice", 5}};
  set_args({"sleep", "30"});
  ASSERT_EQ(oci({"run", "--detach", "sched"}).status, 0);
  auto exec = oci({"exec", "sched", "ward-checker", "report"});
  ASSERT_EQ(exec.status, 0) << exec.err;
  auto facts = parse_facts(exec.out);
  EXPECT_EQ(facts["sched.policy"], "3");
  EXPECT_EQ(facts["nice"], "5");
}

}  // namespace
}  // namespace ward::test
