// Layer results kept between scans, one file per layer under the store:
// <store>/cache/scan/<chain-id hex> (image/store.h removes it with the
// layer).  A file holds one LayerResult and the key it was made under; the
// key is a digest of everything the result depends on besides the layer's
// content, which its chain ID names:
//   - the cache format and ward's own code (the running program's GNU
//     build ID, so any rebuild of the checks starts afresh),
//   - the secret rules' source documents (built-in and --secret-config),
//   - the chain ID and the identity of the layer's directory (device,
//     inode, change time), so a layer removed and unpacked again is read
//     again even if a stale file survived.
// A file is trusted only whole: its last line is the SHA-256 of what comes
// before it, and anything the parser does not expect (another key, a short
// or damaged file, a field out of range) makes it a miss, read again and
// rewritten.  The vulnerability database, packages, accounts and image
// configuration are never cached: each scan reads them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "audit/scan/layer_scan.h"
#include "audit/scan/secret_rules.h"
#include "util/error.h"

namespace ward::audit::scan {

// The key of a layer's results under `rules`: `chain_id` as "sha256:...",
// `layer_path` its unpacked directory.
[[nodiscard]] Result<std::string> layer_cache_key(const SecretRules& rules, std::string_view chain_id,
                                                  const std::string& layer_path);

// The file's bytes for `result` under `key`, and back.  parse: invalid_input
// naming what is wrong, for any bytes that are not what serialize wrote
// under the same key (fuzz/layer_cache_fuzz.cc).
[[nodiscard]] Result<std::string> serialize_layer_result(const LayerResult& result, std::string_view key);
[[nodiscard]] Result<LayerResult> parse_layer_result(std::string_view bytes, std::string_view key);

class LayerCache {
 public:
  // `directory`: <store>/cache/scan, made on the first store().
  explicit LayerCache(std::string directory) : directory_(std::move(directory)) {}

  // The result kept for the layer (`name`: its chain ID's hex) under `key`;
  // nullopt when there is none or it cannot be trusted.
  [[nodiscard]] std::optional<LayerResult> load(const std::string& name, std::string_view key) const;
  // Keeps `result`, replacing the file atomically.
  [[nodiscard]] Result<> store(const std::string& name, std::string_view key, const LayerResult& result) const;

  [[nodiscard]] std::string path(const std::string& name) const { return directory_ + "/" + name; }

 private:
  std::string directory_;
};

}  // namespace ward::audit::scan
