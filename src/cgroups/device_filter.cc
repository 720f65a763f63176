#include "cgroups/device_filter.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

namespace ward::cgroups {

namespace {

using Exception = DevicePolicy::Exception;

std::string number_text(const std::optional<std::uint32_t>& n) { return n ? std::to_string(*n) : "*"; }

std::string access_text(unsigned access) {
  std::string text;
  if (access & device_read) text += 'r';
  if (access & device_write) text += 'w';
  if (access & device_mknod) text += 'm';
  return text;
}

std::string exception_text(const Exception& e) {
  return fmt::format("{} {}:{} {}", e.type, number_text(e.major), number_text(e.minor), access_text(e.access));
}

bool same_device(const Exception& a, const Exception& b) {
  return a.type == b.type && a.major == b.major && a.minor == b.minor;
}

Result<std::optional<std::uint32_t>> device_number(const std::optional<std::int64_t>& n, const std::string& field) {
  if (!n || *n == -1) return std::optional<std::uint32_t>{};
  if (*n < 0 || *n > std::numeric_limits<std::uint32_t>::max())
    return fail(fmt::format("{}: {} is not a device number", field, *n));
  return std::optional<std::uint32_t>{static_cast<std::uint32_t>(*n)};
}

Result<Exception> to_exception(const oci::DeviceRule& rule, const std::string& field) {
  Exception e;
  e.type = rule.type;
  auto major = WARD_TRY(device_number(rule.major, field + ".major"));
  auto minor = WARD_TRY(device_number(rule.minor, field + ".minor"));
  e.major = major;
  e.minor = minor;
  for (char c : rule.access.empty() ? std::string("rwm") : rule.access) {
    if (c == 'r') e.access |= device_read;
    else if (c == 'w') e.access |= device_write;
    else if (c == 'm') e.access |= device_mknod;
    else return fail(fmt::format("{}.access: \"{}\" is not a combination of r, w and m", field, rule.access));
  }
  return e;
}

// Grants an exception's access (merged into one for the same device, as the
// kernel's list does).
void add(DevicePolicy& policy, const Exception& e) {
  for (auto& existing : policy.exceptions)
    if (same_device(existing, e)) {
      existing.access |= e.access;
      return;
    }
  policy.exceptions.push_back(e);
}

// Takes access out of the exception for exactly this device; the v1
// controller ignores wildcard exceptions that merely cover it.  `strict`
// turns that silent no-op into an error.
Result<> remove(DevicePolicy& policy, const Exception& e, const std::string& field, bool strict) {
  if (strict) {
    for (auto wider : {Exception{e.type, std::nullopt, e.minor, 0}, Exception{e.type, e.major, std::nullopt, 0},
                       Exception{e.type, std::nullopt, std::nullopt, 0}}) {
      if (same_device(wider, e)) continue;
      for (const auto& existing : policy.exceptions)
        if (same_device(existing, wider) && (existing.access & e.access) != 0)
          return fail(fmt::format("{}: \"{}\" cannot take access out of the wider rule \"{}\" (the devices "
                                  "controller matches rules whole; change or drop the wider rule instead)",
                                  field, exception_text(e), exception_text(existing)));
    }
  }
  auto& list = policy.exceptions;
  for (auto it = list.begin(); it != list.end(); ++it)
    if (same_device(*it, e)) {
      it->access &= ~e.access;
      if (it->access == 0) list.erase(it);
      break;
    }
  return {};
}

Result<> apply(DevicePolicy& policy, const oci::DeviceRule& rule, const std::string& field, bool strict) {
  if (rule.type == 'a') {
    // "a" on either file resets the controller, whatever else the rule says.
    policy = DevicePolicy{rule.allow, {}};
    return {};
  }
  if (rule.type != 'c' && rule.type != 'b')
    return fail(fmt::format("{}.type: unknown device type \"{}\" (expected a, c or b)", field, rule.type));
  auto e = WARD_TRY(to_exception(rule, field));
  if (rule.allow != policy.default_allow) {
    add(policy, e);
    return {};
  }
  return remove(policy, e, field, strict);
}

// --- instruction encoding ---

constexpr std::uint8_t r0 = BPF_REG_0, r1 = BPF_REG_1, r2 = BPF_REG_2, r3 = BPF_REG_3, r4 = BPF_REG_4,
                       r5 = BPF_REG_5;

bpf_insn instruction(std::uint8_t code, std::uint8_t dst, std::uint8_t src, std::int16_t off, std::int32_t imm) {
  bpf_insn insn{};
  insn.code = code;
  insn.dst_reg = dst & 0xf;
  insn.src_reg = src & 0xf;
  insn.off = off;
  insn.imm = imm;
  return insn;
}

// dst = *(u32 *)(src + off)
bpf_insn load_word(std::uint8_t dst, std::uint8_t src, std::int16_t off) {
  return instruction(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0);
}
// 32-bit dst op= imm
bpf_insn alu_imm(std::uint8_t op, std::uint8_t dst, std::int32_t imm) {
  return instruction(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}
// 32-bit dst = src
bpf_insn move_reg(std::uint8_t dst, std::uint8_t src) { return instruction(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0); }
// if (u32 dst op imm) skip `off` instructions
bpf_insn jump_imm(std::uint8_t op, std::uint8_t dst, std::uint32_t imm, std::int16_t off) {
  return instruction(BPF_JMP32 | op | BPF_K, dst, 0, off, static_cast<std::int32_t>(imm));
}
bpf_insn exit_insn() { return instruction(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

// One exception's test.  Every "does not match" jump targets the first
// instruction after the block, so the block is built with placeholder
// offsets and patched once its length is known.
void emit_exception(std::vector<bpf_insn>& program, const Exception& e, bool default_allow) {
  std::vector<size_t> misses;  // indexes of jumps to the next block
  auto miss = [&](bpf_insn insn) {
    misses.push_back(program.size());
    program.push_back(insn);
  };
  miss(jump_imm(BPF_JNE, r2, e.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0));
  if (e.access != device_all) {
    if (!default_allow) {
      // An allow exception must cover every bit asked for.
      miss(jump_imm(BPF_JSET, r3, device_all & ~e.access, 0));
    } else {
      // A deny exception applies when any bit asked for is in it.
      program.push_back(move_reg(r1, r3));
      program.push_back(alu_imm(BPF_AND, r1, static_cast<std::int32_t>(e.access)));
      miss(jump_imm(BPF_JEQ, r1, 0, 0));
    }
  }
  if (e.major) miss(jump_imm(BPF_JNE, r4, *e.major, 0));
  if (e.minor) miss(jump_imm(BPF_JNE, r5, *e.minor, 0));
  program.push_back(alu_imm(BPF_MOV, r0, default_allow ? 0 : 1));
  program.push_back(exit_insn());
  size_t next = program.size();
  for (size_t i : misses) program[i].off = static_cast<std::int16_t>(next - i - 1);
}

}  // namespace

Result<DevicePolicy> fold_device_rules(const std::vector<oci::DeviceRule>& config_rules,
                                       const std::vector<oci::DeviceRule>& extra) {
  // ward's v1 path writes "a" to devices.deny before any rule: start there.
  DevicePolicy policy{false, {}};
  for (size_t i = 0; i < config_rules.size(); ++i)
    WARD_TRY(apply(policy, config_rules[i], fmt::format("linux.resources.devices[{}]", i), true));
  // ward's own additions behave exactly as the v1 controller would treat them.
  for (const auto& rule : extra) WARD_TRY(apply(policy, rule, "linux.devices", false));
  return policy;
}

std::vector<bpf_insn> compile_device_filter(const DevicePolicy& policy) {
  std::vector<bpf_insn> program = {
      // struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
      load_word(r2, r1, 0),              // r2 = access_type
      move_reg(r3, r2),                  // r3 = access_type
      alu_imm(BPF_AND, r2, 0xffff),      // r2 = device type (BPF_DEVCG_DEV_*)
      alu_imm(BPF_RSH, r3, 16),          // r3 = access asked for (BPF_DEVCG_ACC_*)
      load_word(r4, r1, 4),              // r4 = major
      load_word(r5, r1, 8),              // r5 = minor
  };
  for (const auto& e : policy.exceptions) emit_exception(program, e, policy.default_allow);
  program.push_back(alu_imm(BPF_MOV, r0, policy.default_allow ? 1 : 0));
  program.push_back(exit_insn());
  return program;
}

}  // namespace ward::cgroups
