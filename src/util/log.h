// The runtime's log, as runc writes it: `--log FILE` with `--log-format
// text` (logfmt: time="..." level=error msg="...") or `json`
// ({"level":"error","msg":"...","time":"..."}), which containerd's shim and
// conmon read back to report a runtime's errors.  Without --log, warnings and
// errors go to stderr only.
#pragma once

#include <string>
#include <string_view>

#include "util/fd.h"

namespace ward::log {

enum class Level { debug, info, warning, error };
enum class Format { text, json };

struct Settings {
  std::string file;  // empty: no log file
  Format format = Format::text;
  bool debug = false;
};

// Opens the log file (append).  Returns false and sets `problem` if it cannot.
bool configure(const Settings& settings, std::string& problem);

void write(Level level, std::string_view message);
inline void debug(std::string_view message) { write(Level::debug, message); }
inline void warning(std::string_view message) { write(Level::warning, message); }
inline void error(std::string_view message) { write(Level::error, message); }

// With --debug, a debug line "+N.NNN ms: WHAT", the time since configure()
// (the front end's start): the launch path's steps, timed, so a profile of
// `ward-oci --debug run` shows where a container's start goes.  Without
// --debug it costs one branch.
bool debug_enabled();
void timing(std::string_view what);

// Escapes a string for a JSON string literal (without the quotes).
std::string json_escape(std::string_view text);

}  // namespace ward::log
