// Rules over a stage or the whole file: base images, stage names, COPY
// --from, the last USER, repeated CMD/ENTRYPOINT/HEALTHCHECK, consecutive
// RUNs, pipes without pipefail, the SHELL in effect.
#include <algorithm>
#include <cctype>
#include <set>

#include "audit/lint/rules.h"

namespace ward::audit::lint {

namespace {

bool is_number(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// The registry of an image reference: the first component when it looks
// like a host (has a '.' or ':' or is localhost), else docker.io.
std::string registry_of(std::string_view image) {
  size_t slash = image.find('/');
  if (slash == std::string_view::npos) return "docker.io";
  std::string_view first = image.substr(0, slash);
  if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos || first == "localhost")
    return std::string(first);
  return "docker.io";
}

// The tag of a reference, "" when none ("host:5000/app" has none).
std::string tag_of(std::string_view image) {
  size_t at = image.find('@');
  if (at != std::string_view::npos) image = image.substr(0, at);
  size_t slash = image.rfind('/');
  size_t colon = image.rfind(':');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash)) return "";
  return std::string(image.substr(colon + 1));
}

bool is_root(std::string_view user) {
  std::string_view name = user.substr(0, user.find(':'));
  return name == "root" || name == "0";
}

void check_from(RuleContext& c, const Instruction& ins, const std::set<std::string>& earlier_names) {
  const Stage& stage = c.dockerfile.stages[static_cast<size_t>(ins.stage)];
  const std::string& image = stage.image;
  if (image == "scratch" || image.find('$') != std::string::npos || earlier_names.contains(lower(image))) return;
  std::string tag = tag_of(image);
  bool digest = image.find('@') != std::string::npos;
  if (tag.empty() && !digest)
    c.report("DL3006", ins.line, fmt::format("Always tag the version of an image explicitly ({})", image));
  if (tag == "latest")
    c.report("DL3007", ins.line,
             fmt::format("Using latest is prone to errors if the image will ever update. Pin the version explicitly to "
                         "a release tag ({})",
                         image));
  if (!c.config.trusted_registries.empty()) {
    std::string registry = registry_of(image);
    bool trusted = std::any_of(
        c.config.trusted_registries.begin(), c.config.trusted_registries.end(),
        [&](const std::string& r) { return r == registry || (r == "docker.io" && registry == "index.docker.io"); });
    if (!trusted)
      c.report("DL3026", ins.line,
               fmt::format("Use only an allowed registry in the FROM image ({} is not trusted)", registry));
  }
}

}  // namespace

void check_stages(RuleContext& c) {
  const Dockerfile& df = c.dockerfile;
  std::set<std::string> names;           // stage names seen so far
  std::set<std::string> workdir_stages;  // names of stages with a WORKDIR, for children
  bool stage_has_workdir = false;
  int healthchecks = 0, cmds = 0, entrypoints = 0;
  const Instruction* last_user = nullptr;
  const Instruction* previous = nullptr;
  bool pipefail_shell = false, non_posix_shell = false;
  bool any_healthcheck = false;
  std::string current_name;
  for (const Instruction& ins : df.instructions) {
    const std::string& k = ins.keyword;
    if (k == "FROM") {
      if (!current_name.empty() && stage_has_workdir) workdir_stages.insert(current_name);
      const Stage& stage = df.stages[static_cast<size_t>(ins.stage)];
      check_from(c, ins, names);
      if (!stage.name.empty()) {
        if (names.contains(stage.name))
          c.report("DL3024", ins.line, fmt::format("FROM aliases (stage names) must be unique ({})", stage.name));
        names.insert(stage.name);
      }
      current_name = stage.name;
      stage_has_workdir = workdir_stages.contains(lower(stage.image));
      healthchecks = cmds = entrypoints = 0;
      last_user = nullptr;
      pipefail_shell = non_posix_shell = false;
      previous = &ins;
      continue;
    }
    if (k == "WORKDIR")
      stage_has_workdir = true;
    else if (k == "USER")
      last_user = &ins;
    else if (k == "HEALTHCHECK") {
      any_healthcheck = true;
      if (++healthchecks > 1) c.report("DL3012", ins.line);
    } else if (k == "CMD") {
      if (++cmds > 1) c.report("DL4003", ins.line);
    } else if (k == "ENTRYPOINT") {
      if (++entrypoints > 1) c.report("DL4004", ins.line);
    } else if (k == "SHELL" && !ins.json_arguments.empty()) {
      const auto& a = ins.json_arguments;
      std::string program = a[0].substr(a[0].rfind('/') + 1);
      non_posix_shell = program.starts_with("pwsh") || program.starts_with("powershell") || program.starts_with("cmd");
      pipefail_shell = false;
      // "-o pipefail", "-eo pipefail", "-euxo pipefail".
      for (size_t i = 0; i + 1 < a.size(); ++i)
        if (a[i].size() >= 2 && a[i][0] == '-' && a[i][1] != '-' && a[i].back() == 'o' && a[i + 1] == "pipefail")
          pipefail_shell = true;
    } else if (k == "COPY") {
      if (const Flag* from = ins.flag("from")) {
        std::string source = lower(from->value);
        if (!current_name.empty() && source == current_name)
          c.report("DL3023", ins.line);
        else if (!names.contains(source) && !is_number(source) && source.find(':') == std::string::npos &&
                 source.find('/') == std::string::npos && source.find('$') == std::string::npos)
          c.report("DL3022", ins.line,
                   fmt::format("COPY --from should reference a previously defined FROM alias ({})", from->value));
      }
      if (!stage_has_workdir && ins.words.size() >= 2 && ins.heredocs.empty()) {
        const std::string& dest = ins.words.back();
        bool absolute = dest.starts_with('/') || dest.starts_with('$') ||
                        (dest.size() > 1 && std::isalpha(static_cast<unsigned char>(dest[0])) != 0 && dest[1] == ':');
        if (!absolute) c.report("DL3045", ins.line);
      }
    } else if (k == "RUN") {
      if (previous != nullptr && previous->keyword == "RUN" && previous->flags.size() == ins.flags.size() &&
          std::equal(ins.flags.begin(), ins.flags.end(), previous->flags.begin(),
                     [](const Flag& a, const Flag& b) { return a.name == b.name && a.value == b.value; }))
        c.report("DL3059", ins.line);
      if (!ins.json_form && !pipefail_shell && !non_posix_shell) {
        ShellScript script = parse_shell(run_script(ins));
        // `set -o pipefail` (or -eo pipefail) inside the script counts too.
        bool sets_pipefail =
            std::ranges::any_of(script.all("set"), [](const ShellCommand* set) { return set->has("pipefail"); });
        if (script.has_pipe && !sets_pipefail) c.report("DL4006", ins.line);
      }
    }
    previous = &ins;
  }
  if (last_user != nullptr && !last_user->words.empty() && is_root(last_user->words[0]))
    c.report("DL3002", last_user->line, fmt::format("Last USER should not be root ({})", last_user->words[0]));
  if (!any_healthcheck && !df.instructions.empty()) c.report("DL3057", df.instructions.back().line);
}

}  // namespace ward::audit::lint
