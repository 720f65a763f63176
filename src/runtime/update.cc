// `update` (live cgroup limits) and the stats behind `events`.
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "cgroups/cgroup.h"
#include "cgroups/stats.h"
#include "runtime/container.h"

namespace ward::runtime {

Result<> Runtime::update(const std::string& id, const oci::Resources& resources) {
  auto locked = open_locked(id);
  if (!locked) return std::unexpected(locked.error());
  auto* state = &locked->state;
  Status status = locked->status;
  if (status == Status::stopped || status == Status::creating)
    return fail(fmt::format("update: container \"{}\" is {}", id, status_name(status)));
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

Result<std::string> Runtime::stats(const std::string& id) {
  WARD_TRY(validate_container_id(id));
  auto state = store_.load(id);
  if (!state) return std::unexpected(state.error());
  if (current_status(store_, *state) == Status::stopped)
    return fail(fmt::format("events: container \"{}\" is stopped", id));
  auto cgroup = cgroups::Cgroup::parse(store_.load_cgroups(id));
  auto stats = cgroups::read_stats(cgroup);
  if (!stats) return std::unexpected(stats.error().wrap("events"));
  // runc's shape (libcontainer/cgroups stats as `runc events` prints them).
  nlohmann::json data = {
      {"cpu",
       {{"usage",
         {{"total", stats->cpu_total_ns},
          {"percpu", stats->cpu_percpu_ns},
          {"kernel", stats->cpu_kernel_ns},
          {"user", stats->cpu_user_ns}}},
        {"throttling",
         {{"periods", stats->periods},
          {"throttledPeriods", stats->throttled_periods},
          {"throttledTime", stats->throttled_time_ns}}}}},
      {"memory",
       {{"usage",
         {{"limit", stats->memory_limit},
          {"usage", stats->memory_usage},
          {"max", stats->memory_max_usage},
          {"failcnt", stats->memory_failcnt}}},
        {"swap", {{"limit", stats->swap_limit}, {"usage", stats->swap_usage}}},
        {"raw", stats->memory_raw}}},
      {"pids", {{"current", stats->pids_current}, {"limit", stats->pids_limit}}},
      {"blkio", nlohmann::json::object()},
      {"hugetlb", nlohmann::json::object()},
  };
  nlohmann::json event = {{"type", "stats"}, {"id", id}, {"data", data}};
  return event.dump();
}

}  // namespace ward::runtime
