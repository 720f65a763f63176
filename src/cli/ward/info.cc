// ward info [--format F]: Docker's system-wide information, for the fields
// ward has: containers by state, images, the storage and logging drivers,
// cgroups, security options, the host, the store.  --format reads
// Docker's field names ({{.Containers}}, {{json .}}, ...).
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/format_template.h"
#include "cli/core/human_units.h"
#include "cli/core/version.h"
#include "cli/ward/commands.h"
#include "engine/host_info.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"format", "f"}, true, "format the output using a Go template (or json)"},
    {{"help", "h"}, false, "show help"},
};

Result<nlohmann::json> info_json(ward::engine::Engine& engine, const std::string& store_root) {
  auto host = WARD_TRY(ward::engine::read_host_info());
  int running = 0, paused = 0, stopped = 0;
  auto containers = WARD_TRY(engine.list());
  for (const auto& record : containers) {
    if (record.status != ward::engine::ContainerStatus::running)
      ++stopped;
    else if (record.paused)
      ++paused;
    else
      ++running;
  }
  auto images = WARD_TRY(engine.store().list_images());
  return nlohmann::json{
      {"Containers", containers.size()},
      {"ContainersRunning", running},
      {"ContainersPaused", paused},
      {"ContainersStopped", stopped},
      {"Images", images.size()},
      {"Driver", "overlay"},
      {"LoggingDriver", "json-file"},
      {"CgroupDriver", "cgroupfs"},
      {"CgroupVersion", host.cgroup_version},
      {"KernelVersion", host.kernel_version},
      {"OperatingSystem", host.operating_system},
      {"OSType", "linux"},
      {"Architecture", host.architecture},
      {"NCPU", host.cpus},
      {"MemTotal", host.memory_bytes},
      {"DockerRootDir", store_root},
      {"Name", host.hostname},
      {"ServerVersion", kVersion},
      {"DefaultRuntime", "ward (in-process)"},
      {"SecurityOptions", {"name=seccomp,profile=default", "name=userns", "name=no-new-privileges"}},
      {"Warnings", nlohmann::json::array()},
  };
}

std::string info_text(const nlohmann::json& info) {
  return fmt::format(
      "Server:\n"
      " Containers: {}\n  Running: {}\n  Paused: {}\n  Stopped: {}\n"
      " Images: {}\n"
      " Server Version: {}\n"
      " Storage Driver: {}\n"
      " Logging Driver: {}\n"
      " Cgroup Driver: {}\n"
      " Cgroup Version: {}\n"
      " Default Runtime: {}\n"
      " Security Options:\n  seccomp\n   Profile: default\n  userns\n  no-new-privileges\n"
      " Kernel Version: {}\n"
      " Operating System: {}\n"
      " OSType: {}\n"
      " Architecture: {}\n"
      " CPUs: {}\n"
      " Total Memory: {}\n"
      " Name: {}\n"
      " Docker Root Dir: {}\n",
      info["Containers"].get<std::size_t>(), info["ContainersRunning"].get<int>(), info["ContainersPaused"].get<int>(),
      info["ContainersStopped"].get<int>(), info["Images"].get<std::size_t>(), info["ServerVersion"].get<std::string>(),
      info["Driver"].get<std::string>(), info["LoggingDriver"].get<std::string>(),
      info["CgroupDriver"].get<std::string>(), info["CgroupVersion"].get<std::string>(),
      info["DefaultRuntime"].get<std::string>(), info["KernelVersion"].get<std::string>(),
      info["OperatingSystem"].get<std::string>(), info["OSType"].get<std::string>(),
      info["Architecture"].get<std::string>(), info["NCPU"].get<long>(),
      binary_size(info["MemTotal"].get<std::uint64_t>()), info["Name"].get<std::string>(),
      info["DockerRootDir"].get<std::string>());
}

}  // namespace

int cmd_info(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("info", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(
        ("usage: ward info [OPTIONS]\n\nDisplay system-wide information.\n\nOptions:\n" + flags_help(kFlags)).c_str(),
        stdout);
    return 0;
  }
  if (!parsed->positional.empty()) return kReporter.fail("info", "accepts no arguments", kExitDockerUsage);
  std::optional<Template> format;
  if (parsed->has("format")) {
    std::string text = unescape_format_flag(parsed->value("format"));
    auto compiled = Template::parse(text == "json" ? "{{json .}}" : text);
    if (!compiled) return kReporter.fail("info", compiled.error(), kExitDockerUsage);
    format = std::move(*compiled);
  }
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("info", engine.error());
  auto info = info_json(*engine, engine->store().root());
  if (!info) return kReporter.fail("info", info.error());
  if (!format) {
    std::fputs(info_text(*info).c_str(), stdout);
    return 0;
  }
  auto text = format->render(*info);
  if (!text) return kReporter.fail("info", text.error(), kExitDockerUsage);
  std::printf("%s\n", text->c_str());
  return 0;
}

}  // namespace ward::cli::engine
