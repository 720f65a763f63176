// run_scan: reads the root filesystem once for the file and secret
// checks, then the few files the other checks need.
#include "audit/scan/scan.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "audit/scan/accounts.h"
#include "audit/scan/file_checks.h"
#include "audit/scan/image_checks.h"
#include "audit/scan/layer_cache.h"
#include "audit/scan/layer_scan.h"
#include "audit/scan/rootfs.h"
#include "audit/scan/package_databases.h"
#include "audit/scan/rules.h"
#include "image/builtin_busybox.h"
#include "image/reference.h"

namespace ward::audit::scan {

namespace {

// Account files and os-release are small; anything larger than this is not
// one, and a hostile image cannot make the scan read gigabytes.
constexpr std::size_t kMaxSmallFile = 16 * 1024 * 1024;

std::string unquote(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
    value = value.substr(1, value.size() - 2);
  return std::string(value);
}

// ID and VERSION_ID of os-release(5).
std::pair<std::string, std::string> os_release(std::string_view text) {
  std::string id;
  std::string version;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.starts_with("ID=")) id = unquote(line.substr(3));
    if (line.starts_with("VERSION_ID=")) version = unquote(line.substr(11));
  }
  return {id, version};
}

Result<std::string> read_or_empty(const Rootfs& rootfs, std::string_view path) {
  auto text = WARD_TRY(rootfs.read(path, kMaxSmallFile));
  return text.value_or("");
}

Rule vulnerability_rule(const Vulnerability& v) {
  std::string help = v.fixed_version.empty()
                         ? fmt::format("No fixed version of {} is known yet; follow {}.", v.package, v.id)
                         : fmt::format("Upgrade {} to {} or later.", v.package, v.fixed_version);
  return Rule{v.id, v.summary.empty() ? v.id : v.summary, vulnerability_severity(v.severity), help};
}

void sort_findings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.location.file, a.location.line, a.rule) < std::tie(b.location.file, b.location.line, b.rule);
  });
}

// Each layer's own results, from the cache when it has them under the
// current key, else read and kept; then merged as overlayfs would.
Result<MergedFindings> image_layer_findings(const ScanTarget& target, const SecretRules& rules,
                                            const ScanOptions& options, std::vector<LayerReport>& reports) {
  LayerCache cache(target.layer_cache);
  bool caching =
      options.use_layer_cache && !target.layer_cache.empty() && target.layer_ids.size() == target.layers.size();
  std::vector<LayerResult> results;
  for (std::size_t i = 0; i < target.layers.size(); ++i) {
    LayerReport report;
    if (i < target.layer_ids.size()) report.chain_id = target.layer_ids[i];
    std::string key;
    if (caching) {
      key = WARD_TRY(layer_cache_key(rules, report.chain_id.string(), target.layers[i]));
      if (auto kept = cache.load(report.chain_id.hex(), key)) {
        report.from_cache = true;
        report.entries = kept->entries.size();
        results.push_back(std::move(*kept));
        reports.push_back(std::move(report));
        continue;
      }
    }
    LayerResult layer = WARD_TRY(context(scan_layer(target.layers[i], rules), "layer {}", report.chain_id.string()));
    report.entries = layer.entries.size();
    // A file that could not be read may read next time: such a layer is
    // read again rather than kept with the failure.
    bool unreadable = std::any_of(layer.entries.begin(), layer.entries.end(),
                                  [](const LayerEntry& e) { return e.secret == SecretOutcome::unreadable; });
    if (!caching)
      report.not_kept = options.use_layer_cache ? "no cache for this target" : "--no-cache";
    else if (unreadable)
      report.not_kept = "a file could not be read";
    else if (auto kept = cache.store(report.chain_id.hex(), key, layer); !kept)
      report.not_kept = kept.error().what();  // the scan goes on: a cache is an optimisation
    results.push_back(std::move(layer));
    reports.push_back(std::move(report));
  }
  std::vector<const LayerResult*> layers;
  for (const LayerResult& layer : results) layers.push_back(&layer);
  return merge_layers(layers);
}

}  // namespace

Severity vulnerability_severity(std::string_view level) {
  if (level == "CRITICAL" || level == "HIGH") return Severity::error;
  if (level == "MEDIUM") return Severity::warning;
  return Severity::info;
}

Result<ScanTarget> directory_target(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) < 0) return fail_errno(errno, path);
  if (!S_ISDIR(st.st_mode)) return fail(ErrorKind::invalid_input, fmt::format("{}: not a directory", path));
  return ScanTarget{path, {path}, false, std::nullopt, ""};
}

Result<ScanTarget> image_target(image::Store& store, std::string_view text) {
  auto record = WARD_TRY(image::resolve_image(store, text));
  ScanTarget target;
  target.name = std::string(text);
  target.whiteouts = true;
  for (auto it = record.layers.rbegin(); it != record.layers.rend(); ++it) {
    target.layers.push_back(store.layer_path(it->chain_id));
    target.layer_ids.push_back(it->chain_id);
  }
  target.layer_cache = store.root() + "/cache/scan";
  target.config = WARD_TRY(image::parse_image_config(WARD_TRY(store.blobs().read_blob(record.config_digest))));
  // The tag it was named by; an ID or a digest pins the image.
  if (auto reference = image::parse_reference(text);
      reference &&
      std::find(record.repo_tags.begin(), record.repo_tags.end(), reference->string()) != record.repo_tags.end())
    target.tag = reference->tag;
  if (target.layers.empty()) return fail(ErrorKind::invalid_input, fmt::format("image {} has no layers", text));
  return target;
}

Result<ScanResult> run_scan(const ScanTarget& target, const ScanOptions& options) {
  ScanResult result;
  result.report.tool = "ward scan";
  result.report.rules = scan_rules();
  auto rootfs = WARD_TRY(Rootfs::open(target.layers, target.whiteouts));
  SecretScanner secrets(options.secret_rules ? *options.secret_rules : WARD_TRY(builtin_secret_rules()));
  for (Rule& rule : secret_report_rules(secrets.rules())) result.report.rules.push_back(std::move(rule));

  // The checks on each file: its metadata, then its content.  An image's
  // layers one by one (each perhaps from the cache), then merged.
  std::vector<Finding>& findings = result.report.findings;
  if (target.whiteouts) {
    MergedFindings merged = WARD_TRY(image_layer_findings(target, secrets.rules(), options, result.layers));
    findings = std::move(merged.file_findings);
    for (auto& f : merged.secret_findings) findings.push_back(std::move(f));
    result.secrets = merged.secrets;
  } else {
    FileChecks files;
    WARD_TRY(rootfs.walk([&](const RootfsEntry& entry) -> Result<> {
      files.check(entry);
      secrets.check(entry);
      return {};
    }));
    findings = std::move(files.findings());
    for (auto& f : secrets.findings()) findings.push_back(std::move(f));
    result.secrets = secrets.stats();
    secrets.findings().clear();
  }
  if (target.config) {
    secrets.check_image_config(*target.config);
    for (auto& f : secrets.findings()) findings.push_back(std::move(f));
  }

  AccountFiles accounts;
  accounts.passwd = WARD_TRY(read_or_empty(rootfs, "/etc/passwd"));
  accounts.shadow = WARD_TRY(read_or_empty(rootfs, "/etc/shadow"));
  accounts.group = WARD_TRY(read_or_empty(rootfs, "/etc/group"));
  for (auto& f : check_accounts(accounts)) findings.push_back(std::move(f));

  if (target.config)
    for (auto& f : check_image_config(*target.config, target.tag)) findings.push_back(std::move(f));
  for (std::string_view sudo : {"/usr/bin/sudo", "/bin/sudo", "/usr/sbin/sudo"})
    if (WARD_TRY(rootfs.exists(sudo))) {
      findings.push_back(Finding{std::string(kSudo), rule_severity(kSudo), Location{std::string(sudo), 0, 1},
                                 fmt::format("{} is in the image", sudo)});
      break;
    }

  std::string release = WARD_TRY(read_or_empty(rootfs, "/etc/os-release"));
  if (release.empty()) release = WARD_TRY(read_or_empty(rootfs, "/usr/lib/os-release"));
  std::tie(result.distro_id, result.distro_version) = os_release(release);
  result.packages = WARD_TRY(read_packages(rootfs, findings));

  if (!options.vulnerability_database.empty()) {
    auto database = WARD_TRY(load_osv_database(options.vulnerability_database));
    std::map<std::string, std::string> database_of;  // package name -> the file it is listed in
    for (const Package& p : result.packages) database_of.emplace(p.name, p.database);
    for (PackageKind kind : {PackageKind::deb, PackageKind::apk, PackageKind::rpm}) {
      std::vector<Package> of_kind;
      std::copy_if(result.packages.begin(), result.packages.end(), std::back_inserter(of_kind),
                   [&](const Package& p) { return p.kind == kind; });
      if (of_kind.empty()) continue;
      std::string ecosystem = osv_ecosystem(kind, result.distro_id, result.distro_version);
      if (ecosystem.empty()) continue;
      for (Vulnerability& v : match_vulnerabilities(database, of_kind, ecosystem)) {
        if (find_rule(result.report, v.id) == nullptr) result.report.rules.push_back(vulnerability_rule(v));
        std::string fixed = v.fixed_version.empty() ? "no fix yet" : fmt::format("fixed in {}", v.fixed_version);
        findings.push_back(Finding{v.id, vulnerability_severity(v.severity), Location{database_of[v.package], 0, 1},
                                   fmt::format("{} {}: {} [{}] ({}){}", v.package, v.installed_version, v.id,
                                               v.severity, fixed, v.summary.empty() ? "" : ": " + v.summary)});
        result.vulnerabilities.push_back(std::move(v));
      }
    }
  }

  std::erase_if(findings, [&](const Finding& f) { return options.ignored.contains(f.rule); });
  sort_findings(findings);
  return result;
}

}  // namespace ward::audit::scan
