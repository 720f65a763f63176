// `ward scan`: one root filesystem (a directory, or an image from ward's
// store with its configuration) through every check: files, secrets,
// accounts, image configuration and history, installed packages and, with
// an OSV database, their known vulnerabilities.  One Report comes out, printed by
// audit/output.h like lint's.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "audit/finding.h"
#include "audit/scan/osv.h"
#include "audit/scan/packages.h"
#include "audit/scan/secret_rules.h"
#include "audit/scan/secrets.h"
#include "image/spec.h"
#include "image/store.h"
#include "util/error.h"

namespace ward::audit::scan {

struct ScanTarget {
  std::string name;                          // what the user named
  std::vector<std::string> layers;           // directories, top first
  bool whiteouts = false;                    // image layers: overlayfs whiteouts apply
  std::optional<image::ImageConfig> config;  // images only
  std::string tag;                           // the tag the image was named by, "" otherwise
  std::vector<image::Digest> layer_ids;      // images: each layer's chain ID, in `layers`' order
  std::string layer_cache;                   // where the layers' results are kept (layer_cache.h); "" for nowhere
};

struct ScanOptions {
  std::string vulnerability_database;       // a directory of OSV records; "" for none
  std::set<std::string> ignored;            // rule ids left out of the report
  std::optional<SecretRules> secret_rules;  // nullopt: the built-in rules
  bool use_layer_cache = true;              // false: read every layer, keep nothing
};

// Where one image layer's file and secret results came from.
struct LayerReport {
  image::Digest chain_id;
  std::size_t entries = 0;
  bool from_cache = false;
  std::string not_kept;  // why a layer that was read was not kept; "" when it was (or came from the cache)
};

struct ScanResult {
  Report report;
  std::vector<Package> packages;
  std::string distro_id;       // /etc/os-release ID, "" when unknown
  std::string distro_version;  // VERSION_ID
  std::vector<Vulnerability> vulnerabilities;
  SecretScanStats secrets;          // what the secret scan read and left out
  std::vector<LayerReport> layers;  // images: top first
};

// A directory on the host taken as a root filesystem.
[[nodiscard]] Result<ScanTarget> directory_target(const std::string& path);
// An image in `store` (built-in busybox made on first use), by anything
// `ward images` accepts: name, name:tag, name@digest, ID or ID prefix.
[[nodiscard]] Result<ScanTarget> image_target(image::Store& store, std::string_view text);

[[nodiscard]] Result<ScanResult> run_scan(const ScanTarget& target, const ScanOptions& options);

// "CRITICAL", "HIGH", ... as a finding's severity.
[[nodiscard]] Severity vulnerability_severity(std::string_view level);

}  // namespace ward::audit::scan
