// ward image SUBCOMMAND: Docker's management command for images, each
// subcommand the same code as its short verb (ls = images, rm = rmi, ...).
#include <cstdio>

#include <fmt/format.h>

#include "cli/ward/commands.h"

namespace ward::cli::engine {

namespace {

constexpr Verb<WardOptions> kImageVerbs[] = {
    {"history", "show the history of an image", cmd_history},
    {"import", "create an image from a root filesystem tarball", cmd_import},
    {"inspect", "show low-level information on images", cmd_image_inspect},
    {"load", "load images from an archive or standard input", cmd_load},
    {"ls", "list images", cmd_images},
    {"prune", "remove unused images", cmd_image_prune},
    {"rm", "remove images", cmd_rmi},
    {"save", "save images to an archive", cmd_save},
    {"tag", "give an image another name", cmd_tag},
};

void print_usage(std::FILE* out) {
  std::string text = "usage: ward image COMMAND\n\nManage images.\n\nCommands:\n" +
                     verb_list<WardOptions>(kImageVerbs) + "\nRun 'ward image COMMAND --help' for a command's usage.\n";
  std::fputs(text.c_str(), out);
}

}  // namespace

int cmd_image(const WardOptions& options, const std::vector<std::string>& args) {
  if (args.empty()) {
    print_usage(stderr);
    return kExitDockerUsage;
  }
  if (args.front() == "--help" || args.front() == "-h") {
    print_usage(stdout);
    return 0;
  }
  std::string_view name = args.front() == "list" ? "ls" : args.front() == "remove" ? "rm" : args.front();
  const auto* verb = find_verb<WardOptions>(kImageVerbs, name);
  if (verb == nullptr)
    return kReporter.fail("image", fmt::format("unknown command \"{}\" (see 'ward image --help')", args.front()),
                          kExitDockerUsage);
  return verb->run(options, std::vector<std::string>(args.begin() + 1, args.end()));
}

}  // namespace ward::cli::engine
