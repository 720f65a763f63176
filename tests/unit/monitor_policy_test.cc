// The monitor's pieces that need no container: --restart's policies and
// backoff, and the start report's line format.
#include <gtest/gtest.h>

#include "engine/monitor/restart_policy.h"
#include "engine/monitor/start_report.h"

namespace ward::monitor {
namespace {

using std::chrono::milliseconds;

TEST(RestartPolicy, ParsesDockersPoliciesAndRefusesTheRestNamingThem) {
  EXPECT_EQ(parse_restart_policy("no")->mode, RestartMode::no);
  EXPECT_EQ(parse_restart_policy("always")->mode, RestartMode::always);
  EXPECT_EQ(parse_restart_policy("unless-stopped")->mode, RestartMode::unless_stopped);
  auto counted = parse_restart_policy("on-failure:5");
  ASSERT_TRUE(counted);
  EXPECT_EQ(counted->mode, RestartMode::on_failure);
  EXPECT_EQ(counted->maximum_retry_count, 5);
  EXPECT_EQ(restart_policy_text(*counted), "on-failure:5");
  EXPECT_EQ(restart_policy_text(*parse_restart_policy("on-failure")), "on-failure");
  for (const char* bad : {"sometimes", "always:2", "on-failure:x", "on-failure:-1", "on-failure:2x"}) {
    auto parsed = parse_restart_policy(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_TRUE(parsed.error().is(ErrorKind::invalid_input));
    EXPECT_NE(parsed.error().what().find(bad), std::string::npos) << parsed.error().what();
  }
}

TEST(RestartPolicy, DecidesAsDockerAndNeverAfterAStopRequest) {
  RestartPolicy on_failure{RestartMode::on_failure, 2};
  EXPECT_TRUE(should_restart(on_failure, 1, 0, false));
  EXPECT_TRUE(should_restart(on_failure, 1, 1, false));
  EXPECT_FALSE(should_restart(on_failure, 1, 2, false));                      // the count is used up
  EXPECT_FALSE(should_restart(on_failure, 0, 0, false));                      // a success
  EXPECT_TRUE(should_restart({RestartMode::on_failure, 0}, 1, 1000, false));  // no limit
  EXPECT_TRUE(should_restart({RestartMode::always, 0}, 0, 50, false));
  EXPECT_TRUE(should_restart({RestartMode::unless_stopped, 0}, 137, 3, false));
  EXPECT_FALSE(should_restart({RestartMode::no, 0}, 1, 0, false));
  for (auto mode : {RestartMode::always, RestartMode::unless_stopped, RestartMode::on_failure})
    EXPECT_FALSE(should_restart({mode, 0}, 1, 0, true));
}

TEST(RestartBackoff, DoublesFromATenthOfASecondToAMinuteAndResetsAfterALongRun) {
  RestartBackoff backoff;
  EXPECT_EQ(backoff.next(milliseconds(5)), milliseconds(100));
  EXPECT_EQ(backoff.next(milliseconds(5)), milliseconds(200));
  EXPECT_EQ(backoff.next(milliseconds(5)), milliseconds(400));
  for (int i = 0; i < 20; ++i) (void)backoff.next(milliseconds(5));
  EXPECT_EQ(backoff.next(milliseconds(5)), milliseconds(60000));
  EXPECT_EQ(backoff.next(milliseconds(10000)), milliseconds(100));
}

TEST(StartReport, RoundTripsAStartAndAnErrorWithItsKindAndErrno) {
  auto started = decode_start_report(encode_started({1234, 987654321}));
  ASSERT_TRUE(started);
  EXPECT_EQ(started->pid, 1234);
  EXPECT_EQ(started->start_time, 987654321u);
  Error error = fail_errno(ENOENT, "exec /nope\nsecond line").error();
  error.kind = ErrorKind::not_found;
  auto failed = decode_start_report(encode_failed(error));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ENOENT);
  EXPECT_TRUE(failed.error().is(ErrorKind::not_found));
  EXPECT_EQ(failed.error().what(), "exec /nope second line: No such file or directory");
}

TEST(StartReport, AMissingOrDamagedReportIsAnErrorSayingSo) {
  for (const char* line : {"", "started", "started x y", "started 0 1", "hello", "error x"}) {
    auto report = decode_start_report(line);
    ASSERT_FALSE(report) << line;
    EXPECT_NE(report.error().what().find("without a report"), std::string::npos) << report.error().what();
  }
}

}  // namespace
}  // namespace ward::monitor
