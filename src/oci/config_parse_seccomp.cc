// "linux.seccomp": names are checked here so that a typo fails the create
// with the field's path instead of producing a weaker filter later.
// Syscall names are left to src/security/seccomp, which resolves them per
// architecture (and, like runc, may skip names the kernel does not know).
#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "oci/config.h"
#include "oci/config_sections.h"
#include "util/json_reader.h"

namespace ward::oci::detail {

namespace {

using json::Node;

constexpr std::array<std::string_view, 9> kActions = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",   "SCMP_ACT_ERRNO",
    "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",        "SCMP_ACT_LOG",         "SCMP_ACT_NOTIFY",
};

constexpr std::array<std::string_view, 7> kOperators = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};

constexpr std::array<std::string_view, 23> kArchitectures = {
    "SCMP_ARCH_X86",       "SCMP_ARCH_X86_64",  "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",      "SCMP_ARCH_AARCH64",
    "SCMP_ARCH_MIPS",      "SCMP_ARCH_MIPS64",  "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",   "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",   "SCMP_ARCH_PPC64",       "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",
    "SCMP_ARCH_S390X",     "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64",  "SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",      "SCMP_ARCH_SH",      "SCMP_ARCH_SHEB",
};

constexpr std::array<std::string_view, 4> kFilterFlags = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

// A syscall's arguments are numbered 0 to 5.
constexpr unsigned kSyscallArgumentCount = 6;

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& table, std::string_view name) {
  return std::find(table.begin(), table.end(), name) != table.end();
}

// Reads the required member `key` and checks it against `table`.
template <std::size_t N>
Result<std::string> named_value(const Node& node, std::string_view key, const std::array<std::string_view, N>& table,
                                std::string_view what) {
  auto member = WARD_TRY(node.require(key));
  auto name = WARD_TRY(member.as<std::string>());
  if (!contains(table, name)) return member.error(fmt::format("unknown {} \"{}\"", what, name));
  return name;
}

// Checks each element of the string list member `key` against `table`.
template <std::size_t N>
Result<std::vector<std::string>> named_list(const Node& node, std::string_view key,
                                            const std::array<std::string_view, N>& table, std::string_view what) {
  std::vector<std::string> names;
  WARD_TRY(node.read_array(key, names, [&](const Node& element) -> Result<std::string> {
    auto name = WARD_TRY(element.as<std::string>());
    if (!contains(table, name)) return element.error(fmt::format("unknown {} \"{}\"", what, name));
    return name;
  }));
  return names;
}

bool action_takes_errno(std::string_view action) { return action == "SCMP_ACT_ERRNO" || action == "SCMP_ACT_TRACE"; }

Result<SeccompArg> parse_argument(const Node& node) {
  WARD_TRY(node.expect_object());
  SeccompArg arg;
  auto index = WARD_TRY(node.require("index"));
  auto number = WARD_TRY(index.as<unsigned>());
  if (number >= kSyscallArgumentCount)
    return index.error(fmt::format("{} is out of range (0 to {})", number, kSyscallArgumentCount - 1));
  arg.index = number;
  auto value = WARD_TRY(node.require("value"));
  auto value_number = WARD_TRY(value.as<std::uint64_t>());
  arg.value = value_number;
  WARD_TRY(node.read("valueTwo", arg.value_two));
  arg.op = WARD_TRY(named_value(node, "op", kOperators, "comparison operator"));
  return arg;
}

// An action and the errno it makes a system call return: "action" and
// "errnoRet" of a rule, "defaultAction" and "defaultErrnoRet" of the profile.
Result<> read_action(const Node& node, std::string_view action_key, std::string_view errno_key, std::string& action,
                     std::optional<std::uint32_t>& errno_ret) {
  action = WARD_TRY(named_value(node, action_key, kActions, "seccomp action"));
  WARD_TRY(node.read(errno_key, errno_ret));
  if (errno_ret && !action_takes_errno(action))
    return fail(fmt::format("{}: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take a return value, not {}",
                            node.member_path(errno_key), action));
  return {};
}

Result<SeccompSyscall> parse_syscall_rule(const Node& node) {
  WARD_TRY(node.expect_object());
  SeccompSyscall rule;
  auto names = WARD_TRY(node.require("names"));
  auto list = WARD_TRY(names.as<std::vector<std::string>>());
  if (list.empty()) return names.error("must not be empty");
  for (std::size_t i = 0; i < list.size(); ++i)
    if ((list)[i].empty()) return names.element(i).error("must not be empty");
  rule.names = std::move(list);

  WARD_TRY(read_action(node, "action", "errnoRet", rule.action, rule.errno_ret));
  WARD_TRY(node.read_array("args", rule.args, parse_argument));
  return rule;
}

}  // namespace

Result<Seccomp> parse_seccomp(const Node& node) {
  WARD_TRY(node.expect_object());
  Seccomp seccomp;
  WARD_TRY(read_action(node, "defaultAction", "defaultErrnoRet", seccomp.default_action, seccomp.default_errno_ret));

  seccomp.architectures = WARD_TRY(named_list(node, "architectures", kArchitectures, "seccomp architecture"));
  seccomp.flags = WARD_TRY(named_list(node, "flags", kFilterFlags, "seccomp filter flag"));

  if (auto listener = node.find("listenerPath")) {
    auto path = WARD_TRY(listener->as<std::string>());
    if (!path.empty() && !is_absolute(path))
      return listener->error(fmt::format("must be an absolute path, got \"{}\"", path));
    seccomp.listener_path = std::move(path);
  }
  WARD_TRY(node.read("listenerMetadata", seccomp.listener_metadata));
  if (!seccomp.listener_metadata.empty() && seccomp.listener_path.empty())
    return fail(fmt::format("{}: must not be set without listenerPath", node.member_path("listenerMetadata")));
  WARD_TRY(node.read_array("syscalls", seccomp.syscalls, parse_syscall_rule));

  // SCMP_ACT_NOTIFY hands the filter's notify fd to the listener; with no
  // listener the action has nobody to answer it.
  if (seccomp.listener_path.empty()) {
    if (seccomp.default_action == "SCMP_ACT_NOTIFY")
      return fail(fmt::format("{}: SCMP_ACT_NOTIFY needs listenerPath", node.member_path("defaultAction")));
    for (std::size_t i = 0; i < seccomp.syscalls.size(); ++i) {
      if (seccomp.syscalls[i].action == "SCMP_ACT_NOTIFY")
        return fail(fmt::format("{}[{}].action: SCMP_ACT_NOTIFY needs listenerPath", node.member_path("syscalls"), i));
    }
  }
  return seccomp;
}

}  // namespace ward::oci::detail
