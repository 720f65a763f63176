// supervise() runs in its caller's process: it forwards signals to the
// container and returns its status, and leaves the caller's signal mask as
// it found it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/launch.h"
#include "util/sys.h"

namespace ward::runtime {
namespace {

sigset_t current_mask() {
  sigset_t mask;
  ::pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  return mask;
}

bool same_mask(const sigset_t& a, const sigset_t& b) {
  for (int sig = 1; sig < SIGRTMAX; ++sig)
    if (::sigismember(&a, sig) != ::sigismember(&b, sig)) return false;
  return true;
}

LaunchedContainer launched_child(pid_t pid) {
  LaunchedContainer launched;
  launched.state.pid = pid;
  auto pidfd = sys::pidfd_open(pid);
  EXPECT_TRUE(pidfd);
  if (pidfd) launched.pidfd = std::move(*pidfd);
  return launched;
}

TEST(Supervise, ReturnsTheStatusAndRestoresTheSignalMask) {
  sigset_t before = current_mask();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) ::_exit(3);
  auto launched = launched_child(pid);
  auto status = supervise(launched);
  ASSERT_TRUE(status) << status.error().what();
  EXPECT_EQ(exit_code(*status), 3);
  EXPECT_TRUE(same_mask(before, current_mask()));
}

TEST(Supervise, ForwardsASignalToTheContainer) {
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::pause();  // SIGTERM's default action ends it
    ::_exit(0);
  }
  auto launched = launched_child(pid);
  // A SIGTERM that reached this process before supervise() started: kept
  // pending (blocked here), it is read through supervise()'s signalfd and
  // sent on to the container.
  sigset_t term;
  ::sigemptyset(&term);
  ::sigaddset(&term, SIGTERM);
  sigset_t original;
  ::pthread_sigmask(SIG_BLOCK, &term, &original);
  ::raise(SIGTERM);
  sigset_t before = current_mask();
  auto status = supervise(launched);
  EXPECT_TRUE(same_mask(before, current_mask()));
  sigset_t pending;
  ::sigpending(&pending);
  EXPECT_FALSE(::sigismember(&pending, SIGTERM));
  ::pthread_sigmask(SIG_SETMASK, &original, nullptr);
  ASSERT_TRUE(status) << status.error().what();
  EXPECT_EQ(exit_code(*status), 128 + SIGTERM);
}

}  // namespace
}  // namespace ward::runtime
