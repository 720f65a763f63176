// The host side of AppArmor: is it enabled, is a profile loaded, loading
// ward-default, and the one write the container's init makes.
#include "security/apparmor.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "util/sys.h"

extern char** environ;

namespace ward::security {

namespace {

// Runs argv (no shell), its stdout and stderr captured; the exit status or
// an error.
Result<int> run_captured(const std::vector<std::string>& argv, std::string& output) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) < 0) return fail_errno(errno, "pipe");
  UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 2);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int r = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (r != 0) return fail_errno(r, fmt::format("run {}", argv[0]));
  write_end.reset();
  char buffer[4096];
  for (;;) {
    ssize_t n = sys::raw::read_some(read_end.get(), buffer, sizeof(buffer));
    if (n <= 0) break;
    if (output.size() < 65536) output.append(buffer, static_cast<size_t>(n));
  }
  int status = 0;
  if (sys::raw::retry([&] { return ::waitpid(pid, &status, 0); }) < 0) return fail_errno(errno, "waitpid");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// apparmor_parser's own error line: the first that says "error", else
// the last one (it prints warnings, such as a missing cache, first).
std::string error_line(const std::string& text) {
  std::istringstream lines(text);
  std::string line, last;
  while (std::getline(lines, line)) {
    if (line.find("error") != std::string::npos) return line;
    if (!line.empty()) last = line;
  }
  return last.empty() ? "no output" : last;
}

Result<> load_default_profile() {
  char path[] = "/tmp/ward-default.XXXXXX";
  int fd = ::mkostemp(path, O_CLOEXEC);
  if (fd < 0) return fail_errno(errno, "create a temporary file for the profile");
  UniqueFd file(fd);
  std::string text = default_apparmor_profile();
  bool written = sys::raw::write_all(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int saved = errno;
  file.reset();
  if (!written) {
    ::unlink(path);
    return fail_errno(saved, fmt::format("write {}", path));
  }
  std::string output;
  // -K: no cache on disk; -r: replace a profile of the same name.
  auto status = run_captured({"apparmor_parser", "-Kr", path}, output);
  ::unlink(path);
  if (!status) return std::unexpected(status.error().wrap("load ward-default"));
  if (*status != 0)
    return fail(fmt::format("load ward-default: apparmor_parser exited with {}: {}", *status, error_line(output)));
  return {};
}

}  // namespace

bool apparmor_enabled(const std::string& root) {
  if (sys::path_exists(root + "/sys/kernel/security/apparmor")) return true;
  auto enabled = sys::read_file(root + "/sys/module/apparmor/parameters/enabled");
  return enabled && enabled->starts_with('Y');
}

std::string apparmor_exec_attr_path(const std::string& root) {
  if (sys::path_exists(root + "/proc/self/attr/apparmor/exec")) return "/proc/thread-self/attr/apparmor/exec";
  return "/proc/thread-self/attr/exec";
}

bool apparmor_profile_loaded(std::string_view name, const std::string& root) {
  auto text = sys::read_file(root + "/sys/kernel/security/apparmor/profiles");
  if (!text) return false;
  // One "NAME (MODE)" per line.
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    size_t mode = line.rfind(" (");
    if (mode != std::string::npos && std::string_view(line).substr(0, mode) == name) return true;
  }
  return false;
}

Result<> prepare_apparmor_profile(const std::string& name, std::string_view field, const std::string& root) {
  if (name.empty()) return {};
  if (auto r = validate_profile_reference(name); !r) return std::unexpected(r.error().wrap(field));
  if (!apparmor_enabled(root))
    return fail(fmt::format("{}: AppArmor is not enabled on this host (profile \"{}\")", field, name));
  if (name == kDefaultAppArmorProfile && !apparmor_profile_loaded(name, root)) {
    if (auto r = load_default_profile(); !r) return std::unexpected(r.error().wrap(field));
  }
  return {};
}

namespace raw {
int apparmor_change_onexec(const char* attr_path, const char* command, std::size_t size) noexcept {
  return sys::raw::write_path(AT_FDCWD, attr_path, command, size);
}
}  // namespace raw

}  // namespace ward::security
