// ward history [OPTIONS] IMAGE (also `ward image history`): the image
// config's history, newest first, as Docker prints it.  The top entry
// carries the image's ID, the others `<missing>` (ward, like Docker for
// pulled images, has no image object for intermediate steps); an entry that
// made a layer shows that layer's unpacked size.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/format_template.h"
#include "cli/core/human_units.h"
#include "cli/ward/commands.h"
#include "image/builtin_busybox.h"
#include "image/spec.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"format"}, true, "Go template, 'table TEMPLATE' or 'json'"},
    {{"human", "H"}, false, "print sizes and dates in human readable format (default true; --human=false for raw)"},
    {{"no-trunc"}, false, "don't truncate output"},
    {{"quiet", "q"}, false, "only show image IDs"},
    {{"help", "h"}, false, "show help"},
};

const HeaderLabels kLabels = {
    {"ID", "IMAGE"},  {"CreatedSince", "CREATED"}, {"CreatedAt", "CREATED AT"}, {"CreatedBy", "CREATED BY"},
    {"Size", "SIZE"}, {"Comment", "COMMENT"}};

// Docker's Ellipsis: at most `width` characters (UTF-8 code points), the
// last one "…" when something was cut.
std::string ellipsis(const std::string& text, std::size_t width) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  if (starts.size() <= width) return text;
  return text.substr(0, starts[width - 1]) + "…";
}

std::string since(const std::string& created, bool human) {
  auto seconds = parse_rfc3339(created);
  if (!seconds) return "N/A";
  if (!human) return created;
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  return human_duration(std::chrono::seconds(now.count() - *seconds)) + " ago";
}

Result<std::vector<nlohmann::json>> history_rows(image::Store& store, const image::ImageRecord& record,
                                                 const ParsedArgs& parsed) {
  bool human = parsed.value("human", "true") == "true";
  bool no_trunc = parsed.flag("no-trunc");
  auto config = WARD_TRY(image::parse_image_config(WARD_TRY(store.blobs().read_blob(record.config_digest))));
  std::vector<std::int64_t> layer_sizes;
  for (const auto& layer : record.layers) {
    auto stored = WARD_TRY(store.find_layer(layer.chain_id));
    layer_sizes.push_back(stored ? stored->size : 0);
  }
  std::vector<nlohmann::json> rows;
  std::size_t next_layer = 0;
  for (const auto& entry : config.history) {
    std::int64_t size = 0;
    if (!entry.empty_layer && next_layer < layer_sizes.size()) size = layer_sizes[next_layer++];
    std::string created_by = entry.created_by;
    for (auto& c : created_by)
      if (c == '\t') c = ' ';
    rows.push_back({{"ID", "<missing>"},
                    {"CreatedSince", since(entry.created, human)},
                    {"CreatedAt", entry.created},
                    {"CreatedBy", no_trunc ? created_by : ellipsis(created_by, 45)},
                    {"Size", human ? human_size(static_cast<std::uint64_t>(size)) : std::to_string(size)},
                    {"Comment", entry.comment}});
  }
  std::reverse(rows.begin(), rows.end());
  if (!rows.empty()) rows.front()["ID"] = no_trunc ? record.id.string() : record.id.hex().substr(0, 12);
  return rows;
}

}  // namespace

int cmd_history(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("history", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(
        ("usage: ward history [OPTIONS] IMAGE\n\nShow the history of an image.\n\nOptions:\n" + flags_help(kFlags))
            .c_str(),
        stdout);
    return 0;
  }
  if (parsed->has("human") && parsed->value("human") != "true" && parsed->value("human") != "false")
    return kReporter.fail("history", fmt::format("--human: not a boolean: {}", parsed->value("human")),
                          kExitDockerUsage);
  if (parsed->positional.size() != 1) return kReporter.fail("history", "requires exactly 1 argument", kExitDockerUsage);
  auto store = open_store(options);
  if (!store) return kReporter.fail("history", store.error());
  auto record = image::resolve_image(*store, parsed->positional.front());
  if (!record)
    return kReporter.fail("history", record.error().is(ErrorKind::not_found)
                                         ? fmt::format("no such image: {}", parsed->positional.front())
                                         : record.error().what());
  auto rows = history_rows(*store, *record, *parsed);
  if (!rows) return kReporter.fail("history", rows.error());
  if (parsed->flag("quiet")) {
    for (const auto& row : *rows) std::printf("%s\n", row["ID"].get<std::string>().c_str());
    return 0;
  }
  std::string format = parsed->has("format") ? unescape_format_flag(parsed->value("format")) : "";
  if (format == "json") format = "{{json .}}";
  if (format.empty()) format = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
  auto text = render_format(format, kLabels, *rows);
  if (!text) return kReporter.fail("history", text.error(), kExitDockerUsage);
  std::fputs(text->c_str(), stdout);
  return 0;
}

}  // namespace ward::cli::engine
