// ward rmi [-f] IMAGE... (also `ward image rm`): Docker's rules.  A tag
// that is one of several names of an image only removes that name; an
// image named by ID that has several repository names needs -f; otherwise
// the image goes with all its names.  Prints Untagged:/Deleted: lines.
#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/ward/commands.h"
#include "image/image_events.h"
#include "image/reference.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"force", "f"}, false, "remove the image even when it has several names"},
    {{"help", "h"}, false, "show help"},
};

// Does `text` name the image by one of its names (not by ID)?
std::optional<std::string> matching_name(const image::ImageRecord& record, std::string_view text) {
  auto parsed = image::parse_reference(text);
  if (!parsed) return std::nullopt;
  std::string wanted = parsed->string();
  for (const auto& name : record.repo_tags)
    if (name == wanted) return name;
  for (const auto& name : record.repo_digests)
    if (name == wanted) return name;
  return std::nullopt;
}

Result<> remove_one(image::Store& store, std::string_view text, bool force) {
  auto record = WARD_TRY(store.resolve(text));
  auto name = matching_name(record, text);
  if (name && record.repo_tags.size() > 1) {
    WARD_TRY(store.untag(*name));
    image::note_image_event(store.database(), "untag", record.id.string(), record.id.string());
    std::printf("Untagged: %s\n", image::familiar_name(*name).c_str());
    return {};
  }
  if (!name && record.repo_tags.size() > 1 && !force)
    return fail(ErrorKind::in_use,
                fmt::format("conflict: unable to delete {} (must be forced) - image is referenced in multiple "
                            "repositories",
                            record.id.hex().substr(0, 12)));
  WARD_TRY(store.remove_image(record.id));
  for (const auto& tag : record.repo_tags) std::printf("Untagged: %s\n", image::familiar_name(tag).c_str());
  for (const auto& digest : record.repo_digests) std::printf("Untagged: %s\n", image::familiar_name(digest).c_str());
  std::printf("Deleted: %s\n", record.id.string().c_str());
  for (std::size_t i = 0; i < record.repo_tags.size() + record.repo_digests.size(); ++i)
    image::note_image_event(store.database(), "untag", record.id.string(), record.id.string());
  image::note_image_event(store.database(), "delete", record.id.string(), record.id.string());
  return {};
}

}  // namespace

int cmd_rmi(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("rmi", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(
        ("usage: ward rmi [OPTIONS] IMAGE [IMAGE...]\n\nRemove images.\n\nOptions:\n" + flags_help(kFlags)).c_str(),
        stdout);
    return 0;
  }
  if (parsed->positional.empty()) return kReporter.fail("rmi", "requires at least 1 argument", kExitDockerUsage);
  auto store = open_store(options);
  if (!store) return kReporter.fail("rmi", store.error());
  int status = 0;
  for (const auto& text : parsed->positional) {
    auto removed = remove_one(*store, text, parsed->flag("force"));
    if (!removed) status = kReporter.fail("rmi", removed.error());
  }
  return status;
}

}  // namespace ward::cli::engine
