// The side-effect half of id mapping: what the caller may do, and writing
// /proc/PID/{uid_map,setgroups,gid_map} directly or through
// newuidmap/newgidmap.  Runs in ward-oci, never in the container's init.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "runtime/id_mappings.h"
#include "util/subprocess.h"
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
  if (!text && text.error().code == ENOENT) return std::string();
  return text;
}

// The first non-empty line of a helper's stderr, without its own
// "newuidmap: " prefix, which the caller's context repeats.
std::string first_line(std::string_view text, std::string_view program) {
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (line.starts_with(program) && line.substr(program.size()).starts_with(": "))
      line.remove_prefix(program.size() + 2);
    if (!line.empty()) return std::string(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return "";
}

// Runs `helper PID inside outside count ...`, its stderr captured for the
// error message.
Result<> run_helper(pid_t pid, const IdMapWrite& write, const char* field) {
  std::string program = write.helper.substr(write.helper.rfind('/') + 1);
  std::vector<std::string> args = {write.helper, std::to_string(pid)};
  for (const auto& m : write.mappings) {
    args.push_back(std::to_string(m.container_id));
    args.push_back(std::to_string(m.host_id));
    args.push_back(std::to_string(m.size));
  }
  auto ran = sys::run_captured(args, sys::Capture::stderr_only);
  if (!ran) return std::unexpected(ran.error().wrap(field));
  if (ran->status == 0) return {};
  std::string reason = first_line(ran->output, program);
  if (reason.empty()) reason = fmt::format("exit status {}", ran->status);
  return fail(fmt::format("{}: {}: {}", field, program, reason));
}

Result<> write_one(pid_t pid, const IdMapWrite& write, const char* file, const char* field) {
  switch (write.method) {
    case IdMapWrite::Method::none: return {};
    case IdMapWrite::Method::direct:
      return context(sys::write_file(fmt::format("/proc/{}/{}", pid, file), write.text), "{}", field);
    case IdMapWrite::Method::helper: return run_helper(pid, write, field);
  }
  return {};
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
  auto subuid = read_optional(kSubuidFile);
  if (!subuid) return std::unexpected(subuid.error());
  caller.subuid_text = std::move(*subuid);
  auto subgid = read_optional(kSubgidFile);
  if (!subgid) return std::unexpected(subgid.error());
  caller.subgid_text = std::move(*subgid);
  caller.newuidmap = find_program("newuidmap");
  caller.newgidmap = find_program("newgidmap");
  return caller;
}

Result<> write_id_maps(pid_t pid, const IdMapPlan& plan) {
  if (plan.deny_setgroups)
    WARD_TRY(context(sys::write_file(fmt::format("/proc/{}/setgroups", pid), "deny"), "linux.gidMappings"));
  WARD_TRY(write_one(pid, plan.uid, "uid_map", "linux.uidMappings"));
  return write_one(pid, plan.gid, "gid_map", "linux.gidMappings");
}

}  // namespace ward::runtime
