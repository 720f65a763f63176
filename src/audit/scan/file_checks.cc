// FileChecks: what one lstat and one path say about a file.
#include "audit/scan/file_checks.h"

#include <sys/sysmacros.h>

#include <algorithm>
#include <array>
#include <string_view>

#include <fmt/format.h>

#include "audit/scan/rules.h"

namespace ward::audit::scan {

namespace {

// Directories that belong in a source tree or a home, not in an image.
constexpr std::array<std::string_view, 10> kLeftoverDirectories = {".git",    ".svn",  ".hg",  ".npm",    ".cache",
                                                                   ".vscode", ".idea", ".aws", ".docker", ".ssh"};
constexpr std::array<std::string_view, 3> kLeftoverFiles = {"Dockerfile", "docker-compose.yml", ".vimrc"};
// Dependency trees the image's author does not control.
constexpr std::array<std::string_view, 2> kVendored = {"/node_modules/", "/vendor/"};

// File names that hold credentials.
constexpr std::array<std::string_view, 19> kCredentialNames = {
    "credentials.json", "credential.json",  "credentials", "credential",   "password.txt",
    "id_rsa",           "id_dsa",           "id_ecdsa",    "id_ed25519",   "secret_token.rb",
    "carrierwave.rb",   "omniauth.rb",      "settings.py", "database.yml", "credentials.xml",
    ".netrc",           ".git-credentials", ".pgpass",     ".htpasswd"};
constexpr std::array<std::string_view, 16> kCredentialExtensions = {
    ".secret", ".ovpn", ".private_key", ".cscfg",  ".rdp",           ".mdf",      ".sdf",  ".bek",
    ".tpm",    ".fve",  ".jks",         ".psafe3", ".agilekeychain", ".keychain", ".pcap", ".gnucache"};

template <std::size_t N>
bool among(const std::array<std::string_view, N>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

bool vendored(std::string_view path) {
  return std::any_of(kVendored.begin(), kVendored.end(),
                     [&](std::string_view dir) { return path.find(dir) != std::string_view::npos; });
}

std::string mode_text(mode_t mode) {
  return fmt::format("{:04o}", mode & 07777);
}

}  // namespace

void FileChecks::add(std::string_view rule, const RootfsEntry& entry, std::string message) {
  findings_.push_back(Finding{std::string(rule), rule_severity(rule), Location{entry.path, 0, 1}, std::move(message)});
}

void FileChecks::check(const RootfsEntry& entry) {
  const mode_t mode = entry.st.st_mode;
  std::string_view name = entry.name;
  if (S_ISREG(mode) && (mode & (S_ISUID | S_ISGID)) != 0) {
    std::string_view bits = (mode & S_ISUID) != 0 ? ((mode & S_ISGID) != 0 ? "setuid and setgid" : "setuid") : "setgid";
    add(kSetuid, entry,
        fmt::format("{} {} file (owner {}:{}, mode {})", entry.path, bits, entry.st.st_uid, entry.st.st_gid,
                    mode_text(mode)));
  }
  if (!S_ISLNK(mode) && (mode & S_IWOTH) != 0 && !(S_ISDIR(mode) && (mode & S_ISVTX) != 0))
    add(kWorldWritable, entry,
        fmt::format("{} is world-writable{} (mode {})", entry.path, S_ISDIR(mode) ? " without the sticky bit" : "",
                    mode_text(mode)));
  if (S_ISCHR(mode) || S_ISBLK(mode))
    add(kDeviceNode, entry,
        fmt::format("{} is a {} device {}:{}", entry.path, S_ISCHR(mode) ? "character" : "block",
                    major(entry.st.st_rdev), minor(entry.st.st_rdev)));
  if (vendored(entry.path)) return;
  if (S_ISDIR(mode) && among(kLeftoverDirectories, name))
    add(kLeftover, entry, fmt::format("suspicious directory {}", entry.path));
  if (S_ISREG(mode) && among(kLeftoverFiles, name))
    add(kLeftover, entry, fmt::format("unnecessary file {}", entry.path));
  if (!S_ISREG(mode)) return;
  std::string_view extension = name.rfind('.') != std::string_view::npos && name.rfind('.') > 0
                                   ? name.substr(name.rfind('.'))
                                   : std::string_view();
  bool ssh_key = entry.path.find("/.ssh/id_") != std::string::npos && !name.ends_with(".pub");
  bool aws = entry.path.ends_with("/.aws/credentials");
  bool docker = entry.path.ends_with("/.docker/config.json");
  if (among(kCredentialNames, name) || among(kCredentialExtensions, extension) || ssh_key || aws || docker)
    add(kCredentialFile, entry, fmt::format("suspicious credential file {}", entry.path));
}

}  // namespace ward::audit::scan
