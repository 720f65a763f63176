// SIGKILL at every moment of a stop and a removal (issue 15): `ward stop`,
// `ward rm -f`, and the container's monitor while `ward stop` waits, each
// killed after a growing delay (0, 2 ms, 4 ms, ... until the command
// finishes first), must leave nothing that the next `ward ps` cannot show
// and `ward rm -f` cannot clean: no mount under the test's directory, no
// cgroup, runtime state, monitor socket or database row.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "engine_support.h"
#include "util/fd.h"
#include "util/sys.h"

namespace ward::test {
namespace {

class EngineKillSteps : public EngineTest {
 protected:
  enum class Victim { command, monitor };

  // Kills `ward VERB... victim` (or the victim's monitor while it runs)
  // after each delay in turn, then checks and cleans.
  void kill_at_each_moment(const std::vector<std::string>& verb, Victim victim) {
    bool finished = false;
    for (int delay_us = 0; delay_us < 4000000 && !finished; delay_us = delay_us == 0 ? 2000 : delay_us * 2) {
      SCOPED_TRACE("killed after " + std::to_string(delay_us) + " us");
      // The container stops at SIGTERM within a tenth of a second, so the
      // stop's wait for it is one of the moments.
      auto started = ward({"run", "-d", "--name", "victim", "busybox", "sh", "-c",
                           "trap 'exit 3' TERM; while true; do sleep 0.1; done"});
      ASSERT_EQ(started.status, 0) << started.err;
      ASSERT_TRUE(wait_running("victim"));
      // Held by a pidfd, so a monitor that has exited by the time of the
      // kill cannot stand for another process that took its pid.
      pid_t monitor = parent_of(field("victim", "{{.State.Pid}}"));
      ASSERT_GT(monitor, 1);
      ward::UniqueFd monitor_fd(sys::raw::pidfd_open(monitor));
      ASSERT_TRUE(monitor_fd) << "pidfd_open " << monitor;
      std::vector<std::string> args = verb;
      args.push_back("victim");
      pid_t command = start_ward(args);
      std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
      if (victim == Victim::command) {
        ::kill(command, SIGKILL);
        finished = wait_ward(command) == 0;
      } else {
        // The stop got there first when it has returned: the monitor may
        // still be in its last steps (slow under ASan), which is one more
        // moment to kill it at.
        int status = 0;
        finished = ::waitpid(command, &status, WNOHANG) == command;
        if (finished) std::replace(background_.begin(), background_.end(), command, pid_t{-1});
        sys::raw::pidfd_send_signal(monitor_fd.get(), SIGKILL);
        if (!finished) {
          EXPECT_NE(wait_ward(command), -1) << "ward stop hung once the monitor was killed";
        }
      }
      remove_every_container_and_expect_none_left();
    }
    EXPECT_TRUE(finished) << "the command never finished within 4 s";
  }

  static pid_t parent_of(const std::string& pid) {
    std::string status = read_text("/proc/" + pid + "/status");
    auto at = status.find("PPid:\t");
    if (at == std::string::npos) return -1;
    return std::stoi(status.substr(at + 6));
  }
};

TEST_F(EngineKillSteps, AKilledStopLeavesNothingThatRmCannotClean) {
  kill_at_each_moment({"stop"}, Victim::command);
}

TEST_F(EngineKillSteps, AKilledRmLeavesNothingThatTheNextRmCannotClean) {
  kill_at_each_moment({"rm", "-f"}, Victim::command);
}

TEST_F(EngineKillSteps, AMonitorKilledDuringAStopLeavesNothingThatRmCannotClean) {
  kill_at_each_moment({"stop"}, Victim::monitor);
}

}  // namespace
}  // namespace ward::test
