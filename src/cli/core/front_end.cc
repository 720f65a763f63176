#include "cli/core/front_end.h"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "util/log.h"

namespace ward::cli {

int Reporter::fail(std::string_view verb, std::string_view message, int status) const {
  std::string line = verb.empty() ? std::string(message) : fmt::format("{}: {}", verb, message);
  log::error(line);
  std::string shown = fmt::format("{}: {}\n", program_, line);
  std::fputs(shown.c_str(), stderr);
  return status;
}

std::optional<ParsedArgs> parse_verb(const VerbUsage& how, const std::vector<std::string>& args,
                                     const std::vector<FlagSpec>& specs, size_t min_positional, size_t max_positional) {
  std::vector<FlagSpec> with_help = specs;
  with_help.push_back({{"help", "h"}, false, "show help"});
  auto parsed = how.docker_style ? parse_docker_args(args, with_help, true) : parse_args(args, with_help, true);
  if (!parsed) {
    how.reporter.fail(how.verb, parsed.error(), how.usage_status);
    return std::nullopt;
  }
  if (parsed->flag("help")) {
    std::string help =
        fmt::format("usage: {} {} {}\n\nOptions:\n{}", how.reporter.program(), how.verb, how.usage, flags_help(specs));
    std::fputs(help.c_str(), stdout);
    std::exit(0);
  }
  if (parsed->positional.size() < min_positional || parsed->positional.size() > max_positional) {
    how.reporter.fail(
        how.verb,
        fmt::format("wrong number of arguments; usage: {} {} {}", how.reporter.program(), how.verb, how.usage),
        how.usage_status);
    return std::nullopt;
  }
  return std::move(*parsed);
}

}  // namespace ward::cli
