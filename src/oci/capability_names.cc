#include "oci/capability_names.h"

#include <array>
#include <cstddef>

namespace ward::oci {

namespace {

// Indexed by capability number (linux/capability.h).
constexpr std::array<std::string_view, kHighestKnownCapability + 1> kCapabilityNames = {
    "CAP_CHOWN",            "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
    "CAP_FSETID",           "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
    "CAP_SETPCAP",          "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",        "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",       "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",        "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",     "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
    "CAP_LEASE",            "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",     "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",    "CAP_AUDIT_READ",     "CAP_PERFMON",         "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<int> capability_from_name(std::string_view name) {
  std::string_view bare = name;
  if (bare.size() >= 4 && equal_ignoring_case(bare.substr(0, 4), "CAP_")) bare.remove_prefix(4);
  if (bare.empty()) return std::nullopt;
  for (std::size_t cap = 0; cap < kCapabilityNames.size(); ++cap)
    if (equal_ignoring_case(kCapabilityNames[cap].substr(4), bare)) return static_cast<int>(cap);
  return std::nullopt;
}

const char* capability_name(int cap) {
  if (cap < 0 || cap > kHighestKnownCapability) return nullptr;
  return kCapabilityNames[static_cast<std::size_t>(cap)].data();  // the literals are NUL-terminated
}

std::vector<std::string_view> all_capability_names() { return {kCapabilityNames.begin(), kCapabilityNames.end()}; }

}  // namespace ward::oci
