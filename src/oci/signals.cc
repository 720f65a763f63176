#include "oci/signals.h"

#include <csignal>

#include <algorithm>
#include <array>
#include <charconv>
#include <string>

#include <fmt/format.h>

namespace ward::oci {

namespace {

struct SignalEntry {
  std::string_view name;  // without the SIG prefix
  int number;
};

// The standard signals by their <signal.h> numbers, which differ between
// architectures.  The first entry for a number is its canonical name; the
// later ones (IOT, CLD, POLL) are aliases that are only parsed.
constexpr std::array kSignals = {
    SignalEntry{"HUP", SIGHUP},   SignalEntry{"INT", SIGINT},       SignalEntry{"QUIT", SIGQUIT},
    SignalEntry{"ILL", SIGILL},   SignalEntry{"TRAP", SIGTRAP},     SignalEntry{"ABRT", SIGABRT},
    SignalEntry{"BUS", SIGBUS},   SignalEntry{"FPE", SIGFPE},       SignalEntry{"KILL", SIGKILL},
    SignalEntry{"USR1", SIGUSR1}, SignalEntry{"SEGV", SIGSEGV},     SignalEntry{"USR2", SIGUSR2},
    SignalEntry{"PIPE", SIGPIPE}, SignalEntry{"ALRM", SIGALRM},     SignalEntry{"TERM", SIGTERM},
#ifdef SIGSTKFLT
    SignalEntry{"STKFLT", SIGSTKFLT},
#endif
    SignalEntry{"CHLD", SIGCHLD}, SignalEntry{"CONT", SIGCONT},     SignalEntry{"STOP", SIGSTOP},
    SignalEntry{"TSTP", SIGTSTP}, SignalEntry{"TTIN", SIGTTIN},     SignalEntry{"TTOU", SIGTTOU},
    SignalEntry{"URG", SIGURG},   SignalEntry{"XCPU", SIGXCPU},     SignalEntry{"XFSZ", SIGXFSZ},
    SignalEntry{"VTALRM", SIGVTALRM}, SignalEntry{"PROF", SIGPROF}, SignalEntry{"WINCH", SIGWINCH},
    SignalEntry{"IO", SIGIO},     SignalEntry{"PWR", SIGPWR},       SignalEntry{"SYS", SIGSYS},
    SignalEntry{"IOT", SIGIOT},   SignalEntry{"CLD", SIGCHLD},      SignalEntry{"POLL", SIGPOLL},
};

// The highest signal number Linux has (_NSIG - 1 on every architecture but MIPS).
constexpr int kHighestSignal = 64;

std::string to_upper(std::string_view text) {
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c); });
  return upper;
}

// A whole string of decimal digits, nothing else (no sign, no spaces).
std::optional<int> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (text.front() < '0' || text.front() > '9') return std::nullopt;
  return value;
}

bool is_valid_number(int signal) { return signal >= 1 && signal <= std::min(kHighestSignal, SIGRTMAX); }

// "RTMIN", "RTMIN+3", "RTMAX", "RTMAX-2" (already upper-case, no SIG).
// SIGRTMIN is the C library's (34 with glibc), as kill(1), systemd and
// Docker's signal table use: the library reserves the first kernel ones.
std::optional<int> parse_realtime(std::string_view name) {
  int base = 0, sign = 0;
  if (name.starts_with("RTMIN")) {
    base = SIGRTMIN;
    sign = +1;
  } else if (name.starts_with("RTMAX")) {
    base = SIGRTMAX;
    sign = -1;
  } else {
    return std::nullopt;
  }
  name.remove_prefix(5);
  if (name.empty()) return base;
  char expected_sign = sign > 0 ? '+' : '-';
  if (name.front() != expected_sign) return std::nullopt;
  auto offset = parse_decimal(name.substr(1));
  if (!offset) return std::nullopt;
  int signal = base + sign * *offset;
  if (signal < SIGRTMIN || signal > SIGRTMAX) return std::nullopt;
  return signal;
}

}  // namespace

std::optional<int> parse_signal(std::string_view text) {
  if (auto number = parse_decimal(text)) {
    if (!is_valid_number(*number)) return std::nullopt;
    return number;
  }
  std::string name = to_upper(text);
  std::string_view bare = name;
  if (bare.starts_with("SIG")) bare.remove_prefix(3);
  if (bare.empty()) return std::nullopt;
  for (const auto& entry : kSignals)
    if (entry.name == bare) return entry.number;
  return parse_realtime(bare);
}

std::string signal_name(int signal) {
  for (const auto& entry : kSignals)
    if (entry.number == signal) return fmt::format("SIG{}", entry.name);
  if (signal >= SIGRTMIN && signal <= SIGRTMAX) {
    // Named from the nearer end, as kill -l does: SIGRTMIN+15, SIGRTMAX-14.
    int from_min = signal - SIGRTMIN;
    int from_max = SIGRTMAX - signal;
    if (from_min == 0) return "SIGRTMIN";
    if (from_max == 0) return "SIGRTMAX";
    if (from_min <= (SIGRTMAX - SIGRTMIN) / 2) return fmt::format("SIGRTMIN+{}", from_min);
    return fmt::format("SIGRTMAX-{}", from_max);
  }
  // The kernel's real-time signals the C library keeps for itself (32, 33)
  // have no name; the number parses back.
  return std::to_string(signal);
}

}  // namespace ward::oci
