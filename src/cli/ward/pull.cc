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
#include "cli/core/terminal_progress.h"
#include "cli/ward/commands.h"
#include "image/image_events.h"
#include "image/platform.h"
#include "image/pull.h"
#include "image/reference.h"
#include "image/registries_conf.h"

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

// The store's progress words in Docker's pull words: a layer is
// "Extracting", then "Pull complete".
class PullWords final : public Progress {
 public:
  explicit PullWords(Progress& out) : out_(out) {}
  void begin(std::string_view id, std::string_view action, std::uint64_t total) override {
    out_.begin(id, action == "Unpacking layer" ? "Extracting" : action, total);
  }
  void advance(std::string_view id, std::uint64_t done) override { out_.advance(id, done); }
  void end(std::string_view id, std::string_view status) override {
    out_.end(id, status == "Loaded" ? "Pull complete" : status);
  }

 private:
  Progress& out_;
};

// Whether the text named neither tag nor digest ("busybox", "host:5000/x").
bool names_no_tag(std::string_view text) {
  if (text.find('@') != std::string_view::npos) return false;
  auto slash = text.rfind('/');
  std::string_view last = slash == std::string_view::npos ? text : text.substr(slash + 1);
  return last.find(':') == std::string_view::npos;
}

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
  auto reference = image::parse_reference(text);
  if (!reference) return kReporter.fail("pull", reference.error(), kExitDockerUsage);
  if (reference->digest) reference->tag.clear();  // NAME:TAG@DIGEST pulls by digest, as Docker does
  image::Platform platform = image::host_platform();
  if (parsed->has("platform")) {
    auto wanted = image::parse_platform(parsed->value("platform"));
    if (!wanted) return kReporter.fail("pull", wanted.error(), kExitDockerUsage);
    platform = *wanted;
  }
  bool quiet = parsed->flag("quiet");
  auto store = open_store(options);
  if (!store) return kReporter.fail("pull", store.error());

  auto registries = image::load_registries_conf();
  if (!registries) return kReporter.fail("pull", registries.error());
  auto candidates = image::short_name_candidates(*registries, *reference, text);
  if (!candidates) return kReporter.fail("pull", candidates.error());

  if (!quiet && names_no_tag(text)) std::printf("Using default tag: %s\n", std::string(image::kDefaultTag).c_str());
  auto terminal = quiet ? nullptr : make_terminal_progress(stdout);
  std::unique_ptr<Progress> progress;
  if (terminal) progress = std::make_unique<PullWords>(*terminal);
  image::PullOptions pull{
      .load = {.platform = platform, .rootless = ::geteuid() != 0, .progress = progress.get()},
      .registry = {.tls_verify = !parsed->has("tls-verify") || parsed->flag("tls-verify")},
      .registries = &*registries,
      .found = {},
  };
  // Each candidate in order (one, unless a short name has several search
  // registries and short-name-mode allows trying them): the first pulled wins.
  Result<image::PullResult> pulled = fail("no candidate");
  std::string failures;
  for (const auto& candidate : *candidates) {
    reference = candidate;
    if (!quiet)
      pull.found = [&] {
        std::string wanted = reference->digest ? reference->digest->string() : reference->tag;
        std::printf("%s: Pulling from %s\n", wanted.c_str(), reference->path.c_str());
        std::fflush(stdout);
      };
    pulled = image::pull_image(*store, *reference, pull);
    if (pulled || candidates->size() == 1) break;
    failures += fmt::format("{}{}: {}", failures.empty() ? "" : "; ", candidate.string(), pulled.error().message);
  }
  if (!pulled && candidates->size() > 1)
    pulled = fail(pulled.error().kind, fmt::format("{}: no search registry has it: {}", text, failures));
  progress.reset();
  terminal.reset();
  if (!pulled) return kReporter.fail("pull", pulled.error());
  if (!quiet) {
    std::printf("Digest: %s\n", pulled->manifest_digest.string().c_str());
    std::printf("Status: %s for %s\n", pulled->downloaded ? "Downloaded newer image" : "Image is up to date",
                reference->familiar().c_str());
  }
  std::printf("%s\n", reference->string().c_str());
  image::note_image_event(store->database(), "pull", reference->familiar(), image::familiar_name(reference->name()));
  return 0;
}

}  // namespace ward::cli::engine
