#include "audit/scan/layer_scan.h"

#include <sys/stat.h>

#include <algorithm>
#include <iterator>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "audit/scan/file_checks.h"
#include "audit/scan/rootfs.h"

namespace ward::audit::scan {

namespace {

// Which of the secret scan's counts `check` moved, from before and after.
SecretOutcome outcome_of(const SecretScanStats& before, const SecretScanStats& after) {
  if (after.files_read != before.files_read) return SecretOutcome::read;
  if (after.binary != before.binary) return SecretOutcome::binary;
  if (after.too_large != before.too_large) return SecretOutcome::too_large;
  if (after.unreadable != before.unreadable) return SecretOutcome::unreadable;
  if (after.skipped != before.skipped) return SecretOutcome::skipped;
  return SecretOutcome::none;
}

void count(SecretScanStats& stats, SecretOutcome outcome) {
  switch (outcome) {
    case SecretOutcome::read: ++stats.files_read; break;
    case SecretOutcome::binary: ++stats.binary; break;
    case SecretOutcome::too_large: ++stats.too_large; break;
    case SecretOutcome::unreadable: ++stats.unreadable; break;
    case SecretOutcome::skipped: ++stats.skipped; break;
    case SecretOutcome::none: break;
  }
}

std::vector<Finding> take(std::vector<Finding>& findings) {
  std::vector<Finding> out(std::make_move_iterator(findings.begin()), std::make_move_iterator(findings.end()));
  findings.clear();
  return out;
}

// Whether `path` or a directory above it is in `hidden`.
bool under_any(const std::unordered_set<std::string>& hidden, const std::string& path) {
  if (hidden.empty()) return false;
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1))
    if (hidden.contains(path.substr(0, slash))) return true;
  return hidden.contains(path);
}

bool same_findings(const std::vector<Finding>& a, const std::vector<Finding>& b) {
  auto fields = [](const Finding& f) {
    return std::tie(f.rule, f.severity, f.location.file, f.location.line, f.location.column, f.message);
  };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [&](const Finding& x, const Finding& y) { return fields(x) == fields(y); });
}

}  // namespace

bool operator==(const LayerEntry& a, const LayerEntry& b) {
  return std::tie(a.path, a.kind, a.opaque, a.secret) == std::tie(b.path, b.kind, b.opaque, b.secret) &&
         same_findings(a.file_findings, b.file_findings) && same_findings(a.secret_findings, b.secret_findings);
}

Result<LayerResult> scan_layer(const std::string& path, const SecretRules& rules) {
  auto layer = WARD_TRY(Rootfs::open_layer(path));
  FileChecks files;
  SecretScanner secrets(rules);
  LayerResult result;
  WARD_TRY(layer.walk([&](const RootfsEntry& entry) -> Result<> {
    LayerEntry out;
    out.path = entry.path;
    out.kind = entry.whiteout              ? EntryKind::whiteout
               : S_ISDIR(entry.st.st_mode) ? EntryKind::directory
                                           : EntryKind::other;
    out.opaque = entry.opaque;
    if (!entry.whiteout) {
      files.check(entry);
      SecretScanStats before = secrets.stats();
      secrets.check(entry);
      out.secret = outcome_of(before, secrets.stats());
      out.file_findings = take(files.findings());
      out.secret_findings = take(secrets.findings());
    }
    result.entries.push_back(std::move(out));
    return {};
  }));
  return result;
}

MergedFindings merge_layers(const std::vector<const LayerResult*>& layers) {
  MergedFindings out;
  // Paths a layer above hid for every layer below: its whiteouts,
  // non-directories and opaque directories, with all under them.
  std::unordered_set<std::string> hidden;
  // Paths a layer above has a visible directory at (anything else there
  // would be in `hidden`).
  std::unordered_set<std::string> directories;
  for (const LayerResult* layer : layers) {
    std::vector<std::string> hides;
    for (const LayerEntry& entry : layer->entries) {
      bool is_directory = entry.kind == EntryKind::directory;
      if (entry.kind != EntryKind::directory || entry.opaque) hides.push_back(entry.path);
      if (under_any(hidden, entry.path)) continue;
      // A directory above: a directory here merges into it (the upper
      // copy is the entry), anything else is hidden by it.
      if (directories.contains(entry.path) || entry.kind == EntryKind::whiteout) continue;
      if (is_directory) directories.insert(entry.path);
      for (const Finding& f : entry.file_findings) out.file_findings.push_back(f);
      for (const Finding& f : entry.secret_findings) out.secret_findings.push_back(f);
      count(out.secrets, entry.secret);
    }
    // Entries of one layer never hide each other.
    for (std::string& path : hides) hidden.insert(std::move(path));
  }
  return out;
}

}  // namespace ward::audit::scan
