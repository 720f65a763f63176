#include "runtime/plan/passwd.h"

#include <fcntl.h>

#include "util/passwd.h"
#include "util/sys.h"

namespace ward::runtime {

std::string home_directory(const std::string& rootfs, uid_t uid) {
  auto root = sys::open(rootfs, O_PATH | O_DIRECTORY);
  if (!root) return "/";
  int fd = sys::raw::open_in_root(root->get(), "/etc/passwd", O_RDONLY);
  if (fd < 0) return "/";
  UniqueFd passwd(fd);
  auto text = sys::read_fd(passwd.get());
  if (!text) return "/";
  return home_directory_from_passwd(*text, uid);
}

}  // namespace ward::runtime
