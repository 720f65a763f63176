// Builds the tree from the tokens: text, {{pipeline}} actions and the
// if/range/with blocks with their {{else}} and {{end}}.  Function names are
// checked here, so an unknown function fails before anything is printed.
#include <set>
#include <utility>

#include <fmt/format.h>

#include "cli/core/template_ast.h"

namespace ward::cli::tmpl {
namespace {

// Go template features ward does not run; named so the error says so.
const std::set<std::string, std::less<>> unsupported_keywords = {"define", "template", "block"};
const std::set<std::string, std::less<>> unsupported_functions = {"html", "js", "urlquery", "call", "slice"};

std::string describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::end_of_input: return "end of template";
    case TokenKind::text: return "text";
    default: return fmt::format("\"{}\"", token.text);
  }
}

class Parser {
 public:
  Parser(std::string_view source, std::vector<Token> tokens) : source_(source), tokens_(std::move(tokens)) {}

  Result<std::vector<Node>> run() {
    return parse_list(0);  // at depth 0 only the end of input stops it
  }

 private:
  std::unexpected<Error> error(std::size_t pos, std::string message) const {
    return fail(ErrorKind::invalid_input, fmt::format("template: {}: {}", position(source_, pos), message));
  }

  // Variables declared in a list or a block's pipeline end with it, as in Go.
  struct VariableScope {
    explicit VariableScope(std::vector<std::string>& names) : names_(names), height_(names.size()) {}
    ~VariableScope() { names_.resize(height_); }
    VariableScope(const VariableScope&) = delete;
    VariableScope& operator=(const VariableScope&) = delete;
    std::vector<std::string>& names_;
    std::size_t height_;
  };

  Result<void> check_declared(const std::string& name, std::size_t pos) const {
    for (const std::string& known : variables_)
      if (known == name) return {};
    return error(pos, fmt::format("undefined variable \"{}\"", name));
  }

  const Token& peek(std::size_t ahead = 0) const { return tokens_[std::min(at_ + ahead, tokens_.size() - 1)]; }
  const Token& next() {
    const Token& token = peek();
    if (at_ < tokens_.size() - 1) ++at_;
    return token;
  }

  Result<void> expect(TokenKind kind, std::string_view where) {
    const Token& token = next();
    if (token.kind == kind) return {};
    if (token.kind == TokenKind::end_of_input) return error(token.pos, fmt::format("unclosed action in {}", where));
    return error(token.pos, fmt::format("unexpected {} in {}", describe(token), where));
  }

  // Nodes up to an {{else}} or {{end}} (left unconsumed after "{{", with
  // keyword_ set) or the end of input.  `depth` counts enclosing blocks.
  Result<std::vector<Node>> parse_list(int depth) {
    VariableScope scope(variables_);
    std::vector<Node> nodes;
    while (true) {
      const Token& token = peek();
      if (token.kind == TokenKind::end_of_input) return nodes;
      if (token.kind == TokenKind::text) {
        nodes.push_back(Node{Node::Kind::text, token.pos, token.text, {}, {}, {}});
        next();
        continue;
      }
      std::size_t open_pos = next().pos;  // "{{"
      const Token& word = peek();
      if (word.kind == TokenKind::identifier) {
        if (word.text == "end" || word.text == "else") {
          if (depth == 0) return error(word.pos, fmt::format("unexpected {{{{{}}}}}", word.text));
          keyword_ = word.text;
          next();
          return nodes;
        }
        if (word.text == "if" || word.text == "range" || word.text == "with") {
          next();
          nodes.push_back(WARD_TRY(parse_block(word.text, open_pos, depth)));
          continue;
        }
        if (word.text == "break" || word.text == "continue") {
          if (loops_ == 0) return error(word.pos, fmt::format("{{{{{}}}}} outside {{{{range}}}}", word.text));
          auto kind = word.text == "break" ? Node::Kind::break_loop : Node::Kind::continue_loop;
          next();
          WARD_TRY(expect(TokenKind::close, word.text == "break" ? "break" : "continue"));
          nodes.push_back(Node{kind, open_pos, {}, {}, {}, {}});
          continue;
        }
        if (unsupported_keywords.contains(word.text))
          return error(word.pos, fmt::format("{{{{{}}}}} is not supported", word.text));
      }
      Pipeline pipeline = WARD_TRY(parse_pipeline("command", 1));
      nodes.push_back(Node{Node::Kind::action, open_pos, {}, std::move(pipeline), {}, {}});
    }
  }

  // After "{{if", "{{range" or "{{with": the pipeline, the body, an optional
  // else branch and the end.  "{{else if x}}" nests an if that shares the end.
  Result<Node> parse_block(const std::string& keyword, std::size_t open_pos, int depth) {
    VariableScope scope(variables_);  // the pipeline's variables live until {{end}}
    Node node;
    node.pos = open_pos;
    node.kind = keyword == "if"      ? Node::Kind::if_block
                : keyword == "range" ? Node::Kind::range_block
                                     : Node::Kind::with_block;
    node.pipeline = WARD_TRY(parse_pipeline(keyword, keyword == "range" ? 2 : 1));
    if (keyword == "range") ++loops_;
    node.body = WARD_TRY(parse_list(depth + 1));
    if (keyword == "range") --loops_;
    if (keyword_.empty())
      return error(open_pos, fmt::format("unexpected end of template: {{{{{}}}}} has no {{{{end}}}}", keyword));
    std::string stop = std::exchange(keyword_, {});
    if (stop == "else") {
      const Token& chained = peek();
      if (chained.kind == TokenKind::identifier && (chained.text == "if" || chained.text == "with") &&
          keyword != "range") {
        next();
        node.otherwise.push_back(WARD_TRY(parse_block(chained.text, chained.pos, depth)));
        return node;
      }
      WARD_TRY(expect(TokenKind::close, "else"));
      node.otherwise = WARD_TRY(parse_list(depth + 1));
      if (keyword_.empty())
        return error(open_pos, fmt::format("unexpected end of template: {{{{{}}}}} has no {{{{end}}}}", keyword));
      stop = std::exchange(keyword_, {});
      if (stop == "else") return error(peek().pos, "expected {{end}} after {{else}}, found another {{else}}");
    }
    WARD_TRY(expect(TokenKind::close, "end"));
    return node;
  }

  // [$x[, $y] := | $x =] command { "|" command } "}}"
  Result<Pipeline> parse_pipeline(std::string_view where, int max_variables) {
    Pipeline pipeline;
    pipeline.pos = peek().pos;
    if (peek().kind == TokenKind::variable) {
      std::size_t ahead = 1;
      std::vector<std::string> names{peek().text};
      while (peek(ahead).kind == TokenKind::comma && peek(ahead + 1).kind == TokenKind::variable) {
        names.push_back(peek(ahead + 1).text);
        ahead += 2;
      }
      TokenKind after = peek(ahead).kind;
      if (after == TokenKind::declare || after == TokenKind::assign) {
        if (static_cast<int>(names.size()) > max_variables)
          return error(peek().pos, fmt::format("too many variables in {}", where));
        if (after == TokenKind::assign)
          for (const std::string& name : names) WARD_TRY(check_declared(name, peek().pos));
        pipeline.variables = std::move(names);
        pipeline.declare = after == TokenKind::declare;
        at_ += ahead + 1;
      }
    }
    while (true) {
      pipeline.commands.push_back(WARD_TRY(parse_command(where)));
      const Token& token = next();
      if (token.kind == TokenKind::close) {
        if (pipeline.declare) variables_.insert(variables_.end(), pipeline.variables.begin(), pipeline.variables.end());
        break;
      }
      if (token.kind == TokenKind::pipe) continue;
      if (token.kind == TokenKind::end_of_input) return error(token.pos, fmt::format("unclosed action in {}", where));
      return error(token.pos, fmt::format("unexpected {} in {}", describe(token), where));
    }
    return pipeline;
  }

  Result<Pipeline> parse_nested() {
    Pipeline pipeline;
    pipeline.pos = peek().pos;
    while (true) {
      pipeline.commands.push_back(WARD_TRY(parse_command("parenthesized pipeline")));
      const Token& token = next();
      if (token.kind == TokenKind::close_paren) break;
      if (token.kind == TokenKind::pipe) continue;
      return error(token.pos, fmt::format("unexpected {} in parenthesized pipeline", describe(token)));
    }
    return pipeline;
  }

  Result<Command> parse_command(std::string_view where) {
    Command command;
    command.pos = peek().pos;
    while (true) {
      TokenKind kind = peek().kind;
      if (kind == TokenKind::close || kind == TokenKind::pipe || kind == TokenKind::close_paren ||
          kind == TokenKind::end_of_input)
        break;
      command.words.push_back(WARD_TRY(parse_operand()));
    }
    if (command.words.empty()) return error(peek().pos, fmt::format("missing value for {}", where));
    const Operand& first = command.words.front();
    if (first.kind == Operand::Kind::literal && first.literal.is_null() && first.fields.empty())
      return error(first.pos, "nil is not a command");
    if (first.kind != Operand::Kind::function && command.words.size() > 1)
      return error(command.words[1].pos, "can't give argument to non-function");
    return command;
  }

  Result<Operand> parse_operand() {
    const Token& token = next();
    Operand operand;
    operand.pos = token.pos;
    switch (token.kind) {
      case TokenKind::dot: operand.kind = Operand::Kind::dot; break;
      case TokenKind::field:
        operand.kind = Operand::Kind::dot;
        operand.fields.push_back(token.text);
        break;
      case TokenKind::variable:
        WARD_TRY(check_declared(token.text, token.pos));
        operand.kind = Operand::Kind::variable;
        operand.name = token.text;
        break;
      case TokenKind::literal:
        operand.kind = Operand::Kind::literal;
        operand.literal = token.value;
        break;
      case TokenKind::open_paren:
        operand.kind = Operand::Kind::nested;
        operand.nested = std::make_shared<const Pipeline>(WARD_TRY(parse_nested()));
        break;
      case TokenKind::identifier: {
        if (unsupported_functions.contains(token.text))
          return error(token.pos, fmt::format("function \"{}\" is not supported", token.text));
        if (find_function(token.text) == nullptr)
          return error(token.pos, fmt::format("function \"{}\" not defined", token.text));
        operand.kind = Operand::Kind::function;
        operand.name = token.text;
        return operand;
      }
      case TokenKind::end_of_input: return error(token.pos, "unclosed action");
      default: return error(token.pos, fmt::format("unexpected {} in operand", describe(token)));
    }
    while (peek().kind == TokenKind::field && !peek().spaced_before) {
      if (operand.kind == Operand::Kind::literal) return error(peek().pos, "can't evaluate a field of a constant");
      operand.fields.push_back(next().text);
    }
    return operand;
  }

  std::string_view source_;
  std::vector<Token> tokens_;
  std::size_t at_ = 0;
  std::string keyword_;  // the "else" or "end" that stopped the last parse_list
  int loops_ = 0;
  std::vector<std::string> variables_{"$"};  // declared so far and still in scope
};

}  // namespace

Result<Tree> parse(std::string_view source) {
  std::vector<Token> tokens = WARD_TRY(lex(source));
  Tree tree;
  tree.source = std::string(source);
  tree.nodes = WARD_TRY(Parser(source, std::move(tokens)).run());
  return tree;
}

}  // namespace ward::cli::tmpl
