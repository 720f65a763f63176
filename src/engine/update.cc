// Engine::update: `ward update`, new limits for a container.  A running
// container's cgroup gets them through the runtime's update (what `runc
// update` does); the record keeps them for its next starts.
#include <fmt/format.h>

#include "engine/container_config_parts.h"
#include "engine/container_events.h"
#include "engine/engine.h"
#include "oci/config.h"

namespace ward::engine {

namespace {

// The OCI linux.resources of the spec's limits, as its config has them.
Result<oci::Resources> resources_of(const ContainerSpec& spec) {
  nlohmann::json config = nlohmann::json::object();
  WARD_TRY(apply_resource_limits(spec, config));
  nlohmann::json resources = config["linux"]["resources"];
  if (!resources.is_object()) resources = nlohmann::json::object();
  // -1: no limit, which a pids limit of 0 (none) means.
  resources["pids"] = {{"limit", spec.pids_limit > 0 ? spec.pids_limit : -1}};
  return oci::parse_resources(resources.dump());
}

}  // namespace

Result<> Engine::update(const ContainerRecord& container, const ContainerSpec& updated) {
  auto current = WARD_TRY(reconcile(container));
  if (current.status == ContainerStatus::running) {
    auto resources = WARD_TRY(context(resources_of(updated), "update {}", current.name));
    WARD_TRY(context(runtime_.update(current.id, resources), "update {}", current.name));
  }
  WARD_TRY(update_container_spec(store_.database(), current.id, updated));
  note_container_event(store_.database(), current, "update");
  return {};
}

}  // namespace ward::engine
