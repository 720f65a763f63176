// ward audit [OPTIONS]: the CIS Docker Benchmark's checks with
// docker-bench-security's IDs (docs/AUDIT.md), over ward itself or over
// containers described by files or a live engine.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "audit/bench/audit.h"
#include "audit/bench/bench.h"
#include "audit/output.h"
#include "cli/core/args.h"
#include "cli/core/version.h"
#include "cli/ward/audit_containers.h"
#include "cli/ward/commands.h"

namespace ward::cli::engine {

namespace {

constexpr const char* kUsage =
    "usage: ward audit [OPTIONS]\n\n"
    "Runs the CIS Docker Benchmark's checks, numbered as docker-bench-security numbers them.  With no\n"
    "input, audits ward itself: the host (1), ward's configuration (2) and files (3), the images in its\n"
    "store (4) and its containers, running or not (5).  With --docker-inspect, --config or\n"
    "--docker-host, audits the containers they describe instead (5 only).  Results are PASS, WARN,\n"
    "INFO or NOTE; a scored PASS adds one to the score and a scored WARN takes one away.  Exit status\n"
    "1 when a result is at or above --fail-on (or on bad input), 2 on a usage error.\n\n"
    "Options:\n";

const std::vector<FlagSpec> kFlags = {
    {{"docker-inspect"}, true, "a file of 'docker inspect' or 'podman inspect' output (repeatable)"},
    {{"config"}, true, "an OCI runtime config.json (repeatable)"},
    {{"docker-host"}, true, "a live Docker or Podman API socket: unix:///PATH"},
    {{"format", "f"}, true, "table (default), json (docker-bench's shape), sarif, checkstyle or gitlab"},
    {{"fail-on"}, true, "exit 1 at this level or above: warn, info, note or none (default none)"},
    {{"ignore"}, true, "a check ID to leave out, e.g. 5.13 (repeatable)"},
    {{"no-color"}, false, "no colour, even on a terminal"},
    {{"help", "h"}, false, "show help"},
};

}  // namespace

int cmd_audit(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("audit", parsed.error(), kExitUsage);
  if (parsed->flag("help")) {
    std::fputs((kUsage + flags_help(kFlags)).c_str(), stdout);
    return 0;
  }
  if (!parsed->positional.empty())
    return kReporter.fail("audit",
                          fmt::format("unexpected argument \"{}\"; containers come from --docker-inspect, --config or "
                                      "--docker-host (see 'ward audit --help')",
                                      parsed->positional.front()),
                          kExitUsage);
  std::string format_name = parsed->value("format", "table");
  bool bench_json = format_name == "json";
  std::optional<audit::Format> format;
  if (!bench_json) {
    auto shared = audit::parse_format(format_name);
    if (!shared) return kReporter.fail("audit", fmt::format("--format: {}", shared.error().what()), kExitUsage);
    format = *shared;
  }
  audit::bench::FailLevel threshold;
  if (parsed->has("fail-on")) {
    auto level = audit::bench::parse_fail_level(parsed->value("fail-on"));
    if (!level) return kReporter.fail("audit", fmt::format("--fail-on: {}", level.error().what()), kExitUsage);
    threshold = *level;
  }
  std::set<std::string> ignored;
  for (const std::string& id : parsed->all("ignore")) {
    if (!audit::bench::known_check_ids().contains(id))
      return kReporter.fail("audit", fmt::format("--ignore: unknown check ID \"{}\" (see docs/AUDIT.md)", id),
                            kExitUsage);
    ignored.insert(id);
  }

  audit::bench::ContainerInputs inputs;
  inputs.docker_inspect_files = parsed->all("docker-inspect");
  inputs.config_files = parsed->all("config");
  inputs.docker_host = parsed->value("docker-host");
  if (parsed->has("docker-host") && inputs.docker_host.empty())
    return kReporter.fail("audit", "--docker-host: expected unix:///PATH", kExitUsage);
  bool containers = !inputs.docker_inspect_files.empty() || !inputs.config_files.empty() || !inputs.docker_host.empty();

  Result<audit::bench::BenchReport> report = [&]() -> Result<audit::bench::BenchReport> {
    if (containers) return audit::bench::audit_containers(inputs);
    std::string root = options.root;
    if (root.empty()) root = WARD_TRY(image::default_store_root());
    auto own = WARD_TRY(gather_ward_containers(root));
    return audit::bench::audit_ward(root, kVersion, own);
  }();
  if (!report) return kReporter.fail("audit", report.error());
  audit::bench::remove_ignored(*report, ignored);

  std::string text;
  if (bench_json) {
    text = audit::bench::render_bench_json(*report, kVersion);
  } else if (*format == audit::Format::table) {
    bool colour = !parsed->flag("no-color") && std::getenv("NO_COLOR") == nullptr && ::isatty(STDOUT_FILENO) == 1;
    text = audit::bench::render_bench_table(*report, colour);
  } else {
    text = audit::render(audit::bench::to_findings(*report), *format, false, kVersion);
  }
  std::fputs(text.c_str(), stdout);
  if (std::fflush(stdout) != 0) return kReporter.fail("audit", "write standard output", kExitFailure);
  return audit::bench::fails(*report, threshold) ? kExitFailure : 0;
}

}  // namespace ward::cli::engine
