// ward attach [--detach-keys KEYS] [--no-stdin] [--sig-proxy=false]
// CONTAINER: this terminal's stdio joined to a running detached
// container's through its monitor.  Exits with the container's status, or
// 0 when the detach keys (default ctrl-p,ctrl-q) leave it running.
#include <fmt/format.h>

#include "cli/ward/commands.h"
#include "engine/detach_keys.h"

namespace ward::cli::engine {

int attach_running(std::string_view verb, ward::engine::Engine& engine, const ward::engine::ContainerRecord& container,
                   const ParsedArgs& parsed, bool with_stdin) {
  std::string keys_text = parsed.value("detach-keys");
  if (keys_text.empty()) keys_text = ward::engine::kDefaultDetachKeys;
  auto keys = ward::engine::parse_detach_keys(keys_text);
  if (!keys) return kReporter.fail(verb, keys.error(), kExitDockerUsage);
  ward::engine::AttachRequest request;
  request.detach_keys = *keys;
  request.stdin = with_stdin;
  request.sig_proxy = parsed.value("sig-proxy", "true") == "true";
  auto outcome = engine.attach(container, request);
  if (!outcome) return kReporter.fail(verb, outcome.error());
  return outcome->detached ? 0 : outcome->exit_code;
}

int cmd_attach(const WardOptions& options, const std::vector<std::string>& args) {
  static const std::vector<FlagSpec> kFlags = {
      {{"detach-keys"}, true, "the key sequence that detaches, leaving the container running (default ctrl-p,ctrl-q)"},
      {{"no-stdin"}, false, "do not attach stdin"},
      {{"sig-proxy"}, false, "forward the signals ward receives to the container (default true; not with a terminal)"},
  };
  auto parsed = parse_container_verb("attach", "[OPTIONS] CONTAINER",
                                     "Attach local standard input, output, and error streams to a running container.",
                                     args, kFlags);
  if (!parsed) return kExitDockerUsage;
  if (parsed->positional.size() != 1) return kReporter.fail("attach", "requires exactly 1 argument", kExitDockerUsage);
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("attach", engine.error());
  auto record = engine->find(parsed->positional.front());
  if (!record) return kReporter.fail("attach", record.error());
  return attach_running("attach", *engine, *record, *parsed, !parsed->flag("no-stdin"));
}

}  // namespace ward::cli::engine
