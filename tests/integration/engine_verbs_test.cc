// The container verbs that act on a running container without starting
// or stopping it (issue 15): pause/unpause, top, rename, and `ward
// container ...`, Docker's management command for them.
#include <fstream>
#include <regex>
#include <sstream>

#include "engine_support.h"

namespace ward::test {
namespace {

using namespace std::chrono_literals;

class EngineVerbs : public EngineTest {
 protected:
  // The freezer's word for the container's cgroup, from the host: v1's
  // freezer.state (FROZEN/THAWED) or v2's cgroup.freeze (1/0).
  std::string freezer_state(const std::string& id) {
    for (const auto& path :
         {"/sys/fs/cgroup/freezer/ward/" + id + "/freezer.state", "/sys/fs/cgroup/ward/" + id + "/cgroup.freeze"}) {
      std::ifstream in(path);
      std::string word;
      if (in >> word) return word;
    }
    return "";
  }
  // A counter the container advances every 0.1 s, read from its log.
  std::size_t lines_logged(const std::string& name) { return count_lines(ward({"logs", name}).out); }
  static std::size_t count_lines(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  }
};

TEST_F(EngineVerbs, PauseFreezesEveryProcessAndUnpauseThawsThem) {
  std::string id = run_detached({"--name", "ticker", "busybox", "sh", "-c", "while :; do echo t; sleep 0.1; done"});
  ASSERT_TRUE(wait_running("ticker"));
  auto paused = ward({"pause", "ticker"});
  ASSERT_EQ(paused.status, 0) << paused.err;
  EXPECT_EQ(paused.out, "ticker\n");
  EXPECT_TRUE(freezer_state(id) == "FROZEN" || freezer_state(id) == "1") << freezer_state(id);
  EXPECT_EQ(field("ticker", "{{.State.Status}} {{.State.Running}} {{.State.Paused}}"), "paused true true");
  auto listed = ward({"ps", "--filter", "status=paused", "--format", "{{.Names}} {{.Status}}"});
  EXPECT_NE(listed.out.find("ticker Up"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("(Paused)"), std::string::npos) << listed.out;
  // Frozen: nothing is written while it is paused.
  std::size_t before = lines_logged("ticker");
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(lines_logged("ticker"), before);
  // Twice is refused; so is exec into a paused container.
  auto again = ward({"pause", "ticker"});
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.err.find("is already paused"), std::string::npos) << again.err;
  auto exec = ward({"exec", "ticker", "true"});
  EXPECT_NE(exec.status, 0);
  EXPECT_NE(exec.err.find("is paused, unpause the container before exec"), std::string::npos) << exec.err;
  ASSERT_EQ(ward({"unpause", "ticker"}).status, 0);
  EXPECT_EQ(field("ticker", "{{.State.Status}} {{.State.Paused}}"), "running false");
  std::this_thread::sleep_for(500ms);
  EXPECT_GT(lines_logged("ticker"), before);
  auto not_paused = ward({"unpause", "ticker"});
  EXPECT_EQ(not_paused.status, 1);
  EXPECT_NE(not_paused.err.find("is not paused"), std::string::npos) << not_paused.err;
}

TEST_F(EngineVerbs, APausedContainerStillStopsAndIsRemovedByForce) {
  run_detached({"--name", "frozen", "busybox", "sh", "-c", "trap 'exit 7' TERM; while :; do sleep 0.1; done"});
  ASSERT_TRUE(wait_running("frozen"));
  ASSERT_EQ(ward({"pause", "frozen"}).status, 0);
  // The stop signal reaches it once it is thawed: its trap ends it, no
  // wait for SIGKILL.
  auto start = std::chrono::steady_clock::now();
  auto stopped = ward({"stop", "-t", "5", "frozen"});
  EXPECT_EQ(stopped.status, 0) << stopped.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  EXPECT_EQ(field("frozen", "{{.State.Status}} {{.State.ExitCode}} {{.State.Paused}}"), "exited 7 false");
  std::string id = run_detached({"--name", "frozen2", "busybox", "sleep", "100"});
  ASSERT_TRUE(wait_running("frozen2"));
  ASSERT_EQ(ward({"pause", "frozen2"}).status, 0);
  auto removed = ward({"rm", "-f", "frozen2"});
  EXPECT_EQ(removed.status, 0) << removed.err;
  ASSERT_EQ(ward({"rm", "frozen"}).status, 0);
  expect_no_container_left({id});
}

TEST_F(EngineVerbs, PauseOfAContainerThatDoesNotRunIsRefused) {
  ASSERT_EQ(ward({"create", "--name", "idle", "busybox", "true"}).status, 0);
  auto refused = ward({"pause", "idle"});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("is not running"), std::string::npos) << refused.err;
  auto missing = ward({"unpause", "nosuch"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("No such container: nosuch"), std::string::npos) << missing.err;
}

TEST_F(EngineVerbs, TopListsTheContainersProcessesOnly) {
  std::string id = run_detached({"--name", "busy", "busybox", "sh", "-c", "sleep 101 & sleep 102"});
  ASSERT_TRUE(wait_running("busy"));
  std::this_thread::sleep_for(200ms);
  auto top = ward({"top", "busy"});
  ASSERT_EQ(top.status, 0) << top.err;
  std::istringstream lines(top.out);
  std::string header;
  std::getline(lines, header);
  EXPECT_NE(header.find("PID"), std::string::npos) << header;
  EXPECT_NE(header.find("CMD"), std::string::npos) << header;
  EXPECT_EQ(count_lines(top.out), 3u) << top.out;  // header, two sleeps (sh execs the last)
  EXPECT_NE(top.out.find("sleep 101"), std::string::npos) << top.out;
  EXPECT_NE(top.out.find("sleep 102"), std::string::npos) << top.out;
  // The host's own processes are not shown.
  EXPECT_EQ(top.out.find("ward"), std::string::npos) << top.out;
  // ps options pass through.
  auto custom = ward({"top", "busy", "-o", "pid,comm"});
  ASSERT_EQ(custom.status, 0) << custom.err;
  EXPECT_EQ(custom.out.substr(0, custom.out.find('\n')).find("COMMAND"), custom.out.find("COMMAND")) << custom.out;
  EXPECT_EQ(count_lines(custom.out), 3u) << custom.out;
  auto no_pid = ward({"top", "busy", "-o", "comm"});
  EXPECT_EQ(no_pid.status, 1);
  EXPECT_NE(no_pid.err.find("Couldn't find PID field"), std::string::npos) << no_pid.err;
  ASSERT_EQ(ward({"create", "--name", "idle", "busybox", "true"}).status, 0);
  auto idle = ward({"top", "idle"});
  EXPECT_EQ(idle.status, 1);
  EXPECT_NE(idle.err.find("is not running"), std::string::npos) << idle.err;
}

TEST_F(EngineVerbs, StatsShowsCpuMemoryAndPidsOfRunningContainers) {
  run_detached({"--name", "busy", "-m", "64m", "busybox", "sh", "-c", "while :; do :; done"});
  run_detached({"--name", "calm", "busybox", "sh", "-c", "sleep 100 & sleep 101"});
  ASSERT_EQ(ward({"create", "--name", "idle", "busybox", "true"}).status, 0);
  ASSERT_TRUE(wait_running("busy"));
  ASSERT_TRUE(wait_running("calm"));
  auto one = ward({"stats", "--no-stream", "--format", "{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}", "busy"});
  ASSERT_EQ(one.status, 0) << one.err;
  std::smatch parts;
  std::regex shape(R"(busy ([0-9.]+)% ([0-9.]+)(B|KiB|MiB) / 64MiB 1\n)");
  ASSERT_TRUE(std::regex_match(one.out, parts, shape)) << one.out;
  // A spinning shell uses most of a CPU (one of two, shared with the build).
  EXPECT_GT(std::stod(parts[1]), 20.0) << one.out;
  // Without names: the running containers, in Docker's table.
  auto table = ward({"stats", "--no-stream"});
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_EQ(table.out.substr(0, table.out.find('\n')).find("CONTAINER ID"), 0u) << table.out;
  EXPECT_NE(table.out.find("MEM USAGE / LIMIT"), std::string::npos) << table.out;
  EXPECT_EQ(count_lines(table.out), 3u) << table.out;
  EXPECT_EQ(table.out.find("idle"), std::string::npos) << table.out;
  auto calm = ward({"stats", "--no-stream", "--format", "{{json .}}", "calm"});
  auto row = nlohmann::json::parse(calm.out);
  EXPECT_EQ(row["Name"], "calm");
  EXPECT_EQ(row["PIDs"], "2");
  EXPECT_EQ(row["NetIO"], "0B / 0B");  // --network none's default: loopback only
  // -a adds the others, with zeros.
  auto all = ward({"stats", "--no-stream", "-a", "--format", "{{.Name}} {{.CPUPerc}} {{.PIDs}}"});
  EXPECT_NE(all.out.find("idle 0.00% 0\n"), std::string::npos) << all.out;
  auto missing = ward({"stats", "--no-stream", "nosuch"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("No such container: nosuch"), std::string::npos) << missing.err;
}

TEST_F(EngineVerbs, SizesCountWhatTheContainerWrote) {
  auto ran = ward({"run", "--name", "writer", "busybox", "sh", "-c", "head -c 5000 /dev/zero > /big; ln /big /again"});
  ASSERT_EQ(ran.status, 0) << ran.err;
  // A hard link counts once.
  auto sized = ward({"inspect", "--size", "-f", "{{.SizeRw}} {{gt .SizeRootFs .SizeRw}}", "writer"});
  ASSERT_EQ(sized.status, 0) << sized.err;
  EXPECT_EQ(sized.out, "5000 true\n");
  auto listed = ward({"ps", "-a", "-s", "--format", "{{.Names}} {{.Size}}"});
  EXPECT_TRUE(std::regex_match(listed.out, std::regex("writer 5kB \\(virtual [0-9.]+[kM]B\\)\n"))) << listed.out;
  auto df = ward({"system", "df", "--format", "{{.Type}}|{{.TotalCount}}|{{.Active}}|{{.Size}}|{{.Reclaimable}}"});
  ASSERT_EQ(df.status, 0) << df.err;
  EXPECT_NE(df.out.find("Containers|1|0|5kB|5kB (100%)\n"), std::string::npos) << df.out;
  EXPECT_NE(df.out.find("Images|1|1|"), std::string::npos) << df.out;
}

TEST_F(EngineVerbs, DiffListsWhatTheContainerChangedAddedAndDeleted) {
  auto ran = ward({"run", "--name", "changer", "busybox", "sh", "-c",
                   "echo x > /etc/added; echo y >> /etc/passwd; rm /etc/group; mkdir -p /new/dir"});
  ASSERT_EQ(ran.status, 0) << ran.err;
  auto diff = ward({"diff", "changer"});
  ASSERT_EQ(diff.status, 0) << diff.err;
  EXPECT_EQ(diff.out, "C /etc\nA /etc/added\nD /etc/group\nC /etc/passwd\nA /new\nA /new/dir\n");
  EXPECT_EQ(ward({"container", "diff", "changer"}).out, diff.out);
  ASSERT_EQ(ward({"create", "--name", "fresh", "busybox", "true"}).status, 0);
  EXPECT_EQ(ward({"diff", "fresh"}).out, "");
  // The mount points the runtime made (/etc/hostname, /etc/hosts) are not
  // the container's changes, as in Docker's init layer.
  ASSERT_EQ(ward({"run", "--name", "quiet", "busybox", "true"}).status, 0);
  EXPECT_EQ(ward({"diff", "quiet"}).out, "");
  auto missing = ward({"diff", "nosuch"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("No such container: nosuch"), std::string::npos) << missing.err;
}

TEST_F(EngineVerbs, HelpShowsEachVerbsUsage) {
  for (const char* verb : {"pause", "unpause", "top", "stats", "rename", "diff", "run", "ps", "logs", "exec"}) {
    auto help = ward({"help", verb});
    EXPECT_EQ(help.status, 0) << verb << ": " << help.err;
    EXPECT_NE(help.out.find(std::string("ward ") + verb), std::string::npos) << verb << ": " << help.out;
    EXPECT_EQ(ward({verb, "--help"}).out, help.out) << verb;
  }
  auto unknown = ward({"help", "frobnicate"});
  EXPECT_NE(unknown.status, 0);
  EXPECT_NE(unknown.err.find("unknown command \"frobnicate\""), std::string::npos) << unknown.err;
}

TEST_F(EngineVerbs, ContainerPruneRemovesWhatDoesNotRunAndAsksFirst) {
  std::string running = run_detached({"--name", "keeper", "busybox", "sleep", "100"});
  ASSERT_EQ(ward({"create", "--name", "made", "busybox", "true"}).status, 0);
  ASSERT_EQ(
      ward({"run", "--name", "done", "--label", "team=a", "busybox", "sh", "-c", "head -c 3000 /dev/zero > /f"}).status,
      0);
  ASSERT_EQ(ward({"run", "--name", "other", "--label", "team=b", "busybox", "true"}).status, 0);
  ASSERT_TRUE(wait_running("keeper"));
  // Without -f it asks; anything but y keeps everything.
  auto declined = ward({"container", "prune"}, "n\n");
  EXPECT_EQ(declined.status, 0);
  EXPECT_NE(declined.out.find("WARNING! This will remove all stopped containers."), std::string::npos);
  EXPECT_EQ(count_lines(ward({"ps", "-a", "-q"}).out), 4u);
  // A label filter picks one; the rest go with the next prune.
  auto one = ward({"container", "prune", "-f", "--filter", "label=team=a"});
  ASSERT_EQ(one.status, 0) << one.err;
  std::string done_id = one.out.substr(one.out.find('\n') + 1, 64);
  EXPECT_EQ(one.out, "Deleted Containers:\n" + done_id + "\n\nTotal reclaimed space: 3kB\n");
  auto bad = ward({"container", "prune", "-f", "--filter", "colour=red"});
  EXPECT_EQ(bad.status, 125);
  auto rest = ward({"container", "prune"}, "y\n");
  ASSERT_EQ(rest.status, 0) << rest.err;
  EXPECT_EQ(count_lines(rest.out), 6u) << rest.out;  // question, heading, two ids, blank, total
  EXPECT_EQ(ward({"ps", "-a", "--format", "{{.Names}}"}).out, "keeper\n");
  ASSERT_EQ(ward({"rm", "-f", "keeper"}).status, 0);
  expect_no_container_left({running});
}

TEST_F(EngineVerbs, InfoCountsContainersAndDescribesTheHost) {
  run_detached({"--name", "up", "busybox", "sleep", "100"});
  run_detached({"--name", "held", "busybox", "sleep", "100"});
  ASSERT_EQ(ward({"create", "--name", "made", "busybox", "true"}).status, 0);
  ASSERT_TRUE(wait_running("held"));
  ASSERT_EQ(ward({"pause", "held"}).status, 0);
  auto counts =
      ward({"info", "--format",
            "{{.Containers}} {{.ContainersRunning}} {{.ContainersPaused}} {{.ContainersStopped}} {{.Images}}"});
  ASSERT_EQ(counts.status, 0) << counts.err;
  EXPECT_EQ(counts.out, "3 1 1 1 1\n");
  auto json = ward({"info", "--format", "json"});
  ASSERT_EQ(json.status, 0) << json.err;
  auto info = nlohmann::json::parse(json.out);
  EXPECT_EQ(info["DockerRootDir"], root_);
  EXPECT_EQ(info["OSType"], "linux");
  EXPECT_EQ(info["NCPU"].get<long>(), ::sysconf(_SC_NPROCESSORS_ONLN));
  // This host's cgroup controllers are v1 (hybrid): Docker says "1".
  bool v1 = ::access("/sys/fs/cgroup/memory", F_OK) == 0;
  EXPECT_EQ(info["CgroupVersion"], v1 ? "1" : "2");
  auto text = ward({"system", "info"});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find(" Containers: 3\n  Running: 1\n  Paused: 1\n  Stopped: 1\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(" Storage Driver: overlay\n"), std::string::npos) << text.out;
}

TEST_F(EngineVerbs, RenameKeepsTheContainerAndRefusesATakenOrBadName) {
  std::string id = run_detached({"--name", "old", "busybox", "sleep", "100"});
  ASSERT_TRUE(wait_running("old"));
  ASSERT_EQ(ward({"create", "--name", "other", "busybox", "true"}).status, 0);
  auto renamed = ward({"rename", "old", "new"});
  ASSERT_EQ(renamed.status, 0) << renamed.err;
  EXPECT_EQ(renamed.out, "");
  EXPECT_EQ(field("new", "{{.Id}} {{.Name}} {{.State.Status}}"), id + " /new running");
  EXPECT_NE(ward({"inspect", "old"}).status, 0);
  // The old name is free again; a taken one is refused naming its holder.
  ASSERT_EQ(ward({"create", "--name", "old", "busybox", "true"}).status, 0);
  auto taken = ward({"rename", "new", "other"});
  EXPECT_EQ(taken.status, 1);
  EXPECT_NE(taken.err.find("is already in use by container"), std::string::npos) << taken.err;
  auto bad = ward({"rename", "new", "-bad name"});
  EXPECT_NE(bad.status, 0);
  auto same = ward({"rename", "new", "new"});
  EXPECT_EQ(same.status, 1);
  EXPECT_NE(same.err.find("same name"), std::string::npos) << same.err;
  auto missing = ward({"rename", "nosuch", "x"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("No such container: nosuch"), std::string::npos) << missing.err;
  EXPECT_EQ(field("new", "{{.Name}}"), "/new");
  // Stopping and starting keep the new name.
  ASSERT_EQ(ward({"stop", "-t", "0", "new"}).status, 0);
  ASSERT_EQ(ward({"start", "new"}).status, 0);
  EXPECT_TRUE(wait_running("new"));
}

TEST_F(EngineVerbs, TheContainerManagementCommandRunsTheSameVerbs) {
  auto ran = ward({"container", "run", "--name", "c1", "busybox", "echo", "hello"});
  ASSERT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "hello\n");
  auto listed = ward({"container", "ls", "-a", "--format", "{{.Names}}"});
  EXPECT_EQ(listed.out, "c1\n");
  EXPECT_EQ(ward({"container", "list", "-a", "-q"}).out, ward({"ps", "-a", "-q"}).out);
  auto inspected = ward({"container", "inspect", "-f", "{{.Name}}", "c1"});
  EXPECT_EQ(inspected.out, "/c1\n");
  // container inspect does not look at images.
  auto image = ward({"container", "inspect", "busybox"});
  EXPECT_EQ(image.status, 1);
  EXPECT_EQ(ward({"container", "rm", "c1"}).status, 0);
  auto unknown = ward({"container", "frobnicate"});
  EXPECT_EQ(unknown.status, 125);
  EXPECT_NE(unknown.err.find("unknown command \"frobnicate\""), std::string::npos) << unknown.err;
  auto help = ward({"container", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("pause"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace ward::test
