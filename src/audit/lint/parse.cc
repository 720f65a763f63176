// The Dockerfile parser: logical lines, directives, heredocs, flags, forms.
#include <algorithm>
#include <cctype>
#include <set>

#include <nlohmann/json.hpp>

#include "audit/lint/dockerfile.h"

namespace ward::audit::lint {

const Flag* Instruction::flag(std::string_view name) const {
  for (const Flag& f : flags)
    if (f.name == name) return &f;
  return nullptr;
}

namespace {

struct Line {
  int number = 0;
  std::string text;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
  return s;
}

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  int number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({++number, std::string(line)});
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

// "# key=value" at the top of the file.
std::optional<std::pair<std::string, std::string>> directive(std::string_view line) {
  line = trim(line);
  if (!line.starts_with('#')) return std::nullopt;
  line = trim(line.substr(1));
  size_t eq = line.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  std::string key = lower(trim(line.substr(0, eq)));
  if (key.empty() ||
      !std::all_of(key.begin(), key.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }))
    return std::nullopt;
  return std::pair{key, std::string(trim(line.substr(eq + 1)))};
}

const std::set<std::string>& instructions() {
  static const std::set<std::string> names = {"ADD",    "ARG",   "CMD",         "COPY",  "ENTRYPOINT", "ENV",
                                              "EXPOSE", "FROM",  "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD",
                                              "RUN",    "SHELL", "STOPSIGNAL",  "USER",  "VOLUME",     "WORKDIR"};
  return names;
}

// The flags each instruction takes (BuildKit's Dockerfile frontend, 1.x labs
// included); any other is an error there too.
const std::set<std::string>* flags_of(std::string_view keyword) {
  static const std::map<std::string, std::set<std::string>, std::less<>> table = {
      {"FROM", {"platform"}},
      {"RUN", {"mount", "network", "security"}},
      {"COPY", {"from", "chown", "chmod", "link", "parents", "exclude"}},
      {"ADD", {"chown", "chmod", "link", "checksum", "keep-git-dir", "exclude"}},
      {"HEALTHCHECK", {"interval", "timeout", "start-period", "start-interval", "retries"}},
  };
  auto it = table.find(keyword);
  return it == table.end() ? nullptr : &it->second;
}

bool takes_json(std::string_view keyword) {
  return keyword == "RUN" || keyword == "CMD" || keyword == "ENTRYPOINT" || keyword == "SHELL" || keyword == "COPY" ||
         keyword == "ADD" || keyword == "VOLUME";
}

// Instructions whose arguments the frontend expands with ARG and ENV.
bool expands(std::string_view keyword) {
  return keyword == "ADD" || keyword == "COPY" || keyword == "ENV" || keyword == "EXPOSE" || keyword == "FROM" ||
         keyword == "LABEL" || keyword == "STOPSIGNAL" || keyword == "USER" || keyword == "VOLUME" ||
         keyword == "WORKDIR" || keyword == "ARG";
}

struct HeredocMarker {
  std::string delimiter;
  bool strip_tabs = false;
  bool quoted = false;
};

// The <<EOF, <<-EOF, <<"EOF" markers of a RUN/COPY/ADD line, outside quotes.
std::vector<HeredocMarker> heredoc_markers(std::string_view text) {
  std::vector<HeredocMarker> markers;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      continue;
    }
    if (c != '<' || i + 1 >= text.size() || text[i + 1] != '<') continue;
    if ((i > 0 && text[i - 1] == '<') || (i + 2 < text.size() && text[i + 2] == '<')) {
      i += 2;
      continue;
    }
    size_t j = i + 2;
    HeredocMarker marker;
    if (j < text.size() && text[j] == '-') {
      marker.strip_tabs = true;
      ++j;
    }
    char open = 0;
    if (j < text.size() && (text[j] == '"' || text[j] == '\'')) open = text[j++];
    size_t start = j;
    if (j >= text.size() || !(std::isalpha(static_cast<unsigned char>(text[j])) != 0 || text[j] == '_')) continue;
    while (j < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[j])) != 0 || text[j] == '_' || text[j] == '-'))
      ++j;
    marker.delimiter = std::string(text.substr(start, j - start));
    if (open != 0) {
      if (j >= text.size() || text[j] != open) continue;
      marker.quoted = true;
      ++j;
    }
    markers.push_back(std::move(marker));
    i = j - 1;
  }
  return markers;
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& file) : lines_(split_lines(text)) { df_.file = file; }

  Result<Dockerfile> run() {
    read_directives();
    while (next_ < lines_.size()) {
      const Line& line = lines_[next_];
      std::string_view t = trim_left(line.text);
      if (trim(t).empty()) {
        ++next_;
        continue;
      }
      if (t.starts_with('#')) {
        df_.comments.push_back({line.number, std::string(trim(t.substr(1)))});
        ++next_;
        continue;
      }
      WARD_TRY(instruction());
    }
    return std::move(df_);
  }

 private:
  Error at(int line, std::string_view message) const {
    return Error{0, fmt::format("{}:{}: {}", df_.file, line, message), std::source_location::current()};
  }

  void read_directives() {
    while (next_ < lines_.size()) {
      auto d = directive(lines_[next_].text);
      if (!d) return;
      if (d->first == "escape" && (d->second == "\\" || d->second == "`"))
        df_.escape = d->second[0];
      else if (d->first == "syntax")
        df_.syntax = d->second;
      df_.comments.push_back({lines_[next_].number, std::string(trim(trim(lines_[next_].text).substr(1)))});
      ++next_;
    }
  }

  // One logical line: continuations joined, comment and blank lines inside
  // a continuation dropped (as the frontend does).
  std::string logical_line() {
    std::string joined;
    while (next_ < lines_.size()) {
      std::string_view text = lines_[next_].text;
      ++next_;
      std::string_view right = text;
      while (!right.empty() && (right.back() == ' ' || right.back() == '\t')) right.remove_suffix(1);
      if (right.empty() || right.back() != df_.escape) {
        joined += text;
        return joined;
      }
      right.remove_suffix(1);
      joined += right;
      while (next_ < lines_.size()) {
        std::string_view t = trim(lines_[next_].text);
        if (!t.empty() && !t.starts_with('#')) break;
        ++next_;
      }
    }
    return joined;
  }

  Result<> read_heredocs(Instruction& ins) {
    for (HeredocMarker& marker : heredoc_markers(ins.arguments)) {
      Heredoc doc{marker.delimiter, "", marker.strip_tabs, marker.quoted};
      bool closed = false;
      while (next_ < lines_.size()) {
        std::string text = lines_[next_].text;
        ins.end_line = lines_[next_].number;
        ++next_;
        if (doc.strip_tabs)
          text.erase(0, text.find_first_not_of('\t') == std::string::npos ? text.size() : text.find_first_not_of('\t'));
        if (text == doc.delimiter) {
          closed = true;
          break;
        }
        doc.body += text + "\n";
      }
      if (!closed) return std::unexpected(at(ins.line, fmt::format("heredoc <<{} is not closed", doc.delimiter)));
      ins.heredocs.push_back(std::move(doc));
    }
    return {};
  }

  Result<> instruction() {
    int first = lines_[next_].number;
    std::string logical = logical_line();
    std::string_view body = trim(logical);
    size_t space = body.find_first_of(" \t");
    std::string keyword = upper(body.substr(0, space));
    std::string rest(space == std::string_view::npos ? "" : trim(body.substr(space)));
    auto ins = build(keyword, rest, first);
    if (!ins) return std::unexpected(ins.error());
    ins->end_line = next_ > 0 ? lines_[next_ - 1].number : first;
    if (keyword == "RUN" || keyword == "COPY" || keyword == "ADD") WARD_TRY(read_heredocs(*ins));
    WARD_TRY(track(*ins));
    df_.instructions.push_back(std::move(*ins));
    return {};
  }

  // `nested`: building an ONBUILD's trigger.  An ONBUILD inside one is kept
  // unparsed (DL3043 reports it), so a line of ONBUILDs cannot recurse deep.
  Result<Instruction> build(const std::string& keyword, const std::string& rest, int line, bool nested = false) {
    if (!instructions().contains(keyword))
      return std::unexpected(at(line, fmt::format("unknown instruction {}", keyword)));
    Instruction ins;
    ins.keyword = keyword;
    ins.line = line;
    ins.end_line = line;
    ins.text = rest;
    ins.stage = static_cast<int>(df_.stages.size()) - 1;
    std::string_view args = rest;
    if (const auto* allowed = flags_of(keyword)) {
      while (args.starts_with("--")) {
        size_t end = args.find_first_of(" \t");
        std::string_view word = args.substr(2, end == std::string_view::npos ? std::string_view::npos : end - 2);
        size_t eq = word.find('=');
        Flag flag{std::string(word.substr(0, eq)),
                  eq == std::string_view::npos ? "" : std::string(word.substr(eq + 1))};
        if (!allowed->contains(flag.name))
          return std::unexpected(at(line, fmt::format("unknown flag --{} for {}", flag.name, keyword)));
        ins.flags.push_back(std::move(flag));
        args = end == std::string_view::npos ? std::string_view{} : trim(args.substr(end));
      }
    }
    ins.arguments = std::string(args);
    if (keyword == "ONBUILD" && !nested) {
      std::string_view inner = trim(args);
      if (inner.empty()) return std::unexpected(at(line, "ONBUILD needs an instruction"));
      size_t sp = inner.find_first_of(" \t");
      auto trigger = build(upper(inner.substr(0, sp)),
                           std::string(sp == std::string_view::npos ? "" : trim(inner.substr(sp))), line, true);
      if (!trigger) return std::unexpected(trigger.error());
      if (trigger->json_form)
        trigger->words = trigger->json_arguments;
      else if (auto words = split_words(trigger->arguments, df_.escape))
        trigger->words = std::move(*words);
      ins.trigger.push_back(std::move(*trigger));
      return ins;
    }
    if (takes_json(keyword) && args.starts_with('[')) {
      auto parsed = nlohmann::json::parse(args, nullptr, false);
      if (!parsed.is_discarded() && parsed.is_array() &&
          std::all_of(parsed.begin(), parsed.end(), [](const auto& v) { return v.is_string(); })) {
        ins.json_form = true;
        for (const auto& v : parsed) ins.json_arguments.push_back(v.template get<std::string>());
      }
    }
    if (keyword == "SHELL" && !ins.json_form)
      return std::unexpected(
          at(line, "SHELL requires the arguments in JSON form: SHELL [\"executable\", \"parameters\"]"));
    if (ins.arguments.empty() && keyword != "HEALTHCHECK")
      return std::unexpected(at(line, fmt::format("{} requires at least one argument", keyword)));
    return ins;
  }

  // Words, pairs, stages and the variables in scope, in file order.
  Result<> track(Instruction& ins) {
    const std::string& keyword = ins.keyword;
    const Variables& scope = keyword == "FROM" ? globals_ : variables_;
    if (ins.json_form) {
      for (const std::string& arg : ins.json_arguments) {
        if (!expands(keyword)) {
          ins.words.push_back(arg);
          continue;
        }
        auto expanded = expand_variables(arg, scope, df_.escape);
        if (!expanded) return std::unexpected(at(ins.line, expanded.error().message));
        ins.words.push_back(*expanded);
      }
    } else {
      auto words = expands(keyword) ? split_and_expand(ins.arguments, scope, df_.escape)
                                    : split_words(ins.arguments, df_.escape);
      // A RUN's shell form is the shell's to read; an odd quote there is a
      // shell matter (ShellCheck reports it), not a Dockerfile error.
      if (!words && keyword != "RUN" && keyword != "CMD" && keyword != "ENTRYPOINT" && keyword != "HEALTHCHECK")
        return std::unexpected(at(ins.line, words.error().message));
      if (words) ins.words = std::move(*words);
    }
    if (keyword == "FROM") return from(ins);
    if (keyword == "ARG") return arg(ins);
    if (keyword == "ENV" || keyword == "LABEL") return pairs(ins);
    return {};
  }

  Result<> from(Instruction& ins) {
    const auto& w = ins.words;
    if (!(w.size() == 1 || (w.size() == 3 && lower(w[1]) == "as")))
      return std::unexpected(at(ins.line, "FROM requires either one or three arguments: FROM image [AS name]"));
    Stage stage{w[0], w.size() == 3 ? lower(w[2]) : "", ins.line};
    df_.stages.push_back(std::move(stage));
    ins.stage = static_cast<int>(df_.stages.size()) - 1;
    variables_.clear();
    return {};
  }

  Result<> arg(Instruction& ins) {
    for (const std::string& word : ins.words) {
      size_t eq = word.find('=');
      KeyValue kv{word.substr(0, eq), eq == std::string::npos ? "" : word.substr(eq + 1), "", eq != std::string::npos};
      if (kv.key.empty()) return std::unexpected(at(ins.line, "ARG names can not be blank"));
      Variables& target = df_.stages.empty() ? globals_ : variables_;
      if (kv.has_value)
        target[kv.key] = kv.value;
      else if (auto it = globals_.find(kv.key); it != globals_.end())
        target[kv.key] = it->second;
      else
        target.erase(kv.key);
      ins.pairs.push_back(std::move(kv));
    }
    // Raw values, for the rules that look at what was written.
    auto raw = split_words(ins.arguments, df_.escape);
    if (raw && raw->size() == ins.pairs.size())
      for (size_t i = 0; i < raw->size(); ++i) {
        size_t eq = (*raw)[i].find('=');
        ins.pairs[i].raw = eq == std::string::npos ? "" : (*raw)[i].substr(eq + 1);
      }
    return {};
  }

  // ENV and LABEL: key=value pairs, or the old "KEY value with spaces".
  Result<> pairs(Instruction& ins) {
    const auto& w = ins.words;
    if (w.empty()) return std::unexpected(at(ins.line, fmt::format("{} requires at least one argument", ins.keyword)));
    if (w[0].find('=') == std::string::npos) {
      std::string_view args = ins.arguments;
      size_t sp = args.find_first_of(" \t");
      if (sp == std::string_view::npos)
        return std::unexpected(at(ins.line, fmt::format("{} must have two arguments", ins.keyword)));
      std::string raw(trim(args.substr(sp)));
      auto value = expand_variables(raw, variables_, df_.escape);
      if (!value) return std::unexpected(at(ins.line, value.error().message));
      ins.pairs.push_back({w[0], *value, raw, true});
    } else {
      auto raw = split_words(ins.arguments, df_.escape);
      for (size_t i = 0; i < w.size(); ++i) {
        size_t eq = w[i].find('=');
        if (eq == std::string::npos)
          return std::unexpected(at(
              ins.line, fmt::format("{}: can't find = in \"{}\": must be of the form name=value", ins.keyword, w[i])));
        if (eq == 0) return std::unexpected(at(ins.line, fmt::format("{} names can not be blank", ins.keyword)));
        std::string raw_value;
        if (raw && raw->size() == w.size()) {
          size_t req = (*raw)[i].find('=');
          if (req != std::string::npos) raw_value = (*raw)[i].substr(req + 1);
        }
        ins.pairs.push_back({w[i].substr(0, eq), w[i].substr(eq + 1), raw_value, true});
      }
    }
    if (ins.keyword == "ENV")
      for (const KeyValue& kv : ins.pairs) variables_[kv.key] = kv.value;
    return {};
  }

  std::vector<Line> lines_;
  size_t next_ = 0;
  Dockerfile df_;
  Variables globals_;    // ARGs before the first FROM
  Variables variables_;  // ARG and ENV of the current stage
};

}  // namespace

Result<Dockerfile> parse_dockerfile(std::string_view text, const std::string& file) {
  try {
    return Parser(text, file).run();
  } catch (const std::exception& e) {  // std::bad_alloc or a library's throw: never past the module's edge
    return fail(fmt::format("{}: {}", file, e.what()));
  }
}

}  // namespace ward::audit::lint
