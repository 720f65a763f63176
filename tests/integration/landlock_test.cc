// process.landlock, proved by attack: with a ruleset the container cannot
// write or execute where the rules do not allow it, and without the ruleset
// (or with one that allows it) the same attempt works, so no test can pass
// because of something else (a read-only root, a missing binary).
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "support.h"

namespace ward::test {
namespace {

const std::vector<std::string> kAllFsRights = {
    "execute",   "write_file", "read_file", "read_dir",   "remove_dir", "remove_file", "make_char",
    "make_dir",  "make_reg",   "make_sock", "make_fifo",  "make_block", "make_sym",    "truncate"};
const std::vector<std::string> kReadExecute = {"execute", "read_file", "read_dir"};
const std::vector<std::string> kWrite = {"write_file", "read_file", "read_dir", "remove_dir", "remove_file",
                                         "make_dir",   "make_reg",  "make_sym", "truncate"};

// Read and execute everywhere, write only under /tmp.
nlohmann::json write_only_under_tmp() {
  return {{"ruleset", {{"handledAccessFS", kAllFsRights}}},
          {"rules",
           {{"pathBeneath",
             {{{"allowedAccess", kReadExecute}, {"paths", {"/"}}}, {{"allowedAccess", kWrite}, {"paths", {"/tmp"}}}}}}}};
}

// Sets an environment variable for the ward-oci commands a test runs.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

class Landlock : public BundleTest {
 protected:
  void SetUp() override {
    BundleTest::SetUp();
    // Writable, so that only Landlock can refuse a write.
    config_["root"]["readonly"] = false;
  }

  // A failed create leaves nothing: no state entry, no process, no mount,
  // no cgroup.
  // Host mounts under this test's directory (other programs on the host
  // may mount elsewhere meanwhile).
  std::string own_mounts() {
    std::string own, line;
    std::istringstream lines(host_mounts());
    while (std::getline(lines, line))
      if (line.find(dir_) != std::string::npos) own += line + "\n";
    return own;
  }

  void expect_clean_failure(const std::string& id, const std::string& needle) {
    std::string mounts = own_mounts();
    auto processes = processes_mentioning(dir_ + "/state");
    auto outcome = oci({"create", id});
    EXPECT_NE(outcome.status, 0) << "unexpected success";
    EXPECT_NE(outcome.err.find(needle), std::string::npos) << outcome.err;
    EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.err;
    EXPECT_TRUE(state_entries().empty());
    EXPECT_EQ(processes_mentioning(dir_ + "/state"), processes);
    EXPECT_EQ(own_mounts(), mounts);
    std::string parent = dir_.substr(dir_.rfind('/') + 1);
    if (DIR* hierarchies = ::opendir("/sys/fs/cgroup")) {
      while (dirent* entry = ::readdir(hierarchies)) {
        if (entry->d_name[0] == '.') continue;
        std::string cgroup = std::string("/sys/fs/cgroup/") + entry->d_name + "/" + parent + "/" + id;
        EXPECT_FALSE(exists(cgroup)) << cgroup;
      }
      ::closedir(hierarchies);
    }
  }
};

TEST_F(Landlock, WritesOutsideTheRulesAreRefused) {
  const std::vector<std::string> probe = {
      "sh", "-c", "ward-checker try-write /etc/x; ward-checker try-write /root/x; ward-checker try-write /tmp/x"};
  config_["process"]["landlock"] = write_only_under_tmp();
  auto facts = run_checker(probe);
  EXPECT_EQ(facts["write /etc/x"], "EACCES");
  EXPECT_EQ(facts["write /root/x"], "EACCES");
  EXPECT_EQ(facts["write /tmp/x"], "ok");
  // The same writes without the ruleset: they work.
  config_["process"].erase("landlock");
  facts = run_checker(probe);
  EXPECT_EQ(facts["write /etc/x"], "ok");
  EXPECT_EQ(facts["write /root/x"], "ok");
  EXPECT_EQ(facts["write /tmp/x"], "ok");
}

TEST_F(Landlock, ExecOutsideTheExecutePathsIsRefused) {
  ASSERT_EQ(::mkdir((rootfs_ + "/opt").c_str(), 0755), 0);
  ASSERT_EQ(run_command({"cp", "/bin/busybox", rootfs_ + "/opt/busybox"}).status, 0);
  // Execute only under /bin; /opt may be read, not executed.
  nlohmann::json landlock = {
      {"ruleset", {{"handledAccessFS", {"execute", "read_file", "read_dir"}}}},
      {"rules",
       {{"pathBeneath",
         {{{"allowedAccess", {"read_file", "read_dir"}}, {"paths", {"/"}}},
          {{"allowedAccess", kReadExecute}, {"paths", {"/bin"}}}}}}}};
  config_["process"]["landlock"] = landlock;
  auto facts = run_checker({"ward-checker", "try-exec", "/opt/busybox"});
  EXPECT_EQ(facts["exec /opt/busybox"], "EACCES");
  // The same ruleset with execute allowed under /: the binary runs.
  landlock["rules"]["pathBeneath"][0]["allowedAccess"] = kReadExecute;
  config_["process"]["landlock"] = landlock;
  facts = run_checker({"ward-checker", "try-exec", "/opt/busybox"});
  EXPECT_EQ(facts["exec /opt/busybox"], "ok");
}

TEST_F(Landlock, TcpBindOutsideTheAllowedPortsIsRefused) {
  const std::vector<std::string> probe = {"sh", "-c", "ward-checker try-bind 8080; ward-checker try-bind 8081"};
  config_["process"]["landlock"] = {
      {"ruleset", {{"handledAccessNetwork", {"bind_tcp", "connect_tcp"}}}},
      {"rules", {{"netPort", {{{"allowedAccess", {"bind_tcp"}}, {"ports", {8080}}}}}}}};
  auto facts = run_checker(probe);
  EXPECT_EQ(facts["bind 8080"], "ok");
  EXPECT_EQ(facts["bind 8081"], "EACCES");
  config_["process"].erase("landlock");
  facts = run_checker(probe);
  EXPECT_EQ(facts["bind 8081"], "ok");
}

TEST_F(Landlock, ExecBindsTheExecdProcessToo) {
  config_["process"]["landlock"] = write_only_under_tmp();
  set_args({"sleep", "120"});
  auto started = oci({"run", "--detach", "locked"});
  ASSERT_EQ(started.status, 0) << started.err;
  // The container's ruleset, like its seccomp profile.
  auto facts = parse_facts(
      oci({"exec", "locked", "sh", "-c", "ward-checker try-write /etc/y; ward-checker try-write /tmp/y"}).out);
  EXPECT_EQ(facts["write /etc/y"], "EACCES");
  // The rule paths are the container's: its /tmp, not the host's.
  EXPECT_EQ(facts["write /tmp/y"], "ok");
  // A process.json without a landlock member inherits it too.
  nlohmann::json process = {{"args", {"ward-checker", "try-write", "/etc/y"}},
                            {"cwd", "/"},
                            {"env", {"PATH=/bin"}},
                            {"noNewPrivileges", true}};
  write_text(dir_ + "/process.json", process.dump());
  facts = parse_facts(oci({"exec", "--process", dir_ + "/process.json", "locked"}).out);
  EXPECT_EQ(facts["write /etc/y"], "EACCES");
  // One that brings its own ruleset gets that one: here, write under /.
  process["landlock"] = {{"ruleset", {{"handledAccessFS", kAllFsRights}}},
                         {"rules", {{"pathBeneath", {{{"allowedAccess", kAllFsRights}, {"paths", {"/"}}}}}}}};
  write_text(dir_ + "/process.json", process.dump());
  auto outcome = oci({"exec", "--process", dir_ + "/process.json", "locked"});
  EXPECT_EQ(parse_facts(outcome.out)["write /etc/y"], "ok") << outcome.err;
}

TEST_F(Landlock, WithoutNoNewPrivileges) {
  // landlock_restrict_self then relies on CAP_SYS_ADMIN, so it must come
  // before the uid switch drops it.
  ASSERT_EQ(::chown((rootfs_ + "/home/user").c_str(), 1000, 1000), 0);
  config_["process"]["noNewPrivileges"] = false;
  config_["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
  const std::vector<std::string> probe = {"sh", "-c", "ward-checker try-write /home/user/x; ward-checker report"};
  config_["process"]["landlock"] = write_only_under_tmp();
  auto facts = run_checker(probe);
  EXPECT_EQ(facts["write /home/user/x"], "EACCES");
  EXPECT_EQ(facts["NoNewPrivs"], "0");
  EXPECT_EQ(facts["uid"], "1000");
  // uid 1000 owns its home: without the ruleset the write works.
  config_["process"].erase("landlock");
  facts = run_checker(probe);
  EXPECT_EQ(facts["write /home/user/x"], "ok");
}

TEST_F(Landlock, BadRulePathsFailCreateCleanly) {
  auto landlock = write_only_under_tmp();
  landlock["rules"]["pathBeneath"][1]["paths"] = {"/tmp", "/does-not-exist"};
  config_["process"]["landlock"] = landlock;
  save_config();
  expect_clean_failure("missing", "process.landlock.rules.pathBeneath[1].paths[1]: /does-not-exist: No such file");
  // Directory rights (make_dir, ...) on a file: the kernel refuses the rule.
  landlock["rules"]["pathBeneath"][1]["paths"] = {"/etc/passwd"};
  config_["process"]["landlock"] = landlock;
  save_config();
  expect_clean_failure("file", "process.landlock.rules.pathBeneath[1].paths[0]: /etc/passwd (a rule on a file may "
                               "allow only execute, write_file, read_file, truncate and ioctl_dev)");
}

TEST_F(Landlock, DisableBestEffortOnAnOlderKernelFailsCleanly) {
  // ioctl_dev needs Landlock ABI 5; ward is told the kernel has ABI 4.
  ScopedEnv abi("WARD_TEST_LANDLOCK_ABI", "4");
  auto landlock = write_only_under_tmp();
  landlock["ruleset"]["handledAccessFS"].push_back("ioctl_dev");
  landlock["disableBestEffort"] = true;
  config_["process"]["landlock"] = landlock;
  save_config();
  expect_clean_failure("strict", "process.landlock.ruleset.handledAccessFS[14]: \"ioctl_dev\" needs Landlock ABI 5");
  // A kernel without Landlock at all.
  ScopedEnv none("WARD_TEST_LANDLOCK_ABI", "0");
  expect_clean_failure("strict", "process.landlock.disableBestEffort: the kernel has no Landlock");
}

TEST_F(Landlock, BestEffortSaysWhatItGivesUp) {
  const std::vector<std::string> probe = {"sh", "-c", "ward-checker try-write /etc/x"};
  auto landlock = write_only_under_tmp();
  landlock["ruleset"]["handledAccessFS"].push_back("ioctl_dev");
  config_["process"]["landlock"] = landlock;
  {
    // ABI 4 lacks ioctl_dev: dropped with a notice, the rest enforced.
    ScopedEnv abi("WARD_TEST_LANDLOCK_ABI", "4");
    set_args(probe);
    auto outcome = oci({"run", "abi4"});
    EXPECT_EQ(outcome.status, 0) << outcome.err;
    EXPECT_NE(outcome.err.find("\"ioctl_dev\" needs Landlock ABI 5, the kernel has ABI 4: not enforced"),
              std::string::npos)
        << outcome.err;
    EXPECT_EQ(parse_facts(outcome.out)["write /etc/x"], "EACCES");
  }
  {
    // No Landlock: the container runs unrestricted, and says so.
    ScopedEnv abi("WARD_TEST_LANDLOCK_ABI", "0");
    set_args(probe);
    auto outcome = oci({"run", "abi0"});
    EXPECT_EQ(outcome.status, 0) << outcome.err;
    EXPECT_NE(outcome.err.find("process.landlock: the kernel has no Landlock"), std::string::npos) << outcome.err;
    EXPECT_EQ(parse_facts(outcome.out)["write /etc/x"], "ok");
  }
}

TEST_F(Landlock, FeaturesSayTheKernelsAbi) {
  auto features = nlohmann::json::parse(oci({"features"}).out);
  EXPECT_EQ(features["annotations"]["io.github.ward.landlock"], "process.landlock");
  // This host's kernel has Landlock (HOST-NOTES: ABI 7).
  EXPECT_GE(std::stoi(features["annotations"]["io.github.ward.landlock.abi"].get<std::string>()), 4);
  ScopedEnv abi("WARD_TEST_LANDLOCK_ABI", "3");
  features = nlohmann::json::parse(oci({"features"}).out);
  EXPECT_EQ(features["annotations"]["io.github.ward.landlock.abi"], "3");
}

}  // namespace
}  // namespace ward::test
