// `ward run`'s --device, --device-cgroup-rule, --pid, --ipc, --uts and --cgroupns,
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

TEST_F(EngineFlagsNamespaces, CgroupnsHostShowsTheHostsTreeAndIsWarned) {
  // Its own namespace by default (and with private): its cgroup is "/".
  auto own = run_out({}, "readlink /proc/self/ns/cgroup; grep -c ':/ward/' /proc/self/cgroup || true");
  EXPECT_EQ(own.substr(own.find('\n') + 1), "0\n") << own;
  EXPECT_FALSE(own.starts_with(host_namespace("cgroup"))) << own;
  EXPECT_NE(run_out({"--cgroupns", "private"}, "readlink /proc/self/ns/cgroup"), host_namespace("cgroup"));
  // host: the host's namespace, in which it lies under /ward/ID.
  auto host = run({"--name", "cgh", "--cgroupns", "host"},
                  "readlink /proc/self/ns/cgroup; grep -c ':/ward/' /proc/self/cgroup || true");
  EXPECT_EQ(host.status, 0) << host.err;
  EXPECT_TRUE(host.out.starts_with(host_namespace("cgroup"))) << host.out;
  EXPECT_NE(host.out.substr(host.out.find('\n') + 1), "0\n") << host.out;
  EXPECT_NE(host.err.find("warning: --cgroupns host"), std::string::npos) << host.err;
  // Its own cgroup is still the one bound at /sys/fs/cgroup, read-only.
  auto bound = run({"--cgroupns", "host"}, "touch /sys/fs/cgroup/pids/x 2>&1 || echo refused");
  EXPECT_NE(bound.out.find("refused"), std::string::npos) << bound.out;
  expect_refused({"--cgroupns", "shared"}, "--cgroupns shared: invalid cgroupns mode");
  ASSERT_EQ(ward({"create", "--name", "cgns", "--cgroupns", "host", "busybox", "true"}).status, 0);
  EXPECT_EQ(inspect_container("cgns")["HostConfig"]["CgroupnsMode"], "host");
  ASSERT_EQ(ward({"create", "--name", "cgdefault", "busybox", "true"}).status, 0);
  EXPECT_EQ(inspect_container("cgdefault")["HostConfig"]["CgroupnsMode"], "private");
}

TEST_F(EngineFlagsNamespaces, CgroupParentHoldsTheContainersCgroup) {
  // A parent of the test's own, removed afterwards in every hierarchy.
  std::string parent = "ward-test-parent-" + std::to_string(::getpid());
  struct RemoveParent {
    std::string name;
    ~RemoveParent() {
      for (const char* controller :
           {"pids", "memory", "cpu", "cpuacct", "cpu,cpuacct", "freezer", "devices", "blkio", "cpuset", "hugetlb",
            "net_cls", "net_prio", "perf_event", "misc", "rdma", "unified", "systemd"})
        ::rmdir((std::string("/sys/fs/cgroup/") + controller + "/" + name).c_str());
      ::rmdir(("/sys/fs/cgroup/" + name).c_str());
    }
  } remove_parent{parent};
  std::string id =
      run_detached({"--name", "kid", "--cgroup-parent", parent, "--pids-limit", "77", "busybox", "sleep", "30"});
  std::string leaf = "/sys/fs/cgroup/pids/" + parent + "/" + id;
  EXPECT_EQ(read_text(leaf + "/pids.max"), "77\n");
  EXPECT_NE(::access(("/sys/fs/cgroup/pids/ward/" + id).c_str(), F_OK), 0);
  EXPECT_EQ(inspect_container("kid")["HostConfig"]["CgroupParent"], "/" + parent);
  ASSERT_EQ(ward({"rm", "-f", "kid"}).status, 0);
  EXPECT_NE(::access(leaf.c_str(), F_OK), 0);  // the container's cgroup goes with it
  expect_refused({"--cgroup-parent", "a/../b"}, "--cgroup-parent a/../b: invalid path component \"..\"");
  expect_refused({"--cgroup-parent", "user.slice"}, "--cgroup-parent user.slice: systemd slices are not supported");
  expect_refused({"--cgroup-parent", "/"}, "--cgroup-parent /: not a cgroup under the root");
}

}  // namespace
}  // namespace ward::test
