// Rules about what a RUN runs, other than package managers: commands that
// make no sense in a build, cd, sudo, useradd, wget/curl, go install, the
// /bin/sh link.
#include <algorithm>
#include <cctype>

#include "audit/lint/rules.h"

namespace ward::audit::lint {

std::vector<const Instruction*> run_instructions(const Dockerfile& dockerfile) {
  std::vector<const Instruction*> out;
  for (const Instruction& ins : dockerfile.instructions) {
    if (ins.keyword == "RUN")
      out.push_back(&ins);
    else if (ins.keyword == "ONBUILD" && !ins.trigger.empty() && ins.trigger[0].keyword == "RUN")
      out.push_back(&ins.trigger[0]);
  }
  return out;
}

std::string run_script(const Instruction& run) {
  if (run.json_form) {
    std::string joined;
    for (const std::string& arg : run.json_arguments) joined += (joined.empty() ? "" : " ") + arg;
    return joined;
  }
  if (!run.heredocs.empty() && run.arguments.starts_with("<<")) {
    std::string script;
    for (const Heredoc& doc : run.heredocs) script += doc.body;
    return script;
  }
  return run.arguments;
}

bool mounts_cache_at(const Instruction& run, std::string_view path) {
  for (const Flag& flag : run.flags) {
    if (flag.name != "mount") continue;
    std::string_view rest = flag.value;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view option = rest.substr(0, comma);
      size_t eq = option.find('=');
      if (eq != std::string_view::npos) {
        std::string_view key = option.substr(0, eq), value = option.substr(eq + 1);
        if ((key == "target" || key == "dst" || key == "destination") &&
            (value == path || (value.starts_with(path) && value.size() > path.size() && value[path.size()] == '/') ||
             (path.starts_with(value) && path.size() > value.size() && path[value.size()] == '/')))
          return true;
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

std::vector<std::string> positionals(const ShellCommand& command, const std::vector<std::string_view>& with_values) {
  std::vector<std::string> out;
  for (size_t i = 1; i < command.words.size(); ++i) {
    const std::string& w = command.words[i];
    if (w.starts_with('-')) {
      if (std::find(with_values.begin(), with_values.end(), w) != with_values.end()) ++i;
      continue;
    }
    out.push_back(w);
  }
  return out;
}

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

// useradd -u 123456 without -l writes a huge sparse /var/log/lastlog.
bool high_uid_without_l(const ShellCommand& cmd) {
  if (cmd.has_any({"-l", "--no-log-init"})) return false;
  for (size_t i = 1; i < cmd.words.size(); ++i) {
    std::string_view w = cmd.words[i];
    std::string_view uid;
    if ((w == "-u" || w == "--uid") && i + 1 < cmd.words.size())
      uid = cmd.words[i + 1];
    else if (w.starts_with("--uid="))
      uid = w.substr(6);
    else if (w.starts_with("-u") && w.size() > 2 && all_digits(w.substr(2)))
      uid = w.substr(2);
    if (all_digits(uid) && uid.size() > 5) return true;
  }
  return false;
}

}  // namespace

void check_run(RuleContext& c) {
  static const std::vector<std::string_view> pointless = {"ssh",  "vim", "shutdown", "service", "ps",
                                                          "free", "top", "kill",     "mount",   "ifconfig"};
  std::string_view first_downloader;  // "curl" or "wget", whichever came first
  for (const Instruction* run : run_instructions(c.dockerfile)) {
    ShellScript script = parse_shell(run_script(*run));
    int line = run->line;
    for (std::string_view name : pointless)
      if (script.uses(name)) {
        c.report(
            "DL3001", line,
            fmt::format("For some bash commands it makes no sense running them in a Docker container like {}", name));
        break;
      }
    if (script.uses("cd")) c.report("DL3003", line);
    if (script.uses("sudo")) c.report("DL3004", line);
    if (std::ranges::any_of(script.all("useradd"), [](const ShellCommand* u) { return high_uid_without_l(*u); }))
      c.report("DL3046", line);
    if (std::ranges::any_of(script.all("wget"), [](const ShellCommand* w) {
          return !w->has_any(
              {"--progress", "-q", "--quiet", "-nv", "--no-verbose", "-o", "--output-file", "-a", "--append-output"});
        }))
      c.report("DL3047", line);
    for (std::string_view tool : {"curl", "wget"}) {
      if (!script.uses(tool)) continue;
      if (first_downloader.empty())
        first_downloader = tool;
      else if (first_downloader != tool) {
        c.report("DL4001", line);
        break;
      }
    }
    for (const ShellCommand* ln : script.all("ln"))
      if (ln->has("/bin/sh")) c.report("DL4005", line);
    for (const ShellCommand* go : script.all("go")) {
      auto args = positionals(*go, {"-C", "-o", "-tags", "-ldflags", "-gcflags", "-mod"});
      if (args.empty() || args[0] != "install") continue;
      for (size_t i = 1; i < args.size(); ++i) {
        const std::string& module = args[i];
        if (module.starts_with('.') || module.starts_with('/')) continue;
        size_t at = module.rfind('@');
        if (at == std::string::npos || module.substr(at + 1) == "latest") {
          c.report("DL3062", line, fmt::format("Pin versions in go install ({})", module));
          break;
        }
      }
    }
  }
}

}  // namespace ward::audit::lint
