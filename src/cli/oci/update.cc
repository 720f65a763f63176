// `update [--resources FILE|-] [runc's limit flags] ID`.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <iterator>

#include "cli/oci/commands.h"
#include "runtime/container.h"
#include "util/byte_size.h"
#include "util/sys.h"

namespace ward::cli {

namespace {

Result<std::int64_t> signed_value(const ParsedArgs& parsed, const std::string& flag) {
  std::string text = parsed.value(flag);
  try {
    size_t used = 0;
    long long value = std::stoll(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
    return value;
  } catch (const std::exception&) {
    return fail(fmt::format("update: --{}: \"{}\" is not a number", flag, text));
  }
}

// A memory flag as runc reads it: a size with an optional unit (100M, 1.5G,
// 512KiB; util/byte_size.h), or -1 for "unlimited".
Result<std::int64_t> size_value(const ParsedArgs& parsed, const std::string& flag) {
  std::string text = parsed.value(flag);
  if (text == "-1") return -1;
  auto bytes = parse_byte_size(text);
  if (!bytes) bytes.error().wrap("update: --" + flag);
  return bytes;
}

}  // namespace

int cmd_update(const GlobalOptions& global, const std::vector<std::string>& args) {
  auto parsed = parse_verb("update", args,
                           {{{"resources", "r"}, true, "path to a linux.resources JSON file, or - for stdin"},
                            {{"blkio-weight"}, true, "block IO weight (10-1000)"},
                            {{"cpu-period"}, true, "CPU CFS period in microseconds"},
                            {{"cpu-quota"}, true, "CPU CFS quota in microseconds"},
                            {{"cpu-share"}, true, "CPU shares (relative weight)"},
                            {{"cpu-rt-period"}, true, "CPU realtime period in microseconds"},
                            {{"cpu-rt-runtime"}, true, "CPU realtime runtime in microseconds"},
                            {{"cpuset-cpus"}, true, "CPUs to use (0-3, 0,1)"},
                            {{"cpuset-mems"}, true, "memory nodes to use"},
                            {{"memory"}, true, "memory limit (bytes, or with a unit: 100M, 1G)"},
                            {{"memory-reservation"}, true, "memory soft limit (bytes, or with a unit)"},
                            {{"memory-swap"}, true, "memory plus swap limit (bytes, or with a unit; -1: unlimited)"},
                            {{"pids-limit"}, true, "maximum number of pids (-1: unlimited)"}},
                           1, 1, "[command options] <container-id>");
  if (!parsed) return 1;
  oci::Resources resources;
  if (parsed->has("resources")) {
    std::string path = parsed->value("resources");
    std::string text;
    if (path == "-") {
      text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
      auto read = sys::read_file(path);
      if (!read) return report_error(read.error().wrap("update: --resources"));
      text = *read;
    }
    auto parsed_resources = oci::parse_resources(text);
    if (!parsed_resources) return report_error(parsed_resources.error().wrap("update: --resources " + path));
    resources = std::move(*parsed_resources);
  }
  auto get = [&](const std::string& flag) -> std::optional<std::int64_t> {
    if (!parsed->has(flag)) return std::nullopt;
    bool size = flag.starts_with("memory");
    auto value = size ? size_value(*parsed, flag) : signed_value(*parsed, flag);
    if (!value) {
      report_error(value.error());
      std::exit(1);
    }
    return *value;
  };
  if (auto v = get("blkio-weight")) {
    if (!resources.block_io) resources.block_io.emplace();
    resources.block_io->weight = static_cast<std::uint16_t>(*v);
  }
  auto cpu = [&]() -> oci::CpuResources& {
    if (!resources.cpu) resources.cpu.emplace();
    return *resources.cpu;
  };
  auto memory = [&]() -> oci::MemoryResources& {
    if (!resources.memory) resources.memory.emplace();
    return *resources.memory;
  };
  if (auto v = get("cpu-period")) cpu().period = static_cast<std::uint64_t>(*v);
  if (auto v = get("cpu-quota")) cpu().quota = *v;
  if (auto v = get("cpu-share")) cpu().shares = static_cast<std::uint64_t>(*v);
  if (auto v = get("cpu-rt-period")) cpu().realtime_period = static_cast<std::uint64_t>(*v);
  if (auto v = get("cpu-rt-runtime")) cpu().realtime_runtime = *v;
  if (parsed->has("cpuset-cpus")) cpu().cpus = parsed->value("cpuset-cpus");
  if (parsed->has("cpuset-mems")) cpu().mems = parsed->value("cpuset-mems");
  if (auto v = get("memory")) memory().limit = *v;
  if (auto v = get("memory-reservation")) memory().reservation = *v;
  if (auto v = get("memory-swap")) memory().swap = *v;
  if (auto v = get("pids-limit")) resources.pids_limit = *v;
  runtime::Runtime runtime(global.root);
  if (auto r = runtime.update(parsed->positional[0], resources); !r) return report_error(r.error());
  return 0;
}

}  // namespace ward::cli
