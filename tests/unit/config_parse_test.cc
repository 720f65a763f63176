// config.json parsing: a full config into the structs, the top-level
// sections, process, and the error messages that name each field.
// The "linux" section is covered in config_parse_linux_test.cc.
#include <sys/personality.h>
#include <sys/resource.h>
#include <linux/ioprio.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "config_test_support.h"
#include "oci/config.h"
#include "temp_dir.h"

namespace ward::oci {
namespace {

using test_support::minimal_config;
using test_support::parse;
using test_support::parse_error;

constexpr const char* kFullConfig = R"({
  "ociVersion": "1.2.0",
  "root": {"path": "rootfs", "readonly": true},
  "process": {
    "terminal": true,
    "consoleSize": {"height": 25, "width": 80},
    "user": {"uid": 1000, "gid": 100, "umask": 18, "additionalGids": [5, 6], "username": "alice"},
    "args": ["/bin/sh", "-c", "echo hi"],
    "env": ["PATH=/usr/bin:/bin", "TERM=xterm", "EMPTY="],
    "cwd": "/home/alice",
    "capabilities": {
      "bounding": ["CAP_CHOWN", "CAP_KILL", "cap_net_bind_service"],
      "effective": ["CAP_KILL"],
      "inheritable": [],
      "permitted": ["CAP_KILL", "SYS_ADMIN"],
      "ambient": ["CAP_KILL"]
    },
    "rlimits": [
      {"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 4096},
      {"type": "RLIMIT_CORE", "soft": 18446744073709551615, "hard": 18446744073709551615}
    ],
    "noNewPrivileges": true,
    "apparmorProfile": "ward-default",
    "oomScoreAdj": -500,
    "selinuxLabel": "system_u:system_r:container_t:s0",
    "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 4},
    "scheduler": {"policy": "SCHED_FIFO", "priority": 10, "flags": ["SCHED_FLAG_RESET_ON_FORK"]},
    "landlock": {
      "ruleset": {"handledAccessFS": ["execute", "write_file", "read_file", "read_dir"],
                  "handledAccessNetwork": ["bind_tcp"]},
      "rules": {"pathBeneath": [
        {"allowedAccess": ["execute", "read_file", "read_dir"], "paths": ["/usr", "/bin"]},
        {"allowedAccess": ["write_file"], "paths": ["/tmp"]}
      ], "netPort": [{"allowedAccess": ["bind_tcp"], "ports": [8080]}]},
      "disableBestEffort": true
    }
  },
  "hostname": "box",
  "domainname": "example.org",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/data", "type": "bind", "source": "/srv/data", "options": ["rbind", "ro", "idmap"],
     "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
     "gidMappings": [{"containerID": 0, "hostID": 200000, "size": 1000}]}
  ],
  "hooks": {
    "prestart": [{"path": "/usr/bin/prestart", "args": ["prestart", "x"], "env": ["A=1"], "timeout": 5}],
    "createRuntime": [{"path": "/usr/bin/create-runtime"}],
    "createContainer": [{"path": "/usr/bin/create-container"}],
    "startContainer": [{"path": "/usr/bin/start-container"}],
    "poststart": [{"path": "/usr/bin/poststart"}, {"path": "/usr/bin/poststart2"}],
    "poststop": [{"path": "/usr/bin/poststop", "timeout": 30}]
  },
  "annotations": {"org.example.key": "value", "com.example.other": ""},
  "linux": {
    "namespaces": [
      {"type": "pid"}, {"type": "network", "path": "/var/run/netns/blue"}, {"type": "mount"},
      {"type": "ipc"}, {"type": "uts"}, {"type": "user"}, {"type": "cgroup"}, {"type": "time"}
    ],
    "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}, {"containerID": 1, "hostID": 100000, "size": 65535}],
    "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
    "timeOffsets": {"monotonic": {"secs": -86400, "nanosecs": 5}, "boottime": {"secs": 3600}},
    "devices": [
      {"type": "c", "path": "/dev/fuse", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0},
      {"type": "b", "path": "/dev/sda", "major": 8, "minor": 0},
      {"type": "p", "path": "/dev/fifo"}
    ],
    "cgroupsPath": "/ward/box",
    "resources": {
      "devices": [
        {"allow": false, "access": "rwm"},
        {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"},
        {"allow": true, "type": "b", "major": 8}
      ],
      "memory": {"limit": 536870912, "reservation": 268435456, "swap": -1, "kernel": 1, "kernelTCP": 2,
                 "swappiness": 60, "disableOOMKiller": true, "useHierarchy": false, "checkBeforeUpdate": true},
      "cpu": {"shares": 1024, "quota": 50000, "burst": 1000, "period": 100000, "realtimeRuntime": 950,
              "realtimePeriod": 1000, "cpus": "0-1", "mems": "0", "idle": 1},
      "pids": {"limit": 32},
      "blockIO": {
        "weight": 500, "leafWeight": 300,
        "weightDevice": [{"major": 8, "minor": 0, "weight": 600, "leafWeight": 200}, {"major": 8, "minor": 16}],
        "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 1048576}],
        "throttleWriteBpsDevice": [{"major": 8, "minor": 0, "rate": 2097152}],
        "throttleReadIOPSDevice": [{"major": 8, "minor": 0, "rate": 100}],
        "throttleWriteIOPSDevice": [{"major": 8, "minor": 0, "rate": 200}]
      },
      "hugepageLimits": [{"pageSize": "2MB", "limit": 209715200}],
      "network": {"classID": 1048577, "priorities": [{"name": "eth0", "priority": 500}]},
      "unified": {"memory.high": "1073741824", "io.weight": "default 100"}
    },
    "rootfsPropagation": "rslave",
    "maskedPaths": ["/proc/kcore", "/sys/firmware"],
    "readonlyPaths": ["/proc/sys", "/proc/bus"],
    "mountLabel": "system_u:object_r:container_file_t:s0",
    "sysctl": {"net.ipv4.ip_forward": "1", "kernel.shmmax": "1000", "fs.mqueue.msg_max": "20",
               "kernel.domainname": "example.org"},
    "seccomp": {
      "defaultAction": "SCMP_ACT_ERRNO",
      "defaultErrnoRet": 1,
      "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      "flags": ["SECCOMP_FILTER_FLAG_LOG"],
      "listenerPath": "/run/seccomp-agent.sock",
      "listenerMetadata": "meta",
      "syscalls": [
        {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"},
                  {"index": 1, "value": 255, "valueTwo": 4, "op": "SCMP_CMP_MASKED_EQ"}]},
        {"names": ["mount"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
        {"names": ["bpf"], "action": "SCMP_ACT_NOTIFY"}
      ]
    },
    "intelRdt": {"closID": "clos1"},
    "personality": {"domain": "LINUX32"}
  },
  "someFutureKey": {"anything": [1, 2, 3]}
})";

TEST(ConfigParse, FullConfigTopLevelAndProcess) {
  auto parsed = parse_config(kFullConfig);
  ASSERT_TRUE(parsed) << parsed.error().what();
  const Config& config = *parsed;
  EXPECT_EQ(config.oci_version, "1.2.0");
  EXPECT_EQ(config.root.path, "rootfs");
  EXPECT_TRUE(config.root.readonly);
  EXPECT_EQ(config.hostname, "box");
  EXPECT_EQ(config.domainname, "example.org");

  ASSERT_TRUE(config.process);
  const Process& process = *config.process;
  EXPECT_TRUE(process.terminal);
  ASSERT_TRUE(process.console_size);
  EXPECT_EQ(process.console_size->height, 25u);
  EXPECT_EQ(process.console_size->width, 80u);
  EXPECT_EQ(process.user.uid, 1000u);
  EXPECT_EQ(process.user.gid, 100u);
  EXPECT_EQ(process.user.umask, std::optional<mode_t>(022));
  EXPECT_EQ(process.user.additional_gids, (std::vector<gid_t>{5, 6}));
  EXPECT_EQ(process.user.username, "alice");
  EXPECT_EQ(process.args, (std::vector<std::string>{"/bin/sh", "-c", "echo hi"}));
  EXPECT_EQ(process.env, (std::vector<std::string>{"PATH=/usr/bin:/bin", "TERM=xterm", "EMPTY="}));
  EXPECT_EQ(process.cwd, "/home/alice");

  ASSERT_TRUE(process.capabilities);
  EXPECT_EQ(process.capabilities->bounding, (std::vector<int>{0, 5, 10}));
  EXPECT_EQ(process.capabilities->effective, (std::vector<int>{5}));
  EXPECT_TRUE(process.capabilities->inheritable.empty());
  EXPECT_EQ(process.capabilities->permitted, (std::vector<int>{5, 21}));
  EXPECT_EQ(process.capabilities->ambient, (std::vector<int>{5}));

  ASSERT_EQ(process.rlimits.size(), 2u);
  EXPECT_EQ(process.rlimits[0].resource, RLIMIT_NOFILE);
  EXPECT_EQ(process.rlimits[0].name, "RLIMIT_NOFILE");
  EXPECT_EQ(process.rlimits[0].soft, 1024u);
  EXPECT_EQ(process.rlimits[0].hard, 4096u);
  EXPECT_EQ(process.rlimits[1].resource, RLIMIT_CORE);
  EXPECT_EQ(process.rlimits[1].soft, UINT64_MAX);
  EXPECT_EQ(process.rlimits[1].hard, UINT64_MAX);

  EXPECT_TRUE(process.no_new_privileges);
  EXPECT_EQ(process.apparmor_profile, "ward-default");
  EXPECT_EQ(process.oom_score_adj, std::optional<int>(-500));
  EXPECT_EQ(process.selinux_label, "system_u:system_r:container_t:s0");
  ASSERT_TRUE(process.io_priority);
  EXPECT_EQ(process.io_priority->io_class, IOPRIO_CLASS_BE);
  EXPECT_EQ(process.io_priority->priority, 4);
  ASSERT_TRUE(process.scheduler);
  EXPECT_EQ(process.scheduler->policy, "SCHED_FIFO");
  EXPECT_EQ(process.scheduler->priority, 10);
  EXPECT_EQ(process.scheduler->nice, 0);
  EXPECT_EQ(process.scheduler->flags, (std::vector<std::string>{"SCHED_FLAG_RESET_ON_FORK"}));
  ASSERT_TRUE(process.landlock);
  EXPECT_EQ(process.landlock->handled_access_fs,
            (std::vector<std::string>{"execute", "write_file", "read_file", "read_dir"}));
  EXPECT_EQ(process.landlock->handled_access_network, (std::vector<std::string>{"bind_tcp"}));
  ASSERT_EQ(process.landlock->path_beneath.size(), 2u);
  EXPECT_EQ(process.landlock->path_beneath[1].paths, (std::vector<std::string>{"/tmp"}));
  ASSERT_EQ(process.landlock->net_port.size(), 1u);
  EXPECT_EQ(process.landlock->net_port[0].ports, (std::vector<std::uint64_t>{8080}));
  EXPECT_TRUE(process.landlock->disable_best_effort);
}

TEST(ConfigParse, FullConfigMountsHooksAnnotations) {
  auto parsed = parse_config(kFullConfig);
  ASSERT_TRUE(parsed) << parsed.error().what();
  const Config& config = *parsed;

  ASSERT_EQ(config.mounts.size(), 3u);
  EXPECT_EQ(config.mounts[0].destination, "/proc");
  EXPECT_EQ(config.mounts[0].type, "proc");
  EXPECT_EQ(config.mounts[0].source, "proc");
  EXPECT_TRUE(config.mounts[0].options.empty());
  EXPECT_EQ(config.mounts[1].options, (std::vector<std::string>{"nosuid", "strictatime", "mode=755", "size=65536k"}));
  const Mount& data = config.mounts[2];
  EXPECT_EQ(data.type, "bind");
  EXPECT_EQ(data.source, "/srv/data");
  ASSERT_EQ(data.uid_mappings.size(), 1u);
  EXPECT_EQ(data.uid_mappings[0].container_id, 0u);
  EXPECT_EQ(data.uid_mappings[0].host_id, 100000u);
  EXPECT_EQ(data.uid_mappings[0].size, 65536u);
  ASSERT_EQ(data.gid_mappings.size(), 1u);
  EXPECT_EQ(data.gid_mappings[0].host_id, 200000u);
  EXPECT_EQ(data.gid_mappings[0].size, 1000u);

  const Hooks& hooks = config.hooks;
  EXPECT_FALSE(hooks.empty());
  ASSERT_EQ(hooks.prestart.size(), 1u);
  EXPECT_EQ(hooks.prestart[0].path, "/usr/bin/prestart");
  EXPECT_EQ(hooks.prestart[0].args, (std::vector<std::string>{"prestart", "x"}));
  EXPECT_EQ(hooks.prestart[0].env, (std::vector<std::string>{"A=1"}));
  EXPECT_EQ(hooks.prestart[0].timeout, std::optional<int>(5));
  ASSERT_EQ(hooks.create_runtime.size(), 1u);
  EXPECT_EQ(hooks.create_runtime[0].path, "/usr/bin/create-runtime");
  EXPECT_FALSE(hooks.create_runtime[0].timeout);
  ASSERT_EQ(hooks.create_container.size(), 1u);
  EXPECT_EQ(hooks.create_container[0].path, "/usr/bin/create-container");
  ASSERT_EQ(hooks.start_container.size(), 1u);
  EXPECT_EQ(hooks.start_container[0].path, "/usr/bin/start-container");
  ASSERT_EQ(hooks.poststart.size(), 2u);
  EXPECT_EQ(hooks.poststart[1].path, "/usr/bin/poststart2");
  ASSERT_EQ(hooks.poststop.size(), 1u);
  EXPECT_EQ(hooks.poststop[0].timeout, std::optional<int>(30));

  EXPECT_EQ(config.annotations.size(), 2u);
  EXPECT_EQ(config.annotations.at("org.example.key"), "value");
  EXPECT_EQ(config.annotations.at("com.example.other"), "");
}

TEST(ConfigParse, MinimalConfigHasDefaults) {
  auto parsed = parse(minimal_config());
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_FALSE(parsed->root.readonly);
  ASSERT_TRUE(parsed->process);
  EXPECT_FALSE(parsed->process->terminal);
  EXPECT_EQ(parsed->process->user.uid, 0u);
  EXPECT_FALSE(parsed->process->user.umask);
  EXPECT_FALSE(parsed->process->capabilities);
  EXPECT_TRUE(parsed->process->rlimits.empty());
  EXPECT_FALSE(parsed->process->oom_score_adj);
  EXPECT_TRUE(parsed->mounts.empty());
  EXPECT_TRUE(parsed->hooks.empty());
  EXPECT_TRUE(parsed->linux.namespaces.empty());
  EXPECT_FALSE(parsed->linux.resources);
  EXPECT_FALSE(parsed->linux.seccomp);
  EXPECT_FALSE(parsed->process->landlock);
  EXPECT_FALSE(parsed->linux.personality_domain);
}

TEST(ConfigParse, NullMeansNotSet) {
  auto config = minimal_config();
  config["hostname"] = nullptr;
  config["mounts"] = nullptr;
  config["linux"] = nullptr;
  config["process"]["user"] = nullptr;
  config["process"]["capabilities"] = nullptr;
  auto parsed = parse(config);
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_EQ(parsed->hostname, "");
  EXPECT_FALSE(parsed->process->capabilities);
}

TEST(ConfigParse, UnknownKeysAreIgnored) {
  auto config = minimal_config();
  config["vm"] = {{"hypervisor", {{"path", "/x"}}}};
  config["process"]["commandLine"] = "cmd.exe";
  config["root"]["future"] = true;
  config["linux"] = {{"netDevices", {{"eth0", nlohmann::json::object()}}}};
  auto parsed = parse(config);
  EXPECT_TRUE(parsed) << parsed.error().what();
}

class AcceptedVersion : public ::testing::TestWithParam<const char*> {};

TEST_P(AcceptedVersion, Parses) {
  auto config = minimal_config();
  config["ociVersion"] = GetParam();
  auto parsed = parse(config);
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_EQ(parsed->oci_version, GetParam());
}

INSTANTIATE_TEST_SUITE_P(ConfigParse, AcceptedVersion,
                         ::testing::Values("1.0.0", "1.0.1", "1.0.2", "1.0.2-dev", "1.0.0-rc5", "1.0.0-rc2-dev",
                                           "1.1.0", "1.1.0-rc.1", "1.2.0", "1.2.1", "1.3.0+build.7", "1.10.200"));

class RejectedVersion : public ::testing::TestWithParam<const char*> {};

TEST_P(RejectedVersion, FailsNamingTheField) {
  auto config = minimal_config();
  config["ociVersion"] = GetParam();
  std::string error = parse_error(config);
  EXPECT_TRUE(error.starts_with("config.json: ociVersion: ")) << error;
  EXPECT_NE(error.find(GetParam()), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(ConfigParse, RejectedVersion,
                         ::testing::Values("2.0.0", "0.9.0", "0.1.0-dev", "1", "1.0", "v1.0.0", "1.0.0-", "1.x.0",
                                           "1.0.0.0", "1.0.0 ", "latest", "-1.0.0", "1..0"));

TEST(ConfigParse, VersionMessages) {
  auto config = minimal_config();
  config.erase("ociVersion");
  EXPECT_EQ(parse_error(config), "config.json: ociVersion: required");
  config["ociVersion"] = 1;
  EXPECT_EQ(parse_error(config), "config.json: ociVersion: expected a string, got integer");
  config["ociVersion"] = "2.0.0";
  EXPECT_EQ(parse_error(config), "config.json: ociVersion: unsupported version \"2.0.0\": ward supports runtime-spec 1.x");
  config["ociVersion"] = "1.0";
  EXPECT_EQ(parse_error(config), "config.json: ociVersion: \"1.0\" is not a version of the form 1.x.y");
  config["ociVersion"] = "";
  EXPECT_EQ(parse_error(config), "config.json: ociVersion: \"\" is not a version of the form 1.x.y");
}

TEST(ConfigParse, MalformedJsonNamesLineAndColumn) {
  auto parsed = parse_config("{\n  \"ociVersion\": \"1.0.0\",\n  \"root\": {\"path\": x}\n}");
  ASSERT_FALSE(parsed);
  EXPECT_TRUE(parsed.error().what().starts_with("config.json: invalid JSON at line 3 column 20: ")) << parsed.error().what();
  EXPECT_EQ(parsed.error().what().find('\n'), std::string::npos);

  parsed = parse_config("");
  ASSERT_FALSE(parsed);
  EXPECT_TRUE(parsed.error().what().starts_with("config.json: invalid JSON at line 1 column 1: ")) << parsed.error().what();

  parsed = parse_config("{\"ociVersion\": \"1.0.0\"");
  ASSERT_FALSE(parsed);
  EXPECT_TRUE(parsed.error().what().starts_with("config.json: invalid JSON at line 1 column ")) << parsed.error().what();

  parsed = parse_config("{} trailing");
  ASSERT_FALSE(parsed);
  EXPECT_TRUE(parsed.error().what().starts_with("config.json: invalid JSON at line 1 column 6: ")) << parsed.error().what();
}

TEST(ConfigParse, DocumentMustBeAnObject) {
  auto parsed = parse_config("[1, 2]");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().what(), "config.json: expected an object, got array");
  parsed = parse_config("\"text\"");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().what(), "config.json: expected an object, got string");
}

TEST(ConfigParse, TypeErrorsNameTheJsonPath) {
  struct Case {
    nlohmann::json::json_pointer pointer;
    nlohmann::json value;
    const char* expected;
  };
  using Pointer = nlohmann::json::json_pointer;
  const Case cases[] = {
      {Pointer("/process/user/uid"), "0", "config.json: process.user.uid: expected an unsigned integer, got string"},
      {Pointer("/process/user/uid"), -1,
       "config.json: process.user.uid: expected an unsigned integer, got negative integer"},
      {Pointer("/process/user/uid"), 4294967296LL,
       "config.json: process.user.uid: 4294967296 is out of range (0 to 4294967295)"},
      {Pointer("/process/user/gid"), 1.5,
       "config.json: process.user.gid: expected an unsigned integer, got floating-point number"},
      {Pointer("/process/user/additionalGids"), "5",
       "config.json: process.user.additionalGids: expected an array, got string"},
      {Pointer("/process/user/additionalGids"),
       {1, "x"},
       "config.json: process.user.additionalGids[1]: expected an unsigned integer, got string"},
      {Pointer("/process/terminal"), "true", "config.json: process.terminal: expected a boolean, got string"},
      {Pointer("/process/args"), "/bin/sh", "config.json: process.args: expected an array, got string"},
      {Pointer("/process/args"), {"/bin/sh", 1}, "config.json: process.args[1]: expected a string, got integer"},
      {Pointer("/process/env"), {{{"A", "B"}}}, "config.json: process.env[0]: expected a string, got object"},
      {Pointer("/process/oomScoreAdj"), "5", "config.json: process.oomScoreAdj: expected an integer, got string"},
      {Pointer("/process/oomScoreAdj"), 5000000000LL,
       "config.json: process.oomScoreAdj: 5000000000 is out of range (-2147483648 to 2147483647)"},
      // Read as -1 before the reader checked unsigned values first.
      {Pointer("/process/oomScoreAdj"), 18446744073709551615ULL,
       "config.json: process.oomScoreAdj: 18446744073709551615 is out of range (-2147483648 to 2147483647)"},
      {Pointer("/process"), {1}, "config.json: process: expected an object, got array"},
      {Pointer("/root"), "rootfs", "config.json: root: expected an object, got string"},
      {Pointer("/root/readonly"), 1, "config.json: root.readonly: expected a boolean, got integer"},
      {Pointer("/hostname"), false, "config.json: hostname: expected a string, got boolean"},
      {Pointer("/mounts"), nlohmann::json::object(), "config.json: mounts: expected an array, got object"},
      {Pointer("/annotations"), {{"a", 1}}, "config.json: annotations[\"a\"]: expected a string, got integer"},
      {Pointer("/hooks"), {1}, "config.json: hooks: expected an object, got array"},
  };
  for (const auto& c : cases) {
    auto config = minimal_config();
    config[c.pointer] = c.value;
    EXPECT_EQ(parse_error(config), c.expected) << c.pointer.to_string();
  }
}

TEST(ConfigParse, StringsWithNulAreRejected) {
  auto config = minimal_config();
  config["process"]["args"] = {std::string("/bin/sh\0-c", 10)};
  EXPECT_EQ(parse_error(config), "config.json: process.args[0]: must not contain a NUL character");
}

TEST(ConfigParse, RootIsRequired) {
  auto config = minimal_config();
  config.erase("root");
  EXPECT_EQ(parse_error(config), "config.json: root: required");
  config["root"] = nlohmann::json::object();
  EXPECT_EQ(parse_error(config), "config.json: root.path: required");
  config["root"]["path"] = "";
  EXPECT_EQ(parse_error(config), "config.json: root.path: must not be empty");
}

TEST(ConfigParse, ProcessRules) {
  auto config = minimal_config();
  config.erase("process");
  EXPECT_EQ(parse_error(config), "config.json: process: required");

  config = minimal_config();
  config["process"]["args"] = nlohmann::json::array();
  EXPECT_EQ(parse_error(config), "config.json: process.args: must not be empty");
  config["process"].erase("args");
  EXPECT_EQ(parse_error(config), "config.json: process.args: must not be empty");
  config["process"]["args"] = {""};
  EXPECT_EQ(parse_error(config), "config.json: process.args[0]: must not be empty");

  config = minimal_config();
  config["process"]["cwd"] = "home";
  EXPECT_EQ(parse_error(config), "config.json: process.cwd: must be an absolute path, got \"home\"");
  config["process"].erase("cwd");
  EXPECT_EQ(parse_error(config), "config.json: process.cwd: required");

  config = minimal_config();
  config["process"]["env"] = {"A=1", "NOEQUALS"};
  EXPECT_EQ(parse_error(config), "config.json: process.env[1]: \"NOEQUALS\" is not of the form NAME=VALUE");
  config["process"]["env"] = {"=value"};
  EXPECT_EQ(parse_error(config), "config.json: process.env[0]: \"=value\" is not of the form NAME=VALUE");

  config = minimal_config();
  config["process"]["oomScoreAdj"] = 1001;
  EXPECT_EQ(parse_error(config), "config.json: process.oomScoreAdj: 1001 is out of range (-1000 to 1000)");
  config["process"]["oomScoreAdj"] = -1000;
  EXPECT_TRUE(parse(config));

  config = minimal_config();
  config["process"]["user"] = {{"uid", 0}, {"gid", 0}, {"umask", 01000}};
  EXPECT_EQ(parse_error(config), "config.json: process.user.umask: 01000 is not a file mode mask (0 to 0777)");

  config = minimal_config();
  config["process"]["consoleSize"] = {{"height", 10}};
  EXPECT_EQ(parse_error(config), "config.json: process.consoleSize.width: required");
  config["process"]["consoleSize"] = {{"height", 70000}, {"width", 80}};
  EXPECT_EQ(parse_error(config), "config.json: process.consoleSize.height: 70000 is out of range (0 to 65535)");
}

TEST(ConfigParse, CapabilityErrors) {
  auto config = minimal_config();
  config["process"]["capabilities"] = {{"bounding", {"CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_FOO"}}};
  EXPECT_EQ(parse_error(config), "config.json: process.capabilities.bounding[3]: unknown capability \"CAP_FOO\"");
  for (const char* set : {"effective", "inheritable", "permitted", "ambient"}) {
    config["process"]["capabilities"] = {{set, {"CAP_NOPE"}}};
    EXPECT_EQ(parse_error(config),
              fmt::format("config.json: process.capabilities.{}[0]: unknown capability \"CAP_NOPE\"", set));
  }
  config["process"]["capabilities"] = {{"bounding", "CAP_KILL"}};
  EXPECT_EQ(parse_error(config), "config.json: process.capabilities.bounding: expected an array, got string");
  config["process"]["capabilities"] = {{"bounding", {7}}};
  EXPECT_EQ(parse_error(config), "config.json: process.capabilities.bounding[0]: expected a string, got integer");
}

TEST(ConfigParse, RlimitErrors) {
  auto config = minimal_config();
  auto& rlimits = config["process"]["rlimits"];
  rlimits = nlohmann::json::parse(R"([{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}])");
  EXPECT_EQ(parse_error(config), "config.json: process.rlimits[0].type: unknown resource limit \"RLIMIT_FOO\"");
  rlimits = nlohmann::json::parse(R"([{"type": "rlimit_nofile", "soft": 1, "hard": 1}])");
  EXPECT_EQ(parse_error(config), "config.json: process.rlimits[0].type: unknown resource limit \"rlimit_nofile\"");
  rlimits = nlohmann::json::parse(R"([{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 2},
                                      {"type": "RLIMIT_NPROC", "soft": 1, "hard": 2},
                                      {"type": "RLIMIT_NOFILE", "soft": 3, "hard": 4}])");
  EXPECT_EQ(parse_error(config), "config.json: process.rlimits[2].type: duplicate resource limit \"RLIMIT_NOFILE\"");
  rlimits = nlohmann::json::parse(R"([{"type": "RLIMIT_NOFILE", "hard": 2}])");
  EXPECT_EQ(parse_error(config), "config.json: process.rlimits[0].soft: required");
  rlimits = nlohmann::json::parse(R"([{"soft": 1, "hard": 2}])");
  EXPECT_EQ(parse_error(config), "config.json: process.rlimits[0].type: required");
  rlimits = nlohmann::json::parse(R"([{"type": "RLIMIT_NOFILE", "soft": 10, "hard": 2}])");
  EXPECT_EQ(parse_error(config), "config.json: process.rlimits[0]: soft limit 10 is above the hard limit 2");
  rlimits = nlohmann::json::parse(R"([{"type": "RLIMIT_NOFILE", "soft": -1, "hard": 2}])");
  EXPECT_EQ(parse_error(config), "config.json: process.rlimits[0].soft: expected an unsigned integer, got negative integer");
}

TEST(ConfigParse, EveryRlimitName) {
  const std::pair<const char*, int> names[] = {
      {"RLIMIT_CPU", RLIMIT_CPU},       {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_DATA", RLIMIT_DATA},
      {"RLIMIT_STACK", RLIMIT_STACK},   {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_RSS", RLIMIT_RSS},
      {"RLIMIT_NPROC", RLIMIT_NPROC},   {"RLIMIT_NOFILE", RLIMIT_NOFILE},   {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
      {"RLIMIT_AS", RLIMIT_AS},         {"RLIMIT_LOCKS", RLIMIT_LOCKS},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
      {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE}, {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
      {"RLIMIT_RTTIME", RLIMIT_RTTIME},
  };
  auto config = minimal_config();
  for (const auto& [name, number] : names)
    config["process"]["rlimits"].push_back({{"type", name}, {"soft", 1}, {"hard", 2}});
  auto parsed = parse(config);
  ASSERT_TRUE(parsed) << parsed.error().what();
  ASSERT_EQ(parsed->process->rlimits.size(), std::size(names));
  for (std::size_t i = 0; i < std::size(names); ++i) {
    EXPECT_EQ(parsed->process->rlimits[i].resource, names[i].second) << names[i].first;
    EXPECT_EQ(parsed->process->rlimits[i].name, names[i].first);
  }
}

TEST(ConfigParse, IoPriority) {
  auto config = minimal_config();
  for (auto [name, number] : {std::pair{"IOPRIO_CLASS_RT", IOPRIO_CLASS_RT}, std::pair{"IOPRIO_CLASS_BE", IOPRIO_CLASS_BE},
                              std::pair{"IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE}}) {
    config["process"]["ioPriority"] = {{"class", name}, {"priority", 7}};
    auto parsed = parse(config);
    ASSERT_TRUE(parsed) << parsed.error().what();
    EXPECT_EQ(parsed->process->io_priority->io_class, static_cast<int>(number));
    EXPECT_EQ(parsed->process->io_priority->priority, 7);
  }
  config["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_NONE"}};
  EXPECT_EQ(parse_error(config), "config.json: process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_NONE\"");
  config["process"]["ioPriority"] = {{"priority", 1}};
  EXPECT_EQ(parse_error(config), "config.json: process.ioPriority.class: required");
  config["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_BE"}, {"priority", 8}};
  EXPECT_EQ(parse_error(config), "config.json: process.ioPriority.priority: 8 is out of range (0 to 7)");
}

TEST(ConfigParse, Scheduler) {
  auto config = minimal_config();
  auto& scheduler = config["process"]["scheduler"];
  scheduler = {{"policy", "SCHED_DEADLINE"}, {"runtime", 1000}, {"deadline", 2000}, {"period", 3000}};
  auto parsed = parse(config);
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_EQ(parsed->process->scheduler->runtime, 1000u);
  EXPECT_EQ(parsed->process->scheduler->deadline, 2000u);
  EXPECT_EQ(parsed->process->scheduler->period, 3000u);

  scheduler = {{"policy", "SCHED_OTHER"}, {"nice", -5}};
  parsed = parse(config);
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_EQ(parsed->process->scheduler->nice, -5);

  scheduler = {{"policy", "SCHED_FAST"}};
  EXPECT_EQ(parse_error(config), "config.json: process.scheduler.policy: unknown scheduling policy \"SCHED_FAST\"");
  scheduler = {{"nice", 1}};
  EXPECT_EQ(parse_error(config), "config.json: process.scheduler.policy: required");
  scheduler = {{"policy", "SCHED_OTHER"}, {"nice", 20}};
  EXPECT_EQ(parse_error(config), "config.json: process.scheduler.nice: 20 is out of range (-20 to 19)");
  scheduler = {{"policy", "SCHED_RR"}, {"priority", 0}};
  EXPECT_EQ(parse_error(config), "config.json: process.scheduler.priority: 0 is out of range for SCHED_RR (1 to 99)");
  scheduler = {{"policy", "SCHED_BATCH"}, {"priority", 3}};
  EXPECT_EQ(parse_error(config), "config.json: process.scheduler.priority: must be 0 for SCHED_BATCH");
  scheduler = {{"policy", "SCHED_OTHER"}, {"runtime", 3}};
  EXPECT_EQ(parse_error(config),
            "config.json: process.scheduler: runtime, deadline and period apply only to SCHED_DEADLINE, not SCHED_OTHER");
  scheduler = {{"policy", "SCHED_OTHER"}, {"flags", {"SCHED_FLAG_KEEP_ALL_THE_THINGS"}}};
  EXPECT_EQ(parse_error(config),
            "config.json: process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_KEEP_ALL_THE_THINGS\"");
}

TEST(ConfigParse, MountRules) {
  auto config = minimal_config();
  config["mounts"] = nlohmann::json::parse(R"([{"destination": "/a"}, {"destination": "tmp", "type": "tmpfs"}])");
  EXPECT_EQ(parse_error(config), "config.json: mounts[1].destination: must be an absolute path, got \"tmp\"");

  // runtime-spec 1.0 allowed relative destinations, read from "/".
  config["ociVersion"] = "1.0.2";
  auto parsed = parse(config);
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_EQ(parsed->mounts[1].destination, "/tmp");

  config["mounts"] = nlohmann::json::parse(R"([{"type": "tmpfs"}])");
  EXPECT_EQ(parse_error(config), "config.json: mounts[0].destination: required");
  config["mounts"] = nlohmann::json::parse(R"([{"destination": ""}])");
  EXPECT_EQ(parse_error(config), "config.json: mounts[0].destination: must not be empty");
  config["mounts"] = nlohmann::json::parse(R"([{"destination": "/x", "options": "ro"}])");
  EXPECT_EQ(parse_error(config), "config.json: mounts[0].options: expected an array, got string");
  config["mounts"] = nlohmann::json::parse(R"([{"destination": "/x", "uidMappings": [{"containerID": 0, "size": 1}]}])");
  EXPECT_EQ(parse_error(config), "config.json: mounts[0].uidMappings[0].hostID: required");
  config["mounts"] = nlohmann::json::parse(
      R"([{"destination": "/x", "gidMappings": [{"containerID": 0, "hostID": 0, "size": 0}]}])");
  EXPECT_EQ(parse_error(config), "config.json: mounts[0].gidMappings[0].size: must be greater than zero");
  config["mounts"] = nlohmann::json::parse(R"(["/x"])");
  EXPECT_EQ(parse_error(config), "config.json: mounts[0]: expected an object, got string");
}

TEST(ConfigParse, HookRules) {
  for (const char* kind : {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}) {
    auto config = minimal_config();
    config["hooks"][kind] = nlohmann::json::parse(R"([{"path": "/ok"}, {"path": "relative/hook"}])");
    EXPECT_EQ(parse_error(config),
              fmt::format("config.json: hooks.{}[1].path: must be an absolute path, got \"relative/hook\"", kind));
  }
  auto config = minimal_config();
  config["hooks"]["poststop"] = nlohmann::json::parse(R"([{"path": "/x", "timeout": 0}])");
  EXPECT_EQ(parse_error(config), "config.json: hooks.poststop[0].timeout: must be greater than zero, got 0");
  config["hooks"]["poststop"] = nlohmann::json::parse(R"([{"path": "/x", "timeout": -3}])");
  EXPECT_EQ(parse_error(config), "config.json: hooks.poststop[0].timeout: must be greater than zero, got -3");
  config["hooks"]["poststop"] = nlohmann::json::parse(R"([{"args": ["x"]}])");
  EXPECT_EQ(parse_error(config), "config.json: hooks.poststop[0].path: required");
  config["hooks"]["poststop"] = nlohmann::json::parse(R"([{"path": "/x", "env": "A=1"}])");
  EXPECT_EQ(parse_error(config), "config.json: hooks.poststop[0].env: expected an array, got string");
}

TEST(ConfigParse, AnnotationKeysMustNotBeEmpty) {
  auto config = minimal_config();
  config["annotations"] = {{"", "x"}};
  EXPECT_EQ(parse_error(config), "config.json: annotations: keys must not be empty");
}

TEST(ConfigParse, NamespaceLookup) {
  auto config = minimal_config();
  config["linux"] = nlohmann::json::parse(R"({"namespaces": [{"type": "pid"}, {"type": "network", "path": "/n"}]})");
  auto parsed = parse(config);
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_TRUE(parsed->has_namespace(NamespaceKind::pid));
  EXPECT_TRUE(parsed->has_namespace(NamespaceKind::network));
  EXPECT_FALSE(parsed->has_namespace(NamespaceKind::mount));
  const Namespace* network = parsed->find_namespace(NamespaceKind::network);
  ASSERT_NE(network, nullptr);
  EXPECT_EQ(network->path, "/n");
  EXPECT_EQ(parsed->find_namespace(NamespaceKind::user), nullptr);
}

TEST(ConfigParse, NamespaceKindNames) {
  EXPECT_STREQ(namespace_kind_name(NamespaceKind::pid), "pid");
  EXPECT_STREQ(namespace_kind_name(NamespaceKind::network), "network");
  EXPECT_STREQ(namespace_kind_name(NamespaceKind::mount), "mount");
  EXPECT_STREQ(namespace_kind_name(NamespaceKind::ipc), "ipc");
  EXPECT_STREQ(namespace_kind_name(NamespaceKind::uts), "uts");
  EXPECT_STREQ(namespace_kind_name(NamespaceKind::user), "user");
  EXPECT_STREQ(namespace_kind_name(NamespaceKind::cgroup), "cgroup");
  EXPECT_STREQ(namespace_kind_name(NamespaceKind::time), "time");
}

class LoadConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(temp_.ok());
    bundle_ = temp_.path();
  }
  ward::test_support::TempDir temp_{"ward-config-test"};
  void write_config(const std::string& text) {
    std::ofstream out(bundle_ + "/config.json");
    out << text;
  }
  std::string bundle_;
};

TEST_F(LoadConfigTest, ReadsBundleConfig) {
  write_config(minimal_config().dump(2));
  auto loaded = load_config(bundle_);
  ASSERT_TRUE(loaded) << loaded.error().what();
  EXPECT_EQ(loaded->root.path, "rootfs");
  loaded = load_config(bundle_ + "/");
  ASSERT_TRUE(loaded) << loaded.error().what();
}

TEST_F(LoadConfigTest, ErrorsNameTheFile) {
  auto missing = load_config(bundle_);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().what().find(bundle_ + "/config.json"), std::string::npos) << missing.error().what();
  EXPECT_EQ(missing.error().code, ENOENT);

  auto config = minimal_config();
  config["process"]["user"]["uid"] = "root";
  write_config(config.dump());
  auto invalid = load_config(bundle_);
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().what(),
            bundle_ + "/config.json: process.user.uid: expected an unsigned integer, got string");

  write_config("{ nope");
  invalid = load_config(bundle_);
  ASSERT_FALSE(invalid);
  EXPECT_TRUE(invalid.error().what().starts_with(bundle_ + "/config.json: invalid JSON at line 1 column 4: "))
      << invalid.error().what();
}

TEST(ParseProcess, ReadsProcessJson) {
  auto parsed = parse_process(R"({
    "terminal": false, "user": {"uid": 5, "gid": 6}, "args": ["/bin/ls", "-l"], "env": ["A=b"], "cwd": "/tmp",
    "capabilities": {"bounding": ["CAP_KILL"]}, "noNewPrivileges": true,
    "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 10, "hard": 20}]
  })");
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_EQ(parsed->user.uid, 5u);
  EXPECT_EQ(parsed->user.gid, 6u);
  EXPECT_EQ(parsed->args, (std::vector<std::string>{"/bin/ls", "-l"}));
  EXPECT_EQ(parsed->cwd, "/tmp");
  EXPECT_EQ(parsed->capabilities->bounding, (std::vector<int>{5}));
  EXPECT_TRUE(parsed->no_new_privileges);
  ASSERT_EQ(parsed->rlimits.size(), 1u);
}

TEST(ParseProcess, ErrorsArePrefixedWithTheFile) {
  auto parsed = parse_process(R"({"args": [], "cwd": "/"})");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().what(), "process.json: args: must not be empty");
  parsed = parse_process(R"({"args": ["x"], "cwd": "/", "user": {"uid": "x"}})");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().what(), "process.json: user.uid: expected an unsigned integer, got string");
  parsed = parse_process("[]");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().what(), "process.json: expected an object, got array");
  parsed = parse_process("{");
  ASSERT_FALSE(parsed);
  EXPECT_TRUE(parsed.error().what().starts_with("process.json: invalid JSON at line 1 column 2: ")) << parsed.error().what();
}

}  // namespace
}  // namespace ward::oci
