// ward top CONTAINER [ps OPTIONS]: the host's ps(1) (default -ef) asked
// for the container's pids, its lines cut down to them, as Docker's top.
#include <cstdio>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "cli/ward/commands.h"
#include "util/subprocess.h"

namespace ward::cli::engine {

namespace {

std::vector<std::string> fields_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> fields;
  for (std::string field; in >> field;) fields.push_back(field);
  return fields;
}

// The header and the lines of `ps_output` whose PID column is in `pids`.
Result<std::string> lines_of(const std::string& ps_output, const std::set<pid_t>& pids) {
  std::istringstream in(ps_output);
  std::string header;
  std::getline(in, header);
  auto titles = fields_of(header);
  std::size_t column = titles.size();
  for (std::size_t i = 0; i < titles.size(); ++i)
    if (titles[i] == "PID") column = i;
  if (column == titles.size())
    return fail(ErrorKind::invalid_input, "Couldn't find PID field in ps output (give ps options that print PID)");
  std::string kept = header + "\n";
  for (std::string line; std::getline(in, line);) {
    auto fields = fields_of(line);
    if (fields.size() <= column) continue;
    pid_t pid = 0;
    try {
      pid = static_cast<pid_t>(std::stol(fields[column]));
    } catch (const std::exception&) {
      return fail(ErrorKind::invalid_input, fmt::format("ps: unexpected PID field \"{}\"", fields[column]));
    }
    if (pids.contains(pid)) kept += line + "\n";
  }
  return kept;
}

}  // namespace

int cmd_top(const WardOptions& options, const std::vector<std::string>& args) {
  // Everything after the container is ps's, flags too.
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::fputs(
        "usage: ward top CONTAINER [ps OPTIONS]\n\nDisplay the running processes of a container (ps -ef by default).\n",
        stdout);
    return 0;
  }
  if (args.empty())
    return kReporter.fail("top", "requires at least 1 argument; usage: ward top CONTAINER [ps OPTIONS]",
                          kExitDockerUsage);
  std::vector<std::string> argv = {"ps"};
  if (args.size() == 1) argv.push_back("-ef");
  argv.insert(argv.end(), args.begin() + 1, args.end());
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("top", engine.error());
  auto shown = [&]() -> Result<std::string> {
    auto record = WARD_TRY(engine->find(args[0]));
    auto pids = WARD_TRY(engine->processes(record));
    if (pids.empty()) return lines_of(WARD_TRY(sys::run_captured(argv, sys::Capture::stdout_only)).output, {});
    // Asked for by pid (-q, procps's quick pid list), ps shows them even
    // when its options would not select them (`-o pid,comm` alone shows
    // ps's own session); some options do not go with -q: then without.
    auto with_pids = argv;
    with_pids.push_back("-q");
    with_pids.push_back(fmt::format("{}", fmt::join(pids, ",")));
    auto ran = WARD_TRY(sys::run_captured(with_pids, sys::Capture::stdout_only));
    if (ran.status != 0) ran = WARD_TRY(sys::run_captured(argv, sys::Capture::stdout_only));
    if (ran.status != 0)
      return fail(fmt::format("ps {} failed with status {}", fmt::join(argv.begin() + 1, argv.end(), " "), ran.status));
    return lines_of(ran.output, std::set<pid_t>(pids.begin(), pids.end()));
  }();
  if (!shown) return kReporter.fail("top", shown.error());
  std::fputs(shown->c_str(), stdout);
  return 0;
}

}  // namespace ward::cli::engine
