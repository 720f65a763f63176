// Each `ward run` flag ward implements, checked by its effect inside the
// container; ward's hardened defaults checked the same way.
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "engine_support.h"

namespace ward::test {
namespace {

using EngineFlags = EngineTest;

// The container's output of `script` (sh -c), run with `flags`; expects
// exit status 0.
#define RUN_OUT(flags, script)                                \
  ([&] {                                                      \
    std::vector<std::string> args = {"run", "--rm"};          \
    std::vector<std::string> extra = flags;                   \
    args.insert(args.end(), extra.begin(), extra.end());      \
    args.insert(args.end(), {"busybox", "sh", "-c", script}); \
    auto outcome = ward(args);                                \
    EXPECT_EQ(outcome.status, 0) << outcome.err;              \
    return outcome.out;                                       \
  }())

using Flags = std::vector<std::string>;

TEST_F(EngineFlags, DefaultsAreHardened) {
  std::string out =
      RUN_OUT(Flags{},
              "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status; "
              "cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max; "
              "touch /sys/x 2>&1 | grep -c Read-only; wc -c < /proc/timer_list; ip link | grep -c '^[0-9]'");
  // SPEC section 3's capability set: no NET_RAW, MKNOD or AUDIT_WRITE.
  EXPECT_NE(out.find("CapEff:\t00000000800405fb"), std::string::npos) << out;
  EXPECT_NE(out.find("NoNewPrivs:\t1"), std::string::npos) << out;
  EXPECT_NE(out.find("Seccomp:\t2"), std::string::npos) << out;
  EXPECT_NE(out.find("2048\n"), std::string::npos) << out;
  // /sys read-only, /proc/timer_list masked, and only loopback.
  EXPECT_NE(out.find("1\n0\n1\n"), std::string::npos) << out;
}

TEST_F(EngineFlags, UserWorkdirEnvEntrypointAndHostname) {
  EXPECT_EQ(RUN_OUT((Flags{"-u", "1000:1000"}), "id -u; id -g"), "1000\n1000\n");
  EXPECT_EQ(RUN_OUT((Flags{"-u", "nobody"}), "id -un"), "nobody\n");
  EXPECT_EQ(RUN_OUT((Flags{"-w", "/tmp"}), "pwd"), "/tmp\n");
  EXPECT_EQ(RUN_OUT((Flags{"-h", "myhost"}), "hostname; cat /etc/hostname"), "myhost\nmyhost\n");
  std::string env_file = dir_ + "/env";
  ASSERT_EQ(run_command({"sh", "-c", "printf '# comment\\nFROM_FILE=yes\\n\\nB=2\\n' > " + env_file}).status, 0);
  EXPECT_EQ(RUN_OUT((Flags{"--env-file", env_file, "-e", "B=3"}), "echo $FROM_FILE $B"), "yes 3\n");
  auto entry = ward({"run", "--rm", "--entrypoint", "echo", "busybox", "from", "entrypoint"});
  EXPECT_EQ(entry.out, "from entrypoint\n") << entry.err;
}

TEST_F(EngineFlags, ReadOnlyTmpfsAndCapabilities) {
  auto read_only = ward({"run", "--rm", "--read-only", "busybox", "touch", "/x"});
  EXPECT_NE(read_only.status, 0);
  EXPECT_NE(read_only.err.find("Read-only"), std::string::npos) << read_only.err;
  EXPECT_EQ(RUN_OUT((Flags{"--read-only", "--tmpfs", "/scratch:size=1m"}), "touch /scratch/x && echo ok"), "ok\n");
  EXPECT_EQ(RUN_OUT((Flags{"--cap-drop", "ALL"}), "grep CapEff /proc/self/status"), "CapEff:\t0000000000000000\n");
  // NET_RAW is not in ward's default set; --cap-add brings it (bit 13).
  EXPECT_EQ(RUN_OUT((Flags{"--cap-drop", "ALL", "--cap-add", "net_raw"}), "grep CapEff /proc/self/status"),
            "CapEff:\t0000000000002000\n");
  auto warned = ward({"run", "--rm", "--cap-add", "SYS_ADMIN", "busybox", "true"});
  EXPECT_NE(warned.err.find("warning: --cap-add SYS_ADMIN"), std::string::npos) << warned.err;
}

TEST_F(EngineFlags, NoNewPrivilegesAndSeccompCanBeLoosenedWithAWarning) {
  std::string out =
      RUN_OUT((Flags{"--security-opt", "no-new-privileges=false", "--security-opt", "seccomp=unconfined"}),
              "grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status");
  EXPECT_EQ(out, "NoNewPrivs:\t0\nSeccomp:\t0\n");
}

TEST_F(EngineFlags, SystempathsUnconfinedUnmasksProcAndSysWithAWarning) {
  // By default /sys/firmware (the host's ACPI tables, memory map, ...) is
  // masked by an empty tmpfs and /proc/sys is read-only; unconfined, the
  // container lists what the host lists there, and /proc/sys is no longer
  // a read-only mount.
  std::size_t host_entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/sys/firmware")) ++host_entries;
  if (host_entries == 0) GTEST_SKIP() << "this host's /sys/firmware is empty";
  const std::string probe = "ls /sys/firmware | wc -l; grep -c ' /proc/sys proc ro,' /proc/mounts || true";
  EXPECT_EQ(RUN_OUT(Flags{}, probe), "0\n1\n");
  auto open = ward({"run", "--rm", "--security-opt", "systempaths=unconfined", "busybox", "sh", "-c", probe});
  EXPECT_EQ(open.status, 0) << open.err;
  EXPECT_EQ(open.out, std::to_string(host_entries) + "\n0\n");
  EXPECT_NE(open.err.find("warning: --security-opt systempaths=unconfined"), std::string::npos) << open.err;
  auto other = ward({"run", "--rm", "--security-opt", "systempaths=confined", "busybox", "true"});
  EXPECT_EQ(other.status, 125);
  EXPECT_NE(other.err.find("--security-opt systempaths=confined: not supported"), std::string::npos) << other.err;
}

TEST_F(EngineFlags, PidsLimitHoldsAForkBomb) {
  auto outcome = ward({"run", "--rm", "--pids-limit", "20", "busybox", "sh", "-c",
                       "(for i in $(seq 40); do sleep 5 & done) 2>/dev/null; "
                       "cat /sys/fs/cgroup/pids/pids.current 2>/dev/null || cat /sys/fs/cgroup/pids.current"});
  EXPECT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_LE(std::stoi(outcome.out), 20) << outcome.out;
}

TEST_F(EngineFlags, MemoryLimitOomKillsWith137AndInspectSaysSo) {
  auto outcome = ward({"run", "--name", "hog", "-m", "32m", "busybox", "sh", "-c",
                       "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived"});
  EXPECT_EQ(outcome.status, 137) << outcome.out << outcome.err;
  auto doc = inspect_container("hog");
  EXPECT_EQ(doc["State"]["OOMKilled"], true);
  EXPECT_EQ(doc["State"]["ExitCode"], 137);
  EXPECT_EQ(doc["HostConfig"]["Memory"], 32 * 1024 * 1024);
}

TEST_F(EngineFlags, NetworkHostSharesTheHostsInterfaces) {
  auto host = ward({"run", "--rm", "--network", "host", "busybox", "sh", "-c", "ip link | grep -c '^[0-9]'"});
  ASSERT_EQ(host.status, 0) << host.err;
  EXPECT_GT(std::stoi(host.out), 1) << host.out;
  EXPECT_NE(host.err.find("warning: --network host"), std::string::npos) << host.err;
  EXPECT_EQ(RUN_OUT((Flags{"--network", "none"}), "ip link | grep -c '^[0-9]'"), "1\n");
}

// A host directory bound with -v keeps Docker's ownership although the
// container runs in its own user namespace: host root's file is container
// root's, and what container root writes belongs to host root (an idmapped
// bind, nothing chowned).
TEST_F(EngineFlags, VolumesKeepDockersOwnershipAndHonourReadOnly) {
  std::string host = dir_ + "/vol";
  ASSERT_EQ(run_command({"sh", "-c", "mkdir " + host + " && echo from-host > " + host + "/h"}).status, 0);
  EXPECT_EQ(RUN_OUT((Flags{"-v", host + ":/data"}), "stat -c '%u %g' /data/h; echo from-container > /data/c"), "0 0\n");
  struct stat st {};
  ASSERT_EQ(::stat((host + "/c").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_gid, 0u);
  auto read_only = ward({"run", "--rm", "-v", host + ":/data:ro", "busybox", "touch", "/data/x"});
  EXPECT_NE(read_only.status, 0);
  EXPECT_NE(read_only.err.find("Read-only"), std::string::npos) << read_only.err;
  EXPECT_EQ(RUN_OUT((Flags{"--mount", "type=bind,source=" + host + ",target=/m,readonly"}), "cat /m/h"), "from-host\n");
  EXPECT_EQ(RUN_OUT((Flags{"--mount", "type=tmpfs,target=/t,tmpfs-size=1m"}), "df -k /t | tail -1 | awk '{print $2}'"),
            "1024\n");
  // -v makes a missing host directory, as Docker's does; --mount refuses.
  EXPECT_EQ(RUN_OUT((Flags{"-v", dir_ + "/made:/made"}), "true"), "");
  EXPECT_EQ(::access((dir_ + "/made").c_str(), F_OK), 0);
  auto missing = ward({"run", "--rm", "--mount", "type=bind,source=" + dir_ + "/none,target=/x", "busybox", "true"});
  EXPECT_EQ(missing.status, 125);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
  // A relative source is a volume name, as Docker's (engine_volumes_test.cc).
  auto relative = ward({"run", "--rm", "-v", "rel/dir:/x", "busybox", "true"});
  EXPECT_EQ(relative.status, 125);
  EXPECT_NE(relative.err.find("invalid characters for a local volume name"), std::string::npos) << relative.err;
  auto sensitive = ward({"run", "--rm", "-v", "/etc:/host-etc:ro", "busybox", "true"});
  EXPECT_EQ(sensitive.status, 0) << sensitive.err;
  EXPECT_NE(sensitive.err.find("warning: --volume /etc:/host-etc:ro"), std::string::npos) << sensitive.err;
  expect_no_container_left();
}

}  // namespace
}  // namespace ward::test
