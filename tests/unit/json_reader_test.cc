// The typed JSON reader under every runtime-spec parser.
#include "util/json_reader.h"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace ward::json {
namespace {

// Found by fuzz/json_reader_fuzz: an integer above INT64_MAX read into a
// signed type came out as its bits reinterpreted (18446744073709551615 as
// -1), so e.g. "oomScoreAdj": 18446744073709551615 was taken as -1.
TEST(JsonReader, LargeUnsignedIsOutOfRangeForSignedTypes) {
  Value document = Value::parse(R"({"big": 18446744073709551615, "above": 9223372036854775808})");
  Node root(document, "");
  auto big = root.find("big");
  ASSERT_TRUE(big);
  auto as_int = big->as<int>();
  ASSERT_FALSE(as_int);
  EXPECT_EQ(as_int.error().what(), "big: 18446744073709551615 is out of range (-2147483648 to 2147483647)");
  EXPECT_FALSE(big->as<std::int8_t>());
  EXPECT_FALSE(big->as<std::int64_t>());
  EXPECT_EQ(big->as<std::uint64_t>().value_or(0), std::numeric_limits<std::uint64_t>::max());
  auto above = root.find("above");
  ASSERT_TRUE(above);
  EXPECT_FALSE(above->as<std::int64_t>());
}

// Found by fuzz/archive_manifest_fuzz: a number too large for a double is
// reported by the JSON library as out_of_range, not parse_error, and it
// escaped parse() as an exception.
TEST(JsonReader, ANumberTooLargeForADoubleIsInvalidInput) {
  auto value = parse("2e2222");
  ASSERT_FALSE(value);
  EXPECT_TRUE(value.error().is(ErrorKind::invalid_input));
  EXPECT_EQ(value.error().what(), "invalid JSON: number overflow parsing '2e2222'");
  EXPECT_FALSE(parse(R"({"a": [1, -3e999]})"));
}

TEST(JsonReader, SignedRangesHoldAtTheEdges) {
  Value document = Value::parse(R"([-128, 127, -129, 128, -9223372036854775808, 9223372036854775807])");
  Node root(document, "list");
  EXPECT_EQ(root.element(0).as<std::int8_t>().value_or(0), -128);
  EXPECT_EQ(root.element(1).as<std::int8_t>().value_or(0), 127);
  EXPECT_FALSE(root.element(2).as<std::int8_t>());
  EXPECT_FALSE(root.element(3).as<std::int8_t>());
  EXPECT_EQ(root.element(4).as<std::int64_t>().value_or(0), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(root.element(5).as<std::int64_t>().value_or(0), std::numeric_limits<std::int64_t>::max());
  EXPECT_FALSE(root.element(4).as<std::uint64_t>());
}

}  // namespace
}  // namespace ward::json
