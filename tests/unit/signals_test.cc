#include "oci/signals.h"

#include <csignal>

#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace ward::oci {
namespace {

TEST(Signals, NamesWithAndWithoutPrefixAnyCase) {
  for (const char* text : {"KILL", "SIGKILL", "kill", "sigkill", "SigKill", "9"})
    EXPECT_EQ(parse_signal(text), std::optional<int>(SIGKILL)) << text;
  EXPECT_EQ(parse_signal("TERM"), SIGTERM);
  EXPECT_EQ(parse_signal("SIGHUP"), SIGHUP);
  EXPECT_EQ(parse_signal("winch"), SIGWINCH);
  EXPECT_EQ(parse_signal("SIGUSR1"), SIGUSR1);
  EXPECT_EQ(parse_signal("usr2"), SIGUSR2);
}

TEST(Signals, EveryStandardSignal) {
  const std::pair<const char*, int> signals[] = {
      {"HUP", SIGHUP},   {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},   {"TRAP", SIGTRAP},
      {"ABRT", SIGABRT}, {"BUS", SIGBUS},       {"FPE", SIGFPE},     {"KILL", SIGKILL}, {"USR1", SIGUSR1},
      {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},     {"PIPE", SIGPIPE},   {"ALRM", SIGALRM}, {"TERM", SIGTERM},
      {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},   {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},
      {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},     {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
      {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},     {"PWR", SIGPWR},
      {"SYS", SIGSYS},
  };
  for (const auto& [name, number] : signals) {
    EXPECT_EQ(parse_signal(name), std::optional<int>(number)) << name;
    EXPECT_EQ(parse_signal(std::string("SIG") + name), std::optional<int>(number)) << name;
    EXPECT_EQ(signal_name(number), std::string("SIG") + name);
  }
}

TEST(Signals, Aliases) {
  EXPECT_EQ(parse_signal("IOT"), SIGABRT);
  EXPECT_EQ(parse_signal("SIGCLD"), SIGCHLD);
  EXPECT_EQ(parse_signal("POLL"), SIGIO);
  // The canonical name is printed, not the alias.
  EXPECT_EQ(signal_name(SIGABRT), "SIGABRT");
  EXPECT_EQ(signal_name(SIGCHLD), "SIGCHLD");
  EXPECT_EQ(signal_name(SIGIO), "SIGIO");
}

TEST(Signals, Numbers) {
  for (int number = 1; number <= 64; ++number)
    EXPECT_EQ(parse_signal(std::to_string(number)), std::optional<int>(number)) << number;
  EXPECT_EQ(parse_signal("015"), 15);
}

TEST(Signals, RealTime) {
  EXPECT_EQ(parse_signal("SIGRTMIN"), SIGRTMIN);
  EXPECT_EQ(parse_signal("RTMIN"), SIGRTMIN);
  EXPECT_EQ(parse_signal("SIGRTMIN+3"), SIGRTMIN + 3);
  EXPECT_EQ(parse_signal("rtmin+3"), SIGRTMIN + 3);
  EXPECT_EQ(parse_signal("RTMIN+0"), SIGRTMIN);
  EXPECT_EQ(parse_signal("SIGRTMAX"), SIGRTMAX);
  EXPECT_EQ(parse_signal("RTMAX-1"), SIGRTMAX - 1);
  EXPECT_EQ(parse_signal("sigrtmax-2"), SIGRTMAX - 2);
  EXPECT_EQ(parse_signal(fmt::format("RTMIN+{}", SIGRTMAX - SIGRTMIN)), SIGRTMAX);
  EXPECT_EQ(parse_signal(fmt::format("RTMAX-{}", SIGRTMAX - SIGRTMIN)), SIGRTMIN);

  EXPECT_EQ(signal_name(SIGRTMIN), "SIGRTMIN");
  EXPECT_EQ(signal_name(SIGRTMIN + 3), "SIGRTMIN+3");
  EXPECT_EQ(signal_name(SIGRTMAX), "SIGRTMAX");
  EXPECT_EQ(signal_name(SIGRTMAX - 1), "SIGRTMAX-1");
}

TEST(Signals, NamesRoundTrip) {
  for (int number = 1; number <= 64; ++number) {
    std::string name = signal_name(number);
    EXPECT_EQ(parse_signal(name), std::optional<int>(number)) << number << " -> " << name;
  }
}

TEST(Signals, Rejected) {
  for (const char* text : {"", "0", "-1", "-9", "65", "100", "99999", "+9", " 9", "9 ", "9x", "0x9", "SIG", "sig",
                           "SIGFOO", "KILLL", "SIG KILL", "SIGSIGKILL", "RTMIN+", "RTMIN-1", "RTMAX+1", "RTMIN++1",
                           "RTMIN+-1", "RTMIN+99", "RTMAX-99", "RTMIN+1x", "SIGRT", "SIG9", "NULL"}) {
    EXPECT_EQ(parse_signal(text), std::nullopt) << '"' << text << '"';
  }
  EXPECT_EQ(parse_signal(fmt::format("RTMIN+{}", SIGRTMAX - SIGRTMIN + 1)), std::nullopt);
}

}  // namespace
}  // namespace ward::oci
