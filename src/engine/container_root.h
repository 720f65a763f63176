// Internal to src/engine: a container's root filesystem as one directory
// fd, for `ward cp` and `ward export`, whether the container runs or not.
// No mount is attached anywhere: a running container is reached through
// /proc/PID/root (its own mounts, what it sees), a stopped one through a
// detached overlay of its layers that goes with the fd.
#pragma once

#include <optional>
#include <string>

#include "engine/engine.h"
#include "engine/userns.h"
#include "util/error.h"
#include "util/fd.h"

namespace ward::engine {

enum class RootAccess : std::uint8_t {
  read,        // cp from: a running container's own view, else its layers
  write,       // cp to: the same, writable
  layers_only  // export: its image's layers and its writable layer, no mount of the runtime's
};

struct ContainerRoot {
  UniqueFd root;  // the container's "/"
  std::optional<HostIds> ids;
  bool running = false;
  // Held while a stopped container's writable overlay is mounted here:
  // its start waits (launch.cc takes the same lock to make its overlay).
  UniqueFd lock;
};

// Takes the lock of a container's writable layer (flock on
// <store>/containers/<id>): two writable overlays of one upper directory
// must never exist at once.
[[nodiscard]] Result<UniqueFd> lock_writable_layer(const std::string& layer_dir);

[[nodiscard]] Result<ContainerRoot> open_container_root(Engine& engine, const ContainerRecord& container,
                                                        RootAccess access);

}  // namespace ward::engine
