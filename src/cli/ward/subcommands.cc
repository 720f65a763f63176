// Management commands (`ward image ...`, `ward system ...`): one table of
// subcommands each, one way to print their usage and pick one.
#include <cstdio>

#include <fmt/format.h>

#include "cli/ward/commands.h"

namespace ward::cli::engine {

int run_subcommand(const SubcommandGroup& group, const WardOptions& options, const std::vector<std::string>& args) {
  auto usage = [&](std::FILE* out) {
    std::string text = fmt::format(
        "usage: ward {} COMMAND\n\n{}\n\nCommands:\n{}\nRun 'ward {} COMMAND --help' for a "
        "command's usage.\n",
        group.name, group.summary, verb_list<WardOptions>(group.verbs), group.name);
    std::fputs(text.c_str(), out);
  };
  if (args.empty()) {
    usage(stderr);
    return kExitDockerUsage;
  }
  if (args.front() == "--help" || args.front() == "-h") {
    usage(stdout);
    return 0;
  }
  std::string_view name = args.front();
  for (const auto& [alias, target] : group.aliases)
    if (name == alias) name = target;
  const auto* verb = find_verb<WardOptions>(group.verbs, name);
  if (verb == nullptr)
    return kReporter.fail(group.name,
                          fmt::format("unknown command \"{}\" (see 'ward {} --help')", args.front(), group.name),
                          kExitDockerUsage);
  return verb->run(options, std::vector<std::string>(args.begin() + 1, args.end()));
}

}  // namespace ward::cli::engine
