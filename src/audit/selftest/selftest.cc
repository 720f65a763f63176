#include "audit/selftest/selftest.h"

#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <functional>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "audit/selftest/layers.h"
#include "audit/selftest/stdio_capture.h"
#include "engine/launch.h"
#include "util/log.h"

namespace ward::audit::selftest {

namespace {

volatile sig_atomic_t g_signal = 0;

void note_signal(int signal) {
  g_signal = signal;
}

// SIGINT, SIGTERM and SIGHUP noted instead of ending ward, for as long as
// it lives, so that the container in progress is removed first.  (While a
// container runs, the runtime forwards them to ward-probe, which ends with
// 128+N.)
class InterruptNotes {
 public:
  InterruptNotes() {
    g_signal = 0;
    struct sigaction action {};
    action.sa_handler = note_signal;
    for (std::size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &action, &previous_[i]);
  }
  ~InterruptNotes() {
    for (std::size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &previous_[i], nullptr);
  }
  InterruptNotes(const InterruptNotes&) = delete;
  InterruptNotes& operator=(const InterruptNotes&) = delete;

 private:
  static constexpr std::array<int, 3> kSignals = {SIGINT, SIGTERM, SIGHUP};
  std::array<struct sigaction, 3> previous_{};
};

Result<> check_interrupted() {
  if (g_signal != 0) return fail(ErrorKind::failed, fmt::format("interrupted by SIG{}", sigabbrev_np(g_signal)));
  return {};
}

// Removes the container when it goes out of scope, unless finish() did.
class ContainerRemoval {
 public:
  ContainerRemoval(engine::Engine& engine, engine::ContainerRecord record)
      : engine_(engine), record_(std::move(record)) {}
  ~ContainerRemoval() {
    if (pending_)
      if (auto removed = engine_.remove(record_, true, true); !removed) log::warning(removed.error().what());
  }
  ContainerRemoval(const ContainerRemoval&) = delete;
  ContainerRemoval& operator=(const ContainerRemoval&) = delete;
  [[nodiscard]] Result<> finish() {
    pending_ = false;
    return context(engine_.remove(record_, true, true), "remove container {}", record_.name);
  }

 private:
  engine::Engine& engine_;
  engine::ContainerRecord record_;
  bool pending_ = true;
};

// The last line of what ward or the probe wrote to stderr, for an error.
std::string last_line(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  auto newline = text.rfind('\n');
  return newline == std::string::npos ? text : text.substr(newline + 1);
}

using SpecChange = std::function<void(engine::ContainerSpec&)>;

// One container: created, run in the foreground with its output captured,
// removed.
Result<std::vector<ProbeResult>> run_probe(engine::Engine& engine, const Options& options, const std::string& name,
                                           SpecChange change) {
  engine::CreateRequest request;
  request.name = name;
  request.spec.image = options.image;
  request.spec.entrypoint = {"/ward-probe"};
  request.entrypoint_given = true;
  request.spec.binds = {options.probe_program + ":/ward-probe:ro"};
  request.spec.log_driver = "none";
  if (change) change(request.spec);
  auto record = WARD_TRY(engine.create(std::move(request)));
  ContainerRemoval removal(engine, record);
  WARD_TRY(check_interrupted());
  auto capture = WARD_TRY(StdioCapture::install());
  auto status = engine.run_attached(record);
  capture.restore();
  auto err = capture.err();
  std::string why = err ? last_line(*err) : std::string();
  WARD_TRY(check_interrupted());
  if (!status) return std::unexpected(status.error());
  // ward-probe ends with 128+N on a signal the runtime forwarded to it.
  for (int signal : {SIGINT, SIGTERM, SIGHUP})
    if (*status == 128 + signal) g_signal = signal;
  WARD_TRY(check_interrupted());
  if (*status != 0)
    return fail(ErrorKind::failed,
                fmt::format("ward-probe exited with status {}{}{}", *status, why.empty() ? "" : ": ", why));
  auto results = WARD_TRY(parse_probe_output(WARD_TRY(capture.out())));
  WARD_TRY(removal.finish());
  // What ward itself warned about meanwhile.
  if (err && !err->empty()) std::fputs(err->c_str(), stderr);
  return results;
}

// Containers of an earlier selftest whose ward is gone (killed outright).
Result<> remove_leftovers(engine::Engine& engine) {
  for (const auto& record : WARD_TRY(engine.list())) {
    std::string_view name = record.name;
    if (!name.starts_with(kNamePrefix)) continue;
    name.remove_prefix(kNamePrefix.size());
    pid_t pid = static_cast<pid_t>(std::atoi(std::string(name.substr(0, name.find('-'))).c_str()));
    bool alive = pid != ::getpid() && (::kill(pid, 0) == 0 || errno == EPERM);
    if (pid <= 0 || alive) continue;
    WARD_TRY(context(engine.remove(record, true, true), "remove the leftover container {}", record.name));
  }
  return {};
}

std::string kernel_release() {
  struct utsname names {};
  return ::uname(&names) == 0 ? names.release : "";
}

}  // namespace

Result<std::string> find_probe_program() {
  std::string self = WARD_TRY(engine::own_program());
  std::string path = self.substr(0, self.rfind('/') + 1) + "ward-probe";
  if (::access(path.c_str(), X_OK) != 0)
    return fail_errno(errno, fmt::format("{} (ward-probe is installed beside ward)", path));
  return path;
}

int interrupting_signal() {
  return g_signal;
}

Result<Report> run_selftest(engine::Engine& engine, const Options& options) {
  if (options.probe_program.find(':') != std::string::npos)
    return fail(ErrorKind::invalid_input,
                fmt::format("{}: a path with ':' cannot be bound into a container", options.probe_program));
  InterruptNotes notes;
  WARD_TRY(remove_leftovers(engine));
  std::string prefix = fmt::format("{}{}-", kNamePrefix, ::getpid());
  Runs runs;
  runs.defaults.results = WARD_TRY(context(run_probe(engine, options, prefix + "defaults", {}), "ward's defaults"));
  runs.unprotected.results =
      WARD_TRY(context(run_probe(engine, options, prefix + "unprotected", remove_every_protection),
                       "every protection removed ({})", kUnprotectedFlags));
  for (const auto& layer : protection_layers()) {
    auto results = WARD_TRY(context(run_probe(engine, options, fmt::format("{}no-{}", prefix, layer.id), layer.remove),
                                    "without {} ({})", layer.title, layer.removed_by));
    runs.without.push_back({std::string(layer.id), std::move(results)});
  }
  runs.open.results = WARD_TRY(
      context(run_probe(engine, options, prefix + "open", [](engine::ContainerSpec& spec) { remove_layers_but(spec); }),
              "every layer removed"));
  for (const auto& layer : protection_layers()) {
    auto keep = [&](engine::ContainerSpec& spec) { remove_layers_but(spec, layer.id); };
    auto results = WARD_TRY(context(run_probe(engine, options, fmt::format("{}only-{}", prefix, layer.id), keep),
                                    "with only {}", layer.title));
    runs.only.push_back({std::string(layer.id), std::move(results)});
  }
  Report report;
  report.kernel = kernel_release();
  report.probe_program = options.probe_program;
  report.verdicts = attribute(runs);
  return report;
}

}  // namespace ward::audit::selftest
