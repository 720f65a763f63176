// ward: the user-facing front end (SPEC section 4).  A table of verbs, each
// in its own file; everything they do lives in libward.
#include <cstdio>
#include <map>

#include <fmt/format.h>

#include "cli/ward/commands.h"

namespace ward::cli::engine {

namespace {

constexpr const char* kVersion = "0.1.0";

using Verb = int (*)(const std::vector<std::string>&);

struct VerbEntry {
  Verb run;
  const char* help;
};

int cmd_version(const std::vector<std::string>& args) {
  if (!args.empty()) return report(fmt::format("version: unexpected argument \"{}\"", args.front()), kExitUsage);
  std::printf("ward version %s\n", kVersion);
  return 0;
}

const std::map<std::string, VerbEntry>& verbs() {
  static const std::map<std::string, VerbEntry> table = {
      {"apparmor", {cmd_apparmor, "generate AppArmor profiles (ward-default, or from a TOML description)"}},
      {"version", {cmd_version, "print the version"}},
  };
  return table;
}

void print_usage(std::FILE* out) {
  std::string text = "usage: ward COMMAND [ARGS...]\n\nCommands:\n";
  for (const auto& [name, verb] : verbs()) text += fmt::format("  {:<10} {}\n", name, verb.help);
  text += "\nRun 'ward COMMAND --help' for a command's usage.\n";
  std::fputs(text.c_str(), out);
}

}  // namespace

int report(const std::string& message, int status) {
  std::string line = "ward: " + message + "\n";
  std::fputs(line.c_str(), stderr);
  return status;
}

}  // namespace ward::cli::engine

int main(int argc, char** argv) {
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
  if (verb == "--version") return verbs().at("version").run({});
  if (verb.starts_with('-')) return report(fmt::format("unknown flag \"{}\"", verb), kExitUsage);
  auto it = verbs().find(verb);
  if (it == verbs().end()) return report(fmt::format("unknown command \"{}\" (see 'ward --help')", verb), kExitUsage);
  return it->second.run(std::vector<std::string>(args.begin() + 1, args.end()));
}
