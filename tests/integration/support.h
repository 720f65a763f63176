// Shared helpers for the integration tests: a throw-away bundle with a
// busybox rootfs and ward-checker, a way to run ward-oci and capture what it
// prints, and the host facts tests compare against.  Every test works in its
// own temporary directory and its own --root, and TearDown force-deletes
// whatever containers it left, so a failing test leaves nothing behind.
#pragma once

#include "test_paths.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace ward::test {

struct Outcome {
  int status = -1;  // exit status, or 128+N when killed by signal N
  std::string out, err;
};

// Runs argv (no shell) with optional stdin text, capturing stdout/stderr.
// Gives up (SIGKILL) after timeout_seconds.
Outcome run_command(const std::vector<std::string>& argv, const std::string& input = "", int timeout_seconds = 60);

std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);
bool exists(const std::string& path);

// Whether the hugetlb controller is on this hybrid host's cgroup2 (listed in
// /sys/fs/cgroup/unified/cgroup.controllers).  It is not while a v1 hugetlb
// hierarchy is mounted (bench/lifecycle mounts one for crun while it runs),
// so tests that depend on where hugetlb is ask here instead of assuming.
bool hugetlb_on_cgroup2();

// The net_cls conformance test binds a v1 hierarchy for a moment, which
// every process's /proc/PID/cgroup then lists; containerd's, Docker's and
// Podman's cgroup code fails on a listed hierarchy it cannot find mounted.
// ctest runs tests in parallel processes: that test holds this lock
// exclusively, the client tests shared.
class CgroupLayoutLock {
 public:
  explicit CgroupLayoutLock(bool exclusive);
  ~CgroupLayoutLock();
  CgroupLayoutLock(const CgroupLayoutLock&) = delete;
  CgroupLayoutLock& operator=(const CgroupLayoutLock&) = delete;

 private:
  int fd_ = -1;
};

// "key=value" lines (ward-checker's output) as a map.
std::map<std::string, std::string> parse_facts(const std::string& text);

// The host's mount table: compared before and after a command to assert
// that it leaked no mount.
std::string host_mounts();
// The lines of host_mounts() with a path under `prefix` (a test's own
// directory): what a test's leak would add, and not what tests running
// beside it mount meanwhile.
std::string host_mounts_under(const std::string& prefix);

// Pids of processes whose command line mentions `text` (a test's unique
// temporary directory): finds containers or runtimes a test left behind.
std::vector<int> processes_mentioning(const std::string& text);

// Removes the namespace of this type from a config's linux.namespaces.
void remove_namespace(nlohmann::json& config, const std::string& type);

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // ward-oci --root <root_> ARGS..., run from the bundle directory.
  Outcome oci(const std::vector<std::string>& args, const std::string& input = "", int timeout_seconds = 60);
  // Writes config_ to the bundle.
  void save_config();
  // Sets process.args.
  void set_args(const std::vector<std::string>& args);
  // Puts the container in a new user namespace mapping 0..65535 to
  // host_id..host_id+65535: its ping_group_range narrowed to the mapped
  // gids, and no /sys/fs/cgroup mount (the hierarchies belong to the host's
  // user namespace).
  void use_user_namespace(std::uint32_t host_id);
  // Lists entries of the state root (container ids).
  std::vector<std::string> state_entries();
  // Runs the container in the foreground with ARGS and returns the facts
  // ward-checker printed; fails the test when the run fails.
  std::map<std::string, std::string> run_checker(const std::vector<std::string>& args = {"ward-checker", "report"});
  // Runs the shell `script` as on a pure cgroup v2 host: in a private mount
  // namespace whose /sys/fs/cgroup is the cgroup2 hierarchy alone (this
  // host's /sys/fs/cgroup/unified).  The script starts in the bundle, with
  // $W set to ward-oci and this test's --root.  Containers it leaves are
  // deleted there by TearDown.
  Outcome run_on_pure_v2(const std::string& script);
  // Adds a mount to config_ (not saved).
  void add_mount(const std::string& destination, const std::string& type, const std::string& source,
                 const std::vector<std::string>& options);

  std::string dir_;     // temporary directory holding everything below
  std::string bundle_;  // dir_/bundle
  std::string rootfs_;  // dir_/bundle/rootfs
  std::string root_;    // dir_/state: ward-oci --root
  nlohmann::json config_;
  std::string last_written_config_;  // config.json as oci() last rewrote it
  bool used_pure_v2_ = false;
};

// Serialises the tests that edit /etc/subuid and /etc/subgid (exclusive:
// the rootless tests save, edit and restore them) against those that rely
// on an entry staying (shared: ward's engine adds its `ward` entry on first
// use, which a restore of an older copy would take away).  ctest runs
// tests in parallel processes.
class SubordinateIdFilesLock {
 public:
  explicit SubordinateIdFilesLock(bool exclusive = true) {
    fd_ = ::open("/run/ward-test-subordinate-ids.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0) ::flock(fd_, exclusive ? LOCK_EX : LOCK_SH);
  }
  ~SubordinateIdFilesLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  SubordinateIdFilesLock(const SubordinateIdFilesLock&) = delete;
  SubordinateIdFilesLock& operator=(const SubordinateIdFilesLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace ward::test
