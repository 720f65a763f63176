// ward save [-o FILE] [--format docker-archive|oci-archive] IMAGE...:
// Docker's default format, to a file (written under a temp name and
// renamed, so a failed save leaves no partial archive) or to stdout when
// it is not a terminal.  An image named by a tag is saved under that tag;
// one named by ID carries no name, as in Docker.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/terminal_progress.h"
#include "cli/ward/commands.h"
#include "image/image_events.h"
#include "image/builtin_busybox.h"
#include "image/reference.h"
#include "image/save.h"
#include "util/fd.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"output", "o"}, true, "write to this file instead of standard output"},
    {{"format"}, true, "docker-archive (default) or oci-archive"},
    {{"help", "h"}, false, "show help"},
};

// The tag `text` names, when it names the image by one of its tags.
std::vector<std::string> tags_named(const image::ImageRecord& record, const std::string& text) {
  auto reference = image::parse_reference(text);
  if (!reference || reference->tag.empty()) return {};
  for (const auto& tag : record.repo_tags)
    if (tag == reference->string()) return {tag};
  return {};
}

Result<std::vector<image::SaveItem>> items_of(image::Store& store, const std::vector<std::string>& names) {
  std::vector<image::SaveItem> items;
  for (const auto& name : names) {
    auto record = WARD_TRY(image::resolve_image(store, name));
    auto tags = tags_named(record, name);
    bool merged = false;
    for (auto& item : items)
      if (item.image.id == record.id) {
        item.tags.insert(item.tags.end(), tags.begin(), tags.end());
        merged = true;
      }
    if (!merged) items.push_back(image::SaveItem{std::move(record), std::move(tags)});
  }
  return items;
}

Result<> save_to_file(image::Store& store, const std::vector<image::SaveItem>& items, image::ArchiveFormat format,
                      const std::string& path) {
  std::string temp = fmt::format("{}.ward-save-{}", path, ::getpid());
  UniqueFd file(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!file) return fail_errno(errno, fmt::format("create {}", temp));
  auto progress = make_terminal_progress(stdout);
  auto saved = image::save_images(store, items, format, file.get(), path, progress.get());
  if (saved && ::fsync(file.get()) != 0) saved = fail_errno(errno, fmt::format("write {}", path));
  file.reset();
  if (saved && ::rename(temp.c_str(), path.c_str()) != 0) saved = fail_errno(errno, fmt::format("rename to {}", path));
  if (!saved) ::unlink(temp.c_str());
  return saved;
}

}  // namespace

int cmd_save(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("save", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(("usage: ward save [OPTIONS] IMAGE [IMAGE...]\n\nSave images to an archive (standard output by "
                "default).\n\nOptions:\n" +
                flags_help(kFlags))
                   .c_str(),
               stdout);
    return 0;
  }
  if (parsed->positional.empty()) return kReporter.fail("save", "requires at least 1 argument", kExitDockerUsage);
  auto format = image::parse_archive_format(parsed->value("format", "docker-archive"));
  if (!format)
    return kReporter.fail(
        "save", fmt::format("--format \"{}\": must be docker-archive or oci-archive", parsed->value("format")),
        kExitDockerUsage);
  std::string output = parsed->value("output");
  if (output.empty() && ::isatty(STDOUT_FILENO) == 1)
    return kReporter.fail("save", "cowardly refusing to save to a terminal. Use the -o flag or redirect",
                          kExitDockerUsage);
  auto store = open_store(options);
  if (!store) return kReporter.fail("save", store.error());
  auto items = items_of(*store, parsed->positional);
  if (!items) return kReporter.fail("save", items.error());
  auto saved = output.empty() ? image::save_images(*store, *items, *format, STDOUT_FILENO, "stdout", nullptr)
                              : save_to_file(*store, *items, *format, output);
  if (!saved) return kReporter.fail("save", saved.error());
  for (const auto& name : parsed->positional) image::note_image_event(store->database(), "save", name, name);
  return 0;
}

}  // namespace ward::cli::engine
