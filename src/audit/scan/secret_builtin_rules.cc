// ward's built-in secret rules, as data: a document in the shape a user's
// --secret-config file has (docs/SCAN.md), read by the same parser.  Two
// fields are ward's own: `name` (a second name disable-rules accepts) and
// `entropy` (the Shannon bits per character a secret must exceed).
//
// WARD-SECRET-001..003 are `ward lint`'s rules (secret-like ENV/ARG names,
// credential values in a Dockerfile, key files copied in); the content
// rules of `ward scan` start at 101, and 100 is the scan's note about a
// file it could not read.  Every pattern is single-quoted YAML, so a
// backslash is the regex's own.
#include "audit/scan/secret_rules.h"

namespace ward::audit::scan {

namespace {

constexpr std::string_view kBuiltinRules = R"yaml(
rules:
  - id: WARD-SECRET-101
    name: private-key
    category: PrivateKey
    title: Private key
    severity: CRITICAL
    keywords: ['private key']
    # A PEM or PGP armoured private key with a body: optional headers
    # (Proc-Type, Version), then base64 lines, up to the END line.  A
    # "\n" escape counts as a newline, for keys inside JSON strings.
    regex: '-----BEGIN[ A-Z0-9]{0,32}PRIVATE KEY(?: BLOCK)?-----(?:\r?\n|\\n)(?P<secret>(?:[A-Za-z][A-Za-z0-9-]*: [^\r\n\\]*(?:\r?\n|\\n))*(?:\r?\n|\\n)?[A-Za-z0-9+/=]{16,}[A-Za-z0-9+/=\\\s]*)-----END[ A-Z0-9]{0,32}PRIVATE KEY(?: BLOCK)?-----'

  - id: WARD-SECRET-102
    name: aws-access-key-id
    category: AWS
    title: AWS access key ID
    severity: CRITICAL
    keywords: [akia, asia, abia, acca]
    # Four letters that say the kind of key, then 16 base32 characters.
    regex: '\b(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b'
    allow-rules:
      - id: aws-documentation-key-id
        description: the key IDs of AWS's documentation end in EXAMPLE
        regex: 'EXAMPLE$'

  - id: WARD-SECRET-103
    name: aws-secret-access-key
    category: AWS
    title: AWS secret access key
    severity: CRITICAL
    keywords: [secret_access_key, secretaccesskey, secret-access-key, aws_secret, awssecret, aws-secret]
    # 40 base64 characters assigned to a name that says it is AWS's secret.
    regex: '(?i)(?:secret[_-]?access[_-]?key|aws[_-]?secret(?:[_-]?key)?)["'']?[ \t]*(?:=|:=|:|=>)[ \t]*["'']?(?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)'
    allow-rules:
      - id: aws-documentation-secret-key
        description: the secret keys of AWS's documentation end in EXAMPLEKEY
        regex: 'EXAMPLEKEY$'

  - id: WARD-SECRET-104
    name: github-token
    category: GitHub
    title: GitHub token
    severity: CRITICAL
    keywords: [ghp_, gho_, ghs_, ghu_, ghr_, github_pat_]
    # Classic personal, OAuth, app and refresh tokens; fine-grained ones.
    regex: '\b(?P<secret>gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b'

  - id: WARD-SECRET-105
    name: gitlab-pat
    category: GitLab
    title: GitLab personal access token
    severity: CRITICAL
    keywords: [glpat-]
    regex: '\b(?P<secret>glpat-[A-Za-z0-9_-]{20,64})(?:[^A-Za-z0-9_-]|$)'

  - id: WARD-SECRET-106
    name: slack-access-token
    category: Slack
    title: Slack token
    severity: HIGH
    keywords: [xoxa-, xoxb-, xoxe-, xoxo-, xoxp-, xoxr-, xoxs-]
    regex: '\b(?P<secret>xox[abeoprs]-[A-Za-z0-9-]{10,250})'

  - id: WARD-SECRET-107
    name: slack-web-hook
    category: Slack
    title: Slack webhook URL
    severity: HIGH
    keywords: [hooks.slack.com]
    regex: 'https://hooks\.slack\.com/(?:services|workflows|triggers)/(?P<secret>[A-Za-z0-9_/+-]{30,})'

  - id: WARD-SECRET-108
    name: google-api-key
    category: Google
    title: Google API key
    severity: HIGH
    keywords: [aiza]
    regex: '\b(?P<secret>AIza[A-Za-z0-9_-]{35})(?:[^A-Za-z0-9_-]|$)'

  - id: WARD-SECRET-109
    name: stripe-secret-token
    category: Stripe
    title: Stripe secret or restricted key
    severity: CRITICAL
    keywords: [sk_live_, sk_test_, rk_live_, rk_test_]
    regex: '\b(?P<secret>[rs]k_(?:live|test)_[A-Za-z0-9]{24,247})\b'

  - id: WARD-SECRET-110
    name: npm-access-token
    category: npm
    title: npm access token
    severity: CRITICAL
    keywords: [npm_]
    regex: '\b(?P<secret>npm_[A-Za-z0-9]{36})\b'

  - id: WARD-SECRET-111
    name: pypi-upload-token
    category: PyPI
    title: PyPI upload token
    severity: CRITICAL
    keywords: [pypi-ag]
    # A macaroon whose location is pypi.org or test.pypi.org, base64.
    regex: '\b(?P<secret>pypi-Ag(?:EIcHlwaS5vcmc|ENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,})'

  - id: WARD-SECRET-112
    name: jwt-token
    category: JWT
    title: JSON Web Token
    severity: MEDIUM
    keywords: [eyj]
    # Header and claims are base64url JSON objects ("eyJ" is '{"'), and
    # the signature is not empty.
    regex: '\b(?P<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})'

  - id: WARD-SECRET-113
    name: password-in-config
    category: General
    title: Password in a configuration file
    severity: HIGH
    keywords: [passw, passphrase, secret, api_key, apikey, api-key, token]
    # Configuration files only (by name, or anything under /etc), and the
    # image configuration: source code assigns such names all the time.
    path: '(?i)^/etc/|^image-config$|\.(?:conf|cfg|cnf|config|ini|env|properties|ya?ml|toml|json|xml|sh|bash|zsh)$|/\.env(?:\.[^/]*)?$|/\.(?:npmrc|pypirc|netrc|pgpass|s3cfg|my\.cnf|git-credentials)$'
    # A name that says password or secret, an assignment, and a value that
    # ends where a value ends (not a call such as getpass()).
    regex: '(?im)(?:passw(?:or)?d|passphrase|secret|api[_-]?key|auth[_-]?token|access[_-]?token)["'']?[ \t]*(?:=|:=|:|=>)[ \t]*["'']?(?P<secret>[^\s"'',;()\[\]]{4,256})(?:["''\s,;#]|$)'
    allow-rules:
      - id: nsswitch-databases
        description: 'nsswitch.conf names the passwd database and its sources ("passwd: files")'
        path: '(?:^|/)nsswitch\.conf$'

  - id: WARD-SECRET-114
    name: high-entropy-secret
    category: General
    title: High-entropy string assigned to a secret-like name
    severity: MEDIUM
    keywords: [key, token, secret, passw, credential, auth]
    # At least 20 base64 characters with more than 4.0 bits of entropy per
    # character: random keys have that (32 random alphanumerics about 4.7),
    # while hex digests and key fingerprints cannot (16 symbols give at
    # most 4.0) and words and identifiers rarely do.
    regex: '(?i)(?:key|token|secret|passw(?:or)?d|credential|auth)[A-Za-z0-9_.-]{0,24}["'']?[ \t]*(?:=|:=|:|=>)[ \t]*["'']?(?P<secret>[A-Za-z0-9+/=_-]{20,512})(?:[^A-Za-z0-9+/=_-]|$)'
    entropy: 4.0

allow-rules:
  # Values that stand for a secret without being one.
  - id: placeholder-values
    description: a word that stands for a value (changeme, password, none, true, ...)
    regex: '(?i)^(?:changeme|change_me|changeit|password|passwd|passphrase|secret|example|sample|dummy|placeholder|redacted|hidden|none|null|nil|true|false|yes|no|empty|undefined|todo|tbd|test|value|\*+|x+|\.+|-+|#+|_+)$'
  - id: template-values
    description: a variable, template or prompt, not a value (${VAR}, $VAR, {{ var }}, <password>, %(var)s)
    regex: '^(?:\$\{.*\}|\$\(.*\)|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*\}\}|<[^<>]*>|%\([^)]*\)[sd]|%[A-Za-z_][A-Za-z0-9_]*%|@[A-Za-z_][A-Za-z0-9_]*@|ENC\[.*\])$'
  - id: masked-values
    description: a value masked or marked as an example (xxxx, ****, EXAMPLE, your_password)
    regex: '(?i)x{4,}|\*{3,}|example|your[_-]?(?:password|secret|token|key)'
  # Paths that hold no one's secrets but much text that looks like them.
  - id: documentation
    description: documentation, manual pages, locales and licences
    path: '^/usr/share/(?:doc|man|info|locale|i18n|zoneinfo|common-licenses|lintian|perl5?|bash-completion)/'
  - id: python-test-suites
    description: the test suites of Python and its packages
    path: '^/usr/(?:local/)?lib/python[0-9][^/]*/(?:test|unittest/test|lib2to3/tests|idlelib/idle_test|(?:site|dist)-packages/.*/tests?)/'
  - id: go-sources
    description: the sources and test data of a Go toolchain
    path: '^/usr/(?:local/go|lib/go[^/]*)/(?:src|test)/'
  - id: package-databases
    description: package manager databases and caches
    path: '^/(?:var/lib/(?:dpkg|apt|rpm|apk|yum|dnf)|lib/apk/db|usr/lib/sysimage/rpm|var/cache/(?:apt|apk|yum|dnf))/'
  - id: certificate-bundles
    description: public CA certificates
    path: '^/(?:etc/ssl/certs|usr/share/ca-certificates|etc/pki/ca-trust|etc/ca-certificates)/'
  - id: headers
    description: C and C++ headers
    path: '^/usr/(?:local/)?include/'
  - id: kernel-filesystems
    description: what proc, sys and dev hold when a host directory is scanned
    path: '^/(?:proc|sys|dev)/'
)yaml";

}  // namespace

std::string_view builtin_secret_rules_text() {
  return kBuiltinRules;
}

}  // namespace ward::audit::scan
