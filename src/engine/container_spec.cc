#include "engine/container_spec.h"

#include <algorithm>

#include "engine/container_spec_host.h"

namespace ward::engine {

namespace {

using nlohmann::ordered_json;

std::string_view env_name(std::string_view entry) {
  return entry.substr(0, entry.find('='));
}

// Sets `entry` in `env`, replacing an entry of the same name.
void set_env(std::vector<std::string>& env, const std::string& entry) {
  auto same =
      std::find_if(env.begin(), env.end(), [&](const std::string& e) { return env_name(e) == env_name(entry); });
  if (same != env.end())
    *same = entry;
  else
    env.push_back(entry);
}

template <class T>
Result<T> field(const nlohmann::json& object, const char* name, const char* section) {
  try {
    return object.at(name).get<T>();
  } catch (const nlohmann::json::exception&) {
    return fail(ErrorKind::invalid_input,
                fmt::format("container record: {}.{} missing or of the wrong type", section, name));
  }
}

}  // namespace

std::string_view network_mode_name(NetworkMode mode) {
  return mode == NetworkMode::host ? "host" : "none";
}

void apply_image_defaults(ContainerSpec& spec, const image::ContainerConfig& image_config, bool entrypoint_given,
                          bool command_given) {
  std::vector<std::string> flags_env = std::move(spec.env);
  spec.env = image_config.env;
  for (const auto& entry : flags_env) set_env(spec.env, entry);
  if (!entrypoint_given) spec.entrypoint = image_config.entrypoint;
  if (!command_given && !entrypoint_given) spec.cmd = image_config.cmd;
  if (spec.working_dir.empty()) spec.working_dir = image_config.working_dir;
  if (spec.user.empty()) spec.user = image_config.user;
  for (const auto& [key, value] : image_config.labels) spec.labels.emplace(key, value);
  if (spec.stop_signal.empty()) spec.stop_signal = image_config.stop_signal;
  if (spec.no_healthcheck) {
    spec.healthcheck = image::Healthcheck{.test = {"NONE"}};
  } else if (image_config.healthcheck) {
    const image::Healthcheck& from_image = *image_config.healthcheck;
    image::Healthcheck& merged = spec.healthcheck ? *spec.healthcheck : spec.healthcheck.emplace();
    if (merged.test.empty()) merged.test = from_image.test;
    if (merged.interval == 0) merged.interval = from_image.interval;
    if (merged.timeout == 0) merged.timeout = from_image.timeout;
    if (merged.start_period == 0) merged.start_period = from_image.start_period;
    if (merged.start_interval == 0) merged.start_interval = from_image.start_interval;
    if (merged.retries == 0) merged.retries = from_image.retries;
  }
}

ordered_json spec_to_json(const ContainerSpec& spec) {
  ordered_json config = {
      {"Hostname", spec.hostname},
      {"Domainname", spec.domainname},
      {"User", spec.user},
      {"AttachStdin", spec.attach_stdin || spec.open_stdin},
      {"AttachStdout", spec.attach_stdout},
      {"AttachStderr", spec.attach_stderr},
      {"Tty", spec.tty},
      {"OpenStdin", spec.open_stdin},
      {"StdinOnce", spec.open_stdin},
      {"Env", spec.env},
      {"Cmd", spec.cmd.empty() ? ordered_json(nullptr) : ordered_json(spec.cmd)},
      {"Image", spec.image},
      {"WorkingDir", spec.working_dir},
      {"Entrypoint", spec.entrypoint.empty() ? ordered_json(nullptr) : ordered_json(spec.entrypoint)},
      {"Labels", spec.labels},
  };
  if (!spec.stop_signal.empty()) config["StopSignal"] = spec.stop_signal;
  if (spec.stop_timeout >= 0) config["StopTimeout"] = spec.stop_timeout;
  ordered_json host = {
      {"LogConfig", {{"Type", spec.log_driver}, {"Config", spec.log_options}}},
      {"NetworkMode", network_mode_name(spec.network)},
      {"RestartPolicy",
       {{"Name", monitor::restart_mode_name(spec.restart.mode)},
        {"MaximumRetryCount", spec.restart.maximum_retry_count}}},
      {"AutoRemove", spec.auto_remove},
      {"CapAdd", spec.cap_add.empty() ? ordered_json(nullptr) : ordered_json(spec.cap_add)},
      {"CapDrop", spec.cap_drop.empty() ? ordered_json(nullptr) : ordered_json(spec.cap_drop)},
      {"Privileged", spec.privileged},
      {"ReadonlyRootfs", spec.read_only},
      {"SecurityOpt", spec.security_opt.empty() ? ordered_json(nullptr) : ordered_json(spec.security_opt)},
      {"Tmpfs", spec.tmpfs.empty() ? ordered_json(nullptr) : ordered_json(spec.tmpfs)},
      {"Binds", spec.binds.empty() ? ordered_json(nullptr) : ordered_json(spec.binds)},
      {"UsernsMode", spec.userns == UsernsMode::host ? "host" : ""},
      {"Memory", spec.memory},
      {"PidsLimit", spec.pids_limit > 0 ? ordered_json(spec.pids_limit) : ordered_json(nullptr)},
      // ward's own: what Docker's SecurityOpt strings would say.
      {"NoNewPrivileges", spec.no_new_privileges},
      {"SeccompUnconfined", spec.seccomp_unconfined},
      {"SystempathsUnconfined", spec.systempaths_unconfined},
  };
  host_options_to_json(spec, config, host);
  volumes_to_json(spec.volume_mounts, spec.volumes_from, config, host);
  return {{"Config", config}, {"HostConfig", host}};
}

Result<ContainerSpec> spec_from_json(std::string_view text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("Config") || !doc.contains("HostConfig"))
    return fail(ErrorKind::invalid_input, "container record: not a {Config, HostConfig} object");
  const auto& config = doc["Config"];
  const auto& host = doc["HostConfig"];
  auto list = [](const nlohmann::json& value) {
    return value.is_array() ? value.get<std::vector<std::string>>() : std::vector<std::string>();
  };
  ContainerSpec spec;
  try {
    spec.image = WARD_TRY(field<std::string>(config, "Image", "Config"));
    spec.hostname = WARD_TRY(field<std::string>(config, "Hostname", "Config"));
    spec.user = WARD_TRY(field<std::string>(config, "User", "Config"));
    spec.env = list(config.value("Env", nlohmann::json()));
    spec.cmd = list(config.value("Cmd", nlohmann::json()));
    spec.entrypoint = list(config.value("Entrypoint", nlohmann::json()));
    spec.working_dir = WARD_TRY(field<std::string>(config, "WorkingDir", "Config"));
    spec.tty = WARD_TRY(field<bool>(config, "Tty", "Config"));
    spec.open_stdin = WARD_TRY(field<bool>(config, "OpenStdin", "Config"));
    spec.attach_stdin = config.value("AttachStdin", spec.open_stdin);
    spec.attach_stdout = config.value("AttachStdout", true);
    spec.attach_stderr = config.value("AttachStderr", true);
    if (config.contains("Labels") && config["Labels"].is_object())
      spec.labels = config["Labels"].get<std::map<std::string, std::string>>();
    spec.network = WARD_TRY(field<std::string>(host, "NetworkMode", "HostConfig")) == "host" ? NetworkMode::host
                                                                                             : NetworkMode::none;
    spec.auto_remove = WARD_TRY(field<bool>(host, "AutoRemove", "HostConfig"));
    spec.cap_add = list(host.value("CapAdd", nlohmann::json()));
    spec.cap_drop = list(host.value("CapDrop", nlohmann::json()));
    spec.privileged = WARD_TRY(field<bool>(host, "Privileged", "HostConfig"));
    spec.read_only = WARD_TRY(field<bool>(host, "ReadonlyRootfs", "HostConfig"));
    spec.security_opt = list(host.value("SecurityOpt", nlohmann::json()));
    if (host.contains("Tmpfs") && host["Tmpfs"].is_object())
      spec.tmpfs = host["Tmpfs"].get<std::map<std::string, std::string>>();
    spec.binds = list(host.value("Binds", nlohmann::json()));
    spec.userns = WARD_TRY(field<std::string>(host, "UsernsMode", "HostConfig")) == "host" ? UsernsMode::host
                                                                                           : UsernsMode::automatic;
    spec.memory = WARD_TRY(field<std::int64_t>(host, "Memory", "HostConfig"));
    spec.pids_limit =
        host.value("PidsLimit", nlohmann::json()).is_number_integer() ? host["PidsLimit"].get<std::int64_t>() : 0;
    spec.no_new_privileges = WARD_TRY(field<bool>(host, "NoNewPrivileges", "HostConfig"));
    spec.seccomp_unconfined = WARD_TRY(field<bool>(host, "SeccompUnconfined", "HostConfig"));
    spec.systempaths_unconfined = host.value("SystempathsUnconfined", false);
    spec.stop_signal = config.value("StopSignal", "");
    spec.stop_timeout = config.value("StopTimeout", -1);
    if (host.contains("RestartPolicy")) {
      const auto& policy = host["RestartPolicy"];
      spec.restart = WARD_TRY(context(monitor::parse_restart_policy(policy.value("Name", "no")), "container record"));
      spec.restart.maximum_retry_count = policy.value("MaximumRetryCount", 0);
    }
    if (host.contains("LogConfig")) {
      spec.log_driver = host["LogConfig"].value("Type", "json-file");
      if (host["LogConfig"].contains("Config") && host["LogConfig"]["Config"].is_object())
        spec.log_options = host["LogConfig"]["Config"].get<std::map<std::string, std::string>>();
    }
    host_options_from_json(config, host, spec);
    volumes_from_json(config, host, spec.volume_mounts, spec.volumes_from);
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorKind::invalid_input, fmt::format("container record: {}", e.what()));
  }
  return spec;
}

}  // namespace ward::engine

namespace ward::engine {

Result<BindMount> parse_bind(std::string_view text) {
  BindMount bind;
  std::vector<std::string> parts;
  std::string_view rest = text;
  while (true) {
    auto colon = rest.find(':');
    parts.emplace_back(rest.substr(0, colon));
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty())
    return fail(ErrorKind::invalid_input,
                fmt::format("invalid volume specification \"{}\": expected HOST:CONTAINER[:ro|rw]", text));
  if (!parts[0].starts_with('/'))
    return fail(ErrorKind::unsupported, fmt::format("volume \"{}\": a named volume, not a bind of a host path", text));
  if (!parts[1].starts_with('/'))
    return fail(ErrorKind::invalid_input, fmt::format("volume \"{}\": the container path must be absolute", text));
  bind.source = parts[0];
  bind.destination = parts[1];
  if (parts.size() == 3) {
    std::string_view options = parts[2];
    while (!options.empty()) {
      auto comma = options.find(',');
      std::string_view option = options.substr(0, comma);
      options.remove_prefix(comma == std::string_view::npos ? options.size() : comma + 1);
      if (option == "ro") {
        bind.read_only = true;
      } else if (option != "rw") {
        return fail(ErrorKind::unsupported,
                    fmt::format("volume \"{}\": option \"{}\" is not supported yet", text, option));
      }
    }
  }
  return bind;
}

}  // namespace ward::engine
