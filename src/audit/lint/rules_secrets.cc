// ward's secret rules (shared IDs with `ward scan`): secret-like names in
// ENV/ARG (WARD-SECRET-001), credential values written into the Dockerfile
// (WARD-SECRET-002), key and credential files copied in (WARD-SECRET-003).
#include <algorithm>
#include <cctype>

#include "audit/lint/rules.h"

namespace ward::audit::lint {

namespace {

std::vector<std::string> name_tokens(std::string_view name) {
  std::vector<std::string> tokens;
  std::string token;
  for (char ch : name) {
    if (ch == '_' || ch == '-' || ch == '.') {
      if (!token.empty()) tokens.push_back(std::move(token));
      token.clear();
    } else {
      token += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
  }
  if (!token.empty()) tokens.push_back(std::move(token));
  return tokens;
}

}  // namespace

// DB_PASSWORD, GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, API_KEY, PRIVATE_KEY;
// not PASSWORD_FILE, TOKEN_URL, SECRET_NAME (pointers to a secret).
bool secret_like_name(std::string_view name) {
  auto tokens = name_tokens(name);
  if (tokens.empty()) return false;
  static const std::vector<std::string_view> pointers = {"file",   "path",   "dir", "url",     "name",
                                                         "length", "len",    "min", "max",     "policy",
                                                         "type",   "public", "pub", "endpoint"};
  if (std::find(pointers.begin(), pointers.end(), tokens.back()) != pointers.end()) return false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (t == "password" || t == "passwd" || t == "pwd" || t == "pass" || t == "secret" || t == "token" ||
        t == "apikey" || t == "credential" || t == "credentials" || t == "privatekey" || t == "passphrase")
      return true;
    if (i + 1 < tokens.size() && tokens[i + 1] == "key" &&
        (t == "api" || t == "private" || t == "secret" || t == "access" || t == "auth" || t == "signing" ||
         t == "encryption"))
      return true;
  }
  return false;
}

namespace {

bool run_of(std::string_view text, size_t at, size_t count, bool (*ok)(char)) {
  if (at + count > text.size()) return false;
  for (size_t i = at; i < at + count; ++i)
    if (!ok(text[i])) return false;
  return true;
}

bool upper_digit(char ch) {
  return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}
bool alnum(char ch) {
  return std::isalnum(static_cast<unsigned char>(ch)) != 0;
}
bool token_char(char ch) {
  return alnum(ch) || ch == '_' || ch == '-';
}

}  // namespace

// The kind of credential found in `text`, "" when none: the prefixes and
// lengths the issuers document for their tokens.
std::string credential_in(std::string_view text) {
  if (text.find("-----BEGIN") != std::string_view::npos && text.find("PRIVATE KEY") != std::string_view::npos)
    return "private key";
  for (size_t i = 0; i < text.size(); ++i) {
    bool boundary = i == 0 || !alnum(text[i - 1]);
    if (!boundary) continue;
    std::string_view rest = text.substr(i);
    if ((rest.starts_with("AKIA") || rest.starts_with("ASIA")) && run_of(text, i + 4, 16, upper_digit) &&
        (i + 20 == text.size() || !alnum(text[i + 20])))
      return "AWS access key ID";
    for (std::string_view prefix : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"})
      if (rest.starts_with(prefix) && run_of(text, i + 4, 36, alnum)) return "GitHub token";
    if (rest.starts_with("github_pat_") && run_of(text, i + 11, 22, token_char)) return "GitHub token";
    if (rest.starts_with("glpat-") && run_of(text, i + 6, 20, token_char)) return "GitLab token";
    for (std::string_view prefix : {"xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"})
      if (rest.starts_with(prefix) && run_of(text, i + 5, 10, token_char)) return "Slack token";
    if (rest.starts_with("AIza") && run_of(text, i + 4, 35, token_char)) return "Google API key";
    if ((rest.starts_with("sk_live_") || rest.starts_with("rk_live_")) && run_of(text, i + 8, 24, alnum))
      return "Stripe key";
    if (rest.starts_with("npm_") && run_of(text, i + 4, 36, alnum)) return "npm token";
  }
  return "";
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

}  // namespace

// id_rsa, *.pem, .env, .npmrc, .aws/credentials, ...: the file a path names
// holds keys or credentials.
bool key_file(std::string_view path) {
  while (path.ends_with('/')) path.remove_suffix(1);
  std::string full = lower(path);
  std::string base = full.substr(full.rfind('/') == std::string::npos ? 0 : full.rfind('/') + 1);
  for (std::string_view name :
       {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".npmrc", ".pypirc", ".netrc", ".git-credentials", ".htpasswd",
        ".pgpass", ".dockercfg", ".env", ".s3cfg", "credentials.json", "secrets.yaml", "secrets.yml"})
    if (base == name) return true;
  if (base.starts_with(".env.")) {
    std::string_view variant = std::string_view(base).substr(5);
    return variant != "example" && variant != "sample" && variant != "template" && variant != "dist";
  }
  for (std::string_view ext : {".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".kdbx", ".ppk"})
    if (base.ends_with(ext)) return true;
  return full.ends_with(".aws/credentials") || full.ends_with(".docker/config.json") ||
         full.ends_with(".kube/config") || full.ends_with(".ssh/id_rsa");
}

void check_secrets(RuleContext& c) {
  for (const Instruction& ins : c.dockerfile.instructions) {
    const std::string& k = ins.keyword;
    if (k == "ENV" || k == "ARG") {
      for (const KeyValue& kv : ins.pairs)
        if (secret_like_name(kv.key))
          c.report(
              "WARD-SECRET-001", ins.line,
              fmt::format("{} {} looks like a secret: {} stays in the image {}", k, kv.key,
                          k == "ENV" ? "its value" : "the value given at build", k == "ENV" ? "config" : "history"));
    }
    if (k == "ENV" || k == "ARG" || k == "LABEL" || k == "RUN") {
      std::string text = ins.text;
      for (const Heredoc& doc : ins.heredocs) text += "\n" + doc.body;
      std::string kind = credential_in(text);
      if (!kind.empty())
        c.report("WARD-SECRET-002", ins.line, fmt::format("{} written into the Dockerfile ({})", kind, k));
    }
    if ((k == "COPY" || k == "ADD") && ins.heredocs.empty() && ins.words.size() >= 2) {
      for (size_t i = 0; i + 1 < ins.words.size(); ++i)
        if (key_file(ins.words[i])) {
          c.report("WARD-SECRET-003", ins.line,
                   fmt::format("{} copies {}, a key or credentials file, into the image", k, ins.words[i]));
          break;
        }
    }
  }
}

}  // namespace ward::audit::lint
