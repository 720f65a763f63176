#include <signal.h>

#include "cli/oci/commands.h"
#include "oci/signals.h"
#include "runtime/container.h"

namespace ward::cli {

int cmd_kill(const GlobalOptions& global, const std::vector<std::string>& args) {
  auto parsed = parse_verb("kill", args, {{{"all", "a"}, false, "send the signal to all processes of the container"}},
                           1, 2, "[command options] <container-id> [signal]");
  if (!parsed) return 1;
  int signal = SIGTERM;
  if (parsed->positional.size() == 2) {
    auto parsed_signal = oci::parse_signal(parsed->positional[1]);
    if (!parsed_signal) return report_error(fmt::format("kill: unknown signal \"{}\"", parsed->positional[1]));
    signal = *parsed_signal;
  }
  runtime::Runtime runtime(global.root);
  if (auto r = runtime.kill(parsed->positional[0], signal, parsed->flag("all")); !r) return report_error(r.error());
  return 0;
}

}  // namespace ward::cli
