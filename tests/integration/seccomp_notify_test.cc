// SCMP_ACT_NOTIFY with linux.seccomp.listenerPath: ward-oci hands each
// filter's notify fd, with the runtime-spec's container process state, to
// a seccomp agent, which then answers the container's calls in place of
// the kernel.  The agent here is a thread of the test: it answers every
// notification with a fixed reply and never runs the call itself, so a
// "successful" mkdir that created nothing can only come from it.
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "support.h"

namespace ward::test {
namespace {

struct Notification {
  int pid = 0;
  int parent_pid = 0;  // of `pid`, read while the call waits
  int syscall = -1;
};

// A seccomp agent on a unix socket: accepts connections, keeps the payload
// and the fds of each, and answers every notification on those fds with
// `reply_errno` (0: the call "succeeds" with value 0 without being run;
// kSilent: never answers).
// Every wait is bounded, and the destructor stops and joins the thread,
// so a test cannot hang on it.
class SeccompAgent {
 public:
  static constexpr int kSilent = -1;

  SeccompAgent(const std::string& path, int reply_errno) : reply_errno_(reply_errno) {
    listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) < 0 || ::listen(listener_, 8) < 0)
      ADD_FAILURE() << "agent: cannot listen on " << path << ": " << std::strerror(errno);
    thread_ = std::thread([this] { run(); });
  }
  ~SeccompAgent() {
    stop_ = true;
    thread_.join();
    for (int fd : notify_fds_) ::close(fd);
    ::close(listener_);
  }

  std::vector<std::string> payloads() {
    std::lock_guard lock(mutex_);
    return payloads_;
  }
  std::vector<int> fd_counts() {
    std::lock_guard lock(mutex_);
    return fd_counts_;
  }
  std::vector<Notification> notifications() {
    std::lock_guard lock(mutex_);
    return notifications_;
  }
  // Waits (at most 10 s) until `count` connections were read.
  bool wait_for_payloads(size_t count) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (payloads().size() < count) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }

 private:
  void run() {
    while (!stop_) {
      std::vector<pollfd> fds = {{listener_, POLLIN, 0}};
      if (reply_errno_ >= 0)
        for (int fd : notify_fds_) fds.push_back({fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
      if (fds[0].revents & POLLIN) accept_one();
      for (size_t i = 1; i < fds.size(); ++i)
        if (fds[i].revents & POLLIN) answer(fds[i].fd);
    }
  }

  void accept_one() {
    int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) return;
    timeval timeout{5, 0};
    ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    std::string payload;
    int fd_count = 0;
    for (;;) {
      char buffer[4096];
      iovec iov{buffer, sizeof(buffer)};
      alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)] = {};
      msghdr header{};
      header.msg_iov = &iov;
      header.msg_iovlen = 1;
      header.msg_control = control;
      header.msg_controllen = sizeof(control);
      ssize_t n = ::recvmsg(connection, &header, MSG_CMSG_CLOEXEC);
      if (n <= 0) break;  // the runtime closes the connection after one state
      payload.append(buffer, static_cast<size_t>(n));
      for (cmsghdr* cmsg = CMSG_FIRSTHDR(&header); cmsg != nullptr; cmsg = CMSG_NXTHDR(&header, cmsg)) {
        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
          int fd;
          std::memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
          notify_fds_.push_back(fd);
          ++fd_count;
        }
      }
    }
    ::close(connection);
    std::lock_guard lock(mutex_);
    payloads_.push_back(payload);
    fd_counts_.push_back(fd_count);
  }

  void answer(int notify_fd) {
    if (reply_errno_ < 0) return;  // silent: the call waits until killed
    seccomp_notif request;
    std::memset(&request, 0, sizeof(request));
    if (::ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &request) < 0) return;
    Notification seen;
    seen.pid = static_cast<int>(request.pid);
    seen.syscall = request.data.nr;
    std::string text = read_text("/proc/" + std::to_string(request.pid) + "/status");
    auto at = text.find("\nPPid:");
    if (at != std::string::npos) seen.parent_pid = std::atoi(text.c_str() + at + 6);
    {
      // Recorded before the reply: once answered, the container may finish
      // and the test look before this thread gets the lock.
      std::lock_guard lock(mutex_);
      notifications_.push_back(seen);
    }
    seccomp_notif_resp response;
    std::memset(&response, 0, sizeof(response));
    response.id = request.id;
    response.error = -reply_errno_;
    response.val = 0;
    ::ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &response);
  }

  int reply_errno_;
  int listener_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<int> notify_fds_;  // the agent thread's only
  std::mutex mutex_;
  std::vector<std::string> payloads_;
  std::vector<int> fd_counts_;
  std::vector<Notification> notifications_;
};

class SeccompNotify : public BundleTest {
 protected:
  void SetUp() override {
    BundleTest::SetUp();
    socket_ = dir_ + "/agent.sock";
    config_["root"]["readonly"] = false;
  }
  // ALLOW by default; mkdir and mkdirat with `action`.
  void use_profile(const std::string& action, std::vector<std::string> flags = {}) {
    config_["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                                   {"listenerPath", socket_},
                                   {"listenerMetadata", "agent-metadata-42"},
                                   {"flags", flags},
                                   {"syscalls", {{{"names", {"mkdir", "mkdirat"}}, {"action", action}}}}};
    save_config();
  }
  static bool is_mkdir(int nr) { return nr == SYS_mkdir || nr == SYS_mkdirat; }

  std::string socket_;
};

TEST_F(SeccompNotify, AgentAnswersInsteadOfTheKernel) {
  SeccompAgent agent(socket_, 0);
  use_profile("SCMP_ACT_NOTIFY");
  set_args({"sh", "-c", "mkdir /tmp/x; echo status=$?; if [ -d /tmp/x ]; then echo x=made; else echo x=absent; fi"});
  auto outcome = oci({"run", "n1"}, "", 30);
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto facts = parse_facts(outcome.out);
  // mkdir reported success, yet nothing was made: only the agent answers so.
  EXPECT_EQ(facts["status"], "0") << outcome.out;
  EXPECT_EQ(facts["x"], "absent") << outcome.out;
  EXPECT_FALSE(exists(rootfs_ + "/tmp/x"));

  ASSERT_EQ(agent.payloads().size(), 1u);
  EXPECT_EQ(agent.fd_counts(), std::vector<int>{1});
  auto payload = nlohmann::json::parse(agent.payloads()[0]);
  EXPECT_TRUE(payload["ociVersion"].is_string() && !payload["ociVersion"].get<std::string>().empty());
  EXPECT_EQ(payload["fds"], nlohmann::json::array({"seccompFd"}));
  EXPECT_EQ(payload["metadata"], "agent-metadata-42");
  EXPECT_EQ(payload["state"]["id"], "n1");
  EXPECT_EQ(payload["state"]["status"], "creating");
  EXPECT_EQ(payload["state"]["bundle"], bundle_);
  EXPECT_EQ(payload["state"]["pid"], payload["pid"]);
  // The pid is the container's init: the mkdir came from it (a shell
  // builtin) or from its child.
  int init_pid = payload["pid"];
  auto seen = agent.notifications();
  ASSERT_FALSE(seen.empty());
  for (const auto& n : seen) {
    EXPECT_TRUE(is_mkdir(n.syscall)) << n.syscall;
    EXPECT_TRUE(n.pid == init_pid || n.parent_pid == init_pid) << n.pid << " " << n.parent_pid << " " << init_pid;
  }
}

TEST_F(SeccompNotify, WithoutNotifyTheKernelAnswersAndNoAgentIsCalled) {
  // The control for the test above: the same profile with ALLOW.  The
  // listenerPath is then ignored, as the runtime-spec says.
  SeccompAgent agent(socket_, 0);
  use_profile("SCMP_ACT_ALLOW");
  set_args({"sh", "-c", "mkdir /tmp/x; echo status=$?; if [ -d /tmp/x ]; then echo x=made; else echo x=absent; fi"});
  auto outcome = oci({"run", "n2"}, "", 30);
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto facts = parse_facts(outcome.out);
  EXPECT_EQ(facts["status"], "0");
  EXPECT_EQ(facts["x"], "made");
  EXPECT_TRUE(exists(rootfs_ + "/tmp/x"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(agent.payloads().empty());
}

TEST_F(SeccompNotify, AgentErrnoReachesTheContainerWithFlagsAndWithoutNoNewPrivileges) {
  // ENAMETOOLONG for a short name: the agent's answer, not the kernel's.
  // Without no_new_privs the filter needs CAP_SYS_ADMIN, so it is loaded
  // before the switch to uid 1000; TSYNC and WAIT_KILLABLE_RECV combine
  // with the listener flag.
  SeccompAgent agent(socket_, ENAMETOOLONG);
  config_["process"]["noNewPrivileges"] = false;
  config_["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
  use_profile("SCMP_ACT_NOTIFY", {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"});
  set_args({"sh", "-c", "mkdir /tmp/y 2>&1; echo status=$?; id -u"});
  auto outcome = oci({"run", "n3"}, "", 30);
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("File name too long"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("status=1\n1000\n"), std::string::npos) << outcome.out;
  EXPECT_FALSE(exists(rootfs_ + "/tmp/y"));
  EXPECT_EQ(agent.payloads().size(), 1u);
}

TEST_F(SeccompNotify, InAUserNamespaceWithoutNoNewPrivileges) {
  // The init loads the filter with CAP_SYS_ADMIN of its own user namespace.
  SeccompAgent agent(socket_, ENAMETOOLONG);
  use_user_namespace(200000);
  config_["process"]["noNewPrivileges"] = false;
  ::chmod((rootfs_ + "/tmp").c_str(), 01777);
  use_profile("SCMP_ACT_NOTIFY");
  set_args({"sh", "-c", "mkdir /tmp/u 2>&1; echo status=$?"});
  auto outcome = oci({"run", "n7"}, "", 30);
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("File name too long"), std::string::npos) << outcome.out;
  EXPECT_EQ(agent.payloads().size(), 1u);
}

TEST_F(SeccompNotify, CreateHandsTheInitsFdBeforeItReturns) {
  SeccompAgent agent(socket_, 0);
  use_profile("SCMP_ACT_NOTIFY");
  set_args({"sh", "-c", "mkdir /tmp/z; echo status=$? > /tmp/result; [ -d /tmp/z ] || echo z=absent >> /tmp/result"});
  auto created = oci({"create", "n4"}, "", 30);
  ASSERT_EQ(created.status, 0) << created.err;
  // Sent during `create`: the connection is queued by the time it returns.
  ASSERT_TRUE(agent.wait_for_payloads(1));
  auto payload = nlohmann::json::parse(agent.payloads()[0]);
  auto state = nlohmann::json::parse(oci({"state", "n4"}).out);
  EXPECT_EQ(state["status"], "created");
  EXPECT_EQ(payload["pid"], state["pid"]);
  EXPECT_EQ(payload["state"]["status"], "creating");
  ASSERT_EQ(oci({"start", "n4"}).status, 0);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (read_text(rootfs_ + "/tmp/result").find("z=absent") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(read_text(rootfs_ + "/tmp/result"), "status=0\nz=absent\n");
  EXPECT_FALSE(agent.notifications().empty());
  EXPECT_EQ(oci({"delete", "--force", "n4"}).status, 0);
}

TEST_F(SeccompNotify, ExecHandsTheNewProcessFdToo) {
  SeccompAgent agent(socket_, ENAMETOOLONG);
  use_profile("SCMP_ACT_NOTIFY");
  set_args({"sleep", "60"});
  auto started = oci({"run", "--detach", "n5"}, "", 30);
  ASSERT_EQ(started.status, 0) << started.err;
  ASSERT_TRUE(agent.wait_for_payloads(1));
  int init_pid = nlohmann::json::parse(oci({"state", "n5"}).out)["pid"];

  auto outcome = oci({"exec", "n5", "sh", "-c", "mkdir /tmp/e 2>&1; echo status=$?"}, "", 30);
  EXPECT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("File name too long"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("status=1"), std::string::npos) << outcome.out;
  EXPECT_FALSE(exists(rootfs_ + "/tmp/e"));
  ASSERT_EQ(agent.payloads().size(), 2u);
  EXPECT_EQ(agent.fd_counts(), (std::vector<int>{1, 1}));
  auto payload = nlohmann::json::parse(agent.payloads()[1]);
  EXPECT_NE(payload["pid"], init_pid);  // the exec'd process
  EXPECT_EQ(payload["state"]["pid"], init_pid);
  EXPECT_EQ(payload["state"]["status"], "running");
  EXPECT_EQ(payload["metadata"], "agent-metadata-42");
  for (const auto& n : agent.notifications()) EXPECT_NE(n.pid, init_pid);  // sleep made no mkdir
}

TEST_F(SeccompNotify, SilentAgentHoldsOnlyTheNotifiedCall) {
  // An agent that never answers: `create` and `start` still return, the
  // notified mkdir waits, and `delete --force` still ends the container.
  SeccompAgent agent(socket_, SeccompAgent::kSilent);
  use_profile("SCMP_ACT_NOTIFY");
  set_args({"sh", "-c", "echo before > /tmp/result; mkdir /tmp/s; echo after >> /tmp/result"});
  ASSERT_EQ(oci({"create", "n8"}, "", 30).status, 0);
  ASSERT_EQ(oci({"start", "n8"}, "", 30).status, 0);
  int pid = nlohmann::json::parse(oci({"state", "n8"}).out)["pid"];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (read_text(rootfs_ + "/tmp/result").empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(read_text(rootfs_ + "/tmp/result"), "before\n");
  EXPECT_EQ(nlohmann::json::parse(oci({"state", "n8"}).out)["status"], "running");
  auto removed = oci({"delete", "--force", "n8"}, "", 30);
  EXPECT_EQ(removed.status, 0) << removed.err;
  EXPECT_TRUE(state_entries().empty());
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (exists("/proc/" + std::to_string(pid) + "/stat") &&
         read_text("/proc/" + std::to_string(pid) + "/stat").find(") Z ") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  EXPECT_TRUE(stat.empty() || stat.find(") Z ") != std::string::npos) << stat;
}

TEST_F(SeccompNotify, MissingListenerFailsCreateAndLeavesNothing) {
  use_profile("SCMP_ACT_NOTIFY");  // nobody listens on socket_
  auto processes = processes_mentioning(dir_ + "/state");
  auto outcome = oci({"create", "n6"}, "", 30);
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("linux.seccomp.listenerPath: connect " + socket_ + ": No such file or directory"),
            std::string::npos)
      << outcome.err;
  EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.err;
  EXPECT_TRUE(state_entries().empty());
  EXPECT_EQ(processes_mentioning(dir_ + "/state"), processes);
  std::string parent = dir_.substr(dir_.rfind('/') + 1);
  EXPECT_FALSE(exists("/sys/fs/cgroup/pids/" + parent + "/n6"));
  EXPECT_FALSE(exists("/sys/fs/cgroup/memory/" + parent + "/n6"));
}

}  // namespace
}  // namespace ward::test

namespace ward::test {
namespace {

// Targets of this process's fds that are seccomp notify fds.
std::vector<std::string> own_notify_fds() {
  std::vector<std::string> found;
  for (int fd = 0; fd < 1024; ++fd) {
    char target[256] = {};
    std::string link = "/proc/self/fd/" + std::to_string(fd);
    ssize_t n = ::readlink(link.c_str(), target, sizeof(target) - 1);
    if (n > 0 && std::string(target, static_cast<size_t>(n)).find("seccomp notify") != std::string::npos)
      found.emplace_back(target, static_cast<size_t>(n));
  }
  return found;
}

TEST_F(SeccompNotify, ContainerDoesNotHoldItsOwnNotifyFd) {
  // With its filter's notify fd a container could answer its own calls and
  // bypass the agent: the init closes it once ward-oci has a copy.
  SeccompAgent agent(socket_, 0);
  use_profile("SCMP_ACT_NOTIFY");
  auto facts = run_checker({"ward-checker", "fds"});
  std::set<std::string> fds;
  for (const auto& [key, value] : facts) {
    fds.insert(key);
    EXPECT_EQ(value.find("seccomp notify"), std::string::npos) << key << "=" << value;
  }
  EXPECT_EQ(fds, (std::set<std::string>{"fd.0", "fd.1", "fd.2"}));
  // The same check finds the fd where it does live, in the agent.
  ASSERT_TRUE(agent.wait_for_payloads(1));
  EXPECT_FALSE(own_notify_fds().empty());
}

}  // namespace
}  // namespace ward::test
