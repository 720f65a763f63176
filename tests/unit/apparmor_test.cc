// The AppArmor profile generator, its TOML front and the host checks (on a
// fake /sys tree).  That the profiles compile is checked against the real
// apparmor_parser in tests/integration/apparmor_test.cc.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lsm_test_support.h"
#include "oci/spec_default.h"
#include "security/apparmor.h"

namespace ward::security {
namespace {

using test_support::FakeRoot;

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

std::string generate(const AppArmorModel& model) {
  auto text = generate_apparmor_profile(model);
  EXPECT_TRUE(text) << (text ? "" : text.error().what());
  return text ? *text : "";
}

std::string generate_error(const AppArmorModel& model) {
  auto text = generate_apparmor_profile(model);
  EXPECT_FALSE(text) << "expected an error";
  return text ? "" : text.error().what();
}

std::string toml_error(const std::string& text) {
  auto model = parse_apparmor_toml(text, "p.toml");
  EXPECT_FALSE(model) << "expected an error for:\n" << text;
  return model ? "" : model.error().what();
}

TEST(AppArmorProfile, DefaultKeepsTheWalls) {
  std::string text = default_apparmor_profile();
  EXPECT_TRUE(text.starts_with("# AppArmor profile \"ward-default\""));
  EXPECT_TRUE(has(text, "\nprofile ward-default flags=(attach_disconnected,mediate_deleted) {\n"));
  EXPECT_TRUE(text.ends_with("}\n"));
  for (const char* rule : {"  deny mount,\n", "  deny remount,\n", "  deny pivot_root,\n", "  deny /proc/* wl,\n",
                           "  deny /proc/[^0-9]*/** wl,\n", "  deny /proc/sysrq-trigger rwlx,\n",
                           "  deny /proc/kcore rwlx,\n",
                           "  deny /sys/{[^f],f[^s],fs[^/],fs/[^c],fs/c[^g],fs/cg[^r]}** wl,\n",
                           "  deny /sys/firmware/** rwlx,\n", "  deny /sys/kernel/security/** rwlx,\n",
                           "  ptrace (read, trace, readby, tracedby) peer=ward-default,\n",
                           "  signal (send, receive) peer=ward-default,\n"})
    EXPECT_TRUE(has(text, rule)) << rule;
  // Everything else is left to the capability sets and seccomp.
  for (const char* rule : {"  /{,**} rwlkm,\n", "  /{,**} ix,\n", "  capability,\n", "  network,\n"})
    EXPECT_TRUE(has(text, rule)) << rule;
  EXPECT_FALSE(has(text, "deny network"));
  // No include: the profile compiles without the host's /etc/apparmor.d.
  EXPECT_FALSE(has(text, "#include"));
  EXPECT_FALSE(has(text, "@{"));
}

TEST(AppArmorProfile, ModelRules) {
  AppArmorModel model;
  model.name = "web";
  model.read_only = {"/etc/**"};
  model.writable = {"/var/cache/web/**"};
  model.allow_exec = {"/usr/sbin/nginx"};
  model.deny_exec = {"/usr/bin/curl"};
  model.capabilities = std::vector<std::string>{"CAP_NET_BIND_SERVICE", "chown", "cap_setuid"};
  std::string text = generate(model);
  EXPECT_TRUE(has(text, "\nprofile web flags=(attach_disconnected,mediate_deleted) {\n"));
  EXPECT_TRUE(has(text, "  deny \"/etc/**\" wl,\n"));
  // With writable paths, nothing else is writable but the basic devices.
  EXPECT_FALSE(has(text, "/{,**} rwlkm"));
  EXPECT_TRUE(has(text, "  /{,**} rkm,\n"));
  EXPECT_TRUE(has(text, "  \"/var/cache/web/**\" rwlk,\n"));
  EXPECT_TRUE(has(text, "  /dev/{null,zero,full,tty,ptmx,pts/*,shm/**} rw,\n"));
  // With an allow list, only those run.
  EXPECT_FALSE(has(text, "/{,**} ix"));
  EXPECT_TRUE(has(text, "  \"/usr/sbin/nginx\" ix,\n"));
  EXPECT_TRUE(has(text, "  deny \"/usr/bin/curl\" mx,\n"));
  EXPECT_TRUE(has(text, "  capability net_bind_service,\n  capability chown,\n  capability setuid,\n"));
  EXPECT_FALSE(has(text, "  capability,\n"));
  EXPECT_TRUE(has(text, "  deny network raw,\n"));
  EXPECT_TRUE(has(text, "  deny network packet,\n"));
  EXPECT_TRUE(has(text, "peer=web,"));
  EXPECT_TRUE(has(text, "  deny mount,\n"));  // the walls stay
}

TEST(AppArmorProfile, EmptyCapabilityListMeansNone) {
  AppArmorModel model;
  model.name = "nocaps";
  model.capabilities = std::vector<std::string>{};
  model.network_raw = true;
  std::string text = generate(model);
  EXPECT_FALSE(has(text, "  capability"));
  EXPECT_FALSE(has(text, "deny network raw"));
  EXPECT_TRUE(has(text, "  deny network packet,\n"));
}

TEST(AppArmorProfile, PathsAreQuotedAndChecked) {
  AppArmorModel model;
  model.name = "p";
  model.deny_exec = {"/path with spaces/tool"};
  EXPECT_TRUE(has(generate(model), "  deny \"/path with spaces/tool\" mx,\n"));

  // Each of these could end the quoted path and add a rule of its own.
  for (const char* bad : {"/a\" rwx,\n  /** ", "/a\\", "/a\nb", "relative/path", "@{HOME}/x", "/x/@{PROC}", ""}) {
    AppArmorModel broken;
    broken.name = "p";
    broken.read_only = {"/fine", bad};
    std::string error = generate_error(broken);
    EXPECT_TRUE(has(error, "read_only[1]")) << error;
  }
  AppArmorModel tab;
  tab.name = "p";
  tab.writable = {"/a\tb"};
  EXPECT_TRUE(has(generate_error(tab), "writable[0]"));
}

TEST(AppArmorProfile, RejectsNamesThatCouldInjectRules) {
  for (const char* good : {"ward-default", "web", "A_1", "ward-tools.v2", "9lives"})
    EXPECT_TRUE(validate_profile_name(good)) << good;
  for (std::string bad : {std::string(""), std::string("a b"), std::string("a\"b"), std::string("x{"),
                          std::string("evil {\n  /** rwx,\n}\nprofile x"), std::string("-x"), std::string(".x"),
                          std::string("a,b"), std::string("a/b"), std::string(129, 'a'), std::string("a\0b", 3)}) {
    EXPECT_FALSE(validate_profile_name(bad)) << bad;
    AppArmorModel model;
    model.name = bad;
    EXPECT_TRUE(has(generate_error(model), "profile name"));
  }
  EXPECT_TRUE(validate_profile_name(std::string(128, 'a')));
}

TEST(AppArmorProfile, ConfigReferences) {
  for (const char* good : {"ward-default", "unconfined", "docker-default", "/usr/bin/foo", "a//&b", ":ns:p"})
    EXPECT_TRUE(validate_profile_reference(good)) << good;
  for (const char* bad : {"a b", "a\n", "a\"", "a'", "a\\b", "a\tb"})
    EXPECT_FALSE(validate_profile_reference(bad)) << bad;
}

TEST(AppArmorProfile, UnknownCapability) {
  AppArmorModel model;
  model.name = "p";
  model.capabilities = std::vector<std::string>{"chown", "fly"};
  EXPECT_TRUE(has(generate_error(model), "capabilities[1]: unknown capability \"fly\""));
}

TEST(AppArmorToml, ReadsEveryKey) {
  auto model = parse_apparmor_toml(R"(
name = "web"
capabilities = ["chown"]
[filesystem]
read_only = ["/etc/**"]
writable = ["/tmp/**", "/run/x"]
[exec]
allow = ["/bin/sh"]
deny = ["/usr/bin/curl"]
[network]
raw = true
packet = false
)",
                                   "p.toml");
  ASSERT_TRUE(model) << model.error().what();
  EXPECT_EQ(model->name, "web");
  ASSERT_TRUE(model->capabilities);
  EXPECT_EQ(*model->capabilities, std::vector<std::string>{"chown"});
  EXPECT_EQ(model->read_only, std::vector<std::string>{"/etc/**"});
  EXPECT_EQ(model->writable, (std::vector<std::string>{"/tmp/**", "/run/x"}));
  EXPECT_EQ(model->allow_exec, std::vector<std::string>{"/bin/sh"});
  EXPECT_EQ(model->deny_exec, std::vector<std::string>{"/usr/bin/curl"});
  EXPECT_TRUE(model->network_raw);
  EXPECT_FALSE(model->network_packet);
}

TEST(AppArmorToml, DefaultsAreTight) {
  auto model = parse_apparmor_toml("name = \"m\"\n", "p.toml");
  ASSERT_TRUE(model);
  EXPECT_FALSE(model->capabilities);  // absent: left to the capability sets
  EXPECT_FALSE(model->network_raw);
  EXPECT_FALSE(model->network_packet);
}

TEST(AppArmorToml, UnknownKeysNameKeyAndFile) {
  std::string error = toml_error("name = \"x\"\nnmae = \"y\"\n");
  EXPECT_TRUE(has(error, "p.toml:2: unknown key \"nmae\"")) << error;
  error = toml_error("name = \"x\"\n[filesystem]\nreadonly = []\n");
  EXPECT_TRUE(has(error, "p.toml:3: unknown key \"filesystem.readonly\"")) << error;
  error = toml_error("name = \"x\"\n[exec]\nallowed = []\n");
  EXPECT_TRUE(has(error, "unknown key \"exec.allowed\"")) << error;
  error = toml_error("name = \"x\"\n[network]\ntcp = true\n");
  EXPECT_TRUE(has(error, "unknown key \"network.tcp\"")) << error;
  error = toml_error("name = \"x\"\n[extra]\n");
  EXPECT_TRUE(has(error, "unknown key \"extra\"")) << error;
}

TEST(AppArmorToml, TypeAndSyntaxErrors) {
  EXPECT_TRUE(has(toml_error("name = 3\n"), "p.toml:1: name: must be a string"));
  EXPECT_TRUE(has(toml_error("name = \"x\"\ncapabilities = \"chown\"\n"), "capabilities: must be an array of strings"));
  EXPECT_TRUE(has(toml_error("name = \"x\"\n[filesystem]\nwritable = [\"/a\", 2]\n"),
                  "filesystem.writable[1]: must be a string"));
  EXPECT_TRUE(has(toml_error("name = \"x\"\n[network]\nraw = \"yes\"\n"), "network.raw: must be true or false"));
  EXPECT_TRUE(has(toml_error("name = \"x\"\nfilesystem = 1\n"), "filesystem: must be a table"));
  EXPECT_TRUE(has(toml_error("capabilities = []\n"), "p.toml: name: required"));
  EXPECT_TRUE(has(toml_error("name = \"a b\"\n"), "p.toml:1: name: profile name"));
  EXPECT_TRUE(has(toml_error("name = \"x\"\n[filesystem]\nwritable = [\"tmp\"]\n"),
                  "p.toml:3: filesystem.writable[0]: \"tmp\": not an absolute path"));
  std::string syntax = toml_error("name = \"x\n");
  EXPECT_TRUE(syntax.starts_with("p.toml:1:")) << syntax;
  EXPECT_TRUE(has(syntax, "invalid TOML")) << syntax;
  EXPECT_TRUE(has(toml_error("name = \"x\"\nname = \"y\"\n"), "invalid TOML"));
}

TEST(AppArmorToml, MissingFileNamesIt) {
  auto model = load_apparmor_toml("/nonexistent/ward.toml");
  ASSERT_FALSE(model);
  EXPECT_TRUE(has(model.error().what(), "/nonexistent/ward.toml"));
}

TEST(AppArmorHost, EnabledFromSecurityfsOrModule) {
  FakeRoot none;
  EXPECT_FALSE(apparmor_enabled(none.path()));

  FakeRoot securityfs;
  securityfs.add_dir("sys/kernel/security/apparmor");
  EXPECT_TRUE(apparmor_enabled(securityfs.path()));

  FakeRoot module_on;
  module_on.add_file("sys/module/apparmor/parameters/enabled", "Y\n");
  EXPECT_TRUE(apparmor_enabled(module_on.path()));

  FakeRoot module_off;
  module_off.add_file("sys/module/apparmor/parameters/enabled", "N\n");
  EXPECT_FALSE(apparmor_enabled(module_off.path()));
}

TEST(AppArmorHost, ExecAttributePath) {
  FakeRoot stacked;
  stacked.add_file("proc/self/attr/apparmor/exec");
  EXPECT_EQ(apparmor_exec_attr_path(stacked.path()), "/proc/thread-self/attr/apparmor/exec");
  FakeRoot legacy;
  legacy.add_file("proc/self/attr/exec");
  EXPECT_EQ(apparmor_exec_attr_path(legacy.path()), "/proc/thread-self/attr/exec");
}

TEST(AppArmorHost, LoadedProfiles) {
  FakeRoot root;
  root.add_file("sys/kernel/security/apparmor/profiles",
                "ward-default-old (enforce)\ndocker-default (enforce)\n/usr/bin/man (complain)\n");
  EXPECT_FALSE(apparmor_profile_loaded("ward-default", root.path()));
  EXPECT_TRUE(apparmor_profile_loaded("docker-default", root.path()));
  EXPECT_TRUE(apparmor_profile_loaded("/usr/bin/man", root.path()));
  root.add_file("sys/kernel/security/apparmor/profiles", "ward-default (enforce)\n");
  EXPECT_TRUE(apparmor_profile_loaded("ward-default", root.path()));
  FakeRoot none;
  EXPECT_FALSE(apparmor_profile_loaded("ward-default", none.path()));
}

TEST(AppArmorHost, PrepareRefusesWithoutAppArmor) {
  FakeRoot none;
  EXPECT_TRUE(prepare_apparmor_profile("", "process.apparmorProfile", none.path()));
  auto r = prepare_apparmor_profile("ward-default", "process.apparmorProfile", none.path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(),
            "process.apparmorProfile: AppArmor is not enabled on this host (profile \"ward-default\")");
  r = prepare_apparmor_profile("a b", "process.apparmorProfile", none.path());
  ASSERT_FALSE(r);
  EXPECT_TRUE(has(r.error().what(), "process.apparmorProfile: profile name")) << r.error().what();

  // Enabled, and ward-default already loaded: nothing to do.
  FakeRoot loaded;
  loaded.add_file("sys/kernel/security/apparmor/profiles", "ward-default (enforce)\n");
  EXPECT_TRUE(prepare_apparmor_profile("ward-default", "process.apparmorProfile", loaded.path()));
  EXPECT_TRUE(prepare_apparmor_profile("custom", "process.apparmorProfile", loaded.path()));
}

TEST(AppArmorSpec, DefaultConfigAsksForWardDefaultOnlyWithAppArmor) {
  auto with = nlohmann::json::parse(oci::default_spec_json(false, true));
  EXPECT_EQ(with["process"]["apparmorProfile"], "ward-default");
  auto without = nlohmann::json::parse(oci::default_spec_json(false, false));
  EXPECT_FALSE(without["process"].contains("apparmorProfile"));
}

}  // namespace
}  // namespace ward::security
