// Health checks (--health-*): run in the container by its monitor (or by a
// foreground `ward run`), kept as Docker's State.Health, shown by ps and
// inspect, announced by health_status events.
#include <thread>

#include "engine_support.h"

namespace ward::test {
namespace {

class EngineHealth : public EngineTest {
 protected:
  nlohmann::json health_of(const std::string& name) {
    auto out = ward({"inspect", "--format", "{{json .State.Health}}", name});
    EXPECT_EQ(out.status, 0) << out.err;
    return nlohmann::json::parse(out.out, nullptr, false);
  }
  // Waits up to `seconds` for the Status; the last state seen.
  nlohmann::json wait_for_status(const std::string& name, const std::string& status, int seconds = 15) {
    nlohmann::json health;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      health = health_of(name);
      if (health.is_object() && health.value("Status", "") == status) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return health;
  }
};

TEST_F(EngineHealth, ADetachedContainerTurnsHealthyThenUnhealthy) {
  ASSERT_EQ(ward({"run", "-d", "--name", "hc-web", "--health-cmd", "test -f /tmp/ok && echo fine", "--health-interval",
                  "200ms", "--health-retries", "2", "busybox", "sh", "-c", "touch /tmp/ok; sleep 60"})
                .status,
            0);
  auto healthy = wait_for_status("hc-web", "healthy");
  ASSERT_EQ(healthy.value("Status", ""), "healthy") << healthy.dump();
  EXPECT_EQ(healthy["FailingStreak"], 0);
  ASSERT_FALSE(healthy["Log"].empty());
  EXPECT_EQ(healthy["Log"].back()["ExitCode"], 0);
  EXPECT_EQ(healthy["Log"].back()["Output"], "fine\n");
  EXPECT_NE(ward({"ps"}).out.find("(healthy)"), std::string::npos);

  ASSERT_EQ(ward({"exec", "hc-web", "rm", "/tmp/ok"}).status, 0);
  auto unhealthy = wait_for_status("hc-web", "unhealthy");
  ASSERT_EQ(unhealthy.value("Status", ""), "unhealthy") << unhealthy.dump();
  EXPECT_GE(unhealthy["FailingStreak"].get<int>(), 2);
  EXPECT_LE(unhealthy["Log"].size(), 5u);
  EXPECT_EQ(unhealthy["Log"].back()["ExitCode"], 1);
  EXPECT_NE(ward({"ps"}).out.find("(unhealthy)"), std::string::npos);
  EXPECT_EQ(ward({"ps", "-q", "--filter", "health=unhealthy"}).out.size(), 13u);
  EXPECT_EQ(ward({"ps", "-q", "--filter", "health=healthy"}).out, "");

  auto events =
      ward({"events", "--since", "1h", "--until", "0s", "--filter", "event=health_status", "--format", "{{.Action}}"});
  EXPECT_EQ(events.out, "health_status: healthy\nhealth_status: unhealthy\n");
}

TEST_F(EngineHealth, AProbePastItsTimeoutIsKilledAndFails) {
  ASSERT_EQ(ward({"run", "-d", "--name", "hc-slow", "--health-cmd", "sleep 30", "--health-timeout", "300ms",
                  "--health-interval", "200ms", "--health-retries", "1", "busybox", "sleep", "60"})
                .status,
            0);
  auto health = wait_for_status("hc-slow", "unhealthy");
  ASSERT_EQ(health.value("Status", ""), "unhealthy") << health.dump();
  EXPECT_EQ(health["Log"].back()["ExitCode"], -1);
  EXPECT_EQ(health["Log"].back()["Output"], "Health check exceeded timeout (300ms)");
  // The timed-out probes do not pile up in the container.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto processes = ward({"exec", "hc-slow", "ps", "-o", "args"});
  ASSERT_EQ(processes.status, 0) << processes.err;
  // At most the probe of the moment runs; the earlier ones were killed.
  std::size_t probes = 0;
  for (auto at = processes.out.find("sleep 30"); at != std::string::npos; at = processes.out.find("sleep 30", at + 1))
    ++probes;
  EXPECT_LE(probes, 1u) << processes.out;
}

TEST_F(EngineHealth, FailuresInTheStartPeriodDoNotCount) {
  ASSERT_EQ(ward({"run", "-d", "--name", "hc-start", "--health-cmd", "false", "--health-interval", "200ms",
                  "--health-start-period", "1m", "--health-start-interval", "200ms", "--health-retries", "1", "busybox",
                  "sleep", "60"})
                .status,
            0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto health = health_of("hc-start");
  EXPECT_EQ(health.value("Status", ""), "starting") << health.dump();
  EXPECT_EQ(health["FailingStreak"], 0);
  EXPECT_GE(health["Log"].size(), 2u) << health.dump();
  EXPECT_NE(ward({"ps"}).out.find("(health: starting)"), std::string::npos);
}

TEST_F(EngineHealth, AForegroundRunChecksItsOwnHealth) {
  ASSERT_EQ(
      ward({"run", "--name", "hc-fg", "--health-cmd", "true", "--health-interval", "200ms", "busybox", "sleep", "2"})
          .status,
      0);
  auto health = health_of("hc-fg");
  EXPECT_EQ(health.value("Status", ""), "healthy") << health.dump();
}

TEST_F(EngineHealth, InspectShowsTheConfigAndNoHealthWithoutACheck) {
  ASSERT_EQ(ward({"create", "--name", "hc-config", "--health-cmd", "curl -f localhost", "--health-interval", "1m30s",
                  "--health-timeout", "5s", "--health-retries", "4", "--health-start-period", "10s", "busybox"})
                .status,
            0);
  auto config = nlohmann::json::parse(ward({"inspect", "--format", "{{json .Config.Healthcheck}}", "hc-config"}).out);
  EXPECT_EQ(config["Test"], nlohmann::json::array({"CMD-SHELL", "curl -f localhost"}));
  EXPECT_EQ(config["Interval"], 90'000'000'000LL);
  EXPECT_EQ(config["Timeout"], 5'000'000'000LL);
  EXPECT_EQ(config["Retries"], 4);
  EXPECT_EQ(config["StartPeriod"], 10'000'000'000LL);
  ASSERT_EQ(ward({"run", "-d", "--name", "hc-none", "busybox", "sleep", "60"}).status, 0);
  auto state = nlohmann::json::parse(ward({"inspect", "--format", "{{json .State}}", "hc-none"}).out);
  EXPECT_FALSE(state.contains("Health"));
  EXPECT_EQ(ward({"ps", "-q", "--filter", "health=none"}).out.size(), 13u);
}

TEST_F(EngineHealth, BadHealthFlagsAreOneErrorLineAndMakeNothing) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--health-interval", "10x"},
           {"--health-retries", "many"},
           {"--health-timeout", "-1s"},
           {"--health-interval", "10us"},
           {"--no-healthcheck", "--health-cmd", "true"},
       }) {
    std::vector<std::string> full = {"create"};
    full.insert(full.end(), args.begin(), args.end());
    full.push_back("busybox");
    auto out = ward(full);
    EXPECT_EQ(out.status, 125) << args[0];
    EXPECT_EQ(std::count(out.err.begin(), out.err.end(), '\n'), 1) << out.err;
    EXPECT_NE(out.err.find("health"), std::string::npos) << out.err;
  }
  EXPECT_EQ(ward({"ps", "-a", "-q"}).out, "");
}

}  // namespace
}  // namespace ward::test
