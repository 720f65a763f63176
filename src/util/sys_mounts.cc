// The mount table as /proc/self/mountinfo shows it, and the two calls that
// undo mounts made in the runtime's own mount namespace.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <optional>

#include "util/sys.h"

namespace ward::sys {

namespace {

bool is_octal(char c) { return c >= '0' && c <= '7'; }

// The next space-separated field of `line` from `pos`, or nullopt.
std::optional<std::string_view> next_field(std::string_view line, size_t& pos) {
  while (pos < line.size() && line[pos] == ' ') ++pos;
  if (pos >= line.size()) return std::nullopt;
  size_t end = line.find(' ', pos);
  if (end == std::string_view::npos) end = line.size();
  std::string_view field = line.substr(pos, end - pos);
  pos = end;
  return field;
}

bool parse_int(std::string_view text, int& out) {
  if (text.empty()) return false;
  long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
    if (value > 0x7fffffff) return false;
  }
  out = static_cast<int>(value);
  return true;
}

}  // namespace

std::string unescape_mountinfo(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    bool escape = field[i] == '\\' && i + 3 < field.size() && is_octal(field[i + 1]) && is_octal(field[i + 2]) &&
                  is_octal(field[i + 3]);
    if (escape) {
      int value = ((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) | (field[i + 3] - '0');
      out.push_back(static_cast<char>(value));
      i += 3;
    } else {
      out.push_back(field[i]);
    }
  }
  return out;
}

std::vector<MountInfo> parse_mountinfo(std::string_view text) {
  std::vector<MountInfo> result;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    // ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER
    size_t pos = 0;
    auto id = next_field(line, pos), parent = next_field(line, pos);
    next_field(line, pos);  // MAJ:MIN
    next_field(line, pos);  // root of the mount within its filesystem
    auto point = next_field(line, pos), options = next_field(line, pos);
    if (!options) continue;
    MountInfo info;
    if (!parse_int(*id, info.id) || !parse_int(*parent, info.parent_id)) continue;
    info.mount_point = unescape_mountinfo(*point);
    bool separator = false;
    while (auto field = next_field(line, pos)) {
      if (*field == "-") {
        separator = true;
        break;
      }
      if (!info.optional_fields.empty()) info.optional_fields += ' ';
      info.optional_fields += *field;
    }
    if (!separator) continue;
    result.push_back(std::move(info));
  }
  return result;
}

Result<std::vector<MountInfo>> read_mountinfo() {
  auto text = WARD_TRY(read_file("/proc/self/mountinfo"));
  return parse_mountinfo(text);
}

Result<int> mount_id(const std::string& path) {
  struct statx st {};
  if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_MNT_ID, &st) < 0)
    return fail_errno(errno, "statx " + path);
  if (!(st.stx_mask & STATX_MNT_ID)) return fail("statx " + path + ": no mount id");
  return static_cast<int>(st.stx_mnt_id);
}

Result<> unmount_detach(const std::string& path) {
  if (::umount2(path.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) < 0) return fail_errno(errno, "unmount " + path);
  return {};
}

}  // namespace ward::sys
