// `events` and `kill --all` on a real cgroup: an OOM kill shows up as an
// {"type":"oom"} line while `events` watches (and does not without the
// limit), and kill --all reaches processes that killing the init alone
// does not.  On this hybrid host the v1 eventfd path of events is the live
// one; kill --all's SIGKILL goes through the unified hierarchy's
// cgroup.kill and other signals through the frozen pid list.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <sstream>

#include "support.h"

extern char** environ;

namespace ward::test {
namespace {

// A command left running while the test goes on, its stdout read line by
// line; stderr goes to `stderr_path`.  Killed and reaped if still running
// when destroyed.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::string& stderr_path) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) < 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    if (::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    out_ = out[0];
  }
  ~Background() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  // The next whole line, or nullopt after timeout_ms or at end of output.
  std::optional<std::string> line(int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      if (auto newline = buffer_.find('\n'); newline != std::string::npos) {
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !read_some(static_cast<int>(left.count()))) return std::nullopt;
    }
  }
  // Waits for the exit (SIGKILL after timeout_ms): the exit status, 128+N
  // when killed by signal N.  What it printed stays readable by line().
  int wait(int timeout_ms) {
    if (pid_ <= 0) return -1;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) != pid_) {
      if (std::chrono::steady_clock::now() > deadline) ::kill(pid_, SIGKILL);
      read_some(20);
    }
    pid_ = -1;
    // The output pipe may still be held by a container process: take what
    // is there, without waiting for its end.
    while (read_some(50)) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  // Everything not yet returned by line().
  std::string rest() { return std::exchange(buffer_, ""); }

 private:
  bool read_some(int timeout_ms) {
    if (out_ < 0) return false;
    pollfd pfd{out_, POLLIN, 0};
    if (::poll(&pfd, 1, timeout_ms) <= 0) return false;
    char chunk[4096];
    ssize_t n = ::read(out_, chunk, sizeof chunk);
    if (n <= 0) {
      ::close(out_);
      out_ = -1;
      return false;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffer_;
};

class CgroupEvents : public BundleTest {
 protected:
  std::string cgroups_path(const std::string& id) { return "/" + dir_.substr(dir_.rfind('/') + 1) + "/" + id; }
  std::string host_cgroup(const std::string& controller, const std::string& id) {
    return "/sys/fs/cgroup/" + controller + cgroups_path(id);
  }
  std::string status_of(const std::string& id) {
    auto outcome = oci({"state", id});
    if (outcome.status != 0) return "gone";
    return nlohmann::json::parse(outcome.out)["status"];
  }
  bool wait_for_status(const std::string& id, const std::string& want, int timeout_ms = 5000) {
    for (int waited = 0; waited < timeout_ms; waited += 50) {
      if (status_of(id) == want) return true;
      ::usleep(50000);
    }
    return status_of(id) == want;
  }
  std::vector<int> procs(const std::string& id) {
    std::istringstream text(read_text(host_cgroup("pids", id) + "/cgroup.procs"));
    std::vector<int> pids;
    int pid;
    while (text >> pid) pids.push_back(pid);
    return pids;
  }

  struct OomRun {
    int run_status = -1;
    std::string run_output;
    int events_status = -1;
    std::vector<std::string> events;  // every line `events` printed
    std::string events_stderr;
  };
  // `ward-oci run ID` in the background of a container that allocates MIB
  // once /go appears in its rootfs; `events` watches from before that.
  OomRun run_allocation_under_events(const std::string& id, int mib) {
    OomRun result;
    config_["linux"]["cgroupsPath"] = cgroups_path(id);
    set_args({"sh", "-c", "while [ ! -e /go ]; do sleep 0.05; done; exec ward-checker alloc " + std::to_string(mib)});
    save_config();
    ::unlink((rootfs_ + "/go").c_str());
    Background run({WARD_OCI_BINARY, "--root", root_, "run", "--bundle", bundle_, id}, dir_ + "/run.err");
    EXPECT_TRUE(wait_for_status(id, "running", 10000)) << read_text(dir_ + "/run.err");
    Background events({WARD_OCI_BINARY, "--root", root_, "events", "--interval", "10s", id}, dir_ + "/events.err");
    // The first stats line comes once the OOM watch is in place.
    auto first = events.line(10000);
    EXPECT_TRUE(first.has_value()) << read_text(dir_ + "/events.err");
    if (first) result.events.push_back(*first);
    write_text(rootfs_ + "/go", "");
    result.run_status = run.wait(60000);
    result.run_output = run.rest();
    // The stream ends by itself once the container has stopped.
    result.events_status = events.wait(10000);
    while (auto line = events.line(0)) result.events.push_back(*line);
    result.events_stderr = read_text(dir_ + "/events.err");
    config_["linux"].erase("cgroupsPath");
    return result;
  }
};

bool has_oom_event(const std::vector<std::string>& lines, const std::string& id) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
    auto event = nlohmann::json::parse(line, nullptr, false);
    return !event.is_discarded() && event == nlohmann::json{{"type", "oom"}, {"id", id}};
  });
}

TEST_F(CgroupEvents, EventsReportsTheOomKillOfA64MiBContainer) {
  config_["linux"]["resources"]["memory"] = {{"limit", 64 << 20}, {"swap", 64 << 20}};
  auto oom = run_allocation_under_events("oom", 200);
  EXPECT_EQ(oom.run_status, 137) << oom.run_output;
  EXPECT_EQ(oom.run_output.find("allocated="), std::string::npos) << oom.run_output;
  EXPECT_EQ(oom.events_status, 0) << oom.events_stderr;
  ASSERT_FALSE(oom.events.empty());
  EXPECT_EQ(nlohmann::json::parse(oom.events.front())["type"], "stats");
  EXPECT_EQ(nlohmann::json::parse(oom.events.front())["data"]["memory"]["usage"]["limit"], 64 << 20);
  EXPECT_TRUE(has_oom_event(oom.events, "oom")) << ::testing::PrintToString(oom.events);

  // Without the limit the allocation succeeds and no OOM is reported.
  config_["linux"]["resources"].erase("memory");
  auto fine = run_allocation_under_events("no-oom", 200);
  EXPECT_EQ(fine.run_status, 0) << fine.run_output;
  EXPECT_EQ(fine.run_output, "allocated=200\n");
  EXPECT_EQ(fine.events_status, 0) << fine.events_stderr;
  EXPECT_FALSE(fine.events.empty());
  EXPECT_FALSE(has_oom_event(fine.events, "no-oom")) << ::testing::PrintToString(fine.events);
}

TEST_F(CgroupEvents, EventsStreamsStatsAtTheIntervalUntilTheContainerStops) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"run", "--detach", "s"}).status, 0);
  Background events({WARD_OCI_BINARY, "--root", root_, "events", "--interval", "100ms", "s"}, dir_ + "/events.err");
  for (int i = 0; i < 3; ++i) {
    auto line = events.line(5000);
    ASSERT_TRUE(line.has_value()) << read_text(dir_ + "/events.err");
    auto event = nlohmann::json::parse(*line);
    EXPECT_EQ(event["type"], "stats");
    EXPECT_EQ(event["id"], "s");
    EXPECT_EQ(event["data"]["pids"]["current"], 1);
  }
  ASSERT_EQ(oci({"kill", "s", "KILL"}).status, 0);
  EXPECT_EQ(events.wait(5000), 0) << read_text(dir_ + "/events.err");
  // A stopped container has no events.
  auto stopped = oci({"events", "s"});
  EXPECT_NE(stopped.status, 0);
  EXPECT_NE(stopped.err.find("not running"), std::string::npos) << stopped.err;
  EXPECT_EQ(oci({"delete", "s"}).status, 0);
  auto bad = oci({"events", "--interval", "soon", "s"});
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.err.find("--interval"), std::string::npos) << bad.err;
}

TEST_F(CgroupEvents, KillAllSigkillReachesProcessesTheInitsDeathLeaves) {
  remove_namespace(config_, "pid");  // the init's death takes nobody along
  set_args({"sh", "-c", "sleep 60 & sleep 60 & wait"});
  // Control: killing the init alone leaves its children in the cgroup.
  ASSERT_EQ(oci({"run", "--detach", "one"}).status, 0);
  for (int i = 0; i < 100 && procs("one").size() < 3; ++i) ::usleep(20000);
  ASSERT_EQ(procs("one").size(), 3u);
  ASSERT_EQ(oci({"kill", "one", "KILL"}).status, 0);
  ASSERT_TRUE(wait_for_status("one", "stopped"));
  ::usleep(200000);
  EXPECT_EQ(procs("one").size(), 2u);
  EXPECT_EQ(oci({"delete", "--force", "one"}).status, 0);

  ASSERT_EQ(oci({"run", "--detach", "all"}).status, 0);
  for (int i = 0; i < 100 && procs("all").size() < 3; ++i) ::usleep(20000);
  ASSERT_EQ(procs("all").size(), 3u);
  // This host's kernel has cgroup.kill on the unified side: the path taken.
  EXPECT_TRUE(exists("/sys/fs/cgroup/unified" + cgroups_path("all") + "/cgroup.kill"));
  auto killed = oci({"kill", "--all", "all", "KILL"});
  ASSERT_EQ(killed.status, 0) << killed.err;
  for (int i = 0; i < 100 && !procs("all").empty(); ++i) ::usleep(20000);
  EXPECT_TRUE(procs("all").empty());
  EXPECT_EQ(status_of("all"), "stopped");
  EXPECT_EQ(oci({"delete", "all"}).status, 0);
}

TEST_F(CgroupEvents, KillAllSignalsEachProcessThroughTheFrozenList) {
  // In its own pid namespace the shell is an init without a SIGTERM
  // handler: the kernel drops SIGTERM to it, so only its children can die.
  set_args({"sh", "-c", "sleep 60 & sleep 60 & wait"});
  ASSERT_EQ(oci({"run", "--detach", "t"}).status, 0);
  for (int i = 0; i < 100 && procs("t").size() < 3; ++i) ::usleep(20000);
  ASSERT_EQ(procs("t").size(), 3u);
  // Control: SIGTERM to the init alone changes nothing.
  ASSERT_EQ(oci({"kill", "t", "TERM"}).status, 0);
  ::usleep(300000);
  EXPECT_EQ(status_of("t"), "running");
  EXPECT_EQ(procs("t").size(), 3u);
  // --all: the sleeps die, `wait` returns, the shell exits; none of it
  // could happen in a cgroup left frozen.
  auto killed = oci({"kill", "--all", "t", "TERM"});
  ASSERT_EQ(killed.status, 0) << killed.err;
  EXPECT_TRUE(wait_for_status("t", "stopped"));
  EXPECT_EQ(oci({"delete", "t"}).status, 0);
}

TEST_F(CgroupEvents, KillAllOfAPausedContainerLeavesItPaused) {
  set_args({"sh", "-c", "sleep 60 & sleep 60 & wait"});
  ASSERT_EQ(oci({"run", "--detach", "p"}).status, 0);
  for (int i = 0; i < 100 && procs("p").size() < 3; ++i) ::usleep(20000);
  ASSERT_EQ(oci({"pause", "p"}).status, 0);
  ASSERT_EQ(oci({"kill", "--all", "p", "TERM"}).status, 0);
  ::usleep(200000);
  EXPECT_EQ(status_of("p"), "paused");
  EXPECT_EQ(procs("p").size(), 3u);  // frozen: the signal waits for the thaw
  ASSERT_EQ(oci({"resume", "p"}).status, 0);
  EXPECT_TRUE(wait_for_status("p", "stopped"));
  EXPECT_EQ(oci({"delete", "p"}).status, 0);
}

}  // namespace
}  // namespace ward::test
