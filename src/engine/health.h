// Docker's health checks: the image's HEALTHCHECK or --health-*, run in
// the container by its monitor every interval (`ward monitor-health`), the
// outcome kept as Docker's State.Health:
//   {"Status": "starting"|"healthy"|"unhealthy", "FailingStreak": N,
//    "Log": [{"Start", "End", "ExitCode", "Output"}, ...the last 5]}
// A probe that exits 0 makes the container healthy; `retries` failures in
// a row make it unhealthy; failures in the start period do not count.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/container_rows.h"
#include "engine/db/database.h"
#include "image/spec.h"
#include "util/error.h"

namespace ward::engine {

// Docker's defaults for the fields a HEALTHCHECK leaves at 0 (ns).
inline constexpr std::int64_t kDefaultHealthInterval = 30'000'000'000;
inline constexpr std::int64_t kDefaultHealthTimeout = 30'000'000'000;
inline constexpr std::int64_t kDefaultHealthStartInterval = 5'000'000'000;
inline constexpr int kDefaultHealthRetries = 3;
// What Docker keeps: the last 5 probes, 4096 bytes of each one's output.
inline constexpr std::size_t kHealthLogEntries = 5;
inline constexpr std::size_t kHealthOutputLimit = 4096;

// The container's health check with the defaults filled in; nullopt when
// it has none (no test, or "NONE").
[[nodiscard]] std::optional<image::Healthcheck> active_healthcheck(const ContainerSpec& spec);
// The probe's command: CMD's arguments, or CMD-SHELL's text under /bin/sh -c.
[[nodiscard]] std::vector<std::string> probe_command(const image::Healthcheck& check);

struct ProbeResult {
  std::string start, end;  // RFC 3339
  int exit_code = 0;       // -1: it could not run or ran past its timeout
  std::string output;      // at most kHealthOutputLimit bytes
};

// The state after a probe (`previous` as recorded, "" for none).
[[nodiscard]] nlohmann::json next_health(const std::string& previous, const ProbeResult& result, bool in_start_period,
                                         int retries);
// The state at a start: starting, no failures, the earlier log kept.
[[nodiscard]] nlohmann::json starting_health(const std::string& previous);
// The Status of a recorded state ("" when there is none).
[[nodiscard]] std::string health_status(const std::string& recorded);

// Records `container` as starting when it has a health check.
[[nodiscard]] Result<> record_health_starting(db::Database& database, const ContainerRecord& container);
// Records a probe's result; the new Status, and whether it changed.
struct HealthChange {
  std::string status;
  bool changed = false;
};
[[nodiscard]] Result<HealthChange> record_probe(db::Database& database, const std::string& id,
                                                const ProbeResult& result, bool in_start_period, int retries);

}  // namespace ward::engine
