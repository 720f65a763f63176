#include "engine/health_prober.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ward::engine {

HealthProber::HealthProber(std::vector<std::string> argv, std::vector<std::string> env, const image::Healthcheck& check)
    : argv_(std::move(argv)),
      env_(std::move(env)),
      interval_(check.interval),
      start_interval_(check.start_interval),
      start_period_(check.start_period),
      started_(std::chrono::steady_clock::now()) {}

Result<std::unique_ptr<HealthProber>> HealthProber::start(std::vector<std::string> argv, std::vector<std::string> env,
                                                          const image::Healthcheck& check) {
  std::unique_ptr<HealthProber> prober(new HealthProber(std::move(argv), std::move(env), check));
  try {
    prober->thread_ = std::thread([raw = prober.get()] { raw->loop(); });
  } catch (const std::system_error& error) {
    return fail_errno(error.code().value(), "start the health check's thread");
  }
  return prober;
}

HealthProber::~HealthProber() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HealthProber::loop() {
  // Signals are the main thread's, which forwards them to the container.
  sigset_t all;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, nullptr);
  std::unique_lock lock(mutex_);
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    bool in_start_period = now - started_ < start_period_;
    auto delay = in_start_period && start_interval_.count() > 0 ? start_interval_ : interval_;
    if (wake_.wait_for(lock, delay, [&] { return stopping_; })) return;
    lock.unlock();
    probe_once();
    lock.lock();
    if (stopping_) return;
  }
}

void HealthProber::probe_once() {
  std::vector<char*> argv, envp;
  for (auto& arg : argv_) argv.push_back(arg.data());
  argv.push_back(nullptr);
  for (auto& entry : env_) envp.push_back(entry.data());
  envp.push_back(nullptr);
  // The probe's own output is not the container's: only its record counts.
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0) return;
  pid_t child = ::fork();
  if (child == 0) {
    for (int stdio : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) ::dup2(null, stdio);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(null);
  if (child < 0) return;  // tried again at the next interval
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace ward::engine
