// Package manager rules: pinned versions, non-interactive switches, caches
// left in the layer, for apt-get, apt, apk, pip, npm, gem, yum, dnf,
// microdnf, zypper and yarn.
#include <algorithm>
#include <cctype>

#include "audit/lint/rules.h"

namespace ward::audit::lint {

namespace {

bool is_path_or_url(std::string_view p) {
  return p.starts_with('.') || p.starts_with('/') || p.starts_with('~') || p.find("://") != std::string_view::npos ||
         p.starts_with("git+") || p.starts_with('$');
}

// The packages after a subcommand that is one of `subcommands`.
std::vector<std::string> packages_after(const ShellCommand& cmd, std::initializer_list<std::string_view> subcommands,
                                        const std::vector<std::string_view>& with_values) {
  auto args = positionals(cmd, with_values);
  if (args.empty() || std::find(subcommands.begin(), subcommands.end(), args[0]) == subcommands.end()) return {};
  args.erase(args.begin());
  return args;
}

bool subcommand_is(const ShellCommand& cmd, std::initializer_list<std::string_view> subcommands,
                   const std::vector<std::string_view>& with_values) {
  auto args = positionals(cmd, with_values);
  return !args.empty() && std::find(subcommands.begin(), subcommands.end(), args[0]) != subcommands.end();
}

bool any_word_contains(const ShellCommand& cmd, std::string_view text) {
  return std::any_of(cmd.words.begin(), cmd.words.end(),
                     [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

// `rm -rf /some/dir...` somewhere in the script.
bool removes(const ShellScript& script, std::string_view dir) {
  for (const ShellCommand* rm : script.all("rm"))
    for (const std::string& w : rm->words)
      if (w.starts_with(dir)) return true;
  return false;
}

// `TOOL clean all` (or `TOOL clean` when `all` is not needed).
bool cleans(const ShellScript& script, std::string_view tool, std::initializer_list<std::string_view> subcommands) {
  for (const ShellCommand* cmd : script.all(tool)) {
    auto args = positionals(*cmd, {});
    if (!args.empty() && std::find(subcommands.begin(), subcommands.end(), args[0]) != subcommands.end()) return true;
  }
  return false;
}

bool has_rpm_version(std::string_view package) {
  // name-1.2.3 or name-1.2-3.el9: a '-' followed by a digit.
  for (size_t i = 0; i + 1 < package.size(); ++i)
    if (package[i] == '-' && std::isdigit(static_cast<unsigned char>(package[i + 1])) != 0) return true;
  return false;
}

// `pip`, `pip3`, `pip3.11`, or `python3 -m pip`.
std::optional<ShellCommand> as_pip(const ShellCommand& cmd) {
  std::string_view name = cmd.name();
  if (name.starts_with("pip")) return cmd;
  if (name.starts_with("python") && cmd.words.size() > 2 && cmd.words[1] == "-m" && cmd.words[2].starts_with("pip")) {
    ShellCommand pip;
    pip.words.assign(cmd.words.begin() + 2, cmd.words.end());
    return pip;
  }
  return std::nullopt;
}

bool pip_env_no_cache(const Dockerfile& df, int stage, int before_line) {
  for (const Instruction& ins : df.instructions) {
    if (ins.line >= before_line) break;
    if (ins.stage != stage || (ins.keyword != "ENV" && ins.keyword != "ARG")) continue;
    for (const KeyValue& kv : ins.pairs)
      if (kv.key == "PIP_NO_CACHE_DIR" && kv.value != "0" && kv.value != "false" && !kv.value.empty()) return true;
  }
  return false;
}

const std::vector<std::string_view> kAptValues = {"-o", "-c", "-t", "--target-release", "--option"};
const std::vector<std::string_view> kApkValues = {"-t", "--virtual", "-X",          "--repository", "--root",
                                                  "-p", "--arch",    "--cache-dir", "--keys-dir"};
const std::vector<std::string_view> kPipValues = {"-r",
                                                  "--requirement",
                                                  "-c",
                                                  "--constraint",
                                                  "-e",
                                                  "--editable",
                                                  "-i",
                                                  "--index-url",
                                                  "--extra-index-url",
                                                  "-f",
                                                  "--find-links",
                                                  "-t",
                                                  "--target",
                                                  "--prefix",
                                                  "--root",
                                                  "--trusted-host",
                                                  "--platform",
                                                  "--python-version",
                                                  "--src",
                                                  "--upgrade-strategy",
                                                  "--progress-bar",
                                                  "--cache-dir",
                                                  "--implementation",
                                                  "--abi",
                                                  "--only-binary",
                                                  "--no-binary",
                                                  "--report",
                                                  "--proxy",
                                                  "--timeout",
                                                  "--retries"};
const std::vector<std::string_view> kRpmValues = {"--setopt",  "--releasever", "--installroot", "-c",
                                                  "--config",  "--enablerepo", "--disablerepo", "-x",
                                                  "--exclude", "--repo",       "--repofrom"};

void check_apt(RuleContext& c, const Instruction& run, const ShellScript& script, bool final_stage) {
  bool installs = false, updates = false;
  for (const ShellCommand* apt : script.all("apt-get")) {
    if (subcommand_is(*apt, {"update"}, kAptValues)) updates = true;
    if (!subcommand_is(*apt, {"install"}, kAptValues)) continue;
    installs = true;
    auto packages = packages_after(*apt, {"install"}, kAptValues);
    for (const std::string& p : packages)
      if (p.find('=') == std::string::npos && p.find('/') == std::string::npos && !p.ends_with(".deb") &&
          !p.starts_with('$')) {
        c.report(
            "DL3008", run.line,
            fmt::format(
                "Pin versions in apt get install. Instead of `apt-get install {0}` use `apt-get install {0}=<version>`",
                p));
        break;
      }
    if (!apt->has_any({"-y", "--yes", "--assume-yes", "-qq", "-q=2", "--quiet=2"})) c.report("DL3014", run.line);
    if (!apt->has("--no-install-recommends") && !any_word_contains(*apt, "Install-Recommends=false") &&
        !any_word_contains(*apt, "Install-Recommends=0"))
      c.report("DL3015", run.line);
  }
  if ((installs || updates) && final_stage && !removes(script, "/var/lib/apt/lists") &&
      !mounts_cache_at(run, "/var/lib/apt/lists"))
    c.report("DL3009", run.line);
  if (script.uses("apt")) c.report("DL3027", run.line);
}

void check_apk(RuleContext& c, const Instruction& run, const ShellScript& script) {
  for (const ShellCommand* apk : script.all("apk")) {
    if (!subcommand_is(*apk, {"add"}, kApkValues)) continue;
    for (const std::string& p : packages_after(*apk, {"add"}, kApkValues))
      if (p.find_first_of("=<>~") == std::string::npos && !p.ends_with(".apk") && !is_path_or_url(p)) {
        c.report("DL3018", run.line,
                 fmt::format("Pin versions in apk add. Instead of `apk add {0}` use `apk add {0}=<version>`", p));
        break;
      }
    if (!apk->has("--no-cache") && !mounts_cache_at(run, "/var/cache/apk")) c.report("DL3019", run.line);
  }
}

void check_pip(RuleContext& c, const Instruction& run, const ShellScript& script) {
  for (const ShellCommand& cmd : script.commands) {
    auto pip = as_pip(cmd);
    if (!pip || !subcommand_is(*pip, {"install"}, kPipValues)) continue;
    if (!pip->has_any({"-r", "--requirement", "-c", "--constraint", "-e", "--editable"})) {
      for (const std::string& p : packages_after(*pip, {"install"}, kPipValues)) {
        if (is_path_or_url(p) || p.ends_with(".whl") || p.ends_with(".tar.gz") || p.ends_with(".zip")) continue;
        if (p.find_first_of("=<>~@!") == std::string::npos) {
          c.report(
              "DL3013", run.line,
              fmt::format("Pin versions in pip. Instead of `pip install {0}` use `pip install {0}==<version>`", p));
          break;
        }
      }
    }
    if (!pip->has("--no-cache-dir") && !pip_env_no_cache(c.dockerfile, run.stage, run.line) &&
        !mounts_cache_at(run, "/root/.cache/pip") && !mounts_cache_at(run, "/root/.cache"))
      c.report("DL3042", run.line);
  }
}

void check_npm(RuleContext& c, const Instruction& run, const ShellScript& script) {
  for (const ShellCommand* npm : script.all("npm")) {
    for (const std::string& p : packages_after(*npm, {"install", "i", "add", "isntall", "in"},
                                               {"--prefix", "--registry", "-w", "--workspace"})) {
      if (is_path_or_url(p) || p.ends_with(".tgz") || p.ends_with(".tar.gz") || p.starts_with("git") ||
          p.starts_with("github:") || p.starts_with("file:"))
        continue;
      size_t at = p.find('@', p.starts_with('@') ? 1 : 0);
      if (at == std::string::npos) {
        c.report("DL3016", run.line,
                 fmt::format("Pin versions in npm. Instead of `npm install {0}` use `npm install {0}@<version>`", p));
        break;
      }
    }
  }
}

void check_gem(RuleContext& c, const Instruction& run, const ShellScript& script) {
  for (const ShellCommand* gem : script.all("gem")) {
    if (gem->has_any({"-v", "--version"})) continue;
    for (const std::string& p : packages_after(*gem, {"install", "i"},
                                               {"-i", "--install-dir", "-n", "--bindir", "-s", "--source", "-P",
                                                "--trust-policy", "-g", "--file", "--platform"}))
      if (p.find(':') == std::string::npos && !p.ends_with(".gem") && !is_path_or_url(p)) {
        c.report("DL3028", run.line,
                 fmt::format(
                     "Pin versions in gem install. Instead of `gem install {0}` use `gem install {0}:<version>`", p));
        break;
      }
  }
}

void check_rpm_family(RuleContext& c, const Instruction& run, const ShellScript& script) {
  bool yum_installs = false, dnf_installs = false;
  for (const ShellCommand* yum : script.all("yum")) {
    if (!subcommand_is(*yum, {"install", "groupinstall", "localinstall", "reinstall"}, kRpmValues)) continue;
    yum_installs = true;
    if (!yum->has_any({"-y", "--assumeyes"})) c.report("DL3030", run.line);
    if (subcommand_is(*yum, {"install"}, kRpmValues))
      for (const std::string& p : packages_after(*yum, {"install"}, kRpmValues))
        if (!has_rpm_version(p) && !p.ends_with(".rpm") && !is_path_or_url(p)) {
          c.report("DL3033", run.line, fmt::format("Specify version with `yum install -y {0}-<version>`", p));
          break;
        }
  }
  if (yum_installs && !cleans(script, "yum", {"clean"}) && !removes(script, "/var/cache/yum") &&
      !mounts_cache_at(run, "/var/cache/yum"))
    c.report("DL3032", run.line);
  for (std::string_view tool : {"dnf", "microdnf"}) {
    for (const ShellCommand* dnf : script.all(tool)) {
      if (!subcommand_is(*dnf, {"install", "groupinstall", "localinstall", "reinstall"}, kRpmValues)) continue;
      dnf_installs = true;
      if (!dnf->has_any({"-y", "--assumeyes"}) && tool == "dnf") c.report("DL3038", run.line);
      if (subcommand_is(*dnf, {"install"}, kRpmValues))
        for (const std::string& p : packages_after(*dnf, {"install"}, kRpmValues))
          if (!has_rpm_version(p) && !p.ends_with(".rpm") && !is_path_or_url(p) && !p.starts_with('@')) {
            c.report("DL3041", run.line, fmt::format("Specify version with `{} install -y {}-<version>`", tool, p));
            break;
          }
    }
  }
  if (dnf_installs && !cleans(script, "dnf", {"clean"}) && !cleans(script, "microdnf", {"clean"}) &&
      !removes(script, "/var/cache/dnf") && !removes(script, "/var/cache/yum") &&
      !mounts_cache_at(run, "/var/cache/dnf"))
    c.report("DL3040", run.line);
}

void check_zypper(RuleContext& c, const Instruction& run, const ShellScript& script) {
  bool installs = false;
  for (const ShellCommand* zypper : script.all("zypper")) {
    static const std::vector<std::string_view> values = {"--root", "-R", "--repo", "-r", "--from", "-t", "--type"};
    if (subcommand_is(*zypper, {"dist-upgrade", "dup"}, values)) c.report("DL3035", run.line);
    if (!subcommand_is(*zypper, {"install", "in", "remove", "rm", "source-install", "si", "patch"}, values)) continue;
    if (!zypper->has_any({"-n", "--non-interactive", "-y", "--no-confirm"})) c.report("DL3034", run.line);
    if (!subcommand_is(*zypper, {"install", "in"}, values)) continue;
    installs = true;
    for (const std::string& p : packages_after(*zypper, {"install", "in"}, values))
      if (p.find_first_of("=<>") == std::string::npos && !p.ends_with(".rpm") && !is_path_or_url(p)) {
        c.report("DL3037", run.line, fmt::format("Specify version with `zypper install -y {}=<version>`", p));
        break;
      }
  }
  if (installs && !cleans(script, "zypper", {"clean", "cc"}) && !mounts_cache_at(run, "/var/cache/zypp"))
    c.report("DL3036", run.line);
}

void check_yarn(RuleContext& c, const Instruction& run, const ShellScript& script) {
  bool installs =
      std::ranges::any_of(script.all("yarn"), [](const ShellCommand* y) { return subcommand_is(*y, {"install"}, {}); });
  bool cleaned = std::ranges::any_of(script.all("yarn"), [](const ShellCommand* y) {
    auto a = positionals(*y, {});
    return a.size() >= 2 && a[0] == "cache" && a[1] == "clean";
  });
  if (installs && !cleaned && !mounts_cache_at(run, "/usr/local/share/.cache/yarn")) c.report("DL3060", run.line);
}

}  // namespace

void check_packages(RuleContext& c) {
  int last_stage = static_cast<int>(c.dockerfile.stages.size()) - 1;
  for (const Instruction* run : run_instructions(c.dockerfile)) {
    ShellScript script = parse_shell(run_script(*run));
    check_apt(c, *run, script, run->stage == last_stage);
    check_apk(c, *run, script);
    check_pip(c, *run, script);
    check_npm(c, *run, script);
    check_gem(c, *run, script);
    check_rpm_family(c, *run, script);
    check_zypper(c, *run, script);
    check_yarn(c, *run, script);
  }
}

}  // namespace ward::audit::lint
