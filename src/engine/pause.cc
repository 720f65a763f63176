// Engine::pause, unpause, processes and rename: what is done to a running
// (or any) container without starting or stopping it.
#include <fmt/format.h>

#include "engine/container_events.h"
#include "engine/engine.h"
#include "engine/monitor/state_rows.h"
#include "engine/names.h"

namespace ward::engine {

namespace {

Result<> require_running(const ContainerRecord& container) {
  if (container.status != ContainerStatus::running)
    return fail(ErrorKind::wrong_state, fmt::format("Container {} is not running", container.id));
  return {};
}

}  // namespace

Result<> Engine::pause(const ContainerRecord& container) {
  auto current = WARD_TRY(reconcile(container));
  WARD_TRY(require_running(current));
  if (current.paused) return fail(ErrorKind::wrong_state, fmt::format("Container {} is already paused", current.id));
  WARD_TRY(runtime_.pause(current.id));
  WARD_TRY(monitor::set_paused(store_.database(), current.id, true));
  note_container_event(store_.database(), current, "pause");
  return {};
}

Result<> Engine::unpause(const ContainerRecord& container) {
  auto current = WARD_TRY(reconcile(container));
  WARD_TRY(require_running(current));
  if (!current.paused) return fail(ErrorKind::wrong_state, fmt::format("Container {} is not paused", current.id));
  WARD_TRY(runtime_.resume(current.id));
  WARD_TRY(monitor::set_paused(store_.database(), current.id, false));
  note_container_event(store_.database(), current, "unpause");
  return {};
}

void Engine::thaw_after_signal(const ContainerRecord& container) {
  if (!container.paused) return;
  // Thawing fails only when the container is gone, which is what the
  // signal was for.
  (void)runtime_.resume(container.id);
  (void)monitor::set_paused(store_.database(), container.id, false);
}

Result<std::vector<pid_t>> Engine::processes(const ContainerRecord& container) {
  auto current = WARD_TRY(reconcile(container));
  WARD_TRY(require_running(current));
  return runtime_.pids(current.id);
}

Result<> Engine::rename(const ContainerRecord& container, const std::string& name) {
  std::string wanted = name.starts_with('/') ? name.substr(1) : name;
  WARD_TRY(validate_container_name(wanted));
  if (wanted == container.name)
    return fail(ErrorKind::invalid_input,
                fmt::format("Renaming a container with the same name as its current name: {}", wanted));
  WARD_TRY(rename_container(store_.database(), container.id, wanted));
  ContainerRecord renamed = container;
  renamed.name = wanted;
  note_container_event(store_.database(), renamed, "rename", {{"oldName", "/" + container.name}});
  return {};
}

}  // namespace ward::engine
