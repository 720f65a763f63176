// Content digests ("sha256:<64 hex>"), the names of everything in an image:
// blobs, manifests, configs and the layers' uncompressed tars (diff_ids).
// A digest read from a registry, a manifest or a user is checked here once;
// a Digest value is always well formed.  DigestWriter hashes a stream as it
// passes, so a blob is verified without holding it in memory.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "util/error.h"

// OpenSSL's digest context, named here so that its header stays in
// digest.cc (openssl/types.h: typedef struct evp_md_ctx_st EVP_MD_CTX).
struct evp_md_ctx_st;

namespace ward::image {

// The algorithms of the OCI image-spec's registry (and go-digest's): the
// hex length each produces is fixed, so a digest of the wrong length is
// refused when read, not when compared.
enum class DigestAlgorithm : std::uint8_t { sha256, sha384, sha512 };

// "sha256", ...
[[nodiscard]] std::string_view digest_algorithm_name(DigestAlgorithm algorithm);
// Hex digits of a digest: 64, 96, 128.
[[nodiscard]] std::size_t digest_hex_length(DigestAlgorithm algorithm);

class Digest {
 public:
  // No digest: empty() is true and string() is "".  Only a default value
  // (a field not filled yet); parse and the writer never produce it.
  Digest() = default;

  // "algorithm:hex": a known algorithm and exactly its number of lower-case
  // hex digits.  The error says which part is wrong, e.g.
  // "digest \"sha256:ABC\": sha256 needs 64 lower-case hex digits, got 3 characters".
  [[nodiscard]] static Result<Digest> parse(std::string_view text);
  // A digest from its parts, with the same checks.
  [[nodiscard]] static Result<Digest> from_hex(DigestAlgorithm algorithm, std::string_view hex);

  [[nodiscard]] bool empty() const { return hex_.empty(); }
  [[nodiscard]] DigestAlgorithm algorithm() const { return algorithm_; }
  [[nodiscard]] const std::string& hex() const { return hex_; }
  // "sha256:e3b0c442...", or "" for no digest.
  [[nodiscard]] std::string string() const;

  friend bool operator==(const Digest&, const Digest&) = default;
  friend auto operator<=>(const Digest&, const Digest&) = default;

 private:
  DigestAlgorithm algorithm_ = DigestAlgorithm::sha256;
  std::string hex_;
};

// Hashes bytes fed in any number of chunks:
//   auto writer = WARD_TRY(DigestWriter::create());
//   while (...) writer.update(chunk);
//   WARD_TRY(writer.verify(descriptor.digest));
class DigestWriter {
 public:
  [[nodiscard]] static Result<DigestWriter> create(DigestAlgorithm algorithm = DigestAlgorithm::sha256);

  DigestWriter(DigestWriter&&) noexcept = default;
  DigestWriter& operator=(DigestWriter&&) noexcept = default;
  ~DigestWriter() = default;

  [[nodiscard]] Result<> update(std::string_view bytes);
  // The bytes fed so far.
  [[nodiscard]] std::uint64_t size() const { return size_; }
  // The digest of everything fed; the writer is done after it (a second
  // call or a later update is an error).
  [[nodiscard]] Result<Digest> finish();
  // finish(), then "content digest mismatch: expected sha256:..., got
  // sha256:..." (invalid_input) unless the content is what `expected` names.
  [[nodiscard]] Result<> verify(const Digest& expected);

 private:
  struct ContextFree {
    void operator()(evp_md_ctx_st* context) const;
  };
  DigestWriter(DigestAlgorithm algorithm, std::unique_ptr<evp_md_ctx_st, ContextFree> context)
      : algorithm_(algorithm), context_(std::move(context)) {}

  DigestAlgorithm algorithm_;
  std::unique_ptr<evp_md_ctx_st, ContextFree> context_;  // null once finished
  std::uint64_t size_ = 0;
};

// The digest of `bytes` in one call.
[[nodiscard]] Result<Digest> digest_of(std::string_view bytes, DigestAlgorithm algorithm = DigestAlgorithm::sha256);

}  // namespace ward::image
