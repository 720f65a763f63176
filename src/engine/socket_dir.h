// Unix sockets under the run root (a container's console and attach
// sockets).  A socket's path must fit in sun_path (108 bytes), which a
// deep run root does not: its directory is reached through an fd instead,
// as /proc/self/fd/N/NAME, valid in this process and its forks.
#pragma once

#include <string>

#include "util/error.h"
#include "util/fd.h"

namespace ward::engine {

class SocketDir {
 public:
  [[nodiscard]] static Result<SocketDir> open(const std::string& dir);
  [[nodiscard]] std::string path(const std::string& name) const;

  // A listening socket of `type` (SOCK_STREAM, SOCK_SEQPACKET) at NAME,
  // replacing a stale one.
  [[nodiscard]] Result<UniqueFd> listen(const std::string& name, int type) const;
  // A connection to the socket at NAME.
  [[nodiscard]] Result<UniqueFd> connect(const std::string& name, int type) const;

 private:
  explicit SocketDir(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace ward::engine
