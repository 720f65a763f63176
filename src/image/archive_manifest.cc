// docker save's manifest.json and the OCI layout's marker file.
#include "image/archive_manifest.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "util/json_reader.h"

namespace ward::image {

namespace {

using json::Node;

Result<std::string> read_member_path(const Node& node) {
  auto text = WARD_TRY(node.as<std::string>());
  if (normalize_member_path(text).empty())
    return node.error(fmt::format("\"{}\" is not a relative path inside the archive", text));
  return text;
}

Result<DockerArchiveImage> parse_entry(const Node& node) {
  WARD_TRY(node.expect_object());
  DockerArchiveImage image;
  image.config = WARD_TRY(read_member_path(WARD_TRY(node.require("Config"))));
  WARD_TRY(node.read("RepoTags", image.repo_tags));
  auto layers = WARD_TRY(node.require("Layers"));
  WARD_TRY(layers.expect_array());
  for (std::size_t i = 0; i < layers.size(); ++i) image.layers.push_back(WARD_TRY(read_member_path(layers.element(i))));
  return image;
}

}  // namespace

std::string normalize_member_path(std::string_view path) {
  std::string out;
  std::size_t start = 0;
  if (path.starts_with('/')) return {};
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part == "..") return {};
    if (!part.empty() && part != ".") {
      if (!out.empty()) out += '/';
      out += part;
    }
    start = end + 1;
  }
  return out;
}

Result<std::vector<DockerArchiveImage>> parse_docker_archive_manifest(std::string_view text) {
  auto value = WARD_TRY(context(json::parse(text), "manifest.json"));
  Node document(value, "");
  auto checked = [&]() -> Result<std::vector<DockerArchiveImage>> {
    WARD_TRY(document.expect_array());
    if (document.size() == 0) return document.error("names no image");
    std::vector<DockerArchiveImage> images;
    for (std::size_t i = 0; i < document.size(); ++i) images.push_back(WARD_TRY(parse_entry(document.element(i))));
    return images;
  }();
  // Whatever the JSON reader called it, a bad document is bad input.
  if (!checked) checked.error().as(ErrorKind::invalid_input);
  return context(std::move(checked), "manifest.json");
}

std::string write_docker_archive_manifest(const std::vector<DockerArchiveImage>& images) {
  auto document = nlohmann::json::array();
  for (const auto& image : images)
    document.push_back({{"Config", image.config}, {"RepoTags", image.repo_tags}, {"Layers", image.layers}});
  return document.dump();
}

Result<> check_oci_layout_file(std::string_view text) {
  auto value = WARD_TRY(context(json::parse(text), "oci-layout"));
  Node document(value, "");
  auto checked = [&]() -> Result<> {
    WARD_TRY(document.expect_object());
    auto version = WARD_TRY(document.required<std::string>("imageLayoutVersion"));
    if (!version.starts_with("1."))
      return document.require("imageLayoutVersion")->error(fmt::format("version \"{}\" is not 1.x", version));
    return {};
  }();
  if (!checked) checked.error().as(ErrorKind::invalid_input);
  return context(std::move(checked), "oci-layout");
}

std::string write_oci_layout_file() {
  return R"({"imageLayoutVersion":"1.0.0"})";
}

}  // namespace ward::image
