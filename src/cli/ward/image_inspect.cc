// ward image inspect [-f FORMAT] IMAGE...: Docker's JSON array, or one
// rendered template per image.  An image that is not there is reported and the
// others are still shown, with exit status 1, as Docker does.
#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/format_template.h"
#include "cli/ward/commands.h"
#include "cli/ward/image_views.h"
#include "image/builtin_busybox.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"format", "f"}, true, "Go template for each image"},
    {{"help", "h"}, false, "show help"},
};

int inspect_images(std::string_view verb, const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail(verb, parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(fmt::format("usage: ward {} [OPTIONS] IMAGE [IMAGE...]\n\nShow low-level information on images.\n\n"
                           "Options:\n{}",
                           verb, flags_help(kFlags))
                   .c_str(),
               stdout);
    return 0;
  }
  if (parsed->positional.empty()) return kReporter.fail(verb, "requires at least 1 argument", kExitDockerUsage);
  std::optional<Template> format;
  if (parsed->has("format")) {
    auto compiled = Template::parse(unescape_format_flag(parsed->value("format")));
    if (!compiled) return kReporter.fail(verb, compiled.error(), kExitDockerUsage);
    format = std::move(*compiled);
  }
  auto store = open_store(options);
  if (!store) return kReporter.fail(verb, store.error());
  int status = 0;
  auto documents = nlohmann::ordered_json::array();
  for (const auto& name : parsed->positional) {
    auto document = [&]() -> Result<nlohmann::ordered_json> {
      auto record = WARD_TRY(image::resolve_image(*store, name));
      return image_inspect_json(*store, record);
    }();
    if (!document) {
      status = kReporter.fail(verb, document.error().is(ErrorKind::not_found) ? fmt::format("no such image: {}", name)
                                                                              : document.error().what());
      continue;
    }
    if (!format) {
      documents.push_back(std::move(*document));
      continue;
    }
    auto text = format->render(nlohmann::json::parse(document->dump()));
    if (!text) return kReporter.fail(verb, text.error(), kExitDockerUsage);
    std::printf("%s\n", text->c_str());
  }
  if (!format) std::printf("%s\n", documents.dump(4).c_str());
  return status;
}

}  // namespace

int cmd_image_inspect(const WardOptions& options, const std::vector<std::string>& args) {
  return inspect_images("image inspect", options, args);
}

}  // namespace ward::cli::engine
