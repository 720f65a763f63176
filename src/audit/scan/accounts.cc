// Account checks over /etc/passwd, /etc/shadow and /etc/group.
#include "audit/scan/accounts.h"

#include <crypt.h>

#include <charconv>
#include <cstring>
#include <system_error>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "audit/scan/rules.h"

namespace ward::audit::scan {

namespace {

// Words an attacker tries first; the account's own name is tried too.
constexpr const char* kGuesses[] = {"password", "123456", "12345678", "root",    "toor",   "admin",
                                    "changeme", "secret", "docker",   "letmein", "qwerty", "passw0rd"};

// A hash no password opens: locked ("!..."), disabled ("*"), or none ("x"
// in passwd means "see shadow").
bool locked(std::string_view hash) {
  return hash.starts_with('!') || hash.starts_with('*') || hash == "x";
}

// The crypt(3) scheme of `hash` when it is one that falls to a GPU in
// hours or less: DES (13 characters of [./0-9A-Za-z]), BSDi DES ("_"),
// MD5 ("$1$"), NT ("$3$").
std::string_view weak_scheme(std::string_view hash) {
  if (hash.starts_with("$1$")) return "MD5-crypt";
  if (hash.starts_with("$3$")) return "NT hash";
  if (hash.starts_with('_') && hash.size() == 20) return "BSDi DES";
  if (hash.size() == 13 && !hash.starts_with('$')) return "DES-crypt";
  return {};
}

// Whether trying a dozen guesses against `hash` costs milliseconds: the
// scheme is one whose cost is bounded (DES, MD5, NT) or whose cost
// parameter is at most a distribution's default.  A hostile image can
// plant a hash whose parameters make one crypt_r call take minutes and
// gigabytes; those are not tried.
bool cheap_to_try(std::string_view hash) {
  if (!weak_scheme(hash).empty()) return true;
  if (hash.starts_with("$y$") || hash.starts_with("$gy$")) {
    // yescrypt's parameters: Debian's and Fedora's default "j9T", or
    // "jAT" .. "jCT" (a smaller or one step larger N).
    std::string_view params = hash.substr(hash.starts_with("$y$") ? 3 : 4, 3);
    return params == "j9T" || params == "j8T" || params == "j7T" || params == "jAT";
  }
  if (hash.starts_with("$5$") || hash.starts_with("$6$")) {
    // "$6$rounds=N$salt$..." (default 5000 when absent).
    std::string_view rest = hash.substr(3);
    if (!rest.starts_with("rounds=")) return true;
    rest.remove_prefix(7);
    std::size_t digits = rest.find('$');
    if (digits == std::string_view::npos || digits > 6) return false;
    unsigned long rounds = 0;
    auto [end, error] = std::from_chars(rest.data(), rest.data() + digits, rounds);
    return error == std::errc() && end == rest.data() + digits && rounds <= 100000;
  }
  if (hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$")) {
    std::string_view cost = hash.substr(4, 2);
    return cost.size() == 2 && cost[0] >= '0' && cost[0] <= '1' && cost[1] >= '0' && cost[1] <= '9' &&
           (cost[0] - '0') * 10 + (cost[1] - '0') <= 12;
  }
  return false;
}

// At most this many hashes get the guesses, so an image with thousands of
// accounts cannot make the scan take hours.
constexpr int kMaxGuessedAccounts = 64;

Finding finding(std::string_view rule, std::string_view file, int line, std::string message) {
  return Finding{std::string(rule), rule_severity(rule), Location{std::string(file), line, 1}, std::move(message)};
}

void check_passwords(std::vector<Finding>& out, std::string_view file, const std::vector<AccountLine>& lines,
                     int& guessed) {
  for (const AccountLine& line : lines) {
    if (line.fields.size() < 2) continue;
    const std::string& name = line.fields[0];
    const std::string& hash = line.fields[1];
    if (hash.empty()) {
      out.push_back(finding(kEmptyPassword, file, line.line, fmt::format("user \"{}\" has an empty password", name)));
      continue;
    }
    if (locked(hash)) continue;
    if (std::string_view scheme = weak_scheme(hash); !scheme.empty())
      out.push_back(
          finding(kWeakPasswordHash, file, line.line,
                  fmt::format("user \"{}\": password hashed with {}, which is cracked quickly", name, scheme)));
    if (!cheap_to_try(hash) || guessed >= kMaxGuessedAccounts) continue;
    ++guessed;
    std::vector<std::string> guesses(std::begin(kGuesses), std::end(kGuesses));
    guesses.push_back(name);
    for (const std::string& guess : guesses)
      if (password_matches(guess, hash)) {
        out.push_back(finding(kGuessablePassword, file, line.line,
                              fmt::format("user \"{}\": the password is \"{}\"", name, guess)));
        break;
      }
  }
}

// DKL-LI-0002: two lines with the same name (field 0) or the same id.
void check_duplicates(std::vector<Finding>& out, std::string_view file, const std::vector<AccountLine>& lines,
                      std::size_t id_field, std::string_view what) {
  std::map<std::string, int> names;
  std::map<std::string, std::string> ids;
  for (const AccountLine& line : lines) {
    const std::string& name = line.fields[0];
    if (auto [it, fresh] = names.try_emplace(name, line.line); !fresh)
      out.push_back(finding(kDuplicateAccount, file, line.line,
                            fmt::format("{} name \"{}\" is also on line {}", what, name, it->second)));
    if (line.fields.size() <= id_field || line.fields[id_field].empty()) continue;
    const std::string& id = line.fields[id_field];
    if (auto [it, fresh] = ids.try_emplace(id, name); !fresh && it->second != name)
      out.push_back(finding(kDuplicateAccount, file, line.line,
                            fmt::format("{} \"{}\" has id {}, as \"{}\" has", what, name, id, it->second)));
  }
}

}  // namespace

std::vector<AccountLine> parse_account_lines(std::string_view text) {
  std::vector<AccountLine> out;
  int number = 0;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty() || line.starts_with('#')) continue;
    AccountLine parsed{number, {}};
    for (;;) {
      std::size_t colon = line.find(':');
      parsed.fields.emplace_back(line.substr(0, colon));
      if (colon == std::string_view::npos) break;
      line.remove_prefix(colon + 1);
    }
    out.push_back(std::move(parsed));
  }
  return out;
}

bool password_matches(std::string_view password, std::string_view hash) {
  if (locked(hash) || hash.empty()) return false;
  auto data = std::make_unique<crypt_data>();
  std::string key(password);
  std::string setting(hash);
  const char* result = ::crypt_r(key.c_str(), setting.c_str(), data.get());
  // libxcrypt answers an unreadable setting with "*0" or "*1", never equal
  // to a real hash.
  return result != nullptr && result[0] != '*' && hash == result;
}

std::vector<Finding> check_accounts(const AccountFiles& files) {
  std::vector<Finding> out;
  auto passwd = parse_account_lines(files.passwd);
  auto shadow = parse_account_lines(files.shadow);
  auto group = parse_account_lines(files.group);
  int guessed = 0;
  check_passwords(out, "/etc/passwd", passwd, guessed);
  check_duplicates(out, "/etc/passwd", passwd, 2, "user");
  check_passwords(out, "/etc/shadow", shadow, guessed);
  check_duplicates(out, "/etc/group", group, 2, "group");
  return out;
}

}  // namespace ward::audit::scan
