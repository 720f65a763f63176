// Puts the compiled device program on a container's cgroup v2 directory and
// swaps it on `update`.  The program stays attached after its fd is closed
// and goes away with the cgroup when the directory is removed.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include <fmt/format.h>

#include "cgroups/cgroup.h"
#include "cgroups/device_filter.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::cgroups::detail {

namespace {

// The kernel only checks a program's license when it calls GPL-only
// helpers; this one calls no helper at all.
constexpr const char* program_license = "GPL";

// Root of the initial user namespace: the only one that may load and attach
// device programs.  A rootless or nested ward in a user namespace cannot, and
// (like runc) goes on without: its container cannot mknod real devices, and
// host device nodes keep their owners and modes.
bool fully_privileged() {
  if (::geteuid() != 0) return false;
  auto map = sys::read_file("/proc/self/uid_map");
  if (!map) return false;
  unsigned long inside = 1, outside = 1, count = 0;
  return std::sscanf(map->c_str(), "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 && outside == 0 &&
         count == 4294967295UL;
}

// Replaces whatever device programs `cgroup_fd` holds by `program_fd`.  With
// exactly one old program the swap is atomic (BPF_F_REPLACE); otherwise the
// new one goes on first and the old ones come off after, so there is never
// a moment with no program.
Result<> replace_programs(int cgroup_fd, int program_fd) {
  auto old_ids = WARD_TRY(sys::bpf_device_programs(cgroup_fd));
  std::vector<UniqueFd> old;
  for (std::uint32_t id : old_ids) {
    auto fd = sys::bpf_program_by_id(id);
    if (!fd && fd.error().code == ENOENT) continue;  // detached meanwhile
    if (!fd) return std::unexpected(fd.error());
    old.push_back(std::move(*fd));
  }
  if (old.size() == 1) {
    auto swapped = sys::bpf_attach_device_program(cgroup_fd, program_fd, old.front().get());
    if (swapped) return {};
    if (swapped.error().code != EINVAL) return swapped;
    // A kernel without BPF_F_REPLACE (before 5.6): attach, then detach.
  }
  WARD_TRY(sys::bpf_attach_device_program(cgroup_fd, program_fd));
  for (const auto& fd : old) {
    auto detached = sys::bpf_detach_device_program(cgroup_fd, fd.get());
    if (!detached && detached.error().code != ENOENT) return detached;
  }
  return {};
}

}  // namespace

Result<> set_device_program(const std::string& dir, const DevicePolicy& policy) {
  auto program = compile_device_filter(policy);
  auto cgroup_fd = sys::open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (!cgroup_fd) return std::unexpected(cgroup_fd.error().wrap("linux.resources.devices"));
  auto loaded = sys::bpf_load_device_program(program, program_license);
  if (!loaded) {
    int code = loaded.error().code;
    if ((code == EPERM || code == EACCES) && !fully_privileged()) {
      log::warning(fmt::format("linux.resources.devices: no eBPF device program on {} ({}): not root in the "
                               "initial user namespace",
                               dir, loaded.error().what()));
      return {};
    }
    return std::unexpected(loaded.error().wrap("linux.resources.devices"));
  }
  if (auto r = replace_programs(cgroup_fd->get(), loaded->get()); !r)
    return std::unexpected(r.error().wrap(fmt::format("linux.resources.devices: {}", dir)));
  return {};
}

}  // namespace ward::cgroups::detail
