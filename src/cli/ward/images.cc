// ward images [OPTIONS] [REPOSITORY[:TAG]] (also `ward image ls`):
// Docker's columns, -q, --digests, --no-trunc, --filter and --format.
#include <fnmatch.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/format_template.h"
#include "cli/ward/commands.h"
#include "cli/ward/image_views.h"
#include "image/reference.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"all", "a"}, false, "show all images (ward keeps no intermediate images, so the same list)"},
    {{"digests"}, false, "show digests"},
    {{"filter", "f"},
     true,
     "filter: dangling=true|false, reference=PATTERN, before=IMAGE, since=IMAGE, label=KEY[=VALUE]"},
    {{"format"}, true, "Go template, 'table TEMPLATE' or 'json'"},
    {{"no-trunc"}, false, "do not truncate IDs"},
    {{"quiet", "q"}, false, "only show image IDs"},
    {{"help", "h"}, false, "show help"},
};

const HeaderLabels kLabels = {{"Containers", "CONTAINERS"},
                              {"CreatedAt", "CREATED AT"},
                              {"CreatedSince", "CREATED"},
                              {"Digest", "DIGEST"},
                              {"ID", "IMAGE ID"},
                              {"Repository", "REPOSITORY"},
                              {"SharedSize", "SHARED SIZE"},
                              {"Size", "SIZE"},
                              {"Tag", "TAG"},
                              {"UniqueSize", "UNIQUE SIZE"},
                              {"VirtualSize", "VIRTUAL SIZE"}};

struct Filters {
  std::optional<bool> dangling;
  std::vector<std::string> references;  // shell patterns on the familiar name
  std::optional<std::string> before;    // added before this image (list order)
  std::optional<std::string> since;
};

Result<Filters> parse_filters(const std::vector<std::string>& texts) {
  Filters filters;
  for (const auto& text : texts) {
    auto eq = text.find('=');
    if (eq == std::string::npos)
      return fail(ErrorKind::invalid_input, fmt::format("--filter \"{}\": expected KEY=VALUE", text));
    std::string key = text.substr(0, eq), value = text.substr(eq + 1);
    if (key == "dangling") {
      if (value != "true" && value != "false" && value != "1" && value != "0")
        return fail(ErrorKind::invalid_input, fmt::format("--filter dangling: invalid value \"{}\"", value));
      filters.dangling = value == "true" || value == "1";
    } else if (key == "reference") {
      filters.references.push_back(value);
    } else if (key == "before") {
      filters.before = value;
    } else if (key == "since") {
      filters.since = value;
    } else {
      return fail(ErrorKind::invalid_input, fmt::format("--filter: invalid filter \"{}\"", key));
    }
  }
  return filters;
}

bool reference_matches(const std::vector<std::string>& patterns, const nlohmann::json& row) {
  if (patterns.empty()) return true;
  std::string repository = row["Repository"].get<std::string>();
  std::string with_tag = repository + ":" + row["Tag"].get<std::string>();
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
    return ::fnmatch(pattern.c_str(), repository.c_str(), 0) == 0 ||
           ::fnmatch(pattern.c_str(), with_tag.c_str(), 0) == 0;
  });
}

// The rows to show, in the store's order (newest first).
Result<std::vector<nlohmann::json>> select_rows(image::Store& store, const ParsedArgs& parsed) {
  auto filters = WARD_TRY(parse_filters(parsed.all("filter").empty() && parsed.has("filter")
                                            ? std::vector<std::string>{parsed.value("filter")}
                                            : parsed.all("filter")));
  if (!parsed.positional.empty()) filters.references.push_back(parsed.positional.front());
  auto images = WARD_TRY(store.list_images());
  std::optional<std::size_t> before, since;
  auto position = [&](const std::string& text) -> Result<std::size_t> {
    auto found = WARD_TRY(store.resolve(text));
    for (std::size_t i = 0; i < images.size(); ++i)
      if (images[i].id == found.id) return i;
    return fail(ErrorKind::not_found, fmt::format("no such image: {}", text));
  };
  if (filters.before) before = WARD_TRY(position(*filters.before));
  if (filters.since) since = WARD_TRY(position(*filters.since));
  std::vector<nlohmann::json> rows;
  for (std::size_t i = 0; i < images.size(); ++i) {
    if (before && i <= *before) continue;  // newer than (or) the named image
    if (since && i >= *since) continue;
    bool dangling = images[i].repo_tags.empty();
    if (filters.dangling && *filters.dangling != dangling) continue;
    for (const auto& row : image_rows(images[i], parsed.flag("no-trunc"))) {
      nlohmann::json plain = nlohmann::json::parse(row.dump());
      if (reference_matches(filters.references, plain)) rows.push_back(std::move(plain));
    }
  }
  return rows;
}

}  // namespace

int cmd_images(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("images", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(
        ("usage: ward images [OPTIONS] [REPOSITORY[:TAG]]\n\nList images.\n\nOptions:\n" + flags_help(kFlags)).c_str(),
        stdout);
    return 0;
  }
  if (parsed->positional.size() > 1) return kReporter.fail("images", "requires at most 1 argument", kExitDockerUsage);
  auto store = open_store(options);
  if (!store) return kReporter.fail("images", store.error());
  auto rows = select_rows(*store, *parsed);
  if (!rows) return kReporter.fail("images", rows.error(), kExitDockerUsage);
  if (parsed->flag("quiet")) {
    std::set<std::string> seen;
    for (const auto& row : *rows)
      if (seen.insert(row["ID"].get<std::string>()).second) std::printf("%s\n", row["ID"].get<std::string>().c_str());
    return 0;
  }
  std::string format = parsed->has("format") ? unescape_format_flag(parsed->value("format")) : "";
  if (format == "json") format = "{{json .}}";
  if (format.empty())
    format = parsed->flag("digests")
                 ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
                 : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
  auto text = render_format(format, kLabels, *rows);
  if (!text) return kReporter.fail("images", text.error(), kExitDockerUsage);
  std::fputs(text->c_str(), stdout);
  return 0;
}

}  // namespace ward::cli::engine
