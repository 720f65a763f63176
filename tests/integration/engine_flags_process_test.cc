// `ward run`'s --init, --annotation, --no-healthcheck, --platform and
// --cidfile: an init that reaps and forwards signals as PID 1, the
// runtime's state carrying the annotations, what inspect records.
#include <sys/utsname.h>

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "engine_support.h"
#include "test_paths.h"

namespace ward::test {
namespace {

using EngineFlagsProcess = EngineTest;

TEST_F(EngineFlagsProcess, InitRunsAsPid1ReapsAndForwardsSignals) {
  // The subshell's sleep is orphaned to PID 1, which reaps it: no zombie.
  auto reaped = ward({"run", "--rm", "--init", "busybox", "sh", "-c",
                      "cat /proc/1/comm; (sleep 0.2 &); sleep 1; grep -l '^State:.Z' /proc/[0-9]*/status | wc -l"});
  EXPECT_EQ(reaped.status, 0) << reaped.err;
  EXPECT_EQ(reaped.out, "docker-init\n0\n");
  // `sleep` as PID 1 has no SIGTERM handler, so a stop waits for its
  // timeout; under the init, SIGTERM reaches it and it ends at once.
  auto started = ward({"run", "-d", "--name", "ini", "--init", "busybox", "sleep", "300"});
  ASSERT_EQ(started.status, 0) << started.err;
  auto before = std::chrono::steady_clock::now();
  auto stopped = ward({"stop", "-t", "30", "ini"});
  EXPECT_EQ(stopped.status, 0) << stopped.err;
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(10));
  auto doc = inspect_container("ini");
  EXPECT_EQ(doc["State"]["ExitCode"], 143);
  EXPECT_EQ(doc["HostConfig"]["Init"], true);
}

TEST_F(EngineFlagsProcess, AnnotationsReachTheRuntimesState) {
  auto started = ward({"run", "-d", "--name", "ann", "--annotation", "org.example.k=v", "busybox", "sleep", "300"});
  ASSERT_EQ(started.status, 0) << started.err;
  std::string id = started.out.substr(0, started.out.find('\n'));
  auto state = run_command({WARD_OCI_BINARY, "--root", run_root_ + "/runtime", "state", id});
  ASSERT_EQ(state.status, 0) << state.err;
  EXPECT_EQ(nlohmann::json::parse(state.out)["annotations"]["org.example.k"], "v") << state.out;
  EXPECT_EQ(inspect_container("ann")["HostConfig"]["Annotations"]["org.example.k"], "v");
  auto bad = ward({"run", "--rm", "--annotation", "novalue", "busybox", "true"});
  EXPECT_EQ(bad.status, 125);
  EXPECT_NE(bad.err.find("--annotation novalue: expected KEY=VALUE"), std::string::npos) << bad.err;
}

TEST_F(EngineFlagsProcess, NoHealthcheckIsRecorded) {
  ASSERT_EQ(ward({"create", "--name", "hc", "--no-healthcheck", "busybox", "true"}).status, 0);
  EXPECT_EQ(inspect_container("hc")["Config"]["Healthcheck"], nlohmann::json::parse(R"({"Test":["NONE"]})"));
  ASSERT_EQ(ward({"create", "--name", "plain", "busybox", "true"}).status, 0);
  EXPECT_FALSE(inspect_container("plain")["Config"].contains("Healthcheck"));
}

TEST_F(EngineFlagsProcess, PlatformMustBeTheHosts) {
  struct utsname machine {};
  ASSERT_EQ(::uname(&machine), 0);
  std::string host = std::string(machine.machine) == "aarch64" ? "linux/arm64" : "linux/amd64";
  std::string other = host == "linux/amd64" ? "linux/arm64" : "linux/amd64";
  auto same = ward({"run", "--rm", "--platform", host, "busybox", "true"});
  EXPECT_EQ(same.status, 0) << same.err;
  auto foreign = ward({"run", "--rm", "--platform", other, "busybox", "true"});
  EXPECT_EQ(foreign.status, 125);
  EXPECT_NE(foreign.err.find("--platform " + other + ": only this host's platform (" + host + ") is supported"),
            std::string::npos)
      << foreign.err;
  EXPECT_EQ(ward({"ps", "-a", "-q"}).out, "");
}

TEST_F(EngineFlagsProcess, CidfileGetsTheIdAndIsNeverOverwritten) {
  std::string file = dir_ + "/cid";
  auto created = ward({"create", "--cidfile", file, "busybox", "true"});
  ASSERT_EQ(created.status, 0) << created.err;
  EXPECT_EQ(read_text(file) + "\n", created.out);
  auto again = ward({"run", "--rm", "--cidfile", file, "busybox", "true"});
  EXPECT_EQ(again.status, 125);
  EXPECT_NE(again.err.find("--cidfile " + file + ": container ID file found"), std::string::npos) << again.err;
  EXPECT_EQ(ward({"ps", "-a", "-q", "--no-trunc"}).out, created.out);
}

}  // namespace
}  // namespace ward::test
