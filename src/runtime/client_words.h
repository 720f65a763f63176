// The words container clients look for in a runtime's stderr to tell what
// went wrong.  They are runc's: containerd's runc shim, Podman and Docker
// (through containerd) match substrings of them, so ward's messages carry
// them verbatim with ward's own context around them.  docs/CLIENTS.md lists
// each condition, the message and the client that parses it.
#pragma once

#include <string_view>

namespace ward::runtime::client_words {

// kill/state/delete/start/exec/... of an id with no state directory.
inline constexpr std::string_view kDoesNotExist = "container does not exist";
// kill/pause/update of a container whose init has exited.
inline constexpr std::string_view kNotRunning = "container not running";
// resume of a container that is not paused.
inline constexpr std::string_view kNotPaused = "container not paused";
// A signal that reached no process: the init exited in the meantime.
inline constexpr std::string_view kNoSuchProcess = "no such process";
// create with an id already in use.
inline constexpr std::string_view kAlreadyExists = "container with given ID already exists";

}  // namespace ward::runtime::client_words
