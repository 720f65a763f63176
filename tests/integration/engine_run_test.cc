// `ward run` in the foreground, `ps`, `inspect` and `rm`: the container's
// output and status, Docker's exit codes for what cannot start, and that
// nothing is left behind (rows, writable layers, bundles, runtime state,
// cgroups) after --rm, after a failure, and after a kill of ward itself.
#include <sys/stat.h>

#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine_support.h"

namespace ward::test {
namespace {

using EngineRun = EngineTest;

TEST_F(EngineRun, PrintsTheOutputAndReturnsTheExitStatus) {
  auto outcome = ward({"run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(outcome.status, 3) << outcome.err;
  EXPECT_EQ(outcome.out, "out\n");
  EXPECT_EQ(outcome.err, "err\n");
  expect_no_container_left();
}

TEST_F(EngineRun, CommandsThatCannotRunGiveDockersCodesAndLeaveNothing) {
  auto missing = ward({"run", "--rm", "busybox", "no-such-command"});
  EXPECT_EQ(missing.status, 127);
  EXPECT_NE(missing.err.find("no-such-command"), std::string::npos) << missing.err;
  auto not_executable = ward({"run", "--rm", "busybox", "/etc/passwd"});
  EXPECT_EQ(not_executable.status, 126) << not_executable.err;
  // Not in the store and not to be pulled: one line.  (Pulled when
  // missing, the default, is registry_run_test.cc's.)
  auto no_image = ward({"run", "--rm", "--pull", "never", "no-such-image:1"});
  EXPECT_EQ(no_image.status, 125);
  EXPECT_EQ(std::count(no_image.err.begin(), no_image.err.end(), '\n'), 1) << no_image.err;
  EXPECT_NE(no_image.err.find("no-such-image"), std::string::npos) << no_image.err;
  // Missing, so pulled: Docker's "Unable to find" line, then the pull's
  // failure (no registry answers here) as one line.
  auto unpulled = ward({"run", "--rm", "no-such-image:1"});
  EXPECT_EQ(unpulled.status, 125);
  EXPECT_TRUE(
      unpulled.err.starts_with("Unable to find image 'no-such-image:1' locally\nward: run: pull no-such-image:1: "))
      << unpulled.err;
  EXPECT_EQ(std::count(unpulled.err.begin(), unpulled.err.end(), '\n'), 2) << unpulled.err;
  expect_no_container_left();
}

TEST_F(EngineRun, BadFlagsAreOneLineErrorsNamingTheFlagAndMakeNothing) {
  struct Case {
    std::vector<std::string> args;
    std::string named;
  };
  std::vector<Case> cases = {
      {{"run", "-p", "8080:80", "busybox", "true"}, "--publish"},
      {{"run", "--memory", "lots", "busybox", "true"}, "--memory"},
      {{"run", "--memory", "1k", "busybox", "true"}, "--memory"},
      {{"run", "--pids-limit", "x", "busybox", "true"}, "--pids-limit"},
      {{"run", "--cap-add", "NOT_A_CAP", "busybox", "true"}, "--cap-add"},
      {{"run", "--network", "bridge", "busybox", "true"}, "--network"},
      {{"run", "--security-opt", "seccomp=/x.json", "busybox", "true"}, "--security-opt"},
      {{"run", "--name", "-bad", "busybox", "true"}, "--name"},
      {{"run", "-w", "relative", "busybox", "true"}, "--workdir"},
      {{"run", "--no-such-flag", "busybox", "true"}, "no-such-flag"},
      {{"run", "-d", "--restart", "sometimes", "busybox", "true"}, "--restart"},
      {{"run", "-d", "--restart", "always", "--rm", "busybox", "true"}, "--restart"},
      {{"run", "-d", "--restart", "always:3", "busybox", "true"}, "--restart"},
      {{"run", "-d", "--log-driver", "syslog", "busybox", "true"}, "--log-driver"},
      {{"run", "-d", "--log-opt", "max-size=lots", "busybox", "true"}, "--log-opt"},
      {{"run", "-d", "--log-opt", "colour=blue", "busybox", "true"}, "--log-opt"},
      {{"run", "-d", "--stop-signal", "SIGNOPE", "busybox", "true"}, "--stop-signal"},
      {{"run", "-d", "--stop-timeout", "soon", "busybox", "true"}, "--stop-timeout"},
      {{"run", "-u", "nobody-here", "busybox", "true"}, "nobody-here"},
  };
  for (const auto& c : cases) {
    auto outcome = ward(c.args);
    EXPECT_EQ(outcome.status, 125) << c.named << ": " << outcome.err;
    EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.err;
    EXPECT_NE(outcome.err.find(c.named), std::string::npos) << outcome.err;
  }
  expect_no_container_left();
}

TEST_F(EngineRun, AContainerKeptAfterItsExitIsListedInspectedAndRemoved) {
  auto ran = ward({"run", "--name", "kept", "-e", "GREETING=hello", "busybox", "sh", "-c", "echo $GREETING; exit 4"});
  ASSERT_EQ(ran.status, 4) << ran.err;
  EXPECT_EQ(ran.out, "hello\n");
  auto running = ward({"ps", "-q"});
  EXPECT_EQ(running.out, "");
  auto all = ward({"ps", "-a", "--format", "{{.Names}} {{.Status}} {{.Image}}"});
  ASSERT_EQ(all.status, 0) << all.err;
  EXPECT_EQ(all.out.find("kept Exited (4) "), 0u) << all.out;
  EXPECT_NE(all.out.find(" ago busybox\n"), std::string::npos) << all.out;
  auto doc = inspect_container("kept");
  EXPECT_EQ(doc["Name"], "/kept");
  EXPECT_EQ(doc["State"]["Status"], "exited");
  EXPECT_EQ(doc["State"]["ExitCode"], 4);
  EXPECT_EQ(doc["State"]["Running"], false);
  EXPECT_EQ(doc["Path"], "sh");
  EXPECT_EQ(doc["Config"]["Image"], "busybox");
  EXPECT_EQ(doc["HostConfig"]["AutoRemove"], false);
  std::string id = doc["Id"];
  // A prefix of the id names it too; the same name again is a conflict.
  EXPECT_EQ(ward({"inspect", "-f", "{{.Name}}", id.substr(0, 8)}).out, "/kept\n");
  auto again = ward({"run", "--name", "kept", "busybox", "true"});
  EXPECT_EQ(again.status, 125);
  EXPECT_NE(again.err.find("is already in use by container \"" + id + "\""), std::string::npos) << again.err;
  // The image it was made from cannot go while it exists.
  auto image_in_use = ward({"rmi", "busybox"});
  EXPECT_EQ(image_in_use.status, 1);
  EXPECT_NE(image_in_use.err.find("used by containers: " + id), std::string::npos) << image_in_use.err;
  auto removed = ward({"rm", "kept"});
  EXPECT_EQ(removed.status, 0) << removed.err;
  EXPECT_EQ(removed.out, "kept\n");
  auto gone = ward({"rm", "kept"});
  EXPECT_EQ(gone.status, 1);
  EXPECT_NE(gone.err.find("No such container: kept"), std::string::npos) << gone.err;
  expect_no_container_left({id});
}

TEST_F(EngineRun, ARunningContainerIsRemovedOnlyWithForce) {
  pid_t ward_pid = start_ward({"run", "--name", "sleeper", "busybox", "sleep", "60"});
  ASSERT_TRUE(wait_running("sleeper"));
  auto doc = inspect_container("sleeper");
  std::string id = doc["Id"];
  EXPECT_GT(doc["State"]["Pid"].get<int>(), 0);
  EXPECT_EQ(ward({"ps", "--format", "{{.Names}} {{.State}}"}).out, "sleeper running\n");
  auto refused = ward({"rm", "sleeper"});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("running"), std::string::npos) << refused.err;
  auto forced = ward({"rm", "-f", "sleeper"});
  EXPECT_EQ(forced.status, 0) << forced.err;
  // The foreground ward sees its container killed: 128 + SIGKILL.
  EXPECT_EQ(wait_ward(ward_pid), 137);
  expect_no_container_left({id});
}

TEST_F(EngineRun, AKilledWardLeavesAContainerThatPsShowsAndRmCleans) {
  pid_t ward_pid = start_ward({"run", "--name", "orphan", "busybox", "sleep", "60"});
  ASSERT_TRUE(wait_running("orphan"));
  std::string id = inspect_container("orphan")["Id"];
  ::kill(ward_pid, SIGKILL);
  EXPECT_EQ(wait_ward(ward_pid), 137);
  // Its container runs on, and the next commands see it.
  EXPECT_EQ(ward({"ps", "--format", "{{.Names}} {{.State}}"}).out, "orphan running\n");
  auto forced = ward({"rm", "-f", "orphan"});
  EXPECT_EQ(forced.status, 0) << forced.err;
  expect_no_container_left({id});
}

TEST_F(EngineRun, AContainerWhoseWardWasKilledIsExitedWithAnUnknownStatusOnceItEnds) {
  // Long enough to be running when ward is killed, even under ASan.
  pid_t ward_pid = start_ward({"run", "--name", "brief", "busybox", "sleep", "3"});
  ASSERT_TRUE(wait_running("brief"));
  ::kill(ward_pid, SIGKILL);
  wait_ward(ward_pid);
  bool exited = false;
  for (int i = 0; i < 200 && !exited; ++i) {
    exited = ward({"inspect", "-f", "{{.State.Status}}", "brief"}).out == "exited\n";
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(exited);
  auto doc = inspect_container("brief");
  EXPECT_EQ(doc["State"]["ExitCode"], 255);
  EXPECT_NE(doc["State"]["Error"].get<std::string>().find("unknown"), std::string::npos);
  EXPECT_EQ(ward({"rm", "brief"}).status, 0);
  expect_no_container_left();
}

// SIGKILL of `ward run --rm` at growing moments (before the row, while
// the overlay and bundle are made, while the init starts, while it runs,
// around the teardown): whatever is left, `ps -a` lists and `rm -f`
// removes, down to the runtime's state and cgroups; no mount is left on
// the host at any moment, since the rootfs is attached only in the
// container's own mount namespace.
TEST_F(EngineRun, AKillAtAnyMomentOfARunLeavesNothingThatRmCannotClean) {
  ASSERT_EQ(ward({"run", "--rm", "busybox", "true"}).status, 0);  // the built-in image, made once
  bool finished = false;
  for (int delay_us = 0; delay_us < 4000000 && !finished; delay_us = delay_us == 0 ? 2000 : delay_us * 2) {
    SCOPED_TRACE("killed after " + std::to_string(delay_us) + " us");
    pid_t pid = start_ward({"run", "--rm", "busybox", "sh", "-c", "sleep 0.1"});
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
    ::kill(pid, SIGKILL);
    finished = wait_ward(pid) == 0;
    auto mounts = run_command({"grep", "-c", dir_, "/proc/self/mountinfo"});
    EXPECT_EQ(mounts.out, "0\n") << "a mount under the test's directory";
    remove_every_container_and_expect_none_left();
  }
  EXPECT_TRUE(finished) << "ward run never finished within 4 s";
}

TEST_F(EngineRun, RmOfSeveralReportsEachFailureAndRemovesTheRest) {
  ASSERT_EQ(ward({"run", "--name", "one", "busybox", "true"}).status, 0);
  auto outcome = ward({"rm", "one", "missing"});
  EXPECT_EQ(outcome.status, 1);
  EXPECT_EQ(outcome.out, "one\n");
  EXPECT_NE(outcome.err.find("No such container: missing"), std::string::npos) << outcome.err;
  expect_no_container_left();
}

TEST_F(EngineRun, PsFiltersAndFormats) {
  ASSERT_EQ(ward({"run", "--name", "zero", "--label", "tier=a", "busybox", "true"}).status, 0);
  ASSERT_EQ(ward({"run", "--name", "five", "busybox", "sh", "-c", "exit 5"}).status, 5);
  EXPECT_EQ(ward({"ps", "-a", "--filter", "exited=5", "--format", "{{.Names}}"}).out, "five\n");
  EXPECT_EQ(ward({"ps", "-a", "--filter", "label=tier=a", "--format", "{{.Names}}"}).out, "zero\n");
  EXPECT_EQ(ward({"ps", "-a", "--filter", "name=ze", "--format", "{{.Names}}"}).out, "zero\n");
  EXPECT_EQ(ward({"ps", "-n", "1", "--format", "{{.Names}}"}).out, "five\n");
  auto table = ward({"ps", "-a"});
  EXPECT_EQ(table.out.substr(0, table.out.find('\n')).find("CONTAINER ID"), 0u) << table.out;
  auto json = ward({"ps", "-a", "--format", "json"});
  auto first = nlohmann::json::parse(json.out.substr(0, json.out.find('\n')));
  EXPECT_EQ(first["Names"], "five");
  EXPECT_EQ(first["State"], "exited");
  auto bad = ward({"ps", "--filter", "colour=red"});
  EXPECT_EQ(bad.status, 125);
}

// The long flags a help text lists ("--name" words).
std::set<std::string> long_flags(const std::string& text) {
  std::set<std::string> names;
  for (std::size_t at = text.find("--"); at != std::string::npos; at = text.find("--", at + 2)) {
    if (at > 0 && text[at - 1] != ' ') continue;
    std::size_t end = text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-", at + 2);
    std::string name = text.substr(at + 2, end == std::string::npos ? std::string::npos : end - at - 2);
    if (!name.empty()) names.insert(name);
  }
  return names;
}

// Every flag of `docker run --help` (the docker.io package) is one that
// `ward run` knows: implemented, or refused naming it.
TEST_F(EngineRun, KnowsEveryFlagOfDockerRun) {
  auto docker = run_command({"docker", "run", "--help"});
  ASSERT_EQ(docker.status, 0) << docker.err;
  auto ward_help = ward({"run", "--help"});
  ASSERT_EQ(ward_help.status, 0) << ward_help.err;
  auto docker_flags = long_flags(docker.out);
  auto ward_flags = long_flags(ward_help.out);
  EXPECT_GT(docker_flags.size(), 90u);
  for (const auto& flag : docker_flags) EXPECT_TRUE(ward_flags.contains(flag)) << "--" << flag;
  // A flag that is known but not implemented is refused by name.
  auto refused = ward({"run", "--rm", "--expose", "80", "busybox", "true"});
  EXPECT_EQ(refused.status, 125);
  EXPECT_NE(refused.err.find("--expose: not supported yet"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace ward::test
