// An image scanned one layer at a time, so that a layer's results can be
// kept (layer_cache.h) and a second scan of an image, or of another image
// on the same base, reads only the layers it has not seen.
//
// The file and secret checks look at one entry each: its path, its lstat
// and its content.  An entry of the merged root filesystem is one layer's
// copy, so its findings are that copy's findings, whichever image the layer
// is in.  What depends on the other layers is only which copy is visible,
// and that is overlayfs's rule applied to the layers' entry lists, which a
// LayerResult keeps too (whiteouts, opaque directories, what is a
// directory).  merge_layers() applies it, as Rootfs's merged walk does on
// the directories themselves (tests/unit/scan_layers_test.cc compares the
// two on generated layers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "audit/finding.h"
#include "audit/scan/secret_rules.h"
#include "audit/scan/secrets.h"
#include "util/error.h"

namespace ward::audit::scan {

// What the secret scan did with an entry: one of SecretScanStats' counts.
enum class SecretOutcome : std::uint8_t { none, read, binary, too_large, unreadable, skipped };

enum class EntryKind : std::uint8_t { directory, other, whiteout };

struct LayerEntry {
  std::string path;  // "/usr/bin/su"
  EntryKind kind = EntryKind::other;
  bool opaque = false;  // a directory that hides the lower layers' copies
  SecretOutcome secret = SecretOutcome::none;
  std::vector<Finding> file_findings;    // FileChecks on this copy
  std::vector<Finding> secret_findings;  // SecretScanner on this copy

  // Every field alike, the findings' too (the cache's round trip).
  friend bool operator==(const LayerEntry& a, const LayerEntry& b);
};

struct LayerResult {
  std::vector<LayerEntry> entries;  // parents before children

  friend bool operator==(const LayerResult& a, const LayerResult& b) { return a.entries == b.entries; }
};

// Every entry of the unpacked layer at `path`, with the file and secret
// checks' findings on it.
[[nodiscard]] Result<LayerResult> scan_layer(const std::string& path, const SecretRules& rules);

struct MergedFindings {
  std::vector<Finding> file_findings;
  std::vector<Finding> secret_findings;
  SecretScanStats secrets;
};

// The findings of the entries visible in the merged view of `layers`, top
// first: the topmost copy of a path wins; a whiteout, a non-directory or an
// opaque directory hides every lower copy of its path and what is under it;
// a directory hides a lower non-directory.
[[nodiscard]] MergedFindings merge_layers(const std::vector<const LayerResult*>& layers);

}  // namespace ward::audit::scan
