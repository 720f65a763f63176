#include "cli/ward/run_flags.h"

#include "cli/ward/run_flags_internal.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>

#include "engine/monitor/json_log.h"
#include "oci/signals.h"
#include "util/byte_size.h"
#include "util/sys.h"

namespace ward::cli::engine {

namespace {

using ward::engine::ContainerSpec;

// Capabilities whose addition undoes most of a container's isolation.
const std::set<std::string, std::less<>> kDangerousCapabilities = {
    "ALL",      "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "DAC_READ_SEARCH", "NET_ADMIN",
    "SYS_BOOT", "BPF",       "PERFMON",    "SYS_TIME",   "MAC_ADMIN", "MAC_OVERRIDE"};

}  // namespace

std::vector<std::string> flag_values(const ParsedArgs& parsed, const std::string& name) {
  auto all = parsed.all(name);
  if (all.empty() && parsed.has(name)) all.push_back(parsed.value(name));
  return all;
}

void add_env(std::vector<std::string>& env, const std::string& entry) {
  if (entry.find('=') != std::string::npos) {
    env.push_back(entry);
  } else if (const char* value = std::getenv(entry.c_str()); value != nullptr) {
    env.push_back(entry + "=" + value);
  }
}

Result<> read_env_file(std::vector<std::string>& env, const std::string& path) {
  auto text = WARD_TRY(context(sys::read_file(path), "--env-file {}", path));
  std::size_t line_number = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    auto newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline);
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
    ++line_number;
    auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    line.remove_prefix(first);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.starts_with('='))
      return fail(ErrorKind::invalid_input, fmt::format("--env-file {}:{}: no variable name", path, line_number));
    add_env(env, std::string(line));
  }
  return {};
}

namespace {

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  if (text.starts_with("CAP_")) text = text.substr(4);
  return text;
}

// Host paths whose mount into a container hands it the host: its root,
// its configuration, its kernel interfaces, a container engine's socket.
bool sensitive_host_path(const std::string& path) {
  static const std::set<std::string, std::less<>> kPaths = {"/",
                                                            "/etc",
                                                            "/proc",
                                                            "/sys",
                                                            "/dev",
                                                            "/boot",
                                                            "/root",
                                                            "/var/lib/ward",
                                                            "/run/ward",
                                                            "/var/run/docker.sock",
                                                            "/run/docker.sock",
                                                            "/run/containerd/containerd.sock",
                                                            "/run/podman/podman.sock",
                                                            "/var/run/containerd/containerd.sock"};
  std::string trimmed = path.size() > 1 && path.back() == '/' ? path.substr(0, path.size() - 1) : path;
  return kPaths.contains(trimmed);
}

// --mount type=bind,source=/h,target=/c[,readonly], type=tmpfs,target=/c
// [,tmpfs-size=N][,tmpfs-mode=M] or type=volume[,source=NAME],target=/c
// [,readonly][,volume-nocopy] (engine/volume_spec.h): Docker's key=value
// list.
Result<> apply_mount(ContainerSpec& spec, const std::string& text) {
  std::map<std::string, std::string> fields;
  std::string_view rest = text;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view field = rest.substr(0, comma);
    rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    auto eq = field.find('=');
    fields[std::string(field.substr(0, eq))] =
        eq == std::string_view::npos ? "true" : std::string(field.substr(eq + 1));
  }
  auto take = [&](std::initializer_list<const char*> names) {
    for (const char* name : names)
      if (auto it = fields.find(name); it != fields.end()) {
        std::string value = it->second;
        fields.erase(it);
        return value;
      }
    return std::string();
  };
  std::string type = take({"type"});
  if (type.empty()) type = "volume";
  if (type == "volume") {
    spec.volume_mounts.push_back(WARD_TRY(ward::engine::parse_volume_mount(text, fields)));
    return {};
  }
  std::string target = take({"target", "destination", "dst"});
  if (target.empty() || !target.starts_with('/'))
    return fail(ErrorKind::invalid_input, fmt::format("--mount {}: an absolute target is required", text));
  std::string read_only = take({"readonly", "ro"});
  bool ro = read_only == "true" || read_only == "1";
  if (type == "bind") {
    std::string source = take({"source", "src"});
    if (source.empty() || !source.starts_with('/'))
      return fail(ErrorKind::invalid_input, fmt::format("--mount {}: an absolute source is required", text));
    if (!sys::path_exists(source))
      return fail(ErrorKind::not_found, fmt::format("--mount {}: bind source path does not exist: {}", text, source));
    if (!fields.empty())
      return fail(ErrorKind::unsupported,
                  fmt::format("--mount {}: option {} is not supported yet", text, fields.begin()->first));
    spec.binds.push_back(source + ":" + target + (ro ? ":ro" : ""));
    return {};
  }
  if (type == "tmpfs") {
    std::string options;
    if (auto size = take({"tmpfs-size"}); !size.empty()) options += "size=" + size;
    if (auto mode = take({"tmpfs-mode"}); !mode.empty())
      options += (options.empty() ? "" : ",") + std::string("mode=") + mode;
    if (ro) options += options.empty() ? "ro" : ",ro";
    if (!fields.empty())
      return fail(ErrorKind::unsupported,
                  fmt::format("--mount {}: option {} is not supported yet", text, fields.begin()->first));
    spec.tmpfs[target] = options;
    return {};
  }
  return fail(ErrorKind::unsupported,
              fmt::format("--mount {}: type {} is not supported yet (bind, tmpfs and volume are)", text, type));
}

Result<> apply_security_opt(ContainerSpec& spec, const std::string& option, std::vector<std::string>& warnings) {
  spec.security_opt.push_back(option);
  std::string key = option, value;
  if (auto sep = option.find_first_of("=:"); sep != std::string::npos) {
    key = option.substr(0, sep);
    value = option.substr(sep + 1);
  }
  if (key == "no-new-privileges") {
    if (value.empty() || value == "true") {
      spec.no_new_privileges = true;
    } else if (value == "false") {
      spec.no_new_privileges = false;
      warnings.push_back("--security-opt no-new-privileges=false: setuid programs can raise privileges again");
    } else {
      return fail(ErrorKind::invalid_input, fmt::format("--security-opt {}: expected true or false", option));
    }
    return {};
  }
  if (key == "seccomp" && value == "unconfined") {
    spec.seccomp_unconfined = true;
    warnings.push_back("--security-opt seccomp=unconfined: every system call is open to the container");
    return {};
  }
  if (key == "systempaths" && value == "unconfined") {
    spec.systempaths_unconfined = true;
    warnings.push_back(
        "--security-opt systempaths=unconfined: /proc and /sys files that show or change the host are neither "
        "masked nor read-only");
    return {};
  }
  if (key == "seccomp" || key == "apparmor" || key == "label" || key == "systempaths" || key == "mask" ||
      key == "unmask" || key == "proc-opts")
    return fail(ErrorKind::unsupported, fmt::format("--security-opt {}: not supported yet", option));
  return fail(ErrorKind::invalid_input, fmt::format("--security-opt {}: unknown option", option));
}

}  // namespace

namespace {

// --restart, --log-driver, --log-opt, --stop-signal, --stop-timeout: what
// the monitor and stop do with the container.
Result<> apply_lifecycle_flags(const ParsedArgs& parsed, ContainerSpec& spec) {
  if (parsed.has("restart"))
    spec.restart = WARD_TRY(context(monitor::parse_restart_policy(parsed.value("restart")), "--restart"));
  if (spec.auto_remove && spec.restart.mode != monitor::RestartMode::no)
    return fail(ErrorKind::invalid_input, "--restart and --rm cannot be used together (conflicting options)");
  if (parsed.has("log-driver")) {
    spec.log_driver = parsed.value("log-driver");
    if (spec.log_driver != "json-file" && spec.log_driver != "none")
      return fail(ErrorKind::unsupported,
                  fmt::format("--log-driver {}: not supported yet (json-file and none are)", spec.log_driver));
  }
  for (const auto& option : flag_values(parsed, "log-opt")) {
    auto eq = option.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail(ErrorKind::invalid_input, fmt::format("--log-opt {}: expected KEY=VALUE", option));
    spec.log_options[option.substr(0, eq)] = option.substr(eq + 1);
  }
  if (spec.log_driver == "json-file") WARD_TRY(context(monitor::parse_json_log_options(spec.log_options), "--log-opt"));
  if (spec.log_driver == "none" && !spec.log_options.empty())
    return fail(ErrorKind::invalid_input, "--log-opt: the none log driver takes no options");
  if (parsed.has("stop-signal")) {
    spec.stop_signal = parsed.value("stop-signal");
    if (!oci::parse_signal(spec.stop_signal))
      return fail(ErrorKind::invalid_input, fmt::format("--stop-signal {}: invalid signal", spec.stop_signal));
  }
  if (parsed.has("stop-timeout")) {
    const std::string text = parsed.value("stop-timeout");
    int timeout = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), timeout);
    if (ec != std::errc() || end != text.data() + text.size() || timeout < -1)
      return fail(ErrorKind::invalid_input, fmt::format("--stop-timeout {}: not a number of seconds", text));
    spec.stop_timeout = timeout;
  }
  return {};
}

// -a STREAM...: Docker's names in any case; without -a, stdout and stderr.
Result<> apply_attach_flag(const ParsedArgs& parsed, bool detach, ContainerSpec& spec) {
  if (!parsed.has("attach")) return {};
  if (detach) return fail(ErrorKind::invalid_input, "--attach: Conflicting options: -a and -d");
  spec.attach_stdout = spec.attach_stderr = false;
  for (const auto& stream : parsed.all("attach")) {
    std::string name;
    for (char c : stream) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "stdin")
      spec.attach_stdin = true;
    else if (name == "stdout")
      spec.attach_stdout = true;
    else if (name == "stderr")
      spec.attach_stderr = true;
    else
      return fail(ErrorKind::invalid_input,
                  fmt::format("--attach {}: valid streams are STDIN, STDOUT and STDERR", stream));
  }
  return {};
}

// -d, -a, --pull, -q and --sig-proxy: where it runs, which streams it
// relays, how its image is found, and its signals.
Result<> apply_run_mode_flags(const ParsedArgs& parsed, RunCommand& command) {
  command.detach = parsed.flag("detach");
  WARD_TRY(apply_attach_flag(parsed, command.detach, command.request.spec));
  command.pull_policy = parsed.value("pull", "missing");
  if (command.pull_policy != "missing" && command.pull_policy != "always" && command.pull_policy != "never")
    return fail(ErrorKind::invalid_input,
                fmt::format("--pull {}: invalid pull policy (expected missing, always or never)", command.pull_policy));
  command.quiet = parsed.flag("quiet");
  // A foreground ward run is the container's monitor: the signals it gets
  // are the container's, or nobody's.
  if (parsed.has("sig-proxy") && !parsed.flag("sig-proxy"))
    return fail(ErrorKind::unsupported,
                "--sig-proxy=false: not supported: ward run in the foreground is the container's monitor and "
                "forwards every signal (run -d, then ward attach --sig-proxy=false)");
  return {};
}

}  // namespace

Result<RunCommand> parse_run_command(const ParsedArgs& parsed) {
  for (const auto& [name, value] : parsed.values)
    if (!run_flag_supported(name)) return fail(ErrorKind::unsupported, fmt::format("--{}: not supported yet", name));
  if (parsed.positional.empty())
    return fail(ErrorKind::invalid_input, "requires at least 1 argument: IMAGE [COMMAND] [ARG...]");
  RunCommand command;
  auto& request = command.request;
  ContainerSpec& spec = request.spec;
  spec.image = parsed.positional.front();
  request.command_given = parsed.positional.size() > 1;
  spec.cmd.assign(parsed.positional.begin() + 1, parsed.positional.end());
  WARD_TRY(apply_run_mode_flags(parsed, command));
  spec.tty = parsed.flag("tty");
  spec.open_stdin = parsed.flag("interactive");
  spec.auto_remove = parsed.flag("rm");
  spec.read_only = parsed.flag("read-only");
  spec.privileged = parsed.flag("privileged");
  request.name = parsed.value("name");
  spec.hostname = parsed.value("hostname");
  spec.user = parsed.value("user");
  spec.working_dir = parsed.value("workdir");
  if (!spec.working_dir.empty() && !spec.working_dir.starts_with('/'))
    return fail(ErrorKind::invalid_input,
                fmt::format("--workdir {}: the working directory must be an absolute path", spec.working_dir));
  if (parsed.has("entrypoint")) {
    request.entrypoint_given = true;
    std::string entrypoint = parsed.value("entrypoint");
    if (!entrypoint.empty()) spec.entrypoint = {entrypoint};
  }
  for (const auto& path : flag_values(parsed, "env-file")) WARD_TRY(read_env_file(spec.env, path));
  for (const auto& entry : flag_values(parsed, "env")) add_env(spec.env, entry);
  for (const auto& path : flag_values(parsed, "label-file")) WARD_TRY(read_label_file(spec.labels, path));
  for (const auto& label : flag_values(parsed, "label")) {
    auto eq = label.find('=');
    spec.labels[label.substr(0, eq)] = eq == std::string::npos ? "" : label.substr(eq + 1);
  }
  for (const auto& cap : flag_values(parsed, "cap-drop")) spec.cap_drop.push_back(upper(cap));
  for (const auto& cap : flag_values(parsed, "cap-add")) {
    spec.cap_add.push_back(upper(cap));
    if (kDangerousCapabilities.contains(upper(cap)))
      command.warnings.push_back(fmt::format("--cap-add {}: this capability lets the container reach the host", cap));
  }
  if (spec.privileged)
    command.warnings.push_back(
        "--privileged: every capability, every device, no seccomp and no user namespace: the container is root on "
        "the host");
  for (const auto& option : flag_values(parsed, "security-opt"))
    WARD_TRY(apply_security_opt(spec, option, command.warnings));
  if (parsed.has("network")) {
    std::string network = parsed.value("network");
    if (network == "host") {
      spec.network = ward::engine::NetworkMode::host;
      command.warnings.push_back("--network host: the container shares the host's network stack");
    } else if (network != "none") {
      return fail(ErrorKind::unsupported,
                  fmt::format("--network {}: not supported yet (only none and host until ward has networks)", network));
    }
  }
  if (parsed.has("userns")) {
    std::string userns = parsed.value("userns");
    if (userns == "host") {
      spec.userns = ward::engine::UsernsMode::host;
      command.warnings.push_back("--userns host: root in the container is root on the host");
    } else if (userns != "auto" && !userns.empty()) {
      return fail(ErrorKind::unsupported, fmt::format("--userns {}: not supported yet (auto and host are)", userns));
    }
  }
  if (parsed.has("memory")) {
    spec.memory = WARD_TRY(context(parse_byte_size(parsed.value("memory")), "--memory"));
    if (spec.memory < 6 * 1024 * 1024)
      return fail(ErrorKind::invalid_input, "--memory: the minimum memory limit allowed is 6MB");
  }
  if (parsed.has("pids-limit")) {
    const std::string text = parsed.value("pids-limit");
    char* end = nullptr;
    long long limit = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0')
      return fail(ErrorKind::invalid_input, fmt::format("--pids-limit {}: not a number", text));
    spec.pids_limit = limit > 0 ? limit : 0;
  }
  for (const auto& volume : flag_values(parsed, "volume")) {
    if (ward::engine::names_volume(volume)) {
      spec.volume_mounts.push_back(WARD_TRY(context(ward::engine::parse_volume_flag(volume), "--volume")));
      // Docker keeps -v NAME:/PATH in HostConfig.Binds; -v /PATH in Config.Volumes.
      if (!spec.volume_mounts.back().anonymous) spec.binds.push_back(volume);
      continue;
    }
    auto bind = WARD_TRY(context(ward::engine::parse_bind(volume), "--volume"));
    spec.binds.push_back(volume);
    if (sensitive_host_path(bind.source))
      command.warnings.push_back(fmt::format("--volume {}: the container reaches {} of the host", volume, bind.source));
  }
  for (const auto& from : flag_values(parsed, "volumes-from")) {
    WARD_TRY(ward::engine::parse_volumes_from(from));
    spec.volumes_from.push_back(from);
  }
  for (const auto& mount : flag_values(parsed, "mount")) {
    WARD_TRY(apply_mount(spec, mount));
    if (mount.find("bind") == std::string::npos || spec.binds.empty()) continue;
    auto bind = ward::engine::parse_bind(spec.binds.back());
    if (bind && sensitive_host_path(bind->source))
      command.warnings.push_back(fmt::format("--mount {}: the container reaches {} of the host", mount, bind->source));
  }
  for (const auto& entry : flag_values(parsed, "tmpfs")) {
    auto colon = entry.find(':');
    std::string destination = entry.substr(0, colon);
    if (!destination.starts_with('/'))
      return fail(ErrorKind::invalid_input, fmt::format("--tmpfs {}: the path must be absolute", entry));
    spec.tmpfs[destination] = colon == std::string::npos ? "" : entry.substr(colon + 1);
  }
  WARD_TRY(apply_resource_flags(parsed, spec, command.warnings));
  WARD_TRY(apply_host_flags(parsed, spec, command.warnings));
  WARD_TRY(apply_namespace_and_device_flags(parsed, spec, command.warnings));
  WARD_TRY(apply_process_flags(parsed, spec));
  command.cidfile = parsed.value("cidfile");
  if (parsed.has("cidfile") && command.cidfile.empty())
    return fail(ErrorKind::invalid_input, "--cidfile: a file name is required");
  WARD_TRY(apply_lifecycle_flags(parsed, spec));
  return command;
}

}  // namespace ward::cli::engine
