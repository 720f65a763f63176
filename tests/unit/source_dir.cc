#include "source_dir.h"

namespace ward::test {

const char* source_dir() {
  return WARD_TEST_SOURCE_DIR_PATH;
}

}  // namespace ward::test
