// Sections 1 to 3: ward's host, configuration and files.
#include "audit/bench/host_checks.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "audit/bench/catalog.h"
#include "audit/bench/oci_config.h"
#include "oci/spec_default.h"
#include "util/sys.h"

namespace ward::audit::bench {

namespace {

std::optional<struct stat> stat_of(const std::string& path) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return std::nullopt;
  return st;
}

std::string read_or_empty(const std::string& path) {
  auto text = sys::read_file(path);
  return text ? *text : std::string();
}

bool under(std::string_view path, std::string_view dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
  if (path == dir) return true;
  if (dir == "/") return path.starts_with('/');
  return path.starts_with(dir) && path.size() > dir.size() && path[dir.size()] == '/';
}

std::string trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return std::string(text);
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    out.emplace_back(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  return out;
}

// The quoted strings of a TOML value: "a", 'b'.
std::vector<std::string> quoted_strings(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char quote = text[i];
    if (quote != '"' && quote != '\'') continue;
    std::size_t end = text.find(quote, i + 1);
    if (end == std::string_view::npos) break;
    out.emplace_back(text.substr(i + 1, end - i - 1));
    i = end;
  }
  return out;
}

// A TOML line without its comment (a '#' outside quotes).
std::string without_comment(std::string_view line) {
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      return trim(line.substr(0, i));
    }
  }
  return trim(line);
}

// --- section 1 ---

CheckResult separate_partition(const HostPaths& paths) {
  std::error_code error;
  std::filesystem::path root = std::filesystem::canonical(paths.store_root, error);
  if (error) return make_result("1.1.1", Level::info, fmt::format("there is no store at {} yet", paths.store_root));
  std::string text = read_or_empty(paths.mountinfo);
  if (text.empty()) return make_result("1.1.1", Level::info, fmt::format("cannot read {}", paths.mountinfo));
  std::string best;
  for (const sys::MountInfo& m : sys::parse_mountinfo(text))
    if (under(root.string(), m.mount_point) && m.mount_point.size() > best.size()) best = m.mount_point;
  if (best.empty() || best == "/")
    return make_result("1.1.1", Level::warn, fmt::format("the store {} is on the root filesystem", root.string()),
                       {root.string()});
  return make_result("1.1.1", Level::pass, fmt::format("the store {} is on its own mount, {}", root.string(), best));
}

struct AuditRules {
  bool found = false;                // any rules file at all
  std::vector<std::string> watched;  // every watched path
};

AuditRules read_audit_rules(const HostPaths& paths) {
  AuditRules rules;
  std::vector<std::string> files = paths.audit_rule_files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(paths.audit_rules_dir, error))
    if (entry.path().extension() == ".rules") files.push_back(entry.path().string());
  for (const std::string& file : files) {
    auto text = sys::read_file(file);
    if (!text) continue;
    rules.found = true;
    for (std::string& path : audit_watched_paths(*text)) rules.watched.push_back(std::move(path));
  }
  return rules;
}

CheckResult audited(std::string_view id, const AuditRules& rules, const std::string& path, std::string_view what) {
  if (path.empty() || !stat_of(path))
    return make_result(id, Level::info,
                       fmt::format("{} {} does not exist here", what, path.empty() ? "(unknown)" : path));
  if (!rules.found)
    return make_result(id, Level::warn,
                       "no auditd rules: neither /etc/audit/audit.rules nor /etc/audit/rules.d/*.rules", {path});
  bool watched =
      std::any_of(rules.watched.begin(), rules.watched.end(), [&](const std::string& w) { return under(path, w); });
  if (watched) return make_result(id, Level::pass);
  return make_result(id, Level::warn, fmt::format("no auditd rule watches {}", path), {path});
}

// --- section 2 ---

CheckResult insecure_registry_check(const HostPaths& paths) {
  auto text = sys::read_file(paths.registries_conf);
  if (!text)
    return make_result("2.5", Level::pass,
                       fmt::format("ward allows plain HTTP only to loopback registries and has no setting to allow "
                                   "more; {} does not exist",
                                   paths.registries_conf));
  std::vector<std::string> insecure = insecure_registries(*text);
  if (insecure.empty()) return make_result("2.5", Level::pass);
  return make_result("2.5", Level::warn,
                     fmt::format("{} marks registries insecure (ward does not read it; podman, buildah and skopeo "
                                 "do): {}",
                                 paths.registries_conf, fmt::join(insecure, " ")),
                     insecure);
}

// Whether `file` (subuid(5) format) gives user `name` a range.
bool has_range(const std::string& file, std::string_view name) {
  for (const std::string& line : lines_of(read_or_empty(file)))
    if (line.starts_with(std::string(name) + ":")) return true;
  return false;
}

// --- section 3 ---

std::string mode_text(mode_t mode) {
  return fmt::format("{:03o}", mode & 07777);
}

}  // namespace

std::vector<std::string> audit_watched_paths(std::string_view rules) {
  std::vector<std::string> out;
  for (const std::string& raw : lines_of(rules)) {
    std::string line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> words;
    std::size_t at = 0;
    while (at < line.size()) {
      std::size_t start = line.find_first_not_of(" \t", at);
      if (start == std::string::npos) break;
      std::size_t end = line.find_first_of(" \t", start);
      words.push_back(line.substr(start, end == std::string::npos ? std::string::npos : end - start));
      at = end == std::string::npos ? line.size() : end;
    }
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
      if (words[i] == "-w") out.push_back(words[i + 1]);
      if (words[i] == "-F")
        for (std::string_view key : {"path=", "dir="})
          if (words[i + 1].starts_with(key)) out.push_back(words[i + 1].substr(key.size()));
    }
  }
  return out;
}

std::vector<std::string> insecure_registries(std::string_view conf) {
  std::vector<std::string> out;
  std::string table;
  std::string location;
  bool insecure = false;
  bool in_v1_list = false;  // inside [registries.insecure]'s registries = [ ... ]
  auto flush = [&] {
    if ((table == "[[registry]]" || table == "[[registry.mirror]]") && insecure && !location.empty())
      out.push_back(location);
    location.clear();
    insecure = false;
  };
  for (const std::string& raw : lines_of(conf)) {
    std::string line = without_comment(raw);
    if (line.empty()) continue;
    if (in_v1_list) {
      for (std::string& name : quoted_strings(line)) out.push_back(std::move(name));
      if (line.find(']') != std::string::npos) in_v1_list = false;
      continue;
    }
    if (line.front() == '[') {
      flush();
      table = line;
      continue;
    }
    std::size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(std::string_view(line).substr(0, eq));
    std::string value = trim(std::string_view(line).substr(eq + 1));
    if (table == "[registries.insecure]" && key == "registries") {
      for (std::string& name : quoted_strings(value)) out.push_back(std::move(name));
      in_v1_list = value.find(']') == std::string::npos;
      continue;
    }
    if (key == "location" || (key == "prefix" && location.empty())) {
      auto names = quoted_strings(value);
      if (!names.empty()) location = names.front();
    }
    if (key == "insecure") insecure = value == "true";
  }
  flush();
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

HostPaths default_host_paths(const std::string& store_root) {
  HostPaths paths;
  paths.store_root = store_root;
  std::error_code error;
  auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    paths.ward_binary = self.string();
    paths.runtime_binary = (self.parent_path() / "ward-oci").string();
  }
  paths.owner = ::geteuid();
  return paths;
}

Section host_section(const HostPaths& paths, std::string_view version) {
  Section section{"1", "Host Configuration", {}, {}};
  auto& out = section.results;
  out.push_back(separate_partition(paths));
  out.push_back(make_result("1.1.2", Level::info,
                            "ward has no daemon and no socket: whoever can write the store controls its images and "
                            "containers, so W.3.1 checks the store's owner and mode"));
  AuditRules rules = read_audit_rules(paths);
  out.push_back(audited("1.1.3", rules, paths.ward_binary, "the engine binary"));
  out.push_back(audited("1.1.4", rules, paths.run_dir, "the run directory"));
  out.push_back(audited("1.1.5", rules, paths.store_root, "the store"));
  out.push_back(audited("1.1.6", rules, paths.config_dir, "the configuration directory"));
  out.push_back(audited("1.1.18", rules, paths.runtime_binary, "the runtime binary"));
  out.push_back(make_result("1.2.1", Level::note, "hardening the host is for its administrator to judge"));
  out.push_back(
      make_result("1.2.2", Level::info,
                  fmt::format("ward {}: compare it with the latest release; ward cannot look it up offline", version)));
  return section;
}

Section engine_configuration_section(const HostPaths& paths) {
  Section section{"2", "Engine Configuration", {}, {}};
  auto& out = section.results;
  if (paths.owner == 0)
    out.push_back(make_result("2.1", Level::info,
                              "ward runs as root here; rootless ward (a user's own store, with user namespaces) "
                              "works too"));
  else
    out.push_back(make_result("2.1", Level::pass, fmt::format("ward runs as uid {}", paths.owner)));
  out.push_back(
      make_result("2.2", Level::info, "ward has no container networks yet (the network module is not built)"));
  out.push_back(insecure_registry_check(paths));

  // What every container gets by default: the config `ward-oci spec` writes
  // (SPEC section 3), which the engine is to use as its base.
  bool rootless = paths.owner != 0;
  auto defaults = parse_oci_config(oci::default_spec_json(rootless, false), "ward-oci spec");
  bool subuid = has_range(paths.subuid, "ward");
  bool subgid = has_range(paths.subgid, "ward");
  if (rootless) {
    out.push_back(make_result(
        "2.9", Level::note,
        fmt::format("containers of a rootless ward are not supported yet; ward-oci spec's rootless default config {} "
                    "user namespace",
                    defaults && defaults->user.kind != NamespaceMode::host ? "has a" : "has no")));
  } else {
    out.push_back(make_result(
        "2.9", Level::pass,
        fmt::format("every ward container gets a user namespace of its own by default (--userns auto): 65536 ids "
                    "from the ward entries of {} and {}, which {} ({} has {} ward range, {} {}); --userns host and "
                    "--privileged opt out, with a warning",
                    paths.subuid, paths.subgid, subuid && subgid ? "exist" : "ward adds on the first run", paths.subuid,
                    subuid ? "a" : "no", paths.subgid, subgid ? "has one" : "has none")));
  }
  out.push_back(make_result("2.13", Level::info,
                            "ward keeps each container's output in its json-file log (ward logs); it has no remote "
                            "log driver (syslog, journald) yet"));
  if (!defaults) {
    out.push_back(
        make_result("2.14", Level::info, fmt::format("ward-oci spec's default: {}", defaults.error().what())));
    out.push_back(
        make_result("2.17", Level::info, fmt::format("ward-oci spec's default: {}", defaults.error().what())));
    return section;
  }
  out.push_back(make_result("2.14", defaults->no_new_privileges ? Level::pass : Level::warn,
                            defaults->no_new_privileges
                                ? "ward-oci spec's default config sets noNewPrivileges"
                                : "ward-oci spec's default config lets processes gain privileges"));
  out.push_back(make_result("2.17", defaults->seccomp_unconfined ? Level::warn : Level::pass,
                            defaults->seccomp_unconfined
                                ? "ward-oci spec's default config has no seccomp filter"
                                : "ward-oci spec's default config has ward's seccomp profile"));
  return section;
}

Section engine_files_section(const HostPaths& paths) {
  Section section{"3", "Engine Configuration Files", {}, {}};
  auto& out = section.results;
  if (auto st = stat_of(paths.config_dir)) {
    bool root_owned = st->st_uid == 0 && st->st_gid == 0;
    out.push_back(
        make_result("3.5", root_owned ? Level::pass : Level::warn,
                    root_owned ? "" : fmt::format("{} is owned by {}:{}", paths.config_dir, st->st_uid, st->st_gid),
                    root_owned ? std::vector<std::string>{} : std::vector<std::string>{paths.config_dir}));
    bool strict = (st->st_mode & 022) == 0;
    out.push_back(make_result("3.6", strict ? Level::pass : Level::warn,
                              strict ? "" : fmt::format("{} is mode {}", paths.config_dir, mode_text(st->st_mode)),
                              strict ? std::vector<std::string>{} : std::vector<std::string>{paths.config_dir}));
  } else {
    std::string why = fmt::format("{} does not exist: ward reads no configuration there yet", paths.config_dir);
    out.push_back(make_result("3.5", Level::info, why));
    out.push_back(make_result("3.6", Level::info, why));
  }
  auto root = stat_of(paths.store_root);
  if (!root) {
    std::string why = fmt::format("there is no store at {} yet", paths.store_root);
    out.push_back(make_result("W.3.1", Level::info, why));
    out.push_back(make_result("W.3.2", Level::info, why));
    return section;
  }
  std::vector<std::string> problems;
  if (root->st_uid != paths.owner)
    problems.push_back(fmt::format("owned by uid {}, not {}", root->st_uid, paths.owner));
  if ((root->st_mode & 077) != 0) problems.push_back(fmt::format("mode {}", mode_text(root->st_mode)));
  out.push_back(
      make_result("W.3.1", problems.empty() ? Level::pass : Level::warn,
                  problems.empty() ? "" : fmt::format("{}: {}", paths.store_root, fmt::join(problems, ", ")),
                  problems.empty() ? std::vector<std::string>{} : std::vector<std::string>{paths.store_root}));
  std::string database = paths.store_root + "/ward.db";
  auto db = stat_of(database);
  if (!db) {
    out.push_back(make_result("W.3.2", Level::info, fmt::format("{} does not exist yet", database)));
    return section;
  }
  problems.clear();
  if (db->st_uid != root->st_uid)
    problems.push_back(fmt::format("owned by uid {}, not the store's {}", db->st_uid, root->st_uid));
  if ((db->st_mode & 022) != 0) problems.push_back(fmt::format("mode {}", mode_text(db->st_mode)));
  out.push_back(make_result("W.3.2", problems.empty() ? Level::pass : Level::warn,
                            problems.empty() ? "" : fmt::format("{}: {}", database, fmt::join(problems, ", ")),
                            problems.empty() ? std::vector<std::string>{} : std::vector<std::string>{database}));
  return section;
}

}  // namespace ward::audit::bench
