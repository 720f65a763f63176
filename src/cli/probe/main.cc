// ward-probe: the escape probes (src/probe/escapes.h) as a small static
// program that `ward selftest` binds read-only into the containers it
// makes.  It prints one "escape.NAME=blocked|ESCAPED <how>" line per probe
// and exits 0.  Static, so it runs in any image, whatever its libc.  It
// refuses to run anywhere but as a container's PID 1.
//
// As the container's PID 1 it would ignore the SIGINT or SIGTERM that
// `ward selftest` forwards on Ctrl-C (the kernel does not deliver a
// default-action signal to a namespace's init); a handler makes it end at
// once, with the usual 128+N status.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "probe/escapes.h"

namespace {

void end_on_signal(int signal) {
  ::_exit(128 + signal);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    bool help = std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0;
    std::fputs(
        "usage: ward-probe\n\nTries each way out of a container and prints escape.NAME=blocked|ESCAPED "
        "<how>, one line per probe.\nRun inside a container (ward selftest does); see docs/SELFTEST.md.\n",
        help ? stdout : stderr);
    return help ? 0 : 2;
  }
  // Outside a container some probes would act on the host itself (unmask
  // unmounts the first masked path it finds), so ward-probe runs only as a
  // container's first process, as ward selftest starts it.
  if (::getpid() != 1) {
    std::fputs(
        "ward-probe: refusing to run outside a container: it must be the first process (PID 1) of its "
        "PID namespace, as ward selftest runs it\n",
        stderr);
    return 2;
  }
  struct sigaction action {};
  action.sa_handler = end_on_signal;
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signal, &action, nullptr);
  ward::probe::run_escape_probes();
  return std::fflush(stdout) == 0 ? 0 : 1;
}
