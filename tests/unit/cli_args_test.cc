#include <gtest/gtest.h>

#include "cli/core/args.h"

using ward::cli::FlagSpec;
using ward::cli::parse_args;

namespace {

const std::vector<FlagSpec> kSpecs = {
    {{"bundle", "b"}, true, ""}, {{"detach", "d"}, false, ""}, {{"pid-file"}, true, ""}};

TEST(CliArgs, RuncStyleFlags) {
  auto parsed = parse_args({"--bundle", "/b", "-d", "--pid-file=/p", "id"}, kSpecs, true);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->value("bundle"), "/b");
  EXPECT_TRUE(parsed->flag("detach"));
  EXPECT_EQ(parsed->value("pid-file"), "/p");
  EXPECT_EQ(parsed->positional, std::vector<std::string>{"id"});
}

TEST(CliArgs, SingleDashLongFlagsAndShortNames) {
  auto parsed = parse_args({"-bundle", "/b", "-b=/c", "x"}, kSpecs, true);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->value("bundle"), "/c");
}

TEST(CliArgs, StopsAtFirstPositional) {
  auto parsed = parse_args({"--detach", "verb", "--bundle", "x"}, kSpecs, true);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->positional, (std::vector<std::string>{"verb", "--bundle", "x"}));
}

TEST(CliArgs, Errors) {
  auto unknown = parse_args({"--nope"}, kSpecs, true);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("nope"), std::string::npos);
  auto missing = parse_args({"--bundle"}, kSpecs, true);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("bundle"), std::string::npos);
  auto bad_bool = parse_args({"--detach=maybe"}, kSpecs, true);
  ASSERT_FALSE(bad_bool);
}

TEST(CliArgs, BooleanFalse) {
  auto parsed = parse_args({"--detach=false"}, kSpecs, true);
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(parsed->flag("detach"));
}

}  // namespace
