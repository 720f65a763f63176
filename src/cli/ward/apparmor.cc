// ward apparmor generate PROFILE.toml [-o FILE] | ward apparmor default
#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/ward/commands.h"
#include "security/apparmor.h"
#include "util/sys.h"

namespace ward::cli::engine {

namespace {

constexpr const char* kUsage =
    "usage: ward apparmor generate PROFILE.toml [-o FILE]\n"
    "       ward apparmor default [-o FILE]\n\n"
    "generate  print the AppArmor profile a TOML description asks for\n"
    "default   print ward-default, the profile ward gives containers\n\n"
    "Options:\n";

const std::vector<FlagSpec> kFlags = {
    {{"output", "o"}, true, "write the profile to FILE instead of standard output"},
    {{"help", "h"}, false, "show help"},
};

int emit(const std::string& text, const std::string& output) {
  if (output.empty()) {
    std::fputs(text.c_str(), stdout);
    return std::fflush(stdout) == 0 ? 0 : kReporter.fail("apparmor", "write standard output");
  }
  if (auto r = sys::write_file_atomic(output, text, 0644); !r) return kReporter.fail("apparmor", r.error());
  return 0;
}

}  // namespace

int cmd_apparmor(const WardOptions&, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("apparmor", parsed.error(), kExitUsage);
  if (parsed->flag("help")) {
    std::fputs((kUsage + flags_help(kFlags)).c_str(), stdout);
    return 0;
  }
  const auto& positional = parsed->positional;
  if (positional.empty()) return kReporter.fail("apparmor", "missing subcommand (generate or default)", kExitUsage);
  const std::string& sub = positional[0];
  std::string output = parsed->value("output");
  if (sub == "default") {
    if (positional.size() != 1) return kReporter.fail("apparmor default", "takes no arguments", kExitUsage);
    return emit(security::default_apparmor_profile(), output);
  }
  if (sub == "generate") {
    if (positional.size() != 2) return kReporter.fail("apparmor generate", "expected one PROFILE.toml", kExitUsage);
    const std::string& file = positional[1];
    auto model = security::load_apparmor_toml(file);
    if (!model) return kReporter.fail("apparmor generate", model.error());
    auto text = security::generate_apparmor_profile(*model);
    if (!text) return kReporter.fail("apparmor generate", fmt::format("{}: {}", file, text.error().what()));
    return emit(*text, output);
  }
  return kReporter.fail("apparmor", fmt::format("unknown subcommand \"{}\" (generate or default)", sub), kExitUsage);
}

}  // namespace ward::cli::engine
