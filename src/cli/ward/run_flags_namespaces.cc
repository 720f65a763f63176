// --device, --device-cgroup-rule, --pid, --ipc, --uts and --cgroupns of `ward run`
// and `create`: what of the host's devices and namespaces the container
// gets.  Sharing a namespace of the host is warned, as the issue asks.
#include <sys/stat.h>
#include <unistd.h>

#include <climits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/ward/run_flags_internal.h"

namespace ward::cli::engine {

namespace {

using ward::engine::ContainerSpec;
using ward::engine::DeviceMapping;

bool is_device_mode(std::string_view text) {
  return !text.empty() && text.size() <= 3 && text.find_first_not_of("rwm") == std::string_view::npos;
}

// HOST[:CONTAINER][:PERMISSIONS], Docker's rules.
Result<DeviceMapping> parse_device(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto colon = text.find(':', start);
    parts.push_back(text.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  DeviceMapping device;
  device.path_on_host = parts[0];
  if (parts.size() == 3) {
    device.path_in_container = parts[1];
    device.cgroup_permissions = parts[2];
    if (!is_device_mode(parts[2]))
      return fail(ErrorKind::invalid_input, fmt::format("--device {}: invalid device mode: {}", text, parts[2]));
  } else if (parts.size() == 2) {
    if (is_device_mode(parts[1]))
      device.cgroup_permissions = parts[1];
    else
      device.path_in_container = parts[1];
  } else if (parts.size() != 1) {
    return fail(ErrorKind::invalid_input, fmt::format("--device {}: invalid device specification", text));
  }
  if (device.path_in_container.empty()) device.path_in_container = device.path_on_host;
  if (!device.path_on_host.starts_with('/') || !device.path_in_container.starts_with('/'))
    return fail(ErrorKind::invalid_input, fmt::format("--device {}: the paths must be absolute", text));
  struct stat st {};
  if (::stat(device.path_on_host.c_str(), &st) < 0)
    return fail_errno(errno, fmt::format("--device {}: error gathering device information while adding custom device "
                                         "\"{}\"",
                                         text, device.path_on_host));
  if (S_ISDIR(st.st_mode))
    return fail(ErrorKind::unsupported,
                fmt::format("--device {}: a directory of devices is not supported yet; name each device", text));
  if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
    return fail(ErrorKind::invalid_input, fmt::format("--device {}: {} is not a device", text, device.path_on_host));
  return device;
}

// --pid, --ipc, --uts: VALUE in `allowed`, else a clear refusal.
Result<std::string> namespace_mode(const ParsedArgs& parsed, const std::string& flag,
                                   std::initializer_list<std::string_view> allowed) {
  std::string mode = parsed.value(flag);
  for (auto name : allowed)
    if (mode == name) return mode;
  if (mode.starts_with("container:"))
    return fail(ErrorKind::unsupported,
                fmt::format("--{} {}: not supported yet (sharing another container's namespace)", flag, mode));
  return fail(ErrorKind::invalid_input, fmt::format("--{} {}: invalid {} mode (expected {})", flag, mode, flag,
                                                    fmt::join(allowed.begin() + 1, allowed.end(), ", ")));
}

// --cgroup-parent PATH: a cgroupfs path, made absolute as Docker's cgroupfs
// driver does ("mine" is /mine); no way up, no systemd slice.
Result<std::string> cgroup_parent(const std::string& text) {
  std::string path = text.starts_with('/') ? text : "/" + text;
  while (path.size() > 1 && path.ends_with('/')) path.pop_back();
  if (path == "/")
    return fail(ErrorKind::invalid_input, fmt::format("--cgroup-parent {}: not a cgroup under the root", text));
  if (text.ends_with(".slice"))
    return fail(ErrorKind::unsupported,
                fmt::format("--cgroup-parent {}: systemd slices are not supported (ward manages cgroupfs)", text));
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    std::string_view part =
        std::string_view(path).substr(start, slash == std::string::npos ? path.npos : slash - start);
    if (part.empty() || part == "." || part == "..")
      return fail(ErrorKind::invalid_input,
                  fmt::format("--cgroup-parent {}: invalid path component \"{}\"", text, part));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return path;
}

}  // namespace

Result<> apply_namespace_and_device_flags(const ParsedArgs& parsed, ContainerSpec& spec,
                                          std::vector<std::string>& warnings) {
  for (const auto& text : flag_values(parsed, "device")) spec.devices.push_back(WARD_TRY(parse_device(text)));
  for (const auto& rule : flag_values(parsed, "device-cgroup-rule")) spec.device_cgroup_rules.push_back(rule);
  spec.pid_mode = WARD_TRY(namespace_mode(parsed, "pid", {"", "host"}));
  spec.ipc_mode = WARD_TRY(namespace_mode(parsed, "ipc", {"", "private", "shareable", "none", "host"}));
  if (spec.ipc_mode == "private") spec.ipc_mode.clear();
  spec.uts_mode = WARD_TRY(namespace_mode(parsed, "uts", {"", "host"}));
  spec.cgroupns_mode = WARD_TRY(namespace_mode(parsed, "cgroupns", {"", "private", "host"}));
  if (spec.cgroupns_mode == "private") spec.cgroupns_mode.clear();
  if (parsed.has("cgroup-parent")) spec.cgroup_parent = WARD_TRY(cgroup_parent(parsed.value("cgroup-parent")));
  if (spec.cgroupns_mode == "host")
    warnings.push_back("--cgroupns host: the container sees where it lies in the host's cgroup tree");
  if (spec.pid_mode == "host")
    warnings.push_back("--pid host: the container sees the host's processes and their command lines");
  for (const auto& [key, value] : spec.sysctls)
    if (spec.ipc_mode == "host" && (key.starts_with("kernel.") || key.starts_with("fs.mqueue.")))
      return fail(ErrorKind::invalid_input,
                  fmt::format("--sysctl {}={}: not allowed in the host's IPC namespace (--ipc host)", key, value));
  if (spec.ipc_mode == "host")
    warnings.push_back("--ipc host: the container shares the host's shared memory, semaphores and message queues");
  if (spec.uts_mode == "host") {
    if (!spec.hostname.empty())
      return fail(ErrorKind::invalid_input, "--uts host: conflicting options: hostname and the UTS mode");
    if (!spec.domainname.empty())
      return fail(ErrorKind::invalid_input, "--uts host: conflicting options: domainname and the UTS mode");
    char name[HOST_NAME_MAX + 1] = {};
    if (::gethostname(name, sizeof(name) - 1) < 0) return fail_errno(errno, "--uts host: gethostname");
    spec.hostname = name;
    warnings.push_back("--uts host: the container shares the host's hostname");
  }
  return {};
}

}  // namespace ward::cli::engine
