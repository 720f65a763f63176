#include "runtime/state.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cgroups/cgroup.h"
#include "runtime/client_words.h"
#include "runtime/plan/id_mappings.h"
#include "util/sys.h"

namespace ward::runtime {

using nlohmann::json;

const char* status_name(Status status) {
  switch (status) {
    case Status::creating: return "creating";
    case Status::created: return "created";
    case Status::running: return "running";
    case Status::paused: return "paused";
    case Status::stopped: return "stopped";
  }
  return "unknown";
}

std::string default_state_root() {
  const char* user = std::getenv("USER");
  bool unprivileged =
      ::geteuid() != 0 || (!sys::in_initial_user_namespace() && (user == nullptr || std::string_view(user) != "root"));
  const char* runtime_dir = std::getenv("XDG_RUNTIME_DIR");
  if (unprivileged && runtime_dir != nullptr && runtime_dir[0] == '/') return std::string(runtime_dir) + "/ward-oci";
  return "/run/ward-oci";
}

Result<> validate_container_id(const std::string& id) {
  if (id.empty()) return fail("container id: must not be empty");
  if (id == "." || id == "..") return fail(fmt::format("container id \"{}\": invalid", id));
  if (id.size() > 1024) return fail("container id: too long");
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '+' ||
              c == '-' || c == '.';
    if (!ok) return fail(fmt::format("container id \"{}\": invalid character '{}'", id, c));
  }
  return {};
}

namespace {

json hooks_to_json(const std::vector<oci::Hook>& hooks) {
  json out = json::array();
  for (const auto& hook : hooks) {
    json h = {{"path", hook.path}, {"args", hook.args}, {"env", hook.env}};
    if (hook.timeout) h["timeout"] = *hook.timeout;
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<oci::Hook> hooks_from_json(const json& value) {
  std::vector<oci::Hook> hooks;
  if (!value.is_array()) return hooks;
  for (const auto& h : value) {
    oci::Hook hook;
    hook.path = h.value("path", "");
    hook.args = h.value("args", std::vector<std::string>{});
    hook.env = h.value("env", std::vector<std::string>{});
    if (h.contains("timeout")) hook.timeout = h["timeout"].get<int>();
    hooks.push_back(std::move(hook));
  }
  return hooks;
}

// runc's words first (containerd's shim and Podman match them), then where
// ward looked, since a wrong --root is the usual cause.
std::unexpected<Error> not_found(const std::string& root, const std::string& id) {
  return fail(ErrorKind::not_found,
              fmt::format("{}: no container \"{}\" in {}", client_words::kDoesNotExist, id, root));
}

}  // namespace

std::string oci_state_json(const ContainerState& state, Status status, bool pretty) {
  json doc;
  doc["ociVersion"] = state.oci_version.empty() ? "1.2.0" : state.oci_version;
  doc["id"] = state.id;
  doc["pid"] = status == Status::stopped ? 0 : state.pid;
  doc["status"] = status_name(status);
  doc["bundle"] = state.bundle;
  doc["rootfs"] = state.rootfs;
  doc["created"] = state.created;
  doc["owner"] = state.owner;
  if (!state.annotations.empty()) doc["annotations"] = state.annotations;
  return pretty ? doc.dump(2) : doc.dump();
}

Result<UniqueFd> StateStore::create_dir(const std::string& id) const {
  if (::mkdir(root_.c_str(), 0700) < 0 && errno != EEXIST) {
    if (errno != ENOENT) return fail_errno(errno, "mkdir " + root_);
    WARD_TRY(sys::mkdir_all(root_, 0700));
  }
  std::string path = dir(id);
  if (::mkdir(path.c_str(), 0711) < 0) {
    if (errno == EEXIST)
      return fail(ErrorKind::already_exists, fmt::format("{}: \"{}\"", client_words::kAlreadyExists, id));
    return fail_errno(errno, "mkdir " + path);
  }
  auto fd = WARD_TRY(sys::open(path, O_RDONLY | O_DIRECTORY));
  if (::flock(fd.get(), LOCK_EX) < 0) return fail_errno(errno, "lock " + path);
  return fd;
}

Result<UniqueFd> StateStore::lock(const std::string& id) const {
  std::string path = dir(id);
  int raw_fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (raw_fd < 0) {
    if (errno == ENOENT) return not_found(root_, id);
    return fail_errno(errno, "open " + path);
  }
  UniqueFd fd(raw_fd);
  while (::flock(fd.get(), LOCK_EX) < 0) {
    if (errno != EINTR) return fail_errno(errno, "lock " + path);
  }
  return fd;
}

std::string StateStore::owner(const std::string& id) const {
  struct stat st{};
  if (::stat(dir(id).c_str(), &st) < 0) return "";
  // Read directly, not through getpwuid: ward-oci is linked statically.
  std::string name;
  if (auto passwd = sys::read_file("/etc/passwd")) name = user_name_from_passwd(*passwd, st.st_uid);
  // Built by append, not `"#" + std::string&&`: GCC 12 at -O3 warns
  // -Wrestrict on that operator+ (a false positive that -Werror turns fatal).
  if (name.empty()) name.append("#").append(std::to_string(st.st_uid));
  return name;
}

bool StateStore::locked_by_other(const std::string& id) const {
  int raw_fd = ::open(dir(id).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (raw_fd < 0) return false;
  UniqueFd fd(raw_fd);
  if (::flock(fd.get(), LOCK_SH | LOCK_NB) < 0) return errno == EWOULDBLOCK;
  ::flock(fd.get(), LOCK_UN);
  return false;
}

Result<ContainerState> StateStore::load(const std::string& id) const {
  std::string path = dir(id) + "/state.json";
  auto text = sys::read_file(path);
  if (!text) {
    if (text.error().is(ErrorKind::not_found)) {
      if (!sys::path_exists(dir(id))) return not_found(root_, id);
      ContainerState creating;
      creating.id = id;
      return creating;  // pid 0: being created, or the remains of a killed create
    }
    return std::unexpected(text.error());
  }
  try {
    json doc = json::parse(*text);
    ContainerState state;
    state.id = doc.at("id").get<std::string>();
    state.oci_version = doc.value("ociVersion", "");
    state.pid = doc.at("pid").get<pid_t>();
    state.pid_start_time = doc.value("pidStartTime", std::uint64_t{0});
    state.bundle = doc.value("bundle", "");
    state.rootfs = doc.value("rootfs", "");
    state.created = doc.value("created", "");
    state.owner = doc.value("owner", "");
    state.annotations = doc.value("annotations", std::map<std::string, std::string>{});
    state.poststart_hooks = hooks_from_json(doc.value("poststart", json::array()));
    state.poststop_hooks = hooks_from_json(doc.value("poststop", json::array()));
    state.private_pid_namespace = doc.value("privatePidNamespace", false);
    return state;
  } catch (const json::exception& e) {
    return fail(fmt::format("{}: {}", path, e.what()));
  }
}

Result<> StateStore::save(const ContainerState& state) const {
  json doc;
  doc["id"] = state.id;
  doc["ociVersion"] = state.oci_version;
  doc["pid"] = state.pid;
  doc["pidStartTime"] = state.pid_start_time;
  doc["bundle"] = state.bundle;
  doc["rootfs"] = state.rootfs;
  doc["created"] = state.created;
  doc["owner"] = state.owner;
  doc["annotations"] = state.annotations;
  doc["poststart"] = hooks_to_json(state.poststart_hooks);
  doc["poststop"] = hooks_to_json(state.poststop_hooks);
  doc["privatePidNamespace"] = state.private_pid_namespace;
  return sys::write_file_atomic(dir(state.id) + "/state.json", doc.dump());
}

Result<> StateStore::remove(const std::string& id) const { return sys::remove_all(dir(id)); }

Result<> StateStore::save_cgroups(const std::string& id, const std::string& text) const {
  return sys::write_file_atomic(dir(id) + "/cgroups", text);
}

std::string StateStore::load_cgroups(const std::string& id) const {
  auto text = sys::read_file(dir(id) + "/cgroups");
  return text ? *text : std::string();
}

Result<> StateStore::save_mount_record(const std::string& id, const std::string& text) const {
  return sys::write_file_atomic(dir(id) + "/mounts", text);
}

std::string StateStore::load_mount_record(const std::string& id) const {
  auto text = sys::read_file(dir(id) + "/mounts");
  return text ? *text : std::string();
}

Result<std::vector<std::string>> StateStore::ids() const {
  std::vector<std::string> result;
  DIR* dir = ::opendir(root_.c_str());
  if (dir == nullptr) {
    if (errno == ENOENT) return result;
    return fail_errno(errno, "open " + root_);
  }
  while (struct dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == ".." || entry->d_type != DT_DIR) continue;
    result.push_back(std::move(name));
  }
  ::closedir(dir);
  std::sort(result.begin(), result.end());
  return result;
}

Status current_status(const StateStore& store, const ContainerState& state) {
  if (state.pid <= 0) return store.locked_by_other(state.id) ? Status::creating : Status::stopped;
  char proc_state = sys::process_state(state.pid);
  if (proc_state == 0 || proc_state == 'Z' || proc_state == 'X') return Status::stopped;
  auto start_time = sys::process_start_time(state.pid);
  if (!start_time || *start_time != state.pid_start_time) return Status::stopped;
  if (sys::path_exists(store.fifo(state.id))) return Status::created;
  if (cgroups::Cgroup::parse(store.load_cgroups(state.id)).frozen()) return Status::paused;
  return Status::running;
}

Result<UniqueFd> open_init(const ContainerState& state) {
  if (state.pid <= 0) return fail(fmt::format("container \"{}\" has no process", state.id));
  auto pidfd = sys::pidfd_open(state.pid);
  if (!pidfd)
    return fail(ErrorKind::wrong_state,
                fmt::format("{}: the init of \"{}\" has exited", client_words::kNotRunning, state.id));
  // The pidfd pins the process; check that it is still the init we started.
  auto start_time = sys::process_start_time(state.pid);
  if (!start_time || *start_time != state.pid_start_time)
    return fail(ErrorKind::wrong_state,
                fmt::format("{}: the init of \"{}\" has exited", client_words::kNotRunning, state.id));
  return pidfd;
}

}  // namespace ward::runtime
