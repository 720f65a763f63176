#include "util/passwd.h"

#include <array>
#include <charconv>
#include <cstddef>

namespace ward {

namespace {

// A uid field: decimal digits only.  strtoul would also take " 0", "+0",
// "0\0junk" and "-18446744073709551615" (which wraps to 1), so a crafted
// line could claim another user's uid.
bool is_uid(std::string_view field, uid_t uid) {
  if (field.empty() || field.find_first_not_of("0123456789") != std::string_view::npos) return false;
  uid_t value = 0;
  auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  return error == std::errc() && end == field.data() + field.size() && value == uid;
}

}  // namespace

std::string home_directory_from_passwd(std::string_view passwd, uid_t uid) {
  while (!passwd.empty()) {
    std::size_t newline = passwd.find('\n');
    std::string_view line = passwd.substr(0, newline);
    passwd.remove_prefix(newline == std::string_view::npos ? passwd.size() : newline + 1);

    // The first six fields; the shell and anything after it do not matter.
    std::array<std::string_view, 6> fields;
    std::size_t count = 0;
    while (count < fields.size()) {
      std::size_t colon = line.find(':');
      fields[count++] = line.substr(0, colon);
      if (colon == std::string_view::npos) break;
      line.remove_prefix(colon + 1);
    }
    if (count < fields.size() || !is_uid(fields[2], uid)) continue;
    return fields[5].empty() ? std::string("/") : std::string(fields[5]);
  }
  return "/";
}

}  // namespace ward
