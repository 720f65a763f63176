// ward run and ward create pull an image the store does not have, as
// Docker's do (--pull missing, the default), or always, or never; -q
// silences the pull.  The registry is the tests' own docker-registry.
#include <sys/stat.h>

#include <sstream>

#include "engine_support.h"
#include "registry_fixture.h"

namespace ward::test {
namespace {

class RegistryRun : public Registries {
 protected:
  void SetUp() override {
    Registries::SetUp();
    // The container's root (a subordinate uid) passes through to its bundle.
    ASSERT_EQ(::chmod(dir_.c_str(), 0711), 0);
  }
  void TearDown() override {
    auto listed = engine({"ps", "-a", "-q", "--no-trunc"});
    std::istringstream ids(listed.out);
    for (std::string id; std::getline(ids, id);) engine({"rm", "-f", id});
    Registries::TearDown();
  }
  // ward with a run root of the test's own (containers need one).
  Outcome engine(std::vector<std::string> args) {
    std::vector<std::string> argv = {"env", "WARD_RUN_ROOT=" + dir_ + "/run-root", WARD_FRONT_BINARY, "--root", root_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, "", 120);
  }
  SubordinateIdFilesLock subordinate_ids_{false};
};

TEST_F(RegistryRun, RunPullsWhatTheStoreLacksThenUsesIt) {
  auto& registry = start_registry();
  fill("bb:latest");
  std::string name = registry.host() + "/bb";

  auto first = engine({"run", "--rm", name, "echo", "hi"});
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(first.out, "hi\n");  // the pull's lines go to stderr
  EXPECT_NE(first.err.find("Unable to find image '" + name + "' locally\n"), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("latest: Pulling from bb\n"), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("Status: Downloaded newer image for " + name + ":latest\n"), std::string::npos) << first.err;

  auto second = engine({"run", "--rm", name, "echo", "again"});
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(second.out, "again\n");
  EXPECT_EQ(second.err, "");  // in the store now: nothing pulled

  // always: pulled again (quietly with -q), then run.
  auto always = engine({"run", "--rm", "--pull", "always", "-q", name, "true"});
  ASSERT_EQ(always.status, 0) << always.err;
  EXPECT_EQ(always.err, "");
  auto pulls =
      engine({"events", "--since", "1h", "--until", "0s", "--filter", "event=pull", "--format", "{{.Action}}"});
  EXPECT_EQ(pulls.out, "pull\npull\n");
}

TEST_F(RegistryRun, CreatePullsTooAndNeverDoesNot) {
  auto& registry = start_registry();
  fill("made:v1");
  std::string name = registry.host() + "/made:v1";

  auto never = engine({"create", "--pull", "never", name});
  EXPECT_EQ(never.status, 125);
  EXPECT_EQ(never.err.find("Pulling"), std::string::npos) << never.err;
  EXPECT_EQ(lines_of(never.err), 1u) << never.err;
  EXPECT_EQ(engine({"images", "-q"}).out, "");

  auto created = engine({"create", "-q", "--name", "c1", name});
  ASSERT_EQ(created.status, 0) << created.err;
  EXPECT_EQ(created.err, "");
  EXPECT_EQ(engine({"inspect", "-f", "{{.Config.Image}}", "c1"}).out, name + "\n");

  auto bad = engine({"create", "--pull", "sometimes", name});
  EXPECT_EQ(bad.status, 125);
  EXPECT_EQ(lines_of(bad.err), 1u) << bad.err;
  EXPECT_NE(bad.err.find("--pull sometimes"), std::string::npos) << bad.err;

  // A registry that does not have it: the pull's error, one line after
  // Docker's "Unable to find" and "Using default tag" lines, and no container.
  auto absent = engine({"run", "--rm", registry.host() + "/nothere", "true"});
  EXPECT_EQ(absent.status, 125);
  EXPECT_EQ(lines_of(absent.err), 3u) << absent.err;
  EXPECT_NE(absent.err.find("ward: run: pull " + registry.host() + "/nothere"), std::string::npos) << absent.err;
  EXPECT_EQ(lines_of(engine({"ps", "-a", "-q"}).out), 1u);  // c1 alone
}

}  // namespace
}  // namespace ward::test
