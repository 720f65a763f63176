// ward pull [--platform P] [-q] NAME[:TAG|@DIGEST] (also `ward image pull`):
// an image from a registry into the store, with Docker's lines:
//   latest: Pulling from library/busybox
//   Digest: sha256:...
//   Status: Downloaded newer image for busybox:latest
//   docker.io/library/busybox:latest
// Per-layer progress is drawn only on a terminal; -q prints the reference
// alone.  A short name is resolved by registries.conf (its alias, else each
// unqualified-search registry in order, docker.io when none); mirrors,
// insecure and blocked registries apply (docs/REGISTRIES.md).
// --tls-verify=false (podman's flag) allows plain HTTP or unverified TLS.
#include <unistd.h>

#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/ward/commands.h"
#include "cli/ward/pull_steps.h"
#include "image/platform.h"
#include "image/reference.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"platform"}, true, "the platform to pull from a multi-platform image (os/arch[/variant])"},
    {{"quiet", "q"}, false, "print only the image's reference"},
    {{"tls-verify"}, false, "verify the registry's TLS certificate (default true; false also allows plain HTTP)"},
    {{"all-tags", "a"}, false, "not supported: pull every tag of a repository"},
    {{"disable-content-trust"}, false, "content trust is not supported; only \"true\" (the default) is accepted"},
    {{"help", "h"}, false, "show help"},
};

}  // namespace

int cmd_pull(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("pull", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(("usage: ward pull [OPTIONS] NAME[:TAG|@DIGEST]\n\nPull an image from a registry.\n\nOptions:\n" +
                flags_help(kFlags))
                   .c_str(),
               stdout);
    return 0;
  }
  if (parsed->flag("all-tags")) return kReporter.fail("pull", "--all-tags: not supported", kExitDockerUsage);
  if (parsed->has("disable-content-trust") && !parsed->flag("disable-content-trust"))
    return kReporter.fail("pull", "--disable-content-trust=false: content trust is not supported", kExitDockerUsage);
  if (parsed->positional.size() != 1)
    return kReporter.fail("pull", "requires exactly 1 argument: NAME[:TAG|@DIGEST]", kExitDockerUsage);
  const std::string& text = parsed->positional.front();
  if (auto reference = image::parse_reference(text); !reference)
    return kReporter.fail("pull", reference.error(), kExitDockerUsage);
  image::Platform platform = image::host_platform();
  if (parsed->has("platform")) {
    auto wanted = image::parse_platform(parsed->value("platform"));
    if (!wanted) return kReporter.fail("pull", wanted.error(), kExitDockerUsage);
    platform = *wanted;
  }
  PullFlags flags{.quiet = parsed->flag("quiet"),
                  .platform = platform,
                  .tls_verify = !parsed->has("tls-verify") || parsed->flag("tls-verify")};
  auto store = open_store(options);
  if (!store) return kReporter.fail("pull", store.error());
  auto pulled = pull_named(*store, text, flags, stdout);
  if (!pulled) return kReporter.fail("pull", pulled.error());
  std::printf("%s\n", pulled->string().c_str());
  return 0;
}

}  // namespace ward::cli::engine
