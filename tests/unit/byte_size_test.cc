#include "util/byte_size.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

using ward::parse_byte_size;

namespace {

std::int64_t size_of(const std::string& text) {
  auto bytes = parse_byte_size(text);
  EXPECT_TRUE(bytes) << text << ": " << bytes.error().what();
  return bytes ? *bytes : -1;
}

TEST(ByteSize, PlainNumbersAreBytes) {
  EXPECT_EQ(size_of("0"), 0);
  EXPECT_EQ(size_of("134217728"), 134217728);
  EXPECT_EQ(size_of("512b"), 512);
  EXPECT_EQ(size_of("512B"), 512);
}

TEST(ByteSize, UnitsArePowersOf1024InAnyCaseAndSpelling) {
  for (const char* text : {"100M", "100m", "100MB", "100mb", "100MiB", "100mib", "100 M", "100 MiB"})
    EXPECT_EQ(size_of(text), 100LL << 20) << text;
  EXPECT_EQ(size_of("4k"), 4096);
  EXPECT_EQ(size_of("4KiB"), 4096);
  EXPECT_EQ(size_of("2g"), 2LL << 30);
  EXPECT_EQ(size_of("3T"), 3LL << 40);
  EXPECT_EQ(size_of("1p"), 1LL << 50);
}

TEST(ByteSize, FractionsAreTruncatedToBytes) {
  EXPECT_EQ(size_of("1.5G"), 3LL << 29);
  EXPECT_EQ(size_of("0.5k"), 512);
  EXPECT_EQ(size_of("1.0001k"), 1024);  // 1024.1024 bytes
  EXPECT_EQ(size_of("2.7"), 2);
}

TEST(ByteSize, TheLargestSizeFitsAndOneMoreIsRefused) {
  EXPECT_EQ(size_of("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(size_of("8191p"), 8191LL << 50);
  for (const char* text : {"9223372036854775808", "8192p", "99999999999999999999999k"}) {
    auto bytes = parse_byte_size(text);
    ASSERT_FALSE(bytes) << text;
    EXPECT_NE(bytes.error().message.find("too large"), std::string::npos) << bytes.error().message;
  }
}

TEST(ByteSize, AnythingElseIsRefusedNamingTheText) {
  for (const char* text : {"", "M", "-1", "-100M", "1e6", "100X", "100MM", "100Mx", "100 ", " 100", "100  M", "1.", ".5",
                           "1.2.3", "100bi", "100iB", "0x10", "+5"}) {
    auto bytes = parse_byte_size(text);
    EXPECT_FALSE(bytes) << '"' << text << "\" gave " << bytes.value_or(0);
    if (!bytes) {
      EXPECT_NE(bytes.error().message.find('"' + std::string(text) + '"'), std::string::npos) << bytes.error().message;
    }
  }
}

}  // namespace
