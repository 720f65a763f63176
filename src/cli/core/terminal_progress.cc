// TerminalProgress: lines kept in order of their first appearance; a line
// is redrawn by moving the cursor up to it (ESC [ N A), clearing it
// (ESC [ 2 K) and moving back down.
#include "cli/core/terminal_progress.h"

#include "cli/core/human_units.h"

#include <unistd.h>

#include <fmt/format.h>

namespace ward::cli {

namespace {

constexpr int kBarWidth = 50;
// Redraws of advancing items at most this often: a fast local load would
// otherwise spend its time writing to the terminal.
constexpr std::chrono::milliseconds kRedrawInterval{100};

}  // namespace

std::string TerminalProgress::line(std::string_view id, std::string_view action, std::uint64_t done,
                                   std::uint64_t total) {
  if (total == 0) return fmt::format("{}: {} {}", id, action, human_size(done, 4));
  std::uint64_t shown = std::min(done, total);
  int filled = static_cast<int>(shown * kBarWidth / total);
  // Docker's bar: `filled` '=', a '>' (there even when complete), spaces.
  std::string bar(static_cast<std::size_t>(filled), '=');
  bar += '>';
  bar.resize(kBarWidth + 1, ' ');
  return fmt::format("{}: {} [{}] {:>8}/{}", id, action, bar, human_size(done, 4), human_size(total, 4));
}

TerminalProgress::Item& TerminalProgress::item(std::string_view id) {
  for (auto& existing : items_)
    if (existing.id == id) return existing;
  items_.push_back(Item{std::string(id), "", "", 0});
  std::fputs("\n", out_);  // the new item's line
  return items_.back();
}

void TerminalProgress::draw(std::size_t index) {
  std::size_t up = items_.size() - index;
  fmt::print(out_, "\x1b[{}A\x1b[2K\r{}\x1b[{}B\r", up, items_[index].text, up);
  std::fflush(out_);
}

void TerminalProgress::begin(std::string_view id, std::string_view action, std::uint64_t total) {
  Item& entry = item(id);
  entry.action = action;
  entry.total = total;
  entry.text = line(id, action, 0, total);
  draw(static_cast<std::size_t>(&entry - items_.data()));
}

void TerminalProgress::advance(std::string_view id, std::uint64_t done) {
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  Item& entry = item(id);
  entry.text = line(id, entry.action, done, entry.total);
  draw(static_cast<std::size_t>(&entry - items_.data()));
}

void TerminalProgress::end(std::string_view id, std::string_view status) {
  Item& entry = item(id);
  entry.text = fmt::format("{}: {}", id, status);
  draw(static_cast<std::size_t>(&entry - items_.data()));
}

std::unique_ptr<Progress> make_terminal_progress(std::FILE* out) {
  if (::isatty(::fileno(out)) != 1) return nullptr;
  return std::make_unique<TerminalProgress>(out);
}

}  // namespace ward::cli
