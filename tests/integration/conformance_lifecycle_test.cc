// The runtime-spec's lifecycle operations (runtime.md "Operations" and
// "Lifecycle") as ward-oci implements them: the errors the spec requires,
// the operations it says MUST have no effect, and what delete removes and
// keeps.  docs/CONFORMANCE.md maps these tests to the programs of the OCI
// runtime-tools validation suite, which cannot run on this offline host.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "support.h"

namespace ward::test {
namespace {

class Conformance : public BundleTest {
 protected:
  nlohmann::json state(const std::string& id) {
    return nlohmann::json::parse(oci({"state", id}).out, nullptr, /*allow_exceptions=*/false);
  }
  bool wait_for(const std::string& id, const std::string& status) {
    for (int i = 0; i < 250; ++i) {
      if (state(id).value("status", "") == status) return true;
      ::usleep(20000);
    }
    return false;
  }
  // A cgroup directory of this test, unique on the host.
  std::string unique_cgroup_name() { return "ward-conf-" + dir_.substr(dir_.rfind('.') + 1); }
};

// runtime.md: state, start, kill and delete MUST generate an error when not
// given a container id; create needs one too.
TEST_F(Conformance, EveryOperationWithoutAnIdIsAnError) {
  for (const char* verb : {"create", "start", "state", "kill", "delete"}) {
    auto outcome = oci({verb});
    EXPECT_NE(outcome.status, 0) << verb;
    EXPECT_FALSE(outcome.err.empty()) << verb;
  }
  EXPECT_TRUE(state_entries().empty());
}

// create with an id in use fails and leaves the first container as it was;
// state/start of an unknown id fail.
TEST_F(Conformance, CreateWithAnIdInUseLeavesTheFirstContainer) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"create", "c"}).status, 0);
  int pid = state("c")["pid"];
  EXPECT_NE(oci({"create", "c"}).status, 0);
  auto after = state("c");
  EXPECT_EQ(after["status"], "created");
  EXPECT_EQ(after["pid"], pid);
  EXPECT_NE(oci({"state", "unknown"}).status, 0);
  EXPECT_NE(oci({"start", "unknown"}).status, 0);
}

// The state JSON has the fields runtime.md's "State" section requires.
TEST_F(Conformance, StateHasTheRequiredFields) {
  set_args({"sleep", "60"});
  config_["annotations"] = {{"org.example.key", "value"}};
  save_config();
  ASSERT_EQ(oci({"create", "s"}).status, 0);
  auto s = state("s");
  ASSERT_TRUE(s.is_object());
  EXPECT_TRUE(s["ociVersion"].is_string());
  EXPECT_EQ(s["id"], "s");
  EXPECT_EQ(s["status"], "created");
  EXPECT_GT(s["pid"].get<int>(), 0);
  EXPECT_EQ(s["bundle"], bundle_);
  EXPECT_EQ(s["bundle"].get<std::string>().front(), '/');
  EXPECT_EQ(s["annotations"]["org.example.key"], "value");
}

// start on a stopped container is an error and has no effect.
TEST_F(Conformance, StartOfAStoppedContainerIsAnError) {
  set_args({"true"});
  ASSERT_EQ(oci({"create", "st"}).status, 0);
  ASSERT_EQ(oci({"start", "st"}).status, 0);
  ASSERT_TRUE(wait_for("st", "stopped"));
  EXPECT_NE(oci({"start", "st"}).status, 0);
  EXPECT_EQ(state("st")["status"], "stopped");
}

// "Attempting to delete a container that is not stopped MUST generate an
// error" and "MUST have no effect on the container".  ward applies this to
// running and paused containers; a created one is deleted (killed) as runc
// does, because containerd's runc shim deletes never-started tasks without
// --force (docs/CONFORMANCE.md, delete).
TEST_F(Conformance, DeleteOfARunningContainerIsRefusedWithoutEffect) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"run", "--detach", "d"}).status, 0);
  int pid = state("d")["pid"];
  auto refused = oci({"delete", "d"});
  EXPECT_NE(refused.status, 0);
  EXPECT_NE(refused.err.find("not stopped"), std::string::npos) << refused.err;
  EXPECT_EQ(state("d")["status"], "running");
  EXPECT_EQ(state("d")["pid"], pid);
  EXPECT_EQ(::kill(pid, 0), 0);
  // Once stopped, delete works (so the refusal above is not vacuous).
  ASSERT_EQ(oci({"kill", "d", "KILL"}).status, 0);
  ASSERT_TRUE(wait_for("d", "stopped"));
  EXPECT_EQ(oci({"delete", "d"}).status, 0);
  EXPECT_NE(oci({"state", "d"}).status, 0);
}

// kill of a created container delivers the signal: the container stops.
TEST_F(Conformance, KillOfACreatedContainerStopsIt) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"create", "k"}).status, 0);
  EXPECT_EQ(oci({"kill", "k", "KILL"}).status, 0);
  EXPECT_TRUE(wait_for("k", "stopped"));
  EXPECT_EQ(oci({"delete", "k"}).status, 0);
}

// "Attempting to send a signal to a container that is neither created nor
// running MUST have no effect on the container."
TEST_F(Conformance, KillOfAStoppedContainerHasNoEffect) {
  set_args({"true"});
  ASSERT_EQ(oci({"create", "ks"}).status, 0);
  ASSERT_EQ(oci({"start", "ks"}).status, 0);
  ASSERT_TRUE(wait_for("ks", "stopped"));
  auto before = state("ks");
  EXPECT_NE(oci({"kill", "ks", "KILL"}).status, 0);
  EXPECT_EQ(state("ks"), before);
  EXPECT_EQ(oci({"delete", "ks"}).status, 0);
}

// kill sends the signal it is given: each trap leaves its own file.
TEST_F(Conformance, KillSendsTheNamedSignal) {
  config_["root"]["readonly"] = false;
  for (std::string signal : {"TERM", "USR1", "USR2"}) {
    set_args({"sh", "-c", "trap 'touch /" + signal + "; exit 0' " + signal + "; sleep 30 & wait $!"});
    ASSERT_EQ(oci({"run", "--detach", "sig"}).status, 0);
    ::usleep(200000);  // the trap is set
    EXPECT_EQ(oci({"kill", "sig", signal}).status, 0) << signal;
    EXPECT_TRUE(wait_for("sig", "stopped")) << signal;
    EXPECT_TRUE(exists(rootfs_ + "/" + signal)) << signal;
    ASSERT_EQ(oci({"delete", "--force", "sig"}).status, 0);
  }
  // Only the signal sent was delivered.
  EXPECT_FALSE(exists(rootfs_ + "/HUP"));
}

// "Any updates to config.json after this step MUST NOT affect the
// container": create reads the config once.
TEST_F(Conformance, ConfigChangesAfterCreateDoNotAffectTheContainer) {
  config_["process"]["oomScoreAdj"] = 100;
  config_["linux"]["maskedPaths"].push_back("/proc/kcore");
  config_["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}};
  set_args({"sh", "-c", "echo oom=$(cat /proc/self/oom_score_adj); echo nofile=$(ulimit -n)"});
  ASSERT_EQ(oci({"create", "u"}).status, 0);
  write_text(bundle_ + "/config.json", R"({"ociVersion": "1.0.0"})");
  // The container's own stdout is the create's, so read its effect from
  // the host: the init's oom_score_adj and limits.
  int pid = state("u")["pid"];
  EXPECT_EQ(read_text("/proc/" + std::to_string(pid) + "/oom_score_adj"), "100\n");
  EXPECT_NE(read_text("/proc/" + std::to_string(pid) + "/limits").find("Max open files            1024                 1024"),
            std::string::npos);
  EXPECT_EQ(oci({"start", "u"}).status, 0);
  EXPECT_TRUE(wait_for("u", "stopped"));
  EXPECT_EQ(oci({"delete", "u"}).status, 0);
}

// config.md: unknown properties and unknown annotation keys MUST NOT be an
// error; invalid values MUST be.
TEST_F(Conformance, UnknownPropertiesAreIgnoredInvalidValuesRefused) {
  set_args({"true"});
  config_["annotations"] = {{"org.unknown.key", ""}};
  config_["unknownProperty"] = "unknown";
  config_["linux"]["unknownToo"] = {{"a", 1}};
  save_config();
  auto outcome = oci({"run", "ok"});
  EXPECT_EQ(outcome.status, 0) << outcome.err;
  config_["ociVersion"] = "invalid";
  save_config();
  EXPECT_NE(oci({"run", "bad"}).status, 0);
  EXPECT_TRUE(state_entries().empty());
}

// "Deleting a container MUST delete the resources that were created
// during the create step": the cgroup at an absolute cgroupsPath goes.
TEST_F(Conformance, DeleteRemovesTheCgroupCreateMade) {
  std::string path = "/" + unique_cgroup_name();
  config_["linux"]["cgroupsPath"] = path;
  config_["linux"]["resources"]["pids"] = {{"limit", 1000}};
  set_args({"true"});
  ASSERT_EQ(oci({"create", "r"}).status, 0);
  EXPECT_EQ(read_text("/sys/fs/cgroup/pids" + path + "/pids.max"), "1000\n");
  ASSERT_EQ(oci({"start", "r"}).status, 0);
  ASSERT_TRUE(wait_for("r", "stopped"));
  ASSERT_EQ(oci({"delete", "r"}).status, 0);
  EXPECT_FALSE(exists("/sys/fs/cgroup/pids" + path));
  EXPECT_FALSE(exists("/sys/fs/cgroup/memory" + path));
}

// "Resources associated with the container, but not created by this
// container, MUST NOT be deleted": a cgroup the init was moved into.
TEST_F(Conformance, DeleteKeepsACgroupItDidNotCreate) {
  std::string foreign = "/sys/fs/cgroup/pids/" + unique_cgroup_name() + "-foreign";
  ASSERT_EQ(::mkdir(foreign.c_str(), 0755), 0);
  set_args({"true"});
  ASSERT_EQ(oci({"create", "f"}).status, 0);
  std::ofstream(foreign + "/cgroup.procs") << state("f")["pid"].get<int>();
  ASSERT_EQ(oci({"start", "f"}).status, 0);
  ASSERT_TRUE(wait_for("f", "stopped"));
  EXPECT_EQ(oci({"delete", "f"}).status, 0);
  EXPECT_TRUE(exists(foreign));
  ::rmdir(foreign.c_str());
}

// "The state of the container MUST be passed to hooks over stdin": the
// whole state, with id, bundle, pid and annotations, at each stage.
TEST_F(Conformance, HooksGetTheWholeStateOnStdin) {
  std::string out = dir_ + "/hooks";
  ASSERT_EQ(::mkdir(out.c_str(), 0755), 0);
  config_["annotations"] = {{"org.example.hook", "stdin test"}};
  for (const char* stage : {"prestart", "poststart", "poststop"})
    config_["hooks"][stage] = {{{"path", "/bin/sh"}, {"args", {"sh", "-c", "cat > " + out + "/" + stage}}}};
  set_args({"true"});
  ASSERT_EQ(oci({"create", "h"}).status, 0);
  int pid = state("h")["pid"];
  ASSERT_EQ(oci({"start", "h"}).status, 0);
  ASSERT_TRUE(wait_for("h", "stopped"));
  ASSERT_EQ(oci({"delete", "h"}).status, 0);
  std::map<std::string, std::string> statuses = {
      {"prestart", "creating"}, {"poststart", "running"}, {"poststop", "stopped"}};
  for (const auto& [stage, status] : statuses) {
    auto seen = nlohmann::json::parse(read_text(out + "/" + stage), nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(seen.is_object()) << stage;
    EXPECT_EQ(seen["id"], "h") << stage;
    EXPECT_EQ(seen["bundle"], bundle_) << stage;
    EXPECT_EQ(seen["status"], status) << stage;
    EXPECT_TRUE(seen["ociVersion"].is_string()) << stage;
    EXPECT_EQ(seen["annotations"]["org.example.hook"], "stdin test") << stage;
    if (stage != "poststop") {
      EXPECT_EQ(seen["pid"], pid) << stage;
    }
  }
}

// runtime-spec 1.0 invoked prestart hooks after `start`, on a "created"
// container (what the runtime-tools suite checks); 1.1 moved them into
// create ("creating", above).  A 1.0 config gets 1.0's status; the
// createRuntime hook, which 1.0 did not have, keeps "creating".
TEST_F(Conformance, PrestartOfAVersionOneZeroConfigSeesCreated) {
  std::string out = dir_ + "/hooks";
  ASSERT_EQ(::mkdir(out.c_str(), 0755), 0);
  config_["ociVersion"] = "1.0.2";
  for (const char* stage : {"prestart", "createRuntime"})
    config_["hooks"][stage] = {{{"path", "/bin/sh"}, {"args", {"sh", "-c", "cat > " + out + "/" + stage}}}};
  set_args({"true"});
  ASSERT_EQ(oci({"create", "v10"}).status, 0);
  ASSERT_EQ(oci({"delete", "--force", "v10"}).status, 0);
  auto prestart = nlohmann::json::parse(read_text(out + "/prestart"), nullptr, false);
  auto create_runtime = nlohmann::json::parse(read_text(out + "/createRuntime"), nullptr, false);
  EXPECT_EQ(prestart["status"], "created");
  EXPECT_EQ(create_runtime["status"], "creating");
}

// "start MUST generate an error if process was not set" (ward refuses it
// at create, before anything exists, which the spec allows).
TEST_F(Conformance, NoProcessIsAnError) {
  config_.erase("process");
  save_config();
  auto outcome = oci({"create", "np"});
  if (outcome.status == 0) {
    EXPECT_NE(oci({"start", "np"}).status, 0);
  } else {
    EXPECT_NE(outcome.err.find("process"), std::string::npos) << outcome.err;
    EXPECT_TRUE(state_entries().empty());
  }
}

}  // namespace
}  // namespace ward::test
