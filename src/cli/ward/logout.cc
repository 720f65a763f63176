// ward logout [SERVER]: removes the stored credentials of a registry
// (docker.io when no SERVER is given) from Docker's config.json and from
// containers' auth.json, as `docker logout` does; "Not logged in to
// SERVER" (exit 0) when neither held any.
#include <cstdio>

#include "cli/core/args.h"
#include "cli/ward/commands.h"
#include "image/registry_auth.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {{{"help", "h"}, false, "show help"}};

}  // namespace

int cmd_logout(const WardOptions&, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("logout", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs("usage: ward logout [SERVER]\n\nLog out from a registry (docker.io when no SERVER is given).\n", stdout);
    return 0;
  }
  if (parsed->positional.size() > 1)
    return kReporter.fail("logout", "requires at most 1 argument: [SERVER]", kExitDockerUsage);
  std::string server = registry_server(parsed->positional.empty() ? "" : parsed->positional.front());
  std::string shown = image::credentials_key(server);
  auto erased = image::erase_credentials(server);
  if (!erased && erased.error().is(ErrorKind::not_found)) {
    std::printf("Not logged in to %s\n", shown.c_str());
    return 0;
  }
  if (!erased) return kReporter.fail("logout", erased.error());
  std::printf("Removing login credentials for %s\n", shown.c_str());
  return 0;
}

}  // namespace ward::cli::engine
