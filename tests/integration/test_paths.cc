#include "test_paths.h"

namespace ward::test {

const char* oci_binary() {
  return WARD_TEST_OCI_BINARY_PATH;
}
const char* checker_binary() {
  return WARD_TEST_CHECKER_BINARY_PATH;
}
const char* front_binary() {
  return WARD_TEST_FRONT_BINARY_PATH;
}
const char* test_data_dir() {
  return WARD_TEST_DATA_DIR_PATH;
}

}  // namespace ward::test
