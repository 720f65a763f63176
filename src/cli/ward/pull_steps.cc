#include "cli/ward/pull_steps.h"

#include <memory>

#include <fmt/format.h>

#include "cli/core/terminal_progress.h"
#include "image/builtin_busybox.h"
#include "image/image_events.h"
#include "image/pull.h"
#include "image/registries_conf.h"

namespace ward::cli::engine {

namespace {

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

Result<image::Reference> pull_named(image::Store& store, const std::string& text, const PullFlags& flags,
                                    std::FILE* out) {
  auto reference = WARD_TRY(image::parse_reference(text));
  if (reference.digest) reference.tag.clear();  // NAME:TAG@DIGEST pulls by digest, as Docker does
  auto registries = WARD_TRY(image::load_registries_conf());
  auto candidates = WARD_TRY(image::short_name_candidates(registries, reference, text));
  if (!flags.quiet && names_no_tag(text))
    std::fprintf(out, "Using default tag: %s\n", std::string(image::kDefaultTag).c_str());
  auto terminal = flags.quiet ? nullptr : make_terminal_progress(out);
  std::unique_ptr<Progress> progress;
  if (terminal) progress = std::make_unique<PullWords>(*terminal);
  image::PullOptions pull{
      .load = {.platform = flags.platform, .rootless = ::geteuid() != 0, .progress = progress.get()},
      .registry = {.tls_verify = flags.tls_verify},
      .registries = &registries,
      .found = {},
  };
  // Each candidate in order (one, unless a short name has several search
  // registries and short-name-mode allows trying them): the first pulled wins.
  Result<image::PullResult> pulled = fail("no candidate");
  std::string failures;
  for (const auto& candidate : candidates) {
    reference = candidate;
    if (!flags.quiet)
      pull.found = [&] {
        std::string wanted = reference.digest ? reference.digest->string() : reference.tag;
        std::fprintf(out, "%s: Pulling from %s\n", wanted.c_str(), reference.path.c_str());
        std::fflush(out);
      };
    pulled = image::pull_image(store, reference, pull);
    if (pulled || candidates.size() == 1) break;
    failures += fmt::format("{}{}: {}", failures.empty() ? "" : "; ", candidate.string(), pulled.error().message);
  }
  if (!pulled && candidates.size() > 1)
    pulled = fail(pulled.error().kind, fmt::format("{}: no search registry has it: {}", text, failures));
  progress.reset();
  terminal.reset();
  if (!pulled) return std::unexpected(pulled.error());
  if (!flags.quiet) {
    std::fprintf(out, "Digest: %s\n", pulled->manifest_digest.string().c_str());
    std::fprintf(out, "Status: %s for %s\n", pulled->downloaded ? "Downloaded newer image" : "Image is up to date",
                 reference.familiar().c_str());
  }
  image::note_image_event(store.database(), "pull", reference.familiar(), image::familiar_name(reference.name()));
  return reference;
}

Result<> ensure_image(image::Store& store, const std::string& text, const std::string& policy, bool quiet) {
  if (policy != "missing" && policy != "always" && policy != "never")
    return fail(ErrorKind::invalid_input,
                fmt::format("--pull {}: invalid pull policy (expected missing, always or never)", policy));
  if (policy == "never") return {};  // the store has it, or create says it does not
  if (policy == "missing") {
    auto found = image::resolve_image(store, text);
    if (found) return {};
    if (!found.error().is(ErrorKind::not_found)) return std::unexpected(found.error());
    if (!quiet) std::fprintf(stderr, "Unable to find image '%s' locally\n", text.c_str());
  }
  // Docker's run writes the pull's lines to stderr: stdout is the container's.
  auto pulled = pull_named(store, text, {.quiet = quiet}, stderr);
  if (!pulled) return std::unexpected(pulled.error().wrap(fmt::format("pull {}", text)));
  return {};
}

}  // namespace ward::cli::engine
