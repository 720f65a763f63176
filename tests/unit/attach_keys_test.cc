// `ward attach`'s pieces that need no container: Docker's detach-key
// syntax, the matcher that holds back a partly typed sequence, and the
// resize frame.
#include <gtest/gtest.h>

#include "engine/detach_keys.h"
#include "engine/monitor/attach_protocol.h"

namespace ward::engine {
namespace {

TEST(DetachKeys, DockerSyntax) {
  EXPECT_EQ(parse_detach_keys("ctrl-p,ctrl-q").value(), "\x10\x11");
  EXPECT_EQ(parse_detach_keys("ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_").value(),
            std::string("\0\x1b\x1c\x1d\x1e\x1f", 6));
  EXPECT_EQ(parse_detach_keys("CTRL-A,x,,").has_value(), false);  // an empty item
  EXPECT_EQ(parse_detach_keys("CTRL-A,x").value(), "\x01x");
  EXPECT_EQ(parse_detach_keys("a").value(), "a");
  for (const char* bad : {"", "ctrl-", "ctrl-1", "ctrl-pq", "ab", "ctrl-p,,ctrl-q"}) {
    auto parsed = parse_detach_keys(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_TRUE(parsed.error().is(ErrorKind::invalid_input)) << bad;
    EXPECT_NE(std::string(parsed.error().what()).find("--detach-keys"), std::string::npos) << bad;
  }
}

TEST(DetachKeys, TheMatcherHoldsBackAPartialSequence) {
  DetachKeyMatcher matcher("\x10\x11");
  std::string out;
  EXPECT_FALSE(matcher.feed("ab\x10", out));
  EXPECT_EQ(out, "ab");  // ctrl-p held back
  EXPECT_FALSE(matcher.feed("c", out));
  EXPECT_EQ(out,
            "ab\x10"
            "c");  // broken: it passes
  EXPECT_FALSE(matcher.feed("\x10\x10", out));
  EXPECT_EQ(out,
            "ab\x10"
            "c\x10");  // the second may still begin it
  EXPECT_TRUE(matcher.feed("\x11tail", out));
  EXPECT_EQ(out,
            "ab\x10"
            "c\x10");  // neither the keys nor what follows pass
}

TEST(DetachKeys, AcrossReads) {
  DetachKeyMatcher matcher("xyz");
  std::string out;
  EXPECT_FALSE(matcher.feed("1x", out));
  EXPECT_FALSE(matcher.feed("y", out));
  EXPECT_TRUE(matcher.feed("z", out));
  EXPECT_EQ(out, "1");
}

TEST(DetachKeys, NoKeysPassEverything) {
  DetachKeyMatcher matcher("");
  std::string out;
  EXPECT_FALSE(matcher.feed(std::string("\x10\x11", 2), out));
  EXPECT_EQ(out, "\x10\x11");
}

TEST(AttachProtocol, ResizeFrames) {
  std::string frame = monitor::encode_resize(33, 1111);
  ASSERT_EQ(frame.size(), 5u);
  EXPECT_EQ(static_cast<monitor::AttachFrame>(frame[0]), monitor::AttachFrame::resize);
  auto size = monitor::decode_resize(std::string_view(frame).substr(1));
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(size->rows, 33);
  EXPECT_EQ(size->columns, 1111);
  EXPECT_FALSE(monitor::decode_resize("abc").has_value());
}

}  // namespace
}  // namespace ward::engine
