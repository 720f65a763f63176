// The inside of cli/core's template engine (format_template.h): tokens, the
// parsed tree, the built-in functions and Go's way of printing values.
// Values are JSON values throughout; a missing field is null, which prints
// as "<no value>" like a missing key of a Go map.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace ward::cli::tmpl {

using Value = nlohmann::json;

enum class TokenKind {
  text,         // literal text between actions (already trimmed by {{- and -}})
  open,         // {{
  close,        // }}
  field,        // .Name (text holds "Name")
  variable,     // $ or $name (text holds "$name")
  dot,          // .
  identifier,   // a function name or keyword: if, range, printf, ...
  literal,      // "string", `raw`, 'c', 12, 1.5, true, false, nil (value holds it)
  pipe,         // |
  open_paren,   // (
  close_paren,  // )
  declare,      // :=
  assign,       // =
  comma,        // ,
  end_of_input,
};

struct Token {
  TokenKind kind = TokenKind::end_of_input;
  std::string text;
  Value value;
  std::size_t pos = 0;         // byte offset into the template
  bool spaced_before = false;  // whitespace precedes it: ".A .B" is two operands, ".A.B" one chain
};

// Splits a template into tokens; errors name the position.
[[nodiscard]] Result<std::vector<Token>> lex(std::string_view source);

// "line:column" (both from 1) of a byte offset, for error messages.
[[nodiscard]] std::string position(std::string_view source, std::size_t pos);

struct Pipeline;

// One word of a command.  `fields` follow the base: ".A.B" is dot + {A, B},
// "$x.A" is variable + {A}, "(index . 0).A" is nested + {A}.
struct Operand {
  enum class Kind { dot, variable, literal, function, nested };
  Kind kind = Kind::dot;
  std::size_t pos = 0;
  std::string name;  // the variable ("$x") or the function
  std::vector<std::string> fields;
  Value literal;
  std::shared_ptr<const Pipeline> nested;
};

// A function call (first word a function) or a single operand.
struct Command {
  std::vector<Operand> words;
  std::size_t pos = 0;
};

// "$x := a | b c": commands whose result is passed as the last argument of
// the next; `variables` are declared (or assigned when !declare) the result.
struct Pipeline {
  std::vector<std::string> variables;
  bool declare = true;
  std::vector<Command> commands;
  std::size_t pos = 0;
};

struct Node {
  enum class Kind { text, action, if_block, range_block, with_block, break_loop, continue_loop };
  Kind kind = Kind::text;
  std::size_t pos = 0;
  std::string text;
  Pipeline pipeline;
  std::vector<Node> body;
  std::vector<Node> otherwise;  // {{else}} branch; "else if" is a single if_block here
};

struct Tree {
  std::string source;
  std::vector<Node> nodes;
};

[[nodiscard]] Result<Tree> parse(std::string_view source);

// Runs a tree.  With `header_labels`, every field reads as its label (the
// field's name upper-cased if it has none) and the string functions pass
// their first argument through, as Docker renders a table's header.
[[nodiscard]] Result<void> execute(const Tree& tree, const Value& dot, std::string& out,
                                   const std::map<std::string, std::string, std::less<>>* header_labels);

// A built-in function.  `header_passthrough` ones return their first
// argument in header mode (Docker's HeaderFunctions).
struct Function {
  std::string_view name;
  int min_args = 0;
  int max_args = 0;  // -1: any number
  bool header_passthrough = false;
  Result<Value> (*call)(std::vector<Value>& args) = nullptr;
};

// The function named `name`, or nullptr.  "and" and "or" are listed (for
// parsing) but evaluated by the evaluator, which stops at the deciding one.
[[nodiscard]] const Function* find_function(std::string_view name);

// Go's fmt %v of a value: strings raw, integers without ".0", null as
// "<nil>" inside containers, maps as "map[k:v]", arrays as "[a b]".
[[nodiscard]] std::string print_value(const Value& value);
// What a template action prints: print_value, but a top-level null is "<no value>".
[[nodiscard]] std::string print_action_value(const Value& value);
// Go's fmt.Sprintf for the verbs %v %s %d %q %t %f %x %% with flags "-+0 "
// and width/precision; a wrong or missing argument prints as Go does
// ("%!d(string=abc)", "%!s(MISSING)").
[[nodiscard]] std::string go_sprintf(std::string_view format, const std::vector<Value>& args);
// Go's strconv.Quote for %q: "a\tb".
[[nodiscard]] std::string go_quote(std::string_view text);
// Go's truth: false, 0, "", null and empty arrays and maps are false.
[[nodiscard]] bool is_true(const Value& value);
// "string", "int", "float64", "bool", "map", "slice", "nil": for messages.
[[nodiscard]] std::string type_name(const Value& value);

}  // namespace ward::cli::tmpl
