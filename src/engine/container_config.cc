#include "engine/container_config.h"

#include "engine/container_config_parts.h"

#include "engine/monitor/monitor.h"
#include "engine/volumes.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "oci/capability_names.h"
#include "oci/spec_default.h"
#include "security/apparmor.h"
#include "security/capabilities.h"

namespace ward::engine {

namespace {

using nlohmann::json;

// "NET_ADMIN", "net_admin" or "CAP_NET_ADMIN" -> "CAP_NET_ADMIN".
Result<std::string> capability(std::string_view flag, std::string_view name) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  if (!upper.starts_with("CAP_")) upper = "CAP_" + upper;
  if (!oci::capability_from_name(upper))
    return fail(ErrorKind::invalid_input, fmt::format("{}: unknown capability: \"{}\"", flag, name));
  return upper;
}

// Every capability ward itself holds in its bounding set: what
// --privileged and --cap-add ALL give (a host whose root lacks one, as
// when CAP_SYS_RESOURCE is dropped for every process, cannot give it).
std::set<std::string> every_grantable_capability() {
  std::uint64_t own = security::own_bounding_set();
  std::set<std::string> caps;
  for (auto name : oci::all_capability_names()) {
    auto number = oci::capability_from_name(name);
    if (number && *number < 64 && (own >> *number & 1)) caps.insert(std::string(name));
  }
  return caps;
}

Result<json> capability_sets(const ContainerSpec& spec) {
  std::set<std::string> caps;
  if (spec.privileged) {
    caps = every_grantable_capability();
  } else {
    for (const char* name : oci::kDefaultCapabilities) caps.insert(name);
  }
  for (const auto& name : spec.cap_drop) {
    if (name == "ALL" || name == "all") {
      caps.clear();
      continue;
    }
    caps.erase(WARD_TRY(capability("--cap-drop", name)));
  }
  for (const auto& name : spec.cap_add) {
    if (name == "ALL" || name == "all") {
      caps.merge(every_grantable_capability());
      continue;
    }
    caps.insert(WARD_TRY(capability("--cap-add", name)));
  }
  json list(caps);
  return json{{"bounding", list},
              {"effective", list},
              {"permitted", list},
              {"inheritable", json::array()},
              {"ambient", json::array()}};
}

json bind_mount(const std::string& destination, const std::string& source, bool read_only) {
  json options = {"rbind", "nosuid", "nodev", "noexec"};
  if (read_only) options.push_back("ro");
  return {{"destination", destination}, {"type", "bind"}, {"source", source}, {"options", options}};
}

}  // namespace

void remove_namespace(json& linux_section, std::string_view type) {
  auto& namespaces = linux_section["namespaces"];
  for (auto it = namespaces.begin(); it != namespaces.end(); ++it)
    if ((*it)["type"] == type) {
      namespaces.erase(it);
      return;
    }
}

Result<json> build_oci_config(const ContainerSpec& spec, const ConfigInputs& inputs) {
  json config = oci::default_spec(false, security::apparmor_enabled());
  json& process = config["process"];
  json& linux_section = config["linux"];

  std::vector<std::string> args = spec.entrypoint;
  args.insert(args.end(), spec.cmd.begin(), spec.cmd.end());
  if (args.empty()) return fail(ErrorKind::invalid_input, "no command specified (the image has none; give one)");
  process["args"] = args;
  process["terminal"] = spec.tty;
  std::vector<std::string> env = spec.env;
  auto has = [&](std::string_view name) {
    return std::any_of(env.begin(), env.end(),
                       [&](const std::string& e) { return e.starts_with(std::string(name) + "="); });
  };
  if (!has("PATH")) env.insert(env.begin(), "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  if (!has("HOSTNAME")) env.push_back("HOSTNAME=" + spec.hostname);
  if (spec.tty && !has("TERM")) env.push_back("TERM=xterm");
  if (!has("HOME")) env.push_back("HOME=" + inputs.user.home);
  process["env"] = env;
  process["cwd"] = spec.working_dir.empty() ? "/" : spec.working_dir;
  process["user"] = {{"uid", inputs.user.uid}, {"gid", inputs.user.gid}};
  if (!inputs.user.additional_gids.empty()) process["user"]["additionalGids"] = inputs.user.additional_gids;
  process["capabilities"] = WARD_TRY(capability_sets(spec));
  process["noNewPrivileges"] = spec.no_new_privileges && !spec.privileged;
  if (spec.privileged) process.erase("apparmorProfile");

  config["hostname"] = spec.hostname;
  config["root"] = {{"path", "rootfs"}, {"readonly", spec.read_only}};
  linux_section["cgroupsPath"] =
      (spec.cgroup_parent.empty() ? std::string(monitor::kCgroupParent) : spec.cgroup_parent) + "/" + inputs.id;
  if (spec.privileged || spec.seccomp_unconfined) linux_section.erase("seccomp");
  if (spec.privileged || spec.systempaths_unconfined) {
    linux_section.erase("maskedPaths");
    linux_section.erase("readonlyPaths");
  }
  if (spec.pids_limit > 0)
    linux_section["resources"]["pids"] = {{"limit", spec.pids_limit}};
  else
    linux_section["resources"].erase("pids");
  WARD_TRY(apply_resource_limits(spec, config));

  json& mounts = config["mounts"];
  bool host_network = spec.network == NetworkMode::host;
  if (host_network) {
    remove_namespace(linux_section, "network");
    // The sysctl is of the container's own network namespace; with the
    // host's it would change the host.
    linux_section.erase("sysctl");
  }
  if (inputs.ids) {
    linux_section["namespaces"].push_back({{"type", "user"}});
    linux_section["uidMappings"] = json::array({{{"containerID", 0}, {"hostID", inputs.ids->uid}, {"size", 65536}}});
    linux_section["gidMappings"] = json::array({{{"containerID", 0}, {"hostID", inputs.ids->gid}, {"size", 65536}}});
    // ping's group range may name only groups the namespace maps.
    if (linux_section.contains("sysctl")) linux_section["sysctl"]["net.ipv4.ping_group_range"] = "0 65535";
    if (host_network) {
      // sysfs can only be mounted by the owner of the network namespace.
      for (auto& mount : mounts)
        if (mount["destination"] == "/sys") mount = bind_mount("/sys", "/sys", true);
      mounts.erase(std::remove_if(mounts.begin(), mounts.end(),
                                  [](const json& m) { return m["destination"] == "/sys/fs/cgroup"; }),
                   mounts.end());
    }
  }
  if (spec.privileged) {
    for (auto& mount : mounts)
      if (mount["destination"] == "/sys" && mount["type"] == "sysfs") mount["options"] = {"nosuid", "noexec", "nodev"};
  }
  WARD_TRY(apply_host_options(spec, inputs, config));
  WARD_TRY(apply_devices(spec, config));
  for (const auto& [destination, options] : spec.tmpfs) {
    json list = {"nosuid", "nodev", "noexec"};
    std::string_view rest = options;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      list.push_back(std::string(rest.substr(0, comma)));
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    }
    mounts.push_back({{"destination", destination}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", list}});
  }
  for (const auto& text : spec.binds) {
    if (names_volume(text)) continue;  // in spec.volume_mounts
    auto bind = WARD_TRY(context(parse_bind(text), "--volume"));
    json options = {"rbind"};
    if (bind.read_only) options.push_back("ro");
    // In the container's own user namespace the host's files keep their
    // owners as the container sees them: host root's file is container
    // root's, and what container root writes is host root's (Docker's
    // ownership, without chown).
    if (inputs.ids) options.push_back("ridmap");
    mounts.push_back(
        {{"destination", bind.destination}, {"type", "bind"}, {"source", bind.source}, {"options", options}});
  }
  // A volume is a bind of its _data, idmapped as binds are.
  for (const auto& volume : spec.volume_mounts) {
    json options = {"rbind", "nosuid", "nodev"};
    if (volume.read_only) options.push_back("ro");
    if (inputs.ids) options.push_back("ridmap");
    auto source = inputs.volume_sources.find(volume.name);
    mounts.push_back(
        {{"destination", volume.destination},
         {"type", "bind"},
         {"source",
          source != inputs.volume_sources.end() ? source->second : volume_mountpoint(inputs.store_root, volume.name)},
         {"options", options}});
  }
  for (const auto& [destination, source] : inputs.secret_files) mounts.push_back(bind_mount(destination, source, true));
  mounts.push_back(bind_mount("/etc/hostname", inputs.hostname_file, false));
  mounts.push_back(bind_mount("/etc/hosts", inputs.hosts_file, false));
  if (!inputs.resolv_file.empty()) mounts.push_back(bind_mount("/etc/resolv.conf", inputs.resolv_file, false));
  return config;
}

}  // namespace ward::engine
