// ward-bench-lifecycle: times OCI runtimes on the same bundle.
//
//   ward-bench-lifecycle BUNDLE RUNS REPS NAME=PATH [NAME=PATH...]
//
// For every repetition, each runtime in turn (interleaved, so drift in the
// machine's state hits all alike) runs the bundle RUNS times in sequence
// with `run`, then RUNS/4 times through `create`, `start`, `delete --force`.
// Prints the median wall time per container and the peak RSS of the runtime
// process (wait4's ru_maxrss, the figure `/usr/bin/time -v` reports).
// The name `floor` is not a runtime: PATH is unshare(1), run as
// `unshare --fork --pid --mount --uts --ipc --net /bin/true`, the least any
// runtime must do for those namespaces (no rootfs, cgroup or security).
// The runtimes' stderr goes to $WARD_BENCH_STDERR (default /dev/null).
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern char** environ;

namespace {

struct Sample {
  double ms = 0;
  long max_rss_kb = 0;
  int status = 0;
};

Sample spawn_and_time(const std::vector<std::string>& argv, const std::string& cwd) {
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  const char* err = std::getenv("WARD_BENCH_STDERR");
  posix_spawn_file_actions_addopen(&actions, 2, err ? err : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  auto start = std::chrono::steady_clock::now();
  pid_t pid = -1;
  Sample sample;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
    sample.status = -1;
    return sample;
  }
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0) {
  }
  sample.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  sample.max_rss_kb = usage.ru_maxrss;
  sample.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  posix_spawn_file_actions_destroy(&actions);
  return sample;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

struct Runtime {
  std::string name, path, root;
  std::vector<double> run_ms, cycle_ms;
  long peak_rss_kb = 0;
  int failures = 0;
};

bool is_floor(const Runtime& runtime) {
  return runtime.name == "floor";
}

void measure_run(Runtime& runtime, const std::string& bundle, int runs, int rep) {
  for (int i = 0; i < runs; ++i) {
    std::string id = "bench-" + std::to_string(rep) + "-" + std::to_string(i);
    if (is_floor(runtime)) {
      Sample sample =
          spawn_and_time({runtime.path, "--fork", "--pid", "--mount", "--uts", "--ipc", "--net", "/bin/true"}, bundle);
      if (sample.status != 0) {
        ++runtime.failures;
        continue;
      }
      runtime.run_ms.push_back(sample.ms);
      runtime.peak_rss_kb = std::max(runtime.peak_rss_kb, sample.max_rss_kb);
      continue;
    }
    Sample sample = spawn_and_time({runtime.path, "--root", runtime.root, "run", id}, bundle);
    if (sample.status != 0) {
      ++runtime.failures;
      spawn_and_time({runtime.path, "--root", runtime.root, "delete", "--force", id}, bundle);
      continue;
    }
    runtime.run_ms.push_back(sample.ms);
    runtime.peak_rss_kb = std::max(runtime.peak_rss_kb, sample.max_rss_kb);
  }
}

void measure_cycle(Runtime& runtime, const std::string& bundle, int runs, int rep) {
  for (int i = 0; i < runs; ++i) {
    std::string id = "cycle-" + std::to_string(rep) + "-" + std::to_string(i);
    double total = 0;
    bool ok = true;
    for (const char* verb : {"create", "start", "delete"}) {
      std::vector<std::string> argv = {runtime.path, "--root", runtime.root, verb};
      if (std::string(verb) == "delete") argv.push_back("--force");
      argv.push_back(id);
      Sample sample = spawn_and_time(argv, bundle);
      ok = ok && sample.status == 0;
      total += sample.ms;
      runtime.peak_rss_kb = std::max(runtime.peak_rss_kb, sample.max_rss_kb);
    }
    if (ok) {
      runtime.cycle_ms.push_back(total);
    } else {
      ++runtime.failures;
      spawn_and_time({runtime.path, "--root", runtime.root, "delete", "--force", id}, bundle);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: ward-bench-lifecycle BUNDLE RUNS REPS NAME=PATH...\n");
    return 2;
  }
  std::string bundle = argv[1];
  int runs = std::atoi(argv[2]), reps = std::atoi(argv[3]);
  std::vector<Runtime> runtimes;
  for (int i = 4; i < argc; ++i) {
    std::string spec = argv[i];
    auto eq = spec.find('=');
    if (eq == std::string::npos) return 2;
    Runtime runtime;
    runtime.name = spec.substr(0, eq);
    runtime.path = spec.substr(eq + 1);
    runtime.root = "/run/ward-bench/" + runtime.name;
    runtimes.push_back(runtime);
  }
  for (int rep = 0; rep < reps; ++rep) {
    for (auto& runtime : runtimes) {
      measure_run(runtime, bundle, runs, rep);
      if (!is_floor(runtime)) measure_cycle(runtime, bundle, std::max(1, runs / 4), rep);
      if (isatty(2)) std::fprintf(stderr, "\rrepetition %d/%d: %s done   ", rep + 1, reps, runtime.name.c_str());
    }
  }
  if (isatty(2)) std::fprintf(stderr, "\n");
  double base = runtimes.empty() ? 0 : median(runtimes.front().run_ms);
  std::printf(
      "| runtime | run /bin/true, median ms | vs %s | create+start+delete, median ms | peak RSS MB | failures |\n",
      runtimes.front().name.c_str());
  std::printf("|---|---|---|---|---|---|\n");
  for (const auto& runtime : runtimes) {
    double run = median(runtime.run_ms);
    char cycle[32] = "-";  // the floor has no create/start/delete
    if (!runtime.cycle_ms.empty()) std::snprintf(cycle, sizeof(cycle), "%.2f", median(runtime.cycle_ms));
    std::printf("| %s | %.2f | %.2fx | %s | %.1f | %d |\n", runtime.name.c_str(), run, base > 0 ? run / base : 0, cycle,
                static_cast<double>(runtime.peak_rss_kb) / 1024.0, runtime.failures);
  }
  return 0;
}
