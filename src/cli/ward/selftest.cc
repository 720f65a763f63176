// ward selftest [OPTIONS]: ward's escape probes (ward-probe) in containers
// made with ward's defaults on this host, then with the protections removed
// and with one protection layer removed at a time, so a user proves the
// defaults on their own kernel and sees which layer held each probe
// (docs/SELFTEST.md).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "audit/output.h"
#include "audit/selftest/report.h"
#include "audit/selftest/selftest.h"
#include "cli/core/args.h"
#include "cli/core/version.h"
#include "cli/ward/commands.h"

namespace ward::cli::engine {

namespace {

constexpr const char* kUsage =
    "usage: ward selftest [OPTIONS]\n\n"
    "Runs ward's escape probes (ward-probe, installed beside ward) in a container made from the built-in\n"
    "busybox image with ward's defaults, then with every protection removed (to show each probe can\n"
    "succeed here) and once per protection layer with only that layer removed, and prints which layer\n"
    "held each probe.  The containers are removed afterwards, also on an error or Ctrl-C.  Exit status 0\n"
    "when every probe is blocked under the defaults, 1 when one escapes (or the selftest fails), 2 on a\n"
    "usage error.\n\n"
    "Options:\n";

const std::vector<FlagSpec> kFlags = {
    {{"format", "f"}, true, "table (default), json, sarif, checkstyle or gitlab"},
    {{"ignore"}, true, "a probe to leave out of the output and the exit status, e.g. kallsyms (repeatable)"},
    {{"no-color"}, false, "no colour, even on a terminal"},
    {{"help", "h"}, false, "show help"},
};

bool known_probe(const std::string& name) {
  auto catalog = audit::selftest::probe_catalog();
  return std::any_of(catalog.begin(), catalog.end(), [&](const auto& info) { return info.name == name; });
}

}  // namespace

int cmd_selftest(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("selftest", parsed.error(), kExitUsage);
  if (parsed->flag("help")) {
    std::fputs((kUsage + flags_help(kFlags)).c_str(), stdout);
    return 0;
  }
  if (!parsed->positional.empty())
    return kReporter.fail("selftest", fmt::format("unexpected argument \"{}\"", parsed->positional.front()),
                          kExitUsage);
  std::string format_name = parsed->value("format", "table");
  bool json = format_name == "json";
  audit::Format format = audit::Format::table;
  if (!json) {
    auto shared = audit::parse_format(format_name);
    if (!shared) return kReporter.fail("selftest", fmt::format("--format: {}", shared.error().what()), kExitUsage);
    format = *shared;
  }
  std::vector<std::string> ignored = parsed->all("ignore");
  for (const auto& name : ignored)
    if (!known_probe(name))
      return kReporter.fail("selftest", fmt::format("--ignore: unknown probe \"{}\" (see docs/SELFTEST.md)", name),
                            kExitUsage);

  audit::selftest::Options selftest;
  auto probe = audit::selftest::find_probe_program();
  if (!probe) return kReporter.fail("selftest", probe.error());
  selftest.probe_program = *probe;
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("selftest", engine.error());
  auto report = audit::selftest::run_selftest(*engine, selftest);
  if (!report) {
    int signal = audit::selftest::interrupting_signal();
    return kReporter.fail("selftest", report.error(), signal != 0 ? 128 + signal : kExitFailure);
  }
  audit::selftest::remove_ignored(*report, ignored);

  std::string text;
  if (json) {
    text = audit::selftest::render_json(*report, kVersion);
  } else if (format == audit::Format::table) {
    bool colour = !parsed->flag("no-color") && std::getenv("NO_COLOR") == nullptr && ::isatty(STDOUT_FILENO) == 1;
    text = audit::selftest::render_table(*report, colour);
  } else {
    text = audit::render(audit::selftest::to_findings(*report, engine->store().root()), format, false, kVersion);
  }
  std::fputs(text.c_str(), stdout);
  if (std::fflush(stdout) != 0) return kReporter.fail("selftest", "write standard output", kExitFailure);
  auto escaped = audit::selftest::escaped_probes(*report);
  if (escaped.empty()) return 0;
  kReporter.fail("selftest", fmt::format("{} escaped under ward's defaults", fmt::join(escaped, ", ")), 0);
  return kExitFailure;
}

}  // namespace ward::cli::engine
