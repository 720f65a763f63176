// `ward run`'s --device, --device-cgroup-rule, --pid, --ipc and --uts,
// checked inside the container: the device is there and its cgroup rule
// holds; a host namespace is the host's (same inode), and warned.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "engine_support.h"

namespace ward::test {
namespace {

using Flags = std::vector<std::string>;

class EngineFlagsNamespaces : public EngineTest {
 protected:
  Outcome run(const Flags& flags, const std::string& script) {
    std::vector<std::string> args = {"run", "--rm"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {"busybox", "sh", "-c", script});
    return ward(args);
  }
};

std::string host_namespace(const char* type) {
  char target[64] = {};
  std::string link = std::string("/proc/self/ns/") + type;
  EXPECT_GT(::readlink(link.c_str(), target, sizeof(target) - 1), 0);
  return std::string(target) + "\n";
}

TEST_F(EngineFlagsNamespaces, DeviceIsBoundAndItsPermissionsHold) {
  EXPECT_EQ(run_out({"--device", "/dev/zero:/dev/myzero"}, "test -c /dev/myzero && head -c 4 /dev/myzero | wc -c"),
            "4\n");
  EXPECT_EQ(run_out({"--device", "/dev/full:/dev/myfull:rw"}, "{ echo x > /dev/myfull; } 2>&1 | grep -c 'No space'"),
            "1\n");
  // A node of its own (kmsg's numbers, 1:11, in no default rule): open for
  // writing is what the cgroup rule decides (the node is mode 0666).
  std::string node = dir_ + "/kmsg-node";
  ASSERT_EQ(::mknod(node.c_str(), S_IFCHR | 0666, makedev(1, 11)), 0);
  ASSERT_EQ(::chmod(node.c_str(), 0666), 0);
  EXPECT_EQ(run_out({"--device", node + ":/dev/k:w"}, "exec 3>/dev/k && echo opened"), "opened\n");
  auto denied = run({"--device", node + ":/dev/k:r"}, "exec 3>/dev/k && echo opened");
  EXPECT_NE(denied.status, 0);
  EXPECT_NE(denied.err.find("Operation not permitted"), std::string::npos) << denied.err;
  // --device-cgroup-rule adds to what --device allows.
  EXPECT_EQ(
      run_out({"--device", node + ":/dev/k:r", "--device-cgroup-rule", "c 1:11 w"}, "exec 3>/dev/k && echo opened"),
      "opened\n");
  ASSERT_EQ(ward({"create", "--name", "dev", "--device", "/dev/zero:/dev/z:r", "--device-cgroup-rule", "c 1:11 rw",
                  "busybox", "true"})
                .status,
            0);
  auto host = inspect_container("dev")["HostConfig"];
  EXPECT_EQ(host["Devices"], nlohmann::json::parse(
                                 R"([{"PathOnHost":"/dev/zero","PathInContainer":"/dev/z","CgroupPermissions":"r"}])"));
  EXPECT_EQ(host["DeviceCgroupRules"], nlohmann::json::parse(R"(["c 1:11 rw"])"));
  ASSERT_EQ(ward({"rm", "dev"}).status, 0);
  expect_refused({"--device", "/dev/nosuch"}, "--device /dev/nosuch: error gathering device information");
  expect_refused({"--device", "/dev/zero:/dev/z:rwx"}, "--device /dev/zero:/dev/z:rwx: invalid device mode: rwx");
  expect_refused({"--device", "/etc/passwd"}, "--device /etc/passwd: /etc/passwd is not a device");
  expect_refused({"--device-cgroup-rule", "x 1:3 r"}, "--device-cgroup-rule \"x 1:3 r\": invalid device cgroup format");
}

TEST_F(EngineFlagsNamespaces, HostNamespacesAreTheHostsAndWarned) {
  auto pid = run({"--pid", "host"}, "readlink /proc/self/ns/pid; test -d /proc/1 && cat /proc/1/comm");
  ASSERT_EQ(pid.status, 0) << pid.err;
  EXPECT_EQ(pid.out, host_namespace("pid") + read_text("/proc/1/comm"));
  EXPECT_NE(pid.err.find("warning: --pid host"), std::string::npos) << pid.err;
  auto ipc = run({"--ipc", "host"}, "readlink /proc/self/ns/ipc");
  EXPECT_EQ(ipc.out, host_namespace("ipc")) << ipc.err;
  EXPECT_NE(ipc.err.find("warning: --ipc host"), std::string::npos) << ipc.err;
  char hostname[256] = {};
  ASSERT_EQ(::gethostname(hostname, sizeof(hostname) - 1), 0);
  auto uts = run({"--uts", "host"}, "readlink /proc/self/ns/uts; hostname");
  EXPECT_EQ(uts.out, host_namespace("uts") + hostname + "\n") << uts.err;
  EXPECT_NE(uts.err.find("warning: --uts host"), std::string::npos) << uts.err;
  // Their own, by default and with --ipc private/shareable; none has no /dev/shm.
  EXPECT_NE(run_out({"--ipc", "shareable"}, "readlink /proc/self/ns/ipc"), host_namespace("ipc"));
  EXPECT_EQ(run_out({"--ipc", "none"}, "test -e /dev/shm || echo none"), "none\n");
  ASSERT_EQ(ward({"create", "--name", "nss", "--pid", "host", "--ipc", "host", "busybox", "true"}).status, 0);
  auto host = inspect_container("nss")["HostConfig"];
  EXPECT_EQ(host["PidMode"], "host");
  EXPECT_EQ(host["IpcMode"], "host");
  EXPECT_EQ(host["UTSMode"], "");
  ASSERT_EQ(ward({"rm", "nss"}).status, 0);
  expect_refused({"--pid", "container:other"}, "--pid container:other: not supported yet");
  expect_refused({"--ipc", "bogus"}, "--ipc bogus: invalid ipc mode");
  expect_refused({"--uts", "host", "-h", "name"}, "--uts host: conflicting options: hostname and the UTS mode");
  expect_refused({"--ipc", "host", "--sysctl", "kernel.shm_rmid_forced=1"}, "not allowed in the host's IPC namespace");
}

}  // namespace
}  // namespace ward::test
