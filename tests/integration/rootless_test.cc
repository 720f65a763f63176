// ward-oci run by an unprivileged user: `spec --rootless` gives a config
// that works with a user namespace mapping the user to root.
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

namespace ward::test {
namespace {

class Rootless : public BundleTest {
 protected:
  // ward-oci as uid/gid 1000, from the bundle directory.
  Outcome as_user(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"setpriv", "--reuid=1000", "--regid=1000", "--clear-groups",
                                     WARD_OCI_BINARY, "--root", dir_ + "/user-state"};
    argv.insert(argv.end(), args.begin(), args.end());
    char cwd[4096];
    (void)!::getcwd(cwd, sizeof(cwd));
    (void)!::chdir(bundle_.c_str());
    Outcome outcome = run_command(argv);
    (void)!::chdir(cwd);
    return outcome;
  }
  void TearDown() override {
    for (const char* id : {"rl", "rl2"}) as_user({"delete", "--force", id});
    BundleTest::TearDown();
  }
};

TEST_F(Rootless, SpecRootlessRunsAsAnUnprivilegedUser) {
  ::unlink((bundle_ + "/config.json").c_str());
  ASSERT_EQ(::chmod(bundle_.c_str(), 0777), 0);
  ASSERT_EQ(::chmod(dir_.c_str(), 0777), 0);
  auto spec = as_user({"spec", "--rootless"});
  ASSERT_EQ(spec.status, 0) << spec.err;
  config_ = nlohmann::json::parse(read_text(bundle_ + "/config.json"));
  EXPECT_EQ(config_["linux"]["uidMappings"][0]["hostID"], 1000);
  config_["process"]["terminal"] = false;
  set_args({"sh", "-c", "ward-checker report; echo uid_map=$(cat /proc/self/uid_map | tr -s ' ')"});
  auto outcome = as_user({"run", "rl"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto facts = parse_facts(outcome.out);
  EXPECT_EQ(facts["uid"], "0");
  EXPECT_EQ(facts["uid_map"], " 0 1000 1");
  EXPECT_EQ(facts["NoNewPrivs"], "1");
  EXPECT_EQ(facts["Seccomp"], "2");
}

TEST_F(Rootless, UnprivilegedUserCannotUseTheRootConfig) {
  // Without a user namespace an unprivileged user cannot create the
  // namespaces: a clear error, nothing left behind.
  ASSERT_EQ(::chmod(dir_.c_str(), 0777), 0);
  set_args({"true"});
  auto outcome = as_user({"run", "rl2"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_TRUE(outcome.err.starts_with("ward-oci: ")) << outcome.err;
  EXPECT_TRUE(processes_mentioning(dir_ + "/user-state").empty());
}

}  // namespace
}  // namespace ward::test
