// ward selftest (docs/SELFTEST.md): the probes run in containers of the
// engine's own, every one blocked under ward's defaults, the listed ones
// through with the protections removed, the "held by" attribution right
// where the layer is certain, and nothing left behind: no container row,
// no directory, no cgroup, no mount, also after an interruption.
#include <signal.h>
#include <sys/stat.h>

#include <dirent.h>

#include <fstream>
#include <set>
#include <sstream>

#include "engine_support.h"

namespace ward::test {
namespace {

// The cgroups under ward's parent (v2 and the v1 controllers).
std::set<std::string> ward_cgroups() {
  std::set<std::string> found;
  for (std::string parent : {"/sys/fs/cgroup/ward", "/sys/fs/cgroup/pids/ward", "/sys/fs/cgroup/memory/ward",
                             "/sys/fs/cgroup/cpu/ward", "/sys/fs/cgroup/freezer/ward"}) {
    DIR* dir = ::opendir(parent.c_str());
    if (dir == nullptr) continue;
    while (auto* entry = ::readdir(dir))
      if (entry->d_type == DT_DIR && entry->d_name[0] != '.') found.insert(parent + "/" + entry->d_name);
    ::closedir(dir);
  }
  return found;
}

// Mounts whose mount point or source is under `dir`.
int mounts_under(const std::string& dir) {
  std::ifstream mountinfo("/proc/self/mountinfo");
  int count = 0;
  for (std::string line; std::getline(mountinfo, line);)
    if (line.find(dir) != std::string::npos) ++count;
  return count;
}

class Selftest : public EngineTest {
 protected:
  // Nothing of the selftest's containers is left: no row, directory or
  // mount, and no cgroup named after one of them (their ids are in the
  // store's events; other tests' containers may run meanwhile under ctest -j2).
  void expect_nothing_left() {
    auto created =
        ward({"events", "--since", "1h", "--until", "0s", "--filter", "event=create", "--format", "{{.Actor.ID}}"});
    EXPECT_EQ(created.status, 0) << created.err;
    std::vector<std::string> ids;
    std::istringstream lines(created.out);
    for (std::string id; std::getline(lines, id);) ids.push_back(id);
    expect_no_container_left(ids);
    for (const auto& id : ids)
      for (const auto& cgroup : ward_cgroups()) EXPECT_EQ(cgroup.find(id), std::string::npos) << cgroup << " was left";
    EXPECT_EQ(mounts_under(dir_), 0);
  }
};

// The probes escapes_test.cc's ProbesWorkWhenProtectionsAreRemoved lists,
// less those `ward run` cannot open on its own: release_agent and
// cgroup_limits need the host's cgroup namespace and a writable cgroupfs
// (no --cgroupns yet), mknod a device cgroup that allows block devices
// (--privileged keeps ward's device rules), and open_by_handle a root
// filesystem that exports file handles (the engine's overlay does not).
const char* const kEscapeUnprotected[] = {
    "proc_sys", "proc_sys_kernel", "mount",  "keyctl",   "bpf",    "perf", "userns",    "raw_socket", "packet_socket",
    "io_uring", "userfaultfd",     "syslog", "kallsyms", "swapon", "acct", "mount_api", "unmask"};

TEST_F(Selftest, JsonReportsEveryProbeBlockedAndWhatHeldIt) {
  auto outcome = ward({"selftest", "--format", "json"});
  ASSERT_EQ(outcome.status, 0) << outcome.err << outcome.out;
  auto document = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(document["passed"], true);
  EXPECT_TRUE(document["escaped"].empty());
  EXPECT_FALSE(document["kernel"].get<std::string>().empty());
  EXPECT_TRUE(document["probe_program"].get<std::string>().ends_with("/ward-probe"));
  std::set<std::string> layers;
  for (const auto& layer : document["layers"]) {
    layers.insert(layer["id"]);
    EXPECT_FALSE(layer["removed_by"].get<std::string>().empty());
  }
  EXPECT_EQ(layers, (std::set<std::string>{"seccomp", "capabilities", "userns"}));
  std::map<std::string, nlohmann::json> probes;
  for (const auto& probe : document["probes"]) probes[probe["name"]] = probe;
  ASSERT_GE(probes.size(), 26u) << outcome.out;
  for (const auto& [name, probe] : probes) {
    EXPECT_EQ(probe["defaults"]["result"], "blocked") << name << ": " << probe.dump();
    EXPECT_NE(probe["title"], name) << name << " has no title in the catalog";
    EXPECT_EQ(probe["without"].size(), 3u) << name;
    EXPECT_EQ(probe["only"].size(), 3u) << name;
    EXPECT_TRUE(probe["enough_alone"].is_array()) << name;
    EXPECT_TRUE(probe["held_by"].is_array()) << name;
  }
  for (const char* name : kEscapeUnprotected)
    EXPECT_EQ(probes[name]["unprotected"]["result"], "escaped") << name << ": " << probes[name].dump();
  // A kernel built without modules or kexec has no call to get through to.
  for (const char* name : {"module", "kexec"}) {
    const auto& unprotected = probes[name]["unprotected"];
    EXPECT_TRUE(unprotected["result"] == "escaped" ||
                unprotected["detail"].get<std::string>().ends_with("ENOSYS (not in this kernel)"))
        << name << ": " << probes[name].dump();
  }
  // pivot_root leaves no way up even with every protection removed.
  EXPECT_EQ(probes["chroot_breakout"]["holding"], "not_reachable");
  // Only seccomp stands between the container and these calls: none needs
  // a capability, and the user namespace does not change that.
  for (const char* name : {"io_uring", "userfaultfd", "keyctl"}) {
    EXPECT_EQ(probes[name]["held_by"], nlohmann::json::array({"seccomp"})) << name << ": " << probes[name].dump();
    EXPECT_EQ(probes[name]["enough_alone"], nlohmann::json::array({"seccomp"})) << name << ": " << probes[name].dump();
    EXPECT_EQ(probes[name]["holding"], "held") << name;
  }
  // The container's network namespace is its user namespace's: with every
  // capability there, raw sockets open; seccomp does not filter socket().
  for (const char* name : {"raw_socket", "packet_socket"}) {
    EXPECT_EQ(probes[name]["held_by"], nlohmann::json::array({"capabilities"})) << name << ": " << probes[name].dump();
    EXPECT_EQ(probes[name]["enough_alone"], nlohmann::json::array({"capabilities"}))
        << name << ": " << probes[name].dump();
  }
  // /proc/sys is read-only and owned by the host's root: no single
  // removal opens it.
  EXPECT_EQ(probes["proc_sys_kernel"]["holding"], "several") << probes["proc_sys_kernel"].dump();
  // ... nor does removing every layer: the read-only /proc/sys holds too,
  // which only --privileged removes.
  EXPECT_EQ(probes["proc_sys_kernel"]["open"], "blocked") << probes["proc_sys_kernel"].dump();
  expect_nothing_left();
}

TEST_F(Selftest, TableAndSarif) {
  auto table = ward({"selftest"});
  ASSERT_EQ(table.status, 0) << table.err << table.out;
  EXPECT_TRUE(table.out.starts_with("PROBE")) << table.out;
  EXPECT_NE(table.out.find("HELD BY"), std::string::npos);
  EXPECT_NE(table.out.find("probes blocked under ward's defaults"), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find('\033'), std::string::npos) << "colour without a terminal";
  EXPECT_EQ(table.err, "");
  // Left out, a probe is in neither output.
  auto sarif = ward({"selftest", "--format", "sarif", "--ignore", "keyctl"});
  ASSERT_EQ(sarif.status, 0) << sarif.err;
  auto document = nlohmann::json::parse(sarif.out);
  EXPECT_EQ(document["version"], "2.1.0");
  EXPECT_TRUE(document["runs"][0]["results"].empty());
  expect_nothing_left();
}

TEST_F(Selftest, BadFlagsAreOneLineNamingThem) {
  struct Case {
    std::vector<std::string> args;
    std::string named;
  };
  for (const auto& c : std::vector<Case>{{{"--bogus"}, "--bogus"},
                                         {{"--format", "xml"}, "--format"},
                                         {{"--ignore", "no_such_probe"}, "no_such_probe"},
                                         {{"extra"}, "extra"}}) {
    std::vector<std::string> args = {"selftest"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto outcome = ward(args);
    EXPECT_EQ(outcome.status, 2) << c.named;
    EXPECT_TRUE(outcome.err.starts_with("ward: selftest: ")) << outcome.err;
    EXPECT_NE(outcome.err.find(c.named), std::string::npos) << outcome.err;
    EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.err;
  }
  // ward-probe itself refuses to run on the host, where unmask would act.
  std::string front = WARD_FRONT_BINARY;
  auto probe = run_command({front.substr(0, front.rfind('/') + 1) + "ward-probe"});
  EXPECT_EQ(probe.status, 2);
  EXPECT_NE(probe.err.find("refusing to run outside a container"), std::string::npos) << probe.err;
  EXPECT_EQ(probe.out, "");
  auto help = ward({"selftest", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_TRUE(help.out.starts_with("usage: ward selftest")) << help.out;
  expect_nothing_left();
}

TEST_F(Selftest, InterruptedSelftestRemovesItsContainer) {
  pid_t pid = start_ward({"selftest"});
  // Interrupted while one of its containers exists.
  // Each container lives a fraction of a second, less than a `ward ps`
  // may take on a loaded machine: its directory in the store is watched.
  bool seen = false;
  for (int i = 0; i < 20000 && !seen; ++i) {
    seen = entries_under(root_ + "/containers") > 0;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(seen) << "no selftest container appeared";
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  EXPECT_EQ(wait_ward(pid), 128 + SIGINT);
  expect_nothing_left();
}

TEST_F(Selftest, RemovesTheContainersOfAKilledSelftest) {
  // A name a selftest whose ward is gone would have left.
  pid_t gone = 4194000;
  ASSERT_NE(::kill(gone, 0), 0);
  auto created = ward({"create", "--name", "ward-selftest-" + std::to_string(gone) + "-defaults", "busybox", "true"});
  ASSERT_EQ(created.status, 0) << created.err;
  ASSERT_EQ(ward({"create", "--name", "mine", "busybox", "true"}).status, 0);
  auto outcome = ward({"selftest", "--format", "json"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(ward({"ps", "-a", "--format", "{{.Names}}"}).out, "mine\n");
}

}  // namespace
}  // namespace ward::test
