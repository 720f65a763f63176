// `events`: runc's event stream (stats documents and OOM notifications)
// and the one-shot `events --stats` document.
#include <poll.h>

#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cgroups/cgroup.h"
#include "cgroups/oom.h"
#include "cgroups/stats.h"
#include "runtime/container.h"

namespace ward::runtime {

namespace {

// runc's BlkioEntry: zero fields are left out (omitempty).
nlohmann::json blkio_entries(const std::vector<cgroups::BlkioEntry>& entries) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& entry : entries) {
    nlohmann::json item = nlohmann::json::object();
    if (entry.major != 0) item["major"] = entry.major;
    if (entry.minor != 0) item["minor"] = entry.minor;
    if (!entry.op.empty()) item["op"] = entry.op;
    if (entry.value != 0) item["value"] = entry.value;
    list.push_back(std::move(item));
  }
  return list;
}

nlohmann::json blkio_stats(const cgroups::Stats& stats) {
  nlohmann::json blkio = nlohmann::json::object();
  if (!stats.io_service_bytes.empty()) blkio["ioServiceBytesRecursive"] = blkio_entries(stats.io_service_bytes);
  if (!stats.io_serviced.empty()) blkio["ioServicedRecursive"] = blkio_entries(stats.io_serviced);
  return blkio;
}

// runc's Hugetlb by page size: usage and max left out when zero.
nlohmann::json hugetlb_stats(const cgroups::Stats& stats) {
  nlohmann::json hugetlb = nlohmann::json::object();
  for (const auto& [size, usage] : stats.hugetlb) {
    nlohmann::json item = {{"failcnt", usage.failcnt}};
    if (usage.usage != 0) item["usage"] = usage.usage;
    if (usage.max != 0) item["max"] = usage.max;
    hugetlb[size] = std::move(item);
  }
  return hugetlb;
}

// runc's event lines: {"type":"stats","id":ID,"data":{...}} and
// {"type":"oom","id":ID} (types.Event, data omitted when empty).
Result<std::string> stats_event(const std::string& id, const cgroups::Cgroup& cgroup) {
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
      {"blkio", blkio_stats(*stats)},
      {"hugetlb", hugetlb_stats(*stats)},
  };
  nlohmann::json event = {{"type", "stats"}, {"id", id}, {"data", data}};
  return event.dump();
}

std::string oom_event(const std::string& id) { return nlohmann::json({{"type", "oom"}, {"id", id}}).dump(); }

}  // namespace

Result<std::string> Runtime::stats(const std::string& id) {
  WARD_TRY(validate_container_id(id));
  auto state = WARD_TRY(store_.load(id));
  if (current_status(store_, state) == Status::stopped)
    return fail(fmt::format("events: container \"{}\" is stopped", id));
  return stats_event(id, cgroups::Cgroup::parse(store_.load_cgroups(id)));
}

Result<std::uint64_t> Runtime::oom_kills(const std::string& id) {
  WARD_TRY(validate_container_id(id));
  auto stats = WARD_TRY(cgroups::read_stats(cgroups::Cgroup::parse(store_.load_cgroups(id))));
  return stats.oom_kills;
}

Result<> Runtime::events(const std::string& id, int interval_ms, const std::function<void(const std::string&)>& emit) {
  WARD_TRY(validate_container_id(id));
  auto state = WARD_TRY(store_.load(id));
  if (current_status(store_, state) == Status::stopped)
    return fail(fmt::format("events: container \"{}\" is not running", id));
  // The init's pidfd turns readable when it exits: the end of the stream.
  auto init = open_init(state);
  if (!init) return std::unexpected(init.error().wrap("events"));
  auto cgroup = cgroups::Cgroup::parse(store_.load_cgroups(id));
  auto oom = cgroups::OomWatcher::open(cgroup);
  if (!oom) return std::unexpected(oom.error().wrap("events"));
  // Watching before the first document: whoever waits for that line knows
  // no OOM from then on is missed.
  auto first = WARD_TRY(stats_event(id, cgroup));
  emit(first);

  using Clock = std::chrono::steady_clock;
  auto next_stats = Clock::now() + std::chrono::milliseconds(interval_ms);
  auto report_oom = [&]() -> Result<> {
    auto happened = oom->check();
    if (!happened) return std::unexpected(happened.error().wrap("events"));
    if (*happened) emit(oom_event(id));
    return {};
  };
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_stats - Clock::now()).count();
    struct pollfd fds[2] = {{init->get(), POLLIN, 0}, {oom->fd(), POLLIN, 0}};
    int ready = ::poll(fds, 2, static_cast<int>(std::max<long long>(left, 0)));
    if (ready < 0 && errno != EINTR) return fail_errno(errno, "events: poll");
    if (ready > 0 && (fds[1].revents & POLLIN)) WARD_TRY(report_oom());
    if (ready > 0 && (fds[0].revents & (POLLIN | POLLHUP))) {
      // The container stopped; an OOM that killed it may still be pending.
      WARD_TRY(report_oom());
      return {};
    }
    if (oom->ended()) return {};
    if (Clock::now() >= next_stats) {
      auto stats = stats_event(id, cgroup);
      if (!stats) return {};  // the cgroup went away with the container
      emit(*stats);
      next_stats += std::chrono::milliseconds(interval_ms);
    }
  }
}

}  // namespace ward::runtime
