// ward exec [OPTIONS] CONTAINER COMMAND [ARG...]: a command in a running
// container, as `docker exec`: its output on ward's, its exit status
// ward's (126 when it cannot be run or is not found, Docker's code for
// exec; 125 for ward's own failures).  -d starts it and returns.
#include <cstdlib>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/ward/commands.h"
#include "cli/ward/run_flags.h"
#include "cli/ward/run_status.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"detach", "d"}, false, "run the command in the background"},
    {{"detach-keys"}, true, "key sequence to detach (not supported yet)"},
    {{"env", "e"}, true, "set an environment variable (KEY=VALUE, or KEY from ward's environment)"},
    {{"env-file"}, true, "read environment variables from a file"},
    {{"interactive", "i"}, false, "pass ward's stdin to the command"},
    {{"privileged"}, false, "give the command every capability"},
    {{"tty", "t"}, false, "give the command a terminal"},
    {{"user", "u"}, true, "user as NAME|UID[:GROUP|GID], looked up in the container"},
    {{"workdir", "w"}, true, "working directory inside the container"},
    {{"help"}, false, "show help"},
};

std::vector<std::string> values(const ParsedArgs& parsed, const std::string& name) {
  auto all = parsed.all(name);
  if (all.empty() && parsed.has(name)) all.push_back(parsed.value(name));
  return all;
}

}  // namespace

int cmd_exec(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, true);
  if (!parsed) return kReporter.fail("exec", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(("usage: ward exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nRun a command in a running "
                "container.\n\nOptions:\n" +
                flags_help(kFlags))
                   .c_str(),
               stdout);
    return 0;
  }
  if (parsed->has("detach-keys")) return kReporter.fail("exec", "--detach-keys: not supported yet", kExitDockerUsage);
  if (parsed->positional.size() < 2)
    return kReporter.fail("exec", "requires at least 2 arguments: CONTAINER COMMAND [ARG...]", kExitDockerUsage);
  ward::engine::ExecRequest request;
  request.args.assign(parsed->positional.begin() + 1, parsed->positional.end());
  request.interactive = parsed->flag("interactive");
  request.tty = parsed->flag("tty");
  request.detach = parsed->flag("detach");
  request.privileged = parsed->flag("privileged");
  request.user = parsed->value("user");
  request.working_dir = parsed->value("workdir");
  if (!request.working_dir.empty() && !request.working_dir.starts_with('/'))
    return kReporter.fail("exec", fmt::format("--workdir {}: must be an absolute path", request.working_dir),
                          kExitDockerUsage);
  for (const auto& path : values(*parsed, "env-file")) {
    if (auto read = read_env_file(request.env, path); !read)
      return kReporter.fail("exec", read.error(), kExitDockerUsage);
  }
  for (const auto& entry : values(*parsed, "env")) add_env(request.env, entry);
  if (request.interactive && request.tty && !::isatty(STDIN_FILENO))
    return kReporter.fail("exec", "the input device is not a TTY", kExitEngineError);
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("exec", engine.error(), kExitEngineError);
  auto record = engine->find(parsed->positional.front());
  if (!record) return kReporter.fail("exec", record.error(), kExitEngineError);
  auto status = engine->exec(*record, request);
  if (!status) {
    int code = start_failure_status(status.error());
    return kReporter.fail("exec", status.error(), code == kExitNotFound ? kExitCannotInvoke : code);
  }
  return *status;
}

}  // namespace ward::cli::engine
