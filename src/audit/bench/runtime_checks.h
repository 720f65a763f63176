// Section 5, container runtime: each check over every container described,
// one result per check naming the containers that fail it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/bench/bench.h"
#include "audit/bench/container.h"

namespace ward::audit::bench {

struct RuntimeInput {
  std::vector<ContainerDescription> containers;
  // 5.1: whether the engine is in swarm mode; nullopt when the input cannot
  // say (files describe containers, not engines).
  std::optional<bool> swarm_active;
};

[[nodiscard]] Section runtime_section(const RuntimeInput& input);

}  // namespace ward::audit::bench
