#include "security/seccomp.h"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <cctype>
#include <map>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "util/fd.h"
#include "util/sys.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

namespace ward::security {

namespace {

struct ContextDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Context = std::unique_ptr<void, ContextDeleter>;

Result<std::uint32_t> action_value(const std::string& action, std::optional<std::uint32_t> errno_ret,
                                   std::optional<std::uint32_t> default_errno, const std::string& field) {
  if (action == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (action == "SCMP_ACT_KILL" || action == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (action == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (action == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (action == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (action == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(static_cast<std::uint16_t>(errno_ret.value_or(default_errno.value_or(EPERM))));
  if (action == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(static_cast<std::uint16_t>(errno_ret.value_or(default_errno.value_or(EPERM))));
  if (action == "SCMP_ACT_NOTIFY") return SCMP_ACT_NOTIFY;
  return fail(fmt::format("{}: unknown action {}", field, action));
}

Result<scmp_compare> compare_op(const std::string& op, const std::string& field) {
  static const std::map<std::string, scmp_compare> kOps = {
      {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
      {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
      {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
  };
  auto found = kOps.find(op);
  if (found == kOps.end()) return fail(fmt::format("{}: unknown operator {}", field, op));
  return found->second;
}

Result<std::uint32_t> arch_token(const std::string& name, const std::string& field) {
  // "SCMP_ARCH_X86_64" -> "x86_64", the spelling libseccomp resolves.
  std::string lower = name.starts_with("SCMP_ARCH_") ? name.substr(10) : name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::uint32_t token = seccomp_arch_resolve_name(lower.c_str());
  if (token == 0) return fail(fmt::format("{}: architecture {} is unknown to libseccomp", field, name));
  return token;
}

Result<unsigned> filter_flags(const std::vector<std::string>& flags, bool notify) {
  unsigned value = 0;
  for (size_t i = 0; i < flags.size(); ++i) {
    const std::string& flag = flags[i];
    if (flag == "SECCOMP_FILTER_FLAG_TSYNC") value |= SECCOMP_FILTER_FLAG_TSYNC;
    else if (flag == "SECCOMP_FILTER_FLAG_LOG") value |= SECCOMP_FILTER_FLAG_LOG;
    else if (flag == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") value |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    else if (flag == "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") {
      // The kernel refuses it (EINVAL) on a filter without a listener.
      if (!notify)
        return fail(fmt::format("linux.seccomp.flags[{}]: {} needs an SCMP_ACT_NOTIFY rule", i, flag));
      value |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    } else {
      return fail(fmt::format("linux.seccomp.flags[{}]: unknown flag {}", i, flag));
    }
  }
  if (notify) {
    value |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    // TSYNC reports a failing thread by its tid, NEW_LISTENER success by the
    // fd: the kernel takes both only when TSYNC fails with ESRCH instead.
    if (value & SECCOMP_FILTER_FLAG_TSYNC) value |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  }
  return value;
}

// SCMP_ACT_NOTIFY where it cannot work: as the default action, or on the
// sendmsg that carries the notify fd out of the init (see seccomp.h).
// Returns whether any rule notifies.
Result<bool> check_notify_rules(const oci::Seccomp& profile) {
  if (profile.default_action == "SCMP_ACT_NOTIFY")
    return fail("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action: the container's init "
                "would wait on the listener for the sendmsg that hands the listener its fd");
  bool notify = false;
  for (size_t i = 0; i < profile.syscalls.size(); ++i) {
    const auto& entry = profile.syscalls[i];
    if (entry.action != "SCMP_ACT_NOTIFY") continue;
    notify = true;
    for (size_t n = 0; n < entry.names.size(); ++n)
      if (entry.names[n] == "sendmsg")
        return fail(fmt::format("linux.seccomp.syscalls[{}].names[{}]: SCMP_ACT_NOTIFY cannot be used for sendmsg: "
                                "the container's init sends the listener's fd with it",
                                i, n));
    if (profile.listener_path.empty())
      return fail(fmt::format("linux.seccomp.syscalls[{}].action: SCMP_ACT_NOTIFY needs listenerPath", i));
  }
  return notify;
}

// One syscall entry.  Arguments on distinct indexes form one rule (all must
// match); when an index repeats, each argument becomes its own rule (any
// may match), the convention runc and crun follow.
Result<> add_syscall_rules(void* ctx, const oci::SeccompSyscall& entry, std::uint32_t action, std::uint32_t default_action,
                           const std::string& field) {
  std::vector<scmp_arg_cmp> comparisons;
  for (size_t a = 0; a < entry.args.size(); ++a) {
    const auto& arg = entry.args[a];
    auto op = WARD_TRY(compare_op(arg.op, fmt::format("{}.args[{}].op", field, a)));
    comparisons.push_back(scmp_arg_cmp{arg.index, op, arg.value, arg.value_two});
  }
  bool repeated_index = false;
  for (size_t a = 0; a < comparisons.size(); ++a)
    for (size_t b = a + 1; b < comparisons.size(); ++b)
      if (comparisons[a].arg == comparisons[b].arg) repeated_index = true;
  for (size_t n = 0; n < entry.names.size(); ++n) {
    int nr = seccomp_syscall_resolve_name(entry.names[n].c_str());
    if (nr == __NR_SCMP_ERROR) continue;  // not a syscall of this architecture or kernel
    // A rule whose action equals the default is redundant, and libseccomp
    // refuses it.
    if (action == default_action) continue;
    int r = 0;
    if (!repeated_index) {
      r = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(comparisons.size()),
                                 comparisons.empty() ? nullptr : comparisons.data());
    } else {
      for (const auto& comparison : comparisons) {
        r = seccomp_rule_add_array(ctx, action, nr, 1, &comparison);
        if (r < 0) break;
      }
    }
    if (r < 0) return fail_errno(-r, fmt::format("{}.names[{}]: add rule for {}", field, n, entry.names[n]));
  }
  return {};
}

Result<std::vector<sock_filter>> export_program(void* ctx) {
  int memfd = static_cast<int>(::syscall(SYS_memfd_create, "ward-seccomp", MFD_CLOEXEC));
  if (memfd < 0) return fail_errno(errno, "linux.seccomp: memfd_create");
  UniqueFd holder(memfd);
  if (int r = seccomp_export_bpf(ctx, memfd); r < 0) return fail_errno(-r, "linux.seccomp: export the filter");
  if (::lseek(memfd, 0, SEEK_SET) < 0) return fail_errno(errno, "linux.seccomp: rewind the exported filter");
  auto bytes = WARD_TRY(sys::read_fd(memfd));
  if (bytes.size() % sizeof(sock_filter) != 0) return fail("linux.seccomp: exported filter has a partial instruction");
  std::vector<sock_filter> program(bytes.size() / sizeof(sock_filter));
  std::memcpy(program.data(), bytes.data(), bytes.size());
  return program;
}

}  // namespace

Result<SeccompProgram> compile_seccomp(const oci::Seccomp& profile) {
  auto default_action =
      action_value(profile.default_action, profile.default_errno_ret, std::nullopt, "linux.seccomp.defaultAction");
  if (!default_action) return std::unexpected(default_action.error());
  auto notify = WARD_TRY(check_notify_rules(profile));
  Context ctx(seccomp_init(*default_action));
  if (!ctx) return fail("linux.seccomp: libseccomp could not create a filter");
  // ward sets no_new_privs itself, as process.noNewPrivileges says.
  seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0);
  for (size_t i = 0; i < profile.architectures.size(); ++i) {
    auto token = WARD_TRY(arch_token(profile.architectures[i], fmt::format("linux.seccomp.architectures[{}]", i)));
    int r = seccomp_arch_add(ctx.get(), token);
    if (r < 0 && r != -EEXIST)
      return fail_errno(-r, fmt::format("linux.seccomp.architectures[{}]: add {}", i, profile.architectures[i]));
  }
  for (size_t i = 0; i < profile.syscalls.size(); ++i) {
    const auto& entry = profile.syscalls[i];
    std::string field = fmt::format("linux.seccomp.syscalls[{}]", i);
    // errnoRet defaults to EPERM; defaultErrnoRet belongs to defaultAction.
    auto action = WARD_TRY(action_value(entry.action, entry.errno_ret, std::nullopt, field + ".action"));
    WARD_TRY(add_syscall_rules(ctx.get(), entry, action, *default_action, field));
  }
  auto flags = WARD_TRY(filter_flags(profile.flags, notify));
  auto program = WARD_TRY(export_program(ctx.get()));
  return SeccompProgram{std::move(program), flags};
}

bool SeccompProgram::has_listener() const noexcept { return (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0; }

namespace raw {

int load_seccomp(const SeccompProgram& program) noexcept {
  sock_fprog fprog{static_cast<unsigned short>(program.instructions.size()),
                   const_cast<sock_filter*>(program.instructions.data())};
  // Raw seccomp(2), not libseccomp's seccomp_load: the program was compiled
  // and exported before clone, and with NEW_LISTENER the result is the fd.
  long r = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, program.flags, &fprog);
  return r < 0 ? -errno : static_cast<int>(r);
}

}  // namespace raw

}  // namespace ward::security
