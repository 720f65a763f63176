// Crash consistency of the store: `ward load` killed with SIGKILL at a
// series of moments (before it opened the store, while blobs are copied,
// while the layer is unpacked, around the commit) must leave either the
// whole image or nothing a later command keeps: the next command removes
// the dead process's temp files, loading again gives the same image, and
// removing it empties the store.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "images_support.h"
#include "support.h"

namespace ward::test {
namespace {

class ImageCrash : public ImageStoreTest {
 protected:
  // Starts `ward --root ROOT ARGS...`, kills it after `delay_us`, and says
  // whether it had already exited by itself.
  bool run_and_kill(std::vector<std::string> args, useconds_t delay_us) {
    args.insert(args.begin(), {WARD_FRONT_BINARY, "--root", root_});
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
      int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, STDOUT_FILENO);
      ::dup2(null, STDERR_FILENO);
      ::execv(WARD_FRONT_BINARY, argv.data());
      ::_exit(127);
    }
    EXPECT_GT(pid, 0);
    ::usleep(delay_us);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status);
  }
  bool load_and_kill(const std::string& archive, useconds_t delay_us) {
    return run_and_kill({"load", "-i", archive}, delay_us);
  }
};

TEST_F(ImageCrash, AKillAtAnyMomentOfALoadLeavesAWholeImageOrNothingKept) {
  // The archive: the built-in image saved from another store.
  std::string source_root = root_;
  root_ = dir_ + "/source";
  auto saved = ward({"save", "-o", dir_ + "/bb.tar", "busybox"});
  ASSERT_EQ(saved.status, 0) << saved.err;
  std::string id = inspect("busybox")["Id"];
  root_ = source_root;

  bool finished = false;
  // Doubling delays: about a dozen rounds of six ward commands each, which
  // fit the test's time limit under ASan on a busy machine too.
  for (useconds_t delay = 0; delay < 4000000 && !finished; delay = delay == 0 ? 1000 : delay * 2) {
    SCOPED_TRACE("killed after " + std::to_string(delay) + " us");
    run_command({"rm", "-rf", root_});
    finished = load_and_kill(dir_ + "/bb.tar", delay);
    // The next command sees a whole image or none, and clears tmp/.
    auto listed = ward({"images", "-q", "--no-trunc"});
    ASSERT_EQ(listed.status, 0) << listed.err;
    if (!listed.out.empty()) {
      EXPECT_EQ(listed.out, id + "\n");
      std::string lower = inspect(id)["GraphDriver"]["Data"]["LowerDir"];
      EXPECT_EQ(::access((lower + "/bin/busybox").c_str(), X_OK), 0) << lower;
    }
    EXPECT_EQ(entries_under(root_ + "/tmp"), 0u);
    // Loading again completes it; removing it leaves nothing behind.
    auto loaded = ward({"load", "-i", dir_ + "/bb.tar"});
    ASSERT_EQ(loaded.status, 0) << loaded.err;
    EXPECT_EQ(inspect("busybox")["Id"], id);
    auto removed = ward({"image", "prune", "-a", "-f"});
    ASSERT_EQ(removed.status, 0) << removed.err;
    expect_empty_store();
  }
  EXPECT_TRUE(finished) << "the load never finished within 4 s";
}

// `ward scan ARCHIVE` reads the archive into a private store under tmp/;
// killed at any moment, it leaves that behind only until the next command.
TEST_F(ImageCrash, AKilledArchiveScanLeavesNothingAfterTheNextCommand) {
  auto saved = ward({"save", "-o", dir_ + "/bb.tar", "busybox"});
  ASSERT_EQ(saved.status, 0) << saved.err;
  ASSERT_EQ(ward({"rmi", "busybox"}).status, 0);
  expect_empty_store();
  bool finished = false;
  // Up to 30 s: under ASan on a busy machine a whole scan of the archive
  // takes seconds.
  for (useconds_t delay = 0; delay < 30000000 && !finished; delay = delay == 0 ? 2000 : delay * 2) {
    SCOPED_TRACE("killed after " + std::to_string(delay) + " us");
    finished = run_and_kill({"scan", dir_ + "/bb.tar"}, delay);
    expect_empty_store();
  }
  EXPECT_TRUE(finished) << "the scan never finished within 30 s";
}

}  // namespace
}  // namespace ward::test
