// `ward attach`'s socket, which a detached container's monitor listens on
// (`<run>/containers/<id>.attach`, SOCK_SEQPACKET, made by the ward that
// starts the monitor).  Every message is one frame: a kind byte, then the
// payload.  The monitor sends the container's output; a client sends its
// stdin and, for a terminal, its window size.  The monitor closes every
// connection when the container's init has exited and its output is
// drained, so a client's end of stream means the container stopped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ward::monitor {

enum class AttachFrame : std::uint8_t {
  stdout_data = 1,  // monitor -> client (a terminal's output too)
  stderr_data = 2,  // monitor -> client
  stdin_data = 3,   // client -> monitor
  resize = 4,       // client -> monitor: rows and columns, 2 bytes each
};

// The largest frame either side sends (its payload is one byte less).
inline constexpr std::size_t kAttachFrameMax = 32768;

[[nodiscard]] std::string attach_socket_path(const std::string& run_root, const std::string& id);

[[nodiscard]] std::string encode_resize(unsigned short rows, unsigned short columns);
struct Resize {
  unsigned short rows = 0, columns = 0;
};
[[nodiscard]] std::optional<Resize> decode_resize(std::string_view payload);

}  // namespace ward::monitor
