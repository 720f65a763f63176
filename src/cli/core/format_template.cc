// Template's public face over the engine in template_*.cc, and the two
// helpers the --format flag needs around it.
#include "cli/core/format_template.h"

#include "cli/core/template_ast.h"

namespace ward::cli {

Result<Template> Template::parse(std::string_view text) {
  tmpl::Tree tree = WARD_TRY(tmpl::parse(text));
  return Template(std::make_shared<const tmpl::Tree>(std::move(tree)));
}

Result<std::string> Template::render(const nlohmann::json& dot) const {
  std::string out;
  WARD_TRY(tmpl::execute(*tree_, dot, out, nullptr));
  return out;
}

std::string Template::render_header(const HeaderLabels& labels) const {
  std::string out;
  (void)tmpl::execute(*tree_, nlohmann::json(labels), out, &labels);  // partial output on error, as Docker's
  return out;
}

std::string unescape_format_flag(std::string_view flag) {
  std::string out;
  out.reserve(flag.size());
  for (std::size_t i = 0; i < flag.size(); ++i) {
    if (flag[i] == '\\' && i + 1 < flag.size() && (flag[i + 1] == 't' || flag[i + 1] == 'n')) {
      out += flag[i + 1] == 't' ? '\t' : '\n';
      ++i;
      continue;
    }
    out += flag[i];
  }
  return out;
}

}  // namespace ward::cli
