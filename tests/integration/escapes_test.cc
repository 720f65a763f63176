// Every escape probe fails under `ward-oci spec` defaults, as root and as
// uid 1000; with the protections removed the same probes get through, so
// the blocked results cannot be vacuous.
#include <sys/stat.h>

#include "support.h"

namespace ward::test {
namespace {

class Escapes : public BundleTest {
 protected:
  std::map<std::string, std::string> probe() {
    auto facts = run_checker({"ward-checker", "escapes"});
    std::map<std::string, std::string> escapes;
    for (const auto& [key, value] : facts)
      if (key.starts_with("escape.")) escapes[key.substr(7)] = value;
    return escapes;
  }

  // Removes what ward's defaults add: every capability, no seccomp, no
  // masked or read-only paths, writable /sys and cgroups, no NNP, every
  // device allowed, the host's cgroup namespace.
  void remove_protections() {
    nlohmann::json all = nlohmann::json::array();
    for (const char* cap :
         {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
          "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
          "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
          "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
          "CAP_SYS_NICE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
          "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
          "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
          "CAP_CHECKPOINT_RESTORE"})
      all.push_back(cap);
    // (CAP_SYS_RESOURCE is missing from this host's bounding set.)
    config_["process"]["capabilities"] = {{"bounding", all}, {"effective", all}, {"permitted", all}};
    config_["process"]["noNewPrivileges"] = false;
    config_["linux"].erase("seccomp");
    // The device cgroup allows every device; the cgroup namespace is the
    // host's (its root is where release_agent lives).
    config_["linux"]["resources"]["devices"] = {{{"allow", true}, {"access", "rwm"}}};
    remove_namespace(config_, "cgroup");
    config_["linux"]["maskedPaths"] = nlohmann::json::array();
    config_["linux"]["readonlyPaths"] = nlohmann::json::array();
    for (auto& mount : config_["mounts"]) {
      if (mount["destination"] == "/sys" || mount["destination"] == "/sys/fs/cgroup") {
        auto& options = mount["options"];
        for (size_t i = 0; i < options.size(); ++i)
          if (options[i] == "ro") options.erase(i--);
      }
    }
  }
};

TEST_F(Escapes, AllBlockedAsRoot) {
  for (const auto& [name, result] : probe()) EXPECT_TRUE(result.starts_with("blocked")) << name << ": " << result;
}

TEST_F(Escapes, AllBlockedAsUser) {
  config_["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
  for (const auto& [name, result] : probe()) EXPECT_TRUE(result.starts_with("blocked")) << name << ": " << result;
}

TEST_F(Escapes, ProbesWorkWhenProtectionsAreRemoved) {
  remove_protections();
  auto escapes = probe();
  ASSERT_FALSE(escapes.empty());
  // Each of these is stopped by one of the removed protections.
  for (const char* name :
       {"proc_sys",  "proc_sys_kernel", "mount",      "mknod",         "keyctl",         "bpf",
        "perf",      "userns",          "raw_socket", "packet_socket", "open_by_handle", "release_agent",
        "io_uring",  "userfaultfd",     "syslog",     "kallsyms",      "swapon",         "acct",
        "mount_api", "cgroup_limits",   "unmask"})
    EXPECT_TRUE(escapes[name].starts_with("ESCAPED")) << name << ": " << escapes[name];
  // A kernel built without modules or kexec has no call to get through to.
  for (const char* name : {"module", "kexec"})
    EXPECT_TRUE(escapes[name].starts_with("ESCAPED") || escapes[name].ends_with("ENOSYS (not in this kernel)"))
        << name << ": " << escapes[name];
  if (exists("/proc/sysrq-trigger")) {
    EXPECT_TRUE(escapes["sysrq"].starts_with("ESCAPED")) << escapes["sysrq"];
  }
  // pivot_root leaves no way up even with every capability.
  EXPECT_TRUE(escapes["chroot_breakout"].starts_with("blocked")) << escapes["chroot_breakout"];
}

TEST_F(Escapes, ChrootBreakoutBlockedWithoutPivotRoot) {
  // --no-pivot moves the rootfs onto / before chroot, so the classic
  // chroot-in-a-subdirectory climb finds no parent to reach either.
  set_args({"ward-checker", "escapes"});
  auto outcome = oci({"run", "--no-pivot", "nopivot"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto facts = parse_facts(outcome.out);
  EXPECT_TRUE(facts["escape.chroot_breakout"].starts_with("blocked")) << facts["escape.chroot_breakout"];
}

}  // namespace
}  // namespace ward::test

namespace ward::test {
namespace {

TEST_F(Escapes, SetuidBinaryDoesNotRaisePrivileges) {
  ASSERT_EQ(run_command({"cp", rootfs_ + "/bin/ward-checker", rootfs_ + "/bin/suid-checker"}).status, 0);
  ASSERT_EQ(::chmod((rootfs_ + "/bin/suid-checker").c_str(), 04755), 0);
  config_["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
  auto facts = run_checker({"suid-checker", "report"});
  EXPECT_EQ(facts["euid"], "1000");
  // Without no_new_privs the same binary does become root.
  config_["process"]["noNewPrivileges"] = false;
  facts = run_checker({"suid-checker", "report"});
  EXPECT_EQ(facts["euid"], "0");
}

}  // namespace
}  // namespace ward::test

namespace ward::test {
namespace {

TEST_F(Escapes, CwdThroughProcSelfFdIsRefused) {
  // CVE-2024-21626: a cwd reaching a leaked host fd through /proc/self/fd.
  for (const char* cwd : {"/proc/self/fd/3", "/proc/self/fd/4", "/proc/self/cwd", "/proc/1/root/.."}) {
    config_["process"]["cwd"] = cwd;
    set_args({"sh", "-c", "pwd; ls"});
    auto outcome = oci({"run", "cwd"});
    EXPECT_NE(outcome.status, 0) << cwd << ": " << outcome.out;
    EXPECT_NE(outcome.err.find("process.cwd"), std::string::npos) << cwd << ": " << outcome.err;
    EXPECT_TRUE(state_entries().empty()) << cwd;
  }
}

}  // namespace
}  // namespace ward::test

namespace ward::test {
namespace {

TEST_F(Escapes, PingWorksWithoutRawSockets) {
  // SPEC section 3: no CAP_NET_RAW, yet ping works, through ICMP datagram
  // sockets that net.ipv4.ping_group_range grants every group.
  for (int uid : {0, 1000}) {
    config_["process"]["user"] = {{"uid", uid}, {"gid", uid}};
    EXPECT_EQ(run_checker({"ward-checker", "ping-socket"})["ping_socket"], "ok") << "uid " << uid;
  }
  // The kernel's default range ("1 0") grants nobody.
  config_["linux"].erase("sysctl");
  EXPECT_EQ(run_checker({"ward-checker", "ping-socket"})["ping_socket"], "EACCES");
}

}  // namespace
}  // namespace ward::test
