// Content digests and the streaming verifier (src/image/digest.h).
#include "image/digest.h"

#include <string>

#include <gtest/gtest.h>

namespace ward::image {
namespace {

constexpr const char* kEmptySha256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kAbcSha256 = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(ImageDigest, KnownDigestsOfEmptyAndAbc) {
  EXPECT_EQ(digest_of("").value().string(), kEmptySha256);
  EXPECT_EQ(digest_of("abc").value().string(), kAbcSha256);
  EXPECT_EQ(digest_of("abc", DigestAlgorithm::sha384).value().string(),
            "sha384:cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(digest_of("abc", DigestAlgorithm::sha512).value().string(),
            "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
            "454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(ImageDigest, ParsePrintsBackTheSameText) {
  auto digest = Digest::parse(kAbcSha256);
  ASSERT_TRUE(digest) << digest.error().what();
  EXPECT_EQ(digest->algorithm(), DigestAlgorithm::sha256);
  EXPECT_EQ(digest->hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digest->string(), kAbcSha256);
  EXPECT_EQ(*digest, digest_of("abc").value());
  EXPECT_TRUE(Digest().empty());
  EXPECT_EQ(Digest().string(), "");
}

TEST(ImageDigest, RefusesMalformedDigestsSayingWhy) {
  auto upper = Digest::parse("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  ASSERT_FALSE(upper);
  EXPECT_TRUE(upper.error().is(ErrorKind::invalid_input));
  EXPECT_NE(upper.error().what().find("sha256 needs 64 lower-case hex digits"), std::string::npos)
      << upper.error().what();

  auto short_hex = Digest::parse("sha256:abc");
  ASSERT_FALSE(short_hex);
  EXPECT_EQ(short_hex.error().what(), "digest \"sha256:abc\": sha256 needs 64 lower-case hex digits, got 3 characters");

  auto sha512_length = Digest::parse(std::string("sha512:") + std::string(64, 'a'));
  ASSERT_FALSE(sha512_length);
  EXPECT_NE(sha512_length.error().what().find("128"), std::string::npos);

  auto unknown = Digest::parse("md5:d41d8cd98f00b204e9800998ecf8427e");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().what().find("unsupported algorithm \"md5\""), std::string::npos);

  EXPECT_FALSE(Digest::parse("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  EXPECT_FALSE(Digest::parse(""));
  EXPECT_FALSE(Digest::parse("sha256:"));
}

TEST(ImageDigest, ChunkedStreamGivesTheDigestOfTheWhole) {
  std::string content;
  for (int i = 0; i < 100000; ++i) content += static_cast<char>('a' + i % 26);
  auto writer = DigestWriter::create().value();
  for (std::size_t at = 0; at < content.size(); at += 4093) ASSERT_TRUE(writer.update(content.substr(at, 4093)));
  EXPECT_EQ(writer.size(), content.size());
  EXPECT_EQ(writer.finish().value(), digest_of(content).value());

  auto abc = DigestWriter::create().value();
  for (const char* chunk : {"a", "", "b", "c"}) ASSERT_TRUE(abc.update(chunk));
  EXPECT_TRUE(abc.verify(Digest::parse(kAbcSha256).value()));
}

TEST(ImageDigest, MismatchNamesExpectedAndActual) {
  auto writer = DigestWriter::create().value();
  ASSERT_TRUE(writer.update("abd"));
  auto verified = writer.verify(Digest::parse(kAbcSha256).value());
  ASSERT_FALSE(verified);
  EXPECT_TRUE(verified.error().is(ErrorKind::invalid_input));
  EXPECT_EQ(verified.error().what(), std::string("content digest mismatch: expected ") + kAbcSha256 + ", got " +
                                         digest_of("abd").value().string());
}

TEST(ImageDigest, AWriterIsDoneAfterFinish) {
  auto writer = DigestWriter::create().value();
  ASSERT_TRUE(writer.finish());
  EXPECT_FALSE(writer.finish());
  EXPECT_FALSE(writer.update("x"));

  auto sha512 = DigestWriter::create(DigestAlgorithm::sha512).value();
  auto other_algorithm = sha512.verify(Digest::parse(kEmptySha256).value());
  ASSERT_FALSE(other_algorithm);
  EXPECT_NE(other_algorithm.error().what().find("with a sha512 digest"), std::string::npos);
}

}  // namespace
}  // namespace ward::image
