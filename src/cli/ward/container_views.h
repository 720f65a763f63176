// How containers look on the command line: Docker's `inspect` document
// and the rows of `docker ps`, as JSON values that --format templates and
// tables read.  Shared by ps, inspect and container inspect.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/engine.h"

namespace ward::cli::engine {

// Docker's container inspect object for the fields ward has: Id, Created,
// Path, Args, State, Image, ResolvConfPath, HostnamePath, HostsPath,
// LogPath, Name, RestartCount, Driver, Platform, HostConfig, GraphDriver,
// Mounts, Config, NetworkSettings.
[[nodiscard]] nlohmann::ordered_json container_inspect_json(ward::engine::Engine& engine,
                                                            const ward::engine::ContainerRecord& record);

// One `docker ps` row: Command, CreatedAt, ID, Image, Labels, LocalVolumes,
// Mounts, Names, Networks, Ports, RunningFor, Size, State, Status.
[[nodiscard]] nlohmann::json container_row(const ward::engine::ContainerRecord& record, bool no_trunc);

// Docker's SizeRw (what the container wrote) and SizeRootFs (that plus
// its image).
struct ContainerSizes {
  std::uint64_t writable = 0, root_fs = 0;
};
[[nodiscard]] Result<ContainerSizes> container_sizes(ward::engine::Engine& engine,
                                                     const ward::engine::ContainerRecord& record);
// ps -s's text: "2B (virtual 1.24MB)".
[[nodiscard]] std::string size_text(const ContainerSizes& sizes);

// Docker's State.Status: created, running, paused, restarting, exited.
[[nodiscard]] std::string container_state_name(const ward::engine::ContainerRecord& record);

// "Up 3 seconds", "Exited (0) 2 minutes ago", "Created".
[[nodiscard]] std::string container_status_text(const ward::engine::ContainerRecord& record);

}  // namespace ward::cli::engine
