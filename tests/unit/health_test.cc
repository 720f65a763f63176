// Health checks' state machine and the merge of HEALTHCHECK with --health-*.
#include <gtest/gtest.h>

#include "engine/container_spec.h"
#include "engine/health.h"

namespace ward::engine {
namespace {

ProbeResult probe(int exit_code, std::string output = "") {
  return {"2026-12-07T10:00:00.000000000Z", "2026-12-07T10:00:01.000000000Z", exit_code, std::move(output)};
}

TEST(HealthState, ASuccessIsHealthyAndFailuresInARowAreUnhealthy) {
  auto state = starting_health("");
  EXPECT_EQ(state["Status"], "starting");
  state = next_health(state.dump(), probe(0, "ok"), false, 3);
  EXPECT_EQ(state["Status"], "healthy");
  state = next_health(state.dump(), probe(1), false, 3);
  state = next_health(state.dump(), probe(1), false, 3);
  EXPECT_EQ(state["Status"], "healthy");
  EXPECT_EQ(state["FailingStreak"], 2);
  state = next_health(state.dump(), probe(1), false, 3);
  EXPECT_EQ(state["Status"], "unhealthy");
  state = next_health(state.dump(), probe(0), false, 3);
  EXPECT_EQ(state["Status"], "healthy");
  EXPECT_EQ(state["FailingStreak"], 0);
  EXPECT_EQ(health_status(state.dump()), "healthy");
}

TEST(HealthState, StartPeriodFailuresDoNotCountButASuccessDoes) {
  auto state = starting_health("");
  for (int i = 0; i < 5; ++i) state = next_health(state.dump(), probe(1), true, 1);
  EXPECT_EQ(state["Status"], "starting");
  EXPECT_EQ(state["FailingStreak"], 0);
  state = next_health(state.dump(), probe(0), true, 1);
  EXPECT_EQ(state["Status"], "healthy");
}

TEST(HealthState, KeepsTheLastFiveProbesAndTheirOutputsCut) {
  std::string state = starting_health("").dump();
  for (int i = 0; i < 8; ++i) state = next_health(state, probe(i, std::string(5000, 'x')), false, 100).dump();
  auto parsed = nlohmann::json::parse(state);
  ASSERT_EQ(parsed["Log"].size(), kHealthLogEntries);
  EXPECT_EQ(parsed["Log"].front()["ExitCode"], 3);
  EXPECT_EQ(parsed["Log"].back()["Output"].get<std::string>().size(), kHealthOutputLimit);
  // A restart starts over, the log kept.
  auto restarted = starting_health(state);
  EXPECT_EQ(restarted["Status"], "starting");
  EXPECT_EQ(restarted["FailingStreak"], 0);
  EXPECT_EQ(restarted["Log"].size(), kHealthLogEntries);
}

TEST(HealthCheck, FlagsOverTheImagesFieldsOneByOne) {
  image::ContainerConfig image;
  image.healthcheck = image::Healthcheck{{"CMD", "/bin/check"}, 10'000'000'000, 2'000'000'000, 0, 0, 5};
  ContainerSpec spec;
  spec.healthcheck = image::Healthcheck{.interval = 1'000'000'000};
  apply_image_defaults(spec, image, false, false);
  ASSERT_TRUE(spec.healthcheck);
  EXPECT_EQ(spec.healthcheck->test, (std::vector<std::string>{"CMD", "/bin/check"}));
  EXPECT_EQ(spec.healthcheck->interval, 1'000'000'000);
  EXPECT_EQ(spec.healthcheck->timeout, 2'000'000'000);
  EXPECT_EQ(spec.healthcheck->retries, 5);
  auto active = active_healthcheck(spec);
  ASSERT_TRUE(active);
  EXPECT_EQ(active->start_interval, kDefaultHealthStartInterval);
  EXPECT_EQ(probe_command(*active), (std::vector<std::string>{"/bin/check"}));

  ContainerSpec disabled;
  disabled.no_healthcheck = true;
  apply_image_defaults(disabled, image, false, false);
  EXPECT_FALSE(active_healthcheck(disabled));
  ContainerSpec plain;
  apply_image_defaults(plain, image::ContainerConfig{}, false, false);
  EXPECT_FALSE(active_healthcheck(plain));
}

TEST(HealthCheck, ShellFormRunsUnderBinSh) {
  image::Healthcheck check{.test = {"CMD-SHELL", "curl -f http://localhost/ || exit 1"}};
  EXPECT_EQ(probe_command(check), (std::vector<std::string>{"/bin/sh", "-c", "curl -f http://localhost/ || exit 1"}));
}

TEST(HealthCheck, TheConfigSurvivesTheRecord) {
  ContainerSpec spec;
  spec.image = "busybox";
  spec.healthcheck = image::Healthcheck{{"CMD-SHELL", "true"}, 90'000'000'000, 0, 10'000'000'000, 0, 4};
  auto back = spec_from_json(spec_to_json(spec).dump());
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(back->healthcheck, spec.healthcheck);
}

}  // namespace
}  // namespace ward::engine
