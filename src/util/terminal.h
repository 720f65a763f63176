// The host terminal of a program that relays a container's terminal
// (`ward-oci run`, `ward attach`): raw mode for the relay, its window size.
#pragma once

#include <termios.h>

#include <optional>

namespace ward::term {

// Puts `fd` in raw mode, if it is a terminal, for as long as it lives.
class RawTerminal {
 public:
  explicit RawTerminal(int fd);
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;
  ~RawTerminal();
  [[nodiscard]] bool active() const { return active_; }

 private:
  int fd_;
  struct termios saved_ {};
  bool active_ = false;
};

struct WindowSize {
  unsigned short rows = 0, columns = 0;
};

// The window size of the terminal `fd`; nullopt when it is none.
[[nodiscard]] std::optional<WindowSize> window_size(int fd);
// Gives the terminal `fd` (a pty master) that size.
void set_window_size(int fd, WindowSize size);
// Copies the window size of terminal `from` to `to`.
void copy_window_size(int from, int to);

}  // namespace ward::term
