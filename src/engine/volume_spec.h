// Volumes as a container names them: -v NAME:/PATH[:ro|rw|nocopy], -v
// /PATH (an anonymous volume), --mount type=volume,..., the image's
// VOLUME paths and --volumes-from.  Pure parsing, no files: the store's
// side is engine/volumes.h.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace ward::engine {

// One volume mounted into a container.
struct VolumeMount {
  std::string name;  // "" for an anonymous one until create names it
  std::string destination;
  bool read_only = false;
  bool nocopy = false;     // not populated with the image's files
  bool anonymous = false;  // -v /PATH, --mount without source, the image's VOLUME
  friend bool operator==(const VolumeMount&, const VolumeMount&) = default;
};

// Docker's rule for volume names: [a-zA-Z0-9][a-zA-Z0-9_.-]+.
[[nodiscard]] Result<> validate_volume_name(std::string_view name);

// Whether a -v text names a volume rather than a host path: its source
// does not start with "/" (or it is a lone container path).
[[nodiscard]] bool names_volume(std::string_view volume_flag);

// -v NAME:/PATH[:OPTIONS] or -v /PATH; OPTIONS a comma list of ro, rw and
// nocopy.  invalid_input for a bad name or path, unsupported (naming it)
// for another option.
[[nodiscard]] Result<VolumeMount> parse_volume_flag(std::string_view text);

// --mount's key=value list, for type=volume: source (or src; none:
// anonymous), target (or destination, dst), readonly (or ro),
// volume-nocopy; volume-driver=local is accepted, volume-opt and
// volume-label are refused as not supported.
[[nodiscard]] Result<VolumeMount> parse_volume_mount(std::string_view text,
                                                     const std::map<std::string, std::string>& fields);

// --volumes-from CONTAINER[:ro|rw].
struct VolumesFrom {
  std::string container;
  std::string mode;  // "", "ro" or "rw"
};
[[nodiscard]] Result<VolumesFrom> parse_volumes_from(std::string_view text);

// The image's VOLUME paths not already mounted over (by a volume, a bind
// or a tmpfs at the same destination) become anonymous volumes.
void add_image_volumes(std::vector<VolumeMount>& mounts, const std::set<std::string>& image_volumes,
                       const std::set<std::string>& taken_destinations);

// Docker's shapes in a container's record: HostConfig.Mounts (one
// {Type: volume, Source, Target, ReadOnly, VolumeOptions} per volume,
// resolved names included), Config.Volumes (the anonymous ones'
// destinations) and HostConfig.VolumesFrom.
void volumes_to_json(const std::vector<VolumeMount>& mounts, const std::vector<std::string>& volumes_from,
                     nlohmann::ordered_json& config, nlohmann::ordered_json& host);
// The reverse; nlohmann's exceptions for a field of the wrong type.
void volumes_from_json(const nlohmann::json& config, const nlohmann::json& host, std::vector<VolumeMount>& mounts,
                       std::vector<std::string>& volumes_from);

}  // namespace ward::engine
