// The /etc/passwd format (name:password:uid:gid:gecos:home:shell), read from
// text.  A container image's /etc/passwd is untrusted input: a line counts
// only when its uid field is a plain decimal number.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace ward {

// The home directory of `uid` in passwd text: the first line whose uid
// field is exactly that number, "/" if there is none or its home is empty.
[[nodiscard]] std::string home_directory_from_passwd(std::string_view passwd, uid_t uid);

}  // namespace ward
