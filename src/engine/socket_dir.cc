#include "engine/socket_dir.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "util/sys.h"

namespace ward::engine {

namespace {

Result<struct sockaddr_un> address_of(const std::string& path) {
  struct sockaddr_un address {};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) return fail("socket path too long: " + path);
  std::copy(path.begin(), path.end(), address.sun_path);
  return address;
}

}  // namespace

Result<SocketDir> SocketDir::open(const std::string& dir) {
  auto fd = WARD_TRY(sys::open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC));
  return SocketDir(std::move(fd));
}

std::string SocketDir::path(const std::string& name) const {
  return fmt::format("/proc/self/fd/{}/{}", fd_.get(), name);
}

Result<UniqueFd> SocketDir::listen(const std::string& name, int type) const {
  (void)::unlinkat(fd_.get(), name.c_str(), 0);
  std::string path = this->path(name);
  auto address = WARD_TRY(address_of(path));
  int fd = ::socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail_errno(errno, "socket " + name);
  UniqueFd sock(fd);
  if (::bind(fd, reinterpret_cast<struct sockaddr*>(&address), sizeof(address)) < 0 || ::listen(fd, 16) < 0)
    return fail_errno(errno, "listen on " + name);
  return sock;
}

Result<UniqueFd> SocketDir::connect(const std::string& name, int type) const {
  auto address = WARD_TRY(address_of(path(name)));
  int fd = ::socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail_errno(errno, "socket " + name);
  UniqueFd sock(fd);
  if (::connect(fd, reinterpret_cast<struct sockaddr*>(&address), sizeof(address)) < 0)
    return fail_errno(errno, "connect to " + name);
  return sock;
}

}  // namespace ward::engine
