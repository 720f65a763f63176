#include "image/digest.h"

#include <array>
#include <utility>

#include <fmt/format.h>

#include "image/crypto_library.h"

namespace ward::image {

namespace {

struct AlgorithmInfo {
  DigestAlgorithm algorithm;
  std::string_view name;
  std::size_t hex_length;
};

constexpr std::array kAlgorithms = {
    AlgorithmInfo{DigestAlgorithm::sha256, "sha256", 64},
    AlgorithmInfo{DigestAlgorithm::sha384, "sha384", 96},
    AlgorithmInfo{DigestAlgorithm::sha512, "sha512", 128},
};

const AlgorithmInfo& info(DigestAlgorithm algorithm) {
  for (const auto& entry : kAlgorithms)
    if (entry.algorithm == algorithm) return entry;
  return kAlgorithms[0];
}

const EVP_MD* evp_of(DigestAlgorithm algorithm) {
  const auto& evp = crypto::functions();
  switch (algorithm) {
    case DigestAlgorithm::sha256: return evp.sha256();
    case DigestAlgorithm::sha384: return evp.sha384();
    case DigestAlgorithm::sha512: return evp.sha512();
  }
  return evp.sha256();
}

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

}  // namespace

std::string_view digest_algorithm_name(DigestAlgorithm algorithm) {
  return info(algorithm).name;
}

std::size_t digest_hex_length(DigestAlgorithm algorithm) {
  return info(algorithm).hex_length;
}

Result<Digest> Digest::from_hex(DigestAlgorithm algorithm, std::string_view hex) {
  std::size_t wanted = digest_hex_length(algorithm);
  bool hex_only = true;
  for (char c : hex) hex_only = hex_only && is_lower_hex(c);
  if (hex.size() != wanted || !hex_only)
    return fail(ErrorKind::invalid_input,
                fmt::format("digest \"{}:{}\": {} needs {} lower-case hex digits, got {} characters{}",
                            digest_algorithm_name(algorithm), hex, digest_algorithm_name(algorithm), wanted, hex.size(),
                            hex_only ? "" : " that are not all lower-case hex"));
  Digest digest;
  digest.algorithm_ = algorithm;
  digest.hex_ = hex;
  return digest;
}

Result<Digest> Digest::parse(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos)
    return fail(ErrorKind::invalid_input, fmt::format("digest \"{}\": expected algorithm:hex", text));
  std::string_view name = text.substr(0, colon);
  for (const auto& entry : kAlgorithms)
    if (entry.name == name) return from_hex(entry.algorithm, text.substr(colon + 1));
  return fail(
      ErrorKind::invalid_input,
      fmt::format("digest \"{}\": unsupported algorithm \"{}\" (ward knows sha256, sha384, sha512)", text, name));
}

std::string Digest::string() const {
  if (empty()) return {};
  return fmt::format("{}:{}", digest_algorithm_name(algorithm_), hex_);
}

void DigestWriter::ContextFree::operator()(evp_md_ctx_st* context) const {
  crypto::functions().md_ctx_free(context);
}

Result<DigestWriter> DigestWriter::create(DigestAlgorithm algorithm) {
  WARD_TRY(context(crypto::load(), "digest"));
  std::unique_ptr<evp_md_ctx_st, ContextFree> context(crypto::functions().md_ctx_new());
  if (!context) return fail("digest: cannot allocate an OpenSSL digest context");
  if (crypto::functions().digest_init_ex(context.get(), evp_of(algorithm), nullptr) != 1)
    return fail(fmt::format("digest: OpenSSL cannot start a {} digest", digest_algorithm_name(algorithm)));
  return DigestWriter(algorithm, std::move(context));
}

Result<> DigestWriter::update(std::string_view bytes) {
  if (!context_) return fail("digest: update after finish");
  if (crypto::functions().digest_update(context_.get(), bytes.data(), bytes.size()) != 1)
    return fail("digest: OpenSSL update failed");
  size_ += bytes.size();
  return {};
}

Result<Digest> DigestWriter::finish() {
  if (!context_) return fail("digest: finished twice");
  std::array<unsigned char, EVP_MAX_MD_SIZE> raw{};
  unsigned int length = 0;
  int finished = crypto::functions().digest_final_ex(context_.get(), raw.data(), &length);
  context_.reset();
  if (finished != 1) return fail("digest: OpenSSL finish failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[raw[i] >> 4]);
    hex.push_back(kHex[raw[i] & 0xf]);
  }
  return Digest::from_hex(algorithm_, hex);
}

Result<> DigestWriter::verify(const Digest& expected) {
  if (expected.empty()) return fail(ErrorKind::invalid_input, "content digest: no expected digest to verify against");
  if (expected.algorithm() != algorithm_)
    return fail(fmt::format("content digest: cannot verify {} with a {} digest", expected.string(),
                            digest_algorithm_name(algorithm_)));
  auto actual = WARD_TRY(finish());
  if (actual != expected)
    return fail(ErrorKind::invalid_input,
                fmt::format("content digest mismatch: expected {}, got {}", expected.string(), actual.string()));
  return {};
}

Result<Digest> digest_of(std::string_view bytes, DigestAlgorithm algorithm) {
  auto writer = WARD_TRY(DigestWriter::create(algorithm));
  WARD_TRY(writer.update(bytes));
  return writer.finish();
}

}  // namespace ward::image
