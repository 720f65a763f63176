// ward import [OPTIONS] FILE|- [REPOSITORY[:TAG]] (also `ward image
// import`): an image of one layer from a root filesystem tarball, as
// `docker import` makes it.  Prints the new image's ID.  URLs are not
// fetched (ward has no registry or HTTP client for them yet).
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/terminal_progress.h"
#include "cli/ward/commands.h"
#include "image/image_events.h"
#include "image/import.h"
#include "image/platform.h"
#include "util/fd.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"change", "c"}, true, "apply a Dockerfile instruction to the image (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ...)"},
    {{"message", "m"}, true, "the history comment of the imported layer"},
    {{"platform"}, true, "the image's platform, OS/ARCH[/VARIANT] (default: this host's)"},
    {{"help", "h"}, false, "show help"},
};

}  // namespace

int cmd_import(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("import", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(("usage: ward import [OPTIONS] FILE|- [REPOSITORY[:TAG]]\n\nImport the contents from a tarball to "
                "create a filesystem image.\n\nOptions:\n" +
                flags_help(kFlags))
                   .c_str(),
               stdout);
    return 0;
  }
  if (parsed->positional.empty() || parsed->positional.size() > 2)
    return kReporter.fail("import", "requires 1 or 2 arguments: FILE|- [REPOSITORY[:TAG]]", kExitDockerUsage);
  const std::string& source = parsed->positional[0];
  if (source.starts_with("http://") || source.starts_with("https://"))
    return kReporter.fail("import", fmt::format("{}: importing from a URL is not supported yet", source),
                          kExitDockerUsage);
  image::ImportOptions import;
  import.changes = parsed->all("change");
  if (import.changes.empty() && parsed->has("change")) import.changes.push_back(parsed->value("change"));
  import.message = parsed->value("message");
  if (parsed->positional.size() == 2) import.reference = parsed->positional[1];
  import.load.rootless = ::geteuid() != 0;
  import.load.platform = image::host_platform();
  if (parsed->has("platform")) {
    auto platform = image::parse_platform(parsed->value("platform"));
    if (!platform)
      return kReporter.fail("import", fmt::format("--platform: {}", platform.error().what()), kExitDockerUsage);
    import.load.platform = *platform;
  }
  UniqueFd file;
  int fd = STDIN_FILENO;
  if (source != "-") {
    file = UniqueFd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    if (!file) return kReporter.fail("import", fail_errno(errno, source).error(), kExitDockerUsage);
    fd = file.get();
  } else if (::isatty(STDIN_FILENO) == 1) {
    return kReporter.fail("import", "-: standard input is a terminal, not a tarball", kExitDockerUsage);
  }
  auto store = open_store(options);
  if (!store) return kReporter.fail("import", store.error(), kExitDockerUsage);
  auto progress = make_terminal_progress(stderr);
  import.load.progress = progress.get();
  auto imported = image::import_rootfs(*store, fd, source, import);
  if (!imported) return kReporter.fail("import", imported.error(), kExitDockerUsage);
  std::printf("%s\n", imported->id.string().c_str());
  image::note_image_event(store->database(), "import", imported->id.string(), imported->id.string());
  return 0;
}

}  // namespace ward::cli::engine
