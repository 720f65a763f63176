// ward-oci run by an unprivileged user: `spec --rootless` gives a config
// that works with a user namespace mapping the user to root; ranges from
// /etc/subuid and /etc/subgid map through newuidmap/newgidmap; cgroups the
// user may not make are skipped with a notice unless the config asks for
// limits.
#include <fcntl.h>
#include <signal.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "support.h"

namespace ward::test {
namespace {

class Rootless : public BundleTest {
 protected:
  // ward-oci as uid/gid 1000, from the bundle directory.
  Outcome as_user(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"setpriv", "--reuid=1000", "--regid=1000", "--clear-groups",
                                     WARD_OCI_BINARY, "--root", dir_ + "/user-state"};
    argv.insert(argv.end(), args.begin(), args.end());
    char cwd[4096];
    (void)!::getcwd(cwd, sizeof(cwd));
    (void)!::chdir(bundle_.c_str());
    Outcome outcome = run_command(argv);
    (void)!::chdir(cwd);
    return outcome;
  }
  void TearDown() override {
    for (const char* id : {"rl", "rl2"}) as_user({"delete", "--force", id});
    BundleTest::TearDown();
  }
  // config_ becomes what `spec --rootless` gives uid 1000, without a
  // terminal; the state root and bundle are opened to that user.
  void rootless_config() {
    ::unlink((bundle_ + "/config.json").c_str());
    ASSERT_EQ(::chmod(bundle_.c_str(), 0777), 0);
    ASSERT_EQ(::chmod(dir_.c_str(), 0777), 0);
    auto spec = as_user({"spec", "--rootless"});
    ASSERT_EQ(spec.status, 0) << spec.err;
    config_ = nlohmann::json::parse(read_text(bundle_ + "/config.json"));
    config_["process"]["terminal"] = false;
    save_config();
  }
  // Root inside mapped to uid 1000, container ids 1.. to the subordinate
  // range 200000.. that SubordinateIds grants uid 1000.
  void map_subordinate_ids(std::uint32_t host_start = 200000, std::uint32_t size = 65536) {
    for (const char* key : {"uidMappings", "gidMappings"})
      config_["linux"][key] = nlohmann::json::array(
          {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}},
           {{"containerID", 1}, {"hostID", host_start}, {"size", size}}});
    save_config();
  }
  std::vector<std::string> user_state_entries() {
    auto listed = run_command({"ls", "-A", dir_ + "/user-state"});
    std::vector<std::string> entries;
    std::istringstream lines(listed.out);
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) entries.push_back(line);
    return entries;
  }
};

// A file's exact content, or that it did not exist, restored on demand.
class SavedFile {
 public:
  explicit SavedFile(std::string path) : path_(std::move(path)) {
    struct stat st;
    existed_ = ::stat(path_.c_str(), &st) == 0;
    if (existed_) text_ = read_text(path_);
  }
  void restore() const {
    if (!existed_) {
      ::unlink(path_.c_str());
      return;
    }
    // Rewritten in place, so its owner and mode stay as they were.
    int fd = ::open(path_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) return;
    (void)!::write(fd, text_.data(), text_.size());
    ::close(fd);
  }
  const std::string& text() const { return text_; }

 private:
  std::string path_;
  bool existed_ = false;
  std::string text_;
};

// uid 1000 holds the subordinate ids 200000-265535 (uids and gids) for the
// test's length; the host's /etc/subuid and /etc/subgid are put back
// exactly as they were in TearDown, pass or fail.
class SubordinateIds : public Rootless {
 protected:
  void SetUp() override {
    Rootless::SetUp();
    if (::access("/usr/bin/newuidmap", X_OK) != 0 || ::access("/usr/bin/newgidmap", X_OK) != 0)
      GTEST_SKIP() << "newuidmap/newgidmap not installed (package uidmap; scripts/install-deps)";
    // By name, as useradd writes it (ward and newuidmap also match a uid).
    const passwd* user = ::getpwuid(1000);
    std::string owner = user != nullptr ? user->pw_name : "1000";
    for (auto* saved : {&subuid_, &subgid_}) {
      std::string text = saved->text();
      if (!text.empty() && !text.ends_with('\n')) text += '\n';
      write_text(saved == &subuid_ ? "/etc/subuid" : "/etc/subgid", text + owner + ":200000:65536\n");
    }
  }
  void TearDown() override {
    Rootless::TearDown();
    subuid_.restore();
    subgid_.restore();
  }
  SubordinateIdFilesLock lock_;  // first: held while the files are saved, edited and restored
  SavedFile subuid_{"/etc/subuid"};
  SavedFile subgid_{"/etc/subgid"};
};

TEST_F(Rootless, SpecRootlessRunsAsAnUnprivilegedUser) {
  ::unlink((bundle_ + "/config.json").c_str());
  ASSERT_EQ(::chmod(bundle_.c_str(), 0777), 0);
  ASSERT_EQ(::chmod(dir_.c_str(), 0777), 0);
  auto spec = as_user({"spec", "--rootless"});
  ASSERT_EQ(spec.status, 0) << spec.err;
  config_ = nlohmann::json::parse(read_text(bundle_ + "/config.json"));
  EXPECT_EQ(config_["linux"]["uidMappings"][0]["hostID"], 1000);
  config_["process"]["terminal"] = false;
  set_args({"sh", "-c", "ward-checker report; echo uid_map=$(cat /proc/self/uid_map | tr -s ' ')"});
  auto outcome = as_user({"run", "rl"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto facts = parse_facts(outcome.out);
  EXPECT_EQ(facts["uid"], "0");
  EXPECT_EQ(facts["uid_map"], " 0 1000 1");
  EXPECT_EQ(facts["NoNewPrivs"], "1");
  EXPECT_EQ(facts["Seccomp"], "2");
}

TEST_F(Rootless, UnprivilegedUserCannotUseTheRootConfig) {
  // Without a user namespace an unprivileged user cannot create the
  // namespaces: a clear error, nothing left behind.
  ASSERT_EQ(::chmod(dir_.c_str(), 0777), 0);
  set_args({"true"});
  auto outcome = as_user({"run", "rl2"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_TRUE(outcome.err.starts_with("ward-oci: ")) << outcome.err;
  EXPECT_TRUE(processes_mentioning(dir_ + "/user-state").empty());
}

TEST_F(SubordinateIds, RangesMapThroughNewuidmap) {
  ASSERT_NO_FATAL_FAILURE(rootless_config());
  map_subordinate_ids();
  // A host directory the container's uid 1000 (host 200999) writes into,
  // on a directory the rootfs has (the user cannot make one there).
  std::string shared = dir_ + "/shared";
  ASSERT_EQ(::mkdir(shared.c_str(), 0777), 0);
  ASSERT_EQ(::chmod(shared.c_str(), 0777), 0);
  add_mount("/home/user", "bind", shared, {"rbind", "rw"});
  config_["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
  set_args({"sh", "-c",
            "echo uid_map=$(tr -s ' ' < /proc/self/uid_map | tr '\\n' ,); "
            "echo gid_map=$(tr -s ' ' < /proc/self/gid_map | tr '\\n' ,); "
            "echo id=$(id -u):$(id -g); touch /home/user/made-by-1000"});
  auto outcome = as_user({"run", "rl"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto facts = parse_facts(outcome.out);
  EXPECT_EQ(facts["uid_map"], " 0 1000 1, 1 200000 65536,");
  EXPECT_EQ(facts["gid_map"], " 0 1000 1, 1 200000 65536,");
  EXPECT_EQ(facts["id"], "1000:1000");
  struct stat st;
  ASSERT_EQ(::stat((shared + "/made-by-1000").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 200999u);
  EXPECT_EQ(st.st_gid, 200999u);
}

TEST_F(SubordinateIds, ContainerUserHasTheSubordinateHostUid) {
  ASSERT_NO_FATAL_FAILURE(rootless_config());
  map_subordinate_ids();
  config_["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
  set_args({"sleep", "60"});
  auto created = as_user({"create", "rl"});
  ASSERT_EQ(created.status, 0) << created.err;
  auto started = as_user({"start", "rl"});
  ASSERT_EQ(started.status, 0) << started.err;
  auto state = as_user({"state", "rl"});
  ASSERT_EQ(state.status, 0) << state.err;
  int pid = nlohmann::json::parse(state.out)["pid"];
  std::string status_text = read_text("/proc/" + std::to_string(pid) + "/status");
  EXPECT_NE(status_text.find("\nUid:\t200999\t200999\t200999\t200999\n"), std::string::npos) << status_text;
  EXPECT_NE(status_text.find("\nGid:\t200999\t200999\t200999\t200999\n"), std::string::npos) << status_text;
}

TEST_F(SubordinateIds, RangeOutsideSubuidIsRefusedBeforeAnythingExists) {
  ASSERT_NO_FATAL_FAILURE(rootless_config());
  map_subordinate_ids(200000, 65537);  // one id past the grant
  set_args({"true"});
  auto outcome = as_user({"run", "rl"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_TRUE(outcome.err.starts_with("ward-oci: linux.uidMappings[1]: host uids 200000-265536 are not subordinate "
                                      "uids of "))
      << outcome.err;
  EXPECT_NE(outcome.err.find("/etc/subuid grants it 200000-265535"), std::string::npos) << outcome.err;
  EXPECT_TRUE(user_state_entries().empty());
  EXPECT_TRUE(processes_mentioning(dir_ + "/user-state").empty());
}

TEST_F(SubordinateIds, GidRangeOutsideSubgidIsRefused) {
  ASSERT_NO_FATAL_FAILURE(rootless_config());
  map_subordinate_ids();
  config_["linux"]["gidMappings"][1]["hostID"] = 100000;
  set_args({"true"});
  auto outcome = as_user({"run", "rl"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_TRUE(outcome.err.starts_with("ward-oci: linux.gidMappings[1]: host gids 100000-165535")) << outcome.err;
  EXPECT_TRUE(user_state_entries().empty());
}

TEST_F(SubordinateIds, HelperErrorsNameTheField) {
  // Within the grant, so ward's own check passes, but two mappings share
  // host ids: the kernel refuses the map newuidmap writes.
  ASSERT_NO_FATAL_FAILURE(rootless_config());
  map_subordinate_ids();
  config_["linux"]["uidMappings"].push_back({{"containerID", 70000}, {"hostID", 200000}, {"size", 10}});
  set_args({"true"});
  auto outcome = as_user({"run", "rl"});
  EXPECT_NE(outcome.status, 0);
  // After the notice about cgroups: the one error line.
  EXPECT_NE(outcome.err.find("\nward-oci: linux.uidMappings: newuidmap: write to uid_map failed"), std::string::npos)
      << outcome.err;
  EXPECT_TRUE(user_state_entries().empty());
  EXPECT_TRUE(processes_mentioning(dir_ + "/user-state").empty());
}

// Rootless Podman maps the subordinate ids with newuidmap itself and runs
// ward-oci as root inside that user namespace, without a cgroup.
class RootlessPodman : public SubordinateIds {
 protected:
  void SetUp() override {
    SubordinateIds::SetUp();
    if (IsSkipped()) return;
    ASSERT_EQ(::chmod(dir_.c_str(), 0777), 0);
    for (const char* sub : {"/podman-home", "/podman-run"}) {
      ASSERT_EQ(::mkdir((dir_ + sub).c_str(), 0700), 0);
      ASSERT_EQ(::chown((dir_ + sub).c_str(), 1000, 1000), 0);
    }
    ASSERT_EQ(run_command({"tar", "-C", rootfs_, "-cf", dir_ + "/bb.tar", "."}).status, 0);
    ASSERT_EQ(::chmod((dir_ + "/bb.tar").c_str(), 0644), 0);
    auto imported = podman({"import", dir_ + "/bb.tar", "localhost/bb"});
    ASSERT_EQ(imported.status, 0) << imported.err;
  }
  void TearDown() override {
    if (!dir_.empty() && exists(dir_ + "/podman-run")) {
      podman({"rm", "--all", "--force", "--time", "0"});
      podman({"system", "reset", "--force"});
      // Podman's pause process holds its user namespace; this test made it.
      std::string pid_file = dir_ + "/podman-run/libpod/tmp/pause.pid";
      if (exists(pid_file)) {
        int pid = std::atoi(read_text(pid_file).c_str());
        if (pid > 1) ::kill(pid, SIGKILL);
      }
    }
    SubordinateIds::TearDown();
  }
  Outcome podman(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", "env", "-i",
                                     "PATH=/usr/bin:/bin", "HOME=" + dir_ + "/podman-home",
                                     "XDG_RUNTIME_DIR=" + dir_ + "/podman-run", "podman", "--cgroup-manager=cgroupfs",
                                     "--events-backend=file", "--runtime", WARD_OCI_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, "", 120);
  }
};

TEST_F(RootlessPodman, RunsWithSubordinateIds) {
  auto outcome = podman({"run", "--rm", "--network", "none", "localhost/bb", "sh", "-c",
                         "echo uid_map=$(tr -s ' ' < /proc/self/uid_map | tr '\\n' ,); echo id=$(id -u)"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto facts = parse_facts(outcome.out);
  EXPECT_EQ(facts["uid_map"], " 0 1000 1, 1 200000 65536,");
  EXPECT_EQ(facts["id"], "0");
}

TEST_F(Rootless, RangesNeedASubuidEntry) {
  // The same ranges without a grant in /etc/subuid: refused.  With the
  // grant (SubordinateIds.RangesMapThroughNewuidmap) they work, so this
  // does not pass for some other reason.
  ASSERT_NO_FATAL_FAILURE(rootless_config());
  SubordinateIdFilesLock lock;
  SavedFile subuid("/etc/subuid");
  const passwd* user = ::getpwuid(1000);
  if (subuid.text().find("1000:") != std::string::npos ||
      (user != nullptr && subuid.text().find(std::string(user->pw_name) + ":") != std::string::npos))
    GTEST_SKIP() << "this host grants uid 1000 subordinate ids already";
  map_subordinate_ids();
  set_args({"true"});
  auto outcome = as_user({"run", "rl"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_TRUE(outcome.err.starts_with("ward-oci: linux.uidMappings[1]: host uids 200000-265535 are not subordinate "
                                      "uids of "))
      << outcome.err;
  EXPECT_NE(outcome.err.find("/etc/subuid has no entry for it"), std::string::npos) << outcome.err;
  EXPECT_TRUE(user_state_entries().empty());
}

TEST_F(Rootless, WithoutLimitsRunsWithoutACgroupAndSaysSo) {
  ASSERT_NO_FATAL_FAILURE(rootless_config());
  ASSERT_FALSE(config_["linux"].contains("resources"));
  set_args({"true"});
  auto outcome = as_user({"run", "rl"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_TRUE(outcome.err.starts_with("ward-oci: warning: no cgroup for a rootless container (")) << outcome.err;
  EXPECT_NE(outcome.err.find("it runs without limits"), std::string::npos) << outcome.err;
}

// A limit the user cannot apply is an error, never skipped: the same
// config without it runs (WithoutLimitsRunsWithoutACgroupAndSaysSo).
TEST_F(Rootless, LimitsWithoutACgroupAreRefused) {
  ASSERT_NO_FATAL_FAILURE(rootless_config());
  config_["linux"]["resources"] = {{"pids", {{"limit", 100}}}};
  set_args({"true"});
  auto outcome = as_user({"run", "rl"});
  EXPECT_NE(outcome.status, 0);
  // One error line, naming the field, the reason and the way out.
  EXPECT_TRUE(outcome.err.starts_with("ward-oci: linux.resources: uid 1000 may not make the container's cgroup, so "
                                      "the limits the config asks for cannot be applied"))
      << outcome.err;
  EXPECT_NE(outcome.err.find("Permission denied\n"), std::string::npos) << outcome.err;
  EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.err;
  EXPECT_TRUE(user_state_entries().empty());
  EXPECT_TRUE(processes_mentioning(dir_ + "/user-state").empty());
}

// An unprivileged user holds no CAP_SYS_ADMIN over the host's
// filesystems, so the kernel refuses an idmapping: one line naming the
// mount, before anything exists.  As root the same mount works
// (Idmap.MappingDirection).
TEST_F(Rootless, IdmappedMountsAreRefusedClearly) {
  ASSERT_NO_FATAL_FAILURE(rootless_config());
  std::string source = dir_ + "/idmap-source";
  ASSERT_EQ(::mkdir(source.c_str(), 0777), 0);
  std::size_t index = config_["mounts"].size();
  nlohmann::json map = nlohmann::json::array({{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}});
  config_["mounts"].push_back({{"destination", "/data"},
                               {"type", "bind"},
                               {"source", source},
                               {"options", {"bind"}},
                               {"uidMappings", map},
                               {"gidMappings", map}});
  set_args({"true"});
  save_config();
  auto outcome = as_user({"run", "rl"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_EQ(outcome.err, "ward-oci: mounts[" + std::to_string(index) +
                             "]: idmapped mounts need ward-oci to run as root; uid 1000 may not attach an idmapping\n");
  EXPECT_TRUE(user_state_entries().empty());
  EXPECT_TRUE(processes_mentioning(dir_ + "/user-state").empty());
}

}  // namespace
}  // namespace ward::test
