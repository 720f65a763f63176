// Unpacking one image layer (a tar, tar+gzip or tar+zstd blob) into a
// directory, in one pass over the blob: the blob's digest and the
// uncompressed tar's digest (the diff_id) are computed while the entries
// are written, and every entry is resolved inside the destination directory
// (openat2 RESOLVE_IN_ROOT through util/sys), so no `..`, absolute name,
// symlink or hard link reaches outside it.  docs/LAYERS.md says what is
// accepted, what is refused and why.
//
// A failure (a digest mismatch, a hostile or corrupt entry, a truncated
// archive) can come after some entries were written: the caller unpacks
// into a fresh temporary directory and removes it on any error, so a
// failed unpack leaves nothing behind.  Everything written is inside that
// directory.
#pragma once

#include <cstdint>
#include <optional>

#include "image/digest.h"
#include "image/spec.h"
#include "util/error.h"

namespace ward::image {

// What an OCI whiteout entry (`.wh.NAME`, `.wh..wh..opq`) becomes.
enum class WhiteoutMode : std::uint8_t {
  // The destination is one lower directory of an overlayfs mount: `.wh.NAME`
  // becomes a 0/0 character device NAME (overlayfs's whiteout), and
  // `.wh..wh..opq` marks its directory opaque with `trusted.overlay.opaque=y`
  // (`user.overlay.opaque=y` when rootless, for a `userxattr` mount).
  overlay,
  // The destination already holds the lower layers, copied (where overlayfs
  // is unavailable): `.wh.NAME` removes NAME and everything under it,
  // `.wh..wh..opq` empties its directory of what lower layers put there.
  apply,
};

struct UnpackOptions {
  // The compression the manifest declares; nullopt accepts whatever the
  // magic bytes say.  A blob whose magic says otherwise is refused.
  std::optional<LayerCompression> compression;
  // The blob's digest (the manifest's descriptor) and the uncompressed
  // tar's (the image config's rootfs.diff_ids[i]); empty: not checked.
  Digest expected_blob_digest;
  Digest expected_diff_id;
  WhiteoutMode whiteouts = WhiteoutMode::overlay;
  // Unpacking without privilege over ids (a rootless engine): files keep
  // the caller's owner instead of the tar's, character and block devices
  // are refused, and overlay metadata uses the `user.overlay.*` xattrs.
  bool rootless = false;
};

struct UnpackedLayer {
  Digest blob_digest;                                     // sha256 of the bytes read from the fd
  Digest diff_id;                                         // sha256 of the uncompressed tar
  std::uint64_t blob_size = 0;                            // bytes read from the fd
  std::uint64_t tar_size = 0;                             // bytes of the uncompressed tar
  std::uint64_t unpacked_size = 0;                        // bytes of regular file content written
  LayerCompression compression = LayerCompression::none;  // as detected
  std::uint64_t entries = 0;                              // tar entries handled (whiteouts included)
};

// Reads the layer blob from `blob_fd` (from its current offset to its end)
// and unpacks it into the directory `destination_dir_fd`, which is treated
// as the root of the layer.  Errors name the entry: "layer entry
// \"../../etc/x\": climbs out of the layer" (invalid_input); a digest
// mismatch is invalid_input naming the expected and the actual digest.
[[nodiscard]] Result<UnpackedLayer> unpack_layer(int blob_fd, int destination_dir_fd, const UnpackOptions& options);

// The compression the first bytes of a blob announce (gzip 1f 8b, zstd
// 28 b5 2f fd); anything else is `none` (a tar, checked by the tar reader).
[[nodiscard]] LayerCompression detect_layer_compression(std::string_view first_bytes);

}  // namespace ward::image
