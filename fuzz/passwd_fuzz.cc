// The image's /etc/passwd and /etc/group, read for the container's HOME
// and for `ward run --user` (util/passwd.h).  Properties, for any bytes and
// several uids:
//   - reading never crashes;
//   - the result is "/" or the home field of a line, so it never holds a
//     newline or a colon;
//   - it agrees with a second, deliberately simple reading: the first line
//     with at least six fields whose uid field is only digits and equals
//     the uid (no sign, no space, no NUL, no wrap-around);
//   - resolve_user, with the same bytes as passwd and as group, never
//     crashes, and a user it finds by number has that uid and a home that
//     holds no newline.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "util/passwd.h"

namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t at = 0; at <= text.size(); ++at) {
    if (at < text.size() && text[at] != separator) continue;
    parts.push_back(text.substr(start, at - start));
    start = at + 1;
  }
  return parts;
}

// The uid field's value if it is plain digits and fits 32 bits.
bool field_is(std::string_view field, std::uint64_t uid) {
  if (field.empty()) return false;
  std::uint64_t value = 0;
  for (char c : field) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > 0xffffffffu) return false;
  }
  return value == uid;
}

std::string expected_home(std::string_view text, std::uint64_t uid) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  for (std::string_view line : split(text, '\n')) {
    auto fields = split(line, ':');
    if (fields.size() < 6 || !field_is(fields[2], uid)) continue;
    return fields[5].empty() ? "/" : std::string(fields[5]);
  }
  return "/";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (std::uint64_t uid : {0u, 1u, 1000u, 65534u, 4294967295u}) {
    std::string home = ward::home_directory_from_passwd(text, static_cast<uid_t>(uid));
    WARD_FUZZ_CHECK(!home.empty() && home.find('\n') == std::string::npos && home.find(':') == std::string::npos,
                    "home \"%s\"", home.c_str());
    std::string expected = expected_home(text, uid);
    WARD_FUZZ_CHECK(home == expected, "uid %llu: home \"%s\", expected \"%s\"", static_cast<unsigned long long>(uid),
                    home.c_str(), expected.c_str());
  }
  for (const char* spec : {"", "0", "root", "1000:1000", "app", "app:staff", "65534:nogroup"}) {
    auto user = ward::resolve_user(spec, text, text);
    if (!user) continue;
    WARD_FUZZ_CHECK(user->home.find('\n') == std::string::npos, "--user %s: home \"%s\"", spec, user->home.c_str());
    if (std::string_view(spec).starts_with("1000"))
      WARD_FUZZ_CHECK(user->uid == 1000, "--user %s: uid %u", spec, user->uid);
  }
  return 0;
}
