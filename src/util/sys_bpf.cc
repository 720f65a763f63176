// bpf(2) for the cgroup v2 device controller: load, query, attach, detach.
// No libbpf: the five commands below are all ward needs.
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/sys.h"

namespace ward::sys {

namespace {

long bpf(int command, union bpf_attr* attr) {
  return raw::retry([&] { return ::syscall(SYS_bpf, command, attr, sizeof(*attr)); });
}

std::uint64_t pointer(const void* p) { return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p)); }

// The last non-empty line of the verifier's log: the reason it refused.
std::string last_line(const char* log) {
  std::string text(log);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  size_t start = text.rfind('\n');
  return start == std::string::npos ? text : text.substr(start + 1);
}

}  // namespace

Result<UniqueFd> bpf_load_device_program(std::span<const bpf_insn> program, const char* license) {
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = pointer(program.data());
  attr.insn_cnt = static_cast<std::uint32_t>(program.size());
  attr.license = pointer(license);
  std::strncpy(attr.prog_name, "ward_devices", sizeof(attr.prog_name) - 1);
  long fd = bpf(BPF_PROG_LOAD, &attr);
  if (fd >= 0) return UniqueFd(static_cast<int>(fd));
  if (fd != -EINVAL && fd != -EACCES) return fail_errno(static_cast<int>(-fd), "bpf(BPF_PROG_LOAD) of the device program");
  // Load again with the verifier's log, which says why.
  std::string log(64 * 1024, '\0');
  attr.log_level = 1;
  attr.log_buf = pointer(log.data());
  attr.log_size = static_cast<std::uint32_t>(log.size());
  long again = bpf(BPF_PROG_LOAD, &attr);
  if (again >= 0) return UniqueFd(static_cast<int>(again));
  std::string reason = last_line(log.c_str());
  return fail_errno(static_cast<int>(-fd), fmt::format("bpf(BPF_PROG_LOAD) of the device program{}{}",
                                                       reason.empty() ? "" : ": verifier: ", reason));
}

Result<std::vector<std::uint32_t>> bpf_device_programs(int cgroup_fd) {
  // A cgroup holds at most 64 programs per attach type; grow if the kernel
  // says there are more (ENOSPC reports the count).
  std::vector<std::uint32_t> ids(64);
  for (int attempt = 0; attempt < 4; ++attempt) {
    union bpf_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    attr.query.target_fd = static_cast<std::uint32_t>(cgroup_fd);
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = pointer(ids.data());
    attr.query.prog_cnt = static_cast<std::uint32_t>(ids.size());
    long r = bpf(BPF_PROG_QUERY, &attr);
    if (r == -ENOSPC) {
      ids.resize(attr.query.prog_cnt + 16);
      continue;
    }
    if (r < 0) return fail_errno(static_cast<int>(-r), "bpf(BPF_PROG_QUERY) of the cgroup's device programs");
    ids.resize(attr.query.prog_cnt);
    return ids;
  }
  return fail("bpf(BPF_PROG_QUERY): the cgroup's device programs kept changing");
}

Result<UniqueFd> bpf_program_by_id(std::uint32_t id) {
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.prog_id = id;
  long fd = bpf(BPF_PROG_GET_FD_BY_ID, &attr);
  if (fd < 0) return fail_errno(static_cast<int>(-fd), fmt::format("bpf(BPF_PROG_GET_FD_BY_ID) of program {}", id));
  return UniqueFd(static_cast<int>(fd));
}

Result<> bpf_attach_device_program(int cgroup_fd, int program_fd, int replace_fd) {
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.target_fd = static_cast<std::uint32_t>(cgroup_fd);
  attr.attach_bpf_fd = static_cast<std::uint32_t>(program_fd);
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (replace_fd >= 0) {
    attr.attach_flags |= BPF_F_REPLACE;
    attr.replace_bpf_fd = static_cast<std::uint32_t>(replace_fd);
  }
  if (long r = bpf(BPF_PROG_ATTACH, &attr); r < 0)
    return fail_errno(static_cast<int>(-r), replace_fd >= 0 ? "bpf(BPF_PROG_ATTACH, BPF_F_REPLACE) of the device program"
                                                            : "bpf(BPF_PROG_ATTACH) of the device program");
  return {};
}

Result<> bpf_detach_device_program(int cgroup_fd, int program_fd) {
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.target_fd = static_cast<std::uint32_t>(cgroup_fd);
  attr.attach_bpf_fd = static_cast<std::uint32_t>(program_fd);
  attr.attach_type = BPF_CGROUP_DEVICE;
  if (long r = bpf(BPF_PROG_DETACH, &attr); r < 0)
    return fail_errno(static_cast<int>(-r), "bpf(BPF_PROG_DETACH) of the old device program");
  return {};
}

}  // namespace ward::sys
