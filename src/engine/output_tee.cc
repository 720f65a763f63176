#include "engine/output_tee.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <ctime>

#include "util/sys.h"

namespace ward::engine {

Result<std::unique_ptr<OutputTee>> OutputTee::install(const std::string& log_path,
                                                      const monitor::JsonLogOptions& options, bool relay_stdout,
                                                      bool relay_stderr) {
  std::unique_ptr<OutputTee> tee(new OutputTee());
  tee->relay_stdout_ = relay_stdout;
  tee->relay_stderr_ = relay_stderr;
  tee->log_.emplace(WARD_TRY(monitor::JsonLogWriter::open(log_path, options)));
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) < 0) return fail_errno(errno, "pipe");
  tee->out_read_ = UniqueFd(out[0]);
  UniqueFd out_write(out[1]);
  if (::pipe2(err, O_CLOEXEC) < 0) return fail_errno(errno, "pipe");
  tee->err_read_ = UniqueFd(err[0]);
  UniqueFd err_write(err[1]);
  tee->saved_out_ = UniqueFd(::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3));
  tee->saved_err_ = UniqueFd(::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3));
  if (!tee->saved_out_ || !tee->saved_err_) return fail_errno(errno, "dup stdout");
  // From here the container (and ward itself) write into the pipes.
  ::dup2(out_write.get(), STDOUT_FILENO);
  ::dup2(err_write.get(), STDERR_FILENO);
  // The relay takes no signal: the runtime waits for SIGCHLD and the
  // forwarded ones through a signalfd, which sees only the signals that
  // every thread blocks.  The thread inherits this thread's mask.
  sigset_t all, previous;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  tee->thread_ = std::thread([raw = tee.get()] { raw->relay(); });
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return tee;
}

OutputTee::~OutputTee() {
  // Ward's own descriptors back: the pipes end once the container's
  // processes, their last writers, are gone.
  if (saved_out_) ::dup2(saved_out_.get(), STDOUT_FILENO);
  if (saved_err_) ::dup2(saved_err_.get(), STDERR_FILENO);
  if (thread_.joinable()) thread_.join();
}

void OutputTee::relay() {
  struct Stream {
    int from, to;
    const char* name;
  };
  Stream streams[2] = {{out_read_.get(), relay_stdout_ ? saved_out_.get() : -1, "stdout"},
                       {err_read_.get(), relay_stderr_ ? saved_err_.get() : -1, "stderr"}};
  bool log_ok = true;
  for (int open = 2; open > 0;) {
    struct pollfd fds[2] = {{streams[0].from, POLLIN, 0}, {streams[1].from, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0 || streams[i].from < 0) continue;
      char buffer[16384];
      ssize_t n = sys::raw::read_some(streams[i].from, buffer, sizeof(buffer));
      if (n <= 0) {
        streams[i].from = -1;
        --open;
        continue;
      }
      if (streams[i].to >= 0) sys::raw::write_all(streams[i].to, buffer, static_cast<std::size_t>(n));
      struct timespec now {};
      ::clock_gettime(CLOCK_REALTIME, &now);
      if (log_ok)
        log_ok = log_->write(streams[i].name, std::string_view(buffer, static_cast<std::size_t>(n)), now).has_value();
    }
  }
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  if (log_ok) (void)log_->flush(now);
}

}  // namespace ward::engine
