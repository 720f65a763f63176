// Docker's flag style (pflag), which `ward` speaks, and the front-end core
// both front ends share: the verb table and the error reporter.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <functional>

#include "cli/core/args.h"
#include "cli/core/front_end.h"

namespace ward::cli {
namespace {

const std::vector<FlagSpec> kRunFlags = {
    {{"interactive", "i"}, false, ""},
    {{"tty", "t"}, false, ""},
    {{"detach", "d"}, false, ""},
    {{"publish", "p"}, true, ""},
    {{"env", "e"}, true, ""},
    {{"name"}, true, ""},
    {{"rm"}, false, ""},
};

TEST(DockerArgs, CombinedShortFlags) {
  auto parsed = parse_docker_args({"-it", "busybox", "sh"}, kRunFlags, true);
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_TRUE(parsed->flag("interactive"));
  EXPECT_TRUE(parsed->flag("tty"));
  EXPECT_FALSE(parsed->flag("detach"));
  EXPECT_EQ(parsed->positional, (std::vector<std::string>{"busybox", "sh"}));
}

TEST(DockerArgs, LastLetterTakesTheNextArgumentOrTheRestOfTheWord) {
  auto parsed = parse_docker_args({"-dp", "80:80", "-p8080:80", "-e=A=1", "img"}, kRunFlags, true);
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_TRUE(parsed->flag("detach"));
  EXPECT_EQ(parsed->all("publish"), (std::vector<std::string>{"80:80", "8080:80"}));
  EXPECT_EQ(parsed->all("env"), (std::vector<std::string>{"A=1"}));
}

TEST(DockerArgs, RepeatedFlagsKeepEveryValueInOrder) {
  auto parsed = parse_docker_args({"-e", "A=1", "--env", "B=2", "--env=C=3", "img"}, kRunFlags, true);
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_EQ(parsed->all("env"), (std::vector<std::string>{"A=1", "B=2", "C=3"}));
  EXPECT_EQ(parsed->value("env"), "C=3");
}

TEST(DockerArgs, TheCommandKeepsItsOwnFlags) {
  auto parsed = parse_docker_args({"--rm", "img", "ls", "-la", "--", "-x"}, kRunFlags, true);
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_TRUE(parsed->flag("rm"));
  EXPECT_EQ(parsed->positional, (std::vector<std::string>{"img", "ls", "-la", "--", "-x"}));
}

TEST(DockerArgs, InterspersedWhenAskedAndDoubleDashEndsFlags) {
  auto parsed = parse_docker_args({"a", "-d", "b", "--", "-i", "-"}, kRunFlags, false);
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_TRUE(parsed->flag("detach"));
  EXPECT_FALSE(parsed->flag("interactive"));
  EXPECT_EQ(parsed->positional, (std::vector<std::string>{"a", "b", "-i", "-"}));
}

TEST(DockerArgs, ErrorsNameTheFlagAndAreInvalidInput) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const auto& c : std::vector<Case>{
           {{"--bogus"}, "unknown flag: --bogus"},
           {{"-name", "x"}, "unknown shorthand flag: 'n' in -name"},
           {{"-ix"}, "unknown shorthand flag: 'x' in -ix"},
           {{"--i"}, "unknown flag: --i"},
           {{"-e"}, "flag needs an argument: 'e' in -e"},
           {{"--name"}, "flag needs an argument: --name"},
           {{"--rm=maybe"}, "invalid boolean value \"maybe\" for --rm"},
       }) {
    auto parsed = parse_docker_args(c.args, kRunFlags, true);
    ASSERT_FALSE(parsed) << c.args[0];
    EXPECT_EQ(parsed.error().what(), c.message);
    EXPECT_TRUE(parsed.error().is(ErrorKind::invalid_input)) << c.message;
  }
}

TEST(DockerArgs, BooleansTakeAnExplicitValue) {
  auto parsed = parse_docker_args({"--rm=false", "-d=true", "img"}, kRunFlags, true);
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_FALSE(parsed->flag("rm"));
  EXPECT_TRUE(parsed->has("rm"));
  EXPECT_TRUE(parsed->flag("detach"));
}

struct Options {
  int base = 0;
};
int add_one(const Options& options, const std::vector<std::string>& args) {
  return options.base + 1 + static_cast<int>(args.size());
}
int add_two(const Options& options, const std::vector<std::string>&) {
  return options.base + 2;
}
constexpr Verb<Options> kVerbs[] = {{"one", "adds one", add_one}, {"two", "adds two", add_two}};

TEST(FrontEnd, FindsVerbsByNameAndListsThem) {
  const auto* one = find_verb<Options>(kVerbs, "one");
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(one->run(Options{10}, {"x"}), 12);
  EXPECT_EQ(find_verb<Options>(kVerbs, "three"), nullptr);
  EXPECT_EQ(verb_list<Options>(kVerbs), "   one        adds one\n   two        adds two\n");
}

// Captures what the reporter writes to stderr.
std::string stderr_of(const std::function<void()>& action) {
  std::fflush(stderr);
  char path[] = "/tmp/ward-reporter-test.XXXXXX";
  int fd = ::mkstemp(path);
  int saved = ::dup(STDERR_FILENO);
  ::dup2(fd, STDERR_FILENO);
  action();
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::string text(4096, '\0');
  ssize_t n = ::pread(fd, text.data(), text.size(), 0);
  ::close(fd);
  ::unlink(path);
  text.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return text;
}

TEST(FrontEnd, ReporterWritesOneLineWithProgramVerbWhatAndWhy) {
  Reporter reporter("ward");
  int status = 0;
  std::string text = stderr_of([&] {
    Error error{ENOENT, "open /x", {}, ErrorKind::not_found};
    status = reporter.fail("run", error, 125);
  });
  EXPECT_EQ(status, 125);
  EXPECT_EQ(text, "ward: run: open /x: No such file or directory\n");
  text = stderr_of([&] { status = reporter.fail("", "unknown command"); });
  EXPECT_EQ(status, kExitFailure);
  EXPECT_EQ(text, "ward: unknown command\n");
}

TEST(FrontEnd, ParseVerbReportsAWrongCommandLineOnce) {
  Reporter reporter("ward");
  std::optional<ParsedArgs> parsed;
  std::string text = stderr_of([&] {
    parsed = parse_verb(VerbUsage{reporter, "run", "IMAGE [COMMAND]", 125, true}, {"--bogus"}, kRunFlags, 1, 99);
  });
  EXPECT_FALSE(parsed);
  EXPECT_EQ(text, "ward: run: unknown flag: --bogus\n");
  text = stderr_of([&] {
    parsed = parse_verb(VerbUsage{reporter, "run", "IMAGE [COMMAND]", 125, true}, {"-it"}, kRunFlags, 1, 99);
  });
  EXPECT_FALSE(parsed);
  EXPECT_EQ(text, "ward: run: wrong number of arguments; usage: ward run IMAGE [COMMAND]\n");
  parsed = parse_verb(VerbUsage{reporter, "run", "IMAGE [COMMAND]", 125, true}, {"-it", "img", "sh"}, kRunFlags, 1, 99);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->flag("tty"));
}

}  // namespace
}  // namespace ward::cli
