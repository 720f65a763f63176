// ShellCheck on each RUN script, as hadolint does: the script on stdin,
// the stage's ARG/ENV names exported first so they count as set, findings
// reported under ShellCheck's own codes (SC2086, ...) at the RUN's line.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "audit/lint/shellcheck.h"
#include "util/fd.h"
#include "util/subprocess.h"

namespace ward::audit::lint {

bool program_available(const std::string& program) {
  if (program.empty()) return false;
  std::error_code ec;
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return false;
}

Result<std::vector<ShellCheckComment>> run_shellcheck(const std::string& program, const std::string& shell,
                                                      const std::string& script) {
  UniqueFd input(::memfd_create("ward-lint-run", MFD_CLOEXEC));
  if (!input) return fail_errno(errno, "memfd_create");
  for (size_t done = 0; done < script.size();) {
    ssize_t n = ::write(input.get(), script.data() + done, script.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail_errno(errno, "write the RUN script");
    done += static_cast<size_t>(n);
  }
  if (::lseek(input.get(), 0, SEEK_SET) != 0) return fail_errno(errno, "lseek");
  // SC1090/SC1091: sourced files are not in the build context here.
  auto outcome = sys::run_captured({program, "--norc", "-s", shell, "-f", "json1", "-e", "SC1090,SC1091", "-"},
                                   sys::Capture::stdout_only, input.get());
  if (!outcome) return std::unexpected(outcome.error().wrap(program));
  // 0: clean, 1: findings; anything else is ShellCheck failing.
  if (outcome->status != 0 && outcome->status != 1)
    return fail(fmt::format("{} exited with status {}", program, outcome->status));
  auto document = nlohmann::json::parse(outcome->output, nullptr, false);
  if (document.is_discarded() || !document.is_object() || !document.contains("comments") ||
      !document["comments"].is_array())
    return fail(fmt::format("{}: unreadable json1 output", program));
  std::vector<ShellCheckComment> comments;
  for (const auto& c : document["comments"]) {
    if (!c.is_object() || !c.contains("code") || !c["code"].is_number_integer()) continue;
    ShellCheckComment comment;
    comment.code = fmt::format("SC{}", c["code"].get<int>());
    comment.level = c.value("level", "warning");
    comment.message = c.value("message", "");
    comment.line = c.value("line", 1);
    comments.push_back(std::move(comment));
  }
  return comments;
}

}  // namespace ward::audit::lint
