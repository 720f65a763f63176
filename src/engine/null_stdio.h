// Internal to src/engine: points some of ward's own stdio at /dev/null for
// as long as it lives, so that a container process the runtime starts
// with ward's stdio reads nothing (no -i) or writes nowhere (exec -d).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <initializer_list>
#include <utility>
#include <vector>

namespace ward::engine {

class NullStdio {
 public:
  explicit NullStdio(std::initializer_list<int> fds) {
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0) return;
    for (int fd : fds) {
      int saved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
      if (saved >= 0 && ::dup2(null, fd) >= 0) saved_.emplace_back(fd, saved);
    }
    ::close(null);
  }
  NullStdio(const NullStdio&) = delete;
  NullStdio& operator=(const NullStdio&) = delete;
  ~NullStdio() {
    for (auto [fd, saved] : saved_) {
      ::dup2(saved, fd);
      ::close(saved);
    }
  }

 private:
  std::vector<std::pair<int, int>> saved_;  // (stdio fd, its saved copy)
};

}  // namespace ward::engine
