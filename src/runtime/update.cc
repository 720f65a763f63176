// `update`: live cgroup limits.
#include <fmt/format.h>

#include "cgroups/cgroup.h"
#include "runtime/client_words.h"
#include "runtime/container.h"

namespace ward::runtime {

Result<> Runtime::update(const std::string& id, const oci::Resources& resources) {
  auto locked = WARD_TRY(open_locked(id));
  auto* state = &locked.state;
  Status status = locked.status;
  if (status == Status::stopped || status == Status::creating)
    return fail(ErrorKind::wrong_state,
                fmt::format("update: {}: \"{}\" is {}", client_words::kNotRunning, id, status_name(status)));
  auto cgroup = cgroups::Cgroup::parse(store_.load_cgroups(id));
  if (cgroup.directories().empty()) return fail(fmt::format("update: container \"{}\" has no cgroup", id));
  std::vector<oci::DeviceRule> allowed = cgroups::default_allowed_devices();
  if (!resources.devices.empty()) {
    // The container's own devices stay allowed when the rules are replaced.
    auto config = oci::load_config(state->bundle);
    if (!config) return std::unexpected(config.error().wrap("update"));
    allowed = cgroups::allowed_devices(config->linux.devices);
  }
  if (auto r = cgroup.update(resources, allowed); !r) return std::unexpected(r.error().wrap("update"));
  return {};
}

}  // namespace ward::runtime
