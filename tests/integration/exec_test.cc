// exec: a new process joins every namespace and the cgroup of a running
// container, with its seccomp filter, capabilities and no_new_privs.
#include <signal.h>
#include <unistd.h>

#include <sstream>

#include "support.h"

namespace ward::test {
namespace {

class Exec : public BundleTest {
 protected:
  void SetUp() override {
    BundleTest::SetUp();
    set_args({"sleep", "120"});
    auto started = oci({"run", "--detach", "target"});
    ASSERT_EQ(started.status, 0) << started.err;
    pid_ = nlohmann::json::parse(oci({"state", "target"}).out)["pid"];
  }
  std::string ns_of(int pid, const std::string& name) {
    char buffer[128] = {};
    ssize_t n = ::readlink(("/proc/" + std::to_string(pid) + "/ns/" + name).c_str(), buffer, sizeof(buffer) - 1);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
  }
  int pid_ = 0;
};

TEST_F(Exec, JoinsNamespacesCgroupAndSecurity) {
  auto outcome = oci({"exec", "target", "ward-checker", "report"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto facts = parse_facts(outcome.out);
  for (const char* ns : {"cgroup", "ipc", "mnt", "net", "pid", "uts"})
    EXPECT_EQ(facts[std::string("ns.") + ns], ns_of(pid_, ns)) << ns;
  EXPECT_EQ(facts["hostname"], "ward");
  EXPECT_EQ(facts["Seccomp"], "2");
  EXPECT_EQ(facts["NoNewPrivs"], "1");
  EXPECT_EQ(facts["CapEff"], "00000000800405fb");
  EXPECT_EQ(facts["CapBnd"], "00000000800405fb");
  EXPECT_NE(facts["pid"], "1");
  // Inside the container's cgroup namespace its own cgroup is the root.
  auto cgroup = oci({"exec", "target", "cat", "/proc/self/cgroup"});
  ASSERT_EQ(cgroup.status, 0) << cgroup.err;
  std::istringstream lines(cgroup.out);
  std::string line;
  while (std::getline(lines, line)) EXPECT_TRUE(line.ends_with(":/")) << line;
  // Only stdio reaches the process.
  auto fds = parse_facts(oci({"exec", "target", "ward-checker", "fds"}).out);
  EXPECT_EQ(fds.size(), 3u);
}

TEST_F(Exec, ExitStatusUserEnvCwd) {
  EXPECT_EQ(oci({"exec", "target", "sh", "-c", "exit 7"}).status, 7);
  auto outcome = oci({"exec", "--user", "1000:1000", "--env", "WARD_X=1", "--cwd", "/tmp", "target", "sh", "-c",
                      "echo $(id -u):$(id -g):$WARD_X:$(pwd)"});
  EXPECT_EQ(outcome.out, "1000:1000:1:/tmp\n") << outcome.err;
  outcome = oci({"exec", "--cap", "CAP_NET_RAW", "target", "ward-checker", "report"});
  EXPECT_EQ(parse_facts(outcome.out)["CapBnd"], "00000000800425fb");
}

TEST_F(Exec, ProcessFile) {
  nlohmann::json process = {{"args", {"sh", "-c", "echo from-process-json"}},
                            {"cwd", "/"},
                            {"user", {{"uid", 0}, {"gid", 0}}},
                            {"env", {"PATH=/bin"}}};
  write_text(dir_ + "/process.json", process.dump());
  auto outcome = oci({"exec", "--process", dir_ + "/process.json", "target"});
  EXPECT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "from-process-json\n");
}

TEST_F(Exec, DetachWithPidFile) {
  auto outcome = oci({"exec", "--detach", "--pid-file", dir_ + "/exec.pid", "target", "sleep", "30"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  int pid = std::stoi(read_text(dir_ + "/exec.pid"));
  EXPECT_EQ(read_text("/proc/" + std::to_string(pid) + "/comm"), "sleep\n");
  // Seen from the host: the same cgroups as the container's init.
  EXPECT_EQ(read_text("/proc/" + std::to_string(pid) + "/cgroup"), read_text("/proc/" + std::to_string(pid_) + "/cgroup"));
  auto ps = nlohmann::json::parse(oci({"ps", "--format", "json", "target"}).out);
  EXPECT_NE(std::find(ps.begin(), ps.end(), pid), ps.end());
}

TEST_F(Exec, ErrorsAreClear) {
  auto missing = oci({"exec", "target", "no-such-command"});
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.err.find("no-such-command"), std::string::npos) << missing.err;
  auto unknown = oci({"exec", "nope", "true"});
  EXPECT_NE(unknown.status, 0);
  EXPECT_NE(unknown.err.find("nope"), std::string::npos);
  ASSERT_EQ(oci({"kill", "target", "KILL"}).status, 0);
  for (int i = 0; i < 100 && ::kill(pid_, 0) == 0; ++i) ::usleep(20000);
  auto stopped = oci({"exec", "target", "true"});
  EXPECT_NE(stopped.status, 0);
  EXPECT_NE(stopped.err.find("not running"), std::string::npos) << stopped.err;
}

}  // namespace
}  // namespace ward::test
