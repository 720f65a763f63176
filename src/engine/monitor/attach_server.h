// The monitor's side of `ward attach` (attach_protocol.h): it accepts
// clients on the listening socket, copies the container's output to each,
// and hands their input to the container's stdin or terminal.  A client
// that does not read is given up to kClientBacklog of output, then
// dropped: the monitor never blocks on one, so the log and the other
// clients go on.
#pragma once

#include <poll.h>

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "engine/monitor/attach_protocol.h"
#include "util/fd.h"

namespace ward::monitor {

class AttachServer {
 public:
  static constexpr std::size_t kClientBacklog = 4 << 20;

  // `listen_fd`: the listening socket, or -1 for none (nothing attaches).
  explicit AttachServer(int listen_fd);

  // Where the container's input goes: the write end of -i's stdin pipe, a
  // terminal's master, or -1 (input is dropped).  `terminal`: resizes apply.
  void set_input(int fd, bool terminal);

  // Adds what to poll for; handle() takes the same vector back with the
  // index of its first entry.
  void add_poll_fds(std::vector<struct pollfd>& fds) const;
  void handle(const std::vector<struct pollfd>& fds, std::size_t first);

  // Sends a piece of output to every client.
  void broadcast(AttachFrame kind, std::string_view data);
  // The container ended: pending output is flushed for a moment, then
  // every client is disconnected.
  void disconnect_all();

 private:
  struct Client {
    UniqueFd fd;
    std::deque<std::string> output;  // frames not sent yet
    std::size_t output_bytes = 0;
    std::string input;  // stdin the container has not taken yet
  };
  void accept_clients();
  bool flush_output(Client& client);
  bool read_input(Client& client);
  bool flush_input(Client& client);

  int listen_;
  int input_fd_ = -1;
  bool terminal_ = false;
  std::vector<Client> clients_;
};

}  // namespace ward::monitor
