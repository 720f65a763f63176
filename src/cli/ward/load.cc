// ward load [-i FILE] [-q]: images from an OCI layout directory, an OCI
// archive or a docker save archive (told apart by content), or from stdin.
// Prints Docker's "Loaded image: NAME" / "Loaded image ID: ID" lines.
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/terminal_progress.h"
#include "cli/ward/commands.h"
#include "image/image_events.h"
#include "image/load.h"
#include "image/platform.h"
#include "image/reference.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"input", "i"}, true, "read from this archive or OCI layout directory instead of standard input"},
    {{"quiet", "q"}, false, "no progress output"},
    {{"help", "h"}, false, "show help"},
};

}  // namespace

int cmd_load(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("load", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(("usage: ward load [OPTIONS]\n\nLoad images from an archive or standard input.\n\nOptions:\n" +
                flags_help(kFlags))
                   .c_str(),
               stdout);
    return 0;
  }
  if (!parsed->positional.empty())
    return kReporter.fail("load", fmt::format("unexpected argument \"{}\"", parsed->positional.front()),
                          kExitDockerUsage);
  std::string input = parsed->value("input", "-");
  if (input == "-" && ::isatty(STDIN_FILENO) == 1)
    return kReporter.fail("load", "requested load from stdin, but stdin is empty (use -i FILE)", kExitDockerUsage);
  auto store = open_store(options);
  if (!store) return kReporter.fail("load", store.error(), kExitDockerUsage);
  auto progress = parsed->flag("quiet") ? nullptr : make_terminal_progress(stdout);
  image::LoadOptions load{.platform = image::host_platform(), .rootless = ::geteuid() != 0, .progress = progress.get()};
  auto loaded = image::load_images(*store, input, load);
  if (!loaded) return kReporter.fail("load", loaded.error(), kExitDockerUsage);
  for (const auto& image : *loaded) {
    if (image.tags.empty()) std::printf("Loaded image ID: %s\n", image.id.string().c_str());
    for (const auto& tag : image.tags) std::printf("Loaded image: %s\n", image::familiar_name(tag).c_str());
    for (const auto& tag : image.tags)
      image::note_image_event(store->database(), "load", image::familiar_name(tag), image::familiar_name(tag));
    if (image.tags.empty()) image::note_image_event(store->database(), "load", image.id.string(), image.id.string());
  }
  return 0;
}

}  // namespace ward::cli::engine
