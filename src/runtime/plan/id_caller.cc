// What the caller may do about user namespaces (its ids, CAP_SETUID and
// CAP_SETGID, its subordinate ranges, newuidmap/newgidmap), gathered once so
// that plan_id_maps stays a pure function.  Reads files; writes nothing.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

#include "runtime/plan/id_mappings.h"
#include "util/sys.h"

namespace ward::runtime {

namespace {

constexpr int kCapSetgid = 6;
constexpr int kCapSetuid = 7;

// The effective capability set, from /proc/self/status.
std::uint64_t effective_capabilities() {
  auto status = sys::read_file("/proc/self/status");
  if (!status) return 0;
  size_t at = status->find("\nCapEff:");
  if (at == std::string::npos) return 0;
  return std::strtoull(status->c_str() + at + 8, nullptr, 16);
}

// An absolute path to an executable `name` on $PATH, or "".
std::string find_program(const char* name) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr && *path != '\0' ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    size_t end = dirs.find(':');
    std::string_view dir = dirs.substr(0, end);
    if (dir.starts_with('/')) {
      std::string candidate = fmt::format("{}/{}", dir, name);
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    if (end == std::string_view::npos) return "";
    dirs.remove_prefix(end + 1);
  }
}

// A missing subordinate file grants nothing; any other failure is an error.
Result<std::string> read_optional(const char* path) {
  auto text = sys::read_file(path);
  if (!text && text.error().is(ErrorKind::not_found)) return std::string();
  return text;
}

}  // namespace

Result<IdCaller> current_caller() {
  IdCaller caller;
  caller.uid = ::getuid();
  caller.gid = ::getgid();
  caller.euid = ::geteuid();
  caller.egid = ::getegid();
  std::uint64_t caps = effective_capabilities();
  caller.can_set_uids = (caps >> kCapSetuid) & 1;
  caller.can_set_gids = (caps >> kCapSetgid) & 1;
  if (caller.can_set_uids && caller.can_set_gids) return caller;
  // Read directly, not through getpwuid: ward-oci is linked statically.
  if (auto passwd = read_optional("/etc/passwd"); passwd) caller.name = user_name_from_passwd(*passwd, caller.uid);
  caller.subuid_text = WARD_TRY(read_optional(kSubuidFile));
  caller.subgid_text = WARD_TRY(read_optional(kSubgidFile));
  caller.newuidmap = find_program("newuidmap");
  caller.newgidmap = find_program("newgidmap");
  return caller;
}

}  // namespace ward::runtime
