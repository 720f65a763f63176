#include "runtime/passwd.h"

#include <fcntl.h>

#include <sstream>

#include "util/sys.h"

namespace ward::runtime {

std::string home_directory_from_passwd(const std::string& passwd, uid_t uid) {
  std::istringstream lines(passwd);
  std::string line;
  while (std::getline(lines, line)) {
    // name:password:uid:gid:gecos:home:shell
    std::string fields[7];
    size_t start = 0;
    int count = 0;
    for (; count < 7; ++count) {
      size_t end = line.find(':', start);
      fields[count] = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (end == std::string::npos) {
        ++count;
        break;
      }
      start = end + 1;
    }
    if (count < 6 || fields[2].empty()) continue;
    char* end = nullptr;
    unsigned long value = std::strtoul(fields[2].c_str(), &end, 10);
    if (end == nullptr || *end != '\0' || value != uid) continue;
    return fields[5].empty() ? "/" : fields[5];
  }
  return "/";
}

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
