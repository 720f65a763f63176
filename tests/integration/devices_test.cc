// The eBPF device controller (cgroup v2) under attack.  On this hybrid host
// every container gets both the v1 devices controller and the eBPF program
// on its unified cgroup; to see what the program alone enforces, a test
// opens the container's v1 devices cgroup wide from the host ("a" to
// devices.allow), so nothing but the program can refuse.  The probe is
// mknod + open of /dev/net/tun (c 10:200): not among the devices a
// container gets, and openable without any capability when allowed.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "support.h"
#include "util/sys.h"

namespace ward::test {
namespace {

class Devices : public BundleTest {
 protected:
  void SetUp() override {
    BundleTest::SetUp();
    for (const char* set : {"bounding", "effective", "permitted"})
      config_["process"]["capabilities"][set].push_back("CAP_MKNOD");
    set_args({"sleep", "60"});
  }

  std::string parent() const { return dir_.substr(dir_.rfind('/') + 1); }
  std::string unified_dir(const std::string& id) const { return "/sys/fs/cgroup/unified/" + parent() + "/" + id; }
  std::string v1_devices_dir(const std::string& id) const {
    return "/sys/fs/cgroup/devices/" + parent() + "/" + id;
  }

  // Leaves only the eBPF program to refuse anything.
  void open_v1_devices(const std::string& id) {
    write_text(v1_devices_dir(id) + "/devices.allow", "a");
    ASSERT_EQ(read_text(v1_devices_dir(id) + "/devices.list"), "a *:* rwm\n");
  }

  std::vector<std::uint32_t> programs(const std::string& dir) {
    auto fd = sys::open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!fd) return {};
    auto ids = sys::bpf_device_programs(fd->get());
    EXPECT_TRUE(ids) << ids.error().what();
    return ids ? *ids : std::vector<std::uint32_t>{};
  }

  // mknod + open of a device inside the running container `id`.
  std::map<std::string, std::string> probe(const std::string& id, const std::string& major,
                                           const std::string& minor) {
    auto outcome = oci({"exec", id, "ward-checker", "device", "c", major, minor, "/dev/probe"});
    EXPECT_EQ(outcome.status, 0) << outcome.err;
    return parse_facts(outcome.out);
  }
};

// True once no program has this id any more (freeing is asynchronous).
bool program_gone(std::uint32_t id) {
  for (int i = 0; i < 200; ++i) {
    auto fd = sys::bpf_program_by_id(id);
    if (!fd && fd.error().code == ENOENT) return true;
    ::usleep(10000);
  }
  return false;
}

TEST_F(Devices, EveryContainerGetsOneProgramOnItsUnifiedCgroup) {
  ASSERT_EQ(oci({"run", "--detach", "one"}).status, 0);
  EXPECT_EQ(programs(unified_dir("one")).size(), 1u);
  // No program fd stays behind in the container.
  auto fds = oci({"exec", "one", "ward-checker", "fds"});
  EXPECT_EQ(fds.out.find("bpf"), std::string::npos) << fds.out;
}

TEST_F(Devices, ProgramAloneRefusesAnUnlistedDevice) {
  ASSERT_EQ(oci({"run", "--detach", "deny"}).status, 0);
  open_v1_devices("deny");
  auto tun = probe("deny", "10", "200");
  EXPECT_EQ(tun["mknod"], "EPERM");
  // A device the container gets still works through the program.
  auto null = probe("deny", "1", "3");
  EXPECT_EQ(null["mknod"], "ok");
  EXPECT_EQ(null["open"], "ok");

  // The same probe with a rule for the device: the program was what refused.
  config_["linux"]["resources"]["devices"] = {
      {{"allow", true}, {"type", "c"}, {"major", 10}, {"minor", 200}, {"access", "rwm"}}};
  save_config();
  ASSERT_EQ(oci({"run", "--detach", "allow"}).status, 0);
  open_v1_devices("allow");
  tun = probe("allow", "10", "200");
  EXPECT_EQ(tun["mknod"], "ok");
  EXPECT_EQ(tun["open"], "ok");
}

TEST_F(Devices, ProgramRefusesAccessTheRuleDoesNotGrant) {
  // mknod only: the node can be made but not opened.
  config_["linux"]["resources"]["devices"] = {
      {{"allow", true}, {"type", "c"}, {"major", 10}, {"minor", 200}, {"access", "m"}}};
  save_config();
  ASSERT_EQ(oci({"run", "--detach", "m"}).status, 0);
  open_v1_devices("m");
  auto tun = probe("m", "10", "200");
  EXPECT_EQ(tun["mknod"], "ok");
  EXPECT_EQ(tun["open"], "EPERM");
}

TEST_F(Devices, UpdateSwapsTheProgramLive) {
  ASSERT_EQ(oci({"run", "--detach", "up"}).status, 0);
  auto before = programs(unified_dir("up"));
  ASSERT_EQ(before.size(), 1u);
  open_v1_devices("up");
  EXPECT_EQ(probe("up", "10", "200")["mknod"], "EPERM");

  write_text(dir_ + "/allow.json",
             R"({"devices": [{"allow": true, "type": "c", "major": 10, "minor": 200, "access": "rwm"}]})");
  auto updated = oci({"update", "--resources", dir_ + "/allow.json", "up"});
  ASSERT_EQ(updated.status, 0) << updated.err;
  auto after = programs(unified_dir("up"));
  ASSERT_EQ(after.size(), 1u);  // replaced, not added
  EXPECT_NE(after, before);
  EXPECT_TRUE(program_gone(before.front()));
  open_v1_devices("up");  // update rewrote the v1 rules too
  auto tun = probe("up", "10", "200");
  EXPECT_EQ(tun["mknod"], "ok");
  EXPECT_EQ(tun["open"], "ok");

  // And back: deny everything but the defaults.
  write_text(dir_ + "/deny.json", R"({"devices": [{"allow": false, "access": "rwm"}]})");
  updated = oci({"update", "--resources", dir_ + "/deny.json", "up"});
  ASSERT_EQ(updated.status, 0) << updated.err;
  EXPECT_EQ(programs(unified_dir("up")).size(), 1u);
  open_v1_devices("up");
  EXPECT_EQ(probe("up", "10", "200")["mknod"], "EPERM");
  EXPECT_EQ(probe("up", "1", "3")["open"], "ok");

  // An update without devices leaves the program alone.
  auto current = programs(unified_dir("up"));
  ASSERT_EQ(oci({"update", "--pids-limit", "100", "up"}).status, 0);
  EXPECT_EQ(programs(unified_dir("up")), current);
}

TEST_F(Devices, DeleteTakesTheProgramAway) {
  ASSERT_EQ(oci({"run", "--detach", "gone"}).status, 0);
  auto ids = programs(unified_dir("gone"));
  ASSERT_EQ(ids.size(), 1u);
  ASSERT_EQ(oci({"delete", "--force", "gone"}).status, 0);
  EXPECT_FALSE(exists(unified_dir("gone")));
  EXPECT_TRUE(program_gone(ids.front()));
}

TEST_F(Devices, RuleThatPunchesAHoleInAWildcardIsRefused) {
  config_["linux"]["resources"]["devices"] = {
      {{"allow", false}, {"access", "rwm"}},
      {{"allow", true}, {"type", "c"}, {"access", "rwm"}},
      {{"allow", false}, {"type", "c"}, {"major", 10}, {"minor", 200}, {"access", "rw"}}};
  save_config();
  auto outcome = oci({"create", "hole"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("linux.resources.devices[2]"), std::string::npos) << outcome.err;
  EXPECT_TRUE(state_entries().empty());
  EXPECT_FALSE(exists(unified_dir("hole")));
}

// A pure cgroup v2 host, as ward-oci sees it from a mount namespace where
// /sys/fs/cgroup is the cgroup2 hierarchy alone: no v1 devices controller
// exists for it, so the program is the only device controller.  (The
// container stays in the test's own v1 cgroups, which allow every device.)
class PureV2Devices : public Devices {
 protected:
  void SetUp() override {
    Devices::SetUp();
    // The per-test parent made here, so ward-oci never delegates controllers
    // from the hierarchy's root (a host-wide change).
    ASSERT_EQ(::mkdir(("/sys/fs/cgroup/unified/" + parent()).c_str(), 0755), 0);
    config_["linux"].erase("resources");  // pids and memory live on v1 here
  }

  // Runs the container in the foreground; `run` deletes it afterwards.
  Outcome run_pure_v2(const std::string& id) {
    config_["linux"]["cgroupsPath"] = "/" + parent() + "/" + id;
    save_config();
    return run_on_pure_v2("exec $W run " + id);
  }
};

TEST_F(PureV2Devices, ProgramIsTheOnlyDeviceController) {
  set_args({"ward-checker", "device", "c", "10", "200", "/dev/probe"});
  auto outcome = run_pure_v2("v2deny");
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(parse_facts(outcome.out)["mknod"], "EPERM") << outcome.out;
  set_args({"ward-checker", "device", "c", "1", "3", "/dev/probe"});
  outcome = run_pure_v2("v2null");
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(parse_facts(outcome.out)["open"], "ok") << outcome.out;

  // Control: with a rule for the device the same probe works.
  config_["linux"]["resources"]["devices"] = {
      {{"allow", true}, {"type", "c"}, {"major", 10}, {"minor", 200}, {"access", "rwm"}}};
  set_args({"ward-checker", "device", "c", "10", "200", "/dev/probe"});
  outcome = run_pure_v2("v2allow");
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto facts = parse_facts(outcome.out);
  EXPECT_EQ(facts["mknod"], "ok") << outcome.out;
  EXPECT_EQ(facts["open"], "ok");
  EXPECT_FALSE(exists(unified_dir("v2allow")));
  EXPECT_TRUE(state_entries().empty());
}

// ward-oci as uid 1000 on a pure v2 host with a delegated cgroup: it cannot
// load a device program, warns, and runs the container anyway (its user
// namespace keeps it from making device nodes), as runc does.  As root the
// same config gets a program: the warning is the unprivileged path only.
TEST_F(PureV2Devices, UnprivilegedRuntimeWarnsAndGoesOnWithoutAProgram) {
  std::string delegated = "/sys/fs/cgroup/unified/" + parent() + "/user";
  ASSERT_EQ(::mkdir(delegated.c_str(), 0755), 0);
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      ::rmdir((dir + "/rl").c_str());
      ::rmdir(dir.c_str());
    }
  } cleanup{delegated};
  for (const char* file : {"", "/cgroup.procs", "/cgroup.subtree_control"})
    ASSERT_EQ(::chown((delegated + file).c_str(), 1000, 1000), 0) << file;
  ASSERT_EQ(::chmod(dir_.c_str(), 0777), 0);
  ASSERT_EQ(::chmod(bundle_.c_str(), 0777), 0);
  ::unlink((bundle_ + "/config.json").c_str());
  ASSERT_EQ(oci({"spec", "--rootless", "--bundle", bundle_}).status, 0);
  config_ = nlohmann::json::parse(read_text(bundle_ + "/config.json"));
  config_["process"]["terminal"] = false;
  config_["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
  config_["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
  config_["linux"]["cgroupsPath"] = "/" + parent() + "/user/rl";
  set_args({"ward-checker", "device", "c", "10", "200", "/dev/probe"});
  // Root moves the shell into the delegated cgroup, then becomes uid 1000.
  std::vector<std::string> argv = {
      "unshare",
      "--mount",
      "--propagation",
      "private",
      "sh",
      "-c",
      "umount -l /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup && echo $$ > \"$1/cgroup.procs\" && "
      "cd \"$0\" && exec setpriv --reuid=1000 --regid=1000 --clear-groups " +
          std::string(WARD_OCI_BINARY) + " --root \"$2\" run rl",
      bundle_,
      "/sys/fs/cgroup/" + parent() + "/user",
      dir_ + "/user-state"};
  auto outcome = run_command(argv);
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_NE(outcome.err.find("no eBPF device program"), std::string::npos) << outcome.err;
  EXPECT_EQ(parse_facts(outcome.out)["mknod"], "EPERM") << outcome.out;

  // The same container started by root: no warning.
  auto as_root = run_pure_v2("root-run");
  ASSERT_EQ(as_root.status, 0) << as_root.err;
  EXPECT_EQ(as_root.err.find("no eBPF device program"), std::string::npos) << as_root.err;
}

}  // namespace
}  // namespace ward::test
