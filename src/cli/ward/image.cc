// ward image SUBCOMMAND: Docker's management command for images, each
// subcommand the same code as its short verb (ls = images, rm = rmi, ...).
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
    {"pull", "pull an image from a registry", cmd_pull},
    {"push", "push an image to a registry", cmd_push},
    {"rm", "remove images", cmd_rmi},
    {"save", "save images to an archive", cmd_save},
    {"tag", "give an image another name", cmd_tag},
};

constexpr std::pair<std::string_view, std::string_view> kAliases[] = {{"list", "ls"}, {"remove", "rm"}};

}  // namespace

int cmd_image(const WardOptions& options, const std::vector<std::string>& args) {
  return run_subcommand({"image", "Manage images.", kImageVerbs, kAliases}, options, args);
}

}  // namespace ward::cli::engine
