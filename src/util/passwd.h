// The /etc/passwd format (name:password:uid:gid:gecos:home:shell), read from
// text.  A container image's /etc/passwd is untrusted input: a line counts
// only when its uid field is a plain decimal number.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ward {

// The home directory of `uid` in passwd text: the first line whose uid
// field is exactly that number, "/" if there is none or its home is empty.
[[nodiscard]] std::string home_directory_from_passwd(std::string_view passwd, uid_t uid);

// A user as a container's process runs it.
struct ResolvedUser {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> additional_gids;  // groups in /etc/group that list the user
  std::string home = "/";
};

// Docker's `--user` rules over an image's /etc/passwd and /etc/group text:
// "" is root; "NAME" or "UID" takes the gid and home of the passwd line
// (a UID with no line gets gid 0); ":GROUP" or ":GID" after either sets
// the group.  A name that no line has is not_found naming it and the file.
[[nodiscard]] Result<ResolvedUser> resolve_user(std::string_view spec, std::string_view passwd, std::string_view group);

}  // namespace ward
