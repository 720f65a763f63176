// The messages clients parse (docs/CLIENTS.md): for each condition,
// ward-oci's stderr carries runc's words, and the exit status is what runc
// gives.  containerd's runc shim decides a kill hit an exited process from
// "container not running" / "no such process", and a delete of a vanished
// container from "does not exist"; Podman reads "does not exist" from
// `state`.
#include <unistd.h>

#include "support.h"

namespace ward::test {
namespace {

class ClientMessages : public BundleTest {
 protected:
  // Exit status non-zero and `words` in stderr.
  void expect_refused(const std::vector<std::string>& args, const std::string& words) {
    auto outcome = oci(args);
    std::string command;
    for (const auto& arg : args) command += arg + " ";
    EXPECT_NE(outcome.status, 0) << command;
    EXPECT_NE(outcome.err.find(words), std::string::npos) << command << "-> " << outcome.err;
    // One line, with ward's own context around runc's words.
    EXPECT_EQ(outcome.err.find("ward-oci: "), 0u) << outcome.err;
    EXPECT_EQ(outcome.err.find('\n'), outcome.err.size() - 1) << outcome.err;
  }

  std::string status_of(const std::string& id) {
    auto state = nlohmann::json::parse(oci({"state", id}).out, nullptr, false);
    return state.is_object() ? state.value("status", "") : "";
  }

  // A container whose init has exited (status "stopped", not deleted).
  void make_stopped(const std::string& id) {
    set_args({"true"});
    auto created = oci({"create", id});
    ASSERT_EQ(created.status, 0) << created.err;
    ASSERT_EQ(oci({"start", id}).status, 0);
    for (int i = 0; i < 200 && status_of(id) != "stopped"; ++i) ::usleep(20000);
    ASSERT_EQ(status_of(id), "stopped");
  }
};

TEST_F(ClientMessages, MissingContainerDoesNotExist) {
  const std::vector<std::vector<std::string>> commands = {
      {"kill", "nosuch"},
      {"kill", "nosuch", "KILL"},
      {"kill", "--all", "nosuch", "KILL"},
      {"state", "nosuch"},
      {"delete", "nosuch"},
      {"start", "nosuch"},
      {"exec", "nosuch", "true"},
      {"pause", "nosuch"},
      {"resume", "nosuch"},
      {"ps", "nosuch"},
      {"update", "--memory", "1000000", "nosuch"},
      {"events", "--stats", "nosuch"},
  };
  for (const auto& args : commands) expect_refused(args, "container does not exist");
  // As with runc, --force makes deleting nothing a success.
  auto forced = oci({"delete", "--force", "nosuch"});
  EXPECT_EQ(forced.status, 0) << forced.err;
  EXPECT_EQ(forced.err, "");
}

TEST_F(ClientMessages, MissingContainerNamesTheIdAndTheRoot) {
  auto outcome = oci({"state", "nosuch"});
  EXPECT_EQ(outcome.err, "ward-oci: container does not exist: no container \"nosuch\" in " + root_ + "\n");
}

TEST_F(ClientMessages, StoppedContainer) {
  make_stopped("s1");
  expect_refused({"kill", "s1"}, "container not running");
  expect_refused({"kill", "s1", "KILL"}, "container not running");
  expect_refused({"pause", "s1"}, "container not running");
  expect_refused({"update", "--memory", "100000000", "s1"}, "container not running");
  expect_refused({"resume", "s1"}, "container not paused");
  expect_refused({"start", "s1"}, "cannot start a container that has stopped");
  expect_refused({"exec", "s1", "true"}, "cannot exec in a stopped container");
  // The exact line a shim's log shows for the first one.
  EXPECT_EQ(oci({"kill", "s1"}).err, "ward-oci: container not running: \"s1\" is stopped\n");
  // The state is untouched by all of that.
  EXPECT_EQ(status_of("s1"), "stopped");
}

// runc's kill --all of a stopped container signals what its cgroup still
// holds and succeeds; containerd sends it when it tears a task down.
TEST_F(ClientMessages, KillAllOfAStoppedContainerSucceeds) {
  make_stopped("s2");
  for (const char* signal : {"TERM", "KILL"}) {
    auto outcome = oci({"kill", "--all", "s2", signal});
    EXPECT_EQ(outcome.status, 0) << outcome.err;
    EXPECT_EQ(outcome.err, "");
  }
  EXPECT_EQ(status_of("s2"), "stopped");
  EXPECT_EQ(oci({"delete", "s2"}).status, 0);
}

TEST_F(ClientMessages, RunningAndPausedContainer) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"create", "r1"}).status, 0);
  expect_refused({"create", "r1"}, "container with given ID already exists");
  expect_refused({"resume", "r1"}, "container not paused");
  ASSERT_EQ(oci({"start", "r1"}).status, 0);
  expect_refused({"start", "r1"}, "cannot start an already running container");
  expect_refused({"resume", "r1"}, "container not paused");
  expect_refused({"delete", "r1"}, "that is not stopped: running");
  ASSERT_EQ(oci({"pause", "r1"}).status, 0);
  expect_refused({"start", "r1"}, "cannot start a container in the paused state");
  expect_refused({"pause", "r1"}, "container not running");
  ASSERT_EQ(oci({"resume", "r1"}).status, 0);
  ASSERT_EQ(oci({"delete", "--force", "r1"}).status, 0);
}

}  // namespace
}  // namespace ward::test
