#include "engine/host_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>

#include "cgroups/hierarchy.h"

namespace ward::engine {

namespace {

std::string pretty_name() {
  std::ifstream release("/etc/os-release");
  for (std::string line; std::getline(release, line);) {
    if (!line.starts_with("PRETTY_NAME=")) continue;
    std::string value = line.substr(12);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return value;
  }
  return "Linux";
}

}  // namespace

std::uint64_t host_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key, unit;
  std::uint64_t kib = 0;
  while (meminfo >> key >> kib >> unit)
    if (key == "MemTotal:") return kib * 1024;
  return 0;
}

Result<HostInfo> read_host_info() {
  HostInfo info;
  struct utsname names {};
  if (::uname(&names) < 0) return fail_errno(errno, "uname");
  info.hostname = names.nodename;
  info.kernel_version = names.release;
  info.architecture = names.machine;
  info.operating_system = pretty_name();
  info.cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  info.memory_bytes = host_memory_bytes();
  auto hierarchies = WARD_TRY(cgroups::host_hierarchies());
  bool v1 = false;
  for (const auto& hierarchy : hierarchies)
    if (!hierarchy.unified && !hierarchy.controllers.empty() && !hierarchy.controllers.front().starts_with("name="))
      v1 = true;
  info.cgroup_version = v1 ? "1" : "2";
  return info;
}

}  // namespace ward::engine
