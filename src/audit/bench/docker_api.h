// The containers a live Docker or Podman engine runs, read over its API
// socket (unix:// only): GET /info for swarm mode, GET /containers/json for
// the running containers, then each one's GET /containers/{id}/json (the
// record `docker inspect` prints) and GET /containers/{id}/top (its
// processes, for 5.7).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "audit/bench/runtime_checks.h"
#include "util/error.h"

namespace ward::audit::bench {

// `host`: "unix:///run/docker.sock".  Anything else is refused as
// unsupported, naming it.
[[nodiscard]] Result<RuntimeInput> read_docker_host(std::string_view host);

// The command of each process in a GET /containers/{id}/top answer.
// Docker gives one title and one value per column; Podman one title line
// ("PID   USER   COMMAND") and one line per process, whose command is every
// word from that column on.
[[nodiscard]] Result<std::vector<std::string>> parse_top(std::string_view text);

// The socket path of a unix:// host, or an error naming what is wrong.
[[nodiscard]] Result<std::string> docker_host_socket(std::string_view host);

}  // namespace ward::audit::bench
