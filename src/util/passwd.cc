#include "util/passwd.h"

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

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

// The colon-separated fields of each line, `count` of them (lines with
// fewer are skipped), handed to `visit` until it returns true.
template <std::size_t N, class Visit>
void for_each_line(std::string_view text, Visit&& visit) {
  while (!text.empty()) {
    std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    std::array<std::string_view, N> fields;
    std::size_t count = 0;
    while (count < N) {
      std::size_t colon = line.find(':');
      fields[count++] = line.substr(0, colon);
      if (colon == std::string_view::npos) break;
      line.remove_prefix(colon + 1);
    }
    if (count == N && visit(fields)) return;
  }
}

std::optional<std::uint32_t> number(std::string_view field) {
  if (field.empty() || field.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  std::uint32_t value = 0;
  auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (error != std::errc() || end != field.data() + field.size()) return std::nullopt;
  return value;
}

}  // namespace

Result<ResolvedUser> resolve_user(std::string_view spec, std::string_view passwd, std::string_view group) {
  std::size_t colon = spec.find(':');
  std::string_view user_part = spec.substr(0, colon);
  std::string_view group_part = colon == std::string_view::npos ? std::string_view() : spec.substr(colon + 1);
  ResolvedUser user;
  std::string name;
  if (user_part.empty()) user_part = "0";
  bool found = false;
  auto wanted_uid = number(user_part);
  for_each_line<6>(passwd, [&](const std::array<std::string_view, 6>& f) {
    auto uid = number(f[2]);
    auto gid = number(f[3]);
    if (!uid || !gid) return false;
    if (wanted_uid ? *uid != *wanted_uid : f[0] != user_part) return false;
    user.uid = *uid;
    user.gid = *gid;
    user.home = f[5].empty() ? "/" : std::string(f[5]);
    name = f[0];
    found = true;
    return true;
  });
  if (!found) {
    if (!wanted_uid)
      return fail(ErrorKind::not_found,
                  fmt::format("unable to find user {}: no matching entries in the image's /etc/passwd", user_part));
    user.uid = *wanted_uid;
  }
  if (!group_part.empty()) {
    auto wanted_gid = number(group_part);
    bool group_found = false;
    for_each_line<4>(group, [&](const std::array<std::string_view, 4>& f) {
      auto gid = number(f[2]);
      if (!gid || (wanted_gid ? *gid != *wanted_gid : f[0] != group_part)) return false;
      user.gid = *gid;
      group_found = true;
      return true;
    });
    if (!group_found) {
      if (!wanted_gid)
        return fail(ErrorKind::not_found,
                    fmt::format("unable to find group {}: no matching entries in the image's /etc/group", group_part));
      user.gid = *wanted_gid;
    }
  }
  if (!name.empty()) {
    for_each_line<4>(group, [&](const std::array<std::string_view, 4>& f) {
      auto gid = number(f[2]);
      if (!gid || *gid == user.gid) return false;
      std::string_view members = f[3];
      while (!members.empty()) {
        std::size_t comma = members.find(',');
        if (members.substr(0, comma) == name) {
          user.additional_gids.push_back(*gid);
          break;
        }
        members.remove_prefix(comma == std::string_view::npos ? members.size() : comma + 1);
      }
      return false;
    });
  }
  return user;
}

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
