// `ps [--format table|json] ID [ps options]`: as runc, json prints the
// container's host pids; table runs the host's ps (default -ef) and keeps
// the header and the container's lines.
#include <cstdio>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/oci/commands.h"
#include "runtime/container.h"
#include "util/subprocess.h"

namespace ward::cli {

namespace {

// Runs ps with `options`, capturing its output (its errors go to ours).
Result<std::string> run_ps(const std::vector<std::string>& options) {
  std::vector<std::string> argv = {"ps"};
  argv.insert(argv.end(), options.begin(), options.end());
  auto ran = sys::run_captured(argv, sys::Capture::stdout_only);
  if (!ran) return std::unexpected(ran.error().wrap("ps"));
  if (ran->status != 0) return fail("ps: ps failed");
  return std::move(ran->output);
}

}  // namespace

int cmd_ps(const GlobalOptions& global, const std::vector<std::string>& args) {
  auto parsed = parse_verb("ps", args, {{{"format", "f"}, true, "select one of: table or json (default: table)"}}, 1,
                           SIZE_MAX, "<container-id> [ps options]");
  if (!parsed) return 1;
  std::string format = parsed->value("format", "table");
  if (format != "table" && format != "json") return report_error("ps: --format: unknown format \"" + format + "\"");
  runtime::Runtime runtime(global.root);
  auto pids = runtime.pids(parsed->positional[0]);
  if (!pids) return report_error(pids.error());
  if (format == "json") {
    std::fputs((nlohmann::json(*pids).dump() + "\n").c_str(), stdout);
    return 0;
  }
  std::vector<std::string> options(parsed->positional.begin() + 1, parsed->positional.end());
  if (options.empty()) options = {"-ef"};
  auto output = run_ps(options);
  if (!output) return report_error(output.error());
  // Keep the header and the lines whose PID column is the container's.
  std::istringstream lines(*output);
  std::string header;
  std::getline(lines, header);
  std::istringstream columns(header);
  std::string column;
  int pid_column = -1;
  for (int i = 0; columns >> column; ++i)
    if (column == "PID") pid_column = i;
  if (pid_column < 0) return report_error("ps: the ps output has no PID column");
  std::set<pid_t> wanted(pids->begin(), pids->end());
  std::string result = header + "\n";
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string field;
    for (int i = 0; i <= pid_column && fields >> field; ++i) {
    }
    if (!field.empty() && wanted.count(std::atoi(field.c_str()))) result += line + "\n";
  }
  std::fputs(result.c_str(), stdout);
  return 0;
}

}  // namespace ward::cli
