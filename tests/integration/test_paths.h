// Where the integration tests find the programs they drive and their data
// files.  The paths are compiled into test_paths.cc alone: every other test
// file's command line is the same in any checkout, so ccache reuses its
// object in a fresh clone (CI's) instead of compiling every test again.
#pragma once

namespace ward::test {

[[nodiscard]] const char* oci_binary();      // build/bin/ward-oci
[[nodiscard]] const char* checker_binary();  // build/bin/ward-checker
[[nodiscard]] const char* front_binary();    // build/bin/ward
[[nodiscard]] const char* test_data_dir();   // tests/data

}  // namespace ward::test

#define WARD_OCI_BINARY (::ward::test::oci_binary())
#define WARD_CHECKER_BINARY (::ward::test::checker_binary())
#define WARD_FRONT_BINARY (::ward::test::front_binary())
#define WARD_TEST_DATA_DIR (::ward::test::test_data_dir())
