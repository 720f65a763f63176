#include "engine/volumes.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <set>

#include <fmt/format.h>

#include "engine/db/event_log.h"
#include "engine/names.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::engine {

namespace {

constexpr std::string_view kTempPrefix = ".tmp-";

std::string map_json(const std::map<std::string, std::string>& map) {
  return nlohmann::json(map).dump();
}

std::map<std::string, std::string> json_map(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_object()) return {};
  std::map<std::string, std::string> map;
  for (const auto& [key, value] : parsed.items())
    if (value.is_string()) map[key] = value.get<std::string>();
  return map;
}

constexpr std::string_view kColumns = "name, driver, created, labels, options, anonymous";

VolumeRecord read_row(const db::Statement& row) {
  return {row.column_text(0),           row.column_text(1),           row.column_text(2),
          json_map(row.column_text(3)), json_map(row.column_text(4)), row.column_int64(5) != 0};
}

Result<> insert_volume(db::Database& database, const VolumeRecord& volume) {
  auto statement = WARD_TRY(database.prepare(
      "INSERT INTO volumes (name, driver, created, labels, options, anonymous) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      "insert a volume"));
  WARD_TRY(statement.bind(1, volume.name));
  WARD_TRY(statement.bind(2, volume.driver));
  WARD_TRY(statement.bind(3, volume.created));
  WARD_TRY(statement.bind(4, map_json(volume.labels)));
  WARD_TRY(statement.bind(5, map_json(volume.options)));
  WARD_TRY(statement.bind(6, std::int64_t{volume.anonymous ? 1 : 0}));
  return statement.run();
}

Result<std::optional<VolumeRecord>> lookup_volume(db::Database& database, const std::string& name) {
  auto statement =
      WARD_TRY(database.prepare(fmt::format("SELECT {} FROM volumes WHERE name = ?1", kColumns), "find a volume"));
  WARD_TRY(statement.bind(1, name));
  if (WARD_TRY(statement.step()) == db::Step::done) return std::optional<VolumeRecord>();
  return std::optional<VolumeRecord>(read_row(statement));
}

// <store>/volumes/<name>/_data (mode 0755, root's), made under a temp
// name and renamed into place.  The directories above it have mode 0711:
// the container's root (a subordinate uid) passes through them.
Result<> make_volume_directory(const std::string& store_root, const std::string& name) {
  std::string root = volumes_root(store_root);
  std::string temp = root + "/" + std::string(kTempPrefix) + WARD_TRY(random_id());
  if (::mkdir(temp.c_str(), 0711) < 0) return fail_errno(errno, "make " + temp);
  if (::mkdir((temp + "/_data").c_str(), 0755) < 0) {
    int error = errno;
    (void)sys::remove_all(temp);
    return fail_errno(error, "make " + temp + "/_data");
  }
  std::string final_path = root + "/" + name;
  if (::rename(temp.c_str(), final_path.c_str()) < 0) {
    int error = errno;
    (void)sys::remove_all(temp);
    return fail_errno(error, fmt::format("rename {} to {}", temp, final_path));
  }
  return {};
}

// Deletes what a killed ward left under <store>/volumes: temp directories
// and volume directories whose row was never committed (or was deleted).
// The caller holds the lock.
Result<> clean_volume_leftovers(db::Database& database, const std::string& store_root) {
  std::string root = volumes_root(store_root);
  for (const auto& entry : WARD_TRY(sys::list_directory(root))) {
    bool leftover = entry.starts_with(kTempPrefix);
    if (!leftover && !entry.starts_with('.')) leftover = !WARD_TRY(lookup_volume(database, entry)).has_value();
    if (!leftover) continue;
    log::debug(fmt::format("removing the leftover volume directory {}/{}", root, entry));
    WARD_TRY(sys::remove_all(root + "/" + entry));
  }
  return {};
}

// The local driver's options ward honours: type=none, o=bind (or rbind),
// device=/PATH, a host directory the volume then is.  Every other option,
// or value (type=tmpfs, o=size=..., nfs), is refused by name.
Result<> check_bind_options(const std::map<std::string, std::string>& options) {
  for (const auto& [key, value] : options)
    if (key != "type" && key != "o" && key != "device")
      return fail(ErrorKind::unsupported, fmt::format("--opt {}: not supported (type, o and device are)", key));
  auto value_of = [&](const char* key) {
    auto it = options.find(key);
    return it == options.end() ? std::string() : it->second;
  };
  std::string type = value_of("type"), mount_options = value_of("o"), device = value_of("device");
  if (type != "none" || (mount_options != "bind" && mount_options != "rbind"))
    return fail(ErrorKind::unsupported,
                fmt::format("--opt type={} --opt o={}: not supported yet (only type=none, o=bind, device=/PATH)", type,
                            mount_options));
  if (!device.starts_with('/'))
    return fail(ErrorKind::invalid_input, fmt::format("--opt device={}: an absolute host path is required", device));
  struct stat st {};
  if (::stat(device.c_str(), &st) < 0 || !S_ISDIR(st.st_mode))
    return fail(ErrorKind::invalid_input, fmt::format("--opt device={}: not a directory of the host", device));
  return {};
}

Result<> check_create_request(const VolumeCreateRequest& request) {
  if (request.driver != "local")
    return fail(ErrorKind::unsupported,
                fmt::format("volume driver \"{}\" is not supported (only local is)", request.driver));
  if (!request.options.empty()) WARD_TRY(check_bind_options(request.options));
  if (!request.name.empty()) WARD_TRY(validate_volume_name(request.name));
  return {};
}

thread_local std::uint64_t walk_bytes = 0;
thread_local std::set<std::pair<dev_t, ino_t>>* walk_seen = nullptr;

int add_size(const char*, const struct stat* info, int type, struct FTW*) {
  if (type == FTW_F || type == FTW_SL) {
    if (info->st_nlink > 1 && !walk_seen->insert({info->st_dev, info->st_ino}).second) return 0;
    walk_bytes += static_cast<std::uint64_t>(info->st_size);
  }
  return 0;
}

// `ward events`' volume events: the volume's name, its driver.
void note_volume_event(db::Database& database, std::string_view action, const VolumeRecord& volume) {
  db::Event event{0, 0, "volume", std::string(action), volume.name, {{"driver", volume.driver}}};
  if (auto recorded = db::record_event(database, std::move(event)); !recorded) log::warning(recorded.error().what());
}

}  // namespace

std::string volumes_root(const std::string& store_root) {
  return store_root + "/volumes";
}
std::string volume_mountpoint(const std::string& store_root, const std::string& name) {
  return volumes_root(store_root) + "/" + name + "/_data";
}
std::string volume_source(const std::string& store_root, const VolumeRecord& volume) {
  if (auto device = volume.options.find("device"); device != volume.options.end()) return device->second;
  return volume_mountpoint(store_root, volume.name);
}

Result<VolumesLock> VolumesLock::take(const std::string& store_root) {
  std::string root = volumes_root(store_root);
  WARD_TRY(sys::mkdir_all(root, 0711));
  if (::chmod(root.c_str(), 0711) < 0) return fail_errno(errno, "chmod " + root);
  auto fd = WARD_TRY(sys::open(root + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  while (::flock(fd.get(), LOCK_EX) < 0)
    if (errno != EINTR) return fail_errno(errno, "lock " + root + "/.lock");
  return VolumesLock(std::move(fd));
}

Result<VolumeRecord> create_volume(db::Database& database, const std::string& store_root, VolumeCreateRequest request) {
  WARD_TRY(check_create_request(request));
  auto lock = WARD_TRY(VolumesLock::take(store_root));
  WARD_TRY(clean_volume_leftovers(database, store_root));
  if (request.name.empty()) {
    request.name = WARD_TRY(random_id());
  } else if (auto existing = WARD_TRY(lookup_volume(database, request.name))) {
    return *existing;
  }
  VolumeRecord volume{request.name, request.driver, now_rfc3339(), request.labels, request.options, false};
  WARD_TRY(make_volume_directory(store_root, volume.name));
  auto inserted = [&]() -> Result<> {
    auto transaction = WARD_TRY(database.begin("create a volume"));
    WARD_TRY(insert_volume(database, volume));
    return transaction.commit();
  }();
  if (!inserted) {
    (void)sys::remove_all(volumes_root(store_root) + "/" + volume.name);
    return std::unexpected(inserted.error());
  }
  note_volume_event(database, "create", volume);
  return volume;
}

Result<std::vector<VolumeRecord>> list_volumes(db::Database& database) {
  auto statement =
      WARD_TRY(database.prepare(fmt::format("SELECT {} FROM volumes ORDER BY name", kColumns), "list volumes"));
  std::vector<VolumeRecord> volumes;
  while (WARD_TRY(statement.step()) == db::Step::row) volumes.push_back(read_row(statement));
  return volumes;
}

Result<VolumeRecord> find_volume(db::Database& database, const std::string& name) {
  auto found = WARD_TRY(lookup_volume(database, name));
  if (!found) return fail(ErrorKind::not_found, fmt::format("no such volume: {}", name));
  return *found;
}

Result<std::vector<std::string>> volume_users(db::Database& database, const std::string& name) {
  auto statement = WARD_TRY(database.prepare(
      "SELECT DISTINCT container_id FROM container_volumes WHERE volume_name = ?1 ORDER BY container_id",
      "find a volume's containers"));
  WARD_TRY(statement.bind(1, name));
  std::vector<std::string> ids;
  while (WARD_TRY(statement.step()) == db::Step::row) ids.push_back(statement.column_text(0));
  return ids;
}

Result<> remove_volume(db::Database& database, const std::string& store_root, const std::string& name) {
  auto lock = WARD_TRY(VolumesLock::take(store_root));
  {
    auto transaction = WARD_TRY(database.begin("remove a volume"));
    auto removed = WARD_TRY(find_volume(database, name));
    auto users = WARD_TRY(volume_users(database, name));
    if (!users.empty()) {
      std::string list;
      for (const auto& id : users) list += (list.empty() ? "" : ", ") + id;
      return fail(ErrorKind::in_use, fmt::format("remove {}: volume is in use - [{}]", name, list));
    }
    auto statement = WARD_TRY(database.prepare("DELETE FROM volumes WHERE name = ?1", "remove a volume"));
    WARD_TRY(statement.bind(1, name));
    WARD_TRY(statement.run());
    WARD_TRY(transaction.commit());
    note_volume_event(database, "destroy", removed);
  }
  // The row is gone: the directory is a leftover from here on.
  std::string root = volumes_root(store_root);
  std::string temp = root + "/" + std::string(kTempPrefix) + WARD_TRY(random_id());
  if (::rename((root + "/" + name).c_str(), temp.c_str()) < 0) {
    if (errno == ENOENT) return {};
    return fail_errno(errno, fmt::format("rename {}/{}", root, name));
  }
  return sys::remove_all(temp);
}

Result<std::uint64_t> volume_size(const std::string& store_root, const std::string& name) {
  std::string data = volume_mountpoint(store_root, name);
  std::set<std::pair<dev_t, ino_t>> seen;
  walk_bytes = 0;
  walk_seen = &seen;
  int r = ::nftw(data.c_str(), add_size, 16, FTW_PHYS);
  walk_seen = nullptr;
  if (r != 0 && errno != ENOENT) return fail_errno(errno, "measure " + data);
  return walk_bytes;
}

nlohmann::ordered_json volume_inspect_json(const VolumeRecord& volume, const std::string& store_root) {
  return {
      {"CreatedAt", volume.created},
      {"Driver", volume.driver},
      {"Labels", volume.labels.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(volume.labels)},
      {"Mountpoint", volume_mountpoint(store_root, volume.name)},
      {"Name", volume.name},
      {"Options", volume.options.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(volume.options)},
      {"Scope", "local"}};
}

PreparedVolumes::~PreparedVolumes() {
  for (const auto& volume : made_) (void)sys::remove_all(volumes_root(store_root_) + "/" + volume.name);
}

Result<PreparedVolumes> prepare_container_volumes(db::Database& database, const std::string& store_root,
                                                  std::vector<VolumeMount>& mounts) {
  std::set<std::string> destinations;
  for (const auto& mount : mounts)
    if (!destinations.insert(mount.destination).second)
      return fail(ErrorKind::invalid_input, fmt::format("Duplicate mount point: {}", mount.destination));
  if (mounts.empty()) return PreparedVolumes(store_root, std::nullopt);
  PreparedVolumes prepared(store_root, WARD_TRY(VolumesLock::take(store_root)));
  WARD_TRY(clean_volume_leftovers(database, store_root));
  std::set<std::string> made;
  for (auto& mount : mounts) {
    if (mount.name.empty()) mount.name = WARD_TRY(random_id());
    if (made.contains(mount.name) || WARD_TRY(lookup_volume(database, mount.name))) continue;
    WARD_TRY(make_volume_directory(store_root, mount.name));
    made.insert(mount.name);
    prepared.made_.push_back({mount.name, "local", now_rfc3339(), {}, {}, mount.anonymous});
  }
  return prepared;
}

Result<> record_container_volumes(db::Database& database, const std::string& container_id,
                                  const std::vector<VolumeMount>& mounts, const PreparedVolumes& prepared) {
  for (const auto& volume : prepared.made_) WARD_TRY(insert_volume(database, volume));
  auto statement = WARD_TRY(
      database.prepare("INSERT INTO container_volumes (container_id, volume_name, destination) VALUES (?1, ?2, ?3)",
                       "record a container's volume"));
  for (const auto& mount : mounts) {
    statement.reset();
    WARD_TRY(statement.bind(1, container_id));
    WARD_TRY(statement.bind(2, mount.name));
    WARD_TRY(statement.bind(3, mount.destination));
    WARD_TRY(statement.run());
  }
  return {};
}

Result<std::vector<std::string>> anonymous_volumes_of(db::Database& database, const std::string& container_id) {
  auto statement = WARD_TRY(
      database.prepare("SELECT DISTINCT v.name FROM container_volumes c JOIN volumes v ON v.name = c.volume_name "
                       "WHERE c.container_id = ?1 AND v.anonymous = 1 ORDER BY v.name",
                       "find a container's anonymous volumes"));
  WARD_TRY(statement.bind(1, container_id));
  std::vector<std::string> names;
  while (WARD_TRY(statement.step()) == db::Step::row) names.push_back(statement.column_text(0));
  return names;
}

}  // namespace ward::engine
