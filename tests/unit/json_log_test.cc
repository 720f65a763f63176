#include "engine/monitor/json_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "temp_dir.h"
#include "util/sys.h"

namespace ward::monitor {
namespace {

using test_support::TempDir;

// 2026-12-07T05:39:41Z
constexpr std::int64_t kEpochSeconds = 1796621981;
constexpr std::int64_t kSecond = 1'000'000'000;

struct timespec at(std::int64_t seconds_after, long nanoseconds = 0) {
  return timespec{static_cast<time_t>(kEpochSeconds + seconds_after), nanoseconds};
}

std::string read_text(const std::string& path) {
  auto text = sys::read_file(path);
  EXPECT_TRUE(text) << text.error().what();
  return text ? *text : "";
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t newline; (newline = text.find('\n', start)) != std::string::npos; start = newline + 1)
    lines.push_back(text.substr(start, newline - start));
  return lines;
}

std::vector<std::string> texts_of(const std::vector<LogRecord>& records) {
  std::vector<std::string> texts;
  for (const LogRecord& record : records) texts.push_back(record.text);
  return texts;
}

// "line 07\n": every numbered line gives a record of the same length.
std::string numbered(int number) {
  return fmt::format("line {:02}\n", number);
}

std::vector<std::string> numbered_range(int first, int last) {
  std::vector<std::string> texts;
  for (int number = first; number <= last; ++number) texts.push_back(numbered(number));
  return texts;
}

// A record as the writer writes it, for logs made by hand.
std::string record_line(std::string_view text_escaped, std::string_view stream, std::string_view time) {
  return fmt::format(R"({{"log":"{}","stream":"{}","time":"{}"}})", text_escaped, stream, time) + "\n";
}

class JsonLogTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(dir_.ok()); }

  JsonLogWriter open_writer(JsonLogOptions options = {}) {
    auto writer = JsonLogWriter::open(path_, options);
    EXPECT_TRUE(writer) << writer.error().what();
    return std::move(*writer);
  }
  std::vector<LogRecord> read_all(const LogFilter& filter = {}) {
    auto records = read_json_log(path_, filter);
    EXPECT_TRUE(records) << records.error().what();
    return records ? *records : std::vector<LogRecord>{};
  }
  void append_raw(const std::string& path, std::string_view bytes) {
    auto fd = sys::open(path, O_WRONLY | O_APPEND | O_CREAT, 0640);
    ASSERT_TRUE(fd) << fd.error().what();
    ASSERT_EQ(::write(fd->get(), bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  // The length of a numbered line's record.
  static std::uint64_t numbered_record_size() {
    return record_line("line 00\\n", "stdout", "2026-12-07T05:39:41.000000000Z").size();
  }

  TempDir dir_{"ward-json-log"};
  std::string path_ = dir_.path() + "/c-json.log";
};

// --- options ---

JsonLogOptions parse_ok(const std::map<std::string, std::string>& options) {
  auto parsed = parse_json_log_options(options);
  EXPECT_TRUE(parsed) << parsed.error().what();
  return parsed ? *parsed : JsonLogOptions{};
}

TEST(JsonLogOptions, DefaultsAreNoRotationAndOneFile) {
  JsonLogOptions options = parse_ok({});
  EXPECT_EQ(options.max_size, 0u);
  EXPECT_EQ(options.max_file, 1);
}

TEST(JsonLogOptions, MaxSizeTakesDockerUnits) {
  EXPECT_EQ(parse_ok({{"max-size", "512"}}).max_size, 512u);
  EXPECT_EQ(parse_ok({{"max-size", "10k"}}).max_size, 10u * 1024);
  EXPECT_EQ(parse_ok({{"max-size", "10KB"}}).max_size, 10u * 1024);
  EXPECT_EQ(parse_ok({{"max-size", "10m"}}).max_size, 10u << 20);
  EXPECT_EQ(parse_ok({{"max-size", "1Mb"}}).max_size, 1u << 20);
  EXPECT_EQ(parse_ok({{"max-size", "2g"}}).max_size, 2ull << 30);
  EXPECT_EQ(parse_ok({{"max-size", "-1"}}).max_size, 0u);
  JsonLogOptions both = parse_ok({{"max-size", "1m"}, {"max-file", "3"}});
  EXPECT_EQ(both.max_size, 1u << 20);
  EXPECT_EQ(both.max_file, 3);
  EXPECT_EQ(parse_ok({{"max-file", "1"}}).max_file, 1);
}

TEST(JsonLogOptions, BadKeysAndValuesAreInvalidInput) {
  auto unknown = parse_json_log_options({{"max-sise", "1m"}});
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(unknown.error().is(ErrorKind::invalid_input));
  EXPECT_EQ(unknown.error().message, "unknown log opt 'max-sise' for json-file log driver");

  const std::vector<std::map<std::string, std::string>> bad = {
      {{"max-size", "ten"}}, {{"max-size", "10x"}}, {{"max-size", "0"}},  {{"max-size", "-2"}},
      {{"max-size", ""}},    {{"max-file", "0"}},   {{"max-file", "-1"}}, {{"max-file", "two"}},
      {{"max-file", "2.5"}}, {{"max-file", ""}},    {{"max-file", "3"}},  {{"max-file", "3"}, {"max-size", "-1"}},
  };
  for (const auto& options : bad) {
    auto parsed = parse_json_log_options(options);
    std::string shown;
    for (const auto& [key, value] : options) shown += fmt::format("{}={} ", key, value);
    ASSERT_FALSE(parsed) << shown;
    EXPECT_TRUE(parsed.error().is(ErrorKind::invalid_input)) << shown;
    // The message names the option at fault.
    EXPECT_NE(parsed.error().what().find(options.begin()->first), std::string::npos) << parsed.error().what();
  }
}

// --- writer ---

TEST_F(JsonLogTest, WritesDockersRecordFormat) {
  JsonLogWriter writer = open_writer();
  ASSERT_TRUE(writer.write("stdout", "hello\n", at(0, 123456789)));
  ASSERT_TRUE(writer.write("stderr", "oops\n", at(1, 5)));
  EXPECT_EQ(read_text(path_),
            "{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2026-12-07T05:39:41.123456789Z\"}\n"
            "{\"log\":\"oops\\n\",\"stream\":\"stderr\",\"time\":\"2026-12-07T05:39:42.000000005Z\"}\n");
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777 & ~0640u, 0u) << std::oct << st.st_mode;
  EXPECT_FALSE(writer.write("stdin", "x\n", at(0)));
}

TEST_F(JsonLogTest, EscapesAsGoDoes) {
  JsonLogWriter writer = open_writer();
  ASSERT_TRUE(writer.write(
      "stdout", "q\"b\\t\tr\re\x01\x1b<a>&\x7f \xc3\xa9 \xf0\x9f\x98\x80 \xe2\x80\xa8\xe2\x80\xa9\n", at(0)));
  // Not UTF-8: a stray byte, a cut sequence, an overlong form, a surrogate,
  // past U+10FFFF; each offending byte becomes one U+FFFD, as in Go.
  ASSERT_TRUE(writer.write("stdout", "\xff|\xe2\x82|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80\n", at(0)));
  std::vector<std::string> lines = lines_of(read_text(path_));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], R"({"log":"q\"b\\t\tr\re\u0001\u001b\u003ca\u003e\u0026)"
                      "\x7f \xc3\xa9 \xf0\x9f\x98\x80 "
                      R"(\u2028\u2029\n","stream":"stdout","time":"2026-12-07T05:39:41.000000000Z"})");
  EXPECT_EQ(lines[1], R"({"log":"\ufffd|\ufffd\ufffd|\ufffd\ufffd|\ufffd\ufffd\ufffd|\ufffd\ufffd\ufffd\ufffd\n",)"
                      R"("stream":"stdout","time":"2026-12-07T05:39:41.000000000Z"})");
  // And the reader gives the text back (with U+FFFD for the bad bytes).
  std::vector<LogRecord> records = read_all();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].text, "q\"b\\t\tr\re\x01\x1b<a>&\x7f \xc3\xa9 \xf0\x9f\x98\x80 \xe2\x80\xa8\xe2\x80\xa9\n");
  EXPECT_EQ(records[1].text.substr(0, 4), "\xef\xbf\xbd|");
}

TEST_F(JsonLogTest, JoinsALineWrittenInPiecesAndKeepsStreamsApart) {
  JsonLogWriter writer = open_writer();
  ASSERT_TRUE(writer.write("stdout", "hel", at(0)));
  ASSERT_TRUE(writer.write("stderr", "err", at(1)));
  EXPECT_EQ(read_text(path_), "");
  ASSERT_TRUE(writer.write("stdout", "lo\nwor", at(2)));
  ASSERT_TRUE(writer.write("stderr", "or\n", at(3)));
  ASSERT_TRUE(writer.write("stdout", "ld\nagain\n", at(4)));
  std::vector<LogRecord> records = read_all();
  EXPECT_EQ(texts_of(records), (std::vector<std::string>{"hello\n", "error\n", "world\n", "again\n"}));
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].stream, "stdout");
  EXPECT_EQ(records[1].stream, "stderr");
  // A line is stamped when its newline came.
  EXPECT_EQ(records[0].time_ns, (kEpochSeconds + 2) * kSecond);
  EXPECT_EQ(records[2].time_ns, (kEpochSeconds + 4) * kSecond);
  EXPECT_EQ(records[0].time, "2026-12-07T05:39:43.000000000Z");
}

TEST_F(JsonLogTest, SplitsLinesLongerThan16KiBIntoPartialRecords) {
  JsonLogWriter writer = open_writer();
  // Given in pieces, as reads of a pipe give it.
  std::string line = std::string(40000, 'x') + "\n";
  for (std::size_t at_byte = 0; at_byte < line.size(); at_byte += 4096)
    ASSERT_TRUE(writer.write("stdout", std::string_view(line).substr(at_byte, 4096), at(0)));
  // Exactly 16 KiB before the newline: the newline comes alone, as in Docker.
  ASSERT_TRUE(writer.write("stdout", std::string(16384, 'y') + "\nshort\n", at(1)));

  std::vector<std::string> lines = lines_of(read_text(path_));
  ASSERT_EQ(lines.size(), 6u);
  std::vector<LogRecord> records = read_all();
  ASSERT_EQ(records.size(), 6u);
  EXPECT_EQ(records[0].text, std::string(16384, 'x'));
  EXPECT_EQ(records[1].text, std::string(16384, 'x'));
  EXPECT_EQ(records[2].text, std::string(40000 - 2 * 16384, 'x') + "\n");
  EXPECT_EQ(records[3].text, std::string(16384, 'y'));
  EXPECT_EQ(records[4].text, "\n");
  EXPECT_EQ(records[5].text, "short\n");
}

TEST_F(JsonLogTest, FlushWritesTheUnfinishedLinesWithoutNewline) {
  JsonLogWriter writer = open_writer();
  ASSERT_TRUE(writer.write("stdout", "done\nno newline", at(0)));
  ASSERT_TRUE(writer.write("stderr", "err", at(0)));
  EXPECT_EQ(lines_of(read_text(path_)).size(), 1u);
  ASSERT_TRUE(writer.flush(at(5)));
  std::vector<LogRecord> records = read_all();
  EXPECT_EQ(texts_of(records), (std::vector<std::string>{"done\n", "no newline", "err"}));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].stream, "stdout");
  EXPECT_EQ(records[2].stream, "stderr");
  EXPECT_EQ(records[2].time_ns, (kEpochSeconds + 5) * kSecond);
  // Nothing is left to flush a second time.
  ASSERT_TRUE(writer.flush(at(6)));
  EXPECT_EQ(read_all().size(), 3u);
}

TEST_F(JsonLogTest, RotatesAtMaxSizeAndDropsTheOldestBeyondMaxFile) {
  // Room for three records a file.
  std::uint64_t record_size = numbered_record_size();
  JsonLogWriter writer = open_writer({.max_size = 3 * record_size + 10, .max_file = 3});
  for (int number = 0; number < 20; ++number) ASSERT_TRUE(writer.write("stdout", numbered(number), at(number)));

  EXPECT_TRUE(exists(path_));
  EXPECT_TRUE(exists(path_ + ".1"));
  EXPECT_TRUE(exists(path_ + ".2"));
  EXPECT_FALSE(exists(path_ + ".3"));
  // Records 0-17 filled six files of three; the newest file has 18 and 19.
  EXPECT_EQ(lines_of(read_text(path_)).size(), 2u);
  EXPECT_EQ(lines_of(read_text(path_ + ".1")).size(), 3u);
  EXPECT_NE(read_text(path_ + ".2").find("line 12"), std::string::npos);
  EXPECT_EQ(texts_of(read_all()), numbered_range(12, 19));
}

TEST_F(JsonLogTest, MaxFileOneTruncatesInsteadOfRotating) {
  JsonLogWriter writer = open_writer({.max_size = 2 * numbered_record_size() + 5, .max_file = 1});
  for (int number = 0; number < 5; ++number) ASSERT_TRUE(writer.write("stdout", numbered(number), at(number)));
  EXPECT_FALSE(exists(path_ + ".1"));
  // 0 1 | 2 3 | 4
  EXPECT_EQ(texts_of(read_all()), numbered_range(4, 4));
}

TEST_F(JsonLogTest, AReopenedLogCountsWhatIsAlreadyThere) {
  std::uint64_t record_size = numbered_record_size();
  {
    JsonLogWriter writer = open_writer();
    ASSERT_TRUE(writer.write("stdout", numbered(0) + numbered(1), at(0)));
  }
  JsonLogWriter writer = open_writer({.max_size = 2 * record_size, .max_file = 2});
  ASSERT_TRUE(writer.write("stdout", numbered(2), at(1)));
  EXPECT_EQ(lines_of(read_text(path_ + ".1")).size(), 2u);
  EXPECT_EQ(texts_of(read_all()), numbered_range(0, 2));
}

// --- reader ---

TEST_F(JsonLogTest, AMissingLogReadsAsEmpty) {
  EXPECT_TRUE(read_all().empty());
  auto records = read_json_log(dir_.path() + "/no/such/dir/x-json.log", {});
  ASSERT_TRUE(records) << records.error().what();
  EXPECT_TRUE(records->empty());
}

TEST_F(JsonLogTest, ReadsRotatedFilesOldestFirstAndSkipsDamagedLines) {
  append_raw(path_ + ".2", record_line("one\\n", "stdout", "2026-12-07T05:39:41.000000001Z"));
  append_raw(path_ + ".1", "not json at all\n");
  append_raw(path_ + ".1", record_line("two\\n", "stderr", "2026-12-07T05:39:42Z"));
  append_raw(path_ + ".1", R"({"log":7,"stream":"stdout","time":"2026-12-07T05:39:42Z"})"
                           "\n");
  append_raw(path_ + ".1", record_line("bad time\\n", "stdout", "yesterday"));
  append_raw(path_ + ".1", R"({"stream":"stdout","time":"2026-12-07T05:39:42Z"})"
                           "\n");
  append_raw(path_, record_line("three\\n", "stdout", "2026-12-07T06:39:43+01:00"));
  append_raw(path_, R"({"log":"cut short\n","str)");  // no newline: not a record yet
  // Names the writer never makes are not logs.
  append_raw(path_ + ".old", record_line("stray\\n", "stdout", "2026-12-07T05:39:40Z"));
  append_raw(path_ + ".01", record_line("stray\\n", "stdout", "2026-12-07T05:39:40Z"));

  std::vector<LogRecord> records = read_all();
  EXPECT_EQ(texts_of(records), (std::vector<std::string>{"one\n", "two\n", "three\n"}));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].time, "2026-12-07T05:39:41.000000001Z");
  EXPECT_EQ(records[0].time_ns, kEpochSeconds * kSecond + 1);
  EXPECT_EQ(records[1].stream, "stderr");
  EXPECT_EQ(records[2].time_ns, (kEpochSeconds + 2) * kSecond);
}

TEST_F(JsonLogTest, ReadsAcrossAGapInTheRotatedFiles) {
  append_raw(path_ + ".3", record_line("old\\n", "stdout", "2026-12-07T05:39:41Z"));
  append_raw(path_, record_line("new\\n", "stdout", "2026-12-07T05:39:42Z"));
  EXPECT_EQ(texts_of(read_all()), (std::vector<std::string>{"old\n", "new\n"}));
}

TEST_F(JsonLogTest, FiltersSinceAndUntilInclusivelyThenTail) {
  JsonLogWriter writer = open_writer();
  for (int number = 0; number < 10; ++number) ASSERT_TRUE(writer.write("stdout", numbered(number), at(number)));
  auto second = [](int number) { return (kEpochSeconds + number) * kSecond; };

  EXPECT_EQ(texts_of(read_all({.since_ns = second(2), .until_ns = second(7)})), numbered_range(2, 7));
  EXPECT_EQ(texts_of(read_all({.since_ns = second(2) + 1})), numbered_range(3, 9));
  EXPECT_EQ(texts_of(read_all({.until_ns = second(7) - 1})), numbered_range(0, 6));
  // Tail counts after the time filter.
  EXPECT_EQ(texts_of(read_all({.since_ns = second(2), .until_ns = second(7), .tail = 3})), numbered_range(5, 7));
  EXPECT_EQ(texts_of(read_all({.tail = 2})), numbered_range(8, 9));
  EXPECT_EQ(texts_of(read_all({.tail = 100})), numbered_range(0, 9));
  EXPECT_TRUE(read_all({.tail = 0}).empty());
  EXPECT_TRUE(read_all({.since_ns = second(10)}).empty());
}

TEST_F(JsonLogTest, ReadsALogLargerThanOneReadChunk) {
  // Lines cross the reader's chunk boundaries at every offset in turn.
  JsonLogWriter writer = open_writer();
  std::vector<std::string> written;
  for (int number = 0; number < 3000; ++number) {
    written.push_back(fmt::format("{:0{}}\n", number, 1 + number % 97));
    ASSERT_TRUE(writer.write(number % 2 ? "stderr" : "stdout", written.back(), at(number)));
  }
  std::vector<LogRecord> records = read_all();
  EXPECT_EQ(texts_of(records), written);
  ASSERT_EQ(records.size(), 3000u);
  EXPECT_EQ(records[2999].stream, "stderr");
  EXPECT_EQ(records[2999].time_ns, (kEpochSeconds + 2999) * kSecond);
}

// --- follower ---

class JsonLogFollowerTest : public JsonLogTest {
 protected:
  JsonLogFollower follow() {
    auto follower = JsonLogFollower::at_end(path_);
    EXPECT_TRUE(follower) << follower.error().what();
    return std::move(*follower);
  }
  static std::vector<std::string> next_texts(JsonLogFollower& follower) {
    auto records = follower.next();
    EXPECT_TRUE(records) << records.error().what();
    return records ? texts_of(*records) : std::vector<std::string>{};
  }
};

TEST_F(JsonLogFollowerTest, StartsAtTheEndAndGivesWhatIsAppended) {
  JsonLogWriter writer = open_writer();
  ASSERT_TRUE(writer.write("stdout", numbered(0), at(0)));
  JsonLogFollower follower = follow();
  EXPECT_TRUE(next_texts(follower).empty());
  ASSERT_TRUE(writer.write("stdout", numbered(1) + numbered(2), at(1)));
  EXPECT_EQ(next_texts(follower), numbered_range(1, 2));
  EXPECT_TRUE(next_texts(follower).empty());
  ASSERT_TRUE(writer.write("stderr", numbered(3), at(2)));
  auto records = follower.next();
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].stream, "stderr");
  EXPECT_EQ((*records)[0].time_ns, (kEpochSeconds + 2) * kSecond);
}

TEST_F(JsonLogFollowerTest, WaitsForALogNotYetMade) {
  JsonLogFollower follower = follow();
  EXPECT_TRUE(next_texts(follower).empty());
  EXPECT_TRUE(next_texts(follower).empty());
  JsonLogWriter writer = open_writer();
  ASSERT_TRUE(writer.write("stdout", numbered(0) + numbered(1), at(0)));
  EXPECT_EQ(next_texts(follower), numbered_range(0, 1));
}

TEST_F(JsonLogFollowerTest, JoinsARecordWrittenInTwoHalves) {
  append_raw(path_, record_line("before\\n", "stdout", "2026-12-07T05:39:41Z"));
  JsonLogFollower follower = follow();
  std::string record = record_line("split\\n", "stdout", "2026-12-07T05:39:42Z");
  append_raw(path_, record.substr(0, 20));
  EXPECT_TRUE(next_texts(follower).empty());
  append_raw(path_, record.substr(20) + record_line("after\\n", "stdout", "2026-12-07T05:39:43Z"));
  EXPECT_EQ(next_texts(follower), (std::vector<std::string>{"split\n", "after\n"}));
}

TEST_F(JsonLogFollowerTest, FollowsRotationsWithoutLosingOrRepeatingRecords) {
  JsonLogWriter writer = open_writer({.max_size = 3 * numbered_record_size() + 10, .max_file = 5});
  ASSERT_TRUE(writer.write("stdout", numbered(0), at(0)));
  JsonLogFollower follower = follow();
  std::vector<std::string> seen;
  int number = 1;
  // One, two or three records between calls: calls fall before, on and
  // after each rotation.
  for (int round = 0; round < 12; ++round) {
    for (int count = 0; count < round % 3 + 1; ++count, ++number)
      ASSERT_TRUE(writer.write("stdout", numbered(number), at(number)));
    for (std::string& text : next_texts(follower)) seen.push_back(std::move(text));
  }
  EXPECT_EQ(seen, numbered_range(1, number - 1));
}

TEST_F(JsonLogFollowerTest, CatchesUpOnSeveralRotationsBetweenCalls) {
  JsonLogWriter writer = open_writer({.max_size = 3 * numbered_record_size() + 10, .max_file = 5});
  ASSERT_TRUE(writer.write("stdout", numbered(0), at(0)));
  JsonLogFollower follower = follow();
  // Three records a file: the file followed and two more are rotated out
  // before the follower looks again.
  for (int number = 1; number <= 10; ++number) ASSERT_TRUE(writer.write("stdout", numbered(number), at(number)));
  EXPECT_TRUE(exists(path_ + ".3"));
  EXPECT_EQ(next_texts(follower), numbered_range(1, 10));
  ASSERT_TRUE(writer.write("stdout", numbered(11), at(11)));
  EXPECT_EQ(next_texts(follower), numbered_range(11, 11));
}

TEST_F(JsonLogFollowerTest, StartsOverWhenMaxFileOneTruncates) {
  JsonLogWriter writer = open_writer({.max_size = 2 * numbered_record_size() + 5, .max_file = 1});
  JsonLogFollower follower = follow();
  ASSERT_TRUE(writer.write("stdout", numbered(0) + numbered(1), at(0)));
  EXPECT_EQ(next_texts(follower), numbered_range(0, 1));
  ASSERT_TRUE(writer.write("stdout", numbered(2), at(1)));  // truncates first
  EXPECT_EQ(next_texts(follower), numbered_range(2, 2));
}

// --- parse_log_time ---

constexpr std::int64_t kNow = (kEpochSeconds + 3600) * kSecond;

std::int64_t time_of(std::string_view text) {
  auto time = parse_log_time(text, kNow);
  EXPECT_TRUE(time) << text << ": " << time.error().what();
  return time ? *time : -1;
}

TEST(LogTime, ReadsRfc3339Times) {
  EXPECT_EQ(time_of("2026-12-07T05:39:41Z"), kEpochSeconds * kSecond);
  EXPECT_EQ(time_of("2026-12-07T05:39:41.123456789Z"), kEpochSeconds * kSecond + 123456789);
  EXPECT_EQ(time_of("2026-12-07T05:39:41.5Z"), kEpochSeconds * kSecond + 500000000);
  // Digits past nanoseconds are dropped, as Go drops them.
  EXPECT_EQ(time_of("2026-12-07T05:39:41.0000000019Z"), kEpochSeconds * kSecond + 1);
  EXPECT_EQ(time_of("2026-12-07T06:39:41+01:00"), kEpochSeconds * kSecond);
  EXPECT_EQ(time_of("2026-12-07T03:09:41.25-02:30"), kEpochSeconds * kSecond + 250000000);
  EXPECT_EQ(time_of("2024-02-29T12:00:00Z"), 1709208000 * kSecond);
  EXPECT_EQ(time_of("1970-01-01T00:00:00Z"), 0);
}

TEST(LogTime, ReadsTimesWithoutZoneAsUtc) {
  EXPECT_EQ(time_of("2026-12-07"), 1796601600 * kSecond);
  EXPECT_EQ(time_of("2026-12-07T05:39:41"), kEpochSeconds * kSecond);
  EXPECT_EQ(time_of("2026-12-07T05:39"), (kEpochSeconds - 41) * kSecond);
}

TEST(LogTime, ReadsUnixSeconds) {
  EXPECT_EQ(time_of("1796621981"), kEpochSeconds * kSecond);
  EXPECT_EQ(time_of("1796621981.5"), kEpochSeconds * kSecond + 500000000);
  EXPECT_EQ(time_of("1796621981.000000001"), kEpochSeconds * kSecond + 1);
  // Docker reads "0" as the epoch, not as a duration of nothing.
  EXPECT_EQ(time_of("0"), 0);
}

TEST(LogTime, ReadsGoDurationsBeforeNow) {
  EXPECT_EQ(time_of("10m"), kNow - 600 * kSecond);
  EXPECT_EQ(time_of("90s"), kNow - 90 * kSecond);
  EXPECT_EQ(time_of("1h30m"), kNow - 5400 * kSecond);
  EXPECT_EQ(time_of("1.5h"), kNow - 5400 * kSecond);
  EXPECT_EQ(time_of("300ms"), kNow - 300'000'000);
  EXPECT_EQ(time_of("2us"), kNow - 2'000);
  EXPECT_EQ(time_of("2\xc2\xb5s"), kNow - 2'000);
  EXPECT_EQ(time_of("7ns"), kNow - 7);
  EXPECT_EQ(time_of(".5s"), kNow - 500'000'000);
  EXPECT_EQ(time_of("1h0m1s"), kNow - 3601 * kSecond);
  EXPECT_EQ(time_of("-10m"), kNow + 600 * kSecond);
  EXPECT_EQ(time_of("+0"), kNow);
}

TEST(LogTime, RefusesOtherTextNamingIt) {
  for (std::string_view text :
       {"", "yesterday", "1.", ".", "10x", "1h-", "h", "10 m", "2026-13-01", "2026-02-29", "2026-12-07T24:00:00Z",
        "2026-12-07T05:60:00Z", "2026-12-07T05:39:60Z", "2026-12-07T05:39:41+0100", "2026-12-07T05:39:41.Z",
        "2026-12-07 05:39:41", "2026-12-7", "12:00", "1796621981.5.1",
        // Past the nanosecond range of int64 (the year 2262).
        "99999999999", "3000-01-01", "3000000h"}) {
    auto time = parse_log_time(text, kNow);
    ASSERT_FALSE(time) << text << " gave " << *time;
    EXPECT_TRUE(time.error().is(ErrorKind::invalid_input)) << text;
    EXPECT_NE(time.error().message.find(fmt::format("\"{}\"", text)), std::string::npos) << time.error().message;
  }
}

}  // namespace
}  // namespace ward::monitor
