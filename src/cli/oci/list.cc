#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/oci/commands.h"
#include "runtime/container.h"

namespace ward::cli {

int cmd_list(const GlobalOptions& global, const std::vector<std::string>& args) {
  auto parsed = parse_verb("list", args,
                           {{{"format", "f"}, true, "table or json (default: table)"},
                            {{"quiet", "q"}, false, "display only container ids"}},
                           0, 0, "[command options]");
  if (!parsed) return 1;
  std::string format = parsed->value("format", "table");
  if (format != "table" && format != "json")
    return report_error(fmt::format("list: --format: unknown format \"{}\" (table or json)", format));
  runtime::Runtime runtime(global.root);
  auto containers = runtime.list();
  if (!containers) return report_error(containers.error());
  std::string out;
  if (parsed->flag("quiet")) {
    for (const auto& c : *containers) out += c.state.id + "\n";
  } else if (format == "json") {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& c : *containers)
      array.push_back(nlohmann::json::parse(runtime::oci_state_json(c.state, c.status, false)));
    out = array.dump() + "\n";
  } else {
    out = fmt::format("{:<12} {:<8} {:<10} {:<40} {:<30} {}\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
    for (const auto& c : *containers) {
      pid_t pid = c.status == runtime::Status::stopped ? 0 : c.state.pid;
      out += fmt::format("{:<12} {:<8} {:<10} {:<40} {:<30} {}\n", c.state.id, pid, runtime::status_name(c.status),
                         c.state.bundle, c.state.created, c.state.owner);
    }
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace ward::cli
