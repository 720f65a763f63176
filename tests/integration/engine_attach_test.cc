// ward attach: a running detached container's stdio through its monitor's
// attach socket; the detach keys, --sig-proxy, several clients at once, a
// terminal (raw mode, window size) and the errors.
#include <poll.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <termios.h>

#include <filesystem>

#include "engine_support.h"

namespace ward::test {
namespace {

class EngineAttach : public EngineTest {
 protected:
  // `ward attach ARGS...` in the background, its output in `output`.
  pid_t start_attach(std::vector<std::string> args, const std::string& output) {
    args.insert(args.begin(), "attach");
    return start_ward(args, output);
  }

  // Waits (up to 20 s) until the monitor has a client: the container's
  // attach socket is connected, seen as a second socket inode in the
  // monitor's fds beside the listening one.
  bool wait_attached(const std::string& name, std::size_t clients) {
    for (int i = 0; i < 400; ++i) {
      std::string pid = field(name, "{{.State.Pid}}");
      std::string monitor = read_text("/proc/" + pid + "/status");
      auto at = monitor.find("PPid:\t");
      if (at != std::string::npos) {
        std::string ppid = monitor.substr(at + 6, monitor.find('\n', at) - at - 6);
        std::size_t sockets = 0;
        for (const auto& entry : std::filesystem::directory_iterator("/proc/" + ppid + "/fd")) {
          std::error_code ec;
          auto target = std::filesystem::read_symlink(entry.path(), ec);
          if (!ec && target.string().starts_with("socket:")) ++sockets;
        }
        if (sockets >= clients + 1) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
};

TEST_F(EngineAttach, StdinReachesTheContainerAndTheOutputAndStatusComeBack) {
  run_detached({"-i", "--name", "talk", "busybox", "sh", "-c", "read x; echo \"got $x\"; echo oops >&2; exit 3"});
  auto attached = ward({"attach", "talk"}, "abc\n");
  EXPECT_EQ(attached.status, 3) << attached.err;
  EXPECT_EQ(attached.out, "got abc\n");
  EXPECT_EQ(attached.err, "oops\n");
  EXPECT_EQ(field("talk", "{{.State.Status}}"), "exited");
  auto events = ward({"events", "--since", "1h", "--until", "0s", "--filter", "event=attach"});
  EXPECT_NE(events.out.find("container attach"), std::string::npos) << events.out;
}

TEST_F(EngineAttach, TheDetachKeysLeaveTheContainerRunning) {
  run_detached({"-i", "--name", "cat", "busybox", "cat"});
  // The default ctrl-p,ctrl-q: what came before reaches the container,
  // what comes after does not.
  auto detached = ward({"attach", "cat"},
                       "before\n\x10\x11"
                       "after\n");
  EXPECT_EQ(detached.status, 0) << detached.err;
  EXPECT_EQ(field("cat", "{{.State.Status}}"), "running");
  // Keys of one's own; a ctrl-p alone passes through.
  auto own = ward({"attach", "--detach-keys", "ctrl-x,y", "cat"}, "\x10second\nx\x18y");
  EXPECT_EQ(own.status, 0) << own.err;
  EXPECT_EQ(field("cat", "{{.State.Status}}"), "running");
  std::string logs;
  for (int i = 0; i < 100; ++i) {
    logs = ward({"logs", "cat"}).out;
    if (logs.find("second") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(logs.find("before\n"), std::string::npos) << logs;
  EXPECT_NE(logs.find("\x10second\n"), std::string::npos) << logs;
  EXPECT_EQ(logs.find("after"), std::string::npos) << logs;
}

TEST_F(EngineAttach, EveryClientGetsTheOutput) {
  run_detached({"-i", "--name", "two", "busybox", "sh", "-c", "read x; echo \"to all: $x\""});
  std::string first_out = dir_ + "/first.out";
  pid_t first = start_attach({"--no-stdin", "two"}, first_out);
  ASSERT_TRUE(wait_attached("two", 1));
  auto second = ward({"attach", "two"}, "hi\n");
  EXPECT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(second.out, "to all: hi\n");
  EXPECT_EQ(wait_ward(first), 0);
  EXPECT_EQ(read_text(first_out), "to all: hi\n");
}

TEST_F(EngineAttach, SignalsAreForwardedUnlessSigProxyIsOff) {
  run_detached(
      {"--name", "trap", "busybox", "sh", "-c", "trap 'echo caught; exit 7' USR1; while true; do sleep 0.1; done"});
  std::string out = dir_ + "/trap.out";
  pid_t kept = start_attach({"--sig-proxy=false", "trap"}, out);
  ASSERT_TRUE(wait_attached("trap", 1));
  ::kill(kept, SIGUSR1);
  EXPECT_EQ(wait_ward(kept), 128 + SIGUSR1);  // ward itself died of it
  EXPECT_EQ(field("trap", "{{.State.Status}}"), "running");

  pid_t proxy = start_attach({"trap"}, out);
  ASSERT_TRUE(wait_attached("trap", 1));
  ::kill(proxy, SIGUSR1);
  EXPECT_EQ(wait_ward(proxy), 7);
  EXPECT_EQ(read_text(out), "caught\n");
}

TEST_F(EngineAttach, ATerminalIsRelayedWithItsSizeAndDetaches) {
  run_detached({"-i", "-t", "--name", "tty", "busybox", "sh"});
  int master = -1;
  struct winsize size {};
  size.ws_row = 33;
  size.ws_col = 111;
  std::string env = "WARD_RUN_ROOT=" + run_root_;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::putenv(env.data());
    ::execl(WARD_FRONT_BINARY, WARD_FRONT_BINARY, "--root", root_.c_str(), "attach", "tty", nullptr);
    ::_exit(127);
  }
  background_.push_back(pid);
  ASSERT_TRUE(wait_attached("tty", 1));
  std::string typed = "stty size; tty\n";
  ASSERT_EQ(::write(master, typed.data(), typed.size()), static_cast<ssize_t>(typed.size()));
  std::string seen;
  for (int i = 0; i < 200 && seen.find("/dev/pts/0") == std::string::npos; ++i) {
    struct pollfd pfd {
      master, POLLIN, 0
    };
    if (::poll(&pfd, 1, 100) > 0) {
      char buffer[4096];
      ssize_t n = ::read(master, buffer, sizeof(buffer));
      if (n > 0) seen.append(buffer, static_cast<std::size_t>(n));
    }
  }
  EXPECT_NE(seen.find("33 111"), std::string::npos) << seen;
  ASSERT_EQ(::write(master, "\x10\x11", 2), 2);
  EXPECT_EQ(wait_ward(pid), 0);
  ::close(master);
  EXPECT_EQ(field("tty", "{{.State.Status}}"), "running");
}

TEST_F(EngineAttach, StartAAttachesToARunningContainer) {
  run_detached({"-i", "--name", "again", "busybox", "sh", "-c", "read x; echo \"start saw $x\"; exit 4"});
  auto attached = ward({"start", "-a", "-i", "again"}, "it\n");
  EXPECT_EQ(attached.status, 4) << attached.err;
  EXPECT_EQ(attached.out, "start saw it\n");
}

TEST_F(EngineAttach, WhatCannotBeAttachedIsOneLine) {
  auto one_line = [](const Outcome& outcome) { return std::count(outcome.err.begin(), outcome.err.end(), '\n') == 1; };
  auto missing = ward({"attach", "nothere"});
  EXPECT_NE(missing.status, 0);
  EXPECT_TRUE(one_line(missing)) << missing.err;

  ASSERT_EQ(ward({"create", "--name", "made", "busybox", "true"}).status, 0);
  auto stopped = ward({"attach", "made"});
  EXPECT_NE(stopped.status, 0);
  EXPECT_NE(stopped.err.find("You cannot attach to a stopped container"), std::string::npos) << stopped.err;
  EXPECT_TRUE(one_line(stopped)) << stopped.err;

  run_detached({"--name", "up", "busybox", "sleep", "30"});
  auto keys = ward({"attach", "--detach-keys", "ctrl-1", "up"});
  EXPECT_EQ(keys.status, 125);
  EXPECT_NE(keys.err.find("--detach-keys"), std::string::npos) << keys.err;
  EXPECT_TRUE(one_line(keys)) << keys.err;

  ASSERT_EQ(ward({"pause", "up"}).status, 0);
  auto paused = ward({"attach", "up"});
  EXPECT_NE(paused.err.find("paused"), std::string::npos) << paused.err;
  ASSERT_EQ(ward({"unpause", "up"}).status, 0);

  pid_t foreground = start_ward({"run", "--name", "fg", "busybox", "sleep", "30"});
  ASSERT_GT(foreground, 0);
  ASSERT_TRUE(wait_running("fg"));
  auto front = ward({"attach", "fg"});
  EXPECT_NE(front.status, 0);
  EXPECT_NE(front.err.find("foreground"), std::string::npos) << front.err;
  EXPECT_TRUE(one_line(front)) << front.err;
}

}  // namespace
}  // namespace ward::test
