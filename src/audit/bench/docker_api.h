// The containers a live Docker or Podman engine runs, read over its API
// socket (unix:// only): GET /info for swarm mode, GET /containers/json for
// the running containers, then each one's GET /containers/{id}/json (the
// record `docker inspect` prints) and GET /containers/{id}/top (its
// processes, for 5.7).
#pragma once

#include <string>
#include <string_view>

#include "audit/bench/runtime_checks.h"
#include "util/error.h"

namespace ward::audit::bench {

// `host`: "unix:///run/docker.sock".  Anything else is refused as
// unsupported, naming it.
[[nodiscard]] Result<RuntimeInput> read_docker_host(std::string_view host);

// The socket path of a unix:// host, or an error naming what is wrong.
[[nodiscard]] Result<std::string> docker_host_socket(std::string_view host);

}  // namespace ward::audit::bench
