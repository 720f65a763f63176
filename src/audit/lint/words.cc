// The Dockerfile frontend's word rules: quotes, the escape character and
// ARG/ENV expansion, in one pass, as BuildKit's shell lexer does them for
// the instructions it expands.
#include <cctype>

#include "audit/lint/dockerfile.h"

namespace ward::audit::lint {

namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

class Lexer {
 public:
  Lexer(std::string_view text, const Variables* variables, char escape, bool split, int depth = 0)
      : text_(text), variables_(variables), escape_(escape), split_(split), depth_(depth) {}

  Result<std::vector<std::string>> run() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (split_ && std::isspace(static_cast<unsigned char>(c)) != 0) {
        end_word();
        ++pos_;
        continue;
      }
      in_word_ = true;
      if (c == escape_ && pos_ + 1 < text_.size()) {
        current_ += text_[pos_ + 1];
        pos_ += 2;
      } else if (c == '\'') {
        size_t close = text_.find('\'', pos_ + 1);
        if (close == std::string_view::npos) return fail("unterminated single quote");
        current_ += text_.substr(pos_ + 1, close - pos_ - 1);
        pos_ = close + 1;
      } else if (c == '"') {
        WARD_TRY(double_quoted());
      } else if (c == '$' && variables_ != nullptr) {
        WARD_TRY(dollar());
      } else {
        current_ += c;
        ++pos_;
      }
    }
    end_word();
    if (!split_ && words_.empty()) words_.emplace_back();
    return words_;
  }

 private:
  // The '}' closing a ${ whose word starts at `from`, past nested ${...}.
  size_t matching_brace(size_t from) const {
    int open = 0;
    for (size_t i = from; i < text_.size(); ++i) {
      if (text_[i] == '$' && i + 1 < text_.size() && text_[i + 1] == '{') {
        ++open;
        ++i;
      } else if (text_[i] == '}') {
        if (open == 0) return i;
        --open;
      }
    }
    return std::string_view::npos;
  }

  void end_word() {
    if (in_word_) words_.push_back(std::move(current_));
    current_.clear();
    in_word_ = false;
  }

  Result<> double_quoted() {
    ++pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return {};
      }
      if (c == escape_ && pos_ + 1 < text_.size() &&
          (text_[pos_ + 1] == '"' || text_[pos_ + 1] == '$' || text_[pos_ + 1] == escape_)) {
        current_ += text_[pos_ + 1];
        pos_ += 2;
      } else if (c == '$' && variables_ != nullptr) {
        WARD_TRY(dollar());
      } else {
        current_ += c;
        ++pos_;
      }
    }
    return fail("unterminated double quote");
  }

  // At a '$': $NAME, ${NAME}, ${NAME:-word}, ${NAME-word}, ${NAME:+word},
  // ${NAME+word}.  A variable nobody set stays as written, so rules see
  // "$IMAGE" rather than an empty string.
  Result<> dollar() {
    size_t start = pos_;
    ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '{') {
      size_t name_start = ++pos_;
      while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
      std::string name(text_.substr(name_start, pos_ - name_start));
      if (name.empty()) return fail(fmt::format("bad substitution in \"{}\"", text_.substr(start)));
      std::string op;
      if (pos_ < text_.size() && text_[pos_] == ':') op += text_[pos_++];
      if (pos_ < text_.size() && (text_[pos_] == '-' || text_[pos_] == '+'))
        op += text_[pos_++];
      else if (!op.empty())
        return fail(fmt::format("unsupported modifier in \"{}\"", text_.substr(start)));
      size_t close = matching_brace(pos_);
      if (close == std::string_view::npos) return fail(fmt::format("missing '}}' in \"{}\"", text_.substr(start)));
      std::string_view word = text_.substr(pos_, close - pos_);
      pos_ = close + 1;
      auto it = variables_->find(name);
      bool set = it != variables_->end();
      bool set_nonempty = set && !it->second.empty();
      if (op.empty()) {
        current_ += set ? it->second : std::string(text_.substr(start, pos_ - start));
        return {};
      }
      bool use_word = false;
      if (op == ":-")
        use_word = !set_nonempty;
      else if (op == "-")
        use_word = !set;
      else if (op == ":+")
        use_word = set_nonempty;
      else
        use_word = set;  // "+"
      if (op.back() == '-' && !use_word) {
        current_ += it->second;
        return {};
      }
      if (use_word) {
        // ${A:-${B:-...}}: nested defaults, bounded so hostile input cannot
        // exhaust the stack.
        if (depth_ >= kMaxDepth)
          return fail(fmt::format("substitution nested too deeply in \"{}\"", text_.substr(start, 40)));
        Lexer inner(word, variables_, escape_, false, depth_ + 1);
        auto expanded = inner.run();
        if (!expanded) return std::unexpected(expanded.error());
        current_ += expanded->front();
      }
      return {};
    }
    size_t name_start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    std::string name(text_.substr(name_start, pos_ - name_start));
    if (name.empty()) {
      current_ += '$';
      return {};
    }
    auto it = variables_->find(name);
    current_ += it != variables_->end() ? it->second : "$" + name;
    return {};
  }

  std::string_view text_;
  const Variables* variables_;
  char escape_;
  bool split_;
  int depth_;
  static constexpr int kMaxDepth = 16;
  size_t pos_ = 0;
  std::string current_;
  bool in_word_ = false;
  std::vector<std::string> words_;
};

}  // namespace

Result<std::string> expand_variables(std::string_view text, const Variables& variables, char escape) {
  auto words = Lexer(text, &variables, escape, false).run();
  if (!words) return std::unexpected(words.error());
  return words->front();
}

Result<std::vector<std::string>> split_words(std::string_view text, char escape) {
  return Lexer(text, nullptr, escape, true).run();
}

// Used by the parser: split and expand in one pass.
Result<std::vector<std::string>> split_and_expand(std::string_view text, const Variables& variables, char escape) {
  return Lexer(text, &variables, escape, true).run();
}

}  // namespace ward::audit::lint
