// The container lifecycle through ward-oci's verbs: creating, created,
// running, stopped, deleted; exit statuses; pid files; list; detach.
#include <signal.h>
#include <unistd.h>

#include "support.h"

namespace ward::test {
namespace {

using Lifecycle = BundleTest;

nlohmann::json state_of(const Outcome& outcome) {
  return nlohmann::json::parse(outcome.out, nullptr, /*allow_exceptions=*/false);
}

TEST_F(Lifecycle, CreateStartKillDelete) {
  set_args({"sleep", "60"});
  auto created = oci({"create", "--pid-file", dir_ + "/pid", "c1"});
  ASSERT_EQ(created.status, 0) << created.err;

  auto state = state_of(oci({"state", "c1"}));
  ASSERT_TRUE(state.is_object());
  EXPECT_EQ(state["status"], "created");
  EXPECT_EQ(state["id"], "c1");
  EXPECT_EQ(state["ociVersion"], "1.2.0");
  EXPECT_EQ(state["bundle"], bundle_);
  int pid = state["pid"];
  EXPECT_GT(pid, 0);
  EXPECT_EQ(std::stoi(read_text(dir_ + "/pid")), pid);
  // The init waits for start: still ward-oci's code, not sleep.
  EXPECT_EQ(read_text("/proc/" + std::to_string(pid) + "/comm"), "ward-oci\n");

  auto started = oci({"start", "c1"});
  ASSERT_EQ(started.status, 0) << started.err;
  EXPECT_EQ(state_of(oci({"state", "c1"}))["status"], "running");
  EXPECT_EQ(read_text("/proc/" + std::to_string(pid) + "/comm"), "sleep\n");

  // A second start is refused: the container is no longer created.
  auto again = oci({"start", "c1"});
  EXPECT_NE(again.status, 0);
  EXPECT_NE(again.err.find("cannot start an already running container"), std::string::npos) << again.err;

  // Deleting a running container needs --force.
  EXPECT_NE(oci({"delete", "c1"}).status, 0);

  ASSERT_EQ(oci({"kill", "c1", "KILL"}).status, 0);
  for (int i = 0; i < 100 && state_of(oci({"state", "c1"}))["status"] != "stopped"; ++i) ::usleep(20000);
  EXPECT_EQ(state_of(oci({"state", "c1"}))["status"], "stopped");

  ASSERT_EQ(oci({"delete", "c1"}).status, 0);
  auto gone = oci({"state", "c1"});
  EXPECT_NE(gone.status, 0);
  EXPECT_NE(gone.err.find("c1"), std::string::npos);
  EXPECT_TRUE(state_entries().empty());
}

TEST_F(Lifecycle, RunExitsWithTheContainersStatus) {
  set_args({"ward-checker", "exit", "3"});
  EXPECT_EQ(oci({"run", "r1"}).status, 3);
  set_args({"ward-checker", "exit", "0"});
  EXPECT_EQ(oci({"run", "r2"}).status, 0);
  // Killed by a signal: 128 + N, as a shell reports it.  Not as pid 1 of a
  // pid namespace, which the kernel shields from its own signals.
  auto& namespaces = config_["linux"]["namespaces"];
  for (size_t i = 0; i < namespaces.size(); ++i)
    if (namespaces[i]["type"] == "pid") namespaces.erase(i);
  set_args({"ward-checker", "signal-self", "9"});
  EXPECT_EQ(oci({"run", "r3"}).status, 137);
  set_args({"ward-checker", "signal-self", "15"});
  EXPECT_EQ(oci({"run", "r4"}).status, 143);
  // run removes the container once it exits.
  EXPECT_TRUE(state_entries().empty());
}

// --debug times the launch path's steps (docs/BENCHMARKS.md reads them):
// one "+N ms: STEP" line each, in order, with times that never go back.
TEST_F(Lifecycle, DebugLogTimesEachLaunchStep) {
  set_args({"ward-checker", "exit", "0"});
  std::string log = dir_ + "/debug.log";
  ASSERT_EQ(oci({"--debug", "--log", log, "run", "timed"}).status, 0);
  std::string text = read_text(log);
  const char* steps[] = {"config.json read and parsed",
                         "launch plan built",
                         "state directory and cgroup made",
                         "init cloned",
                         "init placed in its cgroup, id maps written",
                         "init ready: rootfs, devices, hooks done",
                         "created",
                         "started: the init passed the exec fifo",
                         "container exited",
                         "deleted"};
  size_t at = 0;
  double last_ms = 0;
  for (const char* step : steps) {
    size_t found = text.find(std::string(" ms: ") + step + "\"", at);
    ASSERT_NE(found, std::string::npos) << step << " missing or out of order in:\n" << text;
    size_t plus = text.rfind('+', found);
    ASSERT_NE(plus, std::string::npos);
    double ms = std::stod(text.substr(plus + 1, found - plus - 1));
    EXPECT_GE(ms, last_ms) << step;
    last_ms = ms;
    at = found + 1;
  }
  // Without --debug, no timing is written.
  std::string quiet = dir_ + "/quiet.log";
  ASSERT_EQ(oci({"--log", quiet, "run", "untimed"}).status, 0);
  EXPECT_EQ(read_text(quiet).find(" ms: "), std::string::npos);
}

TEST_F(Lifecycle, RunPassesStdio) {
  set_args({"sh", "-c", "read line; echo got:$line; echo oops >&2"});
  auto outcome = oci({"run", "io"}, "hello\n");
  EXPECT_EQ(outcome.status, 0);
  EXPECT_EQ(outcome.out, "got:hello\n");
  EXPECT_EQ(outcome.err, "oops\n");
}

TEST_F(Lifecycle, DetachedRunKeepsRunning) {
  set_args({"sleep", "60"});
  auto outcome = oci({"run", "--detach", "d1"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(state_of(oci({"state", "d1"}))["status"], "running");
  EXPECT_EQ(oci({"kill", "d1", "9"}).status, 0);
  for (int i = 0; i < 100 && state_of(oci({"state", "d1"}))["status"] != "stopped"; ++i) ::usleep(20000);
  EXPECT_EQ(oci({"delete", "d1"}).status, 0);
}

TEST_F(Lifecycle, StoppedAfterTheProcessExits) {
  set_args({"true"});
  ASSERT_EQ(oci({"create", "s1"}).status, 0);
  ASSERT_EQ(oci({"start", "s1"}).status, 0);
  for (int i = 0; i < 100 && state_of(oci({"state", "s1"}))["status"] != "stopped"; ++i) ::usleep(20000);
  EXPECT_EQ(state_of(oci({"state", "s1"}))["status"], "stopped");
  EXPECT_EQ(oci({"delete", "s1"}).status, 0);
}

TEST_F(Lifecycle, ListShowsContainers) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"create", "l1"}).status, 0);
  ASSERT_EQ(oci({"create", "l2"}).status, 0);
  auto list = nlohmann::json::parse(oci({"list", "--format", "json"}).out);
  ASSERT_EQ(list.size(), 2u);
  std::set<std::string> ids;
  for (const auto& entry : list) {
    ids.insert(entry["id"].get<std::string>());
    EXPECT_EQ(entry["status"], "created");
  }
  EXPECT_EQ(ids, (std::set<std::string>{"l1", "l2"}));
  auto quiet = oci({"list", "-q"});
  EXPECT_EQ(quiet.out, "l1\nl2\n");
  EXPECT_EQ(oci({"delete", "--force", "l1"}).status, 0);
  EXPECT_EQ(oci({"delete", "--force", "l2"}).status, 0);
  EXPECT_EQ(oci({"list", "-q"}).out, "");
}

// `state` and `list` name the same owner: the user owning the container's
// state directory (root here), as runc's `list` does.
TEST_F(Lifecycle, StateAndListNameTheOwner) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"create", "own"}).status, 0);
  auto state = nlohmann::json::parse(oci({"state", "own"}).out);
  EXPECT_EQ(state["owner"], "root");
  auto list = nlohmann::json::parse(oci({"list", "--format", "json"}).out);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["owner"], "root");
  auto table = oci({"list"}).out;
  EXPECT_TRUE(table.ends_with(" root\n")) << table;
  // A user without a name in /etc/passwd shows as #UID.
  ASSERT_EQ(::chown((root_ + "/own").c_str(), 54321, 0), 0);
  state = nlohmann::json::parse(oci({"state", "own"}).out);
  EXPECT_EQ(state["owner"], "#54321");
  ASSERT_EQ(::chown((root_ + "/own").c_str(), 0, 0), 0);
  EXPECT_EQ(oci({"delete", "--force", "own"}).status, 0);
}

TEST_F(Lifecycle, KillAcceptsNamesAndNumbers) {
  // pid 1 ignores signals it has no handler for, so the shell traps TERM.
  set_args({"sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.05; done"});
  for (std::string signal : {"TERM", "SIGTERM", "15"}) {
    ASSERT_EQ(oci({"run", "--detach", "k"}).status, 0);
    auto killed = oci({"kill", "k", signal});
    EXPECT_EQ(killed.status, 0) << signal << ": " << killed.err;
    // A signal that arrives before the shell has set its trap is ignored
    // (pid 1 has no default action): on a loaded machine, send it again.
    for (int i = 0; i < 500 && state_of(oci({"state", "k"}))["status"] != "stopped"; ++i) {
      ::usleep(20000);
      if (i % 25 == 24) oci({"kill", "k", signal});
    }
    EXPECT_EQ(state_of(oci({"state", "k"}))["status"], "stopped") << signal;
    ASSERT_EQ(oci({"delete", "k"}).status, 0);
  }
}

TEST_F(Lifecycle, KillAllReachesEveryProcess) {
  set_args({"sh", "-c", "sleep 60 & sleep 60 & wait"});
  ASSERT_EQ(oci({"run", "--detach", "ka"}).status, 0);
  ::usleep(200000);
  int pid = state_of(oci({"state", "ka"}))["pid"];
  ASSERT_EQ(oci({"kill", "--all", "ka", "KILL"}).status, 0);
  for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i) ::usleep(20000);
  EXPECT_EQ(state_of(oci({"state", "ka"}))["status"], "stopped");
  EXPECT_EQ(oci({"delete", "ka"}).status, 0);
}

TEST_F(Lifecycle, ForceDeleteOfAnUnknownIdSucceeds) {
  EXPECT_EQ(oci({"delete", "--force", "never-created"}).status, 0);
  auto plain = oci({"delete", "never-created"});
  EXPECT_NE(plain.status, 0);
  EXPECT_NE(plain.err.find("never-created"), std::string::npos);
}

TEST_F(Lifecycle, StateSurvivesAKilledInit) {
  // The init is killed behind ward-oci's back: state must say stopped and
  // delete must clean up.
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"create", "z"}).status, 0);
  int pid = state_of(oci({"state", "z"}))["pid"];
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  for (int i = 0; i < 100 && state_of(oci({"state", "z"}))["status"] != "stopped"; ++i) ::usleep(20000);
  EXPECT_EQ(state_of(oci({"state", "z"}))["status"], "stopped");
  EXPECT_EQ(oci({"delete", "z"}).status, 0);
  EXPECT_TRUE(state_entries().empty());
}

}  // namespace
}  // namespace ward::test

namespace ward::test {
namespace {

TEST_F(Lifecycle, PauseStopsProgressAndResumeRestartsIt) {
  set_args({"sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /dev/shm/count; sleep 0.02; done"});
  ASSERT_EQ(oci({"run", "--detach", "p"}).status, 0);
  int pid = nlohmann::json::parse(oci({"state", "p"}).out)["pid"];
  std::string count_path = "/proc/" + std::to_string(pid) + "/root/dev/shm/count";
  ::usleep(200000);
  auto paused = oci({"pause", "p"});
  ASSERT_EQ(paused.status, 0) << paused.err;
  EXPECT_EQ(nlohmann::json::parse(oci({"state", "p"}).out)["status"], "paused");
  std::string before = read_text(count_path);
  ::usleep(300000);
  EXPECT_EQ(read_text(count_path), before);  // no progress while frozen
  EXPECT_NE(oci({"pause", "p"}).status, 0);  // already paused
  ASSERT_EQ(oci({"resume", "p"}).status, 0);
  EXPECT_EQ(nlohmann::json::parse(oci({"state", "p"}).out)["status"], "running");
  ::usleep(300000);
  EXPECT_NE(read_text(count_path), before);
  EXPECT_NE(oci({"resume", "p"}).status, 0);  // not paused
  EXPECT_EQ(oci({"delete", "--force", "p"}).status, 0);
}

TEST_F(Lifecycle, PsListsTheContainersProcesses) {
  set_args({"sh", "-c", "sleep 60 & sleep 60"});
  ASSERT_EQ(oci({"run", "--detach", "ps1"}).status, 0);
  ::usleep(200000);
  auto json = oci({"ps", "--format", "json", "ps1"});
  ASSERT_EQ(json.status, 0) << json.err;
  auto pids = nlohmann::json::parse(json.out);
  EXPECT_EQ(pids.size(), 2u) << json.out;  // sh exec()s its last command: two sleeps
  auto table = oci({"ps", "ps1"});
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("PID"), std::string::npos);
  EXPECT_NE(table.out.find("sleep 60"), std::string::npos) << table.out;
  EXPECT_EQ(oci({"delete", "--force", "ps1"}).status, 0);
}

}  // namespace
}  // namespace ward::test
