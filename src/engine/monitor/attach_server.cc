#include "engine/monitor/attach_server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "util/sys.h"
#include "util/terminal.h"

namespace ward::monitor {

std::string attach_socket_path(const std::string& run_root, const std::string& id) {
  return fmt::format("{}/containers/{}.attach", run_root, id);
}

std::string encode_resize(unsigned short rows, unsigned short columns) {
  std::string frame(1, static_cast<char>(AttachFrame::resize));
  for (unsigned short value : {rows, columns}) {
    frame.push_back(static_cast<char>(value >> 8));
    frame.push_back(static_cast<char>(value & 0xff));
  }
  return frame;
}

std::optional<Resize> decode_resize(std::string_view payload) {
  if (payload.size() != 4) return std::nullopt;
  auto byte = [&](std::size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(payload[i])); };
  return Resize{static_cast<unsigned short>(byte(0) << 8 | byte(1)),
                static_cast<unsigned short>(byte(2) << 8 | byte(3))};
}

AttachServer::AttachServer(int listen_fd) : listen_(listen_fd) {
  // accept_clients() takes every waiting client, then must not block.
  if (listen_ >= 0) ::fcntl(listen_, F_SETFL, ::fcntl(listen_, F_GETFL) | O_NONBLOCK);
}

void AttachServer::set_input(int fd, bool terminal) {
  input_fd_ = fd;
  terminal_ = terminal;
  if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  for (auto& client : clients_) client.input.clear();  // meant for the last start's stdin
}

void AttachServer::add_poll_fds(std::vector<struct pollfd>& fds) const {
  fds.push_back({listen_, POLLIN, 0});
  bool input_waiting = false;
  for (const auto& client : clients_) {
    short events = 0;
    if (client.input.empty()) events |= POLLIN;  // the container takes input at its own pace
    if (!client.output.empty()) events |= POLLOUT;
    fds.push_back({client.fd.get(), events, 0});
    input_waiting = input_waiting || !client.input.empty();
  }
  fds.push_back({input_waiting ? input_fd_ : -1, POLLOUT, 0});
}

void AttachServer::handle(const std::vector<struct pollfd>& fds, std::size_t first) {
  bool input_ready = fds[first + 1 + clients_.size()].revents != 0;
  std::vector<bool> keep(clients_.size(), true);
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    short revents = fds[first + 1 + i].revents;
    Client& client = clients_[i];
    if (revents & POLLOUT) keep[i] = flush_output(client);
    if (keep[i] && (revents & (POLLIN | POLLHUP | POLLERR))) keep[i] = read_input(client);
    if (keep[i] && input_ready) keep[i] = flush_input(client);
  }
  for (std::size_t i = clients_.size(); i-- > 0;)
    if (!keep[i]) clients_.erase(clients_.begin() + static_cast<std::ptrdiff_t>(i));
  if (fds[first].revents & POLLIN) accept_clients();
}

void AttachServer::accept_clients() {
  for (;;) {
    int fd = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;
    clients_.push_back({UniqueFd(fd), {}, 0, {}});
  }
}

void AttachServer::broadcast(AttachFrame kind, std::string_view data) {
  std::vector<bool> keep(clients_.size(), true);
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    Client& client = clients_[i];
    for (std::size_t offset = 0; offset < data.size(); offset += kAttachFrameMax - 1) {
      std::string frame(1, static_cast<char>(kind));
      frame.append(data.substr(offset, kAttachFrameMax - 1));
      client.output_bytes += frame.size();
      client.output.push_back(std::move(frame));
    }
    keep[i] = client.output_bytes <= kClientBacklog && flush_output(client);
  }
  for (std::size_t i = clients_.size(); i-- > 0;)
    if (!keep[i]) clients_.erase(clients_.begin() + static_cast<std::ptrdiff_t>(i));
}

// false: the client is gone.
bool AttachServer::flush_output(Client& client) {
  while (!client.output.empty()) {
    const std::string& frame = client.output.front();
    ssize_t n = ::send(client.fd.get(), frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    client.output_bytes -= frame.size();
    client.output.pop_front();
  }
  return true;
}

bool AttachServer::read_input(Client& client) {
  char buffer[kAttachFrameMax];
  ssize_t n = ::recv(client.fd.get(), buffer, sizeof(buffer), MSG_DONTWAIT);
  if (n < 0) return errno == EAGAIN || errno == EINTR;
  if (n == 0) return false;  // the client went away
  std::string_view payload(buffer + 1, static_cast<std::size_t>(n - 1));
  switch (static_cast<AttachFrame>(buffer[0])) {
    case AttachFrame::stdin_data:
      if (input_fd_ >= 0) client.input.append(payload);
      return flush_input(client);
    case AttachFrame::resize:
      if (auto size = decode_resize(payload); size && terminal_ && input_fd_ >= 0)
        term::set_window_size(input_fd_, {size->rows, size->columns});
      return true;
    default: return false;  // not a ward attach client
  }
}

bool AttachServer::flush_input(Client& client) {
  while (!client.input.empty() && input_fd_ >= 0) {
    ssize_t n = ::write(input_fd_, client.input.data(), client.input.size());
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return true;
      client.input.clear();  // the container closed its stdin: input is dropped
      return true;
    }
    client.input.erase(0, static_cast<std::size_t>(n));
  }
  return true;
}

void AttachServer::disconnect_all() {
  for (auto& client : clients_) {
    // A client that reads gets the rest; one that does not is not waited for.
    ::fcntl(client.fd.get(), F_SETFL, ::fcntl(client.fd.get(), F_GETFL) & ~O_NONBLOCK);
    struct timeval limit {
      1, 0
    };
    ::setsockopt(client.fd.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
    while (!client.output.empty()) {
      const std::string& frame = client.output.front();
      if (::send(client.fd.get(), frame.data(), frame.size(), MSG_NOSIGNAL) < 0) break;
      client.output.pop_front();
    }
  }
  clients_.clear();
}

}  // namespace ward::monitor
