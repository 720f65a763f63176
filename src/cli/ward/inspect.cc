// ward inspect [-f FORMAT] [--type container|image|volume] NAME...: Docker's
// JSON array of containers, images and volumes (in that order when a name
// could be several, as Docker), or one rendered template per object.  A name that is
// neither is reported and the others are still shown, exit status 1.
#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/format_template.h"
#include "cli/ward/commands.h"
#include "cli/ward/container_views.h"
#include "cli/ward/image_views.h"
#include "engine/volumes.h"
#include "image/builtin_busybox.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"format", "f"}, true, "Go template for each object"},
    {{"size", "s"}, false, "show a container's sizes (SizeRw, SizeRootFs)"},
    {{"type"}, true, "only this kind of object: container, image or volume"},
    {{"help"}, false, "show help"},
};

}  // namespace

int cmd_inspect(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("inspect", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(("usage: ward inspect [OPTIONS] NAME|ID [NAME|ID...]\n\nShow low-level information on containers and "
                "images.\n\nOptions:\n" +
                flags_help(kFlags))
                   .c_str(),
               stdout);
    return 0;
  }
  std::string type = parsed->value("type");
  if (!type.empty() && type != "container" && type != "image" && type != "volume")
    return kReporter.fail("inspect", fmt::format("--type {}: not supported (container, image or volume)", type),
                          kExitDockerUsage);
  if (parsed->positional.empty()) return kReporter.fail("inspect", "requires at least 1 argument", kExitDockerUsage);
  std::optional<Template> format;
  if (parsed->has("format")) {
    auto compiled = Template::parse(unescape_format_flag(parsed->value("format")));
    if (!compiled) return kReporter.fail("inspect", compiled.error(), kExitDockerUsage);
    format = std::move(*compiled);
  }
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("inspect", engine.error());
  int status = 0;
  auto documents = nlohmann::ordered_json::array();
  for (const auto& name : parsed->positional) {
    auto document = [&]() -> Result<nlohmann::ordered_json> {
      if (type.empty() || type == "container") {
        auto container = engine->find(name);
        if (container) {
          auto json = container_inspect_json(*engine, *container);
          if (parsed->flag("size")) {
            auto sizes = WARD_TRY(container_sizes(*engine, *container));
            json["SizeRw"] = sizes.writable;
            json["SizeRootFs"] = sizes.root_fs;
          }
          return json;
        }
        if (!container.error().is(ErrorKind::not_found)) return std::unexpected(container.error());
      }
      if (type.empty() || type == "image") {
        auto image = image::resolve_image(engine->store(), name);
        if (image) return image_inspect_json(engine->store(), *image);
        if (!image.error().is(ErrorKind::not_found)) return std::unexpected(image.error());
      }
      if (type.empty() || type == "volume") {
        auto volume = ward::engine::find_volume(engine->store().database(), name);
        if (volume) return ward::engine::volume_inspect_json(*volume, engine->store().root());
        if (!volume.error().is(ErrorKind::not_found)) return std::unexpected(volume.error());
      }
      return fail(ErrorKind::not_found, fmt::format("No such object: {}", name));
    }();
    if (!document) {
      status = kReporter.fail("inspect", document.error());
      continue;
    }
    if (!format) {
      documents.push_back(std::move(*document));
      continue;
    }
    auto text = format->render(nlohmann::json::parse(document->dump()));
    if (!text) return kReporter.fail("inspect", text.error(), kExitDockerUsage);
    std::printf("%s\n", text->c_str());
  }
  if (!format) std::printf("%s\n", documents.dump(4).c_str());
  return status;
}

}  // namespace ward::cli::engine
