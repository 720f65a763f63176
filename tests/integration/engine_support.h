// The fixture of the engine's tests: a store and a run directory of their
// own (--root, WARD_RUN_ROOT), every container removed afterwards, and
// helpers that count what a container leaves behind (rows, directories,
// runtime state, cgroups).
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "images_support.h"
#include "support.h"

namespace ward::test {

class EngineTest : public ImageStoreTest {
 protected:
  void SetUp() override {
    ImageStoreTest::SetUp();
    // The container's root (a subordinate uid) passes through to its bundle.
    ASSERT_EQ(::chmod(dir_.c_str(), 0711), 0);
    run_root_ = dir_ + "/run";
  }
  void TearDown() override {
    for (pid_t pid : background_)
      if (pid > 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
    auto listed = ward({"ps", "-a", "-q", "--no-trunc"});
    std::string ids = listed.out;
    std::size_t start = 0;
    while (start < ids.size()) {
      auto end = ids.find('\n', start);
      ward({"rm", "-f", ids.substr(start, end - start)});
      start = end == std::string::npos ? ids.size() : end + 1;
    }
    ImageStoreTest::TearDown();
  }

  Outcome ward(std::vector<std::string> args, const std::string& input = "") {
    std::vector<std::string> argv = {"env", "WARD_RUN_ROOT=" + run_root_, WARD_FRONT_BINARY, "--root", root_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, input, 120);
  }

  // Starts `ward ARGS...` in the background, stdin from /dev/null; its
  // stdout and stderr go to `output` when given, else stdout is dropped
  // and stderr kept in dir_/background.err (wait_running shows it).
  // Killed in TearDown if still there.
  pid_t start_ward(std::vector<std::string> args, const std::string& output = "") {
    std::vector<std::string> full = {WARD_FRONT_BINARY, "--root", root_};
    full.insert(full.end(), args.begin(), args.end());
    std::string env = "WARD_RUN_ROOT=" + run_root_;
    std::string errors = dir_ + "/background.err";
    pid_t pid = ::fork();
    if (pid == 0) {
      std::vector<char*> argv;
      for (auto& arg : full) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::putenv(env.data());
      int null = ::open("/dev/null", O_RDWR);
      int out = output.empty() ? null : ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int err = output.empty() ? ::open(errors.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : out;
      ::dup2(null, STDIN_FILENO);
      ::dup2(out, STDOUT_FILENO);
      ::dup2(err >= 0 ? err : null, STDERR_FILENO);
      ::execv(WARD_FRONT_BINARY, argv.data());
      ::_exit(127);
    }
    background_.push_back(pid);
    return pid;
  }
  // Waits (up to 20 s) until `ward ps` shows the container `name` running;
  // a failure shows the last inspect and what background wards printed.
  ::testing::AssertionResult wait_running(const std::string& name) {
    Outcome state;
    for (int i = 0; i < 400; ++i) {
      state = ward({"inspect", "-f", "{{.State.Status}}", name});
      if (state.status == 0 && state.out == "running\n") return ::testing::AssertionSuccess();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return ::testing::AssertionFailure() << name << " never ran; inspect: " << state.out << state.err
                                         << "; background wards' stderr: " << read_text(dir_ + "/background.err");
  }
  // The exit status of a background ward, waited for up to 20 s; -1 on timeout.
  int wait_ward(pid_t pid) {
    for (int i = 0; i < 400; ++i) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        for (auto& p : background_)
          if (p == pid) p = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return -1;
  }

  // The output of `ward run --rm FLAGS... busybox sh -c SCRIPT`; expects
  // exit status 0.
  std::string run_out(const std::vector<std::string>& flags, const std::string& script) {
    std::vector<std::string> args = {"run", "--rm"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {"busybox", "sh", "-c", script});
    auto outcome = ward(args);
    EXPECT_EQ(outcome.status, 0) << outcome.err;
    return outcome.out;
  }
  // A bad flag value: one line holding `message`, status 125, no container.
  void expect_refused(const std::vector<std::string>& flags, const std::string& message) {
    std::vector<std::string> args = {"run", "--rm"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {"busybox", "true"});
    auto outcome = ward(args);
    EXPECT_EQ(outcome.status, 125) << flags.front();
    EXPECT_NE(outcome.err.find(message), std::string::npos) << outcome.err;
    EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.err;
    EXPECT_EQ(ward({"ps", "-a", "-q"}).out, "") << flags.front();
  }
  // `ward run -d ARGS...`: its id, checked to be one.
  std::string run_detached(std::vector<std::string> args) {
    args.insert(args.begin(), {"run", "-d"});
    auto outcome = ward(args);
    EXPECT_EQ(outcome.status, 0) << outcome.err;
    EXPECT_TRUE(std::regex_match(outcome.out, std::regex("[0-9a-f]{64}\n"))) << outcome.out;
    return outcome.out.empty() ? "" : outcome.out.substr(0, outcome.out.size() - 1);
  }
  // `ward inspect -f FORMAT NAME`, without its newline.
  std::string field(const std::string& name, const std::string& format) {
    auto outcome = ward({"inspect", "-f", format, name});
    EXPECT_EQ(outcome.status, 0) << outcome.err;
    return outcome.out.empty() ? "" : outcome.out.substr(0, outcome.out.size() - 1);
  }

  nlohmann::json inspect_container(const std::string& name) {
    auto outcome = ward({"inspect", "--type", "container", name});
    EXPECT_EQ(outcome.status, 0) << outcome.err;
    return outcome.status == 0 ? nlohmann::json::parse(outcome.out).at(0) : nlohmann::json();
  }

  // Nothing of any container is left: no row, no writable layer, no
  // bundle, no runtime state, no cgroup named after one of `ids`.
  void expect_no_container_left(const std::vector<std::string>& ids = {}) {
    auto listed = ward({"ps", "-a", "-q"});
    EXPECT_EQ(listed.status, 0) << listed.err;
    EXPECT_EQ(listed.out, "");
    EXPECT_EQ(entries_under(root_ + "/containers"), 0u);
    EXPECT_EQ(entries_under(run_root_ + "/containers"), 0u);
    EXPECT_EQ(entries_under(run_root_ + "/runtime"), 0u);
    for (const auto& id : ids) {
      for (const char* controller : {"pids", "memory", "cpu", "freezer"}) {
        std::string dir = std::string("/sys/fs/cgroup/") + controller + "/ward/" + id;
        EXPECT_NE(::access(dir.c_str(), F_OK), 0) << dir;
      }
      std::string v2 = "/sys/fs/cgroup/ward/" + id;
      EXPECT_NE(::access(v2.c_str(), F_OK), 0) << v2;
    }
  }

  // What a kill left: `ps -a` lists it, `rm -f` removes each, and then
  // nothing remains (rows, state, cgroups, mounts under dir_).
  void remove_every_container_and_expect_none_left() {
    auto listed = ward({"ps", "-a", "-q", "--no-trunc"});
    ASSERT_EQ(listed.status, 0) << listed.err;
    std::vector<std::string> ids;
    for (std::size_t at = 0; at < listed.out.size();) {
      auto end = listed.out.find('\n', at);
      ids.push_back(listed.out.substr(at, end - at));
      at = end == std::string::npos ? listed.out.size() : end + 1;
    }
    for (const auto& id : ids) EXPECT_EQ(ward({"rm", "-f", id}).status, 0) << id;
    expect_no_container_left(ids);
    auto mounts = run_command({"grep", "-c", dir_, "/proc/self/mountinfo"});
    EXPECT_EQ(mounts.out, "0\n") << "a mount under the test's directory";
  }

  // Held for the whole test: no rootless test restores an older
  // /etc/subuid (without ward's entry) under a running container.
  SubordinateIdFilesLock subordinate_ids_{false};
  std::string run_root_;
  std::vector<pid_t> background_;
};

}  // namespace ward::test
