// `ward exec` (issue 15): a process in a running detached container, in
// its namespaces and confinement, with Docker's flags and exit codes.
#include <filesystem>
#include <regex>

#include "engine_support.h"

namespace ward::test {
namespace {

class EngineExec : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    auto started = ward({"run", "-d", "--name", "box", "-e", "FROM_RUN=yes", "busybox", "sleep", "300"});
    ASSERT_EQ(started.status, 0) << started.err;
    ASSERT_TRUE(wait_running("box"));
  }
};

TEST_F(EngineExec, RunsInTheContainersNamespacesWithItsEnvironmentAndStatus) {
  auto ran = ward({"exec", "box", "sh", "-c", "echo $FROM_RUN; hostname; exit 5"});
  EXPECT_EQ(ran.status, 5) << ran.err;
  EXPECT_EQ(ran.out, "yes\n" + ward({"inspect", "-f", "{{.Config.Hostname}}", "box"}).out);
  // The same pid namespace: the container's init is pid 1 there.
  auto ps = ward({"exec", "box", "cat", "/proc/1/cmdline"});
  EXPECT_EQ(ps.out, std::string("sleep\0"
                                "300\0",
                                10));
  // The same user namespace: root inside is the container's subuid outside.
  auto uid_map = ward({"exec", "box", "cat", "/proc/self/uid_map"});
  EXPECT_TRUE(std::regex_search(uid_map.out, std::regex(R"(^\s+0\s+\d+\s+65536\n$)"))) << uid_map.out;
  // The same seccomp filter and no_new_privs.
  auto status = ward({"exec", "box", "grep", "-E", "^(Seccomp|NoNewPrivs):", "/proc/self/status"});
  EXPECT_EQ(status.out, "NoNewPrivs:\t1\nSeccomp:\t2\n");
}

TEST_F(EngineExec, FlagsSetUserDirectoryEnvironmentStdinAndCapabilities) {
  auto user = ward({"exec", "-u", "nobody", "box", "sh", "-c", "id -u; id -g; echo $HOME"});
  EXPECT_EQ(user.out, "65534\n65534\n/home\n") << user.err;
  auto numeric = ward({"exec", "-u", "1000:1000", "-w", "/tmp", "-e", "X=1", "box", "sh", "-c", "id -u; pwd; echo $X"});
  EXPECT_EQ(numeric.out, "1000\n/tmp\n1\n") << numeric.err;
  auto no_stdin = ward({"exec", "box", "cat"}, "ignored\n");
  EXPECT_EQ(no_stdin.out, "");
  auto with_stdin = ward({"exec", "-i", "box", "cat"}, "passed\n");
  EXPECT_EQ(with_stdin.out, "passed\n");
  auto caps = [&](std::vector<std::string> flags) {
    std::vector<std::string> args = {"exec"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {"box", "grep", "^CapEff:", "/proc/self/status"});
    return ward(args).out;
  };
  EXPECT_NE(caps({}), caps({"--privileged"}));
  EXPECT_EQ(caps({"--privileged"}).find("CapEff:\t000001ffffffffff"), 0u) << caps({"--privileged"});
}

// The processes on this host forked from a `ward exec -d -t box ...` with
// `marker` in its command line: the terminal's holder.
std::size_t holders(const std::string& marker) {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string cmdline = read_text(entry.path().string() + "/cmdline");
    if (cmdline.find(std::string("exec\0-d\0-t\0box\0", 14)) != std::string::npos &&
        cmdline.find(marker) != std::string::npos)
      ++count;
  }
  return count;
}

TEST_F(EngineExec, DetachedExecWithATerminalKeepsItUntilTheCommandEnds) {
  // The command outlives ward (which returns at once) on a terminal of its
  // own, and is not hung up when ward exits; its holder goes with it.
  const std::string marker = "tty > /tmp/exec-tty; sleep 1; echo done > /tmp/exec-done";
  auto detached = ward({"exec", "-d", "-t", "box", "sh", "-c", marker});
  EXPECT_EQ(detached.status, 0) << detached.err;
  EXPECT_EQ(detached.out, "");
  EXPECT_EQ(detached.err, "");
  bool done = false;
  for (int i = 0; i < 100 && !done; ++i) {
    done = ward({"exec", "box", "test", "-e", "/tmp/exec-done"}).status == 0;
    if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(done);
  EXPECT_EQ(ward({"exec", "box", "cat", "/tmp/exec-tty"}).out.rfind("/dev/pts/", 0), 0u);
  std::size_t left = 1;
  for (int i = 0; i < 100 && left != 0; ++i) {
    left = holders(marker);
    if (left != 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(left, 0u);
  // A command that cannot start leaves no holder and no socket either.
  auto missing = ward({"exec", "-d", "-t", "box", "no-such-command", marker});
  EXPECT_NE(missing.status, 0);
  for (int i = 0; i < 100 && holders(marker) != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(holders(marker), 0u);
  for (const auto& entry : std::filesystem::directory_iterator(run_root_ + "/containers"))
    EXPECT_EQ(entry.path().string().find("exec-console"), std::string::npos) << entry.path();
}

TEST_F(EngineExec, DetachedExecRunsInTheBackgroundAndErrorsUseDockersCodes) {
  auto detached = ward({"exec", "-d", "box", "sh", "-c", "sleep 0.2; touch /tmp/was-here"});
  EXPECT_EQ(detached.status, 0) << detached.err;
  EXPECT_EQ(detached.out, "");
  bool found = false;
  for (int i = 0; i < 100 && !found; ++i) {
    found = ward({"exec", "box", "test", "-e", "/tmp/was-here"}).status == 0;
    if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(found);
  auto missing = ward({"exec", "box", "no-such-command"});
  EXPECT_EQ(missing.status, 126);
  EXPECT_EQ(std::count(missing.err.begin(), missing.err.end(), '\n'), 1) << missing.err;
  auto no_user = ward({"exec", "-u", "ghost", "box", "true"});
  EXPECT_EQ(no_user.status, 125);
  EXPECT_NE(no_user.err.find("ghost"), std::string::npos) << no_user.err;
  auto no_container = ward({"exec", "nothing-here", "true"});
  EXPECT_EQ(no_container.status, 125);
  EXPECT_NE(no_container.err.find("No such container: nothing-here"), std::string::npos) << no_container.err;
  ASSERT_EQ(ward({"stop", "-t", "0", "box"}).status, 0);
  auto stopped = ward({"exec", "box", "true"});
  EXPECT_EQ(stopped.status, 125);
  EXPECT_NE(stopped.err.find("is not running"), std::string::npos) << stopped.err;
}

}  // namespace
}  // namespace ward::test
