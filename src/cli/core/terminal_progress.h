// Progress drawn on a terminal the way `docker load` and `docker pull`
// draw it: one line per item, redrawn in place,
//   a3ed95caeb02: Loading layer [=========>          ]  12.3MB/25.1MB
// A front end makes one only when its output is a terminal
// (make_terminal_progress returns null otherwise), so piped output stays
// free of escape sequences and partial lines.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "util/progress.h"

namespace ward::cli {

class TerminalProgress final : public Progress {
 public:
  explicit TerminalProgress(std::FILE* out) : out_(out) {}

  void begin(std::string_view id, std::string_view action, std::uint64_t total) override;
  void advance(std::string_view id, std::uint64_t done) override;
  void end(std::string_view id, std::string_view status) override;

  // One item's line, without the cursor movement: for tests.
  [[nodiscard]] static std::string line(std::string_view id, std::string_view action, std::uint64_t done,
                                        std::uint64_t total);

 private:
  struct Item {
    std::string id;
    std::string text;  // the line as last drawn
    std::string action;
    std::uint64_t total = 0;
  };
  Item& item(std::string_view id);
  void draw(std::size_t index);

  std::FILE* out_;
  std::vector<Item> items_;
  std::chrono::steady_clock::time_point last_draw_{};
};

// A TerminalProgress on `out` when it is a terminal, else null.
[[nodiscard]] std::unique_ptr<Progress> make_terminal_progress(std::FILE* out);

}  // namespace ward::cli
