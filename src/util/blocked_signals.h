// Blocks a set of signals (to read them from a signalfd) for as long as it
// lives, then restores the mask it found, on every return path: the code
// that uses it (the runtime's supervise(), ward attach) runs inside a
// caller's process, whose signal handling it must leave as it was.
#pragma once

#include <pthread.h>
#include <signal.h>

namespace ward {

class BlockedSignals {
 public:
  explicit BlockedSignals(const sigset_t& signals) { ::pthread_sigmask(SIG_BLOCK, &signals, &previous_); }
  ~BlockedSignals() { ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  BlockedSignals(const BlockedSignals&) = delete;
  BlockedSignals& operator=(const BlockedSignals&) = delete;

 private:
  sigset_t previous_;
};

}  // namespace ward
