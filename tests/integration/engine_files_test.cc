// ward cp, export and commit end to end: files in and out of running and
// stopped containers (paths, tar streams, owners), the symlink attacks of
// the docker cp CVEs (CVE-2018-15664, CVE-2019-14271), export read back
// by import, and images committed from a container's changes.
#include <limits.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>

#include "engine_support.h"

namespace ward::test {
namespace {

using namespace std::chrono_literals;

class EngineFiles : public EngineTest {
 protected:
  std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  // `tar tvf -` of `bytes`: "mode owner/group size date time name" lines.
  std::string tar_listing(const std::string& bytes) {
    auto listed = run_command({"tar", "--numeric-owner", "-tvf", "-"}, bytes);
    EXPECT_EQ(listed.status, 0) << listed.err;
    return listed.out;
  }
  // The listing's line for `name`, "" when there is none.
  static std::string line_of(const std::string& listing, const std::string& name) {
    std::istringstream lines(listing);
    for (std::string line; std::getline(lines, line);)
      if (line.ends_with(" " + name)) return line;
    return "";
  }
  // A refusal: one line naming `message`, a non-zero status.
  static void expect_one_line_error(const Outcome& outcome, const std::string& message) {
    EXPECT_NE(outcome.status, 0);
    EXPECT_NE(outcome.err.find(message), std::string::npos) << outcome.err;
    EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.err;
  }
  // Mounts of the store or the run directory left behind in ward's own
  // mount namespace (a leaked overlay of a stopped container).
  std::size_t leaked_mounts() {
    std::string table = read_text("/proc/self/mountinfo");
    std::size_t count = 0;
    std::istringstream lines(table);
    for (std::string line; std::getline(lines, line);)
      if (line.find(root_) != std::string::npos || line.find(run_root_) != std::string::npos) ++count;
    return count;
  }
  std::string upper_of(const std::string& name) { return root_ + "/containers/" + field(name, "{{.Id}}") + "/upper"; }
  std::string host_uid_of_root(const std::string& name) {
    struct stat st {};
    EXPECT_EQ(::stat(upper_of(name).c_str(), &st), 0);
    return std::to_string(st.st_uid);
  }
};

TEST_F(EngineFiles, EngineCpCopiesBothWaysWithAStoppedContainer) {
  auto made = ward({"run", "--name", "stopped", "busybox", "sh", "-c",
                    "mkdir -p /d/e && echo deep > /d/e/f && echo hi > /hi && chmod 4755 /hi"});
  ASSERT_EQ(made.status, 0) << made.err;
  std::size_t mounts_before = leaked_mounts();
  // A file to a new name, a directory into an existing one, "/." as contents.
  ASSERT_EQ(ward({"cp", "stopped:/hi", dir_ + "/hi.txt"}).status, 0);
  EXPECT_EQ(read_text(dir_ + "/hi.txt"), "hi\n");
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/hi.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, ::getuid());
  EXPECT_EQ(st.st_mode & S_ISUID, 0u) << "a setuid bit is not copied out to a root-owned file";
  ASSERT_EQ(::mkdir((dir_ + "/into").c_str(), 0755), 0);
  ASSERT_EQ(ward({"cp", "stopped:/d", dir_ + "/into"}).status, 0);
  EXPECT_EQ(read_text(dir_ + "/into/d/e/f"), "deep\n");
  ASSERT_EQ(ward({"cp", "stopped:/d/.", dir_ + "/contents"}).status, 0);
  EXPECT_EQ(read_text(dir_ + "/contents/e/f"), "deep\n");
  // A file onto a file.
  write_text(dir_ + "/existing", "old");
  ASSERT_EQ(ward({"cp", "stopped:/hi", dir_ + "/existing"}).status, 0);
  EXPECT_EQ(read_text(dir_ + "/existing"), "hi\n");

  // Into the container: owned by its root (a subordinate uid on the host).
  write_text(dir_ + "/in.txt", "copied in\n");
  ASSERT_EQ(::chown((dir_ + "/in.txt").c_str(), 1234, 1234), 0);
  auto in = ward({"cp", dir_ + "/in.txt", "stopped:/d/"});
  ASSERT_EQ(in.status, 0) << in.err;
  ASSERT_EQ(::stat((upper_of("stopped") + "/d/in.txt").c_str(), &st), 0);
  EXPECT_EQ(std::to_string(st.st_uid), host_uid_of_root("stopped"));
  EXPECT_NE(st.st_uid, 0u);
  // -a keeps the source's ids, shifted into the container's range.
  ASSERT_EQ(ward({"cp", "-a", dir_ + "/in.txt", "stopped:/kept.txt"}).status, 0);
  auto out = ward({"cp", "stopped:/d/in.txt", "-"});
  ASSERT_EQ(out.status, 0) << out.err;
  EXPECT_NE(line_of(tar_listing(out.out), "in.txt").find(" 0/0 "), std::string::npos) << tar_listing(out.out);
  auto kept = ward({"cp", "stopped:/kept.txt", "-"});
  EXPECT_NE(line_of(tar_listing(kept.out), "kept.txt").find(" 1234/1234 "), std::string::npos) << tar_listing(kept.out);
  // What the container sees when it runs again.
  auto started = ward({"start", "-a", "stopped"});
  EXPECT_EQ(started.status, 0) << started.err;
  EXPECT_EQ(leaked_mounts(), mounts_before);
}

TEST_F(EngineFiles, EngineCpCopiesBothWaysWithARunningContainer) {
  run_detached({"--name", "live", "busybox", "sh", "-c", "echo alive > /alive; sleep 100"});
  ASSERT_TRUE(wait_running("live"));
  for (int i = 0; i < 100 && ward({"exec", "live", "cat", "/alive"}).status != 0; ++i)
    std::this_thread::sleep_for(50ms);
  write_text(dir_ + "/in.txt", "to the running one\n");
  auto in = ward({"cp", dir_ + "/in.txt", "live:/tmp"});
  ASSERT_EQ(in.status, 0) << in.err;
  auto seen = ward({"exec", "live", "sh", "-c", "cat /tmp/in.txt; stat -c %u:%g /tmp/in.txt"});
  EXPECT_EQ(seen.out, "to the running one\n0:0\n") << seen.err;
  ASSERT_EQ(ward({"cp", "live:/alive", dir_ + "/alive"}).status, 0);
  EXPECT_EQ(read_text(dir_ + "/alive"), "alive\n");
  // A tar stream on stdin, into a directory; and one on stdout.
  ASSERT_EQ(::mkdir((dir_ + "/tree").c_str(), 0755), 0);
  write_text(dir_ + "/tree/a", "A\n");
  ASSERT_EQ(::symlink("a", (dir_ + "/tree/link").c_str()), 0);
  auto tar = run_command({"tar", "-C", dir_ + "/tree", "-cf", "-", "."});
  ASSERT_EQ(tar.status, 0) << tar.err;
  auto streamed = ward({"cp", "-", "live:/tmp"}, tar.out);
  ASSERT_EQ(streamed.status, 0) << streamed.err;
  EXPECT_EQ(ward({"exec", "live", "cat", "/tmp/link"}).out, "A\n");
  auto out = ward({"cp", "live:/tmp", "-"});
  ASSERT_EQ(out.status, 0) << out.err;
  std::string listing = tar_listing(out.out);
  EXPECT_NE(line_of(listing, "tmp/a").find(" 0/0 "), std::string::npos) << listing;
  EXPECT_NE(line_of(listing, "tmp/link -> a"), "") << listing;
  // The container's kernel filesystems are neither read nor written.
  expect_one_line_error(ward({"cp", dir_ + "/in.txt", "live:/proc/sys/kernel/"}), "not supported");
  expect_one_line_error(ward({"cp", "live:/proc/1/status", dir_ + "/status"}), "not supported");
  // A stream into a path that is not a directory is refused.
  expect_one_line_error(ward({"cp", "-", "live:/alive"}, tar.out), "must be an existing directory");
}

TEST_F(EngineFiles, EngineCpSymlinksInTheContainerNeverReachTheHost) {
  auto made = ward({"run", "--name", "evil", "busybox", "sh", "-c",
                    "echo container-secret > /etc/shadow && ln -s / /x && ln -s /etc /y"});
  ASSERT_EQ(made.status, 0) << made.err;
  // What a naive copier would do: resolve the container's path on the
  // host, below its writable layer.  /x is "/" there: the host's root.
  char resolved[PATH_MAX];
  ASSERT_NE(::realpath((upper_of("evil") + "/x/etc/shadow").c_str(), resolved), nullptr);
  EXPECT_EQ(std::string(resolved), "/etc/shadow") << "the attack would reach the host's /etc/shadow";

  // ward resolves it inside the container: its own /etc/shadow.
  auto read = ward({"cp", "evil:/x/etc/shadow", dir_ + "/shadow"});
  ASSERT_EQ(read.status, 0) << read.err;
  EXPECT_EQ(read_text(dir_ + "/shadow"), "container-secret\n");
  auto followed = ward({"cp", "-L", "evil:/y", "-"});
  ASSERT_EQ(followed.status, 0) << followed.err;
  EXPECT_NE(line_of(tar_listing(followed.out), "y/shadow"), "");
  // Writes through the link land in the container's root, not the host's.
  write_text(dir_ + "/evil-payload", "payload\n");
  std::string host_target = "/ward-cp-evil-" + std::to_string(::getpid());
  std::string name = host_target.substr(1);
  ASSERT_EQ(ward({"cp", dir_ + "/evil-payload", "evil:/x/" + name}).status, 0);
  EXPECT_NE(::access(host_target.c_str(), F_OK), 0) << "written to the host's /";
  EXPECT_EQ(read_text(upper_of("evil") + "/" + name), "payload\n");

  // The same against the running container's own view.
  run_detached({"--name", "evil2", "busybox", "sh", "-c", "echo secret2 > /etc/shadow; ln -s / /x; sleep 100"});
  ASSERT_TRUE(wait_running("evil2"));
  for (int i = 0; i < 100 && ward({"exec", "evil2", "test", "-L", "/x"}).status != 0; ++i)
    std::this_thread::sleep_for(50ms);
  ASSERT_EQ(ward({"cp", "evil2:/x/etc/shadow", dir_ + "/shadow2"}).status, 0);
  EXPECT_EQ(read_text(dir_ + "/shadow2"), "secret2\n");
  ASSERT_EQ(ward({"cp", dir_ + "/evil-payload", "evil2:/x/" + name}).status, 0);
  EXPECT_NE(::access(host_target.c_str(), F_OK), 0) << "written to the host's /";
  EXPECT_EQ(ward({"exec", "evil2", "cat", "/" + name}).out, "payload\n");
  // A tar whose names climb out is refused, and nothing is written.
  auto climbing = run_command({"tar", "-C", dir_, "-cf", "-", "-P", "--transform", "s,^,../../,", "evil-payload"});
  ASSERT_EQ(climbing.status, 0) << climbing.err;
  expect_one_line_error(ward({"cp", "-", "evil2:/tmp"}, climbing.out), "not a path inside the destination");
}

TEST_F(EngineFiles, EngineCpSymlinksStayInsideWithTheOpenat2Fallback) {
  // The component-by-component walk used where openat2 is missing.
  auto without_openat2 = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {
        "env", "WARD_RUN_ROOT=" + run_root_, "WARD_NO_OPENAT2=1", WARD_FRONT_BINARY, "--root", root_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, "", 120);
  };
  auto made = ward({"run", "--name", "walk", "busybox", "sh", "-c",
                    "echo walked-secret > /etc/shadow && ln -s / /x && ln -s ../../.. /up"});
  ASSERT_EQ(made.status, 0) << made.err;
  auto read = without_openat2({"cp", "walk:/x/etc/shadow", dir_ + "/shadow"});
  ASSERT_EQ(read.status, 0) << read.err;
  EXPECT_EQ(read_text(dir_ + "/shadow"), "walked-secret\n");
  auto climbed = without_openat2({"cp", "walk:/up/etc/shadow", dir_ + "/shadow-up"});
  ASSERT_EQ(climbed.status, 0) << climbed.err;
  EXPECT_EQ(read_text(dir_ + "/shadow-up"), "walked-secret\n");
  write_text(dir_ + "/payload", "payload\n");
  std::string name = "ward-cp-walk-" + std::to_string(::getpid());
  auto written = without_openat2({"cp", dir_ + "/payload", "walk:/up/" + name});
  ASSERT_EQ(written.status, 0) << written.err;
  EXPECT_NE(::access(("/" + name).c_str(), F_OK), 0) << "written to the host's /";
  EXPECT_EQ(read_text(upper_of("walk") + "/" + name), "payload\n");
}

TEST_F(EngineFiles, EngineCpASwappedSymlinkNeverReachesTheHost) {
  // CVE-2018-15664: the container swaps a directory for a link to "/"
  // while copies into and out of it go on.
  run_detached({"--name", "swapper", "busybox", "sh", "-c",
                "echo swapped-secret > /etc/shadow; "
                "while :; do rm -rf /race; mkdir /race; rm -rf /race; ln -s / /race; done"});
  ASSERT_TRUE(wait_running("swapper"));
  std::string host_shadow = read_text("/etc/shadow");
  write_text(dir_ + "/payload", "payload\n");
  std::string name = "ward-cp-race-" + std::to_string(::getpid());
  int landed = 0;
  // 20 rounds, or as many as 30 s allow (an ASan build is slower).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int i = 0; i < 20 && (i < 3 || std::chrono::steady_clock::now() < deadline); ++i) {
    // Either may fail as the path comes and goes; neither may leave the container.
    if (ward({"cp", dir_ + "/payload", "swapper:/race/" + name}).status == 0) ++landed;
    EXPECT_NE(::access(("/" + name).c_str(), F_OK), 0) << "written to the host's /";
    auto out = ward({"cp", "swapper:/race/etc/shadow", dir_ + "/got"});
    if (out.status == 0) {
      EXPECT_NE(read_text(dir_ + "/got"), host_shadow);
    }
  }
  ::unlink(("/" + name).c_str());
  // Copies did get through (into the container), so the race was run.
  EXPECT_GT(landed, 0);
}

TEST_F(EngineFiles, EngineCpRefusesBadInputInOneLine) {
  ASSERT_EQ(ward({"create", "--name", "idle", "busybox", "true"}).status, 0);
  expect_one_line_error(ward({"cp", "nosuch:/etc/passwd", dir_ + "/x"}), "No such container: nosuch");
  expect_one_line_error(ward({"cp", "idle:/no/such/file", dir_ + "/x"}), "Could not find the file idle:/no/such/file");
  expect_one_line_error(ward({"cp", dir_, dir_ + "/y"}), "must specify at least one container source");
  expect_one_line_error(ward({"cp", "idle:/etc", "idle:/tmp"}), "copying between containers is not supported");
  expect_one_line_error(ward({"cp", dir_ + "/nothing-here", "idle:/tmp"}), "Could not find the file");
  expect_one_line_error(ward({"cp", "idle:/etc", dir_ + "/no/such/dir/x"}), "no such directory");
  write_text(dir_ + "/file", "f");
  expect_one_line_error(ward({"cp", "idle:/etc", dir_ + "/file"}), "cannot copy a directory to a file");
  expect_one_line_error(ward({"cp", "idle:/etc/passwd/", dir_ + "/z"}), "not a directory");
  expect_one_line_error(ward({"cp", "idle:/etc/passwd", dir_ + "/missing/"}), "does not exist");
  expect_one_line_error(ward({"cp", "--quiet", "idle:/etc/passwd", dir_ + "/q"}), "--quiet");
  // A stopped container's -v mount is not there: refused, not missed.
  ASSERT_EQ(::mkdir((dir_ + "/vol").c_str(), 0755), 0);
  ASSERT_EQ(ward({"create", "--name", "withvol", "-v", dir_ + "/vol:/data", "busybox", "true"}).status, 0);
  expect_one_line_error(ward({"cp", dir_ + "/file", "withvol:/data/f"}), "not supported");
}

TEST_F(EngineFiles, EngineExportIsTheContainersFilesystemAndImportsBack) {
  auto made = ward({"run", "--name", "exp", "busybox", "sh", "-c",
                    "echo made > /made && rm /bin/ls && echo u > /owned && "
                    "chown 1000:1000 /owned"});
  ASSERT_EQ(made.status, 0) << made.err;
  auto streamed = ward({"export", "exp"});
  ASSERT_EQ(streamed.status, 0) << streamed.err;
  std::string listing = tar_listing(streamed.out);
  EXPECT_NE(line_of(listing, "made").find(" 0/0 "), std::string::npos) << listing;
  EXPECT_NE(line_of(listing, "owned").find(" 1000/1000 "), std::string::npos) << listing;
  EXPECT_NE(listing.find(" bin/sh "), std::string::npos) << listing;
  EXPECT_EQ(line_of(listing, "bin/ls"), "") << "a deleted file is not exported";
  EXPECT_EQ(listing.find(".wh."), std::string::npos) << "no whiteout artifacts";
  EXPECT_EQ(listing.find(" proc/"), listing.rfind(" proc/")) << "no /proc contents";
  ASSERT_EQ(ward({"export", "-o", dir_ + "/exp.tar", "exp"}).status, 0);
  auto imported = ward({"import", dir_ + "/exp.tar", "exported:1"});
  ASSERT_EQ(imported.status, 0) << imported.err;
  auto ran = ward({"run", "--rm", "exported:1", "sh", "-c", "cat /made; ls /bin/ls 2>/dev/null; stat -c %u /owned"});
  EXPECT_EQ(ran.out, "made\n1000\n") << ran.err;
  expect_one_line_error(ward({"export", "nosuch"}), "No such container: nosuch");
  // Standard output a terminal (script(1) gives it one): refused, as Docker does.
  auto terminal = run_command(
      {"script", "-qec",
       "env WARD_RUN_ROOT=" + run_root_ + " " + WARD_FRONT_BINARY + " --root " + root_ + " export exp", "/dev/null"});
  EXPECT_EQ(terminal.status, 125);
  EXPECT_NE(terminal.out.find("cowardly refusing to save to a terminal"), std::string::npos) << terminal.out;
  EXPECT_EQ(entries_under(root_ + "/tmp"), 0u);
}

TEST_F(EngineFiles, EngineCommitMakesAnImageOfTheContainersChanges) {
  auto made = ward({"run", "--name", "c1", "busybox", "sh", "-c",
                    "echo new > /new && rm /bin/ls && mkdir /op && echo a > /op/a && echo o > /owned && "
                    "chown 1000:1000 /owned"});
  ASSERT_EQ(made.status, 0) << made.err;
  auto committed = ward({"commit", "-a", "Ward Test <t@example.org>", "-m", "first commit", "--change",
                         R"(CMD ["echo","hi"])", "c1", "committed:1"});
  ASSERT_EQ(committed.status, 0) << committed.err;
  EXPECT_TRUE(std::regex_match(committed.out, std::regex("sha256:[0-9a-f]{64}\n"))) << committed.out;
  EXPECT_EQ(ward({"run", "--rm", "committed:1"}).out, "hi\n");
  auto ran = ward({"run", "--rm", "committed:1", "sh", "-c", "cat /new /op/a; ls /bin/ls; stat -c %u:%g /owned"});
  EXPECT_EQ(ran.out, "new\na\n1000:1000\n") << ran.err;
  EXPECT_NE(ran.err.find("/bin/ls"), std::string::npos) << ran.err;
  auto history = ward({"history", "--no-trunc", "committed:1"});
  EXPECT_NE(history.out.find("first commit"), std::string::npos) << history.out;
  auto inspected = ward({"image", "inspect", "-f", "{{.Author}}|{{.Comment}}", "committed:1"});
  EXPECT_EQ(inspected.out, "Ward Test <t@example.org>|first commit\n") << inspected.err;

  // A directory removed and made again is opaque: nothing of the lower one shows.
  auto second = ward({"run", "--name", "c2", "committed:1", "sh", "-c", "rm -rf /op && mkdir /op && echo b > /op/b"});
  ASSERT_EQ(second.status, 0) << second.err;
  ASSERT_EQ(ward({"commit", "c2", "committed:2"}).status, 0);
  EXPECT_EQ(ward({"run", "--rm", "committed:2", "sh", "-c", "echo /op/*"}).out, "/op/b\n");

  // A running container is paused while committed, and runs on after.
  run_detached({"--name", "c3", "busybox", "sh", "-c", "echo live > /live; sleep 100"});
  ASSERT_TRUE(wait_running("c3"));
  for (int i = 0; i < 100 && ward({"exec", "c3", "cat", "/live"}).status != 0; ++i) std::this_thread::sleep_for(50ms);
  auto live = ward({"commit", "c3", "committed:3"});
  ASSERT_EQ(live.status, 0) << live.err;
  EXPECT_EQ(field("c3", "{{.State.Status}} {{.State.Paused}}"), "running false");
  EXPECT_EQ(ward({"run", "--rm", "committed:3", "cat", "/live"}).out, "live\n");
  EXPECT_EQ(ward({"commit", "--pause=false", "c3"}).status, 0);
  EXPECT_EQ(entries_under(root_ + "/tmp"), 0u);
}

TEST_F(EngineFiles, EngineCommitThatFailsOrIsKilledLeavesNothing) {
  ASSERT_EQ(ward({"run", "--name", "big", "busybox", "sh", "-c", "dd if=/dev/zero of=/big bs=1M count=200 2>/dev/null"})
                .status,
            0);
  std::size_t blobs = entries_under(root_ + "/blobs/sha256");
  std::string before = ward({"images", "-q"}).out;
  std::size_t images = std::count(before.begin(), before.end(), '\n');
  expect_one_line_error(ward({"commit", "-c", "FROM busybox", "big"}), "FROM");
  expect_one_line_error(ward({"commit", "big", "bad@sha256:" + std::string(64, 'a')}), "");
  expect_one_line_error(ward({"commit", "nosuch"}), "No such container: nosuch");
  EXPECT_EQ(entries_under(root_ + "/blobs/sha256"), blobs);
  // Killed half-way: its temp files belong to a dead process, and the
  // next command's store removes them.
  pid_t pid = start_ward({"commit", "big", "killed:1"});
  std::this_thread::sleep_for(300ms);
  ::kill(pid, SIGKILL);
  wait_ward(pid);
  auto listed = ward({"images", "-q"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  EXPECT_EQ(entries_under(root_ + "/tmp"), 0u);
  std::size_t after = std::count(listed.out.begin(), listed.out.end(), '\n');
  EXPECT_TRUE(after == images || after == images + 1) << listed.out;
}

}  // namespace
}  // namespace ward::test
