#include "audit/bench/audit.h"

#include <sys/stat.h>

#include <ctime>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "audit/bench/docker_api.h"
#include "audit/bench/docker_inspect.h"
#include "audit/bench/host_checks.h"
#include "audit/bench/image_section.h"
#include "audit/bench/oci_config.h"
#include "audit/bench/runtime_checks.h"
#include "image/store.h"
#include "util/sys.h"

namespace ward::audit::bench {

namespace {

std::int64_t now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

std::string base_name(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Result<BenchReport> audit_containers(const ContainerInputs& inputs) {
  BenchReport report;
  report.start = now();
  RuntimeInput runtime;
  std::vector<std::string> names;
  for (const std::string& file : inputs.docker_inspect_files) {
    auto text = WARD_TRY(context(sys::read_file(file), "--docker-inspect {}", file));
    auto containers = parse_docker_inspect(text);
    if (!containers) return std::unexpected(containers.error().wrap(fmt::format("--docker-inspect {}", file)));
    for (auto& c : *containers) runtime.containers.push_back(std::move(c));
    names.push_back(file);
  }
  for (const std::string& file : inputs.config_files) {
    auto text = WARD_TRY(context(sys::read_file(file), "--config {}", file));
    // A bundle's config is always config.json; name it by its directory.
    std::string name = base_name(file) == "config.json" && file.find('/') != std::string::npos
                           ? fmt::format("{}/config.json", base_name(file.substr(0, file.rfind('/'))))
                           : base_name(file);
    auto container = parse_oci_config(text, name);
    if (!container) return std::unexpected(container.error().wrap(fmt::format("--config {}", file)));
    runtime.containers.push_back(std::move(*container));
    names.push_back(file);
  }
  if (!inputs.docker_host.empty()) {
    auto live = read_docker_host(inputs.docker_host);
    if (!live) return std::unexpected(live.error().wrap(fmt::format("--docker-host {}", inputs.docker_host)));
    runtime.swarm_active = live->swarm_active;
    for (auto& c : live->containers) runtime.containers.push_back(std::move(c));
    names.push_back(inputs.docker_host);
  }
  report.input = fmt::format("{}", fmt::join(names, " "));
  report.sections.push_back(runtime_section(runtime));
  report.end = now();
  return report;
}

Result<BenchReport> audit_ward(const std::string& store_root, std::string_view version) {
  BenchReport report;
  report.start = now();
  report.input = store_root;
  HostPaths paths = default_host_paths(store_root);
  report.sections.push_back(host_section(paths, version));
  report.sections.push_back(engine_configuration_section(paths));
  report.sections.push_back(engine_files_section(paths));

  // Opening a store creates one; an audit only reads what is there.
  std::vector<AuditedImage> images;
  struct stat st {};
  bool exists = ::stat((store_root + "/ward.db").c_str(), &st) == 0;
  if (exists) {
    auto store = WARD_TRY(context(image::Store::open(store_root), "store {}", store_root));
    images = WARD_TRY(store_images(store));
  }
  Section images_section = WARD_TRY(image_section(images));
  if (!exists) images_section.note = fmt::format("there is no store at {} yet, so no images", store_root);
  report.sections.push_back(std::move(images_section));

  Section runtime{"5", "Container Runtime", {}, {}};
  runtime.note =
      "ward has no containers yet (the container engine is not built); audit a container with --docker-inspect, "
      "--config or --docker-host";
  report.sections.push_back(std::move(runtime));
  report.end = now();
  return report;
}

}  // namespace ward::audit::bench
