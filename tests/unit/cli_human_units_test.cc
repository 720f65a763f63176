// Docker's sizes and ages (cli/core/human_units.h) and the progress line.
#include <gtest/gtest.h>

#include "cli/core/human_units.h"
#include "cli/core/terminal_progress.h"

namespace ward::cli {
namespace {

TEST(HumanUnits, SizesAsDockerImagesShowsThem) {
  EXPECT_EQ(human_size(0), "0B");
  EXPECT_EQ(human_size(999), "999B");
  EXPECT_EQ(human_size(1000), "1kB");
  EXPECT_EQ(human_size(1234567), "1.23MB");
  EXPECT_EQ(human_size(2000000), "2MB");
  EXPECT_EQ(human_size(123456789), "123MB");
  EXPECT_EQ(human_size(4261000), "4.26MB");
  EXPECT_EQ(human_size(1234567, 4), "1.235MB");
  EXPECT_EQ(human_size(5'000'000'000ull), "5GB");
}

TEST(HumanUnits, DurationsAsGoUnitsWritesThem) {
  using std::chrono::seconds;
  EXPECT_EQ(human_duration(seconds(0)), "Less than a second");
  EXPECT_EQ(human_duration(seconds(1)), "1 second");
  EXPECT_EQ(human_duration(seconds(59)), "59 seconds");
  EXPECT_EQ(human_duration(seconds(60)), "About a minute");
  EXPECT_EQ(human_duration(seconds(59 * 60)), "59 minutes");
  EXPECT_EQ(human_duration(seconds(3600)), "About an hour");
  EXPECT_EQ(human_duration(seconds(47 * 3600)), "47 hours");
  EXPECT_EQ(human_duration(seconds(3 * 86400)), "3 days");
  EXPECT_EQ(human_duration(seconds(20 * 86400)), "2 weeks");
  EXPECT_EQ(human_duration(seconds(100 * 86400)), "3 months");
  EXPECT_EQ(human_duration(seconds(3 * 365 * 86400)), "3 years");
}

TEST(HumanUnits, Rfc3339Times) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2026-01-01T00:00:00Z"), 1767225600);
  EXPECT_EQ(parse_rfc3339("2026-01-01T00:00:00.123456789Z"), 1767225600);
  EXPECT_EQ(parse_rfc3339("2026-01-01T02:00:00+02:00"), 1767225600);
  EXPECT_EQ(parse_rfc3339("2025-12-31T23:00:00-01:00"), 1767225600);
  EXPECT_EQ(parse_rfc3339("yesterday"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-01-01T00:00:00"), std::nullopt);
}

TEST(TerminalProgress, LinesShowABarAndSizes) {
  EXPECT_EQ(TerminalProgress::line("abc", "Loading layer", 0, 0), "abc: Loading layer 0B");
  std::string half = TerminalProgress::line("abc", "Loading layer", 500, 1000);
  EXPECT_EQ(half, "abc: Loading layer [=========================>                         ]     500B/1kB");
  std::string done = TerminalProgress::line("abc", "Loading layer", 1000, 1000);
  EXPECT_NE(done.find("[==================================================>]"), std::string::npos) << done;
}

}  // namespace
}  // namespace ward::cli
