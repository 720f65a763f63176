// ward's volumes end to end: `ward volume` create, ls, inspect, rm and
// prune; -v NAME:/PATH, -v /PATH, --mount type=volume, the image's VOLUME
// and --volumes-from in containers; data that outlives a container,
// read-only mounts, Docker's host-side ownership through the idmapped
// bind, copy-up, rm -v and --rm, a symlinked target that stays in the
// rootfs, and bad input and a killed ward that leave nothing behind.
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clients_support.h"
#include "engine_support.h"

namespace ward::test {
namespace {

class EngineVolumes : public EngineTest {
 protected:
  std::string volumes_dir() const { return root_ + "/volumes"; }
  std::string data_dir(const std::string& name) const { return volumes_dir() + "/" + name + "/_data"; }
  std::vector<std::string> volume_names() {
    auto listed = ward({"volume", "ls", "-q"});
    EXPECT_EQ(listed.status, 0) << listed.err;
    std::vector<std::string> names;
    std::size_t start = 0;
    while (start < listed.out.size()) {
      auto end = listed.out.find('\n', start);
      names.push_back(listed.out.substr(start, end - start));
      start = end + 1;
    }
    return names;
  }
  // Entries directly under <store>/volumes other than its lock file.
  std::size_t volume_directories() {
    std::size_t count = 0;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(volumes_dir(), error))
      if (entry.path().filename() != ".lock") ++count;
    return count;
  }
  void expect_one_line_error(const Outcome& outcome, const std::string& message) {
    EXPECT_NE(outcome.status, 0);
    EXPECT_NE(outcome.err.find(message), std::string::npos) << outcome.err;
    EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.err;
  }
};

TEST_F(EngineVolumes, CreateListInspectRemove) {
  auto created = ward({"volume", "create", "--label", "team=a", "data"});
  ASSERT_EQ(created.status, 0) << created.err;
  EXPECT_EQ(created.out, "data\n");
  // Docker's create is idempotent.
  EXPECT_EQ(ward({"volume", "create", "data"}).status, 0);
  auto generated = ward({"volume", "create"});
  ASSERT_EQ(generated.status, 0) << generated.err;
  EXPECT_TRUE(std::regex_match(generated.out, std::regex("[0-9a-f]{64}\n"))) << generated.out;

  auto table = ward({"volume", "ls"});
  EXPECT_EQ(table.out.substr(0, table.out.find('\n')), "DRIVER    VOLUME NAME");
  EXPECT_NE(table.out.find("local     data\n"), std::string::npos) << table.out;
  EXPECT_EQ(ward({"volume", "ls", "-q", "--filter", "label=team=a"}).out, "data\n");
  EXPECT_EQ(ward({"volume", "ls", "--format", "{{.Name}} {{.Driver}} {{.Labels}}", "--filter", "name=dat"}).out,
            "data local team=a\n");

  auto inspected = ward({"volume", "inspect", "data"});
  ASSERT_EQ(inspected.status, 0) << inspected.err;
  auto document = nlohmann::json::parse(inspected.out).at(0);
  EXPECT_EQ(document["Name"], "data");
  EXPECT_EQ(document["Driver"], "local");
  EXPECT_EQ(document["Scope"], "local");
  EXPECT_EQ(document["Mountpoint"], data_dir("data"));
  EXPECT_EQ(document["Labels"]["team"], "a");
  EXPECT_TRUE(document["Options"].is_null());
  EXPECT_FALSE(document["CreatedAt"].get<std::string>().empty());
  EXPECT_EQ(ward({"volume", "inspect", "-f", "{{.Mountpoint}}", "data"}).out, data_dir("data") + "\n");
  EXPECT_EQ(ward({"inspect", "--type", "volume", "-f", "{{.Name}} {{.Scope}}", "data"}).out, "data local\n");
  struct stat st {};
  ASSERT_EQ(::stat(data_dir("data").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_mode & 07777, 0755u);

  auto removed = ward({"volume", "rm", "data"});
  EXPECT_EQ(removed.status, 0) << removed.err;
  EXPECT_NE(::access((volumes_dir() + "/data").c_str(), F_OK), 0);
  expect_one_line_error(ward({"volume", "inspect", "data"}), "no such volume: data");
  expect_one_line_error(ward({"volume", "rm", "data"}), "no such volume: data");
  EXPECT_EQ(ward({"volume", "rm", "-f", "data"}).status, 0);
}

TEST_F(EngineVolumes, DataPersistsAcrossContainersAndTheVolumeIsMadeAtCreate) {
  run_out({"-v", "data:/data"}, "echo kept > /data/file");
  EXPECT_EQ(volume_names(), std::vector<std::string>{"data"});
  EXPECT_EQ(run_out({"--mount", "type=volume,source=data,target=/elsewhere"}, "cat /elsewhere/file"), "kept\n");
}

TEST_F(EngineVolumes, ReadOnlyMountsRefuseWrites) {
  run_out({"-v", "data:/data"}, "echo x > /data/file");
  for (const auto& flags : std::vector<std::vector<std::string>>{
           {"-v", "data:/data:ro"}, {"--mount", "type=volume,source=data,target=/data,readonly"}}) {
    auto args = std::vector<std::string>{"run", "--rm"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {"busybox", "sh", "-c", "cat /data/file && touch /data/new"});
    auto outcome = ward(args);
    EXPECT_NE(outcome.status, 0) << flags[1];
    EXPECT_EQ(outcome.out, "x\n");
    EXPECT_NE(outcome.err.find("Read-only file system"), std::string::npos) << outcome.err;
  }
  EXPECT_NE(::access((data_dir("data") + "/new").c_str(), F_OK), 0);
}

TEST_F(EngineVolumes, FilesOfContainerRootAreHostRootsWhileItsRootIsASubuid) {
  auto out = run_out({"-v", "data:/data"}, "cat /proc/self/uid_map; touch /data/file; mkdir /data/dir; id -u");
  // The container's root is a subordinate uid on the host...
  std::istringstream map(out);
  long inside = -1, outside = -1;
  map >> inside >> outside;
  EXPECT_EQ(inside, 0);
  EXPECT_GT(outside, 0) << out;
  // ...and yet what it writes in the volume is host root's, as Docker's.
  for (const char* name : {"/file", "/dir"}) {
    struct stat st {};
    ASSERT_EQ(::stat((data_dir("data") + name).c_str(), &st), 0) << name;
    EXPECT_EQ(st.st_uid, 0u) << name;
    EXPECT_EQ(st.st_gid, 0u) << name;
  }
}

TEST_F(EngineVolumes, NewVolumeGetsTheImagesFilesUnlessNocopy) {
  EXPECT_NE(run_out({"-v", "etc:/etc"}, "cat /etc/passwd").find("root:"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat((data_dir("etc") + "/passwd").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_gid, 0u);
  // A volume with files is not copied into again.
  run_out({"-v", "etc:/etc"}, "echo mine > /etc/passwd");
  EXPECT_EQ(run_out({"-v", "etc:/etc"}, "cat /etc/passwd"), "mine\n");

  EXPECT_EQ(run_out({"-v", "bare:/etc:nocopy"}, "test -e /etc/passwd || echo none"), "none\n");
  EXPECT_EQ(
      run_out({"--mount", "type=volume,source=bare2,target=/etc,volume-nocopy"}, "test -e /etc/passwd || echo none"),
      "none\n");
}

TEST_F(EngineVolumes, TheImagesVolumesAreAnonymousVolumes) {
  std::string tar = make_image_tar(dir_);
  ASSERT_EQ(ward({"import", "-c", "VOLUME /etc", "-c", R"(CMD ["sh"])", tar, "local/withvolume"}).status, 0);
  auto created = ward({"create", "--name", "box", "local/withvolume", "cat", "/etc/passwd"});
  ASSERT_EQ(created.status, 0) << created.err;
  auto names = volume_names();
  ASSERT_EQ(names.size(), 1u);
  EXPECT_TRUE(std::regex_match(names[0], std::regex("[0-9a-f]{64}")));
  auto started = ward({"start", "-a", "box"});
  EXPECT_EQ(started.status, 0) << started.err;
  EXPECT_EQ(started.out, "root:x:0:0:root:/root:/bin/sh\n");
  EXPECT_EQ(field("box", "{{json .Config.Volumes}}"), R"({"/etc":{}})");
  ASSERT_EQ(ward({"rm", "-v", "box"}).status, 0);
  EXPECT_TRUE(volume_names().empty());
  EXPECT_EQ(volume_directories(), 0u);
}

TEST_F(EngineVolumes, RemovalIsRefusedWhileAContainerUsesIt) {
  auto created = ward({"create", "--name", "user", "-v", "data:/data", "busybox", "true"});
  ASSERT_EQ(created.status, 0) << created.err;
  std::string id = created.out.substr(0, 64);
  auto refused = ward({"volume", "rm", "data"});
  expect_one_line_error(refused, "volume is in use");
  EXPECT_NE(refused.err.find(id), std::string::npos) << refused.err;
  expect_one_line_error(ward({"volume", "rm", "-f", "data"}), "volume is in use");
  EXPECT_EQ(ward({"volume", "ls", "-q", "--filter", "dangling=false"}).out, "data\n");
  EXPECT_EQ(ward({"volume", "ls", "-q", "--filter", "dangling=true"}).out, "");
  ASSERT_EQ(ward({"rm", "user"}).status, 0);
  // A named volume outlives its container, even with rm -v.
  EXPECT_EQ(ward({"volume", "ls", "-q", "--filter", "dangling=true"}).out, "data\n");
  EXPECT_EQ(ward({"volume", "rm", "data"}).status, 0);
  EXPECT_EQ(volume_directories(), 0u);
}

TEST_F(EngineVolumes, RmVolumesRemovesOnlyAnonymousOnes) {
  ASSERT_EQ(ward({"create", "--name", "box", "-v", "named:/n", "-v", "/anonymous", "--mount", "type=volume,target=/m",
                  "busybox", "true"})
                .status,
            0);
  EXPECT_EQ(volume_names().size(), 3u);
  ASSERT_EQ(ward({"rm", "-v", "box"}).status, 0);
  EXPECT_EQ(volume_names(), std::vector<std::string>{"named"});
  EXPECT_EQ(volume_directories(), 1u);
  // Without -v, an anonymous volume stays (dangling), as Docker's.
  ASSERT_EQ(ward({"create", "--name", "second", "-v", "/anonymous", "busybox", "true"}).status, 0);
  ASSERT_EQ(ward({"rm", "second"}).status, 0);
  EXPECT_EQ(volume_names().size(), 2u);
}

TEST_F(EngineVolumes, RunRmRemovesAnonymousVolumes) {
  run_out({"-v", "/scratch", "-v", "kept:/kept"}, "echo x > /scratch/f; echo y > /kept/f");
  EXPECT_EQ(volume_names(), std::vector<std::string>{"kept"});
  EXPECT_EQ(volume_directories(), 1u);
}

TEST_F(EngineVolumes, ADetachedRunRmLeavesNoAnonymousVolume) {
  std::string id = run_detached({"--rm", "-v", "/scratch", "busybox", "sh", "-c", "echo x > /scratch/f"});
  bool gone = false;
  for (int i = 0; i < 600 && !gone; ++i) {
    gone = ward({"ps", "-a", "-q"}).out.empty() && volume_names().empty();
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(gone) << ward({"volume", "ls"}).out;
  EXPECT_EQ(volume_directories(), 0u);
}

TEST_F(EngineVolumes, VolumesFromCopiesTheMountsWithTheirModeOrTheGivenOne) {
  ASSERT_EQ(ward({"create", "--name", "source", "-v", "shared:/shared", "busybox", "true"}).status, 0);
  run_out({"--volumes-from", "source"}, "echo from-second > /shared/f");
  auto read_only =
      ward({"run", "--rm", "--volumes-from", "source:ro", "busybox", "sh", "-c", "cat /shared/f; touch /shared/g"});
  EXPECT_NE(read_only.status, 0);
  EXPECT_EQ(read_only.out, "from-second\n");
  auto missing = ward({"run", "--rm", "--volumes-from", "nosuchcontainer", "busybox", "true"});
  expect_one_line_error(missing, "nosuchcontainer");
  EXPECT_EQ(ward({"ps", "-a", "-q"}).out.size(), 13u);  // only the source
}

TEST_F(EngineVolumes, ContainerInspectShowsVolumeMounts) {
  ASSERT_EQ(ward({"create", "--name", "box", "-v", "data:/data:ro", "-v", "/anon", "busybox", "true"}).status, 0);
  auto document = inspect_container("box");
  ASSERT_EQ(document["Mounts"].size(), 2u) << document["Mounts"].dump();
  const auto& named = document["Mounts"][0];
  EXPECT_EQ(named["Type"], "volume");
  EXPECT_EQ(named["Name"], "data");
  EXPECT_EQ(named["Source"], data_dir("data"));
  EXPECT_EQ(named["Destination"], "/data");
  EXPECT_EQ(named["Driver"], "local");
  EXPECT_EQ(named["Mode"], "ro");
  EXPECT_EQ(named["RW"], false);
  EXPECT_EQ(named["Propagation"], "");
  EXPECT_EQ(document["Mounts"][1]["RW"], true);
  EXPECT_EQ(document["Mounts"][1]["Destination"], "/anon");
  EXPECT_EQ(document["HostConfig"]["Binds"], nlohmann::json({"data:/data:ro"}));
  EXPECT_EQ(ward({"ps", "-a", "--format", "{{.LocalVolumes}} {{.Mounts}}"}).out.substr(0, 7), "2 data,");
  ASSERT_EQ(ward({"create", "--name", "bound", "-v", dir_ + ":/h:ro", "busybox", "true"}).status, 0);
  auto bind = inspect_container("bound")["Mounts"].at(0);
  EXPECT_EQ(bind["Type"], "bind");
  EXPECT_EQ(bind["Source"], dir_);
  EXPECT_EQ(bind["Destination"], "/h");
  EXPECT_EQ(bind["RW"], false);
  EXPECT_TRUE(document["Config"]["Volumes"].contains("/anon"));
}

TEST_F(EngineVolumes, PruneRemovesUnusedVolumesMatchingTheFilters) {
  ASSERT_EQ(ward({"volume", "create", "plain"}).status, 0);
  ASSERT_EQ(ward({"volume", "create", "--label", "keep=1", "labelled"}).status, 0);
  ASSERT_EQ(ward({"create", "--name", "box", "-v", "used:/u", "busybox", "true"}).status, 0);
  auto pruned = ward({"volume", "prune", "-f", "--filter", "label!=keep"});
  ASSERT_EQ(pruned.status, 0) << pruned.err;
  EXPECT_EQ(pruned.out, "Deleted Volumes:\nplain\n\nTotal reclaimed space: 0B\n");
  auto all = ward({"volume", "prune", "-f"});
  EXPECT_EQ(all.out, "Deleted Volumes:\nlabelled\n\nTotal reclaimed space: 0B\n");
  EXPECT_EQ(volume_names(), std::vector<std::string>{"used"});
  EXPECT_EQ(ward({"volume", "prune", "-f"}).out, "Total reclaimed space: 0B\n");
  expect_one_line_error(ward({"volume", "prune", "-f", "--filter", "until=1h"}), "until");
}

TEST_F(EngineVolumes, SystemDfCountsLocalVolumes) {
  run_out({"-v", "data:/data"}, "head -c 2048 /dev/zero > /data/f");
  ASSERT_EQ(ward({"volume", "create", "other"}).status, 0);
  ASSERT_EQ(ward({"create", "--name", "box", "-v", "other:/o", "busybox", "true"}).status, 0);
  auto df = ward({"system", "df", "--format", "{{.Type}}|{{.TotalCount}}|{{.Active}}|{{.Size}}|{{.Reclaimable}}"});
  EXPECT_NE(df.out.find("Local Volumes|2|1|2.05kB|2.05kB (100%)\n"), std::string::npos) << df.out;
}

TEST_F(EngineVolumes, BadInputIsOneLineAndLeavesNothing) {
  expect_one_line_error(ward({"volume", "create", "bad/name"}), "invalid characters for a local volume name");
  expect_one_line_error(ward({"volume", "create", "-d", "nfs", "x1"}), "volume driver \"nfs\" is not supported");
  expect_one_line_error(ward({"volume", "create", "-o", "type=tmpfs", "-o", "o=size=1m", "x2"}),
                        "--opt type=tmpfs --opt o=size=1m: not supported yet");
  expect_one_line_error(ward({"volume", "create", "-o", "type=nfs", "-o", "o=addr=1.2.3.4", "-o", "device=:/x", "x3"}),
                        "--opt type=nfs");
  expect_one_line_error(ward({"volume", "create", "-o", "type=none", "-o", "o=bind", "-o", "device=rel", "x4"}),
                        "--opt device=rel: an absolute host path is required");
  expect_one_line_error(ward({"volume", "create", "-o", "colour=red", "x5"}), "--opt colour: not supported");
  expect_one_line_error(ward({"volume", "ls", "--filter", "colour=red"}), "invalid filter 'colour'");
  EXPECT_TRUE(volume_names().empty());
  EXPECT_EQ(volume_directories(), 0u);

  expect_refused({"-v", "bad/name:/d"}, "invalid characters for a local volume name");
  expect_refused({"-v", "data:/d:z"}, "option \"z\" is not supported");
  expect_refused({"-v", "data:relative"}, "the container path must be absolute");
  expect_refused({"--mount", "type=volume,source=data,target=/d,volume-opt=type=tmpfs"}, "volume-opt is not supported");
  expect_refused({"--mount", "type=volume,source=data"}, "an absolute target is required");
  expect_refused({"-v", "a1:/d", "-v", "a2:/d"}, "Duplicate mount point: /d");
  expect_refused({"-v", "a1:/d", "--tmpfs", "/d"}, "Duplicate mount point: /d");
  expect_refused({"--volumes-from", "x:z"}, "mode \"z\" is not ro or rw");
  EXPECT_TRUE(volume_names().empty());
  EXPECT_EQ(volume_directories(), 0u);
}

TEST_F(EngineVolumes, ABindOptionVolumeIsTheHostDirectoryItNames) {
  std::string device = dir_ + "/device";
  ASSERT_EQ(run_command({"sh", "-c", "mkdir " + device + " && echo from-host > " + device + "/h"}).status, 0);
  auto created =
      ward({"volume", "create", "--opt", "type=none", "--opt", "o=bind", "--opt", "device=" + device, "bound"});
  ASSERT_EQ(created.status, 0) << created.err;
  EXPECT_EQ(ward({"volume", "inspect", "-f", "{{json .Options}}", "bound"}).out,
            R"({"device":")" + device + R"(","o":"bind","type":"none"})" + "\n");
  EXPECT_EQ(run_out({"-v", "bound:/b"}, "cat /b/h; echo from-container > /b/c"), "from-host\n");
  struct stat st {};
  ASSERT_EQ(::stat((device + "/c").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  // Removing the volume leaves the host directory's files.
  ASSERT_EQ(ward({"volume", "rm", "bound"}).status, 0);
  EXPECT_EQ(::access((device + "/c").c_str(), F_OK), 0);
}

TEST_F(EngineVolumes, LeftoversOfAKilledWardAreCleanedByTheNextCommand) {
  // What a ward killed mid-way leaves: a temp directory (before its
  // rename) and a volume directory whose row was never committed.
  ASSERT_EQ(ward({"volume", "create", "existing"}).status, 0);
  ASSERT_EQ(::mkdir((volumes_dir() + "/.tmp-0123").c_str(), 0711), 0);
  ASSERT_EQ(::mkdir((volumes_dir() + "/.tmp-0123/_data").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((volumes_dir() + "/orphan").c_str(), 0711), 0);
  ASSERT_EQ(::mkdir((volumes_dir() + "/orphan/_data").c_str(), 0755), 0);
  ASSERT_EQ(ward({"volume", "create", "next"}).status, 0);
  EXPECT_NE(::access((volumes_dir() + "/.tmp-0123").c_str(), F_OK), 0);
  EXPECT_NE(::access((volumes_dir() + "/orphan").c_str(), F_OK), 0);
  EXPECT_EQ(::access(data_dir("existing").c_str(), F_OK), 0);
  EXPECT_EQ(volume_directories(), 2u);

  // A real kill, at whatever point it lands: the next command leaves
  // exactly the volumes that have rows, each with its directory.
  for (int delay_ms : {0, 2, 5, 10, 20}) {
    pid_t pid = start_ward({"volume", "create", "killed" + std::to_string(delay_ms)});
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    wait_ward(pid);
  }
  ASSERT_EQ(ward({"volume", "create", "after"}).status, 0);
  auto names = volume_names();
  EXPECT_EQ(volume_directories(), names.size());
  for (const auto& name : names) EXPECT_EQ(::access(data_dir(name).c_str(), F_OK), 0) << name;
}

TEST_F(EngineVolumes, ASymlinkedTargetResolvesInsideTheRootfs) {
  // The container's own /link points at /etc: followed on the host, the
  // volume would land in the host's /etc.
  std::string leaf = "ward-volume-test-" + std::to_string(::getpid());
  auto created = ward({"create", "--name", "box", "-v", "data:/link/" + leaf, "busybox", "sh", "-c",
                       "echo inside > /link/" + leaf + "/f; cat /etc/" + leaf + "/f"});
  ASSERT_EQ(created.status, 0) << created.err;
  std::string id = created.out.substr(0, 64);
  ASSERT_EQ(::symlink("/etc", (root_ + "/containers/" + id + "/upper/link").c_str()), 0);
  auto started = ward({"start", "-a", "box"});
  EXPECT_EQ(started.status, 0) << started.err;
  EXPECT_EQ(started.out, "inside\n");
  EXPECT_NE(::access(("/etc/" + leaf).c_str(), F_OK), 0);
  EXPECT_EQ(::access((data_dir("data") + "/f").c_str(), F_OK), 0);

  // A link to a path only the host has: the start fails, and nothing is
  // made on the host.
  std::string host_side = dir_ + "/host-side";
  ASSERT_EQ(::mkdir(host_side.c_str(), 0755), 0);
  auto dangling = ward({"create", "--name", "other", "-v", "data:/away/sub", "busybox", "true"});
  ASSERT_EQ(dangling.status, 0) << dangling.err;
  ASSERT_EQ(::symlink(host_side.c_str(), (root_ + "/containers/" + dangling.out.substr(0, 64) + "/upper/away").c_str()),
            0);
  EXPECT_NE(ward({"start", "-a", "other"}).status, 0);
  EXPECT_EQ(entries_under(host_side), 0u);
}

}  // namespace
}  // namespace ward::test
