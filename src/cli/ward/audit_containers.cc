#include "cli/ward/audit_containers.h"

#include <string_view>

#include <fmt/format.h>

#include "audit/bench/audit.h"
#include "cli/ward/container_views.h"
#include "engine/engine.h"
#include "security/apparmor.h"
#include "util/sys.h"

namespace ward::cli::engine {

namespace {

using ward::engine::ContainerRecord;

// A process's command line as ps shows it: its arguments joined by spaces;
// "" for a process that has ended (or a zombie, whose cmdline is empty).
std::string command_line(pid_t pid) {
  auto text = sys::read_file(fmt::format("/proc/{}/cmdline", pid));
  if (!text) return "";
  std::string line = *text;
  while (!line.empty() && line.back() == '\0') line.pop_back();
  for (char& c : line)
    if (c == '\0') c = ' ';
  return line;
}

// A container that ended between the listing and now is one that does
// not run: its bundle or its processes are gone.
bool ended(const Error& error) {
  return error.is(ErrorKind::not_found) || error.is(ErrorKind::wrong_state);
}

// Fills in a running container's applied config and processes; leaves
// both unset when it has ended meanwhile.
Result<> add_running_state(ward::engine::Engine& engine, const ContainerRecord& record,
                           audit::bench::WardContainer& container) {
  auto config = sys::read_file(engine.bundle_dir(record.id) + "/config.json");
  if (!config) {
    if (ended(config.error())) return {};
    return std::unexpected(config.error().wrap("read its config.json"));
  }
  auto pids = engine.processes(record);
  if (!pids) {
    if (ended(pids.error())) return {};
    return std::unexpected(pids.error().wrap("list its processes"));
  }
  std::vector<std::string> lines;
  for (pid_t pid : *pids)
    if (std::string line = command_line(pid); !line.empty()) lines.push_back(std::move(line));
  container.config = std::move(*config);
  container.processes = std::move(lines);
  return {};
}

}  // namespace

Result<audit::bench::WardContainers> gather_ward_containers(const std::string& store_root) {
  audit::bench::WardContainers out;
  out.host_apparmor = security::apparmor_enabled();
  if (!audit::bench::ward_store_exists(store_root)) return out;
  auto engine = WARD_TRY(context(ward::engine::Engine::open(store_root), "ward's containers"));
  for (const ContainerRecord& record : WARD_TRY(context(engine.list(), "ward's containers"))) {
    audit::bench::WardContainer container;
    container.inspect = container_inspect_json(engine, record).dump();
    if (record.status == ward::engine::ContainerStatus::running)
      WARD_TRY(context(add_running_state(engine, record, container), "container {}", record.name));
    out.containers.push_back(std::move(container));
  }
  return out;
}

}  // namespace ward::cli::engine
