// Each lint rule fires on a bad Dockerfile and stays quiet once the line is
// fixed.  ShellCheck is off here (tests/unit/lint_config_test.cc and the
// integration test run it), so only ward's own rules speak.
#include <algorithm>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "audit/lint/lint.h"
#include "audit/lint/rules.h"

namespace ward::audit::lint {
namespace {

std::vector<Finding> lint(const std::string& text, LintConfig config = {}) {
  config.shellcheck_program.clear();
  auto outcome = lint_text(text, "Dockerfile", config);
  EXPECT_TRUE(outcome.has_value()) << (outcome ? "" : outcome.error().what());
  return outcome ? outcome->findings : std::vector<Finding>{};
}

bool fires(const std::vector<Finding>& findings, const std::string& rule) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.rule == rule; });
}

struct Case {
  std::string rule;
  std::string bad;
  std::string good;
};

// FROM lines carry a tag and the stage ends as a non-root user with a
// HEALTHCHECK-free body: only the rule under test should differ.
const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"DL3000", "FROM debian:12\nWORKDIR app\n", "FROM debian:12\nWORKDIR /app\n"},
      {"DL3001", "FROM debian:12\nRUN service nginx start\n", "FROM debian:12\nRUN nginx -t\n"},
      {"DL3002", "FROM debian:12\nUSER app\nUSER root\n", "FROM debian:12\nUSER root\nUSER app\n"},
      {"DL3003", "FROM debian:12\nRUN cd /tmp && make\n", "FROM debian:12\nWORKDIR /tmp\nRUN make\n"},
      {"DL3004", "FROM debian:12\nRUN sudo make install\n", "FROM debian:12\nRUN make install\n"},
      {"DL3006", "FROM debian\n", "FROM debian:12\n"},
      {"DL3007", "FROM debian:latest\n", "FROM debian:12.5\n"},
      {"DL3008", "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
       "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=7.88.1-10 && rm -rf "
       "/var/lib/apt/lists/*\n"},
      {"DL3009", "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88\n",
       "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88 \\\n && rm -rf "
       "/var/lib/apt/lists/*\n"},
      {"DL3010", "FROM debian:12\nCOPY app.tar.gz /opt/\n", "FROM debian:12\nADD app.tar.gz /opt/\n"},
      {"DL3011", "FROM debian:12\nEXPOSE 80000\n", "FROM debian:12\nEXPOSE 8000/tcp 9000-9010\n"},
      {"DL3012", "FROM debian:12\nHEALTHCHECK CMD true\nHEALTHCHECK CMD false\n",
       "FROM debian:12\nHEALTHCHECK CMD true\n"},
      {"DL3013", "FROM python:3.12\nRUN pip install --no-cache-dir flask\n",
       "FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.0\n"},
      {"DL3014", "FROM debian:12\nRUN apt-get install --no-install-recommends curl=7 && rm -rf /var/lib/apt/lists/*\n",
       "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=7 && rm -rf /var/lib/apt/lists/*\n"},
      {"DL3015", "FROM debian:12\nRUN apt-get install -y curl=7 && rm -rf /var/lib/apt/lists/*\n",
       "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=7 && rm -rf /var/lib/apt/lists/*\n"},
      {"DL3016", "FROM node:20\nRUN npm install express\n",
       "FROM node:20\nRUN npm install express@4.18.2 @types/node@20.1.0\n"},
      {"DL3018", "FROM alpine:3.19\nRUN apk add --no-cache curl\n",
       "FROM alpine:3.19\nRUN apk add --no-cache curl=8.5.0-r0\n"},
      {"DL3019", "FROM alpine:3.19\nRUN apk add curl=8.5.0-r0\n",
       "FROM alpine:3.19\nRUN apk add --no-cache curl=8.5.0-r0\n"},
      {"DL3020", "FROM debian:12\nADD app.py /app/\n", "FROM debian:12\nCOPY app.py /app/\n"},
      {"DL3021", "FROM debian:12\nCOPY a b /app\n", "FROM debian:12\nCOPY a b /app/\n"},
      {"DL3022", "FROM debian:12\nCOPY --from=builder /a /a\n",
       "FROM debian:12 AS builder\nFROM debian:12\nCOPY --from=builder /a /a\n"},
      {"DL3023", "FROM debian:12 AS app\nCOPY --from=app /a /a\n",
       "FROM debian:12 AS build\nFROM debian:12 AS app\nCOPY --from=build /a /a\n"},
      {"DL3024", "FROM debian:12 AS x\nFROM debian:12 AS x\n", "FROM debian:12 AS x\nFROM debian:12 AS y\n"},
      {"DL3025", "FROM debian:12\nCMD nginx -g 'daemon off;'\n",
       "FROM debian:12\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n"},
      {"DL3027", "FROM debian:12\nRUN apt install -y curl\n", "FROM debian:12\nRUN echo apt\n"},
      {"DL3028", "FROM ruby:3\nRUN gem install rails\n", "FROM ruby:3\nRUN gem install rails:7.1.0\n"},
      {"DL3029", "FROM --platform=linux/amd64 debian:12\n", "FROM --platform=$BUILDPLATFORM debian:12\n"},
      {"DL3030", "FROM centos:7\nRUN yum install httpd-2.4.6 && yum clean all\n",
       "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n"},
      {"DL3032", "FROM centos:7\nRUN yum install -y httpd-2.4.6\n",
       "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n"},
      {"DL3033", "FROM centos:7\nRUN yum install -y httpd && yum clean all\n",
       "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n"},
      {"DL3034", "FROM opensuse/leap:15\nRUN zypper install curl=8 && zypper clean\n",
       "FROM opensuse/leap:15\nRUN zypper install -y curl=8 && zypper clean\n"},
      {"DL3035", "FROM opensuse/leap:15\nRUN zypper -n dist-upgrade\n",
       "FROM opensuse/leap:15\nRUN zypper -n refresh\n"},
      {"DL3036", "FROM opensuse/leap:15\nRUN zypper install -y curl=8\n",
       "FROM opensuse/leap:15\nRUN zypper install -y curl=8 && zypper clean\n"},
      {"DL3037", "FROM opensuse/leap:15\nRUN zypper install -y curl && zypper clean\n",
       "FROM opensuse/leap:15\nRUN zypper install -y curl=8 && zypper clean\n"},
      {"DL3038", "FROM fedora:39\nRUN dnf install httpd-2.4 && dnf clean all\n",
       "FROM fedora:39\nRUN dnf install -y httpd-2.4 && dnf clean all\n"},
      {"DL3040", "FROM fedora:39\nRUN dnf install -y httpd-2.4\n",
       "FROM fedora:39\nRUN dnf install -y httpd-2.4 && dnf clean all\n"},
      {"DL3041", "FROM fedora:39\nRUN dnf install -y httpd && dnf clean all\n",
       "FROM fedora:39\nRUN dnf install -y httpd-2.4 && dnf clean all\n"},
      {"DL3042", "FROM python:3.12\nRUN pip install flask==3.0\n",
       "FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0\n"},
      {"DL3043", "FROM debian:12\nONBUILD FROM debian:12\n", "FROM debian:12\nONBUILD RUN make\n"},
      {"DL3044", "FROM debian:12\nENV A=1 B=$A\n", "FROM debian:12\nENV A=1\nENV B=$A\n"},
      {"DL3045", "FROM debian:12\nCOPY app.py app/\n", "FROM debian:12\nWORKDIR /srv\nCOPY app.py app/\n"},
      {"DL3046", "FROM debian:12\nRUN useradd -u 1000000 app\n", "FROM debian:12\nRUN useradd -l -u 1000000 app\n"},
      {"DL3047", "FROM debian:12\nRUN wget https://example.org/a\n",
       "FROM debian:12\nRUN wget --progress=dot:giga https://example.org/a\n"},
      {"DL3048", "FROM debian:12\nLABEL Invalid_Key=1\n", "FROM debian:12\nLABEL org.example.valid-key=1\n"},
      {"DL3059", "FROM debian:12\nRUN echo a\nRUN echo b\n", "FROM debian:12\nRUN echo a && echo b\n"},
      {"DL3060", "FROM node:20\nRUN yarn install\n", "FROM node:20\nRUN yarn install && yarn cache clean\n"},
      {"DL3061", "LABEL a=b\nFROM debian:12\n", "ARG V=12\nFROM debian:${V}\nLABEL a=b\n"},
      {"DL3062", "FROM golang:1.22\nRUN go install golang.org/x/tools/cmd/goimports@latest\n",
       "FROM golang:1.22\nRUN go install golang.org/x/tools/cmd/goimports@v0.20.0\n"},
      {"DL4000", "FROM debian:12\nMAINTAINER me@example.org\n", "FROM debian:12\nLABEL maintainer=me@example.org\n"},
      {"DL4001", "FROM debian:12\nRUN curl -o a https://e.org/a\nRUN wget -q https://e.org/b\n",
       "FROM debian:12\nRUN curl -o a https://e.org/a\nRUN curl -o b https://e.org/b\n"},
      {"DL4003", "FROM debian:12\nCMD [\"a\"]\nCMD [\"b\"]\n", "FROM debian:12\nCMD [\"b\"]\n"},
      {"DL4004", "FROM debian:12\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n", "FROM debian:12\nENTRYPOINT [\"b\"]\n"},
      {"DL4005", "FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n", "FROM debian:12\nSHELL [\"/bin/bash\", \"-c\"]\n"},
      {"DL4006", "FROM debian:12\nRUN curl -s https://e.org | sh\n",
       "FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl -s https://e.org | sh\n"},
      {"WARD-SECRET-001", "FROM debian:12\nENV DB_PASSWORD=hunter2\n",
       "FROM debian:12\nENV DB_PASSWORD_FILE=/run/secrets/db\n"},
      {"WARD-SECRET-002", "FROM debian:12\nENV AWS_ID=AKIAIOSFODNN7EXAMPLE\n",
       "FROM debian:12\nENV AWS_REGION=eu-west-1\n"},
      {"WARD-SECRET-003", "FROM debian:12\nCOPY id_rsa /root/.ssh/\n", "FROM debian:12\nCOPY id_rsa.pub /root/.ssh/\n"},
  };
  return all;
}

TEST(LintRules, EachFiresOnTheBadLineAndNotOnTheFixedOne) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.rule);
    EXPECT_TRUE(fires(lint(c.bad), c.rule)) << "did not fire on:\n" << c.bad;
    EXPECT_FALSE(fires(lint(c.good), c.rule)) << "fired on:\n" << c.good;
  }
}

TEST(LintRules, EveryCatalogRuleWithADefaultSeverityHasACase) {
  std::set<std::string> tested;
  for (const Case& c : cases()) tested.insert(c.rule);
  // Rules that need configuration or are off by default have their own tests.
  const std::set<std::string> elsewhere = {"DL1001", "DL3026", "DL3049", "DL3050", "DL3051", "DL3052",
                                           "DL3053", "DL3054", "DL3055", "DL3056", "DL3057", "DL3058"};
  for (const Rule& rule : lint_rules())
    EXPECT_TRUE(tested.contains(rule.id) || elsewhere.contains(rule.id)) << rule.id << " has no test case";
}

TEST(LintRules, FindingsCarryTheLineAndTheCatalogSeverity) {
  auto findings = lint("FROM debian:12\n\n# a comment\nRUN sudo \\\n  make\n");
  ASSERT_TRUE(fires(findings, "DL3004"));
  auto it = std::find_if(findings.begin(), findings.end(), [](const Finding& f) { return f.rule == "DL3004"; });
  EXPECT_EQ(it->location.line, 4);
  EXPECT_EQ(it->location.file, "Dockerfile");
  EXPECT_EQ(it->severity, Severity::error);
}

TEST(LintRules, TrustedRegistriesEnableDL3026) {
  LintConfig config;
  EXPECT_FALSE(fires(lint("FROM evil.example.com/app:1\n", config), "DL3026"));
  config.trusted_registries = {"docker.io", "quay.io"};
  EXPECT_TRUE(fires(lint("FROM evil.example.com/app:1\n", config), "DL3026"));
  EXPECT_FALSE(fires(lint("FROM quay.io/app:1\n", config), "DL3026"));
  EXPECT_FALSE(fires(lint("FROM debian:12\n", config), "DL3026"));  // docker.io by default
  EXPECT_FALSE(fires(lint("FROM quay.io/app:1 AS base\nFROM base\n", config), "DL3026"));
}

TEST(LintRules, LabelSchemaChecksTypes) {
  LintConfig config;
  config.label_schema = {{"maintainer", "email"}, {"url", "url"},      {"created", "rfc3339"}, {"version", "semver"},
                         {"revision", "hash"},    {"license", "spdx"}, {"title", "text"}};
  const std::string good =
      "FROM debian:12\nLABEL maintainer=a@example.org url=https://example.org created=2024-01-31T12:00:00Z \\\n"
      "  version=1.2.3-rc.1+build.5 revision=0123456789abcdef0123456789abcdef01234567 license=\"MIT OR Apache-2.0\" "
      "title=x\n";
  auto clean = lint(good, config);
  for (const std::string rule :
       {"DL3049", "DL3050", "DL3051", "DL3052", "DL3053", "DL3054", "DL3055", "DL3056", "DL3058"})
    EXPECT_FALSE(fires(clean, rule)) << rule;
  const std::string bad =
      "FROM debian:12\nLABEL maintainer=nobody url=example created=yesterday version=1.2 revision=xyz "
      "license=Nonsense-1 "
      "title=\"\" extra=1\n";
  auto findings = lint(bad, config);
  for (const std::string rule : {"DL3051", "DL3052", "DL3053", "DL3054", "DL3055", "DL3056", "DL3058"})
    EXPECT_TRUE(fires(findings, rule)) << rule;
  EXPECT_FALSE(fires(findings, "DL3050"));
  config.strict_labels = true;
  EXPECT_TRUE(fires(lint(bad, config), "DL3050"));
  EXPECT_TRUE(fires(lint("FROM debian:12\nLABEL title=x\n", config), "DL3049"));
}

TEST(LintRules, OffByDefaultRulesNeedAnOverride) {
  const std::string text = "FROM debian:12\n# hadolint ignore=DL3059\nRUN echo a\nRUN echo b\n";
  auto findings = lint(text);
  EXPECT_FALSE(fires(findings, "DL3057"));
  EXPECT_FALSE(fires(findings, "DL1001"));
  LintConfig config;
  config.overrides = {{"DL3057", Severity::warning}, {"DL1001", Severity::info}};
  findings = lint(text, config);
  EXPECT_TRUE(fires(findings, "DL3057"));
  EXPECT_TRUE(fires(findings, "DL1001"));
  EXPECT_FALSE(fires(lint("FROM debian:12\nHEALTHCHECK CMD true\n", config), "DL3057"));
}

TEST(LintRules, PackageManagersBehindSudoEnvAndAssignments) {
  EXPECT_TRUE(fires(lint("FROM debian:12\nRUN DEBIAN_FRONTEND=noninteractive apt-get install -y curl\n"), "DL3008"));
  EXPECT_TRUE(fires(lint("FROM python:3\nRUN python3 -m pip install --no-cache-dir flask\n"), "DL3013"));
  EXPECT_FALSE(fires(lint("FROM python:3\nRUN pip install --no-cache-dir -r requirements.txt\n"), "DL3013"));
  EXPECT_FALSE(fires(lint("FROM python:3\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask==3\n"), "DL3042"));
  EXPECT_FALSE(fires(lint("FROM alpine:3\nRUN apk add --no-cache --virtual .build-deps gcc=13\n"), "DL3018"));
  EXPECT_FALSE(
      fires(lint("FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update\n"), "DL3009"));
  // Only the final stage's apt lists end up in the image.
  EXPECT_FALSE(
      fires(lint("FROM debian:12 AS build\nRUN apt-get update\nFROM debian:12\nCOPY --from=build /a /a\n"), "DL3009"));
  EXPECT_TRUE(fires(lint("FROM debian:12\nRUN set -e; if true; then sudo ls; fi\n"), "DL3004"));
  EXPECT_FALSE(fires(lint("FROM debian:12\nRUN set -eo pipefail && curl -s https://e.org | sh\n"), "DL4006"));
}

TEST(LintRules, SecretsByNameValueAndFile) {
  EXPECT_TRUE(secret_like_name("GITHUB_TOKEN"));
  EXPECT_TRUE(secret_like_name("AWS_SECRET_ACCESS_KEY"));
  EXPECT_TRUE(secret_like_name("api-key"));
  EXPECT_FALSE(secret_like_name("TOKEN_URL"));
  EXPECT_FALSE(secret_like_name("KEYBOARD_LAYOUT"));
  EXPECT_EQ(credential_in("export T=ghp_0123456789abcdefghijABCDEFGHIJ012345"), "GitHub token");
  EXPECT_EQ(credential_in("-----BEGIN OPENSSH PRIVATE KEY-----"), "private key");
  EXPECT_EQ(credential_in("AKIAIOSFODNN7EXAMPLEX"), "");  // 21 characters: not an access key ID
  EXPECT_TRUE(key_file("secrets/server.pem"));
  EXPECT_TRUE(key_file(".env"));
  EXPECT_TRUE(key_file("home/.aws/credentials"));
  EXPECT_FALSE(key_file(".env.example"));
  EXPECT_FALSE(key_file("src/main.go"));
  EXPECT_TRUE(fires(lint("FROM debian:12\nARG NPM_TOKEN\n"), "WARD-SECRET-001"));
  EXPECT_TRUE(fires(lint("FROM debian:12\nRUN <<EOF\necho xoxb-1234567890-abcdef > /slack\nEOF\n"), "WARD-SECRET-002"));
  EXPECT_TRUE(fires(lint("FROM debian:12\nCOPY [\".npmrc\", \"/root/\"]\n"), "WARD-SECRET-003"));
}

}  // namespace
}  // namespace ward::audit::lint
