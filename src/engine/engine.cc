#include "engine/engine.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdlib>

#include <fmt/format.h>

#include "engine/container_config.h"
#include "engine/container_events.h"
#include "engine/container_files.h"
#include "engine/container_volumes.h"
#include "engine/volumes.h"
#include "cgroups/cgroup.h"
#include "engine/monitor/attach_protocol.h"
#include "engine/monitor/monitor.h"
#include "engine/names.h"
#include "engine/secrets.h"
#include "engine/userns.h"
#include "image/builtin_busybox.h"
#include "image/spec.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::engine {

namespace {

constexpr const char* kSubuid = "/etc/subuid";
constexpr const char* kSubgid = "/etc/subgid";

// The container's root, a subordinate uid, must pass through every
// directory above its bundle: each needs search permission for others.
Result<> check_reachable_by_others(const std::string& dir) {
  for (std::string path = dir; !path.empty() && path != "/"; path = path.substr(0, path.rfind('/'))) {
    struct stat st {};
    if (::stat(path.c_str(), &st) < 0) return fail_errno(errno, "stat " + path);
    if ((st.st_mode & S_IXOTH) == 0)
      return fail(ErrorKind::invalid_input,
                  fmt::format("run directory {}: {} has mode {:04o}, so a container's root (a subordinate uid) "
                              "cannot reach its bundle; give it o+x or choose another WARD_RUN_ROOT",
                              dir, path, st.st_mode & 07777));
  }
  return {};
}

bool uses_own_user_namespace(const ContainerSpec& spec) {
  return spec.userns == UsernsMode::automatic && !spec.privileged;
}

// Undoes a create that failed after its row was inserted.
class CreateGuard {
 public:
  CreateGuard(Engine& engine, std::string id) : engine_(engine), id_(std::move(id)) {}
  CreateGuard(const CreateGuard&) = delete;
  CreateGuard& operator=(const CreateGuard&) = delete;
  ~CreateGuard() {
    if (id_.empty()) return;
    (void)sys::remove_all(engine_.layer_dir(id_));
    auto anonymous = anonymous_volumes_of(engine_.store().database(), id_);
    (void)delete_container(engine_.store().database(), id_);
    if (anonymous) remove_unused_volumes(engine_.store().database(), engine_.store().root(), *anonymous);
  }
  void commit() { id_.clear(); }

 private:
  Engine& engine_;
  std::string id_;
};

}  // namespace

Engine::Engine(image::Store store, std::string run_root)
    : store_(std::move(store)), run_root_(std::move(run_root)), runtime_(run_root_ + "/runtime") {}

Result<Engine> Engine::open(const std::string& store_root, const std::string& run_root) {
  auto store = WARD_TRY(context(image::Store::open(store_root), "store {}", store_root));
  std::string run = run_root;
  if (run.empty()) {
    if (const char* env = std::getenv("WARD_RUN_ROOT"); env != nullptr && *env != '\0') {
      run = env;
    } else if (::geteuid() == 0) {
      run = "/run/ward";
    } else if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg != nullptr && *xdg != '\0') {
      run = std::string(xdg) + "/ward";
    } else {
      return fail(ErrorKind::invalid_input, "XDG_RUNTIME_DIR is not set: no place for ward's run state");
    }
  }
  // 0711: the container's root (a subuid) passes through to its bundle.
  WARD_TRY(sys::mkdir_all(run + "/containers", 0711));
  if (::chmod(run.c_str(), 0711) < 0 || ::chmod((run + "/containers").c_str(), 0711) < 0)
    return fail_errno(errno, "chmod " + run);
  watch_image_users(store);
  return Engine(std::move(store), std::move(run));
}

void watch_image_users(image::Store& store) {
  store.set_image_users_query([](db::Database& database, const image::Digest& image_id) {
    return containers_of_image(database, image_id.string());
  });
}

std::string Engine::bundle_dir(const std::string& id) const {
  return run_root_ + "/containers/" + id;
}
std::string Engine::layer_dir(const std::string& id) const {
  return store_.root() + "/containers/" + id;
}

Result<ContainerRecord> Engine::create(CreateRequest request) {
  if (::geteuid() != 0 || !sys::in_initial_user_namespace())
    return fail(ErrorKind::unsupported, "containers of a rootless ward are not supported yet; run ward as root");
  ContainerSpec& spec = request.spec;
  auto image = WARD_TRY(image::resolve_image(store_, spec.image));
  auto image_config = WARD_TRY(image::parse_image_config(WARD_TRY(store_.blobs().read_blob(image.config_digest))));
  apply_image_defaults(spec, image_config.config, request.entrypoint_given, request.command_given);
  if (spec.entrypoint.empty() && spec.cmd.empty())
    return fail(ErrorKind::invalid_input, fmt::format("no command specified: image {} has none; give one", spec.image));
  if (!request.name.empty()) WARD_TRY(validate_container_name(request.name));
  WARD_TRY(complete_volume_mounts(store_.database(), spec, image_config.config.volumes));
  // -v creates a missing host directory, as Docker's does.
  for (const auto& text : spec.binds) {
    if (names_volume(text)) continue;
    auto bind = WARD_TRY(context(parse_bind(text), "--volume"));
    if (!sys::path_exists(bind.source)) WARD_TRY(context(sys::mkdir_all(bind.source, 0755), "--volume {}", text));
  }
  // The flags' mistakes (a capability name, ...) before anything is made.
  ConfigInputs trial;
  trial.id = "validate";
  trial.hostname_file = trial.hosts_file = "/";
  WARD_TRY(build_oci_config(spec, trial));

  // Every --secret names a secret that exists.
  for (const auto& secret : spec.secrets)
    WARD_TRY(context(find_secret(store_.database(), secret.name), "--secret {}", secret.name));
  // Anonymous volumes named, missing named ones made (their rows go in
  // with the container's).
  auto volumes = WARD_TRY(prepare_container_volumes(store_.database(), store_.root(), spec.volume_mounts));
  ContainerRecord record;
  record.id = WARD_TRY(random_id());
  record.image_id = image.id.string();
  record.created = now_rfc3339();
  if (spec.hostname.empty()) spec.hostname = record.id.substr(0, 12);
  record.spec = spec;

  std::optional<WardRanges> ranges;
  if (uses_own_user_namespace(spec)) {
    WARD_TRY(check_reachable_by_others(run_root_ + "/containers"));
    ranges = WARD_TRY(ensure_ward_ranges(kSubuid, kSubgid));
  }
  std::optional<HostIds> ids;
  for (int attempt = 0;; ++attempt) {
    record.name = request.name.empty() ? WARD_TRY(generate_container_name(attempt >= 5)) : request.name;
    auto transaction = WARD_TRY(store_.database().begin("create a container"));
    auto inserted = insert_container(store_.database(), record);
    if (!inserted) {
      // A generated name that is taken: draw another.
      if (request.name.empty() && inserted.error().is(ErrorKind::already_exists) && attempt < 20) continue;
      return std::unexpected(inserted.error());
    }
    if (ranges) ids = WARD_TRY(allocate_user_ids(store_.database(), record.id, *ranges));
    WARD_TRY(record_container_volumes(store_.database(), record.id, spec.volume_mounts, volumes));
    WARD_TRY(transaction.commit());
    volumes.commit();
    break;
  }
  CreateGuard guard(*this, record.id);
  WARD_TRY(make_layer_directories(layer_dir(record.id), ids));
  guard.commit();
  note_container_event(store_.database(), record, "create");
  log::debug(fmt::format("container {} created as {}", record.id, record.name));
  return record;
}

Result<> Engine::forget_runtime_state(const std::string& id) {
  auto removed = runtime_.remove(id, true);
  if (!removed && !removed.error().is(ErrorKind::not_found)) return removed;
  return {};
}

void Engine::tidy_parent_cgroup() {
  // The engine's parent cgroup goes with its last container.
  (void)cgroups::remove_empty_cgroup(std::string(monitor::kCgroupParent));
}

Result<> Engine::remove_files(const std::string& id) {
  WARD_TRY(sys::remove_all(bundle_dir(id)));
  for (const auto& socket : {monitor::console_socket_path(run_root_, id), monitor::attach_socket_path(run_root_, id)})
    if (::unlink(socket.c_str()) < 0 && errno != ENOENT) return fail_errno(errno, "remove " + socket);
  return sys::remove_all(layer_dir(id));
}

Result<> Engine::remove(const ContainerRecord& container, bool force, bool remove_volumes) {
  auto current = WARD_TRY(reconcile(container));
  if ((current.status == ContainerStatus::running || current.status == ContainerStatus::restarting) && !force)
    return fail(ErrorKind::wrong_state,
                fmt::format("cannot remove container {}: it is {}; stop it first or force the removal (-f)",
                            container.name, status_name(current.status)));
  // Its monitor must not restart it; one that waits to is woken.
  WARD_TRY(monitor::set_stop_requested(store_.database(), container.id, true));
  if (process_lives(current.monitor_pid, current.monitor_start_time)) ::kill(current.monitor_pid, SIGTERM);
  thaw_after_signal(current);
  // Kills a running init and its processes, and deletes the runtime's
  // state and cgroup; an id it does not know (never started, or already
  // deleted) is fine.
  WARD_TRY(forget_runtime_state(container.id));
  tidy_parent_cgroup();
  WARD_TRY(remove_files(container.id));
  std::vector<std::string> anonymous;
  if (remove_volumes) anonymous = WARD_TRY(anonymous_volumes_of(store_.database(), container.id));
  WARD_TRY(delete_container(store_.database(), container.id));
  note_container_event(store_.database(), current, "destroy");
  remove_unused_volumes(store_.database(), store_.root(), anonymous);
  return {};
}

Result<ContainerRecord> Engine::reconcile(ContainerRecord record) {
  auto monitored = [&] { return process_lives(record.monitor_pid, record.monitor_start_time); };
  if (record.status == ContainerStatus::restarting) {
    if (monitored()) return record;
    // Its monitor was killed while it waited to restart it.
    record.status = ContainerStatus::exited;
    WARD_TRY(
        monitor::record_exited(store_.database(), record.id, record.exit_code, record.oom_killed, record.finished_at));
    return record;
  }
  if (record.status != ContainerStatus::running) return record;
  // A zombie is gone too: its parent, a killed ward, cannot reap it.  A
  // live monitor records the exit itself, with the real status.
  if (process_lives(record.pid, record.pid_start_time) || monitored()) return record;
  // The init is gone and no ward recorded its end (the ward that watched
  // it was killed): exited, with an unknown status.
  record.status = ContainerStatus::exited;
  record.exit_code = kUnknownExitCode;
  record.finished_at = now_rfc3339();
  WARD_TRY(monitor::record_exited(store_.database(), record.id, record.exit_code, false, record.finished_at));
  note_container_event(store_.database(), record, "die", {{"exitCode", std::to_string(record.exit_code)}});
  return record;
}

Result<std::vector<ContainerRecord>> Engine::list() {
  auto records = WARD_TRY(list_containers(store_.database()));
  for (auto& record : records) record = WARD_TRY(reconcile(std::move(record)));
  return records;
}

Result<ContainerRecord> Engine::find(std::string_view text) {
  return reconcile(WARD_TRY(find_container(store_.database(), text)));
}

}  // namespace ward::engine
