// ward's own containers as section 5 sees them.  The audit module may not
// use the engine (docs/ARCHITECTURE.md), so `ward audit` gathers each
// container as data: its `ward inspect` record, and for a running one the
// config.json its bundle holds (what the runtime applied) and its
// processes.  This file maps that onto ContainerDescription with the rules
// the engine applies (engine/container_config.cc), not Docker's: ward's
// defaults differ (docs/AUDIT.md, "ward's own containers").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/bench/container.h"
#include "util/error.h"

namespace ward::audit::bench {

struct WardContainer {
  // `ward inspect`'s record of the container: Docker's shape, with ward's
  // own HostConfig.NoNewPrivileges and HostConfig.SeccompUnconfined.
  std::string inspect;
  // A running container's <run>/containers/<id>/config.json; nullopt for
  // one that does not run (its next start builds it again).
  std::optional<std::string> config;
  // A running container's processes' command lines (/proc/PID/cmdline,
  // arguments joined by spaces); nullopt for one that does not run.
  std::optional<std::vector<std::string>> processes;
};

struct WardContainers {
  std::vector<WardContainer> containers;
  // Whether the host has AppArmor: a container that does not run gets
  // ward's profile (ward-default) at its next start only then.
  bool host_apparmor = false;
};

// Errors name the container and the JSON field.
[[nodiscard]] Result<ContainerDescription> describe_ward_container(const WardContainer& container, bool host_apparmor);

}  // namespace ward::audit::bench
