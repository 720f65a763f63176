// `ward run`'s --init, --annotation, --no-healthcheck, --platform,
// --cidfile and -a: an init that reaps and forwards signals as PID 1, the
// runtime's state carrying the annotations, what inspect records, the
// streams a foreground run relays.
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

TEST_F(EngineFlagsProcess, AttachRelaysOnlyTheNamedStreamsAndLogsAll) {
  const std::vector<std::string> both = {"busybox", "sh", "-c", "echo out; echo err >&2"};
  auto with = [&](std::vector<std::string> flags) {
    std::vector<std::string> args = {"run"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), both.begin(), both.end());
    return ward(args);
  };
  // Kept (a log is written): the unattached stream reaches the log only.
  auto out_only = with({"--name", "kept", "-a", "stdout"});
  EXPECT_EQ(out_only.status, 0) << out_only.err;
  EXPECT_EQ(out_only.out, "out\n");
  EXPECT_EQ(out_only.err, "");
  auto logs = ward({"logs", "kept"});
  EXPECT_EQ(logs.out, "out\n");
  EXPECT_EQ(logs.err, "err\n");
  EXPECT_EQ(field("kept", "{{.Config.AttachStdin}} {{.Config.AttachStdout}} {{.Config.AttachStderr}}"),
            "false true false");
  // --rm (no log): the same through /dev/null; names in any case.
  auto err_only = with({"--rm", "--attach", "STDERR"});
  EXPECT_EQ(err_only.status, 0) << err_only.err;
  EXPECT_EQ(err_only.out, "");
  EXPECT_EQ(err_only.err, "err\n");
  // -i with -a stdout still feeds stdin, as Docker's -i does.
  auto fed = ward({"run", "--rm", "-i", "-a", "stdout", "busybox", "cat"}, "typed\n");
  EXPECT_EQ(fed.status, 0) << fed.err;
  EXPECT_EQ(fed.out, "typed\n");
  // Without -a, both; start -a relays both whatever run -a chose.
  auto plain = with({"--rm"});
  EXPECT_EQ(plain.out, "out\n");
  EXPECT_EQ(plain.err, "err\n");
  auto again = ward({"start", "-a", "kept"});
  EXPECT_EQ(again.out, "out\n");
  EXPECT_EQ(again.err, "err\n");
}

TEST_F(EngineFlagsProcess, AttachRefusesUnknownStreamsAndDetach) {
  auto unknown = ward({"run", "--rm", "-a", "stdlog", "busybox", "true"});
  EXPECT_EQ(unknown.status, 125);
  EXPECT_EQ(unknown.err, "ward: run: --attach stdlog: valid streams are STDIN, STDOUT and STDERR\n");
  auto detached = ward({"run", "-d", "-a", "stdout", "busybox", "true"});
  EXPECT_EQ(detached.status, 125);
  EXPECT_EQ(detached.err, "ward: run: --attach: Conflicting options: -a and -d\n");
  EXPECT_EQ(ward({"ps", "-a", "-q"}).out, "");
}

}  // namespace
}  // namespace ward::test
