// Errors carry a kind that survives wrapping, and WARD_TRY both propagates a
// failure and binds a success's value.
#include <gtest/gtest.h>

#include <cerrno>
#include <memory>

#include "oci/config.h"
#include "util/error.h"
#include "util/sys.h"

namespace ward {
namespace {

TEST(ErrorKind, FollowsTheErrnoOfASystemCall) {
  EXPECT_EQ(fail_errno(ENOENT, "open x").error().kind, ErrorKind::not_found);
  EXPECT_EQ(fail_errno(EEXIST, "mkdir x").error().kind, ErrorKind::already_exists);
  EXPECT_EQ(fail_errno(EBUSY, "umount x").error().kind, ErrorKind::in_use);
  EXPECT_EQ(fail_errno(EINVAL, "mount x").error().kind, ErrorKind::invalid_input);
  EXPECT_EQ(fail_errno(EACCES, "open x").error().kind, ErrorKind::permission_denied);
  EXPECT_EQ(fail_errno(EPERM, "mount x").error().kind, ErrorKind::permission_denied);
  EXPECT_EQ(fail_errno(EROFS, "mkdir x").error().kind, ErrorKind::permission_denied);
  EXPECT_EQ(fail_errno(ENOSYS, "landlock").error().kind, ErrorKind::unsupported);
  EXPECT_EQ(fail_errno(EIO, "read x").error().kind, ErrorKind::failed);
  EXPECT_EQ(fail("something").error().kind, ErrorKind::failed);
}

TEST(ErrorKind, IsKeptWhenContextIsAdded) {
  Result<int> failed = fail(ErrorKind::not_found, "container \"x\"");
  auto wrapped = context(std::move(failed), "delete {}", "x");
  ASSERT_FALSE(wrapped);
  EXPECT_TRUE(wrapped.error().is(ErrorKind::not_found));
  EXPECT_EQ(wrapped.error().what(), "delete x: container \"x\"");
}

TEST(ErrorKind, HasAName) {
  EXPECT_EQ(error_kind_name(ErrorKind::not_found), "not found");
  EXPECT_EQ(error_kind_name(ErrorKind::already_exists), "already exists");
  EXPECT_EQ(error_kind_name(ErrorKind::in_use), "in use");
  EXPECT_EQ(error_kind_name(ErrorKind::invalid_input), "invalid input");
}

TEST(ErrorKind, ReadingAMissingFileIsNotFound) {
  auto text = sys::read_file("/nonexistent-ward-test/file");
  ASSERT_FALSE(text);
  EXPECT_TRUE(text.error().is(ErrorKind::not_found));
}

TEST(ErrorKind, EveryConfigParseFailureIsInvalidInput) {
  for (const char* text : {"{", "[]", R"({"ociVersion": 7})", R"({"ociVersion": "1.0.0", "root": {"path": 3}})"}) {
    auto config = oci::parse_config(text);
    ASSERT_FALSE(config) << text;
    EXPECT_TRUE(config.error().is(ErrorKind::invalid_input)) << text << ": " << config.error().what();
  }
}

Result<std::unique_ptr<int>> make_value(bool ok) {
  if (!ok) return fail(ErrorKind::invalid_input, "no value");
  return std::make_unique<int>(42);
}

Result<void> check(bool ok) {
  if (!ok) return fail(ErrorKind::in_use, "busy");
  return {};
}

// Binds a move-only value, and runs a Result<void> as a statement.
Result<int> use_both(bool value_ok, bool check_ok, int& steps) {
  auto value = WARD_TRY(make_value(value_ok));
  ++steps;
  WARD_TRY(check(check_ok));
  ++steps;
  return *value;
}

TEST(WardTry, BindsTheValueOfASuccess) {
  int steps = 0;
  auto result = use_both(true, true, steps);
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, 42);
  EXPECT_EQ(steps, 2);
}

TEST(WardTry, ReturnsTheFirstFailureAndStopsThere) {
  int steps = 0;
  auto first = use_both(false, true, steps);
  ASSERT_FALSE(first);
  EXPECT_TRUE(first.error().is(ErrorKind::invalid_input));
  EXPECT_EQ(steps, 0);

  auto second = use_both(true, false, steps);
  ASSERT_FALSE(second);
  EXPECT_TRUE(second.error().is(ErrorKind::in_use));
  EXPECT_EQ(steps, 1);
}

TEST(WardTry, EvaluatesItsExpressionOnce) {
  int calls = 0;
  auto counted = [&]() -> Result<int> {
    ++calls;
    return 7;
  };
  auto twice = [&]() -> Result<int> { return WARD_TRY(counted()) * 2; };
  auto result = twice();
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, 14);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace ward
