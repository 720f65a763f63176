// The flags of `ward run`/`create` that shape what the container sees of
// its host: /dev/shm's size, namespaced sysctls, groups, names, the
// /etc/hosts and /etc/resolv.conf the engine writes, labels from a file.
#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <set>

#include <fmt/format.h>

#include "cli/ward/run_flags_internal.h"
#include "image/platform.h"
#include "util/byte_size.h"
#include "util/fd.h"
#include "util/sys.h"

namespace ward::cli::engine {

namespace {

using ward::engine::ContainerSpec;

bool is_ip_address(const std::string& text) {
  unsigned char buffer[sizeof(struct in6_addr)];
  return ::inet_pton(AF_INET, text.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

bool has_space(std::string_view text) {
  return text.find_first_of(" \t\r\n") != std::string_view::npos;
}

// Docker's list of sysctls that belong to a container's own namespaces
// (IPC's and the network's): the rest would change the host.
Result<> check_sysctl(const ContainerSpec& spec, const std::string& text, const std::string& key) {
  static const std::set<std::string, std::less<>> kIpcSysctls = {
      "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
      "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};
  if (key.starts_with("net.")) {
    if (spec.network == ward::engine::NetworkMode::host)
      return fail(ErrorKind::invalid_input,
                  fmt::format("--sysctl {}: sysctl '{}' is not allowed in the host's network namespace", text, key));
    return {};
  }
  if (kIpcSysctls.contains(key) || key.starts_with("fs.mqueue.")) return {};
  return fail(
      ErrorKind::invalid_input,
      fmt::format("--sysctl {}: sysctl '{}' is not whitelisted (not in a container's own namespaces)", text, key));
}

Result<> apply_name_flags(const ParsedArgs& parsed, ContainerSpec& spec) {
  spec.domainname = parsed.value("domainname");
  for (const auto& entry : flag_values(parsed, "add-host")) {
    auto colon = entry.find(':');
    std::string host = entry.substr(0, colon), ip = colon == std::string::npos ? "" : entry.substr(colon + 1);
    if (host.empty() || has_space(host) || colon == std::string::npos)
      return fail(ErrorKind::invalid_input, fmt::format("--add-host {}: expected HOST:IP", entry));
    if (ip == "host-gateway")
      return fail(ErrorKind::unsupported,
                  fmt::format("--add-host {}: host-gateway is not supported yet (ward has no networks yet)", entry));
    if (!is_ip_address(ip))
      return fail(ErrorKind::invalid_input,
                  fmt::format("--add-host {}: invalid IP address in add-host: \"{}\"", entry, ip));
    spec.extra_hosts.push_back(entry);
  }
  for (const auto& server : flag_values(parsed, "dns")) {
    if (!is_ip_address(server))
      return fail(ErrorKind::invalid_input, fmt::format("--dns {}: {} is not an ip address", server, server));
    spec.dns.push_back(server);
  }
  for (const auto& domain : flag_values(parsed, "dns-search")) {
    if (domain.empty() || has_space(domain) || domain.size() > 255)
      return fail(ErrorKind::invalid_input, fmt::format("--dns-search {}: not a valid domain", domain));
    spec.dns_search.push_back(domain);
  }
  for (const auto& option : flag_values(parsed, "dns-option")) {
    if (option.empty() || has_space(option))
      return fail(ErrorKind::invalid_input, fmt::format("--dns-option \"{}\": not a resolv.conf option", option));
    spec.dns_options.push_back(option);
  }
  return {};
}

}  // namespace

Result<> apply_process_flags(const ParsedArgs& parsed, ContainerSpec& spec) {
  spec.init = parsed.flag("init");
  for (const auto& text : flag_values(parsed, "annotation")) {
    auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail(ErrorKind::invalid_input, fmt::format("--annotation {}: expected KEY=VALUE", text));
    spec.annotations[text.substr(0, eq)] = text.substr(eq + 1);
  }
  spec.no_healthcheck = parsed.flag("no-healthcheck");
  WARD_TRY(apply_health_flags(parsed, spec));
  WARD_TRY(apply_secret_flags(parsed, spec));
  if (parsed.has("platform")) {
    auto wanted = WARD_TRY(context(image::parse_platform(parsed.value("platform")), "--platform"));
    auto host = image::host_platform();
    // A host also runs older variants, but its store holds images chosen
    // for its own platform: only that one is accepted.
    if (wanted.os != host.os || wanted.architecture != host.architecture ||
        (!wanted.variant.empty() && wanted.variant != host.variant))
      return fail(ErrorKind::unsupported, fmt::format("--platform {}: only this host's platform ({}) is supported",
                                                      parsed.value("platform"), image::platform_string(host)));
  }
  return {};
}

Result<> check_cidfile(const std::string& path) {
  if (sys::path_exists(path))
    return fail(ErrorKind::already_exists,
                fmt::format("--cidfile {}: container ID file found, make sure the other container isn't running or "
                            "delete {}",
                            path, path));
  return {};
}

Result<> write_cidfile(const std::string& path, const std::string& id) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return fail_errno(errno, fmt::format("--cidfile {}", path));
  UniqueFd file(fd);
  if (::write(file.get(), id.data(), id.size()) != static_cast<ssize_t>(id.size()))
    return fail_errno(errno, fmt::format("--cidfile {}: write", path));
  return {};
}

Result<> read_label_file(std::map<std::string, std::string>& labels, const std::string& path) {
  auto text = WARD_TRY(context(sys::read_file(path), "--label-file {}", path));
  std::string_view rest = text;
  while (!rest.empty()) {
    auto newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline);
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
    auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    line.remove_prefix(first);
    if (line.ends_with('\r')) line.remove_suffix(1);
    auto eq = line.find('=');
    labels[std::string(line.substr(0, eq))] = eq == std::string_view::npos ? "" : std::string(line.substr(eq + 1));
  }
  return {};
}

Result<> apply_host_flags(const ParsedArgs& parsed, ContainerSpec& spec, std::vector<std::string>& /*warnings*/) {
  if (parsed.has("shm-size")) {
    std::int64_t size = WARD_TRY(context(parse_byte_size(parsed.value("shm-size")), "--shm-size"));
    if (size > 0) spec.shm_size = size;  // 0: Docker's default, 64 MiB
  }
  for (const auto& text : flag_values(parsed, "sysctl")) {
    auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail(ErrorKind::invalid_input, fmt::format("--sysctl {}: expected KEY=VALUE", text));
    std::string key = text.substr(0, eq);
    WARD_TRY(check_sysctl(spec, text, key));
    spec.sysctls[key] = text.substr(eq + 1);
  }
  for (const auto& group : flag_values(parsed, "group-add")) {
    if (group.empty() || group.find(':') != std::string::npos)
      return fail(ErrorKind::invalid_input, fmt::format("--group-add \"{}\": expected a group name or gid", group));
    spec.group_add.push_back(group);
  }
  return apply_name_flags(parsed, spec);
}

}  // namespace ward::cli::engine
