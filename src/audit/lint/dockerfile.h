// A Dockerfile as BuildKit's frontend reads it: parser directives
// (`# syntax=`, `# escape=`), comments, line continuations, heredocs,
// instruction flags, JSON (exec) and shell forms, and ARG/ENV expansion
// where Docker expands.  The input is untrusted: every error names the
// file and line, and nothing here throws.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ward::audit::lint {

struct Flag {
  std::string name;   // without dashes: "from", "mount"
  std::string value;  // as written (not expanded)
};

struct Heredoc {
  std::string delimiter;
  std::string body;         // the lines between the marker and the delimiter, '\n'-terminated
  bool strip_tabs = false;  // <<-EOF
  bool quoted = false;      // <<"EOF" or <<'EOF': no expansion in the body
};

struct KeyValue {
  std::string key;
  std::string value;  // quotes removed, ARG/ENV expanded
  std::string raw;    // the value as written: quotes removed, not expanded
  bool has_value = true;
};

struct Instruction {
  std::string keyword;  // upper case: "RUN"
  int line = 0;         // first line
  int end_line = 0;     // last line, heredoc bodies included
  std::string text;     // everything after the keyword, continuations joined
  std::vector<Flag> flags;
  std::string arguments;   // text after the flags, trimmed
  bool json_form = false;  // ["a", "b"]
  std::vector<std::string> json_arguments;
  std::vector<Heredoc> heredocs;
  std::vector<std::string> words;    // the shell-form arguments split into words, quotes removed, expanded
  std::vector<KeyValue> pairs;       // ENV, LABEL, ARG
  std::vector<Instruction> trigger;  // ONBUILD's instruction (zero or one)
  int stage = -1;                    // index of the FROM it belongs to; -1 before the first FROM

  [[nodiscard]] const Flag* flag(std::string_view name) const;
};

struct Comment {
  int line = 0;
  std::string text;  // after '#', trimmed
};

struct Stage {
  std::string image;  // FROM's image, expanded (an unset variable stays as written)
  std::string name;   // AS name, lower case; empty when unnamed
  int line = 0;
};

struct Dockerfile {
  std::string file;
  char escape = '\\';
  std::string syntax;  // `# syntax=` directive
  std::vector<Instruction> instructions;
  std::vector<Comment> comments;
  std::vector<Stage> stages;
};

// Parses `text`; `file` names it in errors ("Dockerfile:3: unknown
// instruction FOO").
[[nodiscard]] Result<Dockerfile> parse_dockerfile(std::string_view text, const std::string& file);

// Variables in scope for expansion.
using Variables = std::map<std::string, std::string>;

// Expands $X, ${X}, ${X:-default}, ${X-default}, ${X:+alt}, ${X+alt} the
// way the Dockerfile frontend does; `escape` protects a '$'.  Unknown
// variables expand to nothing.  A malformed ${ is an error.
[[nodiscard]] Result<std::string> expand_variables(std::string_view text, const Variables& variables, char escape);

// Splits shell-form arguments into words: quotes removed, `escape` escapes,
// whitespace separates.
[[nodiscard]] Result<std::vector<std::string>> split_words(std::string_view text, char escape);

// Both at once, as the frontend does for ENV, LABEL, COPY, FROM, ...
[[nodiscard]] Result<std::vector<std::string>> split_and_expand(std::string_view text, const Variables& variables,
                                                                char escape);

}  // namespace ward::audit::lint
