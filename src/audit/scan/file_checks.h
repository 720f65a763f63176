// Checks on each file of a root filesystem as the walk meets it: setuid
// and setgid programs (CIS-DI-0008), world-writable files and directories
// without the sticky bit, device nodes, credential files (CIS-DI-0010) and
// version-control, editor and cache leftovers (DKL-LI-0003).
#pragma once

#include <vector>

#include "audit/finding.h"
#include "audit/scan/rootfs.h"

namespace ward::audit::scan {

class FileChecks {
 public:
  void check(const RootfsEntry& entry);
  [[nodiscard]] std::vector<Finding>& findings() { return findings_; }

 private:
  void add(std::string_view rule, const RootfsEntry& entry, std::string message);

  std::vector<Finding> findings_;
};

}  // namespace ward::audit::scan
