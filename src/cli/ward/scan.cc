// ward scan [OPTIONS] IMAGE|ARCHIVE|DIR: files, secrets, accounts, image
// configuration, packages and vulnerabilities (docs/SCAN.md).
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "audit/output.h"
#include "audit/scan/archive_target.h"
#include "audit/scan/sbom.h"
#include "audit/scan/scan.h"
#include "cli/core/args.h"
#include "cli/core/terminal_progress.h"
#include "cli/core/version.h"
#include "cli/ward/commands.h"

namespace ward::cli::engine {

namespace {

constexpr const char* kUsage =
    "usage: ward scan [OPTIONS] IMAGE|ARCHIVE|DIR\n\n"
    "Scans an image in ward's store, an image archive (OCI layout, OCI archive or docker save archive,\n"
    "read without loading it), or a root filesystem directory, for setuid files, world-writable\n"
    "files, device nodes, credential files and leftovers, secrets in files and in the image's\n"
    "configuration (keys, tokens, passwords), weak or empty passwords, duplicate accounts,\n"
    "risky image settings (dockle's CIS-DI/DKL checkpoints) and installed packages (dpkg, apk, rpm); with\n"
    "--vuln-db, their known vulnerabilities; with --sbom, the packages as a CycloneDX or SPDX document\n"
    "instead of the findings.  Exit status 1 when a finding is at or above --fail-on,\n"
    "2 on a usage error.\n\n"
    "Options:\n";

const std::vector<FlagSpec> kFlags = {
    {{"format", "f"}, true, "table (default), json, sarif, checkstyle or gitlab"},
    {{"fail-on"}, true, "exit 1 at this severity or above: error, warning, info, style, none (default none)"},
    {{"ignore"}, true, "a rule ID (or vulnerability ID) to leave out (repeatable)"},
    {{"vuln-db"}, true, "a directory of OSV records to match the installed packages against"},
    {{"secret-config"},
     true,
     "a secret rules file (Trivy's trivy-secret.yaml shape): rules to add, built-in rules to disable, allow rules"},
    {{"sbom"}, true, "print a bill of materials instead of the findings: cyclonedx (1.5) or spdx (2.3), JSON"},
    {{"no-cache"}, false, "read every layer of an image; neither use nor keep its layers' cached results"},
    {{"debug"}, false, "print on standard error where each layer's results came from (the cache, or read)"},
    {{"no-color"}, false, "no colour, even on a terminal"},
    {{"quiet", "q"}, false, "no progress output while an archive is read"},
    {{"help", "h"}, false, "show help"},
};

// A directory is scanned as it is, unless it is an OCI image layout; a
// file is an image archive, scanned from a private store that `archive`
// keeps until the scan ends; anything else names an image in the store.
Result<audit::scan::ScanTarget> target_of(const WardOptions& options, const std::string& text, Progress* progress,
                                          std::optional<audit::scan::ArchiveTarget>& archive) {
  struct stat st;
  if (::stat(text.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode) && !audit::scan::is_oci_layout_directory(text)) return audit::scan::directory_target(text);
    auto store = WARD_TRY(open_store(options));
    archive.emplace(WARD_TRY(audit::scan::ArchiveTarget::open(store, text, progress)));
    return archive->target();
  }
  auto store = WARD_TRY(open_store(options));
  auto target = audit::scan::image_target(store, text);
  if (!target && target.error().is(ErrorKind::not_found))
    return fail(ErrorKind::not_found, fmt::format("no such image, archive or directory: {}", text));
  return target;
}

}  // namespace

int cmd_scan(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("scan", parsed.error(), kExitUsage);
  if (parsed->flag("help")) {
    std::fputs((kUsage + flags_help(kFlags)).c_str(), stdout);
    return 0;
  }
  if (parsed->positional.size() != 1)
    return kReporter.fail("scan", "expected one IMAGE, ARCHIVE or DIR (see 'ward scan --help')", kExitUsage);
  std::optional<audit::scan::SbomFormat> sbom;
  if (parsed->has("sbom")) {
    auto parsed_sbom = audit::scan::parse_sbom_format(parsed->value("sbom"));
    if (!parsed_sbom) return kReporter.fail("scan", fmt::format("--sbom: {}", parsed_sbom.error().what()), kExitUsage);
    sbom = *parsed_sbom;
  }
  auto format = audit::parse_format(parsed->value("format", "table"));
  if (!format) return kReporter.fail("scan", fmt::format("--format: {}", format.error().what()), kExitUsage);
  audit::Threshold threshold;
  if (parsed->has("fail-on")) {
    auto parsed_threshold = audit::parse_threshold(parsed->value("fail-on"));
    if (!parsed_threshold)
      return kReporter.fail("scan", fmt::format("--fail-on: {}", parsed_threshold.error().what()), kExitUsage);
    threshold = *parsed_threshold;
  }
  audit::scan::ScanOptions scan_options;
  scan_options.vulnerability_database = parsed->value("vuln-db");
  scan_options.use_layer_cache = !parsed->flag("no-cache");
  for (const std::string& id : parsed->all("ignore")) scan_options.ignored.insert(id);
  if (parsed->has("secret-config")) {
    auto rules = audit::scan::load_secret_config_file(parsed->value("secret-config"));
    if (!rules) return kReporter.fail("scan", rules.error().wrap("--secret-config"));
    scan_options.secret_rules = std::move(*rules);
  }

  const std::string& name = parsed->positional.front();
  // Progress (an archive's layers) on standard error, and only on a
  // terminal: the report on standard output stays clean when piped.
  auto progress = parsed->flag("quiet") ? nullptr : make_terminal_progress(stderr);
  std::optional<audit::scan::ArchiveTarget> archive;
  auto target = target_of(options, name, progress.get(), archive);
  progress.reset();
  if (!target) return kReporter.fail("scan", target.error());
  auto result = audit::scan::run_scan(*target, scan_options);
  if (!result) return kReporter.fail("scan", context(std::move(result), "{}", name).error());
  if (parsed->flag("debug"))
    for (const audit::scan::LayerReport& layer : result->layers)
      std::fputs(fmt::format("ward: scan: layer {}: {} entries, {}\n", layer.chain_id.string(), layer.entries,
                             layer.from_cache         ? "from the cache"
                             : layer.not_kept.empty() ? "read and cached"
                                                      : "read, not cached: " + layer.not_kept)
                     .c_str(),
                 stderr);

  if (sbom) {
    auto document = audit::scan::render_sbom(*result, *sbom, name, kVersion);
    if (!document) return kReporter.fail("scan", document.error());
    std::fputs(document->c_str(), stdout);
    if (std::fflush(stdout) != 0) return kReporter.fail("scan", "write standard output", kExitFailure);
    return audit::fails(result->report.findings, threshold) ? kExitFailure : 0;
  }
  bool colour = *format == audit::Format::table && !parsed->flag("no-color") && std::getenv("NO_COLOR") == nullptr &&
                ::isatty(STDOUT_FILENO) == 1;
  std::string text = audit::render(result->report, *format, colour, kVersion);
  std::fputs(text.c_str(), stdout);
  if (std::fflush(stdout) != 0) return kReporter.fail("scan", "write standard output", kExitFailure);
  return audit::fails(result->report.findings, threshold) ? kExitFailure : 0;
}

}  // namespace ward::cli::engine
