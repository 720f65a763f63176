#include "engine/volume_spec.h"

#include <algorithm>

#include <fmt/format.h>

namespace ward::engine {

namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

bool name_character(char c, bool first) {
  bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return alnum || (!first && (c == '_' || c == '.' || c == '-'));
}

Result<> check_destination(std::string_view text, std::string_view destination) {
  if (!destination.starts_with('/'))
    return fail(ErrorKind::invalid_input,
                fmt::format("invalid volume specification \"{}\": the container path must be absolute", text));
  if (destination == "/")
    return fail(ErrorKind::invalid_input,
                fmt::format("invalid volume specification \"{}\": a volume cannot be mounted over /", text));
  return {};
}

bool true_value(const std::string& value) {
  return value.empty() || value == "true" || value == "1";
}

}  // namespace

Result<> validate_volume_name(std::string_view name) {
  bool valid = name.size() >= 2 && name_character(name[0], true) &&
               std::all_of(name.begin() + 1, name.end(), [](char c) { return name_character(c, false); });
  if (!valid)
    return fail(ErrorKind::invalid_input,
                fmt::format("\"{}\" includes invalid characters for a local volume name, only "
                            "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed",
                            name));
  return {};
}

bool names_volume(std::string_view volume_flag) {
  return !volume_flag.starts_with('/') || volume_flag.find(':') == std::string_view::npos;
}

Result<VolumeMount> parse_volume_flag(std::string_view text) {
  auto parts = split(text, ':');
  VolumeMount mount;
  if (parts.size() == 1) {
    WARD_TRY(check_destination(text, parts[0]));
    mount.destination = parts[0];
    mount.anonymous = true;
    return mount;
  }
  if (parts.size() > 3 || parts[0].empty() || parts[1].empty())
    return fail(ErrorKind::invalid_input,
                fmt::format("invalid volume specification \"{}\": expected NAME:/PATH[:OPTIONS] or /PATH", text));
  WARD_TRY(context(validate_volume_name(parts[0]), "volume \"{}\"", text));
  WARD_TRY(check_destination(text, parts[1]));
  mount.name = parts[0];
  mount.destination = parts[1];
  if (parts.size() == 3) {
    bool mode_given = false;
    for (auto option : split(parts[2], ',')) {
      if (option == "ro" || option == "rw") {
        if (mode_given)
          return fail(ErrorKind::invalid_input,
                      fmt::format("invalid volume specification \"{}\": ro and rw given together", text));
        mode_given = true;
        mount.read_only = option == "ro";
      } else if (option == "nocopy") {
        mount.nocopy = true;
      } else {
        return fail(ErrorKind::unsupported,
                    fmt::format("volume \"{}\": option \"{}\" is not supported (ro, rw and nocopy are)", text, option));
      }
    }
  }
  return mount;
}

Result<VolumeMount> parse_volume_mount(std::string_view text, const std::map<std::string, std::string>& fields) {
  VolumeMount mount;
  for (const auto& [key, value] : fields) {
    if (key == "type") {
      if (value != "volume")
        return fail(ErrorKind::invalid_input, fmt::format("--mount {}: type {} is not a volume", text, value));
    } else if (key == "source" || key == "src") {
      mount.name = value;
    } else if (key == "target" || key == "destination" || key == "dst") {
      mount.destination = value;
    } else if (key == "readonly" || key == "ro") {
      if (!true_value(value) && value != "false" && value != "0")
        return fail(ErrorKind::invalid_input,
                    fmt::format("--mount {}: {}={}: expected true or false", text, key, value));
      mount.read_only = true_value(value);
    } else if (key == "volume-nocopy") {
      mount.nocopy = true_value(value);
    } else if (key == "volume-driver") {
      if (value != "local")
        return fail(ErrorKind::unsupported,
                    fmt::format("--mount {}: volume-driver {} is not supported (only local is)", text, value));
    } else if (key == "volume-opt" || key == "volume-label") {
      return fail(ErrorKind::unsupported, fmt::format("--mount {}: {} is not supported yet", text, key));
    } else {
      return fail(ErrorKind::unsupported,
                  fmt::format("--mount {}: option {} is not supported for type=volume", text, key));
    }
  }
  if (mount.destination.empty())
    return fail(ErrorKind::invalid_input, fmt::format("--mount {}: an absolute target is required", text));
  WARD_TRY(context(check_destination(text, mount.destination), "--mount"));
  if (mount.name.empty()) {
    mount.anonymous = true;
  } else {
    WARD_TRY(context(validate_volume_name(mount.name), "--mount {}", text));
  }
  return mount;
}

Result<VolumesFrom> parse_volumes_from(std::string_view text) {
  auto parts = split(text, ':');
  if (parts.size() > 2 || parts[0].empty())
    return fail(ErrorKind::invalid_input, fmt::format("--volumes-from {}: expected CONTAINER[:ro|rw]", text));
  VolumesFrom from{std::string(parts[0]), ""};
  if (parts.size() == 2) {
    if (parts[1] != "ro" && parts[1] != "rw")
      return fail(ErrorKind::invalid_input,
                  fmt::format("--volumes-from {}: mode \"{}\" is not ro or rw", text, parts[1]));
    from.mode = parts[1];
  }
  return from;
}

void add_image_volumes(std::vector<VolumeMount>& mounts, const std::set<std::string>& image_volumes,
                       const std::set<std::string>& taken_destinations) {
  for (const auto& path : image_volumes) {
    std::string destination = path.size() > 1 && path.ends_with('/') ? path.substr(0, path.size() - 1) : path;
    if (destination.empty() || !destination.starts_with('/') || destination == "/") continue;
    if (taken_destinations.contains(destination)) continue;
    if (std::any_of(mounts.begin(), mounts.end(), [&](const VolumeMount& m) { return m.destination == destination; }))
      continue;
    mounts.push_back({.name = "", .destination = destination, .anonymous = true});
  }
}

void volumes_to_json(const std::vector<VolumeMount>& mounts, const std::vector<std::string>& volumes_from,
                     nlohmann::ordered_json& config, nlohmann::ordered_json& host) {
  nlohmann::ordered_json anonymous = nlohmann::ordered_json::object();
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& mount : mounts) {
    if (mount.anonymous) anonymous[mount.destination] = nlohmann::ordered_json::object();
    list.push_back({{"Type", "volume"},
                    {"Source", mount.name},
                    {"Target", mount.destination},
                    {"ReadOnly", mount.read_only},
                    {"VolumeOptions", {{"NoCopy", mount.nocopy}}}});
  }
  config["Volumes"] = anonymous.empty() ? nlohmann::ordered_json(nullptr) : anonymous;
  if (!list.empty()) host["Mounts"] = list;
  host["VolumesFrom"] = volumes_from.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(volumes_from);
}

void volumes_from_json(const nlohmann::json& config, const nlohmann::json& host, std::vector<VolumeMount>& mounts,
                       std::vector<std::string>& volumes_from) {
  std::set<std::string> anonymous;
  if (config.contains("Volumes") && config["Volumes"].is_object())
    for (const auto& [destination, unused] : config["Volumes"].items()) anonymous.insert(destination);
  if (host.contains("Mounts") && host["Mounts"].is_array())
    for (const auto& entry : host["Mounts"]) {
      if (entry.value("Type", "") != "volume") continue;
      VolumeMount mount;
      mount.name = entry.at("Source").get<std::string>();
      mount.destination = entry.at("Target").get<std::string>();
      mount.read_only = entry.value("ReadOnly", false);
      if (entry.contains("VolumeOptions") && entry["VolumeOptions"].is_object())
        mount.nocopy = entry["VolumeOptions"].value("NoCopy", false);
      mount.anonymous = anonymous.contains(mount.destination);
      mounts.push_back(std::move(mount));
    }
  if (host.contains("VolumesFrom") && host["VolumesFrom"].is_array())
    volumes_from = host["VolumesFrom"].get<std::vector<std::string>>();
}

}  // namespace ward::engine
