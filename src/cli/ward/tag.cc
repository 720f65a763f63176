// ward tag SOURCE TARGET (also `ward image tag`): another name for an
// image; the name moves from any image that had it, as in Docker.
#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/ward/commands.h"
#include "image/image_events.h"
#include "image/builtin_busybox.h"
#include "image/reference.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {{{"help", "h"}, false, "show help"}};

}  // namespace

int cmd_tag(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("tag", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs("usage: ward tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nGive an image another name.\n", stdout);
    return 0;
  }
  if (parsed->positional.size() != 2)
    return kReporter.fail("tag", "requires exactly 2 arguments: SOURCE_IMAGE TARGET_IMAGE", kExitDockerUsage);
  const std::string& target = parsed->positional[1];
  auto reference = image::parse_reference(target);
  if (!reference) return kReporter.fail("tag", reference.error(), kExitDockerUsage);
  if (reference->digest)
    return kReporter.fail("tag", fmt::format("refusing to create a tag with a digest reference: \"{}\"", target),
                          kExitDockerUsage);
  auto store = open_store(options);
  if (!store) return kReporter.fail("tag", store.error());
  auto source = image::resolve_image(*store, parsed->positional[0]);
  if (!source) return kReporter.fail("tag", source.error());
  auto tagged = store->tag(source->id, reference->string());
  if (!tagged) return kReporter.fail("tag", tagged.error());
  image::note_image_event(store->database(), "tag", source->id.string(), reference->familiar());
  return 0;
}

}  // namespace ward::cli::engine
