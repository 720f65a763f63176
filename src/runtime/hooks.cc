#include "runtime/hooks.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/child/run_hook.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::runtime {

Result<UniqueFd> make_memfd(const char* name, std::string_view text) {
  int fd = ::memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) return fail_errno(errno, "memfd_create");
  UniqueFd memfd(fd);
  if (ssize_t n = sys::raw::write_all(fd, text.data(), text.size()); n < 0)
    return fail_errno(static_cast<int>(-n), "write hook state");
  return memfd;
}

namespace {

// Runs hooks[i] with the state memfd on stdin.
Result<> run_one_hook(const std::vector<oci::Hook>& hooks, size_t i, int state_fd, std::string_view kind) {
  HookPlan plan;
  plan.path = hooks[i].path;
  std::vector<std::string> args = hooks[i].args;
  if (args.empty()) args.push_back(hooks[i].path);
  plan.argv.assign(std::move(args));
  plan.envp.assign(hooks[i].env);
  plan.timeout_seconds = hooks[i].timeout.value_or(0);
  ChildError err;
  if (raw::run_hook(plan, state_fd, err) < 0)
    return fail_errno(err.code, fmt::format("{} hook #{}: {}", kind, i, err.text.c_str()));
  return {};
}

}  // namespace

void run_hooks_warning_only(const std::vector<oci::Hook>& hooks, const std::string& state_json,
                            std::string_view kind) {
  if (hooks.empty()) return;
  auto state = make_memfd("ward-hook-state", state_json);
  if (!state) {
    log::warning(fmt::format("{} hooks: {}", kind, state.error().what()));
    return;
  }
  for (size_t i = 0; i < hooks.size(); ++i)
    if (auto r = run_one_hook(hooks, i, state->get(), kind); !r) log::warning(r.error().what());
}

Result<> run_hooks(const std::vector<oci::Hook>& hooks, const std::string& state_json, std::string_view kind) {
  if (hooks.empty()) return {};
  auto state = WARD_TRY(make_memfd("ward-hook-state", state_json));
  for (size_t i = 0; i < hooks.size(); ++i) {
    WARD_TRY(run_one_hook(hooks, i, state.get(), kind));
  }
  return {};
}

}  // namespace ward::runtime
