// `docker images --format` output: "table" formats get a header line and
// columns aligned as Go's text/tabwriter aligns them with Docker's settings.
#include <fmt/format.h>

#include "cli/core/format_template.h"

namespace ward::cli {
namespace {

// docker/cli 20.10's tabwriter.NewWriter(out, 10, 1, 3, ' ', 0): the Docker
// that Debian 12 ships ("CONTAINER ID   IMAGE"); releases before 20.10 used
// a minimum width of 20.
constexpr std::size_t min_width = 10;
constexpr std::size_t padding = 3;

std::size_t char_count(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// One line split at tabs: every cell but the last is tab-terminated and
// takes part in alignment; the last is printed as it is.
using Line = std::vector<std::string>;

class TabWriter {
 public:
  explicit TabWriter(std::string_view text) {
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      bool newline = end != std::string_view::npos;
      std::string_view line = text.substr(start, newline ? end - start : std::string_view::npos);
      Line cells;
      std::size_t cell_start = 0;
      for (std::size_t tab; (tab = line.find('\t', cell_start)) != std::string_view::npos; cell_start = tab + 1)
        cells.emplace_back(line.substr(cell_start, tab - cell_start));
      cells.emplace_back(line.substr(cell_start));
      lines_.push_back(std::move(cells));
      newlines_.push_back(newline);
      start = newline ? end + 1 : text.size();
    }
  }

  std::string format() {
    format_block(0, lines_.size());
    return std::move(out_);
  }

 private:
  // As tabwriter does: a column block is a run of consecutive lines that all
  // have a terminated cell in the current column; its width is the widest
  // cell plus padding, at least min_width; blocks nest column by column.
  void format_block(std::size_t first, std::size_t last) {
    std::size_t column = widths_.size();
    for (std::size_t at = first; at < last; ++at) {
      if (column + 1 >= lines_[at].size()) continue;
      write_lines(first, at);
      std::size_t width = min_width;
      std::size_t end = at;
      for (; end < last && column + 1 < lines_[end].size(); ++end)
        width = std::max(width, char_count(lines_[end][column]) + padding);
      widths_.push_back(width);
      format_block(at, end);
      widths_.pop_back();
      first = end;
      at = end - 1;
    }
    write_lines(first, last);
  }

  void write_lines(std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) {
      const Line& cells = lines_[i];
      for (std::size_t j = 0; j < cells.size(); ++j) {
        out_ += cells[j];
        if (j + 1 < cells.size() && j < widths_.size()) out_.append(widths_[j] - char_count(cells[j]), ' ');
      }
      if (newlines_[i]) out_ += '\n';
    }
  }

  std::vector<Line> lines_;
  std::vector<bool> newlines_;
  std::vector<std::size_t> widths_;
  std::string out_;
};

}  // namespace

Result<std::string> render_format(std::string_view format, const HeaderLabels& labels,
                                  const std::vector<nlohmann::json>& rows) {
  std::string text = unescape_format_flag(format);
  std::string_view body = text;
  bool table = body.starts_with("table") && (body.size() == 5 || body[5] == ' ' || body[5] == '\t' || body[5] == '\n');
  if (table) {
    body.remove_prefix(5);
    while (!body.empty() && body.front() == ' ') body.remove_prefix(1);
    while (!body.empty() && body.back() == ' ') body.remove_suffix(1);
    if (body.empty()) return fail(ErrorKind::invalid_input, "format \"table\" needs a template after it");
  }
  auto parsed = Template::parse(body);
  if (!parsed) return std::unexpected(std::move(parsed.error()));
  std::string out;
  if (table) out = parsed->render_header(labels) + "\n";
  for (const nlohmann::json& row : rows) {
    out += WARD_TRY(parsed->render(row));
    out += '\n';
  }
  if (!table) return out;
  return TabWriter(out).format();
}

}  // namespace ward::cli
