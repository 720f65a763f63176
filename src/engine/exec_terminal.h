// exec -d -t: a detached command with a terminal.  The runtime sends the
// terminal's master to a console socket (runc's --console-socket); a
// holder process, in a session of its own and no child of ward's, takes
// it and reads what the command writes, dropping it, until nothing holds
// the terminal's other end, as dockerd keeps a detached exec's terminal.
// Without a holder the master would close with ward and the command would
// get SIGHUP at once.
#pragma once

#include <string>

#include "engine/socket_dir.h"
#include "util/error.h"
#include "util/fd.h"

namespace ward::engine {

class DetachedTerminal {
 public:
  // Listens at NAME under `dir` and starts the holder.
  [[nodiscard]] static Result<DetachedTerminal> start(const SocketDir& dir, std::string name);
  DetachedTerminal(DetachedTerminal&&) noexcept = default;
  DetachedTerminal& operator=(DetachedTerminal&&) = delete;
  DetachedTerminal(const DetachedTerminal&) = delete;
  DetachedTerminal& operator=(const DetachedTerminal&) = delete;
  // Removes the socket and tells the holder that no master comes after the
  // ones already sent: with none sent (the exec failed), it exits.
  ~DetachedTerminal();

  // What the runtime's console_socket takes.
  [[nodiscard]] std::string socket_path() const { return dir_->path(name_); }

 private:
  DetachedTerminal(const SocketDir& dir, std::string name) : dir_(&dir), name_(std::move(name)) {}
  const SocketDir* dir_;
  std::string name_;
  UniqueFd done_;  // the write end of a pipe the holder watches
};

}  // namespace ward::engine
