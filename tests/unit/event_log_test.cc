// The events table and `ward events --filter`'s matching.
#include <gtest/gtest.h>

#include "engine/db/event_log.h"
#include "engine/db/schema.h"
#include "engine/event_filter.h"
#include "temp_dir.h"

namespace ward::engine {
namespace {

class EventLog : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    auto opened = db::Database::open(dir_.path() + "/ward.db");
    ASSERT_TRUE(opened) << opened.error().what();
    database_.emplace(std::move(*opened));
    ASSERT_TRUE(db::migrate(*database_, db::kStoreMigrations));
  }

  test_support::TempDir dir_{"ward-events"};
  std::optional<db::Database> database_;
};

db::Event container_event(std::string action, std::string id, std::string name, std::int64_t time = 0) {
  return {0, time, "container", std::move(action), std::move(id), {{"image", "busybox"}, {"name", std::move(name)}}};
}

TEST_F(EventLog, ReadsEventsInOrderAfterASeqAndWithinTimes) {
  ASSERT_TRUE(db::record_event(*database_, container_event("create", "aaaa", "one", 1000)));
  ASSERT_TRUE(db::record_event(*database_, container_event("start", "aaaa", "one", 2000)));
  ASSERT_TRUE(db::record_event(*database_, container_event("die", "aaaa", "one", 3000)));
  auto all = db::read_events(*database_, {});
  ASSERT_TRUE(all) << all.error().what();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].action, "create");
  EXPECT_EQ((*all)[2].action, "die");
  EXPECT_EQ((*all)[1].attributes.at("name"), "one");
  auto after = db::read_events(*database_, {(*all)[0].seq, std::nullopt, std::nullopt});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->size(), 2u);
  auto window = db::read_events(*database_, {0, 1500, 2500});
  ASSERT_TRUE(window);
  ASSERT_EQ(window->size(), 1u);
  EXPECT_EQ(window->front().action, "start");
  EXPECT_EQ(*db::last_event_seq(*database_), (*all)[2].seq);
}

TEST_F(EventLog, StampsTheCurrentTimeWhenNoneIsGiven) {
  std::int64_t before = db::now_nano();
  ASSERT_TRUE(db::record_event(*database_, container_event("create", "aaaa", "one")));
  auto all = db::read_events(*database_, {});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_GE(all->front().time_nano, before);
  EXPECT_LE(all->front().time_nano, db::now_nano());
}

TEST_F(EventLog, KeepsOnlyTheNewestEvents) {
  ASSERT_TRUE(database_->execute("BEGIN", "batch"));
  for (std::int64_t i = 0; i < db::kEventsKept + 300; ++i)
    ASSERT_TRUE(db::record_event(*database_, container_event("start", "aaaa", "one", i + 1)));
  ASSERT_TRUE(database_->execute("COMMIT", "batch"));
  auto all = db::read_events(*database_, {});
  ASSERT_TRUE(all);
  EXPECT_LE(all->size(), static_cast<std::size_t>(db::kEventsKept + 256));
  EXPECT_GE(all->size(), static_cast<std::size_t>(db::kEventsKept));
  EXPECT_EQ(all->back().time_nano, db::kEventsKept + 300);
}

bool matches(const std::vector<std::string>& filters, const db::Event& event) {
  auto filter = EventFilter::parse(filters);
  EXPECT_TRUE(filter) << filter.error().what();
  return filter && filter->matches(event);
}

TEST(EventFilterTest, MatchesContainersByIdPrefixOrName) {
  auto event = container_event("start", "4f1d2c", "web");
  EXPECT_TRUE(matches({"container=4f1d"}, event));
  EXPECT_TRUE(matches({"container=web"}, event));
  EXPECT_FALSE(matches({"container=db"}, event));
  EXPECT_TRUE(matches({"container=db", "container=web"}, event));  // one key: alternatives
  EXPECT_FALSE(matches({"container=web", "event=die"}, event));    // two keys: both
  EXPECT_TRUE(matches({}, event));
}

TEST(EventFilterTest, MatchesActionsExactlyExceptTheDetailedOnes) {
  EXPECT_TRUE(matches({"event=exec_start"}, container_event("exec_start: sh -c ls", "a1", "web")));
  EXPECT_TRUE(matches({"event=health_status"}, container_event("health_status: healthy", "a1", "web")));
  EXPECT_FALSE(matches({"event=exec"}, container_event("exec_start: sh", "a1", "web")));
  EXPECT_FALSE(matches({"event=star"}, container_event("start", "a1", "web")));
}

TEST(EventFilterTest, MatchesImagesLabelsAndTypes) {
  auto event = container_event("start", "a1", "web");
  event.attributes["tier"] = "front";
  EXPECT_TRUE(matches({"image=busybox"}, event));
  EXPECT_TRUE(matches({"image=busybox:latest"}, event));
  EXPECT_FALSE(matches({"image=alpine"}, event));
  EXPECT_TRUE(matches({"label=tier"}, event));
  EXPECT_TRUE(matches({"label=tier=front"}, event));
  EXPECT_FALSE(matches({"label=tier=back"}, event));
  EXPECT_TRUE(matches({"type=container"}, event));
  EXPECT_FALSE(matches({"type=image"}, event));
  db::Event tagged{0, 0, "image", "tag", "sha256:abc", {{"name", "web:1"}}};
  EXPECT_TRUE(matches({"image=web:1"}, tagged));
  EXPECT_TRUE(matches({"image=sha256:abc"}, tagged));
  db::Event volume{0, 0, "volume", "create", "data", {{"driver", "local"}}};
  EXPECT_TRUE(matches({"volume=data"}, volume));
  EXPECT_FALSE(matches({"volume=data"}, event));
}

TEST(EventFilterTest, RefusesUnknownKeysAndMissingValues) {
  auto unknown = EventFilter::parse({"colour=red"});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("colour"), std::string::npos);
  EXPECT_FALSE(EventFilter::parse({"container"}));
}

}  // namespace
}  // namespace ward::engine
