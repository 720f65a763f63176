// The Dockerfile parser on every syntax feature `ward lint` reads:
// directives, comments, continuations, heredocs, forms, flags, expansion,
// stages; and its errors, which name the file and line.
#include <gtest/gtest.h>

#include "audit/lint/dockerfile.h"
#include "audit/lint/shell.h"

namespace ward::audit::lint {
namespace {

Dockerfile parse(const std::string& text) {
  auto df = parse_dockerfile(text, "Dockerfile");
  EXPECT_TRUE(df.has_value()) << (df ? "" : df.error().what());
  return df ? *df : Dockerfile{};
}

std::string parse_error(const std::string& text) {
  auto df = parse_dockerfile(text, "Dockerfile");
  EXPECT_FALSE(df.has_value()) << "parsed:\n" << text;
  return df ? "" : df.error().what();
}

TEST(DockerfileParser, DirectivesAtTheTopOnly) {
  auto df = parse("# syntax=docker/dockerfile:1.7\n# escape=`\nFROM debian:12\n");
  EXPECT_EQ(df.syntax, "docker/dockerfile:1.7");
  EXPECT_EQ(df.escape, '`');
  auto late = parse("FROM debian:12\n# escape=`\n");
  EXPECT_EQ(late.escape, '\\');
  ASSERT_EQ(late.comments.size(), 1u);
  EXPECT_EQ(late.comments[0].line, 2);
}

TEST(DockerfileParser, ContinuationsJoinLinesAndSkipCommentsInside) {
  auto df =
      parse("FROM debian:12\nRUN apt-get update \\\n# a comment inside\n\n  && apt-get install -y curl\nUSER app\n");
  ASSERT_EQ(df.instructions.size(), 3u);
  const Instruction& run = df.instructions[1];
  EXPECT_EQ(run.line, 2);
  EXPECT_EQ(run.end_line, 5);
  EXPECT_NE(run.arguments.find("apt-get update"), std::string::npos);
  EXPECT_NE(run.arguments.find("&& apt-get install -y curl"), std::string::npos);
  EXPECT_EQ(run.arguments.find("comment"), std::string::npos);
  EXPECT_EQ(df.instructions[2].line, 6);
}

TEST(DockerfileParser, EscapeDirectiveChangesTheContinuationCharacter) {
  auto df = parse("# escape=`\nFROM mcr.microsoft.com/windows:ltsc2022\nRUN dir `\n  C:\\Windows\n");
  ASSERT_EQ(df.instructions.size(), 2u);
  EXPECT_NE(df.instructions[1].arguments.find("C:\\Windows"), std::string::npos);
}

TEST(DockerfileParser, HeredocsPlainDashedAndQuoted) {
  auto df = parse(
      "FROM debian:12\nRUN <<EOF\necho one\necho two\nEOF\nCOPY <<-\"END\" /etc/motd\n\thello $USER\n\tEND\n"
      "RUN cat <<'A' <<B\nfirst\nA\nsecond\nB\nUSER app\n");
  ASSERT_EQ(df.instructions.size(), 5u);
  const Instruction& run = df.instructions[1];
  ASSERT_EQ(run.heredocs.size(), 1u);
  EXPECT_EQ(run.heredocs[0].delimiter, "EOF");
  EXPECT_EQ(run.heredocs[0].body, "echo one\necho two\n");
  EXPECT_EQ(run.end_line, 5);
  const Instruction& copy = df.instructions[2];
  ASSERT_EQ(copy.heredocs.size(), 1u);
  EXPECT_TRUE(copy.heredocs[0].strip_tabs);
  EXPECT_TRUE(copy.heredocs[0].quoted);
  EXPECT_EQ(copy.heredocs[0].body, "hello $USER\n");
  const Instruction& two = df.instructions[3];
  ASSERT_EQ(two.heredocs.size(), 2u);
  EXPECT_EQ(two.heredocs[0].body, "first\n");
  EXPECT_EQ(two.heredocs[1].body, "second\n");
  EXPECT_EQ(df.instructions[4].line, 14);
  // << inside quotes or a shift is no heredoc.
  auto none = parse("FROM debian:12\nRUN echo \"a <<b\" && echo $((1<<2))\n");
  EXPECT_TRUE(none.instructions[1].heredocs.empty());
}

TEST(DockerfileParser, JsonAndShellForms) {
  auto df = parse(
      "FROM debian:12\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\nENTRYPOINT nginx -g 'daemon off;'\n"
      "RUN [\"not json\"\nSHELL [\"/bin/bash\", \"-c\"]\n");
  EXPECT_TRUE(df.instructions[1].json_form);
  EXPECT_EQ(df.instructions[1].json_arguments, (std::vector<std::string>{"nginx", "-g", "daemon off;"}));
  EXPECT_FALSE(df.instructions[2].json_form);
  EXPECT_EQ(df.instructions[2].words, (std::vector<std::string>{"nginx", "-g", "daemon off;"}));
  EXPECT_FALSE(df.instructions[3].json_form);  // not valid JSON: the shell form, as Docker reads it
  EXPECT_TRUE(df.instructions[4].json_form);
}

TEST(DockerfileParser, Flags) {
  auto df = parse(
      "FROM --platform=linux/arm64 debian:12 AS base\n"
      "RUN --mount=type=cache,target=/var/cache/apt --network=none --security=insecure make\n"
      "COPY --from=base --chown=app:app --chmod=0644 --link a /b\n"
      "ADD --checksum=sha256:abc https://example.org/x.tar.gz /x\n");
  EXPECT_EQ(df.instructions[0].flag("platform")->value, "linux/arm64");
  const Instruction& run = df.instructions[1];
  EXPECT_EQ(run.flag("mount")->value, "type=cache,target=/var/cache/apt");
  EXPECT_EQ(run.flag("network")->value, "none");
  EXPECT_EQ(run.flag("security")->value, "insecure");
  EXPECT_EQ(run.arguments, "make");
  const Instruction& copy = df.instructions[2];
  EXPECT_EQ(copy.flag("from")->value, "base");
  EXPECT_EQ(copy.flag("chown")->value, "app:app");
  EXPECT_EQ(copy.flag("chmod")->value, "0644");
  EXPECT_NE(copy.flag("link"), nullptr);
  EXPECT_EQ(copy.words, (std::vector<std::string>{"a", "/b"}));
  EXPECT_EQ(df.instructions[3].flag("checksum")->value, "sha256:abc");
  EXPECT_NE(parse_error("FROM debian:12\nCOPY --frm=base a b\n").find("Dockerfile:2: unknown flag --frm for COPY"),
            std::string::npos);
}

TEST(DockerfileParser, ArgAndEnvExpansion) {
  auto df = parse(
      "ARG BASE=debian\nARG TAG\nFROM ${BASE}:${TAG:-12} AS build\nARG BASE\nENV DIR=/opt/app HOME=/root\n"
      "WORKDIR $DIR/src\nENV OTHER=${DIR:+set} MISSING=${NOPE:-fallback} LITERAL='$DIR'\nUSER ${UNSET}\n");
  ASSERT_EQ(df.stages.size(), 1u);
  EXPECT_EQ(df.stages[0].image, "debian:12");
  EXPECT_EQ(df.stages[0].name, "build");
  EXPECT_EQ(df.instructions[5].words[0], "/opt/app/src");
  const auto& env = df.instructions[6].pairs;
  ASSERT_EQ(env.size(), 3u);
  EXPECT_EQ(env[0].value, "set");
  EXPECT_EQ(env[1].value, "fallback");
  EXPECT_EQ(env[2].value, "$DIR");                     // single quotes: no expansion
  EXPECT_EQ(env[2].raw, "$DIR");                       // not expanded
  EXPECT_EQ(df.instructions[7].words[0], "${UNSET}");  // unset stays as written for the rules
  auto expanded = expand_variables("${A}-${B-b}-${A:+x}-${C:-${B:-${A}}}", {{"A", "a"}}, '\\');
  ASSERT_TRUE(expanded);
  EXPECT_EQ(*expanded, "a-b-x-a");
  EXPECT_FALSE(expand_variables("${A", {}, '\\'));
}

TEST(DockerfileParser, EnvAndLabelForms) {
  auto df =
      parse("FROM debian:12\nENV PATH /usr/local/bin:$PATH\nLABEL a=\"one two\" b=three\nLABEL legacy value here\n");
  ASSERT_EQ(df.instructions[1].pairs.size(), 1u);
  EXPECT_EQ(df.instructions[1].pairs[0].key, "PATH");
  ASSERT_EQ(df.instructions[2].pairs.size(), 2u);
  EXPECT_EQ(df.instructions[2].pairs[0].value, "one two");
  EXPECT_EQ(df.instructions[3].pairs[0].value, "value here");
}

TEST(DockerfileParser, StagesAndOnbuild) {
  auto df = parse("FROM golang:1.22 AS Build\nFROM scratch\nONBUILD RUN make\n");
  ASSERT_EQ(df.stages.size(), 2u);
  EXPECT_EQ(df.stages[0].name, "build");  // names are case-insensitive
  EXPECT_EQ(df.instructions[2].stage, 1);
  ASSERT_EQ(df.instructions[2].trigger.size(), 1u);
  EXPECT_EQ(df.instructions[2].trigger[0].keyword, "RUN");
}

TEST(DockerfileParser, ErrorsNameTheFileAndLine) {
  EXPECT_NE(parse_error("FROM debian:12\n\nFOO bar\n").find("Dockerfile:3: unknown instruction FOO"),
            std::string::npos);
  EXPECT_NE(parse_error("FROM debian:12\nRUN <<EOF\necho\n").find("Dockerfile:2: heredoc <<EOF is not closed"),
            std::string::npos);
  EXPECT_NE(parse_error("FROM a b\n").find("Dockerfile:1: FROM requires"), std::string::npos);
  EXPECT_NE(parse_error("FROM a\nENV X\n").find("Dockerfile:2: ENV must have two arguments"), std::string::npos);
  EXPECT_NE(parse_error("FROM a\nSHELL /bin/bash\n").find("Dockerfile:2:"), std::string::npos);
  EXPECT_NE(parse_error("FROM a\nWORKDIR \"/x\n").find("Dockerfile:2: unterminated double quote"), std::string::npos);
  EXPECT_NE(parse_error("FROM a\nUSER\n").find("Dockerfile:2: USER requires at least one argument"), std::string::npos);
}

TEST(DockerfileParser, CrlfLineEndingsAndLowerCaseKeywords) {
  auto df = parse("from debian:12\r\nrun echo hi \\\r\n  there\r\n");
  ASSERT_EQ(df.instructions.size(), 2u);
  EXPECT_EQ(df.instructions[1].keyword, "RUN");
  EXPECT_EQ(df.instructions[1].arguments, "echo hi   there");
}

TEST(ShellWords, SplitsCommandsOnOperators) {
  auto script =
      parse_shell("A=1 apt-get update && apt-get install -y 'a b' || true; ls | grep x & wait\nsudo -E pip install y");
  std::vector<std::string> names;
  for (const auto& c : script.commands) names.emplace_back(c.name());
  EXPECT_EQ(names, (std::vector<std::string>{"apt-get", "apt-get", "true", "ls", "grep", "wait", "sudo", "pip"}));
  EXPECT_TRUE(script.has_pipe);
  EXPECT_EQ(script.commands[1].words.back(), "a b");
  EXPECT_TRUE(script.commands[1].has_any({"-y"}));
  EXPECT_TRUE(script.commands[3].piped);
  auto redirect = parse_shell("make 2>&1 && echo \"$(date)\" # trailing comment && rm x");
  EXPECT_EQ(redirect.commands.size(), 2u);
  EXPECT_FALSE(redirect.has_pipe);
}

}  // namespace
}  // namespace ward::audit::lint

namespace ward::audit::lint {
namespace {

// Hostile input stays bounded: a line of ONBUILDs and nested defaults do
// not recurse without limit.
TEST(DockerfileParser, DeepNestingIsBounded) {
  std::string onbuilds = "FROM a\n";
  for (int i = 0; i < 10000; ++i) onbuilds += "ONBUILD ";
  onbuilds += "RUN x\n";
  auto df = parse_dockerfile(onbuilds, "Dockerfile");
  ASSERT_TRUE(df) << df.error().what();
  ASSERT_EQ(df->instructions[1].trigger.size(), 1u);
  EXPECT_TRUE(df->instructions[1].trigger[0].trigger.empty());
  std::string nested = "FROM a\nENV X=";
  for (int i = 0; i < 10000; ++i) nested += "${A:-";
  nested += "x" + std::string(10000, '}') + "\n";
  auto deep = parse_dockerfile(nested, "Dockerfile");
  ASSERT_FALSE(deep);
  EXPECT_NE(deep.error().what().find("Dockerfile:2:"), std::string::npos);
}

}  // namespace
}  // namespace ward::audit::lint
