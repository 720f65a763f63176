// ward image prune [-a] [-f] [--filter until=...|label=...]: removes
// dangling images (no tag), or with -a every image no container uses.  No
// container exists before the engine (issue 15), so -a removes every image
// that passes the filters; the store's image-users check keeps that true
// once containers come.  Asks first on a terminal unless -f, as Docker does.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/human_units.h"
#include "cli/ward/commands.h"
#include "image/reference.h"
#include "image/spec.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"all", "a"}, false, "remove all unused images, not just dangling ones"},
    {{"filter"}, true, "filter values (until=<timestamp|duration>, label=<key>[=<value>], label!=...)"},
    {{"force", "f"}, false, "do not prompt for confirmation"},
    {{"help", "h"}, false, "show help"},
};

struct Filters {
  std::optional<std::int64_t> until;                 // created before this (seconds since the epoch)
  std::vector<std::pair<std::string, bool>> labels;  // "key" or "key=value", and whether it must match
};

// Go's time.ParseDuration for the units prune filters use: "24h",
// "1h30m", "90s", "1.5h".
std::optional<double> parse_go_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  while (!text.empty()) {
    std::size_t digits = 0;
    while (digits < text.size() && ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '.')) ++digits;
    if (digits == 0) return std::nullopt;
    double number = 0;
    try {
      number = std::stod(std::string(text.substr(0, digits)));
    } catch (...) {
      return std::nullopt;
    }
    text.remove_prefix(digits);
    static constexpr std::pair<std::string_view, double> kUnits[] = {{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3},
                                                                     {"s", 1},     {"m", 60},    {"h", 3600}};
    bool matched = false;
    for (const auto& [unit, seconds] : kUnits)
      if (text.starts_with(unit) && !(unit == "m" && text.starts_with("ms"))) {
        total += number * seconds;
        text.remove_prefix(unit.size());
        matched = true;
        break;
      }
    if (!matched) return std::nullopt;
  }
  return total;
}

Result<std::int64_t> parse_until(const std::string& text) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  if (auto duration = parse_go_duration(text)) return now.count() - static_cast<std::int64_t>(*duration);
  if (auto stamp = parse_rfc3339(text)) return *stamp;
  if (auto day = parse_rfc3339(text + "T00:00:00Z")) return *day;
  if (!text.empty() && text.size() <= 18 && text.find_first_not_of("0123456789") == std::string::npos)
    return std::stoll(text);
  return fail(ErrorKind::invalid_input,
              fmt::format("--filter until={}: not a duration (24h), an RFC 3339 time, a date or seconds", text));
}

Result<Filters> parse_filters(const ParsedArgs& parsed) {
  Filters filters;
  auto values = parsed.all("filter");
  if (values.empty() && parsed.has("filter")) values.push_back(parsed.value("filter"));
  for (const auto& value : values) {
    auto equals = value.find('=');
    std::string key = value.substr(0, equals);
    std::string rest = equals == std::string::npos ? "" : value.substr(equals + 1);
    if (key == "until") {
      filters.until = WARD_TRY(parse_until(rest));
    } else if (key == "label" || key == "label!") {
      if (rest.empty()) return fail(ErrorKind::invalid_input, fmt::format("--filter {}: needs a label", value));
      filters.labels.emplace_back(rest, key == "label");
    } else {
      return fail(ErrorKind::invalid_input, fmt::format("--filter {}: invalid filter (until, label, label!)", value));
    }
  }
  return filters;
}

bool has_label(const image::ContainerConfig& config, const std::string& wanted) {
  auto equals = wanted.find('=');
  auto found = config.labels.find(wanted.substr(0, equals));
  if (found == config.labels.end()) return false;
  return equals == std::string::npos || found->second == wanted.substr(equals + 1);
}

Result<bool> selected(image::Store& store, const image::ImageRecord& record, const Filters& filters, bool all) {
  if (!all && !record.repo_tags.empty()) return false;
  if (filters.until) {
    auto created = parse_rfc3339(record.created);
    if (!created || *created >= *filters.until) return false;
  }
  if (filters.labels.empty()) return true;
  auto config = WARD_TRY(image::parse_image_config(WARD_TRY(store.blobs().read_blob(record.config_digest))));
  for (const auto& [label, must_match] : filters.labels)
    if (has_label(config.config, label) != must_match) return false;
  return true;
}

bool confirmed(bool all) {
  std::fputs(all ? "WARNING! This will remove all images without at least one container associated to them.\n"
                 : "WARNING! This will remove all dangling images.\n",
             stdout);
  std::fputs("Are you sure you want to continue? [y/N] ", stdout);
  std::fflush(stdout);
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y";
}

std::int64_t stored_bytes(const image::DiskUsage& usage) {
  return usage.layers_size + usage.blobs_size;
}

}  // namespace

int cmd_image_prune(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("image prune", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(
        ("usage: ward image prune [OPTIONS]\n\nRemove unused images.\n\nOptions:\n" + flags_help(kFlags)).c_str(),
        stdout);
    return 0;
  }
  if (!parsed->positional.empty()) return kReporter.fail("image prune", "accepts no arguments", kExitDockerUsage);
  auto filters = parse_filters(*parsed);
  if (!filters) return kReporter.fail("image prune", filters.error(), kExitDockerUsage);
  bool all = parsed->flag("all");
  if (!parsed->flag("force") && !confirmed(all)) return 0;
  auto store = open_store(options);
  if (!store) return kReporter.fail("image prune", store.error());
  auto before = store->disk_usage();
  auto images = store->list_images();
  if (!before || !images) return kReporter.fail("image prune", before ? images.error() : before.error());
  std::string report;
  int status = 0;
  for (const auto& record : *images) {
    auto chosen = selected(*store, record, *filters, all);
    if (chosen && !*chosen) continue;
    auto removed = chosen ? store->remove_image(record.id) : Result<>(std::unexpected(chosen.error()));
    if (!removed) {
      // An image a container uses is skipped, as Docker's prune skips it.
      if (!removed.error().is(ErrorKind::in_use)) status = kReporter.fail("image prune", removed.error());
      continue;
    }
    for (const auto& tag : record.repo_tags) report += fmt::format("untagged: {}\n", image::familiar_name(tag));
    for (const auto& digest : record.repo_digests)
      report += fmt::format("untagged: {}\n", image::familiar_name(digest));
    report += fmt::format("deleted: {}\n", record.id.string());
  }
  auto after = store->disk_usage();
  if (!after) return kReporter.fail("image prune", after.error());
  if (!report.empty()) std::printf("Deleted Images:\n%s\n", report.c_str());
  std::int64_t reclaimed = std::max<std::int64_t>(0, stored_bytes(*before) - stored_bytes(*after));
  std::printf("Total reclaimed space: %s\n", human_size(static_cast<std::uint64_t>(reclaimed)).c_str());
  return status;
}

}  // namespace ward::cli::engine
