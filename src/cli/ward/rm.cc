// ward rm [-f] [-v] CONTAINER... (also `ward container rm`): removes each
// container; one that runs only with -f, which kills it; -v removes its
// anonymous volumes too.  Each one that
// cannot be removed is reported and the others still go; exit status 1
// then, as Docker.
#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/ward/commands.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"force", "f"}, false, "kill a running container first"},
    {{"volumes", "v"}, false, "remove the container's anonymous volumes (named ones stay)"},
    {{"link", "l"}, false, "remove a link (not supported)"},
    {{"help"}, false, "show help"},
};

}  // namespace

int cmd_rm(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("rm", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(
        ("usage: ward rm [OPTIONS] CONTAINER [CONTAINER...]\n\nRemove containers.\n\nOptions:\n" + flags_help(kFlags))
            .c_str(),
        stdout);
    return 0;
  }
  if (parsed->flag("link")) return kReporter.fail("rm", "--link: not supported (ward has no links)", kExitDockerUsage);
  if (parsed->positional.empty()) return kReporter.fail("rm", "requires at least 1 argument", kExitDockerUsage);
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("rm", engine.error());
  bool force = parsed->flag("force");
  bool volumes = parsed->flag("volumes");
  return for_each_container("rm", *engine, parsed->positional, true, [&](const ward::engine::ContainerRecord& record) {
    return engine->remove(record, force, volumes);
  });
}

}  // namespace ward::cli::engine
