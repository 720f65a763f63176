// Secret rules from YAML: the built-in document and a user's file share
// this parser, so the built-ins are its first test.  yaml-cpp throws; every
// call into it is caught here, at the module's edge.  Every failure is one
// line: the user's text quoted in it has its control bytes escaped.
#include "audit/scan/secret_rules.h"

#include <fcntl.h>
#include <re2/re2.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/sys.h"

namespace ward::audit::scan {

namespace {

// RE2 builds a pattern's automaton within this memory; a pattern that needs
// more is refused when it is compiled, not while a scan runs.
constexpr int64_t kPatternMemory = 8 << 20;
constexpr std::size_t kQuoteLimit = 120;  // characters of user text quoted in an error
constexpr off_t kRulesFileLimit = 4 << 20;

// `text` fit for one error line: control bytes escaped, long text cut.
std::string quoted(std::string_view text) {
  std::string out;
  for (unsigned char ch : text.substr(0, kQuoteLimit)) {
    if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (ch < 0x20 || ch == 0x7f) {
      out += fmt::format("\\x{:02x}", ch);
    } else {
      out += static_cast<char>(ch);
    }
  }
  if (text.size() > kQuoteLimit) out += "...";
  return out;
}

std::unexpected<Error> refuse(std::string message) {
  return fail(ErrorKind::invalid_input, std::move(message));
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

Result<std::shared_ptr<const re2::RE2>> compile(const std::string& pattern, std::string_view field) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(kPatternMemory);
  auto compiled = std::make_shared<re2::RE2>(pattern, options);
  if (!compiled->ok()) return refuse(fmt::format("{}: invalid pattern: {}", field, quoted(compiled->error())));
  return std::shared_ptr<const re2::RE2>(std::move(compiled));
}

Result<std::string> scalar(const YAML::Node& node, std::string_view field) {
  if (!node.IsScalar()) return refuse(fmt::format("{}: expected a string", field));
  return node.Scalar();
}

// A list of strings; a single string is a list of one.
Result<std::vector<std::string>> strings(const YAML::Node& node, std::string_view field) {
  if (node.IsNull()) return std::vector<std::string>{};
  if (node.IsScalar()) return std::vector<std::string>{node.Scalar()};
  if (!node.IsSequence()) return refuse(fmt::format("{}: expected a list of strings", field));
  std::vector<std::string> out;
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) return refuse(fmt::format("{}: expected a list of strings", field));
    out.push_back(item.Scalar());
  }
  return out;
}

// A mapping's entries with string keys, in order; `where` names it.
Result<std::vector<std::pair<std::string, YAML::Node>>> entries(const YAML::Node& node, std::string_view where) {
  if (!node.IsMap()) return refuse(fmt::format("{}: expected a mapping", where));
  std::vector<std::pair<std::string, YAML::Node>> out;
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) return refuse(fmt::format("{}: expected string keys", where));
    out.emplace_back(entry.first.Scalar(), entry.second);
  }
  return out;
}

std::optional<YAML::Node> field(const std::vector<std::pair<std::string, YAML::Node>>& fields, std::string_view key) {
  for (const auto& [name, value] : fields)
    if (name == key) return value;
  return std::nullopt;
}

Result<> known_fields(const std::vector<std::pair<std::string, YAML::Node>>& fields, std::string_view where,
                      const std::vector<std::string_view>& known) {
  for (const auto& [name, value] : fields)
    if (std::find(known.begin(), known.end(), name) == known.end())
      return refuse(fmt::format("{}{}: not supported by ward scan (supported: {})",
                                where.empty() ? "" : fmt::format("{}: ", where), quoted(name), fmt::join(known, ", ")));
  return {};
}

// "Patterns that join with |": `path` may be one pattern or a list.
Result<std::shared_ptr<const re2::RE2>> path_pattern(const YAML::Node& node, std::string_view where) {
  std::string field_name = fmt::format("{}: path", where);
  auto patterns = WARD_TRY(strings(node, field_name));
  if (patterns.empty()) return std::shared_ptr<const re2::RE2>();
  std::string joined;
  for (const std::string& p : patterns) joined += (joined.empty() ? "" : "|") + fmt::format("(?:{})", p);
  return compile(joined, field_name);
}

Result<SecretAllowRule> parse_allow_rule(const YAML::Node& node, std::string_view owner, std::size_t index) {
  std::string where = fmt::format("{}allow-rules[{}]", owner.empty() ? "" : fmt::format("{}: ", owner), index);
  auto fields = WARD_TRY(entries(node, where));
  SecretAllowRule rule;
  if (auto id = field(fields, "id")) rule.id = WARD_TRY(scalar(*id, where + ": id"));
  if (rule.id.empty()) return refuse(fmt::format("{}: id: required", where));
  where = fmt::format("{}allow rule \"{}\"", owner.empty() ? "" : fmt::format("{}: ", owner), quoted(rule.id));
  WARD_TRY(known_fields(fields, where, {"id", "description", "regex", "path"}));
  if (auto description = field(fields, "description"))
    rule.description = WARD_TRY(scalar(*description, where + ": description"));
  if (auto regex = field(fields, "regex"); regex && !regex->IsNull()) {
    std::string pattern = WARD_TRY(scalar(*regex, where + ": regex"));
    rule.regex = WARD_TRY(compile(pattern, where + ": regex"));
  }
  if (auto path = field(fields, "path")) rule.path = WARD_TRY(path_pattern(*path, where));
  if (!rule.regex && !rule.path) return refuse(fmt::format("{}: needs a regex or a path", where));
  return rule;
}

Result<std::vector<SecretAllowRule>> parse_allow_rules(const YAML::Node& node, std::string_view owner) {
  std::string where = owner.empty() ? "allow-rules" : fmt::format("{}: allow-rules", owner);
  if (node.IsNull()) return std::vector<SecretAllowRule>{};
  if (!node.IsSequence()) return refuse(fmt::format("{}: expected a list", where));
  std::vector<SecretAllowRule> out;
  std::size_t index = 0;
  for (const YAML::Node& item : node) out.push_back(WARD_TRY(parse_allow_rule(item, owner, index++)));
  return out;
}

Result<std::string> required(const std::vector<std::pair<std::string, YAML::Node>>& fields, std::string_view key,
                             std::string_view where) {
  auto node = field(fields, key);
  if (!node || node->IsNull()) return refuse(fmt::format("{}: {}: required", where, key));
  std::string value = WARD_TRY(scalar(*node, fmt::format("{}: {}", where, key)));
  if (value.empty()) return refuse(fmt::format("{}: {}: required", where, key));
  return value;
}

Result<SecretRule> parse_rule(const YAML::Node& node, std::size_t index) {
  std::string where = fmt::format("rules[{}]", index);
  auto fields = WARD_TRY(entries(node, where));
  SecretRule rule;
  rule.id = WARD_TRY(required(fields, "id", where));
  where = fmt::format("rule \"{}\"", quoted(rule.id));
  WARD_TRY(known_fields(fields, where,
                        {"id", "name", "category", "title", "severity", "regex", "secret-group-name", "keywords",
                         "path", "allow-rules", "entropy"}));
  rule.name = rule.id;
  if (auto name = field(fields, "name"); name && !name->IsNull()) rule.name = WARD_TRY(scalar(*name, where + ": name"));
  rule.category = WARD_TRY(required(fields, "category", where));
  rule.title = WARD_TRY(required(fields, "title", where));
  std::string severity = WARD_TRY(required(fields, "severity", where));
  rule.severity = WARD_TRY(context(parse_secret_severity(severity), "{}: severity", where));
  std::string pattern = WARD_TRY(required(fields, "regex", where));
  rule.regex = WARD_TRY(compile(pattern, where + ": regex"));
  std::string group = "secret";
  bool group_given = false;
  if (auto named = field(fields, "secret-group-name"); named && !named->IsNull()) {
    group = WARD_TRY(scalar(*named, where + ": secret-group-name"));
    group_given = true;
  }
  const auto& groups = rule.regex->NamedCapturingGroups();
  if (auto it = groups.find(group); it != groups.end()) {
    rule.secret_group = it->second;
  } else if (group_given) {
    return refuse(fmt::format("{}: secret-group-name: the regex has no group named \"{}\"", where, quoted(group)));
  }
  if (auto keywords = field(fields, "keywords"))
    for (const std::string& keyword : WARD_TRY(strings(*keywords, where + ": keywords"))) {
      if (keyword.empty()) return refuse(fmt::format("{}: keywords: an empty keyword matches everything", where));
      rule.keywords.push_back(lower(keyword));
    }
  if (auto path = field(fields, "path")) rule.path = WARD_TRY(path_pattern(*path, where));
  if (auto allow = field(fields, "allow-rules")) rule.allow = WARD_TRY(parse_allow_rules(*allow, where));
  if (auto entropy = field(fields, "entropy"); entropy && !entropy->IsNull()) {
    double bits = -1;
    if (!entropy->IsScalar() || !YAML::convert<double>::decode(*entropy, bits) || !std::isfinite(bits) || bits < 0 ||
        bits > 8)
      return refuse(fmt::format("{}: entropy: expected bits per character, from 0 to 8", where));
    rule.min_entropy = bits;
  }
  return rule;
}

// A rules document as written, before it is applied to a base.
struct Document {
  std::vector<SecretRule> rules;
  std::vector<SecretAllowRule> allow;
  std::vector<std::string> disable;
  std::vector<std::string> disable_allow;
  std::optional<std::vector<std::string>> enable_builtin;
};

Result<Document> parse_document(const YAML::Node& root) {
  Document doc;
  if (root.IsNull()) return doc;
  auto fields = WARD_TRY(entries(root, "the rules file"));
  WARD_TRY(known_fields(fields, "",
                        {"rules", "allow-rules", "disable-rules", "disable-allow-rules", "enable-builtin-rules"}));
  if (auto rules = field(fields, "rules"); rules && !rules->IsNull()) {
    if (!rules->IsSequence()) return refuse("rules: expected a list");
    std::size_t index = 0;
    for (const YAML::Node& item : *rules) doc.rules.push_back(WARD_TRY(parse_rule(item, index++)));
  }
  if (auto allow = field(fields, "allow-rules")) doc.allow = WARD_TRY(parse_allow_rules(*allow, ""));
  if (auto disable = field(fields, "disable-rules")) doc.disable = WARD_TRY(strings(*disable, "disable-rules"));
  if (auto disable = field(fields, "disable-allow-rules"))
    doc.disable_allow = WARD_TRY(strings(*disable, "disable-allow-rules"));
  if (auto enable = field(fields, "enable-builtin-rules"))
    doc.enable_builtin = WARD_TRY(strings(*enable, "enable-builtin-rules"));
  return doc;
}

bool names(const SecretRule& rule, std::string_view name) {
  return rule.id == name || rule.name == name;
}

Result<SecretRules> apply(const SecretRules& base, Document doc) {
  SecretRules out = base;
  std::vector<SecretRule> everything = base.rules;
  everything.insert(everything.end(), doc.rules.begin(), doc.rules.end());
  auto known = [&](std::string_view name) {
    return std::any_of(everything.begin(), everything.end(), [&](const SecretRule& r) { return names(r, name); });
  };
  for (std::size_t i = 0; i < doc.rules.size(); ++i) {
    const SecretRule& rule = doc.rules[i];
    auto taken = [&](const SecretRule& other) { return names(other, rule.id) || names(other, rule.name); };
    if (std::any_of(base.rules.begin(), base.rules.end(), taken) ||
        std::any_of(doc.rules.begin(), doc.rules.begin() + static_cast<std::ptrdiff_t>(i), taken))
      return refuse(fmt::format("rule \"{}\": id: another rule has this id or name", quoted(rule.id)));
  }
  if (doc.enable_builtin) {
    for (const std::string& name : *doc.enable_builtin)
      if (std::none_of(base.rules.begin(), base.rules.end(), [&](const SecretRule& r) { return names(r, name); }))
        return refuse(fmt::format("enable-builtin-rules: no built-in rule \"{}\"", quoted(name)));
    std::erase_if(out.rules, [&](const SecretRule& r) {
      return std::none_of(doc.enable_builtin->begin(), doc.enable_builtin->end(),
                          [&](const std::string& name) { return names(r, name); });
    });
  }
  out.rules.insert(out.rules.end(), doc.rules.begin(), doc.rules.end());
  out.allow.insert(out.allow.end(), doc.allow.begin(), doc.allow.end());
  for (const std::string& name : doc.disable) {
    if (!known(name)) return refuse(fmt::format("disable-rules: no rule \"{}\"", quoted(name)));
    std::erase_if(out.rules, [&](const SecretRule& r) { return names(r, name); });
  }
  for (const std::string& id : doc.disable_allow) {
    auto is = [&](const SecretAllowRule& a) { return a.id == id; };
    bool found = std::any_of(out.allow.begin(), out.allow.end(), is) ||
                 std::any_of(everything.begin(), everything.end(),
                             [&](const SecretRule& r) { return std::any_of(r.allow.begin(), r.allow.end(), is); });
    if (!found) return refuse(fmt::format("disable-allow-rules: no allow rule \"{}\"", quoted(id)));
    std::erase_if(out.allow, is);
    for (SecretRule& rule : out.rules) std::erase_if(rule.allow, is);
  }
  return out;
}

}  // namespace

Result<Severity> parse_secret_severity(std::string_view text) {
  std::string upper(text);
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (upper == "CRITICAL" || upper == "HIGH") return Severity::error;
  if (upper == "MEDIUM") return Severity::warning;
  if (upper == "LOW") return Severity::info;
  if (text == "error" || text == "warning" || text == "info" || text == "style") return parse_severity(text);
  return refuse(fmt::format("unknown severity \"{}\" (CRITICAL, HIGH, MEDIUM, LOW, or error, warning, info, style)",
                            quoted(text)));
}

Result<SecretRules> apply_secret_config(const SecretRules& base, std::string_view yaml, const std::string& file) {
  auto applied = [&]() -> Result<SecretRules> {
    try {
      YAML::Node root = YAML::Load(std::string(yaml));
      return apply(base, WARD_TRY(parse_document(root)));
    } catch (const YAML::Exception& e) {
      if (e.mark.is_null()) return refuse(quoted(e.msg));
      return refuse(fmt::format("line {}: {}", e.mark.line + 1, quoted(e.msg)));
    } catch (const std::exception& e) {
      return refuse(quoted(e.what()));
    }
  }();
  if (!applied) {
    applied.error().wrap(quoted(file));
    return applied;
  }
  applied->source = fmt::format("{}{}:{}", base.source, yaml.size(), yaml);
  return applied;
}

Result<SecretRules> builtin_secret_rules() {
  static const Result<SecretRules> builtin =
      apply_secret_config(SecretRules{}, builtin_secret_rules_text(), "built-in secret rules");
  return builtin;
}

Result<SecretRules> load_secret_config_file(const std::string& path) {
  auto base = WARD_TRY(builtin_secret_rules());
  // A rules file is small and regular: a device or a FIFO named by mistake
  // must not hang the scan or fill the memory.
  auto file = WARD_TRY(sys::open(path, O_RDONLY | O_NONBLOCK));
  struct stat st;
  if (::fstat(file.get(), &st) < 0) return fail_errno(errno, fmt::format("stat {}", path));
  if (!S_ISREG(st.st_mode)) return refuse(fmt::format("{}: not a regular file", quoted(path)));
  if (st.st_size > kRulesFileLimit)
    return refuse(fmt::format("{}: larger than the {} MiB a rules file may be", quoted(path), kRulesFileLimit >> 20));
  auto text = sys::read_fd(file.get());
  if (!text) return std::unexpected(text.error().wrap(fmt::format("read {}", quoted(path))));
  return apply_secret_config(base, *text, path);
}

}  // namespace ward::audit::scan
