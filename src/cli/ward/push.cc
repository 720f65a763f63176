// ward push [-q] NAME[:TAG] (also `ward image push`): an image of the store
// to a registry, with Docker's lines:
//   The push refers to repository [127.0.0.1:5000/bb]
//   latest: digest: sha256:... size: 528
// Each layer's outcome ("Pushed", "Layer already exists", "Mounted from
// bb") is drawn only on a terminal; -q prints the reference alone.
// NAME without a tag pushes NAME:latest (Docker 20.10); --all-tags is not
// supported.  registries.conf's blocked and insecure apply (a push is never
// redirected to a location or mirror, as in containers/image);
// --tls-verify=false allows plain HTTP or unverified TLS.
#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/terminal_progress.h"
#include "cli/ward/commands.h"
#include "image/image_events.h"
#include "image/builtin_busybox.h"
#include "image/push.h"
#include "image/reference.h"
#include "image/registries_conf.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"quiet", "q"}, false, "print only the image's reference"},
    {{"tls-verify"}, false, "verify the registry's TLS certificate (default true; false also allows plain HTTP)"},
    {{"all-tags", "a"}, false, "not supported: push every tag of a repository"},
    {{"disable-content-trust"}, false, "content trust is not supported; only \"true\" (the default) is accepted"},
    {{"help", "h"}, false, "show help"},
};

}  // namespace

int cmd_push(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("push", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(
        ("usage: ward push [OPTIONS] NAME[:TAG]\n\nPush an image to a registry.\n\nOptions:\n" + flags_help(kFlags))
            .c_str(),
        stdout);
    return 0;
  }
  if (parsed->flag("all-tags")) return kReporter.fail("push", "--all-tags: not supported", kExitDockerUsage);
  if (parsed->has("disable-content-trust") && !parsed->flag("disable-content-trust"))
    return kReporter.fail("push", "--disable-content-trust=false: content trust is not supported", kExitDockerUsage);
  if (parsed->positional.size() != 1)
    return kReporter.fail("push", "requires exactly 1 argument: NAME[:TAG]", kExitDockerUsage);
  const std::string& text = parsed->positional.front();
  auto reference = image::parse_reference(text);
  if (!reference) return kReporter.fail("push", reference.error(), kExitDockerUsage);
  if (reference->digest)
    return kReporter.fail("push", fmt::format("\"{}\": push by digest is not supported; name a tag", text),
                          kExitDockerUsage);
  bool quiet = parsed->flag("quiet");
  auto registries = image::load_registries_conf();
  if (!registries) return kReporter.fail("push", registries.error());
  auto endpoint = image::push_endpoint(*registries, *reference);
  if (!endpoint) return kReporter.fail("push", endpoint.error());
  auto store = open_store(options);
  if (!store) return kReporter.fail("push", store.error());
  auto image = image::resolve_image(*store, reference->string());
  if (!image) return kReporter.fail("push", image.error());

  if (!quiet) {
    std::printf("The push refers to repository [%s]\n", reference->name().c_str());
    std::fflush(stdout);
  }
  auto progress = quiet ? nullptr : make_terminal_progress(stdout);
  bool tls_verify = (!parsed->has("tls-verify") || parsed->flag("tls-verify")) && !endpoint->insecure;
  image::PushOptions push{.registry = {.tls_verify = tls_verify}, .progress = progress.get(), .report = {}};
  if (progress)
    push.report = [&](std::string_view id, std::string_view status) {
      if (status != "Pushed") progress->end(id, status);  // a pushed layer's line ended with its upload
    };
  auto pushed = image::push_image(*store, *image, *reference, push);
  progress.reset();
  if (!pushed) return kReporter.fail("push", pushed.error());
  image::note_image_event(store->database(), "push", reference->familiar(), image::familiar_name(reference->name()));
  if (quiet)
    std::printf("%s\n", reference->string().c_str());
  else
    std::printf("%s: digest: %s size: %llu\n", pushed->tag.c_str(), pushed->manifest_digest.string().c_str(),
                static_cast<unsigned long long>(pushed->manifest_size));
  return 0;
}

}  // namespace ward::cli::engine
