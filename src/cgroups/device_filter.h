// The device controller as cgroup v2 has it: an eBPF program of type
// BPF_PROG_TYPE_CGROUP_DEVICE that the kernel runs on every mknod and every
// open of a device node.  The ordered OCI rules are first folded the way the
// v1 devices controller folds writes to devices.allow and devices.deny
// (a default plus exceptions), so both controllers enforce the same policy
// on a hybrid host; the result is then compiled to instructions.
// Pure: unit-tested in tests/unit/device_filter_test.cc.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "oci/config.h"
#include "util/error.h"

namespace ward::cgroups {

// BPF_DEVCG_ACC_* bits.
enum DeviceAccess : unsigned {
  device_mknod = BPF_DEVCG_ACC_MKNOD,
  device_read = BPF_DEVCG_ACC_READ,
  device_write = BPF_DEVCG_ACC_WRITE,
  device_all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE,
};

// What the v1 devices controller holds after a sequence of writes: every
// device gets `default_allow` except those an exception matches, which get
// the opposite.  As in the kernel, an allow exception must grant all the
// access asked for, and a deny exception refuses as soon as one bit of the
// access asked for is in it.
struct DevicePolicy {
  struct Exception {
    char type = 'c';                       // 'c' or 'b': a rule of type 'a' resets the policy instead
    std::optional<std::uint32_t> major;    // nullopt: any
    std::optional<std::uint32_t> minor;    // nullopt: any
    unsigned access = 0;                   // DeviceAccess bits, never 0
    bool operator==(const Exception&) const = default;
  };
  bool default_allow = true;  // a cgroup nobody wrote to allows everything
  std::vector<Exception> exceptions;
};

// Folds linux.resources.devices, then `extra` (the devices every container
// gets and the config's linux.devices).  A rule of type "a" resets the
// policy to allow or deny everything, whatever its numbers say, exactly as
// the v1 controller treats it.  Like runc, a config rule that the v1
// controller would silently ignore -- taking part of the access of a
// device out of a wildcard exception ("allow c *:* rwm" then "deny c 1:3
// w") -- is an error naming the rule instead of a false sense of security.
[[nodiscard]] Result<DevicePolicy> fold_device_rules(const std::vector<oci::DeviceRule>& config_rules,
                                                     const std::vector<oci::DeviceRule>& extra);

// The program: reads the device's type, access, major and minor from the
// context, tests each exception in turn (a wildcard emits no compare),
// returns the exception's verdict on the first match and the default after
// the last.  1 allows, 0 refuses with EPERM.
[[nodiscard]] std::vector<bpf_insn> compile_device_filter(const DevicePolicy& policy);

}  // namespace ward::cgroups
