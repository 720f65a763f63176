// ward cp [-a] [-L] CONTAINER:SRC DEST|-  and  ward cp [-a] [-L] SRC|- CONTAINER:DEST
// (also `ward container cp`): Docker's `docker cp`, for running and
// stopped containers.  "-" is a tar stream on stdout or stdin.
#include <unistd.h>

#include <fmt/format.h>

#include "cli/ward/commands.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"archive", "a"}, false, "archive mode: keep the uid and gid of what is copied"},
    {{"follow-link", "L"}, false, "always follow a symlink at SRC"},
};

struct CopyEnd {
  std::string container;  // "" on the host
  std::string path;
};

// Docker's split: CONTAINER:PATH, unless the text is a local path (starts
// with "/" or ".", or has a "/" before its first ":").
CopyEnd split_end(const std::string& text) {
  if (text.starts_with('/') || text.starts_with('.')) return {"", text};
  auto colon = text.find(':');
  if (colon == std::string::npos || text.substr(0, colon).find('/') != std::string::npos) return {"", text};
  return {text.substr(0, colon), text.substr(colon + 1)};
}

}  // namespace

int cmd_cp(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_container_verb(
      "cp", "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-  or  ward cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
      "Copy files/folders between a container and the local filesystem.\n\nUse '-' as the source to read a tar "
      "archive from stdin and extract it to a directory destination in a container.\nUse '-' as the destination to "
      "stream a tar archive of a container source to stdout.",
      args, kFlags, 2);
  if (!parsed) return kExitDockerUsage;
  if (parsed->positional.size() != 2)
    return kReporter.fail("cp", "requires exactly 2 arguments: SRC_PATH DEST_PATH", kExitDockerUsage);
  CopyEnd from = split_end(parsed->positional[0]);
  CopyEnd to = split_end(parsed->positional[1]);
  if (from.container.empty() && to.container.empty())
    return kReporter.fail("cp", "must specify at least one container source", kExitDockerUsage);
  if (!from.container.empty() && !to.container.empty())
    return kReporter.fail("cp", "copying between containers is not supported", kExitDockerUsage);
  if ((!from.container.empty() && from.path.empty()) || (!to.container.empty() && to.path.empty()))
    return kReporter.fail("cp", "a container path must not be empty", kExitDockerUsage);
  ward::engine::CopyOptions copy{.archive = parsed->flag("archive"), .follow_link = parsed->flag("follow-link")};
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("cp", engine.error());
  auto copied = [&]() -> Result<> {
    if (!from.container.empty()) {
      auto container = WARD_TRY(engine->find(from.container));
      return engine->copy_from(container, from.path, to.path, STDOUT_FILENO, copy);
    }
    auto container = WARD_TRY(engine->find(to.container));
    return engine->copy_to(container, from.path, STDIN_FILENO, to.path, copy);
  }();
  if (!copied) return kReporter.fail("cp", copied.error());
  return 0;
}

}  // namespace ward::cli::engine
