#include "clients_support.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "support.h"

extern char** environ;

namespace ward::test {

std::string make_image_tar(const std::string& dir, bool with_checker) {
  std::string rootfs = dir + "/image-rootfs";
  for (const char* sub : {"", "/bin", "/etc", "/tmp", "/proc", "/sys", "/dev", "/root"})
    ::mkdir((rootfs + sub).c_str(), 0755);
  ::chmod((rootfs + "/tmp").c_str(), 01777);
  run_command({"cp", "/bin/busybox", rootfs + "/bin/busybox"});
  if (with_checker) run_command({"cp", WARD_CHECKER_BINARY, rootfs + "/bin/ward-checker"});
  run_command({"chroot", rootfs, "/bin/busybox", "--install", "-s", "/bin"});
  write_text(rootfs + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
  write_text(rootfs + "/etc/group", "root:x:0:\n");
  run_command({"tar", "-C", rootfs, "-cf", dir + "/bb.tar", "."});
  return dir + "/bb.tar";
}

pid_t spawn_daemon(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> raw;
  for (const auto& arg : argv) raw.push_back(const_cast<char*>(arg.c_str()));
  raw.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  // Its own process group: a ^C at the terminal reaches the test, which
  // then stops the daemon in order, not the daemon mid-way.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  pid_t pid = -1;
  int error = ::posix_spawnp(&pid, raw[0], &actions, &attributes, raw.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    ADD_FAILURE() << "cannot start " << argv[0] << ": " << std::strerror(error);
    return -1;
  }
  return pid;
}

bool stop_daemon(pid_t pid, int grace_seconds) {
  if (pid <= 0) return true;
  ::kill(pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(grace_seconds);
  int status;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return true;
    ::usleep(20000);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return false;
}

void unmount_under(const std::string& dir) {
  run_command({"sh", "-c", "grep -o ' " + dir + "/[^ ]*' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l"});
}

}  // namespace ward::test
