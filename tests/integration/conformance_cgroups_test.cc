// config-linux.md "Control groups": the values of linux.resources land in
// the files of the container's cgroups, for an absolute cgroupsPath (taken
// from the hierarchy's root) and a relative one (taken under the runtime's
// own cgroup), and delete removes what create made.  Read from the host,
// on this machine's hybrid layout (v1 controllers, hugetlb-only cgroup2).
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "support.h"

namespace ward::test {
namespace {

class ConformanceCgroups : public BundleTest {
 protected:
  void TearDown() override {
    BundleTest::TearDown();
    // Whatever a failing test left of its paths, deepest first.
    for (auto it = made_.rbegin(); it != made_.rend(); ++it) ::rmdir(it->c_str());
  }

  // This process's cgroup in the v1 hierarchy of `controller` (or, for
  // "unified", in cgroup2); ward-oci, started by the test, resolves a
  // relative cgroupsPath under it.
  static std::string own_cgroup(const std::string& controller) {
    std::istringstream lines(read_text("/proc/self/cgroup"));
    std::string line;
    while (std::getline(lines, line)) {
      auto first = line.find(':'), second = line.find(':', first + 1);
      std::string controllers = line.substr(first + 1, second - first - 1);
      if (controller == "unified" && line.starts_with("0::")) return line.substr(second + 1);
      std::istringstream names(controllers);
      std::string name;
      while (std::getline(names, name, ','))
        if (name == controller) return line.substr(second + 1);
    }
    return "/";
  }

  // The host directory of the container's cgroup for `controller`.
  std::string host_dir(const std::string& controller, bool relative) {
    std::string base = relative ? own_cgroup(controller) : "/";
    if (base.back() != '/') base += '/';
    std::string dir = "/sys/fs/cgroup/" + controller + base + path_;
    made_.push_back(dir.substr(0, dir.rfind('/')));
    made_.push_back(dir);
    return dir;
  }

  // Creates container "cg" with the given resources at an absolute or
  // relative cgroupsPath and checks `files` (controller, file, expected
  // line) on the host; delete must then remove every one of them.
  void check(const nlohmann::json& resources, bool relative,
             const std::vector<std::tuple<std::string, std::string, std::string>>& files) {
    path_ = "ward-conf-" + dir_.substr(dir_.rfind('.') + 1) + "/cg";
    config_["linux"]["cgroupsPath"] = relative ? path_ : "/" + path_;
    config_["linux"]["resources"] = resources;
    set_args({"sleep", "60"});
    auto created = oci({"create", "cg"});
    ASSERT_EQ(created.status, 0) << created.err;
    std::vector<std::string> dirs;
    for (const auto& [controller, file, expected] : files) {
      std::string dir = host_dir(controller, relative);
      dirs.push_back(dir);
      std::string text = read_text(dir + "/" + file);
      EXPECT_NE(text.find(expected), std::string::npos) << dir << "/" << file << ": " << text;
    }
    ASSERT_EQ(oci({"delete", "--force", "cg"}).status, 0);
    for (const auto& dir : dirs) EXPECT_FALSE(exists(dir)) << dir;
  }

  std::string path_;
  std::vector<std::string> made_;
};

nlohmann::json pids() { return {{"pids", {{"limit", 1000}}}}; }
nlohmann::json memory() {
  return {{"memory", {{"limit", 52428800}, {"reservation", 26214400}, {"swap", 104857600}, {"swappiness", 50}, {"disableOOMKiller", false}}}};
}
nlohmann::json cpus() {
  return {{"cpu", {{"shares", 512}, {"quota", 20000}, {"period", 100000}, {"cpus", "0"}, {"mems", "0"}}}};
}
// This host's blkio has no weight files (no BFQ/CFQ weights), so the
// throttles of the root disk (254:0, vda) are what can be written.
nlohmann::json blkio() {
  return {{"blockIO",
           {{"throttleReadBpsDevice", {{{"major", 254}, {"minor", 0}, {"rate", 102400}}}},
            {"throttleWriteIOPSDevice", {{{"major", 254}, {"minor", 0}, {"rate", 300}}}}}}};
}
nlohmann::json hugetlb() { return {{"hugepageLimits", {{{"pageSize", "2MB"}, {"limit", 56623104}}}}}; }
nlohmann::json devices() {
  return {{"devices", {{{"allow", false}, {"access", "rwm"}}, {{"allow", true}, {"type", "c"}, {"major", 1},
                                                                {"minor", 3}, {"access", "rwm"}}}}};
}

const std::vector<std::tuple<std::string, std::string, std::string>> kPidsFiles = {{"pids", "pids.max", "1000\n"}};
const std::vector<std::tuple<std::string, std::string, std::string>> kMemoryFiles = {
    {"memory", "memory.limit_in_bytes", "52428800\n"},
    {"memory", "memory.soft_limit_in_bytes", "26214400\n"},
    {"memory", "memory.memsw.limit_in_bytes", "104857600\n"},
    {"memory", "memory.swappiness", "50\n"},
    {"memory", "memory.oom_control", "oom_kill_disable 0\n"}};
const std::vector<std::tuple<std::string, std::string, std::string>> kCpuFiles = {
    {"cpu", "cpu.shares", "512\n"},
    {"cpu", "cpu.cfs_quota_us", "20000\n"},
    {"cpu", "cpu.cfs_period_us", "100000\n"},
    {"cpuset", "cpuset.cpus", "0\n"},
    {"cpuset", "cpuset.mems", "0\n"}};
const std::vector<std::tuple<std::string, std::string, std::string>> kBlkioFiles = {
    {"blkio", "blkio.throttle.read_bps_device", "254:0 102400\n"},
    {"blkio", "blkio.throttle.write_iops_device", "254:0 300\n"}};
// This hybrid host has hugetlb on cgroup2, as hugetlb.<size>.max, unless a
// v1 hierarchy holds it (bench/lifecycle mounts one for crun while it runs).
std::vector<std::tuple<std::string, std::string, std::string>> hugetlb_files() {
  if (!hugetlb_on_cgroup2()) return {{"hugetlb", "hugetlb.2MB.limit_in_bytes", "56623104\n"}};
  return {{"unified", "hugetlb.2MB.max", "56623104\n"}};
}
// The deny-all rule is first, then the allowed devices: no "a *:* rwm".
const std::vector<std::tuple<std::string, std::string, std::string>> kDevicesFiles = {
    {"devices", "devices.list", "c 1:3 rwm\n"}};

TEST_F(ConformanceCgroups, PidsAbsolute) { check(pids(), false, kPidsFiles); }
TEST_F(ConformanceCgroups, PidsRelative) { check(pids(), true, kPidsFiles); }
TEST_F(ConformanceCgroups, MemoryAbsolute) { check(memory(), false, kMemoryFiles); }
TEST_F(ConformanceCgroups, MemoryRelative) { check(memory(), true, kMemoryFiles); }
TEST_F(ConformanceCgroups, CpusAbsolute) { check(cpus(), false, kCpuFiles); }
TEST_F(ConformanceCgroups, CpusRelative) { check(cpus(), true, kCpuFiles); }
TEST_F(ConformanceCgroups, BlkioAbsolute) { check(blkio(), false, kBlkioFiles); }
TEST_F(ConformanceCgroups, BlkioRelative) { check(blkio(), true, kBlkioFiles); }
TEST_F(ConformanceCgroups, HugetlbAbsolute) { check(hugetlb(), false, hugetlb_files()); }
TEST_F(ConformanceCgroups, HugetlbRelative) { check(hugetlb(), true, hugetlb_files()); }
TEST_F(ConformanceCgroups, DevicesAbsolute) { check(devices(), false, kDevicesFiles); }
TEST_F(ConformanceCgroups, DevicesRelative) { check(devices(), true, kDevicesFiles); }

// The deny-all rule took effect: the list holds no wildcard entry.
TEST_F(ConformanceCgroups, DevicesListHasNoWildcardAfterADenyAll) {
  path_ = "ward-conf-" + dir_.substr(dir_.rfind('.') + 1) + "/cg";
  config_["linux"]["cgroupsPath"] = "/" + path_;
  config_["linux"]["resources"] = devices();
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"create", "cg"}).status, 0);
  std::string list = read_text(host_dir("devices", false) + "/devices.list");
  EXPECT_EQ(list.find("a *:* rwm"), std::string::npos) << list;
  EXPECT_NE(list.find("c 1:3 rwm"), std::string::npos) << list;
  EXPECT_EQ(oci({"delete", "--force", "cg"}).status, 0);
}

// No net_cls or net_prio hierarchy is mounted on this host: a
// linux.resources.network section cannot be applied, and create says so
// instead of ignoring it, leaving nothing behind.
TEST_F(ConformanceCgroups, NetworkWithoutItsControllersIsAClearError) {
  if (exists("/sys/fs/cgroup/net_cls") || exists("/sys/fs/cgroup/net_prio"))
    GTEST_SKIP() << "net_cls/net_prio mounted: this test is for hosts without them";
  config_["linux"]["resources"] = {{"network", {{"classID", 1048577}}}};
  set_args({"true"});
  auto outcome = oci({"create", "net"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("network.classID"), std::string::npos) << outcome.err;
  EXPECT_TRUE(state_entries().empty());
}

// net_cls is bound to no hierarchy: its line in /proc/cgroups says 0.
bool net_cls_unbound() {
  std::istringstream lines(read_text("/proc/cgroups"));
  std::string name, hierarchy;
  while (lines >> name >> hierarchy) {
    if (name == "net_cls") return hierarchy == "0";
    std::string rest;
    std::getline(lines, rest);
  }
  return true;
}

// A v1 hierarchy outlives its last mount while a dying cgroup still holds
// it, and a hierarchy listed in /proc/PID/cgroup but mounted nowhere breaks
// containerd's and Docker's stats: mount it again at `mnt`, empty it and
// unmount it until the kernel lets it go.
void release_net_hierarchy(const std::string& mnt) {
  std::string again = "mount --make-rprivate / && mount -t cgroup -o net_cls,net_prio ward-test-net " + mnt +
                      " && { find " + mnt + " -mindepth 1 -depth -type d -exec rmdir {} \\; ; umount " + mnt + "; }";
  for (int i = 0; i < 50 && !net_cls_unbound(); ++i) {
    run_command({"unshare", "-m", "sh", "-c", again});
    ::usleep(100 * 1000);
  }
}

// linux_cgroups_network: with net_cls and net_prio mounted, classID and
// priorities land in net_cls.classid and net_prio.ifpriomap, and delete
// removes the cgroup.  This host mounts neither, so the test mounts a
// net_cls,net_prio hierarchy in a private mount namespace (found through
// mountinfo like any other) and runs ward-oci there; the hierarchy goes
// away with its last cgroup once the namespace ends.
// In the new hierarchy every process sits in its root, so a relative
// cgroupsPath lands at the same place as the absolute one.
class ConformanceCgroupsNetwork : public ConformanceCgroups {
 protected:
  void check_network(bool relative);
};

void ConformanceCgroupsNetwork::check_network(bool relative) {
  if (exists("/sys/fs/cgroup/net_cls") || exists("/sys/fs/cgroup/net_prio"))
    GTEST_SKIP() << "net_cls/net_prio already mounted by the host";
  CgroupLayoutLock layout_lock(true);  // released last, after the hierarchy
  std::string parent = "ward-conf-" + dir_.substr(dir_.rfind('.') + 1);
  config_["linux"]["cgroupsPath"] = (relative ? "" : "/") + parent + "/net";
  config_["linux"]["resources"] = {
      {"network", {{"classID", 1048577}, {"priorities", {{{"name", "lo"}, {"priority", 7}}}}}}};
  set_args({"sleep", "60"});
  save_config();
  std::string mnt = dir_ + "/netcls";
  ASSERT_EQ(::mkdir(mnt.c_str(), 0700), 0);
  std::string hierarchy = mnt + "/net_cls,net_prio";
  std::string cgroup = hierarchy + "/" + parent + "/net";
  std::string oci = std::string(WARD_OCI_BINARY) + " --root " + root_;
  std::string script =
      "set -e\n"
      "mount --make-rprivate /\n"
      "mount -t tmpfs ward-test " + mnt + "\n"
      "mkdir " + hierarchy + "\n"
      "mount -t cgroup -o net_cls,net_prio ward-test-net " + hierarchy + "\n"
      "trap 'set +e; " + oci + " delete --force net >/dev/null 2>&1; rmdir " + cgroup + " " + hierarchy + "/" + parent +
      " 2>/dev/null; true' EXIT\n"
      "cd " + bundle_ + "\n" + oci + " create net\n"
      "echo classid=$(cat " + cgroup + "/net_cls.classid)\n"
      "echo prio=$(grep '^lo ' " + cgroup + "/net_prio.ifpriomap)\n"
      "echo pid_in=$(grep -c \"^$(" + oci + " state net | sed -n 's/.*\"pid\": *\\([0-9]*\\).*/\\1/p')$\" " + cgroup +
      "/cgroup.procs)\n" + oci + " delete --force net\n"
      "test -e " + cgroup + " && echo left=yes || echo left=no\n";
  struct Release {
    std::string mnt;
    ~Release() { release_net_hierarchy(mnt); }
  } release{mnt};
  auto outcome = run_command({"unshare", "-m", "sh", "-c", script});
  ASSERT_EQ(outcome.status, 0) << outcome.err << outcome.out;
  auto facts = parse_facts(outcome.out);
  EXPECT_EQ(facts["classid"], "1048577") << outcome.out;
  EXPECT_EQ(facts["prio"], "lo 7") << outcome.out;
  EXPECT_EQ(facts["pid_in"], "1") << outcome.out;
  EXPECT_EQ(facts["left"], "no") << outcome.out;
  EXPECT_TRUE(state_entries().empty());
  release_net_hierarchy(mnt);
  EXPECT_TRUE(net_cls_unbound()) << "the test's net_cls,net_prio hierarchy outlived the test";
}

TEST_F(ConformanceCgroupsNetwork, ClassIdAndPrioritiesAbsolute) { check_network(false); }
TEST_F(ConformanceCgroupsNetwork, ClassIdAndPrioritiesRelative) { check_network(true); }

}  // namespace
}  // namespace ward::test
