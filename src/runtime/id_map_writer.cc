// Writing /proc/PID/{uid_map,setgroups,gid_map} directly or through
// newuidmap/newgidmap (planned by runtime/plan/id_mappings.h).  Runs in
// ward-oci, never in the container's init.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "runtime/plan/id_mappings.h"
#include "util/subprocess.h"
#include "util/sys.h"

namespace ward::runtime {

namespace {

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

Result<> write_id_maps(pid_t pid, const IdMapPlan& plan) {
  if (plan.deny_setgroups)
    WARD_TRY(context(sys::write_file(fmt::format("/proc/{}/setgroups", pid), "deny"), "linux.gidMappings"));
  WARD_TRY(write_one(pid, plan.uid, "uid_map", "linux.uidMappings"));
  return write_one(pid, plan.gid, "gid_map", "linux.gidMappings");
}

}  // namespace ward::runtime
