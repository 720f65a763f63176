#include "image/platform.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <sys/utsname.h>

namespace ward::image {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool same_platform(const Platform& a, const Platform& b) {
  return a.os == b.os && a.architecture == b.architecture && a.variant == b.variant;
}

Platform linux_platform(std::string architecture, std::string variant = {}) {
  Platform platform;
  platform.os = "linux";
  platform.architecture = std::move(architecture);
  platform.variant = std::move(variant);
  return platform;
}

}  // namespace

Platform normalize_platform(Platform platform) {
  platform.os = lower(std::move(platform.os));
  std::string arch = lower(std::move(platform.architecture));
  std::string& variant = platform.variant;
  variant = lower(std::move(variant));
  if (arch == "i386") {
    arch = "386";
    variant.clear();
  } else if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
    arch = "amd64";
    if (variant == "v1") variant.clear();
  } else if (arch == "aarch64" || arch == "arm64") {
    arch = "arm64";
    if (variant == "8" || variant == "v8" || variant == "v8.0") variant.clear();
  } else if (arch == "armhf") {
    arch = "arm";
    variant = "v7";
  } else if (arch == "armel") {
    arch = "arm";
    variant = "v6";
  } else if (arch == "arm") {
    if (variant.empty() || variant == "7") variant = "v7";
    if (variant == "5" || variant == "6" || variant == "8") variant = "v" + variant;
  }
  platform.architecture = std::move(arch);
  return platform;
}

Platform platform_of_machine(std::string_view machine) {
  if (machine == "x86_64") return linux_platform("amd64");
  if (machine == "aarch64" || machine == "arm64") return linux_platform("arm64");
  if (machine == "i386" || machine == "i486" || machine == "i586" || machine == "i686") return linux_platform("386");
  if (machine.starts_with("armv") && machine.size() >= 5) {
    // armv7l, armv6l, armv5tel: the digit is the variant.
    return normalize_platform(linux_platform("arm", fmt::format("v{}", machine[4])));
  }
  return normalize_platform(linux_platform(std::string(machine)));
}

Platform host_platform() {
  utsname name{};
  if (uname(&name) != 0) return linux_platform("amd64");
  return platform_of_machine(name.machine);
}

std::string platform_string(const Platform& platform) {
  if (platform.variant.empty()) return fmt::format("{}/{}", platform.os, platform.architecture);
  return fmt::format("{}/{}/{}", platform.os, platform.architecture, platform.variant);
}

std::vector<Platform> compatible_platforms(const Platform& wanted) {
  Platform own = normalize_platform(wanted);
  std::vector<Platform> platforms{own};
  auto add_arm_from = [&](int version) {
    for (int v = version; v >= 5; --v) {
      Platform older = own;
      older.architecture = "arm";
      older.variant = fmt::format("v{}", v);
      if (!same_platform(older, own)) platforms.push_back(older);
    }
  };
  if (own.architecture == "arm64") {
    add_arm_from(8);
  } else if (own.architecture == "arm" && own.variant.size() == 2 && own.variant[0] == 'v' && own.variant[1] >= '5' &&
             own.variant[1] <= '8') {
    add_arm_from(own.variant[1] - '0');
  } else if (own.architecture == "amd64" && own.variant.size() == 2 && own.variant[0] == 'v' && own.variant[1] >= '2' &&
             own.variant[1] <= '4') {
    for (char v = static_cast<char>(own.variant[1] - 1); v >= '2'; --v) {
      Platform older = own;
      older.variant = fmt::format("v{}", v);
      platforms.push_back(older);
    }
    Platform baseline = own;
    baseline.variant.clear();
    platforms.push_back(baseline);
  }
  return platforms;
}

Result<Descriptor> select_manifest(const Index& index, const Platform& wanted) {
  for (const Platform& candidate : compatible_platforms(wanted)) {
    for (const Descriptor& manifest : index.manifests) {
      if (manifest.platform && same_platform(normalize_platform(*manifest.platform), candidate)) return manifest;
    }
  }
  std::string offered;
  for (const Descriptor& manifest : index.manifests) {
    if (!manifest.platform) continue;
    offered +=
        fmt::format("{}{}", offered.empty() ? "" : ", ", platform_string(normalize_platform(*manifest.platform)));
  }
  return fail(ErrorKind::not_found,
              fmt::format("no manifest for {} in the image index (it has: {})",
                          platform_string(normalize_platform(wanted)), offered.empty() ? "none" : offered));
}

Result<Platform> parse_platform(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto slash = text.find('/', start);
    parts.emplace_back(text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  bool empty_part = false;
  for (const auto& part : parts) empty_part = empty_part || part.empty();
  if (parts.size() < 2 || parts.size() > 3 || empty_part)
    return fail(ErrorKind::invalid_input, fmt::format("platform \"{}\": not OS/ARCH[/VARIANT]", text));
  Platform platform;
  platform.os = parts[0];
  platform.architecture = parts[1];
  if (parts.size() == 3) platform.variant = parts[2];
  return normalize_platform(std::move(platform));
}

}  // namespace ward::image
