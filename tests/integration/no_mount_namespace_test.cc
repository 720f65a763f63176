// A config without a mount namespace: the container inherits the runtime's
// (runtime-spec), its mounts are made there, only at or below its rootfs,
// "/" is left as it was, and delete (or a failed create) takes every one
// of them away.  Mounts the container left are detached at the end of each
// test even when it fails.
#include <signal.h>
#include <unistd.h>

#include "runtime/shared_mounts.h"
#include "support.h"
#include "util/sys.h"

namespace ward::test {
namespace {


std::string own_ns(const std::string& type) {
  char buffer[128] = {};
  return ::readlink(("/proc/self/ns/" + type).c_str(), buffer, sizeof(buffer) - 1) > 0 ? buffer : "";
}

// Mount points at or below `root` in this process's mount table.
std::vector<std::string> mounts_below(const std::string& root) {
  std::vector<std::string> points;
  for (const auto& mount : sys::parse_mountinfo(host_mounts()))
    if (runtime::at_or_below(mount.mount_point, root)) points.push_back(mount.mount_point);
  return points;
}

std::string root_optional_fields() {
  std::string fields = "<none>";
  for (const auto& mount : sys::parse_mountinfo(host_mounts()))
    if (mount.mount_point == "/") fields = mount.optional_fields;  // the last: the one on top
  return fields;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += item + "\n";
  return out;
}

// Detaches whatever a failing test left at or below the rootfs.
struct DetachLeftovers {
  std::string root;
  ~DetachLeftovers() {
    for (int round = 0; round < 16 && !mounts_below(root).empty(); ++round)
      for (const auto& point : mounts_below(root)) run_command({"umount", "-l", point});
  }
};

class NoMountNamespace : public BundleTest {
 protected:
  void SetUp() override {
    BundleTest::SetUp();
    remove_namespace(config_, "mount");
    write_text(rootfs_ + "/only-in-rootfs", "rootfs-marker\n");
    save_config();
  }
  // Before BundleTest's, which removes the directory only while nothing
  // is mounted in it.
  void TearDown() override {
    for (const auto& id : state_entries()) oci({"delete", "--force", id});
    DetachLeftovers{rootfs_};
    BundleTest::TearDown();
  }
};

// The runtime's mount namespace, the rootfs as "/", and /proc mounted.
TEST_F(NoMountNamespace, SharesTheRuntimesMountNamespaceWithTheRootfsAsRoot) {
  set_args({"sh", "-c",
            "echo mnt=$(readlink /proc/self/ns/mnt); echo marker=$(cat /only-in-rootfs);"
            "echo proc=$(awk '$5==\"/proc\"' /proc/self/mountinfo | grep -c ' - proc ');"
            "echo bundle=$(test -e /config.json -o -e /rootfs && echo visible || echo hidden)"});
  auto outcome = oci({"run", "nomnt"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto facts = parse_facts(outcome.out);
  EXPECT_EQ(facts["mnt"], own_ns("mnt"));
  EXPECT_EQ(facts["marker"], "rootfs-marker");
  EXPECT_EQ(facts["proc"], "1");
  EXPECT_EQ(facts["bundle"], "hidden");
  EXPECT_NE(outcome.err.find("warning: no mount namespace"), std::string::npos) << outcome.err;
  EXPECT_EQ(joined(mounts_below(rootfs_)), "");
  EXPECT_TRUE(state_entries().empty());
}

// "/" keeps its propagation, here where it is shared (a private mount
// namespace of a child, so this host's own "/" is never at stake); the
// container's mounts exist while it does and are gone after delete.
TEST_F(NoMountNamespace, HostRootPropagationUnchangedAndDeleteUnmounts) {
  set_args({"sleep", "60"});
  config_["linux"]["cgroupsPath"] = "/" + dir_.substr(dir_.rfind('/') + 1) + "/prop";
  save_config();
  std::string script =
      "root() { awk '$5==\"/\"' /proc/self/mountinfo | tail -n 1 | sed 's/ - .*//' | cut -d' ' -f7-; };"
      "below() { awk -v r=\"$1\" '$5==r || index($5, r\"/\")==1' /proc/self/mountinfo | wc -l; };"
      "cd " + bundle_ + " && echo before=\"$(root)\";"
      "\"$0\" --root " + root_ + " create prop 2>/dev/null || echo create=failed;"
      "echo during=\"$(root)\"; echo mounts_during=$(below " + rootfs_ + ");"
      "\"$0\" --root " + root_ + " delete --force prop || echo delete=failed;"
      "echo after=\"$(root)\"; echo mounts_after=$(below " + rootfs_ + ")";
  auto outcome = run_command({"unshare", "--mount", "--propagation", "shared", "sh", "-c", script, WARD_OCI_BINARY});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto facts = parse_facts(outcome.out);
  EXPECT_EQ(facts.count("create"), 0u) << outcome.out << outcome.err;
  EXPECT_EQ(facts.count("delete"), 0u) << outcome.out << outcome.err;
  EXPECT_NE(facts["before"].find("shared:"), std::string::npos) << outcome.out;
  EXPECT_EQ(facts["during"], facts["before"]) << outcome.out;
  EXPECT_EQ(facts["after"], facts["before"]) << outcome.out;
  EXPECT_NE(facts["mounts_during"], "0") << outcome.out;
  EXPECT_EQ(facts["mounts_after"], "0") << outcome.out;
}

// In this process's own namespace: created, the mounts are there and "/"
// is as it was; after delete none is left at or below the rootfs.
TEST_F(NoMountNamespace, DeleteLeavesNoMountBelowTheRootfs) {
  std::string before = root_optional_fields();
  std::string host_before = joined(mounts_below(dir_));
  set_args({"sleep", "60"});
  auto created = oci({"create", "c"});
  ASSERT_EQ(created.status, 0) << created.err;
  EXPECT_FALSE(mounts_below(rootfs_).empty());
  EXPECT_EQ(root_optional_fields(), before);
  ASSERT_EQ(oci({"start", "c"}).status, 0);
  auto removed = oci({"delete", "--force", "c"});
  EXPECT_EQ(removed.status, 0) << removed.err;
  EXPECT_EQ(joined(mounts_below(rootfs_)), "");
  EXPECT_EQ(joined(mounts_below(dir_)), host_before);
  EXPECT_EQ(root_optional_fields(), before);
  EXPECT_TRUE(state_entries().empty());
}

// The init killed: its mounts outlive it, and a plain delete removes them.
TEST_F(NoMountNamespace, DeleteAfterTheInitWasKilled) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"create", "k"}).status, 0);
  ASSERT_EQ(oci({"start", "k"}).status, 0);
  int pid = nlohmann::json::parse(oci({"state", "k"}).out)["pid"];
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  for (int i = 0; i < 100 && nlohmann::json::parse(oci({"state", "k"}).out)["status"] != "stopped"; ++i)
    ::usleep(20000);
  EXPECT_FALSE(mounts_below(rootfs_).empty());
  auto removed = oci({"delete", "k"});
  EXPECT_EQ(removed.status, 0) << removed.err;
  EXPECT_EQ(joined(mounts_below(rootfs_)), "");
  EXPECT_TRUE(state_entries().empty());
}

// A create that fails late in the init (a sysctl the kernel does not have,
// written after every mount) leaves no mount and no state entry.
TEST_F(NoMountNamespace, FailedCreateLeavesNoMount) {
  config_["linux"]["sysctl"] = {{"net.ipv4.ward_no_such_sysctl", "1"}};
  set_args({"true"});
  auto outcome = oci({"create", "bad"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("linux.sysctl"), std::string::npos) << outcome.err;
  EXPECT_EQ(joined(mounts_below(rootfs_)), "");
  EXPECT_TRUE(state_entries().empty());
}

// A rootfs that is itself a mount point before create (as an engine's
// overlay is): delete takes away the container's mounts, not that one.
TEST_F(NoMountNamespace, DeleteKeepsAMountThatWasThereBefore) {
  ASSERT_EQ(run_command({"mount", "--bind", rootfs_, rootfs_}).status, 0);
  DetachLeftovers unmount{rootfs_};
  auto before = mounts_below(rootfs_);
  ASSERT_EQ(before.size(), 1u);
  set_args({"true"});
  auto outcome = oci({"run", "kept"});
  EXPECT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(joined(mounts_below(rootfs_)), joined(before));
}

// exec runs in the container's root, not the host's.
TEST_F(NoMountNamespace, ExecRunsInTheRootfs) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"create", "e"}).status, 0);
  ASSERT_EQ(oci({"start", "e"}).status, 0);
  auto exec = oci({"exec", "e", "cat", "/only-in-rootfs"});
  EXPECT_EQ(exec.status, 0) << exec.err;
  EXPECT_EQ(exec.out, "rootfs-marker\n");
  EXPECT_EQ(oci({"delete", "--force", "e"}).status, 0);
  EXPECT_EQ(joined(mounts_below(rootfs_)), "");
}

// A rootfs whose path is a prefix of another's: "/x/rootfs" vs "/x/rootfs2".
TEST(SharedMounts, AtOrBelow) {
  EXPECT_TRUE(runtime::at_or_below("/a/rootfs", "/a/rootfs"));
  EXPECT_TRUE(runtime::at_or_below("/a/rootfs/proc", "/a/rootfs"));
  EXPECT_TRUE(runtime::at_or_below("/a/rootfs/proc", "/a/rootfs/"));
  EXPECT_FALSE(runtime::at_or_below("/a/rootfs2", "/a/rootfs"));
  EXPECT_FALSE(runtime::at_or_below("/a/rootfs2/proc", "/a/rootfs"));
  EXPECT_FALSE(runtime::at_or_below("/a", "/a/rootfs"));
}

}  // namespace
}  // namespace ward::test
