// Every rule ward lint knows: hadolint's IDs with hadolint's default
// severities and meanings, ward's secret rules.  Titles and help are
// ward's own words.
#include <algorithm>
#include <iterator>
#include <string_view>

#include "audit/lint/lint.h"

namespace ward::audit::lint {

namespace {

using enum Severity;

// The rule texts as constants; lint_rules() copies them into Rules once.
struct RuleText {
  std::string_view id;
  std::string_view title;
  Severity severity;
  std::string_view help;
};

constexpr RuleText kRuleTexts[] = {
    {"DL1001", "Inline ignore pragma used", ignore,
     "Fix the finding instead of silencing it inline, or ignore the rule in .hadolint.yaml."},
    {"DL3000", "Use an absolute WORKDIR", error,
     "Give WORKDIR an absolute path; a relative one depends on whatever the previous WORKDIR was."},
    {"DL3001", "Command makes no sense in a container", info,
     "Commands like ssh, vim, service, shutdown, ps, top, kill, mount and ifconfig belong to hosts, not image "
     "builds."},
    {"DL3002", "Last USER should not be root", warning,
     "Switch to an unprivileged USER at the end of the final stage."},
    {"DL3003", "Use WORKDIR to switch to a directory", warning,
     "Replace `cd dir && ...` with `WORKDIR dir`, which also holds for later instructions."},
    {"DL3004", "Do not use sudo", error,
     "Build steps already run as the current USER; sudo behaves unpredictably in a build. Switch USER instead."},
    {"DL3006", "Always tag the version of an image explicitly", warning,
     "Name a tag or digest in FROM (image:1.2 or image@sha256:...), so builds are repeatable."},
    {"DL3007", "Using latest is prone to errors", warning,
     "Pin a version tag instead of :latest, which moves under you."},
    {"DL3008", "Pin versions in apt-get install", warning,
     "Install `package=version`, so a rebuild installs what was tested."},
    {"DL3009", "Delete the apt-get lists after installing something", info,
     "End the RUN with `rm -rf /var/lib/apt/lists/*` (or use a cache mount) so the lists do not stay in the layer."},
    {"DL3010", "Use ADD for extracting archives into an image", info,
     "ADD unpacks a local tar archive in one layer; COPY plus tar keeps the archive in a layer."},
    {"DL3011", "Valid UNIX ports range from 0 to 65535", error, "EXPOSE only ports between 0 and 65535."},
    {"DL3012", "Multiple HEALTHCHECK instructions", error,
     "Only the last HEALTHCHECK of a stage takes effect; keep one."},
    {"DL3013", "Pin versions in pip", warning,
     "Install `package==version` (or use a constraints or requirements file)."},
    {"DL3014", "Use the -y switch", warning, "Run `apt-get install -y`, so the build does not wait for an answer."},
    {"DL3015", "Avoid additional packages by specifying --no-install-recommends", info,
     "Add `--no-install-recommends` to apt-get install to keep the image small."},
    {"DL3016", "Pin versions in npm", warning, "Install `package@version`."},
    {"DL3018", "Pin versions in apk add", warning, "Install `package=version`."},
    {"DL3019", "Use the --no-cache switch", info,
     "Run `apk add --no-cache` instead of `--update` and removing /var/cache/apk/*."},
    {"DL3020", "Use COPY instead of ADD for files and folders", error,
     "ADD is for URLs and local archives to unpack; COPY plain files and folders."},
    {"DL3021", "COPY with more than 2 arguments requires the last argument to end with /", error,
     "With several sources the destination is a directory: end it with /."},
    {"DL3022", "COPY --from should reference a previously defined FROM alias", warning,
     "Name a stage defined earlier with `FROM ... AS name`, or a full image reference."},
    {"DL3023", "COPY --from cannot reference its own FROM alias", error,
     "A stage cannot copy from itself; name an earlier stage."},
    {"DL3024", "FROM aliases (stage names) must be unique", error, "Give each stage its own name."},
    {"DL3025", "Use arguments JSON notation for CMD and ENTRYPOINT arguments", warning,
     "Write CMD [\"program\", \"arg\"]: the shell form runs under /bin/sh -c, which does not pass signals on."},
    {"DL3026", "Use only an allowed registry in the FROM image", error,
     "Pull base images only from the registries listed in trustedRegistries."},
    {"DL3027", "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead", warning,
     "apt's command line is not stable for scripts; use apt-get or apt-cache."},
    {"DL3028", "Pin versions in gem install", warning, "Install `gem install name:version` or `-v version`."},
    {"DL3029", "Do not use --platform flag with FROM", warning,
     "Let the builder choose the platform (or use $BUILDPLATFORM/$TARGETPLATFORM)."},
    {"DL3030", "Use the -y switch to avoid manual input `yum install -y <package>`", warning,
     "Run yum install with -y."},
    {"DL3032", "`yum clean all` missing after yum command", warning,
     "End the RUN with `yum clean all` so the cache does not stay in the layer."},
    {"DL3033", "Specify version with `yum install -y <package>-<version>`", warning, "Pin the package version."},
    {"DL3034", "Non-interactive switch missing from `zypper` command: `zypper install -y`", warning,
     "Run zypper with -n/--non-interactive or install -y."},
    {"DL3035", "Do not use `zypper dist-upgrade`", warning,
     "Upgrading the whole distribution belongs in the base image, not a build step."},
    {"DL3036", "`zypper clean` missing after zypper use", warning, "End the RUN with `zypper clean`."},
    {"DL3037", "Specify version with `zypper install -y <package>=<version>`", warning, "Pin the package version."},
    {"DL3038", "Use the -y switch to avoid manual input `dnf install -y <package>`", warning,
     "Run dnf (or microdnf) install with -y."},
    {"DL3040", "`dnf clean all` missing after dnf command", warning,
     "End the RUN with `dnf clean all` (or `microdnf clean all`)."},
    {"DL3041", "Specify version with `dnf install -y <package>-<version>`", warning, "Pin the package version."},
    {"DL3042", "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`", warning,
     "pip's cache only grows the layer in an image build; pass --no-cache-dir or set PIP_NO_CACHE_DIR."},
    {"DL3043", "`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction", error,
     "ONBUILD cannot trigger ONBUILD, FROM or MAINTAINER."},
    {"DL3044", "Do not refer to an environment variable within the same `ENV` statement where it is defined", error,
     "The value is expanded before the statement sets it; split the ENV in two."},
    {"DL3045", "`COPY` to a relative destination without `WORKDIR` set", warning,
     "Set WORKDIR first, or copy to an absolute path."},
    {"DL3046", "`useradd` without flag `-l` and high UID will result in excessively large Image", warning,
     "Pass -l (--no-log-init) so lastlog/faillog are not written as huge sparse files."},
    {"DL3047",
     "`wget` without flag `--progress` will result in excessively bloated build logs when downloading larger files",
     info, "Pass --progress=dot:giga (or -q/-nv)."},
    {"DL3048", "Invalid Label Key", style,
     "Label keys are lower-case letters, digits, '.' and '-', start and end with a letter or digit, and avoid the "
     "com.docker., io.docker. and org.dockerproject. namespaces."},
    {"DL3049", "Label is missing", info, "Add the label the label-schema configuration requires."},
    {"DL3050", "Superfluous label(s) present", info,
     "With strict-labels, only the labels in label-schema are allowed."},
    {"DL3051", "Label is empty", warning, "Give the label a value."},
    {"DL3052", "Label is not a valid URL", warning, "Give the label a URL."},
    {"DL3053", "Label is not a valid time format - must conform to RFC3339", warning,
     "Give the label a time such as 2024-01-31T12:00:00Z."},
    {"DL3054", "Label is not a valid SPDX license identifier", warning,
     "Give the label an SPDX identifier such as MIT or Apache-2.0."},
    {"DL3055", "Label is not a valid git hash", warning, "Give the label a 40- or 7-character hex git commit."},
    {"DL3056", "Label does not conform to semantic versioning", warning, "Give the label a version such as 1.2.3."},
    {"DL3057", "HEALTHCHECK instruction missing", ignore,
     "Add a HEALTHCHECK so the engine knows when the service is unhealthy."},
    {"DL3058", "Label is not a valid email format - must conform to RFC5322", warning,
     "Give the label an email address."},
    {"DL3059", "Multiple consecutive `RUN` instructions. Consider consolidation", info,
     "Join consecutive RUNs with && to save layers."},
    {"DL3060", "`yarn cache clean` missing after `yarn install` was run", info, "End the RUN with `yarn cache clean`."},
    {"DL3061", "Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment", error,
     "Start with FROM (ARG before FROM is allowed)."},
    {"DL3062", "Pin versions in go install", warning, "Install `module@version`, not @latest or no version."},
    {"DL4000", "MAINTAINER is deprecated", error, "Use LABEL maintainer=\"name <email>\"."},
    {"DL4001", "Either use Wget or Curl but not both", warning, "Pick one download tool to keep the image small."},
    {"DL4003", "Multiple `CMD` instructions found", warning, "Only the last CMD of a stage takes effect; keep one."},
    {"DL4004", "Multiple `ENTRYPOINT` instructions found", error,
     "Only the last ENTRYPOINT of a stage takes effect; keep one."},
    {"DL4005", "Use SHELL to change the default shell", warning,
     "Use the SHELL instruction instead of linking /bin/sh to another shell."},
    {"DL4006", "Set the SHELL option -o pipefail before RUN with a pipe in it", warning,
     "Add SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] so a failing command before a pipe fails the build."},
    {"WARD-SECRET-001", "Secret-like name in ENV or ARG", error,
     "Credentials in ENV stay in the image config and in ARG in its history: pass them with `RUN "
     "--mount=type=secret`."},
    {"WARD-SECRET-002", "Credential value in the Dockerfile", error,
     "A private key, cloud or VCS token written into the Dockerfile is in the image and its history: revoke it and "
     "use a build secret."},
    {"WARD-SECRET-003", "Key or credentials file copied into the image", error,
     "Keys and credential files (id_rsa, *.pem, .env, .npmrc, ...) copied in stay in a layer: use `RUN "
     "--mount=type=secret` or .dockerignore."},
};

}  // namespace

const std::vector<Rule>& lint_rules() {
  static const std::vector<Rule> rules = [] {
    std::vector<Rule> all;
    all.reserve(std::size(kRuleTexts));
    for (const RuleText& text : kRuleTexts)
      all.push_back({std::string(text.id), std::string(text.title), text.severity, std::string(text.help)});
    return all;
  }();
  return rules;
}

const Rule* lint_rule(std::string_view id) {
  const auto& rules = lint_rules();
  auto it = std::find_if(rules.begin(), rules.end(), [&](const Rule& r) { return r.id == id; });
  return it == rules.end() ? nullptr : &*it;
}

}  // namespace ward::audit::lint
