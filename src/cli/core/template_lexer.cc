// Splits a template into tokens.  Text outside actions becomes one token;
// inside "{{ }}" each word, string, number and punctuation mark is one.
// Trim markers ("{{- " and " -}}") are applied here, to the neighbouring
// text, and comments ("{{/* */}}") produce no tokens at all.
#include <cctype>
#include <charconv>
#include <cstdint>

#include <fmt/format.h>

#include "cli/core/template_ast.h"

namespace ward::cli::tmpl {
namespace {

constexpr std::string_view open_delim = "{{";
constexpr std::string_view close_delim = "}}";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

class Lexer {
 public:
  explicit Lexer(std::string_view source) : source_(source) {}

  Result<std::vector<Token>> run() {
    while (at_ < source_.size()) {
      std::size_t next = source_.find(open_delim, at_);
      if (next == std::string_view::npos) {
        add_text(source_.substr(at_));
        break;
      }
      std::string_view text = source_.substr(at_, next - at_);
      at_ = next + open_delim.size();
      bool trim_left = at_ + 1 < source_.size() && source_[at_] == '-' && is_space(source_[at_ + 1]);
      if (trim_left) {
        while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
        at_ += 2;
      }
      add_text(text);
      WARD_TRY(lex_action(next));
    }
    tokens_.push_back(Token{TokenKind::end_of_input, {}, {}, source_.size(), false});
    return std::move(tokens_);
  }

 private:
  std::unexpected<Error> error(std::size_t pos, std::string message) const {
    return fail(ErrorKind::invalid_input, fmt::format("template: {}: {}", position(source_, pos), message));
  }

  void add_text(std::string_view text) {
    if (trim_next_text_) {
      while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
      trim_next_text_ = false;
    }
    if (!text.empty()) tokens_.push_back(Token{TokenKind::text, std::string(text), {}, at_, false});
  }

  // At " -}}" or "}}": consumes it and notes a right trim.
  bool at_close() {
    if (source_.substr(at_).starts_with(close_delim)) {
      at_ += close_delim.size();
      return true;
    }
    if (at_ + 1 < source_.size() && is_space(source_[at_]) && source_.substr(at_ + 1).starts_with("-}}")) {
      at_ += 4;
      trim_next_text_ = true;
      return true;
    }
    return false;
  }

  Result<void> lex_action(std::size_t open_pos) {
    std::size_t first = at_;
    while (first < source_.size() && is_space(source_[first])) ++first;
    if (source_.substr(first).starts_with("/*")) return lex_comment(open_pos, first);
    tokens_.push_back(Token{TokenKind::open, "{{", {}, open_pos, false});
    while (true) {
      bool spaced = false;
      bool closed = false;
      std::size_t start = at_;
      while (at_ < source_.size() && is_space(source_[at_]) && !closed) {
        start = at_;
        closed = at_close();
        if (!closed) ++at_, spaced = true;
      }
      if (!closed) start = at_;
      if (!closed && at_ >= source_.size()) return error(open_pos, "unclosed action");
      if (closed || at_close()) {
        tokens_.push_back(Token{TokenKind::close, "}}", {}, start, spaced});
        return {};
      }
      Token token = WARD_TRY(lex_word());
      token.pos = start;
      token.spaced_before = spaced;
      tokens_.push_back(std::move(token));
    }
  }

  Result<void> lex_comment(std::size_t open_pos, std::size_t start) {
    std::size_t end = source_.find("*/", start + 2);
    if (end == std::string_view::npos) return error(open_pos, "unclosed comment");
    at_ = end + 2;
    if (!at_close()) return error(open_pos, "comment ends before closing delimiter");
    return {};
  }

  Result<Token> lex_word() {
    char c = source_[at_];
    auto single = [&](TokenKind kind) {
      ++at_;
      return Token{kind, std::string(1, c), {}, 0, false};
    };
    switch (c) {
      case '|': return single(TokenKind::pipe);
      case '(': return single(TokenKind::open_paren);
      case ')': return single(TokenKind::close_paren);
      case ',': return single(TokenKind::comma);
      case '=': return single(TokenKind::assign);
      case '"': return lex_quoted();
      case '`': return lex_raw();
      case '\'': return lex_char();
      default: break;
    }
    if (c == ':' && source_.substr(at_).starts_with(":=")) {
      at_ += 2;
      return Token{TokenKind::declare, ":=", {}, 0, false};
    }
    if (c == '.' || c == '$') {
      bool digit_next = at_ + 1 < source_.size() && std::isdigit(static_cast<unsigned char>(source_[at_ + 1]));
      if (c == '.' && digit_next) return lex_number();
      std::size_t start = ++at_;
      while (at_ < source_.size() && is_word_char(source_[at_])) ++at_;
      std::string name(source_.substr(start, at_ - start));
      if (c == '$') return Token{TokenKind::variable, "$" + name, {}, 0, false};
      if (name.empty()) return Token{TokenKind::dot, ".", {}, 0, false};
      return Token{TokenKind::field, name, {}, 0, false};
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+') return lex_number();
    if (is_word_char(c)) {
      std::size_t start = at_;
      while (at_ < source_.size() && is_word_char(source_[at_])) ++at_;
      std::string word(source_.substr(start, at_ - start));
      if (word == "true" || word == "false") return Token{TokenKind::literal, word, Value(word == "true"), 0, false};
      if (word == "nil") return Token{TokenKind::literal, word, Value(nullptr), 0, false};
      return Token{TokenKind::identifier, word, {}, 0, false};
    }
    return error(at_, fmt::format("unexpected \"{}\" in action", c));
  }

  Result<Token> lex_number() {
    std::size_t start = at_;
    if (source_[at_] == '-' || source_[at_] == '+') ++at_;
    while (at_ < source_.size() &&
           (is_word_char(source_[at_]) || source_[at_] == '.' ||
            ((source_[at_] == '-' || source_[at_] == '+') && (source_[at_ - 1] == 'e' || source_[at_ - 1] == 'E'))))
      ++at_;
    std::string text(source_.substr(start, at_ - start));
    std::string digits;
    for (char d : text)
      if (d != '_') digits += d;
    bool negative = !digits.empty() && digits[0] == '-';
    std::string_view body = digits;
    if (!body.empty() && (body[0] == '-' || body[0] == '+')) body.remove_prefix(1);
    int base = 10;
    if (body.starts_with("0x") || body.starts_with("0X"))
      base = 16, body.remove_prefix(2);
    else if (body.starts_with("0o") || body.starts_with("0O"))
      base = 8, body.remove_prefix(2);
    else if (body.starts_with("0b") || body.starts_with("0B"))
      base = 2, body.remove_prefix(2);
    std::int64_t integer = 0;
    auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), integer, base);
    if (ec == std::errc{} && end == body.data() + body.size() && !body.empty())
      return Token{TokenKind::literal, text, Value(negative ? -integer : integer), 0, false};
    double real = 0;
    std::string_view signed_body = digits;
    if (signed_body.starts_with('+')) signed_body.remove_prefix(1);
    auto [real_end, real_ec] = std::from_chars(signed_body.data(), signed_body.data() + signed_body.size(), real);
    if (base == 10 && real_ec == std::errc{} && real_end == signed_body.data() + signed_body.size())
      return Token{TokenKind::literal, text, Value(real), 0, false};
    return error(start, fmt::format("bad number syntax: \"{}\"", text));
  }

  // A Go interpreted string: backslash escapes, no newline.
  Result<Token> lex_quoted() {
    std::size_t start = at_++;
    std::string value;
    while (true) {
      if (at_ >= source_.size() || source_[at_] == '\n') return error(start, "unterminated quoted string");
      char c = source_[at_++];
      if (c == '"') break;
      if (c != '\\') {
        value += c;
        continue;
      }
      if (at_ >= source_.size()) return error(start, "unterminated quoted string");
      char e = source_[at_++];
      switch (e) {
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        case 'r': value += '\r'; break;
        case 'a': value += '\a'; break;
        case 'b': value += '\b'; break;
        case 'f': value += '\f'; break;
        case 'v': value += '\v'; break;
        case '\\': value += '\\'; break;
        case '"': value += '"'; break;
        case '\'': value += '\''; break;
        case 'x': {
          unsigned byte = 0;
          auto [end, ec] =
              std::from_chars(source_.data() + at_, source_.data() + std::min(at_ + 2, source_.size()), byte, 16);
          if (ec != std::errc{} || end != source_.data() + at_ + 2) return error(start, "bad \\x escape in string");
          value += static_cast<char>(byte);
          at_ += 2;
          break;
        }
        default: return error(start, fmt::format("unsupported escape \\{} in string", e));
      }
    }
    return Token{TokenKind::literal, std::string(source_.substr(start, at_ - start)), Value(value), 0, false};
  }

  Result<Token> lex_raw() {
    std::size_t start = at_++;
    std::size_t end = source_.find('`', at_);
    if (end == std::string_view::npos) return error(start, "unterminated raw quoted string");
    std::string value(source_.substr(at_, end - at_));
    at_ = end + 1;
    return Token{TokenKind::literal, std::string(source_.substr(start, at_ - start)), Value(value), 0, false};
  }

  // 'a' is the number of its character, as in Go; ASCII only.
  Result<Token> lex_char() {
    std::size_t start = at_;
    if (at_ + 2 >= source_.size() || source_[at_ + 2] != '\'' || source_[at_ + 1] == '\\')
      return error(start, "only single ASCII character constants ('a') are supported");
    auto code = static_cast<std::int64_t>(static_cast<unsigned char>(source_[at_ + 1]));
    at_ += 3;
    return Token{TokenKind::literal, std::string(source_.substr(start, 3)), Value(code), 0, false};
  }

  std::string_view source_;
  std::size_t at_ = 0;
  bool trim_next_text_ = false;
  std::vector<Token> tokens_;
};

}  // namespace

Result<std::vector<Token>> lex(std::string_view source) {
  return Lexer(source).run();
}

std::string position(std::string_view source, std::size_t pos) {
  pos = std::min(pos, source.size());
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < pos; ++i)
    if (source[i] == '\n') ++line, line_start = i + 1;
  return fmt::format("{}:{}", line, pos - line_start + 1);
}

}  // namespace ward::cli::tmpl
