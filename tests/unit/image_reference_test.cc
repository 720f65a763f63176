// Image references: distribution's grammar and Docker's normalisation
// (src/image/reference.h).  The cases are Docker's documented examples and
// the edges of each grammar rule.
#include "image/reference.h"

#include <string>

#include <gtest/gtest.h>

namespace ward::image {
namespace {

const std::string kHex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

struct Normalised {
  const char* input;
  const char* full;
  const char* familiar;
  bool short_name;
};

TEST(ImageReference, NormalisesAsDockerDoes) {
  const Normalised cases[] = {
      {"busybox", "docker.io/library/busybox:latest", "busybox:latest", true},
      {"user/app:1", "docker.io/user/app:1", "user/app:1", true},
      {"library/busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36", true},
      {"docker.io/library/busybox", "docker.io/library/busybox:latest", "busybox:latest", false},
      {"index.docker.io/busybox", "docker.io/library/busybox:latest", "busybox:latest", false},
      {"docker.io/library/a/b", "docker.io/library/a/b:latest", "library/a/b:latest", false},
      {"localhost:5000/x", "localhost:5000/x:latest", "localhost:5000/x:latest", false},
      {"localhost/x:dev", "localhost/x:dev", "localhost/x:dev", false},
      {"quay.io/org/app:v2.1-rc_1", "quay.io/org/app:v2.1-rc_1", "quay.io/org/app:v2.1-rc_1", false},
      {"myregistryhost:5000/fedora/httpd:version1.0", "myregistryhost:5000/fedora/httpd:version1.0",
       "myregistryhost:5000/fedora/httpd:version1.0", false},
      {"[::1]:5000/repo", "[::1]:5000/repo:latest", "[::1]:5000/repo:latest", false},
      {"[2001:db8::1]/repo", "[2001:db8::1]/repo:latest", "[2001:db8::1]/repo:latest", false},
      {"a-b.example.com/x__y.z-w/q---r", "a-b.example.com/x__y.z-w/q---r:latest",
       "a-b.example.com/x__y.z-w/q---r:latest", false},
      // Dropping docker.io here would make foo.com a host: it stays.
      {"docker.io/foo.com/x", "docker.io/foo.com/x:latest", "docker.io/foo.com/x:latest", false},
      // A port-less name with a tag: "localhost:5000" alone is library/localhost, tag 5000.
      {"localhost:5000", "docker.io/library/localhost:5000", "localhost:5000", true},
      // Docker takes a first component with an upper-case letter for a host.
      {"Registry/app", "Registry/app:latest", "Registry/app:latest", false},
  };
  for (const auto& c : cases) {
    auto reference = parse_reference(c.input);
    ASSERT_TRUE(reference) << c.input << ": " << reference.error().what();
    EXPECT_EQ(reference->string(), c.full) << c.input;
    EXPECT_EQ(reference->familiar(), c.familiar) << c.input;
    EXPECT_EQ(reference->short_name, c.short_name) << c.input;
    EXPECT_EQ(is_short_name(c.input), c.short_name) << c.input;
    // Both printed forms name the same image.
    EXPECT_EQ(parse_reference(reference->string()).value(), *reference) << c.input;
    EXPECT_EQ(parse_reference(reference->familiar()).value(), *reference) << c.input;
  }
}

TEST(ImageReference, DigestsWithAndWithoutTag) {
  auto pinned = parse_reference("busybox@sha256:" + kHex);
  ASSERT_TRUE(pinned) << pinned.error().what();
  EXPECT_EQ(pinned->tag, "");  // a digest alone gets no "latest"
  ASSERT_TRUE(pinned->digest);
  EXPECT_EQ(pinned->digest->hex(), kHex);
  EXPECT_EQ(pinned->string(), "docker.io/library/busybox@sha256:" + kHex);
  EXPECT_EQ(pinned->familiar(), "busybox@sha256:" + kHex);

  auto both = parse_reference("localhost:5000/app:1.0@sha256:" + kHex);
  ASSERT_TRUE(both) << both.error().what();
  EXPECT_EQ(both->domain, "localhost:5000");
  EXPECT_EQ(both->path, "app");
  EXPECT_EQ(both->tag, "1.0");
  EXPECT_EQ(both->string(), "localhost:5000/app:1.0@sha256:" + kHex);
}

TEST(ImageReference, TagLengthLimitIs128) {
  EXPECT_TRUE(parse_reference("app:" + std::string(128, 'a')));
  EXPECT_FALSE(parse_reference("app:" + std::string(129, 'a')));
  EXPECT_TRUE(parse_reference("app:_private"));
}

TEST(ImageReference, RefusesWhatTheGrammarRefuses) {
  const char* invalid[] = {
      "",
      "Busybox",
      "busybox:",
      "busybox:-x",
      "busybox:.x",
      "busybox:a b",
      "a/-b",
      "a/b-",
      "a_-b",
      "a___b",
      "a//b",
      "docker.io/",
      ":tag",
      "@sha256:",
      "a@b@c",
      "-foo.com/x",
      "foo-.com/x",
      "localhost:abc/x",
      "[::1/x",
      "a.com:/x",
      "UPPER/Path",
      "busybox@sha256:abc",
      "busybox@md5:d41d8cd98f00b204e9800998ecf8427e",
  };
  for (const char* text : invalid) {
    auto reference = parse_reference(text);
    EXPECT_FALSE(reference) << "accepted \"" << text << "\" as " << reference->string();
    if (!reference) {
      EXPECT_TRUE(reference.error().is(ErrorKind::invalid_input)) << text;
      EXPECT_TRUE(reference.error().what().starts_with("invalid reference \"" + std::string(text) + "\": "))
          << reference.error().what();
    }
  }
}

TEST(ImageReference, ErrorsSayWhatIsWrong) {
  EXPECT_EQ(parse_reference("Busybox").error().what(),
            "invalid reference \"Busybox\": repository name must be lower-case");
  EXPECT_EQ(parse_reference("busybox@sha256:abc").error().what(),
            "invalid reference \"busybox@sha256:abc\": digest \"sha256:abc\": sha256 needs 64 lower-case hex "
            "digits, got 3 characters");
  EXPECT_NE(parse_reference("localhost:abc/x").error().what().find("\"localhost:abc\" is not a valid registry"),
            std::string::npos);
  EXPECT_NE(parse_reference("a/b__-c").error().what().find("path component \"b__-c\""), std::string::npos);
  EXPECT_NE(parse_reference(kHex).error().what().find("hex image id is not a repository name"), std::string::npos);
}

TEST(ImageReference, NameLengthIsCheckedOnTheFullName) {
  // "docker.io/library/" adds 18 characters to a short name.
  EXPECT_TRUE(parse_reference(std::string(255 - 18, 'a')));
  auto too_long = parse_reference(std::string(255 - 17, 'a'));
  ASSERT_FALSE(too_long);
  EXPECT_NE(too_long.error().what().find("longer than 255"), std::string::npos);
}

TEST(ImageReference, ShortNamesHaveNoHostComponent) {
  EXPECT_TRUE(is_short_name("busybox"));
  EXPECT_TRUE(is_short_name("user/app:1"));
  EXPECT_TRUE(is_short_name("library/busybox"));
  EXPECT_FALSE(is_short_name("docker.io/busybox"));
  EXPECT_FALSE(is_short_name("localhost/x"));
  EXPECT_FALSE(is_short_name("registry:5000/x"));
}

}  // namespace
}  // namespace ward::image
