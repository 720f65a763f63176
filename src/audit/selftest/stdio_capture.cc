#include "audit/selftest/stdio_capture.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace ward::audit::selftest {

namespace {

Result<UniqueFd> memory_file(const char* name) {
  int fd = ::memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) return fail_errno(errno, "memfd_create");
  return UniqueFd(fd);
}

Result<UniqueFd> save(int fd) {
  int saved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (saved < 0) return fail_errno(errno, fmt::format("save fd {}", fd));
  return UniqueFd(saved);
}

}  // namespace

Result<StdioCapture> StdioCapture::install() {
  StdioCapture capture;
  capture.out_ = WARD_TRY(memory_file("ward-selftest-stdout"));
  capture.err_ = WARD_TRY(memory_file("ward-selftest-stderr"));
  std::fflush(stdout);
  std::fflush(stderr);
  capture.saved_out_ = WARD_TRY(save(STDOUT_FILENO));
  capture.saved_err_ = WARD_TRY(save(STDERR_FILENO));
  if (::dup2(capture.out_.get(), STDOUT_FILENO) < 0 || ::dup2(capture.err_.get(), STDERR_FILENO) < 0) {
    int saved = errno;
    capture.restore();
    return fail_errno(saved, "dup2 the captured stdio");
  }
  return capture;
}

void StdioCapture::restore() {
  if (saved_out_.get() < 0) return;
  std::fflush(stdout);
  std::fflush(stderr);
  ::dup2(saved_out_.get(), STDOUT_FILENO);
  ::dup2(saved_err_.get(), STDERR_FILENO);
  saved_out_.reset();
  saved_err_.reset();
}

Result<std::string> StdioCapture::read_all(int fd) {
  std::string text;
  char buffer[4096];
  for (off_t offset = 0;;) {
    ssize_t n = ::pread(fd, buffer, sizeof(buffer), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(errno, "read the captured output");
    if (n == 0) return text;
    text.append(buffer, static_cast<std::size_t>(n));
    offset += n;
  }
}

}  // namespace ward::audit::selftest
