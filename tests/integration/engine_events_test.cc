// `ward events`: what containers and images went through, in Docker's
// shapes, from the events table; streamed as it happens.
#include <thread>

#include "engine_support.h"

namespace ward::test {
namespace {

class EngineEvents : public EngineTest {
 protected:
  // Lines of `ward events ARGS... --since 1h --until 0s`: what is recorded.
  std::vector<std::string> recorded(std::vector<std::string> args) {
    std::vector<std::string> full = {"events", "--since", "1h", "--until", "0s"};
    full.insert(full.end(), args.begin(), args.end());
    auto out = ward(full);
    EXPECT_EQ(out.status, 0) << out.err;
    return lines_of(out.out);
  }
  static std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      lines.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return lines;
  }
};

TEST_F(EngineEvents, AForegroundRunRecordsItsLifeInDockersOrder) {
  ASSERT_EQ(ward({"run", "--rm", "--name", "ev-run", "--label", "tier=web", "busybox", "sh", "-c", "exit 3"}).status,
            3);
  auto actions = recorded({"--filter", "container=ev-run", "--format", "{{.Action}}"});
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "attach", "start", "die", "destroy"}));
  auto lines = recorded({"--filter", "event=die"});
  ASSERT_EQ(lines.size(), 1u);
  // Docker's line: time, type, action, id, then the attributes by key.
  EXPECT_TRUE(std::regex_search(lines[0], std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(Z|[+-]\d\d:\d\d) )"
                                                     R"(container die [0-9a-f]{64} )"
                                                     R"(\(exitCode=3, image=busybox, name=ev-run, tier=web\)$)")))
      << lines[0];
}

TEST_F(EngineEvents, JsonFormatHasDockersMessageFields) {
  ASSERT_EQ(ward({"create", "--name", "ev-json", "busybox", "true"}).status, 0);
  auto lines = recorded({"--filter", "type=container", "--format", "json"});
  ASSERT_EQ(lines.size(), 1u);
  auto message = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(message["Type"], "container");
  EXPECT_EQ(message["Action"], "create");
  EXPECT_EQ(message["status"], "create");
  EXPECT_EQ(message["from"], "busybox");
  EXPECT_EQ(message["scope"], "local");
  EXPECT_EQ(message["Actor"]["Attributes"]["name"], "ev-json");
  EXPECT_EQ(message["id"], message["Actor"]["ID"]);
  EXPECT_EQ(message["time"].get<std::int64_t>(), message["timeNano"].get<std::int64_t>() / 1'000'000'000);
}

TEST_F(EngineEvents, DetachedContainersRecordStopPauseRenameAndExec) {
  ASSERT_EQ(ward({"run", "-d", "--name", "ev-bg", "busybox", "sleep", "60"}).status, 0);
  ASSERT_EQ(ward({"exec", "ev-bg", "true"}).status, 0);
  ASSERT_EQ(ward({"pause", "ev-bg"}).status, 0);
  ASSERT_EQ(ward({"unpause", "ev-bg"}).status, 0);
  ASSERT_EQ(ward({"rename", "ev-bg", "ev-bg2"}).status, 0);
  ASSERT_EQ(ward({"kill", "ev-bg2"}).status, 0);
  ASSERT_EQ(ward({"wait", "ev-bg2"}).status, 0);
  ASSERT_EQ(ward({"rm", "ev-bg2"}).status, 0);
  auto actions = recorded({"--filter", "type=container", "--format", "{{.Action}} {{.Actor.Attributes.name}}"});
  EXPECT_EQ(actions,
            (std::vector<std::string>{"create ev-bg", "start ev-bg", "exec_create: true ev-bg",
                                      "exec_start: true ev-bg", "exec_die ev-bg", "pause ev-bg", "unpause ev-bg",
                                      "rename ev-bg2", "kill ev-bg2", "die ev-bg2", "destroy ev-bg2"}));
  auto renamed = recorded({"--filter", "event=rename", "--format", "{{.Actor.Attributes.oldName}}"});
  EXPECT_EQ(renamed, (std::vector<std::string>{"/ev-bg"}));
  auto killed = recorded({"--filter", "event=kill", "--format", "{{.Actor.Attributes.signal}}"});
  EXPECT_EQ(killed, (std::vector<std::string>{"9"}));
  auto died = recorded({"--filter", "event=die", "--format", "{{.Actor.Attributes.exitCode}}"});
  EXPECT_EQ(died, (std::vector<std::string>{"137"}));
  EXPECT_EQ(recorded({"--filter", "event=exec_start", "--filter", "container=ev-bg"}).size(), 1u);
}

TEST_F(EngineEvents, StreamsWhatHappensFromNowOnUntilTheEnd) {
  ASSERT_EQ(ward({"run", "--rm", "--name", "ev-before", "busybox", "true"}).status, 0);
  std::thread activity([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the stream has begun
    ward({"run", "--rm", "--name", "ev-during", "busybox", "true"});
  });
  // No time given: it runs until it is stopped (here by the timeout's
  // SIGKILL), and shows only what happens while it runs.
  auto streamed = run_command({"env", "WARD_RUN_ROOT=" + run_root_, WARD_FRONT_BINARY, "--root", root_, "events",
                               "--format", "{{.Action}} {{.Actor.Attributes.name}}"},
                              "", 8);
  activity.join();
  EXPECT_EQ(streamed.status, 128 + SIGKILL) << streamed.err;
  EXPECT_EQ(lines_of(streamed.out), (std::vector<std::string>{"create ev-during", "attach ev-during", "start ev-during",
                                                              "die ev-during", "destroy ev-during"}));
}

TEST_F(EngineEvents, AnUntilInTheFutureEndsTheStreamThen) {
  std::string now = std::to_string(::time(nullptr));
  std::thread activity([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ward({"create", "--name", "ev-until", "busybox", "true"});
  });
  auto started = std::chrono::steady_clock::now();
  // Time enough for the create even on a loaded machine (an ASan build).
  auto streamed = ward({"events", "--since", now, "--until", std::to_string(::time(nullptr) + 8), "--format",
                        "{{.Action}} {{.Actor.Attributes.name}}"});
  activity.join();
  EXPECT_EQ(streamed.status, 0) << streamed.err;
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::seconds(6));
  EXPECT_EQ(lines_of(streamed.out), (std::vector<std::string>{"create ev-until"}));
}

TEST_F(EngineEvents, ImageTagsAndRemovalsAreRecorded) {
  ASSERT_EQ(ward({"run", "--rm", "busybox", "true"}).status, 0);  // the built-in image, made
  ASSERT_EQ(ward({"tag", "busybox", "ev-image:1"}).status, 0);
  ASSERT_EQ(ward({"rmi", "ev-image:1"}).status, 0);
  auto lines = recorded({"--filter", "type=image", "--format", "{{.Action}} {{.Actor.Attributes.name}}"});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "tag ev-image:1");
  EXPECT_TRUE(lines[1].starts_with("untag sha256:")) << lines[1];
  EXPECT_EQ(recorded({"--filter", "image=ev-image:1", "--format", "{{.Action}}"}), (std::vector<std::string>{"tag"}));
}

TEST_F(EngineEvents, VolumesAndCommitsAreRecorded) {
  ASSERT_EQ(ward({"volume", "create", "ev-data"}).status, 0);
  ASSERT_EQ(ward({"volume", "rm", "ev-data"}).status, 0);
  EXPECT_EQ(recorded({"--filter", "volume=ev-data", "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.driver}}"}),
            (std::vector<std::string>{"volume create local", "volume destroy local"}));
  ASSERT_EQ(ward({"run", "--name", "ev-commit", "busybox", "touch", "/made"}).status, 0);
  auto committed = ward({"commit", "-m", "a note", "ev-commit", "ev-committed:1"});
  ASSERT_EQ(committed.status, 0) << committed.err;
  auto lines = recorded({"--filter", "event=commit", "--format",
                         "{{.Actor.Attributes.comment}}|{{.Actor.Attributes.imageRef}}|{{.Actor.Attributes.imageID}}"});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].starts_with("a note|")) << lines[0];
  EXPECT_NE(lines[0].find("ev-committed:1|sha256:"), std::string::npos) << lines[0];
}

TEST_F(EngineEvents, ABadFilterOrTimeIsOneErrorLine) {
  auto bad = ward({"events", "--filter", "colour=red"});
  EXPECT_EQ(bad.status, 125);
  EXPECT_EQ(bad.err, "ward: events: --filter: invalid filter 'colour'\n");
  auto time = ward({"events", "--since", "yesterday"});
  EXPECT_EQ(time.status, 125);
  EXPECT_NE(time.err.find("--since"), std::string::npos) << time.err;
  EXPECT_EQ(std::count(time.err.begin(), time.err.end(), '\n'), 1);
}

}  // namespace
}  // namespace ward::test
