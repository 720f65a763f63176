#include "util/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace ward::term {

RawTerminal::RawTerminal(int fd) : fd_(fd) {
  if (::isatty(fd) && ::tcgetattr(fd, &saved_) == 0) {
    struct termios raw = saved_;
    ::cfmakeraw(&raw);
    raw.c_oflag |= OPOST;  // keep "\n" -> "\r\n" on our side
    active_ = ::tcsetattr(fd, TCSANOW, &raw) == 0;
  }
}

RawTerminal::~RawTerminal() {
  if (active_) ::tcsetattr(fd_, TCSANOW, &saved_);
}

std::optional<WindowSize> window_size(int fd) {
  struct winsize size {};
  if (::ioctl(fd, TIOCGWINSZ, &size) != 0) return std::nullopt;
  return WindowSize{size.ws_row, size.ws_col};
}

void set_window_size(int fd, WindowSize size) {
  struct winsize wanted {};
  wanted.ws_row = size.rows;
  wanted.ws_col = size.columns;
  ::ioctl(fd, TIOCSWINSZ, &wanted);
}

void copy_window_size(int from, int to) {
  if (auto size = window_size(from)) set_window_size(to, *size);
}

}  // namespace ward::term
