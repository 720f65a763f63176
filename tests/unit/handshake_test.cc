// The parent's side of the setup handshake, against a child played by a
// thread on a real SOCK_SEQPACKET socketpair.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "runtime/child/sync.h"
#include "runtime/handshake.h"

namespace ward::runtime {
namespace {

struct Pair {
  UniqueFd parent, child;
  Pair() {
    int socks[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, socks), 0);
    parent.reset(socks[0]);
    child.reset(socks[1]);
  }
};

SyncType receive(int sock) {
  SyncMessage message{};
  int fd = -1;
  EXPECT_EQ(raw::sync_recv(sock, &message, &fd), 0);
  if (fd >= 0) ::close(fd);
  return message.type;
}

TEST(SetupHandshake, ServesRequestsUntilReadyThenWaitsForTheClose) {
  Pair pair;
  int hooks_run = 0;
  int seccomp_fds = 0;
  std::thread child([&] {
    EXPECT_EQ(receive(pair.child.get()), SyncType::go);
    raw::sync_send(pair.child.get(), SyncType::run_runtime_hooks);
    EXPECT_EQ(receive(pair.child.get()), SyncType::hooks_done);
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    raw::sync_send(pair.child.get(), SyncType::console, 0, nullptr, null_fd);
    raw::sync_send(pair.child.get(), SyncType::seccomp_fd, 0, nullptr, null_fd);
    ::close(null_fd);
    raw::sync_send(pair.child.get(), SyncType::ready);
    EXPECT_EQ(receive(pair.child.get()), SyncType::created);
    pair.child.reset();
  });
  SetupHandshake handshake(pair.parent.get(), "test child");
  UniqueFd master;
  HandshakeSteps steps;
  steps.console_master = &master;
  steps.runtime_hooks = [&]() -> Result<> {
    ++hooks_run;
    return {};
  };
  steps.seccomp_fd = [&](int fd) -> Result<> {
    EXPECT_GE(fd, 0);
    ++seccomp_fds;
    return {};
  };
  auto go = handshake.go();
  EXPECT_TRUE(go);
  auto ready = handshake.until_ready(steps);
  EXPECT_TRUE(ready) << ready.error().what();
  auto created = handshake.created();
  EXPECT_TRUE(created);
  child.join();
  EXPECT_EQ(hooks_run, 1);
  EXPECT_EQ(seccomp_fds, 1);
  EXPECT_TRUE(master);
}

TEST(SetupHandshake, AChildsErrorBecomesAnErrorWithItsKind) {
  Pair pair;
  std::thread child([&] {
    raw::sync_send(pair.child.get(), SyncType::error, EACCES, "exec /bin/x");
    pair.child.reset();
  });
  SetupHandshake handshake(pair.parent.get(), "test child");
  auto ready = handshake.until_ready({});
  child.join();
  ASSERT_FALSE(ready);
  EXPECT_EQ(ready.error().what(), "exec /bin/x: Permission denied");
  EXPECT_TRUE(ready.error().is(ErrorKind::permission_denied));
}

TEST(SetupHandshake, ARequestWithoutAHandlerFails) {
  Pair pair;
  std::thread child([&] {
    raw::sync_send(pair.child.get(), SyncType::run_runtime_hooks);
    pair.child.reset();
  });
  SetupHandshake handshake(pair.parent.get(), "test child");
  auto ready = handshake.until_ready({});
  child.join();
  ASSERT_FALSE(ready);
  EXPECT_NE(ready.error().what().find("test child: unexpected message"), std::string::npos) << ready.error().what();
}

TEST(SetupHandshake, AChildThatDiesDuringSetupIsReported) {
  Pair pair;
  pair.child.reset();
  SetupHandshake handshake(pair.parent.get(), "test child");
  auto ready = handshake.until_ready({});
  ASSERT_FALSE(ready);
  EXPECT_EQ(ready.error().what(), "test child exited during setup");
}

}  // namespace
}  // namespace ward::runtime
