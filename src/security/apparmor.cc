// The host side of AppArmor: is it enabled, is a profile loaded, loading
// ward-default, and the one write the container's init makes.
#include "security/apparmor.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "util/subprocess.h"
#include "util/sys.h"

namespace ward::security {

namespace {

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

// The profile goes to apparmor_parser on stdin from a sealed-size memfd:
// no temporary file for anyone to swap.
Result<> load_default_profile() {
  int fd = ::memfd_create("ward-default", MFD_CLOEXEC);
  if (fd < 0) return fail_errno(errno, "load ward-default: memfd_create");
  UniqueFd profile(fd);
  std::string text = default_apparmor_profile();
  if (sys::raw::write_all(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
      ::lseek(fd, 0, SEEK_SET) < 0)
    return fail_errno(errno, "load ward-default: write the profile");
  // -K: no cache on disk; -r: replace a profile of the same name.
  auto ran = sys::run_captured({"apparmor_parser", "-Kr"}, sys::Capture::stdout_and_stderr, fd);
  if (!ran) return std::unexpected(ran.error().wrap("load ward-default"));
  if (ran->status != 0)
    return fail(fmt::format("load ward-default: apparmor_parser exited with {}: {}", ran->status,
                            error_line(ran->output)));
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
