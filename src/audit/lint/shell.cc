#include "audit/lint/shell.h"

#include <algorithm>
#include <cctype>

namespace ward::audit::lint {

namespace {

bool is_assignment(const std::string& word) {
  size_t eq = word.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  if (std::isdigit(static_cast<unsigned char>(word[0])) != 0) return false;
  return std::all_of(word.begin(), word.begin() + static_cast<long>(eq),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

}  // namespace

std::string_view ShellCommand::name() const {
  if (words.empty()) return {};
  std::string_view program = words[0];
  size_t slash = program.rfind('/');
  return slash == std::string_view::npos ? program : program.substr(slash + 1);
}

bool ShellCommand::has(std::string_view flag) const {
  return std::find(words.begin() + (words.empty() ? 0 : 1), words.end(), flag) != words.end();
}

bool ShellCommand::has_any(std::initializer_list<std::string_view> flags) const {
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    for (std::string_view f : flags) {
      if (w == f) return true;
      // "-yq" holds "-y"; "--opt=value" matches "--opt".
      if (f.size() == 2 && f[0] == '-' && f[1] != '-' && w.size() > 2 && w[0] == '-' && w[1] != '-' &&
          w.find(f[1]) != std::string::npos)
        return true;
      if (f.starts_with("--") && w.starts_with(std::string(f) + "=")) return true;
    }
  }
  return false;
}

std::vector<std::string> ShellCommand::arguments() const {
  std::vector<std::string> out;
  for (size_t i = 1; i < words.size(); ++i)
    if (!words[i].starts_with('-')) out.push_back(words[i]);
  return out;
}

std::vector<const ShellCommand*> ShellScript::all(std::string_view name) const {
  std::vector<const ShellCommand*> out;
  for (const ShellCommand& c : commands)
    if (c.name() == name) out.push_back(&c);
  return out;
}

ShellScript parse_shell(std::string_view script) {
  ShellScript result;
  ShellCommand current;
  std::string word;
  bool in_word = false;
  auto end_word = [&] {
    if (in_word) current.words.push_back(std::move(word));
    word.clear();
    in_word = false;
  };
  auto end_command = [&](bool piped) {
    end_word();
    // Drop leading assignments; `sudo`, `env` and `exec` pass on to the
    // real program, which is recorded as a command of its own too.
    auto first = std::find_if_not(current.words.begin(), current.words.end(), [](const std::string& w) {
      return is_assignment(w) || w == "if" || w == "then" || w == "else" || w == "elif" || w == "do" || w == "while" ||
             w == "until" || w == "!";
    });
    current.words.erase(current.words.begin(), first);
    if (!current.words.empty()) {
      current.piped = piped;
      result.commands.push_back(current);
      std::string_view name = current.name();
      if (name == "sudo" || name == "env" || name == "exec" || name == "nohup" || name == "time") {
        ShellCommand inner;
        size_t i = 1;
        while (i < current.words.size() && (current.words[i].starts_with('-') || is_assignment(current.words[i]))) ++i;
        inner.words.assign(current.words.begin() + static_cast<long>(i), current.words.end());
        inner.piped = piped;
        if (!inner.words.empty()) result.commands.push_back(std::move(inner));
      }
    }
    current = ShellCommand{};
  };
  for (size_t i = 0; i < script.size(); ++i) {
    char c = script[i];
    if (c == '\\' && i + 1 < script.size()) {
      if (script[i + 1] != '\n') {
        word += script[i + 1];
        in_word = true;
      }
      ++i;
    } else if (c == '\'') {
      size_t close = script.find('\'', i + 1);
      if (close == std::string_view::npos) close = script.size();
      word += script.substr(i + 1, close - i - 1);
      in_word = true;
      i = close;
    } else if (c == '"') {
      in_word = true;
      for (++i; i < script.size() && script[i] != '"'; ++i) {
        if (script[i] == '\\' && i + 1 < script.size()) ++i;
        word += script[i];
      }
    } else if (c == '#' && !in_word) {
      while (i < script.size() && script[i] != '\n') ++i;
      end_command(false);
    } else if (c == '|') {
      bool is_or = i + 1 < script.size() && script[i + 1] == '|';
      if (is_or)
        ++i;
      else
        result.has_pipe = true;
      end_command(!is_or);
    } else if (c == '&') {
      if (i + 1 < script.size() && script[i + 1] == '&')
        ++i;
      else if (i > 0 && (script[i - 1] == '>' || script[i - 1] == '<')) {  // 2>&1
        word += c;
        continue;
      }
      end_command(false);
    } else if (c == ';' || c == '\n' || c == '(' || c == ')' || c == '{' || c == '}') {
      if ((c == '{' || c == '}') && in_word) {  // ${VAR} stays in its word
        word += c;
        continue;
      }
      end_command(false);
    } else if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      end_word();
    } else if (c == '$' && i + 1 < script.size() && (script[i + 1] == '(' || script[i + 1] == '{')) {
      // $(...) and ${...} stay one word: copy to the matching close.
      char open = script[i + 1];
      char close = open == '(' ? ')' : '}';
      int depth = 0;
      size_t j = i + 1;
      for (; j < script.size(); ++j) {
        if (script[j] == open)
          ++depth;
        else if (script[j] == close && --depth == 0)
          break;
      }
      word += script.substr(i, std::min(j, script.size() - 1) - i + 1);
      in_word = true;
      i = j;
    } else {
      word += c;
      in_word = true;
    }
  }
  end_command(false);
  return result;
}

}  // namespace ward::audit::lint
