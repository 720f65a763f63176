// What ward-oci sends to a seccomp agent (linux.seccomp.listenerPath): the
// runtime-spec's container process state, and the notify fd beside it.
#include "runtime/seccomp_listener.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include <nlohmann/json.hpp>

#include "oci/config.h"
#include "runtime/features.h"
#include "util/fd.h"
#include "util/sys.h"
#include "temp_dir.h"

namespace ward::runtime {
namespace {

ContainerState sample_state() {
  ContainerState state;
  state.id = "c1";
  state.oci_version = "1.0.2";
  state.pid = 4422;
  state.bundle = "/containers/redis";
  state.rootfs = "/containers/redis/rootfs";
  state.annotations = {{"myKey", "myValue"}};
  return state;
}

TEST(SeccompListener, PayloadHasTheContainerProcessStateShape) {
  auto payload = nlohmann::json::parse(
      container_process_state_json(sample_state(), Status::creating, 4422, "MKNOD=/dev/null"));
  EXPECT_EQ(payload["ociVersion"], oci::kRuntimeSpecVersion);
  EXPECT_EQ(payload["fds"], nlohmann::json::array({"seccompFd"}));
  EXPECT_EQ(payload["pid"], 4422);
  EXPECT_EQ(payload["metadata"], "MKNOD=/dev/null");
  const auto& state = payload["state"];
  EXPECT_EQ(state["ociVersion"], "1.0.2");
  EXPECT_EQ(state["id"], "c1");
  EXPECT_EQ(state["status"], "creating");
  EXPECT_EQ(state["pid"], 4422);
  EXPECT_EQ(state["bundle"], "/containers/redis");
  EXPECT_EQ(state["annotations"]["myKey"], "myValue");
}

TEST(SeccompListener, ExecPayloadNamesTheNewProcess) {
  // `exec`: the pid is the new process's, the state still the init's.
  auto payload =
      nlohmann::json::parse(container_process_state_json(sample_state(), Status::running, 5000, ""));
  EXPECT_EQ(payload["pid"], 5000);
  EXPECT_EQ(payload["state"]["pid"], 4422);
  EXPECT_EQ(payload["state"]["status"], "running");
  EXPECT_FALSE(payload.contains("metadata"));  // optional, and empty here
}

class SeccompListenerSocket : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(temp_.ok());
    dir_ = temp_.path();
    path_ = dir_ + "/agent.sock";
  }

  UniqueFd listen_on(const std::string& path) {
    UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, path.c_str());
    EXPECT_EQ(::bind(sock.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(::listen(sock.get(), 1), 0);
    return sock;
  }

  test_support::TempDir temp_{"ward-listener"};
  std::string dir_, path_;
};

TEST_F(SeccompListenerSocket, SendsThePayloadWithTheFdAndCloses) {
  UniqueFd listener = listen_on(path_);
  UniqueFd memfd(static_cast<int>(::syscall(SYS_memfd_create, "stand-in", MFD_CLOEXEC)));
  ASSERT_TRUE(memfd);
  ASSERT_TRUE(send_to_seccomp_listener(path_, R"({"pid":1})", memfd.get()));
  UniqueFd connection(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_TRUE(connection);
  char buffer[64] = {};
  iovec iov{buffer, sizeof(buffer) - 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 2)] = {};
  msghdr header{};
  header.msg_iov = &iov;
  header.msg_iovlen = 1;
  header.msg_control = control;
  header.msg_controllen = sizeof(control);
  ssize_t n = ::recvmsg(connection.get(), &header, MSG_CMSG_CLOEXEC);
  ASSERT_EQ(n, 9);
  EXPECT_STREQ(buffer, R"({"pid":1})");
  cmsghdr* cmsg = CMSG_FIRSTHDR(&header);
  ASSERT_NE(cmsg, nullptr);
  ASSERT_EQ(cmsg->cmsg_type, SCM_RIGHTS);
  ASSERT_EQ(cmsg->cmsg_len, CMSG_LEN(sizeof(int)));  // exactly one fd
  int received = -1;
  std::memcpy(&received, CMSG_DATA(cmsg), sizeof(int));
  UniqueFd received_fd(received);
  struct stat ours, theirs;
  ASSERT_EQ(::fstat(memfd.get(), &ours), 0);
  ASSERT_EQ(::fstat(received, &theirs), 0);
  EXPECT_EQ(ours.st_ino, theirs.st_ino);
  // One state per connection, then the runtime closes it.
  EXPECT_EQ(::recv(connection.get(), buffer, sizeof(buffer), 0), 0);
}

TEST_F(SeccompListenerSocket, MissingListenerNamesTheField) {
  auto sent = send_to_seccomp_listener(path_, "{}", 0);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().what(),
            "linux.seccomp.listenerPath: connect " + path_ + ": No such file or directory");
}

TEST_F(SeccompListenerSocket, ListenerThatNeverAcceptsTimesOut) {
  // A backlog of one, filled: the next connect waits, for the timeout only.
  UniqueFd listener = listen_on(path_);
  std::vector<UniqueFd> fillers;
  for (int i = 0; i < 4; ++i) {
    UniqueFd filler(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, path_.c_str());
    if (::connect(filler.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) < 0) break;
    fillers.push_back(std::move(filler));
  }
  auto sent = send_to_seccomp_listener(path_, "{}", 0, 1);
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().what().find("linux.seccomp.listenerPath: connect"), std::string::npos) << sent.error().what();
}

TEST(Features, ListSeccompNotify) {
  auto features = nlohmann::json::parse(runtime::features_json());
  auto actions = features["linux"]["seccomp"]["actions"];
  EXPECT_NE(std::find(actions.begin(), actions.end(), "SCMP_ACT_NOTIFY"), actions.end());
}

}  // namespace
}  // namespace ward::runtime
