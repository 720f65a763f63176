// Docker's `--format` language: the subset of Go's text/template that
// scripts use with `docker images --format`, `docker inspect -f` and
// `docker ps --format`, evaluated over JSON values (docs/FORMAT.md lists what
// is supported and where ward differs from Go).
//   auto t = WARD_TRY(Template::parse("{{.Repository}}:{{.Tag}}"));
//   std::string line = WARD_TRY(t.render(row));
// Parsing checks the whole template (unknown functions, unclosed actions,
// a stray {{end}}) before anything runs, so a bad flag fails before output.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace ward::cli {

namespace tmpl {
struct Tree;
}

class Template {
 public:
  // Errors are invalid_input and name the position: "template: 1:9: function \"foo\" not defined".
  [[nodiscard]] static Result<Template> parse(std::string_view text);
  // Runs the template with `dot` as "." and "$".  Errors (a field of a
  // string, a function given the wrong type) are invalid_input.
  [[nodiscard]] Result<std::string> render(const nlohmann::json& dot) const;

  // The table header: every field reads as its label (see render_format).
  // Output made before an error is kept, as Docker ignores header errors.
  [[nodiscard]] std::string render_header(const std::map<std::string, std::string, std::less<>>& labels) const;

 private:
  explicit Template(std::shared_ptr<const tmpl::Tree> tree) : tree_(std::move(tree)) {}
  std::shared_ptr<const tmpl::Tree> tree_;  // immutable once parsed, so copies share it
};

// Docker lets users type "\t" and "\n" literally in the flag; turns those two
// escapes into the characters (and nothing else, as Docker does).
[[nodiscard]] std::string unescape_format_flag(std::string_view flag);

// Column header texts for `table` formats: field name -> header ("Repository" -> "REPOSITORY").
using HeaderLabels = std::map<std::string, std::string, std::less<>>;

// Renders rows as `docker images --format` does.
//  - "table TEMPLATE": a header line (each {{.Field}} replaced by its label,
//    unknown fields by the field name upper-cased), then one line per row;
//    cells separated by \t are aligned like Go's tabwriter with Docker's
//    settings (minwidth 20, tabwidth 1, padding 3, padchar ' ').
//  - "TEMPLATE": one line per row, no alignment.
// "table" alone is an error (callers supply their default), and "json" is the
// caller's to turn into "{{json .}}".  The \t and \n escapes are unescaped
// here too (a second unescape changes nothing).
[[nodiscard]] Result<std::string> render_format(std::string_view format, const HeaderLabels& labels,
                                                const std::vector<nlohmann::json>& rows);

}  // namespace ward::cli
