// Allocation-free directory reading and file-data copying for the
// container's init (tmpcopyup fills a new tmpfs with what it covers).
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "util/sys.h"

namespace ward::sys::raw {

ssize_t getdents64(int dir_fd, void* buffer, size_t size) noexcept {
  return retry([&] { return ::syscall(SYS_getdents64, dir_fd, buffer, size); });
}

int copy_file_data(int in, int out, char* buffer, size_t size) noexcept {
  // sendfile moves the bytes inside the kernel; EINVAL or ENOSYS before the
  // first byte means this pair of files cannot use it.
  constexpr size_t kChunk = 1 << 30;
  bool copied_any = false;
  for (;;) {
    long n = retry([&] { return ::sendfile(out, in, nullptr, kChunk); });
    if (n == 0) return 0;
    if (n > 0) {
      copied_any = true;
      continue;
    }
    if (copied_any || (n != -EINVAL && n != -ENOSYS)) return static_cast<int>(n);
    break;
  }
  for (;;) {
    ssize_t n = read_some(in, buffer, size);
    if (n < 0) return static_cast<int>(n);
    if (n == 0) return 0;
    if (ssize_t w = write_all(out, buffer, static_cast<size_t>(n)); w < 0) return static_cast<int>(w);
  }
}

}  // namespace ward::sys::raw
