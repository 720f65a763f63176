// The section 4 checks over a list of images.
#include "audit/bench/image_section.h"

#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "audit/bench/catalog.h"
#include "audit/scan/file_checks.h"
#include "audit/scan/image_checks.h"
#include "audit/scan/rootfs.h"
#include "audit/scan/rules.h"

namespace ward::audit::bench {

namespace {

// `ward scan`'s rule for each check that carries over.
const std::map<std::string_view, std::string_view>& scan_rule_of_check() {
  static const std::map<std::string_view, std::string_view> table = {{"4.1", scan::kRootUser},
                                                                     {"4.6", scan::kNoHealthcheck},
                                                                     {"4.7", scan::kUpdateAlone},
                                                                     {"4.9", scan::kAddInHistory},
                                                                     {"4.10", scan::kSecretInEnv}};
  return table;
}

constexpr std::string_view kSummaries[][2] = {
    {"4.1", "Images that run as root"},
    {"4.6", "Images without a HEALTHCHECK"},
    {"4.7", "Images that update a package index alone"},
    {"4.8", "setuid or setgid files in images"},
    {"4.9", "Images built with ADD"},
    {"4.10", "Images with a secret in their environment"},
};

std::string_view summary_of(std::string_view id) {
  for (const auto& row : kSummaries)
    if (row[0] == id) return row[1];
  return id;
}

CheckResult from_items(std::string_view id, std::vector<std::string> items) {
  if (items.empty()) return make_result(id, Level::pass);
  std::string details = fmt::format("{}: {}", summary_of(id), fmt::join(items, "; "));
  return make_result(id, Level::warn, std::move(details), std::move(items));
}

Result<std::vector<std::string>> setuid_files(const AuditedImage& image) {
  auto rootfs = WARD_TRY(scan::Rootfs::open(image.layers, true));
  scan::FileChecks checks;
  WARD_TRY(rootfs.walk([&](const scan::RootfsEntry& entry) -> Result<> {
    checks.check(entry);
    return {};
  }));
  std::vector<std::string> out;
  for (const Finding& f : checks.findings())
    if (f.rule == scan::kSetuid) out.push_back(fmt::format("{}: {}", image.name, f.message));
  return out;
}

}  // namespace

Result<std::vector<AuditedImage>> store_images(image::Store& store) {
  std::vector<AuditedImage> out;
  for (const image::ImageRecord& record : WARD_TRY(store.list_images())) {
    AuditedImage image;
    image.name = record.repo_tags.empty() ? record.id.hex().substr(0, 12) : record.repo_tags.front();
    for (auto it = record.layers.rbegin(); it != record.layers.rend(); ++it)
      image.layers.push_back(store.layer_path(it->chain_id));
    auto blob = WARD_TRY(context(store.blobs().read_blob(record.config_digest), "image {}", image.name));
    image.config = WARD_TRY(context(image::parse_image_config(blob), "image {}", image.name));
    out.push_back(std::move(image));
  }
  return out;
}

Result<Section> image_section(const std::vector<AuditedImage>& images) {
  Section section{"4", "Container Images and Build File", {}, {}};
  auto& out = section.results;
  if (images.empty()) section.note = "the store holds no images";

  std::map<std::string_view, std::vector<std::string>> items;
  std::vector<std::string> setuid;
  for (const AuditedImage& image : images) {
    for (const Finding& f : scan::check_image_config(image.config, ""))
      for (const auto& [check, rule] : scan_rule_of_check())
        if (f.rule == rule) items[check].push_back(fmt::format("{}: {}", image.name, f.message));
    auto found = WARD_TRY(context(setuid_files(image), "image {}", image.name));
    setuid.insert(setuid.end(), found.begin(), found.end());
  }
  if (!images.empty()) out.push_back(from_items("4.1", items["4.1"]));
  out.push_back(make_result("4.2", Level::note, "whether a base image is trusted is for its owner to judge"));
  out.push_back(make_result("4.3", Level::note, "which packages an image needs is for its owner to judge"));
  out.push_back(make_result("4.4", Level::note,
                            "scan each image for known vulnerabilities with 'ward scan --vuln-db DIR IMAGE'"));
  out.push_back(make_result("4.5", Level::info,
                            "ward verifies every blob against its digest but cannot verify signatures yet, so "
                            "content trust cannot be enabled (docs/REGISTRIES.md)"));
  if (!images.empty()) {
    out.push_back(from_items("4.6", items["4.6"]));
    out.push_back(from_items("4.7", items["4.7"]));
    out.push_back(from_items("4.8", setuid));
    out.push_back(from_items("4.9", items["4.9"]));
    out.push_back(from_items("4.10", items["4.10"]));
  }
  out.push_back(
      make_result("4.11", Level::note, "whether packages were verified when installed cannot be read from an image"));
  out.push_back(make_result("4.12", Level::info, "ward cannot validate signatures yet (see 4.5)"));
  return section;
}

}  // namespace ward::audit::bench
