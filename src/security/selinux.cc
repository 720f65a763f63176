#include "security/selinux.h"

#include <fcntl.h>

#include "util/sys.h"

namespace ward::security {

bool selinux_enabled(const std::string& root) { return sys::path_exists(root + "/sys/fs/selinux/enforce"); }

Result<> validate_selinux_label(std::string_view label) {
  if (label.size() > 4096) return fail("label longer than 4096 characters");
  for (char c : label) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '\'' || c == '\\')
      return fail(fmt::format("label \"{}\": character {:#04x} not allowed", label, u));
  }
  // user:role:type, then the optional MLS level, which has colons of its
  // own ("s0:c1,c2").
  size_t start = 0;
  for (int field = 0; field < 3; ++field) {
    size_t colon = label.find(':', start);
    size_t end = colon == std::string_view::npos ? label.size() : colon;
    if (end == start || (field < 2 && colon == std::string_view::npos))
      return fail(fmt::format("label \"{}\": not of the form user:role:type[:level]", label));
    start = end + 1;
    if (colon == std::string_view::npos) break;
  }
  if (label.ends_with(':')) return fail(fmt::format("label \"{}\": empty level", label));
  return {};
}

std::string format_mount_label(std::string_view data, std::string_view label) {
  if (label.empty()) return std::string(data);
  std::string context = fmt::format("context=\"{}\"", label);
  if (data.empty()) return context;
  return fmt::format("{},{}", data, context);
}

bool mount_takes_label(std::string_view fstype) {
  return fstype != "proc" && fstype != "sysfs" && fstype != "cgroup" && fstype != "cgroup2" && fstype != "mqueue" &&
         !fstype.empty();
}

Result<> check_selinux_label(const std::string& label, std::string_view field, const std::string& root) {
  if (label.empty()) return {};
  if (auto r = validate_selinux_label(label); !r) return std::unexpected(r.error().wrap(field));
  if (!selinux_enabled(root))
    return fail(fmt::format("{}: SELinux is not enabled on this host (label \"{}\")", field, label));
  return {};
}

namespace raw {
int selinux_set_attr(const char* attr_path, const char* label, std::size_t size) noexcept {
  return sys::raw::write_path(AT_FDCWD, attr_path, label, size);
}
}  // namespace raw

}  // namespace ward::security
