// The AppArmor profile text: ward-default and generated profiles share one
// set of walls (no mounts, no writes to the kernel's knobs under /proc and
// /sys, signals and ptrace only among processes under the same profile) and
// differ in what they allow on top.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "oci/capability_names.h"
#include "security/apparmor.h"
#include "security/capabilities.h"

namespace ward::security {

namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
}

// The walls every ward profile keeps, whatever the model allows.  AppArmor
// applies deny rules before allow rules, so nothing a model adds reopens
// them.  The /sys rule denies writes everywhere but under /sys/fs/cgroup,
// written as alternatives of "not this prefix" because AppArmor has no
// "except".
constexpr const char* kWalls = R"(
  # No new mounts: a container that could mount could cover or expose
  # host paths; remounts and pivot_root likewise.
  deny mount,
  deny remount,
  deny pivot_root,

  # /proc: only files under /proc/PID (the processes in sight) are
  # writable, not the kernel's knobs (/proc/sys, /proc/sysrq-trigger,
  # /proc/irq, /proc/fs, ...).
  deny /proc/* wl,
  deny /proc/[^0-9]*/** wl,
  deny /proc/sysrq-trigger rwlx,
  deny /proc/kcore rwlx,
  deny /proc/kmsg rwlx,
  deny /proc/kallsyms rwlx,

  # /sys: read-only but for the cgroup tree; firmware, the LSMs' own
  # files, debugfs and the energy counters (CVE-2020-8694) not even
  # readable.
  deny /sys/{[^f],f[^s],fs[^/],fs/[^c],fs/c[^g],fs/cg[^r]}** wl,
  deny /sys/firmware/** rwlx,
  deny /sys/kernel/security/** rwlx,
  deny /sys/kernel/debug/** rwlx,
  deny /sys/devices/virtual/powercap/** rwlx,
)";

std::string quoted(const std::string& path) { return "\"" + path + "\""; }

Result<> check_paths(const std::vector<std::string>& paths, std::string_view field) {
  for (size_t i = 0; i < paths.size(); ++i) {
    if (auto r = validate_profile_path(paths[i]); !r)
      return std::unexpected(r.error().wrap(fmt::format("{}[{}]", field, i)));
  }
  return {};
}

}  // namespace

Result<> validate_profile_name(std::string_view name) {
  if (name.empty()) return fail("profile name: must not be empty");
  if (name.size() > 128) return fail("profile name: longer than 128 characters");
  if (std::isalnum(static_cast<unsigned char>(name.front())) == 0)
    return fail(fmt::format("profile name \"{}\": must start with a letter or digit", name));
  for (char c : name) {
    if (!is_name_char(c))
      return fail(fmt::format("profile name: character {:#04x} not allowed (letters, digits, '.', '_', '-')",
                              static_cast<unsigned char>(c)));
  }
  return {};
}

Result<> validate_profile_reference(std::string_view name) {
  if (name.size() > 255) return fail("longer than 255 characters");
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '\'' || c == '\\')
      return fail(fmt::format("profile name: character {:#04x} not allowed", u));
  }
  return {};
}

Result<> validate_profile_path(std::string_view path) {
  if (!path.starts_with('/')) return fail(fmt::format("\"{}\": not an absolute path", path));
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\')
      return fail(fmt::format("path: character {:#04x} not allowed", u));
  }
  if (path.find("@{") != std::string_view::npos)
    return fail(fmt::format("\"{}\": AppArmor variables (@{{...}}) are not supported", path));
  return {};
}

AppArmorModel default_apparmor_model() {
  AppArmorModel model;
  model.name = std::string(kDefaultAppArmorProfile);
  // The capability sets and the default seccomp profile already decide
  // these; ward-default leaves them to those layers.
  model.network_raw = true;
  model.network_packet = true;
  return model;
}

Result<std::string> generate_apparmor_profile(const AppArmorModel& model) {
  WARD_TRY(validate_profile_name(model.name));
  WARD_TRY(check_paths(model.read_only, "read_only"));
  WARD_TRY(check_paths(model.writable, "writable"));
  WARD_TRY(check_paths(model.allow_exec, "allow_exec"));
  WARD_TRY(check_paths(model.deny_exec, "deny_exec"));
  std::vector<std::string> capabilities;
  if (model.capabilities) {
    for (size_t i = 0; i < model.capabilities->size(); ++i) {
      std::string name = (*model.capabilities)[i];
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      if (name.starts_with("cap_")) name.erase(0, 4);
      std::string upper = "CAP_" + name;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
      if (!oci::capability_from_name(upper))
        return fail(fmt::format("capabilities[{}]: unknown capability \"{}\"", i, (*model.capabilities)[i]));
      capabilities.push_back(std::move(name));
    }
  }

  const std::string& name = model.name;
  std::string text = fmt::format(
      "# AppArmor profile \"{0}\", made by ward.\n"
      "profile {0} flags=(attach_disconnected,mediate_deleted) {{\n",
      name);

  text += "  # Files.\n";
  if (model.writable.empty()) {
    text += "  /{,**} rwlkm,\n";
  } else {
    // Reads everywhere; writes only where the model says, and to the
    // devices every program expects to write.
    text += "  /{,**} rkm,\n";
    text += "  /dev/{null,zero,full,tty,ptmx,pts/*,shm/**} rw,\n";
    text += "  /proc/[0-9]*/** rw,\n";
    for (const auto& path : model.writable) text += fmt::format("  {} rwlk,\n", quoted(path));
  }
  for (const auto& path : model.read_only) text += fmt::format("  deny {} wl,\n", quoted(path));

  text += "\n  # Programs.\n";
  if (model.allow_exec.empty()) {
    text += "  /{,**} ix,\n";
  } else {
    for (const auto& path : model.allow_exec) text += fmt::format("  {} ix,\n", quoted(path));
  }
  // Denying "m" too stops running a denied binary through the dynamic
  // loader ("ld.so /usr/bin/x"), which maps it instead of executing it.
  for (const auto& path : model.deny_exec) text += fmt::format("  deny {} mx,\n", quoted(path));

  text += "\n  # Capabilities.\n";
  if (!model.capabilities) {
    text += "  capability,\n";
  } else {
    for (const auto& cap : capabilities) text += fmt::format("  capability {},\n", cap);
  }

  text += "\n  # Network.\n  network,\n";
  if (!model.network_raw) text += "  deny network raw,\n";
  if (!model.network_packet) text += "  deny network packet,\n";

  text += fmt::format(
      "\n  # Signals and ptrace: among this profile's processes; the host\n"
      "  # (unconfined) may signal them.\n"
      "  signal (send, receive) peer={0},\n"
      "  signal (receive) peer=unconfined,\n"
      "  ptrace (read, trace, readby, tracedby) peer={0},\n"
      "  umount,\n",
      name);
  text += kWalls;
  text += "}\n";
  return text;
}

std::string default_apparmor_profile() {
  auto text = generate_apparmor_profile(default_apparmor_model());
  // The default model is fixed and valid; a failure here is a bug in it.
  return text ? *text : std::string();
}

}  // namespace ward::security
