#include "oci/mount_options.h"

#include <sys/mount.h>

#include <algorithm>
#include <array>
#include <string_view>

#include <fmt/format.h>

namespace ward::oci {

namespace {

// Older C libraries lack the newer constants; the values are the kernel's.
#ifndef MS_NOSYMFOLLOW
constexpr unsigned long MS_NOSYMFOLLOW = 256;
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#define MOUNT_ATTR__ATIME 0x00000070
#define MOUNT_ATTR_RELATIME 0x00000000
#define MOUNT_ATTR_NOATIME 0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME 0x00000080
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

// The kernel keeps one access-time mode per mount, so these exclude each
// other: the option written last wins.
constexpr unsigned long kAtimeModeFlags = MS_NOATIME | MS_RELATIME | MS_STRICTATIME;

// Per-mount flags: the ones a bind mount takes from its source and that
// only MS_BIND|MS_REMOUNT can change.  The rest (MS_SYNCHRONOUS,
// MS_MANDLOCK, MS_LAZYTIME, ...) belong to the superblock and a bind
// remount ignores them.
constexpr unsigned long kPerMountFlags =
    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME |
    MS_NOSYMFOLLOW;

enum class OptionKind {
  set_flag,       // flags |= value
  clear_flag,     // flags &= ~value, cleared |= value
  propagation,    // propagation.push_back(value)
  recursive_set,  // recursive_set |= value
  recursive_clear,
  recursive_atime,  // the access-time mode of the whole tree (an enum, not bits)
  bind,
  recursive_bind,
  idmap,
  recursive_idmap,
  tmpcopyup,
  copy_symlink,
  ignore,
};

struct OptionEntry {
  std::string_view name;
  OptionKind kind;
  std::uint64_t value;
};

constexpr std::array kOptions = {
    OptionEntry{"defaults", OptionKind::ignore, 0},
    OptionEntry{"ro", OptionKind::set_flag, MS_RDONLY},
    OptionEntry{"rw", OptionKind::clear_flag, MS_RDONLY},
    OptionEntry{"nosuid", OptionKind::set_flag, MS_NOSUID},
    OptionEntry{"suid", OptionKind::clear_flag, MS_NOSUID},
    OptionEntry{"nodev", OptionKind::set_flag, MS_NODEV},
    OptionEntry{"dev", OptionKind::clear_flag, MS_NODEV},
    OptionEntry{"noexec", OptionKind::set_flag, MS_NOEXEC},
    OptionEntry{"exec", OptionKind::clear_flag, MS_NOEXEC},
    OptionEntry{"sync", OptionKind::set_flag, MS_SYNCHRONOUS},
    OptionEntry{"async", OptionKind::clear_flag, MS_SYNCHRONOUS},
    OptionEntry{"dirsync", OptionKind::set_flag, MS_DIRSYNC},
    OptionEntry{"remount", OptionKind::set_flag, MS_REMOUNT},
    OptionEntry{"mand", OptionKind::set_flag, MS_MANDLOCK},
    OptionEntry{"nomand", OptionKind::clear_flag, MS_MANDLOCK},
    OptionEntry{"atime", OptionKind::clear_flag, MS_NOATIME},
    OptionEntry{"noatime", OptionKind::set_flag, MS_NOATIME},
    OptionEntry{"diratime", OptionKind::clear_flag, MS_NODIRATIME},
    OptionEntry{"nodiratime", OptionKind::set_flag, MS_NODIRATIME},
    OptionEntry{"relatime", OptionKind::set_flag, MS_RELATIME},
    OptionEntry{"norelatime", OptionKind::clear_flag, MS_RELATIME},
    OptionEntry{"strictatime", OptionKind::set_flag, MS_STRICTATIME},
    OptionEntry{"nostrictatime", OptionKind::clear_flag, MS_STRICTATIME},
    OptionEntry{"lazytime", OptionKind::set_flag, MS_LAZYTIME},
    OptionEntry{"nolazytime", OptionKind::clear_flag, MS_LAZYTIME},
    OptionEntry{"silent", OptionKind::set_flag, MS_SILENT},
    OptionEntry{"loud", OptionKind::clear_flag, MS_SILENT},
    OptionEntry{"iversion", OptionKind::set_flag, MS_I_VERSION},
    OptionEntry{"noiversion", OptionKind::clear_flag, MS_I_VERSION},
    OptionEntry{"nosymfollow", OptionKind::set_flag, MS_NOSYMFOLLOW},
    OptionEntry{"symfollow", OptionKind::clear_flag, MS_NOSYMFOLLOW},

    OptionEntry{"bind", OptionKind::bind, MS_BIND},
    OptionEntry{"rbind", OptionKind::recursive_bind, MS_BIND | MS_REC},

    OptionEntry{"private", OptionKind::propagation, MS_PRIVATE},
    OptionEntry{"rprivate", OptionKind::propagation, MS_PRIVATE | MS_REC},
    OptionEntry{"shared", OptionKind::propagation, MS_SHARED},
    OptionEntry{"rshared", OptionKind::propagation, MS_SHARED | MS_REC},
    OptionEntry{"slave", OptionKind::propagation, MS_SLAVE},
    OptionEntry{"rslave", OptionKind::propagation, MS_SLAVE | MS_REC},
    OptionEntry{"unbindable", OptionKind::propagation, MS_UNBINDABLE},
    OptionEntry{"runbindable", OptionKind::propagation, MS_UNBINDABLE | MS_REC},

    OptionEntry{"rro", OptionKind::recursive_set, MOUNT_ATTR_RDONLY},
    OptionEntry{"rrw", OptionKind::recursive_clear, MOUNT_ATTR_RDONLY},
    OptionEntry{"rnosuid", OptionKind::recursive_set, MOUNT_ATTR_NOSUID},
    OptionEntry{"rsuid", OptionKind::recursive_clear, MOUNT_ATTR_NOSUID},
    OptionEntry{"rnodev", OptionKind::recursive_set, MOUNT_ATTR_NODEV},
    OptionEntry{"rdev", OptionKind::recursive_clear, MOUNT_ATTR_NODEV},
    OptionEntry{"rnoexec", OptionKind::recursive_set, MOUNT_ATTR_NOEXEC},
    OptionEntry{"rexec", OptionKind::recursive_clear, MOUNT_ATTR_NOEXEC},
    OptionEntry{"rnodiratime", OptionKind::recursive_set, MOUNT_ATTR_NODIRATIME},
    OptionEntry{"rdiratime", OptionKind::recursive_clear, MOUNT_ATTR_NODIRATIME},
    OptionEntry{"rnosymfollow", OptionKind::recursive_set, MOUNT_ATTR_NOSYMFOLLOW},
    OptionEntry{"rsymfollow", OptionKind::recursive_clear, MOUNT_ATTR_NOSYMFOLLOW},
    // mount_setattr(2) takes one access-time mode, so the "no" forms pick
    // the mode they leave: "ratime" and "rnostrictatime" give the kernel's
    // default (relatime), "rnorelatime" gives strictatime, as mount(8)
    // describes norelatime.
    OptionEntry{"rnoatime", OptionKind::recursive_atime, MOUNT_ATTR_NOATIME},
    OptionEntry{"ratime", OptionKind::recursive_atime, MOUNT_ATTR_RELATIME},
    OptionEntry{"rrelatime", OptionKind::recursive_atime, MOUNT_ATTR_RELATIME},
    OptionEntry{"rnorelatime", OptionKind::recursive_atime, MOUNT_ATTR_STRICTATIME},
    OptionEntry{"rstrictatime", OptionKind::recursive_atime, MOUNT_ATTR_STRICTATIME},
    OptionEntry{"rnostrictatime", OptionKind::recursive_atime, MOUNT_ATTR_RELATIME},

    OptionEntry{"idmap", OptionKind::idmap, 0},
    OptionEntry{"ridmap", OptionKind::recursive_idmap, 0},
    OptionEntry{"tmpcopyup", OptionKind::tmpcopyup, 0},
    OptionEntry{"copy-symlink", OptionKind::copy_symlink, 0},
};

const OptionEntry* find_option(std::string_view name) {
  auto found = std::find_if(kOptions.begin(), kOptions.end(), [&](const OptionEntry& entry) { return entry.name == name; });
  return found == kOptions.end() ? nullptr : &*found;
}

void apply_option(const OptionEntry& option, MountOptions& out) {
  auto flag = static_cast<unsigned long>(option.value);
  switch (option.kind) {
    case OptionKind::set_flag:
      if (flag & kAtimeModeFlags) out.flags &= ~kAtimeModeFlags;
      out.flags |= flag;
      out.cleared &= ~flag;
      break;
    case OptionKind::clear_flag:
      out.flags &= ~flag;
      out.cleared |= flag;
      break;
    case OptionKind::propagation: out.propagation.push_back(flag); break;
    case OptionKind::recursive_set:
      out.recursive_set |= option.value;
      out.recursive_clear &= ~option.value;
      break;
    case OptionKind::recursive_clear:
      out.recursive_clear |= option.value;
      out.recursive_set &= ~option.value;
      break;
    case OptionKind::recursive_atime:
      // The kernel wants the whole access-time field cleared when a new mode
      // is set (mount_setattr(2)).
      out.recursive_set = (out.recursive_set & ~std::uint64_t{MOUNT_ATTR__ATIME}) | option.value;
      out.recursive_clear |= MOUNT_ATTR__ATIME;
      break;
    case OptionKind::bind:
      out.flags |= MS_BIND;
      out.bind = true;
      break;
    case OptionKind::recursive_bind:
      out.flags |= MS_BIND | MS_REC;
      out.bind = true;
      out.recursive_bind = true;
      break;
    case OptionKind::idmap:
      out.idmap = true;
      out.recursive_idmap = false;
      break;
    case OptionKind::recursive_idmap:
      out.idmap = true;
      out.recursive_idmap = true;
      break;
    case OptionKind::tmpcopyup: out.tmpcopyup = true; break;
    case OptionKind::copy_symlink: out.copy_symlink = true; break;
    case OptionKind::ignore: break;
  }
}

}  // namespace

unsigned long MountOptions::bind_remount_flags() const { return flags & kPerMountFlags; }

std::vector<std::string> supported_mount_option_names() {
  std::vector<std::string> names;
  for (const OptionEntry& entry : kOptions) names.emplace_back(entry.name);
  return names;
}

namespace {

// The options one list element holds: "nosuid,nodev" is two, as mount(8)'s
// -o reads it, and a known flag must not reach the filesystem's data string
// where it would be refused or, worse, ignored.  A comma inside double
// quotes belongs to the value (SELinux contexts: context="...:s0:c1,c2").
Result<std::vector<std::string_view>> split_option(std::string_view option, std::size_t index) {
  std::vector<std::string_view> pieces;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t at = 0; at <= option.size(); ++at) {
    if (at < option.size() && option[at] == '"') quoted = !quoted;
    if (at < option.size() && (quoted || option[at] != ',')) continue;
    if (at == start) return fail(fmt::format("option {}: \"{}\" has an empty option between commas", index, option));
    pieces.push_back(option.substr(start, at - start));
    start = at + 1;
  }
  if (quoted) return fail(fmt::format("option {}: \"{}\" has an unterminated quote", index, option));
  return pieces;
}

}  // namespace

Result<MountOptions> parse_mount_options(const std::vector<std::string>& options) {
  MountOptions parsed;
  for (std::size_t i = 0; i < options.size(); ++i) {
    const std::string& option = options[i];
    if (option.empty()) return fail(fmt::format("option {}: must not be empty", i));
    auto pieces = split_option(option, i);
    if (!pieces) return std::unexpected(std::move(pieces.error()));
    for (std::string_view piece : *pieces) {
      if (const OptionEntry* known = find_option(piece)) {
        apply_option(*known, parsed);
        continue;
      }
      // Everything else ("size=64m", "mode=1777", "newinstance") is for the
      // filesystem to interpret.
      if (!parsed.data.empty()) parsed.data += ',';
      parsed.data += piece;
    }
  }
  return parsed;
}

Result<unsigned long> parse_propagation(const std::string& value) {
  const OptionEntry* known = find_option(value);
  if (known == nullptr || known->kind != OptionKind::propagation)
    return fail(fmt::format("unknown propagation \"{}\" (expected private, shared, slave or unbindable, "
                            "optionally with an r prefix)",
                            value));
  return static_cast<unsigned long>(known->value);
}

}  // namespace ward::oci
