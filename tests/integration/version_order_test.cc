// ward scan's version orderings (audit/scan/version.h) against the package
// managers themselves: thousands of generated pairs, put to
// `dpkg --compare-versions` and to rpm's own comparison (rpm.vercmp in
// rpm's Lua, which is rpmverCmp), must order the same way.  The versions
// are built from the pieces where orderings go wrong (~ before the empty
// string, ^ after it, letters against digits, digits compared as numbers,
// epochs, revisions and releases), and half of the pairs differ in one
// piece only.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "audit/scan/version.h"
#include "support.h"

namespace ward::test {
namespace {

class VersionGenerator {
 public:
  explicit VersionGenerator(unsigned seed) : random_(seed) {}

  // [epoch:]version[-release] as rpm spells them.
  std::string rpm_version() {
    std::string out;
    if (chance(4)) out += pick({"0:", "1:", "2:", "10:"});
    out += pick({"0", "1", "2", "9", "10", "01", "1.0", "3.0.7"});
    for (int parts = below(5); parts > 0; --parts)
      out += pick({".", ".0", ".1", "a", "b", "Z", "~", "~rc1", "^", "^git1", "_", "+", "9", "10", "00", "rc", "."});
    if (chance(2)) {
      out += '-';
      out += pick({"0", "1", "2", "10", "18.el9", "18.el9_2", "1.fc38", "0.rc1", "1~beta", "2^post"});
    }
    return out;
  }
  std::string rpm_near(const std::string& base) {
    std::string out = base;
    switch (below(4)) {
      case 0: out += pick({"~", "^", "a", "1", ".0", "_1", "~~"}); break;
      case 1:
        if (out.size() > 3) out.pop_back();
        break;
      case 2:
        if (!out.empty() && out.back() >= '0' && out.back() <= '8') out.back() = static_cast<char>(out.back() + 1);
        break;
      default: out = rpm_version();
    }
    if (out.ends_with('-') || out.ends_with(':')) out += '0';
    return out;
  }

  std::string version() {
    std::string out;
    if (chance(5)) out += pick({"0:", "1:", "2:", "10:"});
    out += pick({"0", "1", "2", "9", "10", "01", "1.0", "2.36"});
    for (int parts = below(5); parts > 0; --parts)
      out += pick({".", ".0", ".1", "a", "b", "z", "A", "~", "~~", "~rc1", "+", "+dfsg", "+b1", "9", "10", "00", "rc"});
    if (chance(2)) {
      out += '-';
      out += pick({"0", "1", "2", "10", "1ubuntu1", "1~bpo11+1", "9+deb12u3", "a", "1.1", "1+b2", "~1"});
    }
    return out;
  }
  // `base` with one piece changed: an appended, removed or replaced tail.
  std::string near(const std::string& base) {
    std::string out = base;
    switch (below(4)) {
      case 0: out += pick({"~", "a", "1", ".0", "+", "~~", "-1"}); break;
      case 1:
        if (out.size() > 2) out.pop_back();
        break;
      case 2:
        if (!out.empty() && out.back() >= '0' && out.back() <= '8') out.back() = static_cast<char>(out.back() + 1);
        break;
      default: out = version();
    }
    // A second '-' or a trailing one is not a version dpkg accepts.
    if (out.ends_with('-') || out.ends_with(':')) out += '0';
    std::size_t dashes = 0;
    for (char c : out) dashes += c == '-';
    return dashes > 1 ? base : out;
  }

 private:
  bool chance(int one_in) { return below(one_in) == 0; }
  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }
  std::string pick(std::initializer_list<const char*> choices) {
    return *(choices.begin() + below(static_cast<int>(choices.size())));
  }
  std::mt19937 random_;
};

TEST(VersionOrder, DpkgCompareVersionsAgreesOnGeneratedPairs) {
  if (run_command({"dpkg", "--version"}).status != 0) GTEST_SKIP() << "dpkg is not installed";
  VersionGenerator generator(20261206);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < 2000; ++i) {
    std::string a = generator.version();
    pairs.emplace_back(a, i % 2 == 0 ? generator.near(a) : generator.version());
  }
  // One shell runs every comparison, read from its standard input (the
  // script is too long for an argument); the versions hold no quote.
  std::string script;
  for (const auto& [a, b] : pairs)
    script += "if dpkg --compare-versions '" + a + "' lt '" + b + "'; then echo lt; elif dpkg --compare-versions '" +
              a + "' eq '" + b + "'; then echo eq; else echo gt; fi\n";
  auto outcome = run_command({"sh"}, script, 300);
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.err, "") << "dpkg refused a generated version";
  std::vector<std::string> answers;
  for (std::size_t start = 0; start < outcome.out.size();) {
    std::size_t end = outcome.out.find('\n', start);
    answers.push_back(outcome.out.substr(start, end - start));
    start = end + 1;
  }
  ASSERT_EQ(answers.size(), pairs.size());
  int disagreements = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    int ours = audit::scan::compare_debian_versions(pairs[i].first, pairs[i].second);
    std::string said = ours < 0 ? "lt" : ours == 0 ? "eq" : "gt";
    if (said != answers[i] && ++disagreements <= 10) {
      ADD_FAILURE() << pairs[i].first << " vs " << pairs[i].second << ": dpkg says " << answers[i] << ", ward " << said;
    }
  }
  EXPECT_EQ(disagreements, 0);
}

TEST(VersionOrder, RpmAgreesOnGeneratedPairs) {
  if (run_command({"rpm", "--version"}).status != 0) GTEST_SKIP() << "rpm is not installed";
  VersionGenerator generator(20261207);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < 3000; ++i) {
    std::string a = generator.rpm_version();
    pairs.emplace_back(a, i % 2 == 0 ? generator.rpm_near(a) : generator.rpm_version());
  }
  char dir[] = "/tmp/ward-rpm-pairs.XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  std::string file = std::string(dir) + "/pairs";
  {
    std::ofstream out(file);
    for (const auto& [a, b] : pairs) out << a << ' ' << b << '\n';
  }
  // One rpm process compares them all.
  std::string lua = "%{lua: for line in io.lines(\"" + file +
                    "\") do local a, b = line:match(\"^(%S+) (%S+)$\"); print(rpm.vercmp(a, b) .. \"\\n\") end}";
  auto outcome = run_command({"rpm", "--eval", lua}, "", 120);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  std::vector<int> answers;
  for (std::size_t start = 0; start < outcome.out.size();) {
    std::size_t end = outcome.out.find('\n', start);
    if (end == std::string::npos) end = outcome.out.size();
    if (end > start) answers.push_back(std::stoi(outcome.out.substr(start, end - start)));
    start = end + 1;
  }
  ASSERT_EQ(answers.size(), pairs.size()) << outcome.out.substr(0, 200);
  int disagreements = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    int ours = audit::scan::compare_rpm_versions(pairs[i].first, pairs[i].second);
    int sign = (ours > 0) - (ours < 0);
    if (sign != answers[i] && ++disagreements <= 10) {
      ADD_FAILURE() << pairs[i].first << " vs " << pairs[i].second << ": rpm says " << answers[i] << ", ward " << sign;
    }
  }
  EXPECT_EQ(disagreements, 0);
}

}  // namespace
}  // namespace ward::test
