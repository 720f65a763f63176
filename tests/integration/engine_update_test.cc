// `ward update`: new limits reach a running container's cgroup at once and
// stay in its record; bad flags change nothing.
#include "engine_support.h"

namespace ward::test {
namespace {

class EngineUpdate : public EngineTest {
 protected:
  std::string cgroup_file(const std::string& name, const std::string& v1, const std::string& v2) {
    auto out =
        ward({"exec", name, "sh", "-c", "cat /sys/fs/cgroup/" + v1 + " 2>/dev/null || cat /sys/fs/cgroup/" + v2});
    EXPECT_EQ(out.status, 0) << out.err;
    return out.out;
  }
};

TEST_F(EngineUpdate, ARunningContainerGetsTheNewLimitsAtOnce) {
  ASSERT_EQ(
      ward({"run", "-d", "--name", "up-live", "-m", "64m", "--pids-limit", "100", "busybox", "sleep", "60"}).status, 0);
  auto updated = ward({"update", "-m", "96m", "--pids-limit", "50", "--cpu-shares", "512", "up-live"});
  ASSERT_EQ(updated.status, 0) << updated.err;
  EXPECT_EQ(updated.out, "up-live\n");
  EXPECT_EQ(cgroup_file("up-live", "memory/memory.limit_in_bytes", "memory.max"), "100663296\n");
  EXPECT_EQ(cgroup_file("up-live", "pids/pids.max", "pids.max"), "50\n");
  std::string shares = cgroup_file("up-live", "cpu/cpu.shares", "cpu.weight");
  EXPECT_TRUE(shares == "512\n" || shares == "20\n") << shares;  // v1 shares, or v2's weight for 512
  auto host = nlohmann::json::parse(ward({"inspect", "--format", "{{json .HostConfig}}", "up-live"}).out);
  EXPECT_EQ(host["Memory"], 96 * 1024 * 1024);
  EXPECT_EQ(host["PidsLimit"], 50);
  EXPECT_EQ(host["CpuShares"], 512);
  auto events = ward({"events", "--since", "1h", "--until", "0s", "--filter", "event=update", "--format",
                      "{{.Actor.Attributes.name}}"});
  EXPECT_EQ(events.out, "up-live\n");
}

TEST_F(EngineUpdate, AStoppedContainerStartsWithTheNewLimitsAndPolicy) {
  ASSERT_EQ(ward({"create", "--name", "up-later", "busybox", "sh", "-c",
                  "cat /sys/fs/cgroup/pids/pids.max "
                  "2>/dev/null || cat /sys/fs/cgroup/pids.max"})
                .status,
            0);
  ASSERT_EQ(ward({"update", "--pids-limit", "42", "--restart", "on-failure:3", "up-later"}).status, 0);
  auto started = ward({"start", "-a", "up-later"});
  EXPECT_EQ(started.out, "42\n") << started.err;
  auto policy = ward({"inspect", "--format",
                      "{{.HostConfig.RestartPolicy.Name}}:"
                      "{{.HostConfig.RestartPolicy.MaximumRetryCount}}",
                      "up-later"});
  EXPECT_EQ(policy.out, "on-failure:3\n");
}

TEST_F(EngineUpdate, BadInputIsOneLineAndChangesNothing) {
  ASSERT_EQ(ward({"create", "--name", "up-bad", "--rm", "-m", "64m", "busybox"}).status, 0);
  auto check = [&](std::vector<std::string> args, const std::string& expected) {
    std::vector<std::string> full = {"update"};
    full.insert(full.end(), args.begin(), args.end());
    auto out = ward(full);
    EXPECT_NE(out.status, 0) << args[0];
    EXPECT_EQ(std::count(out.err.begin(), out.err.end(), '\n'), 1) << out.err;
    EXPECT_NE(out.err.find(expected), std::string::npos) << out.err;
  };
  check({"up-bad"}, "You must provide one or more flags");
  check({"-m", "1k", "up-bad"}, "--memory: the minimum memory limit allowed is 6MB");
  check({"--cpus", "lots", "up-bad"}, "--cpus");
  check({"--restart", "always", "up-bad"}, "AutoRemove is enabled");
  check({"--kernel-memory", "10m", "up-bad"}, "--kernel-memory: not supported");
  check({"-m", "96m", "no-such-container"}, "No such container: no-such-container");
  auto host = nlohmann::json::parse(ward({"inspect", "--format", "{{json .HostConfig}}", "up-bad"}).out);
  EXPECT_EQ(host["Memory"], 64 * 1024 * 1024);
  EXPECT_EQ(host["RestartPolicy"]["Name"], "no");
}

}  // namespace
}  // namespace ward::test
