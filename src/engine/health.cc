#include "engine/health.h"

#include <fmt/format.h>

namespace ward::engine {

namespace {

nlohmann::json parsed_or_empty(const std::string& recorded) {
  auto state = nlohmann::json::parse(recorded, nullptr, false);
  if (!state.is_object()) state = nlohmann::json::object();
  if (!state.contains("Log") || !state["Log"].is_array()) state["Log"] = nlohmann::json::array();
  return state;
}

Result<std::string> read_health(db::Database& database, const std::string& id) {
  auto select = WARD_TRY(database.prepare("SELECT health FROM containers WHERE id = ?1", "read the health"));
  WARD_TRY(select.bind(1, id));
  if (WARD_TRY(select.step()) != db::Step::row)
    return fail(ErrorKind::not_found, fmt::format("No such container: {}", id));
  return select.column_text(0);
}

Result<> write_health(db::Database& database, const std::string& id, const nlohmann::json& state) {
  auto update = WARD_TRY(database.prepare("UPDATE containers SET health = ?2 WHERE id = ?1", "record the health"));
  WARD_TRY(update.bind(1, id));
  WARD_TRY(update.bind(2, state.dump()));
  return update.run();
}

}  // namespace

std::optional<image::Healthcheck> active_healthcheck(const ContainerSpec& spec) {
  if (spec.no_healthcheck || !spec.healthcheck) return std::nullopt;
  image::Healthcheck check = *spec.healthcheck;
  if (check.test.empty() || check.test.front() == "NONE") return std::nullopt;
  if (check.test.front() != "CMD" && check.test.front() != "CMD-SHELL") return std::nullopt;
  if (check.interval == 0) check.interval = kDefaultHealthInterval;
  if (check.timeout == 0) check.timeout = kDefaultHealthTimeout;
  if (check.start_interval == 0) check.start_interval = kDefaultHealthStartInterval;
  if (check.retries == 0) check.retries = kDefaultHealthRetries;
  return check;
}

std::vector<std::string> probe_command(const image::Healthcheck& check) {
  if (check.test.empty()) return {};
  if (check.test.front() == "CMD-SHELL") {
    std::string script;
    for (std::size_t i = 1; i < check.test.size(); ++i) script += (i > 1 ? " " : "") + check.test[i];
    return {"/bin/sh", "-c", script};
  }
  return {check.test.begin() + 1, check.test.end()};
}

nlohmann::json next_health(const std::string& previous, const ProbeResult& result, bool in_start_period, int retries) {
  nlohmann::json state = parsed_or_empty(previous);
  std::string status = state.value("Status", "starting");
  int streak = state.value("FailingStreak", 0);
  if (result.exit_code == 0) {
    status = "healthy";
    streak = 0;
  } else if (!in_start_period) {
    ++streak;
    if (streak >= retries) status = "unhealthy";
  }
  state["Status"] = status;
  state["FailingStreak"] = streak;
  auto& log = state["Log"];
  log.push_back({{"Start", result.start},
                 {"End", result.end},
                 {"ExitCode", result.exit_code},
                 {"Output", result.output.substr(0, kHealthOutputLimit)}});
  while (log.size() > kHealthLogEntries) log.erase(log.begin());
  return state;
}

nlohmann::json starting_health(const std::string& previous) {
  nlohmann::json state = parsed_or_empty(previous);
  state["Status"] = "starting";
  state["FailingStreak"] = 0;
  return state;
}

std::string health_status(const std::string& recorded) {
  if (recorded.empty()) return "";
  auto state = nlohmann::json::parse(recorded, nullptr, false);
  return state.is_object() ? state.value("Status", "") : "";
}

Result<> record_health_starting(db::Database& database, const ContainerRecord& container) {
  if (!active_healthcheck(container.spec)) return {};
  return write_health(database, container.id, starting_health(container.health));
}

Result<HealthChange> record_probe(db::Database& database, const std::string& id, const ProbeResult& result,
                                  bool in_start_period, int retries) {
  auto transaction = WARD_TRY(database.begin("record a health probe"));
  std::string previous = WARD_TRY(read_health(database, id));
  nlohmann::json state = next_health(previous, result, in_start_period, retries);
  WARD_TRY(write_health(database, id, state));
  WARD_TRY(transaction.commit());
  std::string status = state["Status"].get<std::string>();
  return HealthChange{status, status != health_status(previous)};
}

}  // namespace ward::engine
