// ward-oci or the container killed at each step: state stays truthful and
// delete cleans up whatever was left.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/shared_mounts.h"
#include "support.h"
#include "util/sys.h"

extern char** environ;

namespace ward::test {
namespace {

class Recovery : public BundleTest {
 protected:
  // Starts `ward-oci --root R ARGS` without waiting; returns its pid.
  pid_t spawn_oci(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {WARD_OCI_BINARY, "--root", root_};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& arg : argv) raw.push_back(arg.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addchdir_np(&actions, bundle_.c_str());
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return pid;
  }

  bool wait_for_file(const std::string& path) {
    for (int i = 0; i < 250; ++i) {
      if (exists(path)) return true;
      ::usleep(20000);
    }
    return false;
  }

  // Kills ward-oci while a hook of `kind` runs, then checks the aftermath.
  // With `no_mount_namespace`, the container's mounts are made in this
  // process's namespace and delete must take them all away.
  void kill_during_hook(const std::string& kind, bool no_mount_namespace = false) {
    if (no_mount_namespace) remove_namespace(config_, "mount");
    std::string marker = dir_ + "/hook-" + kind;
    config_["hooks"][kind] = {
        {{"path", "/bin/sh"}, {"args", {"sh", "-c", "touch " + marker + "; exec sleep 30"}}}};
    config_["linux"]["cgroupsPath"] = "/" + dir_.substr(dir_.rfind('/') + 1) + "/k";
    set_args({"sleep", "60"});
    pid_t pid = spawn_oci({"create", "k"});
    ASSERT_TRUE(wait_for_file(marker)) << kind << " hook never ran";
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status;
    ::waitpid(pid, &status, 0);
    // The init (PDEATHSIG) and the hook die with ward-oci.
    for (int i = 0; i < 100 && !processes_mentioning(dir_).empty(); ++i) ::usleep(20000);
    EXPECT_TRUE(processes_mentioning(dir_).empty()) << kind;
    auto state = oci({"state", "k"});
    if (state.status == 0) {
      EXPECT_EQ(nlohmann::json::parse(state.out)["status"], "stopped") << kind;
    }
    std::string cgroup = "/sys/fs/cgroup/pids/" + dir_.substr(dir_.rfind('/') + 1) + "/k";
    EXPECT_TRUE(exists(cgroup)) << kind;  // made before the hooks ran
    auto removed = oci({"delete", "--force", "k"});
    EXPECT_EQ(removed.status, 0) << kind << ": " << removed.err;
    EXPECT_FALSE(exists(cgroup)) << kind;
    EXPECT_TRUE(state_entries().empty()) << kind;
    if (no_mount_namespace) {
      std::string left;
      for (const auto& mount : sys::parse_mountinfo(host_mounts()))
        if (runtime::at_or_below(mount.mount_point, rootfs_)) left += mount.mount_point + "\n";
      EXPECT_EQ(left, "") << kind;
      for (int i = 0; i < 8 && !left.empty(); ++i) run_command({"umount", "-R", "-l", rootfs_});
    }
    // The id is free again.
    config_["hooks"] = nlohmann::json::object();
    set_args({"true"});
    EXPECT_EQ(oci({"run", "k"}).status, 0) << kind;
  }
};

TEST_F(Recovery, RuntimeKilledDuringPrestart) { kill_during_hook("prestart"); }
TEST_F(Recovery, RuntimeKilledDuringCreateRuntime) { kill_during_hook("createRuntime"); }
TEST_F(Recovery, RuntimeKilledDuringCreateContainer) { kill_during_hook("createContainer"); }
// createContainer hooks run once the init has made its mounts.
TEST_F(Recovery, RuntimeKilledDuringCreateContainerWithoutMountNamespace) {
  kill_during_hook("createContainer", true);
}

TEST_F(Recovery, ForegroundRunKilled) {
  // `run` killed while its container runs: as with runc, the container
  // keeps running (the init cleared PDEATHSIG once created); state must say
  // so and delete --force must clean up.
  set_args({"sleep", "60"});
  pid_t pid = spawn_oci({"run", "fg"});
  for (int i = 0; i < 100; ++i) {
    auto state = oci({"state", "fg"});
    if (state.status == 0 && nlohmann::json::parse(state.out)["status"] == "running") break;
    ::usleep(20000);
  }
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status;
  ::waitpid(pid, &status, 0);
  auto state = oci({"state", "fg"});
  ASSERT_EQ(state.status, 0) << state.err;
  std::string now = nlohmann::json::parse(state.out)["status"];
  EXPECT_EQ(now, "running");
  EXPECT_EQ(oci({"delete", "--force", "fg"}).status, 0);
  for (int i = 0; i < 100 && !processes_mentioning(dir_).empty(); ++i) ::usleep(20000);
  EXPECT_TRUE(processes_mentioning(dir_).empty());
  EXPECT_TRUE(state_entries().empty());
}

TEST_F(Recovery, ContainerKilledWhileCreated) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"create", "c"}).status, 0);
  int pid = nlohmann::json::parse(oci({"state", "c"}).out)["pid"];
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  for (int i = 0; i < 100 && nlohmann::json::parse(oci({"state", "c"}).out)["status"] != "stopped"; ++i)
    ::usleep(20000);
  auto start = oci({"start", "c"});
  EXPECT_NE(start.status, 0);
  EXPECT_EQ(oci({"delete", "c"}).status, 0);
  EXPECT_TRUE(state_entries().empty());
}

}  // namespace
}  // namespace ward::test
