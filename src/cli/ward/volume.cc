// ward volume SUBCOMMAND: create, inspect, ls, prune, rm (engine/volumes.h);
// Docker 20.10's management command for volumes.  Only the local driver,
// and of its options only a bind of a host directory.
#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/format_template.h"
#include "cli/ward/commands.h"
#include "engine/volumes.h"

namespace ward::cli::engine {

namespace {

namespace volumes = ward::engine;

bool show_help(const ParsedArgs& parsed, std::string_view usage, std::string_view summary,
               const std::vector<FlagSpec>& flags) {
  if (!parsed.flag("help")) return false;
  std::fputs(fmt::format("usage: ward volume {}\n\n{}\n\nOptions:\n{}", usage, summary, flags_help(flags)).c_str(),
             stdout);
  return true;
}

// KEY=VALUE (or KEY alone: an empty value) into `map`.
Result<> add_key_value(std::map<std::string, std::string>& map, std::string_view flag, const std::string& text) {
  auto eq = text.find('=');
  if (eq == 0) return fail(ErrorKind::invalid_input, fmt::format("--{} {}: no key", flag, text));
  map[text.substr(0, eq)] = eq == std::string::npos ? "" : text.substr(eq + 1);
  return {};
}

const std::vector<FlagSpec> kCreateFlags = {
    {{"driver", "d"}, true, "volume driver (only local)"},
    {{"label"}, true, "set metadata on the volume: KEY=VALUE (repeatable)"},
    {{"opt", "o"}, true, "driver options: type=none, o=bind, device=/PATH (a host directory); others are refused"},
    {{"name"}, true, "the volume's name (as the argument)"},
    {{"help", "h"}, false, "show help"},
};

int volume_create(const WardOptions& options, const std::vector<std::string>& args) {
  constexpr std::string_view verb = "volume create";
  auto parsed = parse_docker_args(args, kCreateFlags, false);
  if (!parsed) return kReporter.fail(verb, parsed.error(), kExitDockerUsage);
  if (show_help(*parsed, "create [OPTIONS] [VOLUME]", "Create a volume.", kCreateFlags)) return 0;
  if (parsed->positional.size() > 1) return kReporter.fail(verb, "accepts at most 1 argument", kExitDockerUsage);
  volumes::VolumeCreateRequest request;
  request.name = parsed->positional.empty() ? parsed->value("name") : parsed->positional.front();
  if (parsed->has("name") && !parsed->positional.empty() && parsed->value("name") != request.name)
    return kReporter.fail(verb, "conflicting options: either specify --name or provide positional arg, not both",
                          kExitDockerUsage);
  if (parsed->has("driver")) request.driver = parsed->value("driver");
  for (const auto& label : parsed->all("label"))
    if (auto added = add_key_value(request.labels, "label", label); !added)
      return kReporter.fail(verb, added.error(), kExitDockerUsage);
  for (const auto& option : parsed->all("opt"))
    if (auto added = add_key_value(request.options, "opt", option); !added)
      return kReporter.fail(verb, added.error(), kExitDockerUsage);
  auto store = open_store(options);
  if (!store) return kReporter.fail(verb, store.error());
  auto volume = volumes::create_volume(store->database(), store->root(), std::move(request));
  if (!volume) return kReporter.fail(verb, volume.error());
  std::printf("%s\n", volume->name.c_str());
  return 0;
}

const std::vector<FlagSpec> kInspectFlags = {
    {{"format", "f"}, true, "Go template for each volume"},
    {{"help", "h"}, false, "show help"},
};

int volume_inspect(const WardOptions& options, const std::vector<std::string>& args) {
  constexpr std::string_view verb = "volume inspect";
  auto parsed = parse_docker_args(args, kInspectFlags, false);
  if (!parsed) return kReporter.fail(verb, parsed.error(), kExitDockerUsage);
  if (show_help(*parsed, "inspect [OPTIONS] VOLUME [VOLUME...]", "Show volumes' details.", kInspectFlags)) return 0;
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
    auto volume = volumes::find_volume(store->database(), name);
    if (!volume) {
      status = kReporter.fail(verb, volume.error());
      continue;
    }
    auto document = volumes::volume_inspect_json(*volume, store->root());
    if (!format) {
      documents.push_back(std::move(document));
      continue;
    }
    auto text = format->render(nlohmann::json::parse(document.dump()));
    if (!text) return kReporter.fail(verb, text.error(), kExitDockerUsage);
    std::printf("%s\n", text->c_str());
  }
  if (!format) std::printf("%s\n", documents.dump(4).c_str());
  return status;
}

const std::vector<FlagSpec> kRmFlags = {
    {{"force", "f"}, false, "no error for a volume that does not exist (one in use is still kept)"},
    {{"help", "h"}, false, "show help"},
};

int volume_rm(const WardOptions& options, const std::vector<std::string>& args) {
  constexpr std::string_view verb = "volume rm";
  auto parsed = parse_docker_args(args, kRmFlags, false);
  if (!parsed) return kReporter.fail(verb, parsed.error(), kExitDockerUsage);
  if (show_help(*parsed, "rm [OPTIONS] VOLUME [VOLUME...]", "Remove volumes that no container uses.", kRmFlags))
    return 0;
  if (parsed->positional.empty()) return kReporter.fail(verb, "requires at least 1 argument", kExitDockerUsage);
  auto store = open_store(options);
  if (!store) return kReporter.fail(verb, store.error());
  int status = 0;
  for (const auto& name : parsed->positional) {
    auto removed = volumes::remove_volume(store->database(), store->root(), name);
    if (!removed && !(parsed->flag("force") && removed.error().is(ErrorKind::not_found))) {
      status = kReporter.fail(verb, removed.error());
      continue;
    }
    std::printf("%s\n", name.c_str());
  }
  return status;
}

constexpr Verb<WardOptions> kVolumeVerbs[] = {
    {"create", "create a volume", volume_create}, {"inspect", "show volumes' details", volume_inspect},
    {"ls", "list volumes", cmd_volume_ls},        {"prune", "remove every volume no container uses", cmd_volume_prune},
    {"rm", "remove volumes", volume_rm},
};

constexpr std::pair<std::string_view, std::string_view> kAliases[] = {{"list", "ls"}, {"remove", "rm"}};

}  // namespace

int cmd_volume(const WardOptions& options, const std::vector<std::string>& args) {
  return run_subcommand({"volume", "Manage volumes.", kVolumeVerbs, kAliases}, options, args);
}

}  // namespace ward::cli::engine
