// The cgroup side of `events` and `kill --all` against fake cgroup
// directories: memory.events parsing, the v2 OOM watcher (inotify works on
// regular files, so a test rewrites a fake memory.events), and the choice
// between cgroup.kill and the frozen pid list.  The v1 eventfd path needs a
// real memory cgroup: tests/integration/cgroup_test.cc covers it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "cgroups/cgroup.h"
#include "cgroups/oom.h"
#include "util/sys.h"
#include "temp_dir.h"

namespace {

using ward::cgroups::Cgroup;
using ward::cgroups::OomWatcher;

const char* kMemoryEvents = "low 0\nhigh 0\nmax 12\noom 0\noom_kill 0\noom_group_kill 0\n";

class FakeCgroupDir : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(temp_.ok());
    dir_ = temp_.path();
  }

  void write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    if (!ward::sys::path_exists(path)) {
      int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
      ASSERT_GE(fd, 0);
      ::close(fd);
    }
    // In place, as the kernel updates the file: the watch is on the inode.
    ASSERT_TRUE(ward::sys::write_file(path, text).has_value());
  }
  std::string read(const std::string& name) {
    auto text = ward::sys::read_file(dir_ + "/" + name);
    return text ? *text : "<missing>";
  }
  static bool readable(int fd, int timeout_ms) {
    pollfd pfd{fd, POLLIN, 0};
    return ::poll(&pfd, 1, timeout_ms) == 1 && (pfd.revents & POLLIN);
  }

  ward::test_support::TempDir temp_{"ward-cgev"};
  std::string dir_;
};

TEST(MemoryEvents, ParsesTheOomCounters) {
  auto counters = ward::cgroups::parse_memory_events("low 1\nhigh 2\nmax 3\noom 4\noom_kill 5\noom_group_kill 6\n");
  EXPECT_EQ(counters.oom, 4u);
  EXPECT_EQ(counters.oom_kill, 5u);
  // A file being rewritten (empty) or from an older kernel (no oom_kill).
  counters = ward::cgroups::parse_memory_events("");
  EXPECT_EQ(counters.oom, 0u);
  EXPECT_EQ(counters.oom_kill, 0u);
  counters = ward::cgroups::parse_memory_events("low 0\nhigh 0\nmax 0\noom 7\n");
  EXPECT_EQ(counters.oom, 7u);
  EXPECT_EQ(counters.oom_kill, 0u);
}

using OomWatcherV2 = FakeCgroupDir;

TEST_F(OomWatcherV2, ReportsARiseOfTheCountersOnly) {
  write("memory.events", "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n");
  auto watcher = OomWatcher::open_v2(dir_);
  ASSERT_TRUE(watcher.has_value()) << watcher.error().what();
  // Nothing happened yet: the counters it started from are history.
  EXPECT_FALSE(readable(watcher->fd(), 0));
  EXPECT_EQ(watcher->check(), false);
  // Another counter moves: a wake-up, but no OOM.
  write("memory.events", "low 0\nhigh 0\nmax 13\noom 2\noom_kill 2\noom_group_kill 0\n");
  EXPECT_TRUE(readable(watcher->fd(), 1000));
  EXPECT_EQ(watcher->check(), false);
  EXPECT_FALSE(readable(watcher->fd(), 0));  // check() consumed the notification
  // oom_kill rises: one OOM.
  write("memory.events", "low 0\nhigh 0\nmax 14\noom 3\noom_kill 3\noom_group_kill 0\n");
  EXPECT_TRUE(readable(watcher->fd(), 1000));
  EXPECT_EQ(watcher->check(), true);
  EXPECT_EQ(watcher->check(), false);  // reported once
  // "oom" alone rising (the OOM killer found nothing to kill) counts too.
  write("memory.events", "low 0\nhigh 0\nmax 15\noom 4\noom_kill 3\noom_group_kill 0\n");
  EXPECT_TRUE(readable(watcher->fd(), 1000));
  EXPECT_EQ(watcher->check(), true);
  EXPECT_FALSE(watcher->ended());
}

TEST_F(OomWatcherV2, ARewriteCaughtHalfWayIsNoOom) {
  write("memory.events", kMemoryEvents);
  auto watcher = OomWatcher::open_v2(dir_);
  ASSERT_TRUE(watcher.has_value()) << watcher.error().what();
  write("memory.events", "");  // truncated, not yet written
  EXPECT_EQ(watcher->check(), false);
  write("memory.events", kMemoryEvents);  // the same counters again
  EXPECT_EQ(watcher->check(), false);
  write("memory.events", "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n");
  EXPECT_EQ(watcher->check(), true);
}

TEST_F(OomWatcherV2, ChecksTheCountersEvenBeforeTheWakeUp) {
  // The kernel sends the inotify event from a work queue; a last check
  // before leaving must not depend on it.
  write("memory.events", kMemoryEvents);
  auto watcher = OomWatcher::open_v2(dir_);
  ASSERT_TRUE(watcher.has_value());
  write("memory.events", "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n");
  EXPECT_EQ(watcher->check(), true);
}

TEST_F(OomWatcherV2, EndsWhenTheCgroupEmptiesOrGoes) {
  write("memory.events", kMemoryEvents);
  write("cgroup.events", "populated 1\nfrozen 0\n");
  auto watcher = OomWatcher::open_v2(dir_);
  ASSERT_TRUE(watcher.has_value()) << watcher.error().what();
  write("cgroup.events", "populated 1\nfrozen 1\n");
  EXPECT_TRUE(readable(watcher->fd(), 1000));
  EXPECT_EQ(watcher->check(), false);
  EXPECT_FALSE(watcher->ended());
  // The last process died of an OOM: both reach the watcher, the OOM too.
  write("memory.events", "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n");
  write("cgroup.events", "populated 0\nfrozen 0\n");
  EXPECT_TRUE(readable(watcher->fd(), 1000));
  EXPECT_EQ(watcher->check(), true);
  EXPECT_TRUE(watcher->ended());

  auto second = OomWatcher::open_v2(dir_);
  ASSERT_TRUE(second.has_value());
  ASSERT_EQ(::unlink((dir_ + "/memory.events").c_str()), 0);
  EXPECT_TRUE(readable(second->fd(), 1000));
  EXPECT_EQ(second->check(), false);
  EXPECT_TRUE(second->ended());
}

TEST_F(OomWatcherV2, NoMemoryEventsIsAnError) {
  auto watcher = OomWatcher::open_v2(dir_);
  ASSERT_FALSE(watcher.has_value());
  EXPECT_NE(watcher.error().what().find("memory.events"), std::string::npos) << watcher.error().what();
}

TEST_F(FakeCgroupDir, OpenPicksTheBackendOrSaysWhyNot) {
  // A v2-only cgroup without memory.events: no backend.
  auto none = OomWatcher::open(Cgroup::parse("dir /sys/fs/cgroup 1 - " + dir_ + "\n"));
  ASSERT_FALSE(none.has_value());
  EXPECT_NE(none.error().what().find("no memory controller"), std::string::npos) << none.error().what();
  write("memory.events", kMemoryEvents);
  EXPECT_TRUE(OomWatcher::open(Cgroup::parse("dir /sys/fs/cgroup 1 - " + dir_ + "\n")).has_value());
}

// kill --all.

class KillAll : public FakeCgroupDir {
 protected:
  void TearDown() override {
    if (child_ > 0) {
      ::kill(child_, SIGKILL);
      ::waitpid(child_, nullptr, 0);
    }
    FakeCgroupDir::TearDown();
  }
  // A process of our own to stand in for the container's.
  pid_t spawn_sleeper() {
    child_ = ::fork();
    if (child_ == 0) {
      ::pause();
      ::_exit(0);
    }
    return child_;
  }
  // The signal that ended the child, 0 if it still runs after a while.
  int death_signal() {
    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (::waitpid(child_, &status, WNOHANG) == child_) {
        child_ = -1;
        return WIFSIGNALED(status) ? WTERMSIG(status) : -1;
      }
      ::usleep(5000);
    }
    return 0;
  }
  pid_t child_ = -1;
};

TEST_F(KillAll, SigkillGoesThroughCgroupKillWhenTheKernelHasIt) {
  ASSERT_EQ(::mkdir((dir_ + "/unified").c_str(), 0755), 0);
  write("unified/cgroup.kill", "");
  write("unified/cgroup.procs", std::to_string(spawn_sleeper()) + "\n");
  auto cgroup = Cgroup::parse("dir /sys/fs/cgroup/unified 1 - " + dir_ + "/unified\n");
  EXPECT_EQ(cgroup.kill_file(SIGKILL), dir_ + "/unified/cgroup.kill");
  EXPECT_EQ(cgroup.kill_file(SIGTERM), "");  // cgroup.kill can only SIGKILL
  ASSERT_TRUE(cgroup.signal_all(SIGKILL, 0).has_value());
  EXPECT_EQ(read("unified/cgroup.kill"), "1");
  // The kernel would have killed it; the pid list was not used.
  EXPECT_EQ(death_signal(), 0);
}

TEST_F(KillAll, WithoutCgroupKillEachPidIsSignalledWhileFrozen) {
  // A hybrid-looking cgroup whose unified side lacks cgroup.kill (before
  // 5.14), with a v1 freezer: the frozen-list path.
  ASSERT_EQ(::mkdir((dir_ + "/unified").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((dir_ + "/freezer").c_str(), 0755), 0);
  write("freezer/freezer.state", "THAWED\n");
  pid_t pid = spawn_sleeper();
  write("freezer/cgroup.procs", std::to_string(pid) + "\n" + std::to_string(::getpid()) + "\n");
  auto cgroup = Cgroup::parse("dir /sys/fs/cgroup/freezer 0 freezer " + dir_ + "/freezer\n" +
                              "dir /sys/fs/cgroup/unified 1 - " + dir_ + "/unified\n");
  EXPECT_EQ(cgroup.kill_file(SIGKILL), "");
  // `except` (here this test itself, standing for the init) is spared.
  ASSERT_TRUE(cgroup.signal_all(SIGKILL, ::getpid()).has_value());
  EXPECT_EQ(death_signal(), SIGKILL);
  // Frozen for the signals, thawed after.
  EXPECT_EQ(read("freezer/freezer.state"), "THAWED");
}

TEST_F(KillAll, OtherSignalsUseThePidListEvenWithCgroupKill) {
  ASSERT_EQ(::mkdir((dir_ + "/unified").c_str(), 0755), 0);
  write("unified/cgroup.kill", "");
  write("unified/cgroup.freeze", "0");
  write("unified/cgroup.events", "populated 1\nfrozen 0\n");
  write("unified/cgroup.procs", std::to_string(spawn_sleeper()) + "\n");
  auto cgroup = Cgroup::parse("dir /sys/fs/cgroup/unified 1 - " + dir_ + "/unified\n");
  // A fake cgroup.events never says "frozen 1": the freeze fails, and the
  // signal still goes out (unfrozen), as without a freezer.
  ASSERT_TRUE(cgroup.signal_all(SIGTERM, 0).has_value());
  EXPECT_EQ(death_signal(), SIGTERM);
  EXPECT_EQ(read("unified/cgroup.kill"), "");
  EXPECT_EQ(read("unified/cgroup.freeze"), "0");  // thawed again after the failed freeze
}

TEST_F(KillAll, APausedContainerStaysPaused) {
  ASSERT_EQ(::mkdir((dir_ + "/freezer").c_str(), 0755), 0);
  write("freezer/freezer.state", "FROZEN\n");
  write("freezer/cgroup.procs", std::to_string(spawn_sleeper()) + "\n");
  auto cgroup = Cgroup::parse("dir /sys/fs/cgroup/freezer 0 freezer " + dir_ + "/freezer\n");
  ASSERT_TRUE(cgroup.signal_all(SIGTERM, 0).has_value());
  EXPECT_EQ(death_signal(), SIGTERM);
  EXPECT_EQ(read("freezer/freezer.state"), "FROZEN\n");
}

}  // namespace
