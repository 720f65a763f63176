// Runs a parsed template over a JSON value.  Variables live on one stack;
// each block remembers its height and drops what it declared on the way out,
// which gives Go's scoping ($x declared in an {{if}} ends at its {{end}}).
#include <cctype>
#include <cstdint>
#include <utility>

#include <fmt/format.h>

#include "cli/core/template_ast.h"

namespace ward::cli::tmpl {
namespace {

using Labels = std::map<std::string, std::string, std::less<>>;

enum class Flow { normal, break_loop, continue_loop };

std::string upper_ascii(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return result;
}

class Evaluator {
 public:
  Evaluator(const Tree& tree, std::string& out, const Labels* labels) : tree_(tree), out_(out), labels_(labels) {}

  Result<void> run(const Value& dot) {
    variables_.emplace_back("$", dot);
    WARD_TRY(walk_list(tree_.nodes, dot));
    return {};
  }

 private:
  std::unexpected<Error> error(std::size_t pos, std::string message) const {
    return fail(ErrorKind::invalid_input,
                fmt::format("template: {}: executing: {}", position(tree_.source, pos), message));
  }

  // Drops the variables a block declared when it ends, however it ends.
  struct Scope {
    explicit Scope(std::vector<std::pair<std::string, Value>>& stack) : stack_(stack), height_(stack.size()) {}
    ~Scope() { stack_.resize(height_); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    std::vector<std::pair<std::string, Value>>& stack_;
    std::size_t height_;
  };

  Result<Flow> walk_list(const std::vector<Node>& nodes, const Value& dot) {
    Scope scope(variables_);
    for (const Node& node : nodes) {
      Flow flow = WARD_TRY(walk(node, dot));
      if (flow != Flow::normal) return flow;
    }
    return Flow::normal;
  }

  Result<Flow> walk(const Node& node, const Value& dot) {
    switch (node.kind) {
      case Node::Kind::text: out_ += node.text; return Flow::normal;
      case Node::Kind::break_loop: return Flow::break_loop;
      case Node::Kind::continue_loop: return Flow::continue_loop;
      case Node::Kind::action: {
        Value value = WARD_TRY(eval_pipeline(node.pipeline, dot));
        if (node.pipeline.variables.empty()) out_ += print_action_value(value);
        return Flow::normal;
      }
      case Node::Kind::if_block:
      case Node::Kind::with_block: {
        Scope scope(variables_);
        Value value = WARD_TRY(eval_pipeline(node.pipeline, dot));
        if (!is_true(value)) return walk_list(node.otherwise, dot);
        return walk_list(node.body, node.kind == Node::Kind::with_block ? value : dot);
      }
      case Node::Kind::range_block: return walk_range(node, dot);
    }
    return Flow::normal;
  }

  Result<Flow> walk_range(const Node& node, const Value& dot) {
    Scope scope(variables_);
    const Pipeline& pipe = node.pipeline;
    Pipeline plain{{}, true, pipe.commands, pipe.pos};
    Value over = WARD_TRY(eval_pipeline(plain, dot));
    std::size_t count = 0;
    if (over.is_array() || over.is_object())
      count = over.size();
    else if (over.is_number_integer() && over.get<std::int64_t>() > 0)
      count = over.get<std::size_t>();
    else if (!over.is_null() && !over.is_number_integer())
      return error(node.pos, fmt::format("range can't iterate over {}", print_value(over)));
    if (count == 0) return walk_list(node.otherwise, dot);
    bool container = over.is_array() || over.is_object();
    Value::const_iterator item = over.cbegin();
    for (std::size_t i = 0; i < count; ++i) {  // arrays in order, objects in key order, integers 0..n-1
      Value index = Value(i);
      Value element = index;
      if (container) {
        if (over.is_object()) index = Value(item.key());
        element = *item;
        ++item;
      }
      Scope iteration(variables_);
      if (pipe.variables.size() == 1) declare(pipe.variables[0], element, pipe.declare);
      if (pipe.variables.size() == 2) {
        declare(pipe.variables[0], index, pipe.declare);
        declare(pipe.variables[1], element, pipe.declare);
      }
      Flow flow = WARD_TRY(walk_list(node.body, element));
      if (flow == Flow::break_loop) break;
    }
    return Flow::normal;
  }

  // ":=" adds a variable; "=" changes the innermost one of that name.
  bool declare(const std::string& name, const Value& value, bool is_new) {
    if (is_new) {
      variables_.emplace_back(name, value);
      return true;
    }
    for (auto it = variables_.rbegin(); it != variables_.rend(); ++it)
      if (it->first == name) {
        it->second = value;
        return true;
      }
    return false;
  }

  Result<Value> eval_pipeline(const Pipeline& pipe, const Value& dot) {
    Value value;
    bool have_value = false;
    for (const Command& command : pipe.commands) {
      value = WARD_TRY(eval_command(command, dot, have_value ? &value : nullptr));
      have_value = true;
    }
    for (const std::string& name : pipe.variables)
      if (!declare(name, value, pipe.declare)) return error(pipe.pos, fmt::format("undefined variable: {}", name));
    return value;
  }

  Result<Value> eval_command(const Command& command, const Value& dot, const Value* piped) {
    const Operand& first = command.words.front();
    if (first.kind == Operand::Kind::function) return call(first, command.words, dot, piped);
    if (piped != nullptr) return error(first.pos, "can't give argument to non-function");
    return eval_operand(first, dot);
  }

  // A function with the command's other words (and the piped value last) as arguments.
  Result<Value> call(const Operand& name, const std::vector<Operand>& words, const Value& dot, const Value* piped) {
    const Function* function = find_function(name.name);
    int count = static_cast<int>(words.size()) - 1 + (piped != nullptr ? 1 : 0);
    if (count < function->min_args || (function->max_args >= 0 && count > function->max_args)) {
      std::string want = function->min_args == function->max_args ? fmt::format("{}", function->min_args)
                                                                  : fmt::format("at least {}", function->min_args);
      return error(name.pos, fmt::format("wrong number of args for {}: want {} got {}", name.name, want, count));
    }
    bool is_and = name.name == "and";
    if (is_and || name.name == "or") {  // the first deciding argument, later ones unevaluated
      Value value;
      for (std::size_t i = 1; i <= words.size(); ++i) {
        if (i == words.size()) {
          if (piped == nullptr) break;
          value = *piped;
        } else {
          value = WARD_TRY(eval_operand(words[i], dot));
        }
        if (is_true(value) != is_and) return value;
      }
      return value;
    }
    std::vector<Value> args;
    for (std::size_t i = 1; i < words.size(); ++i) args.push_back(WARD_TRY(eval_operand(words[i], dot)));
    if (piped != nullptr) args.push_back(*piped);
    if (labels_ != nullptr && function->header_passthrough) return args.front();
    auto result = function->call(args);
    if (!result) return error(name.pos, fmt::format("error calling {}: {}", name.name, result.error().message));
    return result;
  }

  // Walks fields by pointer: a field chain copies only the value it ends at.
  Result<Value> eval_operand(const Operand& operand, const Value& dot) {
    static const Value missing;
    Value owned;
    const Value* base = &dot;
    switch (operand.kind) {
      case Operand::Kind::dot: break;
      case Operand::Kind::literal: base = &operand.literal; break;
      case Operand::Kind::nested:
        owned = WARD_TRY(eval_pipeline(*operand.nested, dot));
        base = &owned;
        break;
      case Operand::Kind::function: return call(operand, {operand}, dot, nullptr);
      case Operand::Kind::variable: {
        auto it = variables_.rbegin();
        while (it != variables_.rend() && it->first != operand.name) ++it;
        if (it == variables_.rend()) return error(operand.pos, fmt::format("undefined variable: {}", operand.name));
        base = &it->second;
        break;
      }
    }
    if (operand.fields.empty()) return *base;
    if (labels_ != nullptr) {  // a table header: every field is its column's label
      auto label = labels_->find(operand.fields.front());
      return Value(label != labels_->end() ? label->second : upper_ascii(operand.fields.front()));
    }
    for (const std::string& field : operand.fields) {
      if (base->is_null()) continue;  // a missing object's fields are missing too
      if (!base->is_object())
        return error(operand.pos, fmt::format("can't evaluate field {} in type {}", field, type_name(*base)));
      auto it = base->find(field);
      base = it == base->end() ? &missing : &*it;
    }
    return *base;
  }

  const Tree& tree_;
  std::string& out_;
  const Labels* labels_;
  std::vector<std::pair<std::string, Value>> variables_;
};

}  // namespace

Result<void> execute(const Tree& tree, const Value& dot, std::string& out, const Labels* header_labels) {
  return Evaluator(tree, out, header_labels).run(dot);
}

}  // namespace ward::cli::tmpl
