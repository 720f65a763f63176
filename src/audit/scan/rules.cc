// The catalogue of `ward scan`'s rules.  Severities follow dockle's levels
// (FATAL = error, WARN = warning, INFO = info).
#include "audit/scan/rules.h"

#include <algorithm>
#include <string>

namespace ward::audit::scan {

const std::vector<Rule>& scan_rules() {
  static const std::vector<Rule> rules = {
      {std::string(kRootUser), "Create a user for the container", Severity::warning,
       "Add a USER instruction with a non-root user; the container's processes otherwise run as root."},
      {std::string(kNoHealthcheck), "Add HEALTHCHECK instruction to the container image", Severity::info,
       "Add a HEALTHCHECK so the engine can tell a hung service from a running one."},
      {std::string(kUpdateAlone), "Do not use update instructions alone in the Dockerfile", Severity::error,
       "Run 'apt-get update' in the same RUN as 'apt-get install', so a cached update never installs stale "
       "packages."},
      {std::string(kSetuid), "Confirm safety of setuid/setgid files", Severity::info,
       "Remove the setuid and setgid bits of programs the container does not need (chmod u-s,g-s FILE)."},
      {std::string(kAddInHistory), "Use COPY instead of ADD in Dockerfile", Severity::error,
       "Use COPY for local files; ADD also fetches URLs and unpacks archives."},
      {std::string(kSecretInEnv), "Do not store credential in environment variables/files", Severity::error,
       "Pass secrets at run time (a secret mount or a file from a volume), never in ENV or in an image layer."},
      {std::string(kSudo), "Avoid sudo command", Severity::error,
       "Remove sudo from the image; switch users with USER, or gosu/setpriv in an entrypoint."},
      {std::string(kLatestTag), "Avoid latest tag", Severity::warning,
       "Name images with a version tag or a digest, so what runs is what was scanned."},
      {std::string(kSshPort), "Do not expose the SSH port", Severity::warning,
       "Remove EXPOSE 22: use 'ward exec' to get into a container, not an SSH daemon."},
      {std::string(kLeftover), "Only put necessary files", Severity::info,
       "Remove version-control, editor and cache directories from the image (.dockerignore, multi-stage "
       "builds)."},
      {std::string(kWorldWritable), "Avoid world-writable files and directories without the sticky bit",
       Severity::warning, "chmod o-w the file, or set the sticky bit (chmod +t) on a shared directory such as /tmp."},
      {std::string(kDeviceNode), "Avoid device nodes in the image", Severity::warning,
       "Remove device nodes from the image; the runtime makes /dev, and --device adds what a container needs."},
      {std::string(kEmptyPassword), "Avoid empty password", Severity::error,
       "Lock the account (passwd -l NAME) or give it a strong password."},
      {std::string(kDuplicateAccount), "Be unique UID/GROUPs", Severity::error,
       "Give every user and group its own name and id."},
      {std::string(kWeakPasswordHash), "Avoid weak password hash algorithms", Severity::warning,
       "Re-hash with yescrypt or SHA-512 crypt (chpasswd -c YESCRYPT), or lock the account."},
      {std::string(kGuessablePassword), "Avoid guessable passwords", Severity::error,
       "Lock the account (passwd -l NAME) or set a strong password at deploy time, not in the image."},
      {std::string(kUnreadPackageDatabase), "A package database ward cannot read", Severity::info,
       "The packages it lists are missing from the report, the SBOM and the vulnerability match; ward reads "
       "dpkg, apk and rpm's SQLite database (docs/SCAN.md)."},
      {std::string(kSecretNotScanned), "File not fully scanned for secrets", Severity::info,
       "The message says why: larger than the 10 MiB the secret scan reads, unreadable, or holding more than 100 "
       "secrets (or 1000 matches of one rule). Remove or split the file, or check it some other way."},
  };
  return rules;
}

Severity rule_severity(std::string_view id) {
  const auto& rules = scan_rules();
  auto it = std::find_if(rules.begin(), rules.end(), [&](const Rule& r) { return r.id == id; });
  return it != rules.end() ? it->severity : Severity::warning;
}

}  // namespace ward::audit::scan
