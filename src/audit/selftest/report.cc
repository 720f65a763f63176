#include "audit/selftest/report.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace ward::audit::selftest {

namespace {

constexpr std::string_view kPrefix = "escape.";

// The probes of src/probe/escapes.cc and escapes_kernel.cc, in the order
// they run.
constexpr std::array kCatalog = {
    ProbeInfo{"sysrq", "open /proc/sysrq-trigger for writing"},
    ProbeInfo{"proc_sys", "open a /proc/sys file (vm.drop_caches) for writing"},
    ProbeInfo{"proc_sys_kernel", "open /proc/sys/kernel/core_pattern for writing"},
    ProbeInfo{"sysfs", "open a host setting under /sys for writing"},
    ProbeInfo{"mount", "mount a filesystem"},
    ProbeInfo{"mknod", "make a block device node"},
    ProbeInfo{"module", "load a kernel module"},
    ProbeInfo{"keyctl", "reach the kernel keyring"},
    ProbeInfo{"bpf", "create a BPF map"},
    ProbeInfo{"perf", "open a perf event"},
    ProbeInfo{"userns", "create a user namespace"},
    ProbeInfo{"raw_socket", "open a raw IP socket"},
    ProbeInfo{"packet_socket", "open an AF_PACKET socket"},
    ProbeInfo{"open_by_handle", "open a file by handle (the \"Shocker\" escape)"},
    ProbeInfo{"chroot_breakout", "climb out of the root through a nested chroot"},
    ProbeInfo{"release_agent", "write a cgroup v1 release_agent (CVE-2022-0492)"},
    ProbeInfo{"io_uring", "set up an io_uring instance"},
    ProbeInfo{"userfaultfd", "create a userfaultfd"},
    ProbeInfo{"syslog", "read the kernel log"},
    ProbeInfo{"kallsyms", "read kernel symbol addresses"},
    ProbeInfo{"kexec", "load a new kernel (kexec_load)"},
    ProbeInfo{"swapon", "turn on swap"},
    ProbeInfo{"acct", "turn on process accounting"},
    ProbeInfo{"mount_api", "open a filesystem context (fsopen)"},
    ProbeInfo{"cgroup_limits", "raise its own cgroup limits"},
    ProbeInfo{"unmask", "unmount a masked path"},
};

const ProbeResult* find_result(const ProbeRun& run, std::string_view name) {
  auto it = std::find_if(run.results.begin(), run.results.end(), [&](const ProbeResult& r) { return r.name == name; });
  return it == run.results.end() ? nullptr : &*it;
}

}  // namespace

Result<std::vector<ProbeResult>> parse_probe_output(std::string_view text) {
  std::vector<ProbeResult> results;
  int number = 0;
  while (!text.empty()) {
    ++number;
    auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.starts_with(kPrefix)) continue;
    auto eq = line.find('=');
    std::string_view name = line.substr(kPrefix.size(), eq == std::string_view::npos ? 0 : eq - kPrefix.size());
    std::string_view value = eq == std::string_view::npos ? "" : line.substr(eq + 1);
    std::string_view word = value.substr(0, value.find(' '));
    if (name.empty() || (word != "blocked" && word != "ESCAPED"))
      return fail(ErrorKind::invalid_input,
                  fmt::format("probe output line {}: expected escape.NAME=blocked|ESCAPED, got \"{}\"", number, line));
    std::string_view detail = value.size() > word.size() ? value.substr(word.size() + 1) : "";
    results.push_back({std::string(name), word == "ESCAPED", std::string(detail)});
  }
  if (results.empty()) return fail(ErrorKind::invalid_input, "the probe printed no escape.NAME= line");
  return results;
}

std::span<const ProbeInfo> probe_catalog() {
  return kCatalog;
}

std::string_view probe_title(std::string_view name) {
  for (const auto& info : kCatalog)
    if (info.name == name) return info.title;
  return name;
}

Holding holding(const Verdict& verdict) {
  if (verdict.defaults.escaped) return Holding::escaped;
  if (!verdict.held_by.empty()) return Holding::held;
  if (verdict.unprotected && verdict.unprotected->escaped) return Holding::several;
  return Holding::not_reachable;
}

std::vector<Verdict> attribute(const Runs& runs) {
  auto escaped_in = [](const ProbeRun& run, std::string_view name) {
    const auto* result = find_result(run, name);
    return result != nullptr && result->escaped;
  };
  std::vector<Verdict> verdicts;
  for (const auto& result : runs.defaults.results) {
    Verdict verdict;
    verdict.name = result.name;
    verdict.defaults = result;
    if (const auto* open = find_result(runs.unprotected, result.name)) verdict.unprotected = *open;
    verdict.open_escaped = escaped_in(runs.open, result.name);
    // Only a blocked probe is held; one that escapes anyway is held by nothing.
    for (const auto& run : runs.without) {
      bool escaped = escaped_in(run, result.name);
      verdict.without.emplace_back(run.layer, escaped);
      if (escaped && !result.escaped) verdict.held_by.push_back(run.layer);
    }
    for (const auto& run : runs.only) {
      bool escaped = escaped_in(run, result.name);
      verdict.only.emplace_back(run.layer, escaped);
      if (!escaped && verdict.open_escaped && !result.escaped) verdict.enough_alone.push_back(run.layer);
    }
    verdicts.push_back(std::move(verdict));
  }
  return verdicts;
}

void remove_ignored(Report& report, std::span<const std::string> ignored) {
  std::erase_if(report.verdicts, [&](const Verdict& verdict) {
    return std::find(ignored.begin(), ignored.end(), verdict.name) != ignored.end();
  });
}

std::vector<std::string> escaped_probes(const Report& report) {
  std::vector<std::string> names;
  for (const auto& verdict : report.verdicts)
    if (verdict.defaults.escaped) names.push_back(verdict.name);
  return names;
}

}  // namespace ward::audit::selftest
