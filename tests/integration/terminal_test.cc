// process.terminal: the pty master reaches the --console-socket over
// SCM_RIGHTS, the container sees a controlling terminal of consoleSize.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "support.h"

namespace ward::test {
namespace {

class Terminal : public BundleTest {
 protected:
  void SetUp() override {
    BundleTest::SetUp();
    socket_path_ = dir_ + "/console.sock";
    listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_path_.c_str(), sizeof(addr.sun_path) - 1);
    ASSERT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_EQ(::listen(listener_, 4), 0);
  }
  void TearDown() override {
    if (master_ >= 0) ::close(master_);
    if (listener_ >= 0) ::close(listener_);
    BundleTest::TearDown();
  }

  // Accepts ward-oci's connection and receives the pty master.
  int receive_master() {
    int conn = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) return -1;
    char data[64];
    iovec iov{data, sizeof(data)};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    int fd = -1;
    if (::recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) > 0) {
      cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
      if (cmsg != nullptr && cmsg->cmsg_type == SCM_RIGHTS) std::memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
    }
    ::close(conn);
    return fd;
  }

  // Reads the master until `marker` appears or 10 s pass.
  std::string read_until(int fd, const std::string& marker) {
    std::string text;
    for (int i = 0; i < 200 && text.find(marker) == std::string::npos; ++i) {
      pollfd pfd{fd, POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0) continue;
      char buffer[1024];
      ssize_t n = ::read(fd, buffer, sizeof(buffer));
      if (n <= 0) break;
      text.append(buffer, static_cast<size_t>(n));
    }
    return text;
  }

  std::string socket_path_;
  int listener_ = -1, master_ = -1;
};

TEST_F(Terminal, ConsoleSocketGetsThePtyMaster) {
  config_["process"]["terminal"] = true;
  config_["process"]["consoleSize"] = {{"height", 30}, {"width", 100}};
  set_args({"sh", "-c", "tty; stty size; [ -t 0 ] && echo stdin-is-tty; ls -l /dev/console | cut -c1; echo done"});
  auto created = oci({"create", "--console-socket", socket_path_, "t"});
  ASSERT_EQ(created.status, 0) << created.err;
  master_ = receive_master();
  ASSERT_GE(master_, 0);
  ASSERT_EQ(oci({"start", "t"}).status, 0);
  std::string text = read_until(master_, "done");
  EXPECT_NE(text.find("/dev/pts/0"), std::string::npos) << text;
  EXPECT_NE(text.find("30 100"), std::string::npos) << text;
  EXPECT_NE(text.find("stdin-is-tty"), std::string::npos) << text;
  EXPECT_NE(text.find("\nc"), std::string::npos) << text;  // /dev/console is the pty (a char device)
}

TEST_F(Terminal, TerminalNeedsAConsoleSocket) {
  config_["process"]["terminal"] = true;
  save_config();
  auto outcome = oci({"create", "t"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("console-socket"), std::string::npos) << outcome.err;
  EXPECT_TRUE(state_entries().empty());
}

TEST_F(Terminal, ConsoleSocketWithoutTerminalIsRefused) {
  set_args({"true"});
  auto outcome = oci({"create", "--console-socket", socket_path_, "t"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("terminal"), std::string::npos) << outcome.err;
  EXPECT_TRUE(state_entries().empty());
}

}  // namespace
}  // namespace ward::test

namespace ward::test {
namespace {

TEST_F(Terminal, ExecWithTtyThroughTheConsoleSocket) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"run", "--detach", "tt"}).status, 0);
  auto outcome = oci({"exec", "--tty", "--detach", "--console-socket", socket_path_, "tt", "sh", "-c",
                      "tty; [ -t 0 ] && echo stdin-is-tty; echo done"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  master_ = receive_master();
  ASSERT_GE(master_, 0);
  std::string text = read_until(master_, "done");
  EXPECT_NE(text.find("/dev/pts/"), std::string::npos) << text;
  EXPECT_NE(text.find("stdin-is-tty"), std::string::npos) << text;
}

}  // namespace
}  // namespace ward::test
