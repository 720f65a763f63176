// The six hooks: order, the state each one reads on stdin, and what a
// failing or hanging hook does to the lifecycle.
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "support.h"

namespace ward::test {
namespace {

class Hooks : public BundleTest {
 protected:
  void SetUp() override {
    BundleTest::SetUp();
    log_dir_ = dir_ + "/log";
    ::mkdir(log_dir_.c_str(), 0777);
    // startContainer runs inside the container: the log is bind-mounted.
    add_mount("/log", "bind", log_dir_, {"bind", "rw"});
  }

  // A hook appending its name and the status it read on stdin to the log.
  nlohmann::json hook(const std::string& name, const std::string& log) {
    return {{"path", "/bin/sh"},
            {"args", {"sh", "-c", "read -r state; s=${state#*\\\"status\\\":\\\"}; echo " + name + ":${s%%\\\"*} >> " + log}}};
  }

  std::string log_dir_;
};

TEST_F(Hooks, RunInOrderWithTheirStates) {
  std::string host_log = log_dir_ + "/order";
  config_["hooks"] = {
      {"prestart", {hook("prestart", host_log)}},
      {"createRuntime", {hook("createRuntime", host_log)}},
      {"createContainer", {hook("createContainer", host_log)}},
      {"startContainer", {hook("startContainer", "/log/order")}},
      {"poststart", {hook("poststart", host_log)}},
      {"poststop", {hook("poststop", host_log)}},
  };
  set_args({"true"});
  ASSERT_EQ(oci({"create", "h"}).status, 0);
  EXPECT_EQ(read_text(host_log), "prestart:creating\ncreateRuntime:creating\ncreateContainer:creating\n");
  ASSERT_EQ(oci({"start", "h"}).status, 0);
  for (int i = 0; i < 100 && read_text(host_log).find("poststart") == std::string::npos; ++i) ::usleep(20000);
  ASSERT_EQ(oci({"delete", "--force", "h"}).status, 0);
  EXPECT_EQ(read_text(host_log),
            "prestart:creating\ncreateRuntime:creating\ncreateContainer:creating\nstartContainer:created\n"
            "poststart:running\npoststop:stopped\n");
}

TEST_F(Hooks, FailingPrestartAbortsCreateWithoutTrace) {
  config_["hooks"]["prestart"] = {{{"path", "/bin/false"}}};
  set_args({"sleep", "60"});
  std::string mounts = host_mounts();
  auto outcome = oci({"create", "pf"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("prestart"), std::string::npos) << outcome.err;
  EXPECT_TRUE(state_entries().empty());
  EXPECT_TRUE(processes_mentioning(dir_).empty());
  EXPECT_EQ(host_mounts(), mounts);
}

TEST_F(Hooks, FailingCreateContainerAbortsCreate) {
  config_["hooks"]["createContainer"] = {{{"path", "/bin/sh"}, {"args", {"sh", "-c", "exit 7"}}}};
  set_args({"sleep", "60"});
  auto outcome = oci({"create", "cf"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("createContainer"), std::string::npos) << outcome.err;
  EXPECT_TRUE(state_entries().empty());
  EXPECT_TRUE(processes_mentioning(dir_).empty());
}

TEST_F(Hooks, HookTimeoutIsEnforced) {
  config_["hooks"]["createRuntime"] = {{{"path", "/bin/sleep"}, {"args", {"sleep", "30"}}, {"timeout", 1}}};
  set_args({"true"});
  auto start = std::chrono::steady_clock::now();
  auto outcome = oci({"create", "to"});
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(outcome.status, 0);
  EXPECT_LT(seconds, 10);
  EXPECT_NE(outcome.err.find("createRuntime"), std::string::npos) << outcome.err;
  EXPECT_TRUE(state_entries().empty());
  EXPECT_TRUE(processes_mentioning(dir_).empty());
}

TEST_F(Hooks, FailingPoststartAndPoststopOnlyWarn) {
  std::string host_log = log_dir_ + "/order";
  config_["hooks"]["poststart"] = {{{"path", "/bin/false"}}, hook("poststart2", host_log)};
  config_["hooks"]["poststop"] = {{{"path", "/bin/false"}}, hook("poststop2", host_log)};
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"create", "w"}).status, 0);
  auto started = oci({"start", "w"});
  EXPECT_EQ(started.status, 0) << started.err;
  EXPECT_NE(started.err.find("poststart"), std::string::npos) << started.err;
  auto deleted = oci({"delete", "--force", "w"});
  EXPECT_EQ(deleted.status, 0) << deleted.err;
  EXPECT_NE(deleted.err.find("poststop"), std::string::npos) << deleted.err;
  // The hooks after the failing one still ran.
  EXPECT_EQ(read_text(host_log), "poststart2:running\npoststop2:stopped\n");
  EXPECT_TRUE(state_entries().empty());
}

}  // namespace
}  // namespace ward::test
