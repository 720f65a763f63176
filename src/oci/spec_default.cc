#include "oci/spec_default.h"

#include "oci/seccomp_default.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

namespace ward::oci {

namespace {

using nlohmann::json;

json string_list(const auto& items) {
  json list = json::array();
  for (const char* item : items) list.push_back(item);
  return list;
}

json default_mounts(bool rootless) {
  json mounts = json::array();
  auto add = [&](const char* destination, const char* type, const char* source, json options) {
    mounts.push_back({{"destination", destination}, {"type", type}, {"source", source}, {"options", options}});
  };
  add("/proc", "proc", "proc", json::array({"nosuid", "noexec", "nodev"}));
  add("/dev", "tmpfs", "tmpfs", json::array({"nosuid", "strictatime", "mode=755", "size=65536k"}));
  // A rootless user has no group 5 mapped, so devpts cannot take gid=5.
  json devpts = {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"};
  if (!rootless) devpts.push_back("gid=5");
  add("/dev/pts", "devpts", "devpts", devpts);
  add("/dev/shm", "tmpfs", "shm", json::array({"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}));
  add("/dev/mqueue", "mqueue", "mqueue", json::array({"nosuid", "noexec", "nodev"}));
  if (rootless) {
    add("/sys", "none", "/sys", json::array({"rbind", "nosuid", "noexec", "nodev", "ro"}));
  } else {
    add("/sys", "sysfs", "sysfs", json::array({"nosuid", "noexec", "nodev", "ro"}));
    add("/sys/fs/cgroup", "cgroup", "cgroup", json::array({"nosuid", "noexec", "nodev", "relatime", "ro"}));
  }
  return mounts;
}

json default_namespaces(bool rootless) {
  json namespaces = json::array();
  for (const char* type : {"pid", "ipc", "uts", "mount", "cgroup"}) namespaces.push_back({{"type", type}});
  // A rootless container keeps the host network: without a helper such as
  // slirp4netns a new network namespace would have no connectivity at all.
  if (!rootless) namespaces.push_back({{"type", "network"}});
  if (rootless) namespaces.push_back({{"type", "user"}});
  return namespaces;
}

}  // namespace

std::string default_spec_json(bool rootless, bool apparmor) {
  return default_spec(rootless, apparmor).dump(2);
}

json default_spec(bool rootless, bool apparmor) {
  json caps = string_list(kDefaultCapabilities);
  json process = {
      {"terminal", true},
      {"user", {{"uid", 0}, {"gid", 0}}},
      {"args", json::array({"sh"})},
      {"env", json::array({"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"})},
      {"cwd", "/"},
      {"capabilities",
       {{"bounding", caps}, {"effective", caps}, {"permitted", caps}, {"inheritable", json::array()},
        {"ambient", json::array()}}},
      {"rlimits", json::array({{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}})},
      {"noNewPrivileges", true},
  };
  // Only where the host has AppArmor: elsewhere the profile would make the
  // config fail to create (SPEC section 3).
  if (apparmor) process["apparmorProfile"] = "ward-default";
  json linux_section = {
      {"namespaces", default_namespaces(rootless)},
      {"seccomp", default_seccomp_profile()},
      {"maskedPaths", string_list(kDefaultMaskedPaths)},
      {"readonlyPaths", string_list(kDefaultReadonlyPaths)},
  };
  // A fork bomb stops at 2048 processes (SPEC section 3).  A rootless
  // user usually cannot make cgroups, so the rootless config asks for none.
  if (!rootless) linux_section["resources"] = {{"pids", {{"limit", 2048}}}};
  // Without CAP_NET_RAW, ping uses ICMP datagram sockets, which the kernel
  // grants to the groups in this range of the container's own network
  // namespace (a rootless container shares the host's, so leaves it).
  if (!rootless) linux_section["sysctl"] = {{"net.ipv4.ping_group_range", "0 2147483647"}};
  if (rootless) {
    linux_section["uidMappings"] = json::array({{{"containerID", 0}, {"hostID", ::geteuid()}, {"size", 1}}});
    linux_section["gidMappings"] = json::array({{{"containerID", 0}, {"hostID", ::getegid()}, {"size", 1}}});
  }
  json config = {
      {"ociVersion", "1.2.0"},
      {"process", process},
      {"root", {{"path", "rootfs"}, {"readonly", true}}},
      {"hostname", "ward"},
      {"mounts", default_mounts(rootless)},
      {"linux", linux_section},
  };
  return config;
}

}  // namespace ward::oci
