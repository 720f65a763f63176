// The OCI image-spec model (v1.1) and Docker's schema 2, which has the same
// shape under other media types: a manifest names a config blob and layer
// blobs by Descriptor; an index (Docker: manifest list) names manifests,
// one per platform; the image config holds what a container starts with.
//
// The parsers read JSON as registries serve it: unknown fields are ignored
// (the spec says so, and newer writers add fields), every digest is checked
// and every error names its JSON path ("image manifest: layers[1].size:
// ...").  The writers produce the same documents back; they exist so that
// ward can store and push what it reads, and parse(write(x)) == x.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "image/digest.h"
#include "util/error.h"

namespace ward::image {

namespace media_type {
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciEmpty = "application/vnd.oci.empty.v1+json";
inline constexpr std::string_view kOciLayerTar = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
// Deprecated in image-spec 1.1, still served for Windows base layers.
inline constexpr std::string_view kOciLayerNondistributableTar =
    "application/vnd.oci.image.layer.nondistributable.v1.tar";
inline constexpr std::string_view kOciLayerNondistributableGzip =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr std::string_view kOciLayerNondistributableZstd =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

inline constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayerTar = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr std::string_view kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view kDockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
// Schema 1 (unsigned and signed): recognised only to be refused by name.
inline constexpr std::string_view kDockerSchema1Manifest = "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view kDockerSchema1SignedManifest =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";
}  // namespace media_type

[[nodiscard]] bool is_manifest_media_type(std::string_view type);  // OCI or Docker schema 2 manifest
[[nodiscard]] bool is_index_media_type(std::string_view type);     // OCI index or Docker manifest list
[[nodiscard]] bool is_schema1_media_type(std::string_view type);

enum class LayerCompression : std::uint8_t { none, gzip, zstd };
// The compression of a layer media type; nullopt when `type` is not a layer.
[[nodiscard]] std::optional<LayerCompression> layer_compression(std::string_view type);

struct Platform {
  std::string architecture;  // GOARCH: "amd64", "arm64", "arm", ...
  std::string os;            // GOOS: "linux"
  std::string variant;       // "v7", "v8", ...; may be empty
  std::string os_version;    // "os.version", Windows only in practice
  std::vector<std::string> os_features;

  friend bool operator==(const Platform&, const Platform&) = default;
};

struct Descriptor {
  std::string media_type;
  Digest digest;
  std::int64_t size = 0;
  std::vector<std::string> urls;
  std::map<std::string, std::string> annotations;
  std::optional<Platform> platform;  // in an index's manifests
  std::string artifact_type;         // "artifactType", image-spec 1.1

  friend bool operator==(const Descriptor&, const Descriptor&) = default;
};

struct Manifest {
  int schema_version = 2;
  std::string media_type;  // empty when the document has none (OCI allows it)
  std::string artifact_type;
  Descriptor config;
  std::vector<Descriptor> layers;
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;

  friend bool operator==(const Manifest&, const Manifest&) = default;
};

struct Index {
  int schema_version = 2;
  std::string media_type;
  std::string artifact_type;
  std::vector<Descriptor> manifests;
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;

  friend bool operator==(const Index&, const Index&) = default;
};

// Docker's HEALTHCHECK, kept in image configs it writes; durations in
// nanoseconds as Go's time.Duration.
struct Healthcheck {
  std::vector<std::string> test;  // ["CMD-SHELL", "curl -f ..."], ["NONE"]
  std::int64_t interval = 0;
  std::int64_t timeout = 0;
  std::int64_t start_period = 0;
  std::int64_t start_interval = 0;
  int retries = 0;

  friend bool operator==(const Healthcheck&, const Healthcheck&) = default;
};

// The image config's "config": what a container of the image runs.
struct ContainerConfig {
  std::string user;
  std::set<std::string> exposed_ports;  // "80/tcp"
  std::vector<std::string> env;         // "KEY=value"
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::set<std::string> volumes;
  std::string working_dir;
  std::map<std::string, std::string> labels;
  std::string stop_signal;
  std::optional<Healthcheck> healthcheck;  // Docker's extensions from here on
  bool args_escaped = false;
  std::vector<std::string> on_build;
  std::vector<std::string> shell;

  friend bool operator==(const ContainerConfig&, const ContainerConfig&) = default;
};

struct RootFs {
  std::string type = "layers";
  std::vector<Digest> diff_ids;  // the uncompressed layer tars, in order

  friend bool operator==(const RootFs&, const RootFs&) = default;
};

struct HistoryEntry {
  std::string created;  // RFC 3339
  std::string created_by;
  std::string author;
  std::string comment;
  bool empty_layer = false;

  friend bool operator==(const HistoryEntry&, const HistoryEntry&) = default;
};

struct ImageConfig {
  std::string created;  // RFC 3339, as written
  std::string author;
  Platform platform;  // architecture, os, variant, os.version, os.features
  ContainerConfig config;
  RootFs rootfs;
  std::vector<HistoryEntry> history;

  friend bool operator==(const ImageConfig&, const ImageConfig&) = default;
};

// Each parser reads one JSON document; errors are invalid_input and start
// with "image manifest", "image index" or "image config".  A schema 1
// manifest is refused by name.
[[nodiscard]] Result<Manifest> parse_manifest(std::string_view json);
[[nodiscard]] Result<Index> parse_index(std::string_view json);
[[nodiscard]] Result<ImageConfig> parse_image_config(std::string_view json);

// JSON text, fields in the spec's order, empty optional fields left out.
[[nodiscard]] std::string write_manifest(const Manifest& manifest);
[[nodiscard]] std::string write_index(const Index& index);
[[nodiscard]] std::string write_image_config(const ImageConfig& config);

}  // namespace ward::image
