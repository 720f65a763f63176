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
#include "audit/bench/ward_containers.h"
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

// Section 5 over ward's containers, running or not: a stopped one starts
// again as it is (`ward start`, its restart policy), so its settings count
// as much as a running one's.  ward has no swarm mode, so 5.1 passes.
Result<Section> ward_runtime_section(const WardContainers& containers, bool store_exists,
                                     const std::string& store_root) {
  RuntimeInput runtime;
  runtime.swarm_active = false;
  int running = 0;
  for (const WardContainer& container : containers.containers) {
    runtime.containers.push_back(WARD_TRY(describe_ward_container(container, containers.host_apparmor)));
    running += container.config ? 1 : 0;
  }
  Section section = runtime_section(runtime);
  std::size_t count = runtime.containers.size();
  if (!store_exists)
    section.note = fmt::format("there is no store at {} yet, so no containers", store_root);
  else if (count == 0)
    section.note =
        "ward has no containers; audit other engines' containers with --docker-inspect, --config or --docker-host";
  else
    section.note = fmt::format("{} ward container{} audited: {} running, {} not running", count, count == 1 ? "" : "s",
                               running, count - static_cast<std::size_t>(running));
  return section;
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

bool ward_store_exists(const std::string& store_root) {
  struct stat st {};
  return ::stat((store_root + "/ward.db").c_str(), &st) == 0;
}

Result<BenchReport> audit_ward(const std::string& store_root, std::string_view version,
                               const WardContainers& containers) {
  BenchReport report;
  report.start = now();
  report.input = store_root;
  HostPaths paths = default_host_paths(store_root);
  report.sections.push_back(host_section(paths, version));
  report.sections.push_back(engine_configuration_section(paths));
  report.sections.push_back(engine_files_section(paths));

  // Opening a store creates one; an audit only reads what is there.
  std::vector<AuditedImage> images;
  bool exists = ward_store_exists(store_root);
  if (exists) {
    auto store = WARD_TRY(context(image::Store::open(store_root), "store {}", store_root));
    images = WARD_TRY(store_images(store));
  }
  Section images_section = WARD_TRY(image_section(images));
  if (!exists) images_section.note = fmt::format("there is no store at {} yet, so no images", store_root);
  report.sections.push_back(std::move(images_section));

  report.sections.push_back(WARD_TRY(ward_runtime_section(containers, exists, store_root)));
  report.end = now();
  return report;
}

}  // namespace ward::audit::bench
