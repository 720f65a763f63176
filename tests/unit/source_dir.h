// The source tree, for unit tests that read its files.  The path is
// compiled into source_dir.cc alone, so every other unit test's command
// line is the same in any checkout and ccache reuses its object in a fresh
// clone (see tests/integration/test_paths.h).
#pragma once

namespace ward::test {

[[nodiscard]] const char* source_dir();

}  // namespace ward::test

#define WARD_SOURCE_DIR (::ward::test::source_dir())
