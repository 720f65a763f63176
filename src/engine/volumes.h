// The store's volumes (ENGINE.md "State"): a row in the volumes table and
// the directory <store>/volumes/<name>/_data, bound into the containers
// that mount it (container_volumes says which do, so a volume in use is
// never removed).
//
// Crash safety: a volume's directory is made under a temp name
// (<store>/volumes/.tmp-<hex>) and renamed into place, and its row is
// committed after the rename; removal deletes the row first, then renames
// the directory to a temp name and deletes it.  Every change holds
// <store>/volumes/.lock (flock) from before its directory is touched until
// its row is committed, and first deletes what a killed ward left: temp
// directories, and volume directories without a row.  So a kill at any
// point leaves nothing the next volume command does not clean.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/db/database.h"
#include "engine/volume_spec.h"
#include "util/error.h"
#include "util/fd.h"

namespace ward::engine {

struct VolumeRecord {
  std::string name;
  std::string driver = "local";
  std::string created;  // RFC 3339
  std::map<std::string, std::string> labels, options;
  bool anonymous = false;
};

struct VolumeCreateRequest {
  std::string name;  // "" for a generated one (64 hex digits, as Docker's)
  std::string driver = "local";
  std::map<std::string, std::string> labels, options;
};

[[nodiscard]] std::string volumes_root(const std::string& store_root);                                // <store>/volumes
[[nodiscard]] std::string volume_mountpoint(const std::string& store_root, const std::string& name);  // .../_data
// What a container's mount binds: the host directory of --opt
// type=none,o=bind,device=/PATH, else the mountpoint.
[[nodiscard]] std::string volume_source(const std::string& store_root, const VolumeRecord& volume);

// Holds <store>/volumes/.lock (made on first use) until destroyed.
class VolumesLock {
 public:
  [[nodiscard]] static Result<VolumesLock> take(const std::string& store_root);

 private:
  explicit VolumesLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

// Makes a volume, or returns the one of that name (Docker's create is
// idempotent).  A driver other than local, a bad name and any --opt but
// type=none,o=bind,device=/DIR are refused before anything is made.
[[nodiscard]] Result<VolumeRecord> create_volume(db::Database& database, const std::string& store_root,
                                                 VolumeCreateRequest request);
[[nodiscard]] Result<std::vector<VolumeRecord>> list_volumes(db::Database& database);
// not_found "no such volume: NAME".
[[nodiscard]] Result<VolumeRecord> find_volume(db::Database& database, const std::string& name);
// The containers (ids) that mount `name`.
[[nodiscard]] Result<std::vector<std::string>> volume_users(db::Database& database, const std::string& name);
// Removes an unused volume and its data; in_use naming the containers
// that mount it, not_found when there is none.
[[nodiscard]] Result<> remove_volume(db::Database& database, const std::string& store_root, const std::string& name);
// The bytes of the files under the volume's _data (a hard link once).
[[nodiscard]] Result<std::uint64_t> volume_size(const std::string& store_root, const std::string& name);
// Docker's `volume inspect` document.
[[nodiscard]] nlohmann::ordered_json volume_inspect_json(const VolumeRecord& volume, const std::string& store_root);

// A container's volumes between `Engine::create`'s checks and its
// transaction: anonymous ones named, missing named ones' directories
// made, the lock held.  Destroyed uncommitted, it deletes the directories
// it made (their rows were never committed).
class PreparedVolumes {
 public:
  PreparedVolumes(PreparedVolumes&&) noexcept = default;
  PreparedVolumes& operator=(PreparedVolumes&&) = delete;
  PreparedVolumes(const PreparedVolumes&) = delete;
  PreparedVolumes& operator=(const PreparedVolumes&) = delete;
  ~PreparedVolumes();
  void commit() { made_.clear(); }

 private:
  friend Result<PreparedVolumes> prepare_container_volumes(db::Database&, const std::string&,
                                                           std::vector<VolumeMount>&);
  friend Result<> record_container_volumes(db::Database&, const std::string&, const std::vector<VolumeMount>&,
                                           const PreparedVolumes&);
  PreparedVolumes(std::string store_root, std::optional<VolumesLock> lock)
      : store_root_(std::move(store_root)), lock_(std::move(lock)) {}
  std::string store_root_;
  std::optional<VolumesLock> lock_;  // none when the container mounts no volume
  std::vector<VolumeRecord> made_;   // their rows go in with the container's
};

// Names `mounts`' anonymous volumes and makes the named ones that do not
// exist; invalid_input for two mounts at one destination.
[[nodiscard]] Result<PreparedVolumes> prepare_container_volumes(db::Database& database, const std::string& store_root,
                                                                std::vector<VolumeMount>& mounts);
// In the caller's transaction (the one that inserts the container): the
// rows of the volumes `prepared` made and one container_volumes row per
// mount.
[[nodiscard]] Result<> record_container_volumes(db::Database& database, const std::string& container_id,
                                                const std::vector<VolumeMount>& mounts,
                                                const PreparedVolumes& prepared);
// The anonymous volumes container `container_id` mounts.
[[nodiscard]] Result<std::vector<std::string>> anonymous_volumes_of(db::Database& database,
                                                                    const std::string& container_id);

}  // namespace ward::engine
