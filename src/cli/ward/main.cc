// ward: the user-facing front end (SPEC section 4).  A table of verbs, each
// in its own file; everything they do lives in the library.
#include <cstdio>

#include <fmt/format.h>

#include "cli/core/version.h"
#include "cli/ward/commands.h"

namespace ward::cli::engine {

namespace {

int cmd_version(const WardOptions&, const std::vector<std::string>& args) {
  if (!args.empty())
    return kReporter.fail("version", fmt::format("unexpected argument \"{}\"", args.front()), kExitUsage);
  std::printf("ward version %s\n", kVersion);
  return 0;
}

constexpr Verb<WardOptions> kVerbs[] = {
    {"apparmor", "generate AppArmor profiles (ward-default, or from a TOML description)", cmd_apparmor},
    {"lint", "check Dockerfiles: hadolint's rules, ShellCheck, secrets", cmd_lint},
    {"version", "print the version", cmd_version},
};

void print_usage(std::FILE* out) {
  std::string text = "usage: ward COMMAND [ARGS...]\n\nCommands:\n" + verb_list<WardOptions>(kVerbs) +
                     "\nRun 'ward COMMAND --help' for a command's usage.\n";
  std::fputs(text.c_str(), out);
}

}  // namespace

}  // namespace ward::cli::engine

int main(int argc, char** argv) {
  using namespace ward::cli;
  using namespace ward::cli::engine;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_usage(stderr);
    return kExitUsage;
  }
  const std::string& verb = args.front();
  if (verb == "--help" || verb == "-h" || verb == "help") {
    print_usage(stdout);
    return 0;
  }
  WardOptions options;
  if (verb == "--version") return cmd_version(options, {});
  if (verb.starts_with('-')) return kReporter.fail("", fmt::format("unknown flag: {}", verb), kExitUsage);
  const auto* found = find_verb<WardOptions>(kVerbs, verb);
  if (found == nullptr)
    return kReporter.fail("", fmt::format("unknown command \"{}\" (see 'ward --help')", verb), kExitUsage);
  return found->run(options, std::vector<std::string>(args.begin() + 1, args.end()));
}
