// ward scan's secret rules: each built-in rule on a sample it must find and
// one it must not, placeholders, redaction, lines, the keyword pre-filter,
// a user's rules file (adding, disabling, allowing, refusing), a
// pathological input, and the scan of a root filesystem and an image
// configuration.  Fake tokens are built by concatenation, so no token-shaped
// string sits in the source for a secret scanner of its own to trip on.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "audit/scan/rootfs.h"
#include "audit/scan/rules.h"
#include "audit/scan/secret_rules.h"
#include "audit/scan/secrets.h"
#include "temp_dir.h"
#include "util/sys.h"

namespace ward::audit::scan {
namespace {

const SecretRules& builtin() {
  static const SecretRules rules = [] {
    auto loaded = builtin_secret_rules();
    EXPECT_TRUE(loaded) << loaded.error().what();
    return loaded ? *loaded : SecretRules{};
  }();
  return rules;
}

// `prefix` then `length` characters cycled from `alphabet`.
std::string token(const std::string& prefix, std::size_t length,
                  const std::string& alphabet = "WardTestFake0123456789abcdefghijkLMNOPQ") {
  std::string out = prefix;
  for (std::size_t i = 0; i < length; ++i) out += alphabet[i % alphabet.size()];
  return out;
}

std::multiset<std::string> rule_ids(const std::vector<SecretMatch>& matches) {
  std::multiset<std::string> out;
  for (const auto& m : matches) out.insert(m.rule->id);
  return out;
}

std::multiset<std::string> found(std::string_view path, std::string_view text) {
  return rule_ids(find_secrets(builtin(), path, text));
}

std::string private_key(const std::string& begin, const std::string& newline) {
  return "-----BEGIN " + begin + "-----" + newline + "MIIEowIBAAKCAQEAwardtestfakekeybody0123456789" + newline +
         "d2FyZCB0ZXN0IGtleSwgbm90IGEgcmVhbCBvbmU=" + newline + "-----END " + begin + "-----" + newline;
}

struct Sample {
  std::string rule;
  std::string path;
  std::string positive;
  std::string negative;
  std::size_t count = 1;  // secrets in `positive`
};

std::vector<Sample> samples() {
  const std::string jwt_header = "eyJhbGciOiJIUzI1NiJ9";
  const std::string jwt_claims = "eyJzdWIiOiJ3YXJkLXRlc3QtZmFrZSJ9";
  return {
      {"WARD-SECRET-101", "/root/key.pem", private_key("RSA PRIVATE KEY", "\n"),
       "the file starts with -----BEGIN RSA PRIVATE KEY----- and ends with -----END RSA PRIVATE KEY-----\n" +
           private_key("PUBLIC KEY", "\n")},
      {"WARD-SECRET-102", "/app/deploy.sh", "export AWS_ACCESS_KEY_ID=" + token("AKIA", 16, "WARDTESTFAKE2345"),
       // AWS's documentation key, and one character short.
       "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nid " + token("AKIA", 15, "WARDTESTFAKE2345") + "\n"},
      {"WARD-SECRET-103", "/app/aws.txt", "aws_secret_access_key = " + token("", 40, "wardTestFake/Secret+0123456789"),
       "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nchecksum = " +
           token("", 40, "wardTestFake/Secret+0123456789")},
      {"WARD-SECRET-104", "/app/notes.txt",
       "token " + token("ghp_", 36) + "\nfine " + token("github_pat_", 22) + token("_", 59),
       "short " + token("ghp_", 35) + "\nother " + token("ghx_", 36), 2},
      {"WARD-SECRET-105", "/app/notes.txt", "GITLAB=" + token("glpat-", 20), "GITLAB=" + token("glpat-", 10)},
      {"WARD-SECRET-106", "/app/notes.txt", "bot " + token("xoxb-", 24, "1234567890-WardTestFake"),
       "bot xoxb-123 and " + token("xoxz-", 24)},
      {"WARD-SECRET-107", "/app/notes.txt", "url https://hooks.slack.com/services/" + token("T0WARD000/B0FAKE000/", 24),
       // The placeholder of Slack's own documentation.
       "url https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\n"},
      {"WARD-SECRET-108", "/app/notes.txt", "maps " + token("AIza", 35, "WardTestFake_0123456789-"),
       "maps " + token("AIza", 20)},
      {"WARD-SECRET-109", "/app/notes.txt", "stripe " + token("sk_" + std::string("live_"), 24),
       "stripe " + token("pk_" + std::string("live_"), 24)},
      {"WARD-SECRET-110", "/app/notes.txt", "npm " + token("npm_", 36), "npm_config_cache=/tmp/npm\n"},
      {"WARD-SECRET-111", "/app/notes.txt", "pypi " + token("pypi-AgEIcHlwaS5vcmc", 60),
       "pypi " + token("pypi-AgEIcHlwaS5vcmc", 10)},
      {"WARD-SECRET-112", "/app/notes.txt",
       "jwt " + jwt_header + "." + jwt_claims + "." + token("", 24, "V2FyZFRlc3RGYWtl_-"),
       // Unsigned: alg "none" and no signature.
       "jwt eyJhbGciOiJub25lIn0." + jwt_claims + ".\n"},
      {"WARD-SECRET-113", "/app/config.yaml", "database:\n  password: Hunter2Wardtest\n",
       "database:\n  password: changeme\n  passwd: ${DB_PASSWORD}\n  secret: <password>\n  password: xxx\n"
       "  password = getpass()\n"},
      {"WARD-SECRET-114", "/app/settings.py", "SIGNING_KEY = \"q8Zt3Lw0Vx7Rb2Nk5Yp9Hd4Jf6Gs1Mc\"\n",
       // Hex cannot pass 4.0 bits per character; repetition is far below.
       "SIGNING_KEY = \"0123456789abcdef0123456789abcdef\"\nAPI_TOKEN = \"aaaaaaaaaaaaaaaaaaaaaaab\"\n"},
  };
}

TEST(ScanSecretRules, TheBuiltInRulesLoadWithWardsIdsInOrder) {
  const auto& rules = builtin().rules;
  ASSERT_EQ(rules.size(), 14U);
  for (std::size_t i = 0; i < rules.size(); ++i) {
    EXPECT_EQ(rules[i].id, fmt::format("WARD-SECRET-{}", 101 + i));
    EXPECT_NE(rules[i].name, rules[i].id);
    EXPECT_FALSE(rules[i].title.empty());
    EXPECT_NE(rules[i].regex, nullptr);
  }
  // Every rule of the report's catalogue, with the scan's note about
  // unread files among the fixed ones.
  EXPECT_EQ(secret_report_rules(builtin()).size(), rules.size());
  EXPECT_EQ(rule_severity(kSecretNotScanned), Severity::info);
}

TEST(ScanSecretRules, EachBuiltInRuleFindsItsSampleAndNotItsLookalike) {
  auto all = samples();
  ASSERT_EQ(all.size(), builtin().rules.size());  // one sample per rule
  for (const Sample& sample : all) {
    SCOPED_TRACE(sample.rule);
    std::vector<std::string> want(sample.count, sample.rule);
    EXPECT_EQ(found(sample.path, sample.positive), std::multiset<std::string>(want.begin(), want.end()))
        << sample.positive;
    EXPECT_EQ(found(sample.path, sample.negative), std::multiset<std::string>{}) << sample.negative;
  }
}

TEST(ScanSecretRules, PrivateKeysInsideJsonStringsAndPgpBlocksAreFound) {
  std::string json = "{\"private_key\": \"" + private_key("PRIVATE KEY", "\\n") + "\"}";
  EXPECT_EQ(found("/app/service-account.json", json), std::multiset<std::string>{"WARD-SECRET-101"});
  std::string pgp = "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: ward test\n\n" + token("lQOYBF", 40) +
                    "\n=abcd\n" + "-----END PGP PRIVATE KEY BLOCK-----\n";
  EXPECT_EQ(found("/root/key.asc", pgp), std::multiset<std::string>{"WARD-SECRET-101"});
}

TEST(ScanSecretRules, PasswordsCountOnlyInConfigurationFiles) {
  const std::string text = "password = Hunter2Wardtest\n";
  EXPECT_EQ(found("/etc/app/settings", text), std::multiset<std::string>{"WARD-SECRET-113"});
  EXPECT_EQ(found("/srv/.env", text), std::multiset<std::string>{"WARD-SECRET-113"});
  EXPECT_EQ(found("/srv/.env.production", text), std::multiset<std::string>{"WARD-SECRET-113"});
  EXPECT_EQ(found("/srv/app.ini", text), std::multiset<std::string>{"WARD-SECRET-113"});
  EXPECT_EQ(found("/srv/app/main.c", text), std::multiset<std::string>{});
  // nsswitch.conf's "passwd:" is a database name, and "files" its source.
  EXPECT_EQ(found("/etc/nsswitch.conf", "passwd:         files systemd\n"), std::multiset<std::string>{});
  // Templates and placeholders of every common kind.
  for (const char* value : {"changeme", "CHANGEME", "${DB_PASSWORD:-x}", "$DB_PASSWORD", "{{ db_password }}",
                            "<your-password>", "%(password)s", "********", "your_password", "null", "true"})
    EXPECT_EQ(found("/srv/app.ini", std::string("password = ") + value + "\n"), std::multiset<std::string>{}) << value;
}

TEST(ScanSecretRules, EntropyIsShannonsBitsPerCharacter) {
  EXPECT_DOUBLE_EQ(shannon_entropy(""), 0);
  EXPECT_DOUBLE_EQ(shannon_entropy("aaaa"), 0);
  EXPECT_DOUBLE_EQ(shannon_entropy("abab"), 1);
  EXPECT_DOUBLE_EQ(shannon_entropy("0123456789abcdef"), 4);
  EXPECT_GT(shannon_entropy("q8Zt3Lw0Vx7Rb2Nk5Yp9Hd4Jf6Gs1Mc"), 4.5);
}

TEST(ScanSecretRules, RedactionShowsAtMostFourCharacters) {
  EXPECT_EQ(redact_secret(token("ghp_", 36)), "ghp_*****");
  EXPECT_EQ(redact_secret("Hunter2Wardtest"), "Hun*****");
  EXPECT_EQ(redact_secret("abcdefgh"), "ab*****");
  EXPECT_EQ(redact_secret("abc"), "*****");
  EXPECT_EQ(redact_secret(""), "*****");
  // Nothing unprintable (a split UTF-8 sequence) reaches a report.
  EXPECT_EQ(redact_secret("a\xc3\xa9"
                          "bcdefghijklmnop"),
            "a*****");

  SecretScanner scanner(builtin());
  std::string secret = token("ghp_", 36);
  scanner.check_text("/app/.env", "A=1\n\nGITHUB_TOKEN=" + secret + "\n");
  ASSERT_EQ(scanner.findings().size(), 1U);
  const Finding& f = scanner.findings()[0];
  EXPECT_EQ(f.rule, "WARD-SECRET-104");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_EQ(f.message, "GitHub token: ghp_*****");
  EXPECT_EQ(f.message.find(secret.substr(4)), std::string::npos);
}

TEST(ScanSecretRules, FindingsPointAtTheLineAndColumnOfTheMatch) {
  std::string text = "# header\r\nname: app\n  key  AKIA" + token("", 16, "WARDTESTFAKE2345") + "\n" + "\n" +
                     private_key("EC PRIVATE KEY", "\n");
  auto matches = find_secrets(builtin(), "/app/x.txt", text);
  ASSERT_EQ(matches.size(), 2U);
  EXPECT_EQ(matches[0].rule->id, "WARD-SECRET-102");
  EXPECT_EQ(matches[0].line, 3);
  EXPECT_EQ(matches[0].column, 8);
  EXPECT_EQ(matches[1].rule->id, "WARD-SECRET-101");
  EXPECT_EQ(matches[1].line, 5);  // the BEGIN line
  EXPECT_EQ(matches[1].column, 1);
}

TEST(ScanSecretRules, ASecretClaimedByOneRuleIsNotReportedAgainByAnother) {
  // A GitHub token assigned to TOKEN= is also a high-entropy assignment.
  auto matches = find_secrets(builtin(), "/app/.env", "GITHUB_TOKEN=" + token("ghp_", 36) + "\n");
  ASSERT_EQ(matches.size(), 1U);
  EXPECT_EQ(matches[0].rule->id, "WARD-SECRET-104");
}

Result<SecretRules> user(const std::string& yaml) {
  return apply_secret_config(builtin(), yaml, "secrets.yaml");
}

const char* kInternalRule = R"(
rules:
  - id: internal-token
    category: Internal
    title: Internal service token
    severity: HIGH
    keywords: [WARDINT-]
    regex: '\b(?P<secret>WARDINT-[0-9a-f]{16})\b'
)";

TEST(ScanSecretConfig, AUserRuleIsAddedAfterTheBuiltIns) {
  auto rules = user(kInternalRule);
  ASSERT_TRUE(rules) << rules.error().what();
  ASSERT_EQ(rules->rules.size(), builtin().rules.size() + 1);
  const SecretRule& rule = rules->rules.back();
  EXPECT_EQ(rule.id, "internal-token");
  EXPECT_EQ(rule.name, "internal-token");
  EXPECT_EQ(rule.severity, Severity::error);
  EXPECT_EQ(rule.keywords, std::vector<std::string>{"wardint-"});  // compared case-insensitively
  auto matches = find_secrets(*rules, "/srv/app.txt", "x = WARDINT-0123456789abcdef\n");
  ASSERT_EQ(matches.size(), 1U);
  EXPECT_EQ(matches[0].rule->id, "internal-token");
  EXPECT_EQ(matches[0].secret, "WARDINT-0123456789abcdef");
}

TEST(ScanSecretConfig, KeywordsGateTheRegex) {
  // The regex would match, but the keyword is absent: the rule never runs.
  auto rules = user(R"(
rules:
  - id: gated
    category: Test
    title: Gated
    severity: LOW
    keywords: [vault-token]
    regex: 'hvs\.[A-Za-z0-9]{20}'
)");
  ASSERT_TRUE(rules) << rules.error().what();
  const std::string value = token("hvs.", 20);
  EXPECT_EQ(rule_ids(find_secrets(*rules, "/a", "value " + value)), std::multiset<std::string>{});
  EXPECT_EQ(rule_ids(find_secrets(*rules, "/a", "VAULT-TOKEN " + value)), std::multiset<std::string>{"gated"});
}

TEST(ScanSecretConfig, BuiltInRulesAreDisabledByIdOrNameOrLeftOutByEnable) {
  auto disabled = user("disable-rules: [WARD-SECRET-104, aws-access-key-id]\n");
  ASSERT_TRUE(disabled) << disabled.error().what();
  EXPECT_EQ(disabled->rules.size(), builtin().rules.size() - 2);
  EXPECT_EQ(rule_ids(find_secrets(*disabled, "/a", "t " + token("ghp_", 36))), std::multiset<std::string>{});

  auto only = user("enable-builtin-rules: [github-token]\n");
  ASSERT_TRUE(only) << only.error().what();
  ASSERT_EQ(only->rules.size(), 1U);
  EXPECT_EQ(only->rules[0].id, "WARD-SECRET-104");

  // disable-rules wins over enable-builtin-rules, as in Trivy.
  auto both = user("enable-builtin-rules: [github-token, jwt-token]\ndisable-rules: [github-token]\n");
  ASSERT_TRUE(both) << both.error().what();
  ASSERT_EQ(both->rules.size(), 1U);
  EXPECT_EQ(both->rules[0].id, "WARD-SECRET-112");
}

TEST(ScanSecretConfig, AllowRulesSilenceFindingsByValueOrPathAndBuiltInOnesCanBeDisabled) {
  const std::string text = "GITHUB=" + token("ghp_", 36) + "\n";
  auto by_value = user("allow-rules:\n  - id: ours\n    description: the test token\n    regex: '^ghp_WardTest'\n");
  ASSERT_TRUE(by_value) << by_value.error().what();
  EXPECT_EQ(rule_ids(find_secrets(*by_value, "/a", text)), std::multiset<std::string>{});

  auto by_path = user("allow-rules:\n  - id: fixtures\n    path: ['^/srv/fixtures/', '\\.sample$']\n");
  ASSERT_TRUE(by_path) << by_path.error().what();
  EXPECT_TRUE(secret_scan_skips(*by_path, "/srv/fixtures/token.txt"));
  EXPECT_TRUE(secret_scan_skips(*by_path, "/srv/app.sample"));
  EXPECT_FALSE(secret_scan_skips(*by_path, "/srv/app.txt"));
  EXPECT_TRUE(secret_scan_skips(builtin(), "/usr/share/doc/x/README"));
  EXPECT_FALSE(secret_scan_skips(builtin(), "/etc/app.conf"));

  // A rule's own allow rule applies to that rule only.
  auto own =
      user(std::string(kInternalRule) + "    allow-rules:\n      - id: zero-token\n        regex: 'WARDINT-0{16}'\n");
  ASSERT_TRUE(own) << own.error().what();
  EXPECT_EQ(rule_ids(find_secrets(*own, "/a", "WARDINT-0000000000000000")), std::multiset<std::string>{});
  EXPECT_EQ(rule_ids(find_secrets(*own, "/a", "WARDINT-0000000000000001")),
            std::multiset<std::string>{"internal-token"});

  // Placeholders are allowed by a built-in allow rule, which can go.
  const std::string changeme = "password: changeme\n";
  EXPECT_EQ(rule_ids(find_secrets(builtin(), "/app.yaml", changeme)), std::multiset<std::string>{});
  auto strict = user("disable-allow-rules: [placeholder-values]\n");
  ASSERT_TRUE(strict) << strict.error().what();
  EXPECT_EQ(rule_ids(find_secrets(*strict, "/app.yaml", changeme)), std::multiset<std::string>{"WARD-SECRET-113"});
  auto documented = user("disable-allow-rules: [documentation, aws-documentation-key-id, masked-values]\n");
  ASSERT_TRUE(documented) << documented.error().what();
  EXPECT_FALSE(secret_scan_skips(*documented, "/usr/share/doc/x/README"));
  EXPECT_EQ(rule_ids(find_secrets(*documented, "/a", "AKIAIOSFODNN7EXAMPLE")),
            std::multiset<std::string>{"WARD-SECRET-102"});
}

TEST(ScanSecretConfig, AnEmptyFileChangesNothingAndSecretGroupsAreChosen) {
  auto empty = user("");
  ASSERT_TRUE(empty) << empty.error().what();
  EXPECT_EQ(empty->rules.size(), builtin().rules.size());
  auto grouped = user(R"(
rules:
  - id: grouped
    category: Test
    title: Grouped
    severity: MEDIUM
    regex: '(?P<key>pin)=(?P<value>[0-9]{6})'
    secret-group-name: value
    entropy: 1.5
)");
  ASSERT_TRUE(grouped) << grouped.error().what();
  auto matches = find_secrets(*grouped, "/a", "pin=123456 pin=111111");
  ASSERT_EQ(matches.size(), 1U);  // 111111 has no entropy
  EXPECT_EQ(matches[0].secret, "123456");
  EXPECT_EQ(matches[0].rule->severity, Severity::warning);
}

TEST(ScanSecretConfig, AWrongFileIsOneLineNamingTheFileRuleAndField) {
  auto error_of = [](const std::string& yaml) {
    auto rules = user(yaml);
    EXPECT_FALSE(rules) << yaml;
    std::string what = rules ? "" : rules.error().what();
    EXPECT_TRUE(what.starts_with("secrets.yaml: ")) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    if (!rules) {
      EXPECT_TRUE(rules.error().is(ErrorKind::invalid_input)) << what;
    }
    return what;
  };
  const std::string head = "rules:\n  - id: bad-rule\n    category: T\n    title: T\n    severity: HIGH\n";
  EXPECT_EQ(error_of(head + "    regex: '(unclosed'\n"),
            "secrets.yaml: rule \"bad-rule\": regex: invalid pattern: missing ): (unclosed");
  // RE2 refuses what it cannot do in linear time, such as backreferences.
  EXPECT_NE(error_of(head + "    regex: '(a)\\1'\n").find("rule \"bad-rule\": regex: invalid pattern"),
            std::string::npos);
  EXPECT_EQ(error_of("rules:\n  - id: r\n    title: T\n    category: C\n    severity: HIGH\n"),
            "secrets.yaml: rule \"r\": regex: required");
  EXPECT_EQ(error_of("rules:\n  - category: C\n"), "secrets.yaml: rules[0]: id: required");
  EXPECT_EQ(error_of(head + "    regex: x\n    severity-level: HIGH\n"),
            "secrets.yaml: rule \"bad-rule\": severity-level: not supported by ward scan (supported: id, name, "
            "category, title, severity, regex, secret-group-name, keywords, path, allow-rules, entropy)");
  EXPECT_NE(error_of("rules:\n  - id: s\n    category: C\n    title: T\n    severity: URGENT\n    regex: x\n")
                .find("rule \"s\": severity: unknown severity \"URGENT\""),
            std::string::npos);
  EXPECT_EQ(error_of(head + "    regex: x\n    secret-group-name: token\n"),
            "secrets.yaml: rule \"bad-rule\": secret-group-name: the regex has no group named \"token\"");
  EXPECT_EQ(error_of(head + "    regex: x\n    entropy: lots\n"),
            "secrets.yaml: rule \"bad-rule\": entropy: expected bits per character, from 0 to 8");
  EXPECT_EQ(
      error_of("rules:\n  - id: WARD-SECRET-104\n    category: C\n    title: T\n    severity: LOW\n    regex: x\n"),
      "secrets.yaml: rule \"WARD-SECRET-104\": id: another rule has this id or name");
  EXPECT_EQ(error_of("disable-rules: [no-such-rule]\n"), "secrets.yaml: disable-rules: no rule \"no-such-rule\"");
  EXPECT_EQ(error_of("enable-builtin-rules: [internal]\n"),
            "secrets.yaml: enable-builtin-rules: no built-in rule \"internal\"");
  EXPECT_EQ(error_of("allow-rules:\n  - id: a\n    description: nothing to match\n"),
            "secrets.yaml: allow rule \"a\": needs a regex or a path");
  EXPECT_EQ(error_of("allow-rules:\n  - id: a\n    path: '[z-a]'\n"),
            "secrets.yaml: allow rule \"a\": path: invalid pattern: invalid character class range: z-a");
  EXPECT_EQ(error_of("skip-files: [a]\n"),
            "secrets.yaml: skip-files: not supported by ward scan (supported: rules, allow-rules, disable-rules, "
            "disable-allow-rules, enable-builtin-rules)");
  EXPECT_EQ(error_of("- a list\n"), "secrets.yaml: the rules file: expected a mapping");
  EXPECT_EQ(error_of("rules: [\n"), "secrets.yaml: line 2: end of sequence flow not found");
  // Control bytes in what is quoted are escaped, so the error stays one line.
  EXPECT_EQ(error_of("rules:\n  - id: \"a\\nb\"\n    category: C\n    title: T\n    severity: LOW\n    regex: '('\n"),
            "secrets.yaml: rule \"a\\nb\": regex: invalid pattern: missing ): (");
}

TEST(ScanSecretConfig, AFileIsReadOrItsAbsenceNamed) {
  test_support::TempDir dir("ward-secret-config");
  ASSERT_TRUE(dir.ok());
  std::string file = dir.path() + "/trivy-secret.yaml";
  ASSERT_TRUE(sys::write_file_atomic(file, kInternalRule));
  auto rules = load_secret_config_file(file);
  ASSERT_TRUE(rules) << rules.error().what();
  EXPECT_EQ(rules->rules.back().id, "internal-token");
  auto missing = load_secret_config_file(dir.path() + "/missing.yaml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().what().find(dir.path() + "/missing.yaml"), std::string::npos) << missing.error().what();
}

TEST(ScanSecretConfig, APathologicalInputFinishesWithTheRightAnswer) {
  // Nested repetition that a backtracking engine explores exponentially;
  // RE2's automaton reads each byte a bounded number of times.
  auto rules = user(R"(
enable-builtin-rules: [high-entropy-secret]
rules:
  - id: adversarial
    category: Test
    title: Adversarial
    severity: LOW
    regex: '(?P<secret>(?:a|aa)+(?:a*)*b)'
)");
  ASSERT_TRUE(rules) << rules.error().what();
  std::string line(1 << 20, 'a');
  EXPECT_TRUE(find_secrets(*rules, "/big.txt", line).empty());
  line += 'b';
  auto matches = find_secrets(*rules, "/big.txt", line);
  ASSERT_EQ(matches.size(), 1U);
  EXPECT_EQ(matches[0].secret.size(), line.size());
  EXPECT_EQ(redact_secret(matches[0].secret), "aaaa*****");
}

TEST(ScanSecretConfig, APatternThatMatchesEverywhereIsCappedAndSaysSo) {
  auto rules = user("rules:\n  - id: every-a\n    category: T\n    title: T\n    severity: LOW\n    regex: 'a'\n");
  ASSERT_TRUE(rules) << rules.error().what();
  // The empty-matching pattern of a careless rule ends too.
  auto empty = user("rules:\n  - id: nothing\n    category: T\n    title: T\n    severity: LOW\n    regex: 'x*'\n");
  ASSERT_TRUE(empty) << empty.error().what();
  EXPECT_TRUE(find_secrets(*empty, "/a", "aaaa").empty());

  SecretScanner scanner(*rules);
  scanner.check_text("/many.txt", std::string(500, 'a'));
  auto& findings = scanner.findings();
  ASSERT_EQ(findings.size(), kSecretsPerFile + 1);
  EXPECT_EQ(findings.back().rule, kSecretNotScanned);
  EXPECT_NE(findings.back().message.find("more than 100 secrets"), std::string::npos) << findings.back().message;

  // A pattern that looks to the end of the text before settling for a
  // match the entropy check then sets aside: the searches are bounded too.
  auto far = user(
      "rules:\n  - id: far\n    category: T\n    title: T\n    severity: LOW\n"
      "    regex: '(?P<secret>a(?:[^z]*z)?)'\n    entropy: 1.0\n");
  ASSERT_TRUE(far) << far.error().what();
  bool capped = false;
  EXPECT_TRUE(find_secrets(*far, "/a", std::string(20000, 'a'), false, &capped).empty());
  EXPECT_TRUE(capped);
}

TEST(ScanSecretConfig, TheImageConfigurationIsCheckedWithTheSameRules) {
  image::ImageConfig config;
  const std::string aws = token("", 40, "wardTestFake/Secret+0123456789");
  config.config.env = {"PATH=/usr/bin", "AWS_SECRET_ACCESS_KEY=" + aws, "DB_PASSWORD=changeme"};
  config.config.labels = {{"deploy.token", token("glpat-", 20)}};
  config.history = {image::HistoryEntry{"", "/bin/sh -c #(nop) ADD file:abc in /", "", "", false},
                    image::HistoryEntry{"", "/bin/sh -c echo " + token("ghp_", 36) + " > /tmp/t", "", "", false}};
  SecretScanner scanner(builtin());
  scanner.check_image_config(config);
  std::vector<std::string> messages;
  for (const Finding& f : scanner.findings()) {
    EXPECT_EQ(f.location.file, "image-config");
    EXPECT_EQ(f.message.find(aws.substr(4)), std::string::npos) << f.message;
    messages.push_back(f.rule + " " + f.message);
  }
  std::sort(messages.begin(), messages.end());
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "WARD-SECRET-103 AWS secret access key in ENV AWS_SECRET_ACCESS_KEY: ward*****",
                          "WARD-SECRET-104 GitHub token in history step 2: ghp_*****",
                          "WARD-SECRET-105 GitLab personal access token in LABEL deploy.token: glpa*****",
                      }));
}

class ScanSecretFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    root_ = dir_.path() + "/root";
    for (const char* d : {"/etc/app", "/usr/share/doc/app", "/usr/bin", "/srv"}) ASSERT_TRUE(sys::mkdir_all(root_ + d));
  }
  void write(const std::string& path, const std::string& text) {
    ASSERT_TRUE(sys::write_file_atomic(root_ + path, text, 0644));
  }
  SecretScanner scan(const SecretRules& rules) {
    SecretScanner scanner(rules);
    auto rootfs = Rootfs::open({root_}, false);
    EXPECT_TRUE(rootfs) << rootfs.error().what();
    if (rootfs) {
      auto walked = rootfs->walk([&](const RootfsEntry& entry) -> Result<> {
        scanner.check(entry);
        return {};
      });
      EXPECT_TRUE(walked) << walked.error().what();
    }
    return scanner;
  }

  test_support::TempDir dir_{"ward-scan-secrets"};
  std::string root_;
};

TEST_F(ScanSecretFiles, TextFilesAreReadAndBinariesLargeFilesAndDocumentationAreNot) {
  const std::string github = token("ghp_", 36);
  write("/etc/app/app.conf", "[db]\nuser = app\npassword = Hunter2Wardtest\n");
  write("/usr/share/doc/app/README", "example: " + github + "\n");
  write("/usr/bin/tool", std::string("\x7f"
                                     "ELF\0\0",
                                     6) +
                             github);
  write("/srv/big.txt", std::string(kSecretFileLimit + 1, 'x'));
  ASSERT_EQ(::symlink((root_ + "/etc/app/app.conf").c_str(), (root_ + "/srv/link.conf").c_str()), 0);

  SecretScanner scanner = scan(builtin());
  std::vector<std::string> found;
  for (const Finding& f : scanner.findings())
    found.push_back(f.rule + " " + f.location.file + ":" + std::to_string(f.location.line) + " " + f.message);
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::string>{
                       "WARD-SECRET-100 /srv/big.txt:0 not scanned for secrets: larger than the 10 MiB the secret "
                       "scan reads",
                       "WARD-SECRET-113 /etc/app/app.conf:3 Password in a configuration file: Hun*****",
                   }));
  const SecretScanStats& stats = scanner.stats();
  EXPECT_EQ(stats.files_read, 1U);  // the symlink is not followed
  EXPECT_EQ(stats.binary, 1U);
  EXPECT_EQ(stats.too_large, 1U);
  EXPECT_EQ(stats.skipped, 1U);
}

TEST_F(ScanSecretFiles, ARuleWhosePathNamesABinaryReadsIt) {
  write("/usr/bin/tool", std::string("\x7f"
                                     "ELF\0\0",
                                     6) +
                             "WARDINT-0123456789abcdef");
  auto rules = user(std::string(kInternalRule) + "    path: '^/usr/bin/'\n");
  ASSERT_TRUE(rules) << rules.error().what();
  SecretScanner scanner = scan(*rules);
  ASSERT_EQ(scanner.findings().size(), 1U);
  EXPECT_EQ(scanner.findings()[0].rule, "internal-token");
  EXPECT_EQ(scanner.findings()[0].location.file, "/usr/bin/tool");
  EXPECT_EQ(scanner.stats().binary, 0U);
}

TEST_F(ScanSecretFiles, AnUnreadableFileIsANoteNotAFailedScan) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every file";
  write("/etc/app/secret.conf", "password = Hunter2Wardtest\n");
  ASSERT_EQ(::chmod((root_ + "/etc/app/secret.conf").c_str(), 0), 0);
  SecretScanner scanner = scan(builtin());
  ASSERT_EQ(scanner.findings().size(), 1U);
  EXPECT_EQ(scanner.findings()[0].rule, kSecretNotScanned);
  EXPECT_EQ(scanner.stats().unreadable, 1U);
}

}  // namespace
}  // namespace ward::audit::scan
