// for_each_container (commands.h): the loop every container verb shares.
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "cli/ward/commands.h"

namespace ward::cli::engine {

std::optional<ParsedArgs> parse_container_verb(std::string_view verb, std::string_view usage, std::string_view summary,
                                               const std::vector<std::string>& args, const std::vector<FlagSpec>& flags,
                                               std::size_t min_names) {
  std::vector<FlagSpec> with_help = flags;
  with_help.push_back({{"help"}, false, "show help"});
  auto parsed = parse_docker_args(args, with_help, false);
  if (!parsed) {
    kReporter.fail(verb, parsed.error(), kExitDockerUsage);
    return std::nullopt;
  }
  if (parsed->flag("help")) {
    std::string help = fmt::format("usage: ward {} {}\n\n{}\n", verb, usage, summary);
    if (!flags.empty()) help += "\nOptions:\n" + flags_help(flags);
    std::fputs(help.c_str(), stdout);
    std::exit(0);
  }
  if (parsed->positional.size() < min_names) {
    kReporter.fail(verb,
                   fmt::format("requires at least {} argument{}; usage: ward {} {}", min_names,
                               min_names == 1 ? "" : "s", verb, usage),
                   kExitDockerUsage);
    return std::nullopt;
  }
  return std::move(*parsed);
}

int for_each_container(std::string_view verb, ward::engine::Engine& engine, const std::vector<std::string>& names,
                       bool echo, const std::function<Result<>(const ward::engine::ContainerRecord&)>& action) {
  int status = 0;
  for (const auto& name : names) {
    auto done = [&]() -> Result<> { return action(WARD_TRY(engine.find(name))); }();
    if (!done) {
      status = kReporter.fail(verb, done.error());
      continue;
    }
    if (echo) std::printf("%s\n", name.c_str());
  }
  std::fflush(stdout);
  return status;
}

}  // namespace ward::cli::engine
