#include <gtest/gtest.h>

#include "runtime/plan/id_mappings.h"

namespace {

using ward::runtime::IdCaller;
using ward::runtime::IdMapWrite;
using ward::runtime::SubordinateRange;
using Mappings = std::vector<ward::oci::IdMapping>;
using Ranges = std::vector<SubordinateRange>;

TEST(SubordinateIdFile, MatchesByNameOrUid) {
  const char* text =
      "alice:100000:65536\n"
      "1000:300000:10\n"
      "bob:165536:65536\n";
  EXPECT_EQ(ward::runtime::subordinate_ranges(text, "alice", 1000), (Ranges{{100000, 65536}, {300000, 10}}));
  EXPECT_EQ(ward::runtime::subordinate_ranges(text, "bob", 1001), (Ranges{{165536, 65536}}));
  // A user without a name in /etc/passwd matches numeric lines only.
  EXPECT_EQ(ward::runtime::subordinate_ranges(text, "", 1000), (Ranges{{300000, 10}}));
  EXPECT_TRUE(ward::runtime::subordinate_ranges(text, "carol", 1002).empty());
}

TEST(SubordinateIdFile, SkipsCommentsBlankAndMalformedLines) {
  const char* text =
      "# subordinate ids\n"
      "\n"
      "   \n"
      "alice:100000\n"              // too few fields
      "alice:100000:10:extra\n"     // too many
      "alice:x:10\n"                // not a number
      "alice:100000:0\n"            // empty range
      "alice:-5:10\n"               // negative
      "alicex:1:1\n"                // another name with the same prefix
      "  alice:200000:5\r\n"        // surrounding space, CRLF
      "alice:400000:3";             // no final newline
  EXPECT_EQ(ward::runtime::subordinate_ranges(text, "alice", 1000), (Ranges{{200000, 5}, {400000, 3}}));
  EXPECT_TRUE(ward::runtime::subordinate_ranges("", "alice", 1000).empty());
}

TEST(SubordinateIdFile, CoverJoinsAdjacentRangesOnly) {
  Ranges ranges = {{100, 10}, {110, 5}, {200, 10}};
  EXPECT_TRUE(ward::runtime::ranges_cover(ranges, 100, 10));
  EXPECT_TRUE(ward::runtime::ranges_cover(ranges, 105, 10));   // across 100-109 and 110-114
  EXPECT_TRUE(ward::runtime::ranges_cover(ranges, 114, 1));
  EXPECT_FALSE(ward::runtime::ranges_cover(ranges, 105, 11));  // 115 is not granted
  EXPECT_FALSE(ward::runtime::ranges_cover(ranges, 99, 2));
  EXPECT_FALSE(ward::runtime::ranges_cover(ranges, 110, 100));  // the gap 115-199
  EXPECT_TRUE(ward::runtime::ranges_cover(ranges, 209, 1));
  EXPECT_FALSE(ward::runtime::ranges_cover(ranges, 210, 1));
  EXPECT_FALSE(ward::runtime::ranges_cover(ranges, 100, 0));
  EXPECT_FALSE(ward::runtime::ranges_cover({}, 100, 1));
}

TEST(SubordinateIdFile, UserNameFromPasswd) {
  const char* passwd =
      "root:x:0:0:root:/root:/bin/sh\n"
      "# comment:x:1000\n"
      "alice:x:1000:1000::/home/alice:/bin/sh\n"
      "alice2:x:1000:1000::/home/alice:/bin/sh\n";
  EXPECT_EQ(ward::runtime::user_name_from_passwd(passwd, 1000), "alice");
  EXPECT_EQ(ward::runtime::user_name_from_passwd(passwd, 0), "root");
  EXPECT_EQ(ward::runtime::user_name_from_passwd(passwd, 10), "");
}

IdCaller unprivileged() {
  IdCaller caller;
  caller.uid = caller.euid = 1000;
  caller.gid = caller.egid = 1000;
  caller.name = "alice";
  caller.subuid_text = "alice:200000:65536\n";
  caller.subgid_text = "1000:300000:65536\n";
  caller.newuidmap = "/usr/bin/newuidmap";
  caller.newgidmap = "/usr/bin/newgidmap";
  return caller;
}

TEST(IdMapPlan, RootWritesDirectly) {
  IdCaller root;
  root.can_set_uids = root.can_set_gids = true;
  auto plan = ward::runtime::plan_id_maps({{0, 100000, 65536}}, {{0, 100000, 65536}, {70000, 5, 1}}, root);
  ASSERT_TRUE(plan) << plan.error().what();
  EXPECT_EQ(plan->uid.method, IdMapWrite::Method::direct);
  EXPECT_EQ(plan->uid.text, "0 100000 65536\n");
  EXPECT_EQ(plan->gid.text, "0 100000 65536\n70000 5 1\n");
  EXPECT_FALSE(plan->deny_setgroups);
  EXPECT_TRUE(plan->setgroups_allowed);
}

TEST(IdMapPlan, OwnIdAloneIsWrittenDirectlyWithSetgroupsDenied) {
  IdCaller caller = unprivileged();
  caller.newuidmap.clear();  // not needed for this
  caller.newgidmap.clear();
  auto plan = ward::runtime::plan_id_maps({{0, 1000, 1}}, {{0, 1000, 1}}, caller);
  ASSERT_TRUE(plan) << plan.error().what();
  EXPECT_EQ(plan->uid.method, IdMapWrite::Method::direct);
  EXPECT_EQ(plan->gid.method, IdMapWrite::Method::direct);
  EXPECT_TRUE(plan->deny_setgroups);
  EXPECT_FALSE(plan->setgroups_allowed);
}

TEST(IdMapPlan, SubordinateRangesGoThroughTheHelpers) {
  Mappings uids = {{0, 1000, 1}, {1, 200000, 65536}};
  Mappings gids = {{0, 1000, 1}, {1, 300000, 65536}};
  auto plan = ward::runtime::plan_id_maps(uids, gids, unprivileged());
  ASSERT_TRUE(plan) << plan.error().what();
  EXPECT_EQ(plan->uid.method, IdMapWrite::Method::helper);
  EXPECT_EQ(plan->uid.helper, "/usr/bin/newuidmap");
  ASSERT_EQ(plan->uid.mappings.size(), 2u);
  EXPECT_EQ(plan->uid.mappings[1].host_id, 200000u);
  EXPECT_EQ(plan->gid.method, IdMapWrite::Method::helper);
  EXPECT_EQ(plan->gid.helper, "/usr/bin/newgidmap");
  // newgidmap writes setgroups itself and allows it for subordinate gids.
  EXPECT_FALSE(plan->deny_setgroups);
  EXPECT_TRUE(plan->setgroups_allowed);
}

TEST(IdMapPlan, HelperForUidsDirectForGids) {
  auto plan = ward::runtime::plan_id_maps({{0, 1000, 1}, {1, 200000, 10}}, {{0, 1000, 1}}, unprivileged());
  ASSERT_TRUE(plan) << plan.error().what();
  EXPECT_EQ(plan->uid.method, IdMapWrite::Method::helper);
  EXPECT_EQ(plan->gid.method, IdMapWrite::Method::direct);
  EXPECT_TRUE(plan->deny_setgroups);
  EXPECT_FALSE(plan->setgroups_allowed);
}

TEST(IdMapPlan, RangeOutsideTheGrantNamesTheMapping) {
  auto plan = ward::runtime::plan_id_maps({{0, 1000, 1}, {1, 200000, 65537}}, {{0, 1000, 1}}, unprivileged());
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().what(),
            "linux.uidMappings[1]: host uids 200000-265536 are not subordinate uids of alice (uid 1000): "
            "/etc/subuid grants it 200000-265535");
  auto gids = ward::runtime::plan_id_maps({{0, 1000, 1}}, {{5, 1000, 1}, {0, 1, 1}}, unprivileged());
  ASSERT_FALSE(gids);
  EXPECT_EQ(gids.error().what(),
            "linux.gidMappings[1]: host gid 1 is not a subordinate gid of alice (uid 1000): "
            "/etc/subgid grants it 300000-365535");
}

TEST(IdMapPlan, NoEntryAtAll) {
  IdCaller caller = unprivileged();
  caller.name.clear();
  caller.subuid_text = "bob:200000:65536\n";
  auto plan = ward::runtime::plan_id_maps({{0, 1000, 1}, {1, 200000, 10}}, {{0, 1000, 1}}, caller);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().what(),
            "linux.uidMappings[1]: host uids 200000-200009 are not subordinate uids of uid 1000: "
            "/etc/subuid has no entry for it");
}

TEST(IdMapPlan, MissingHelperIsAClearError) {
  IdCaller caller = unprivileged();
  caller.newuidmap.clear();
  auto plan = ward::runtime::plan_id_maps({{0, 1000, 1}, {1, 200000, 10}}, {{0, 1000, 1}}, caller);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().what(),
            "linux.uidMappings: mappings beyond the caller's own uid need newuidmap (package uidmap), which is not "
            "installed");
}

TEST(IdMapPlan, SomeoneElsesIdIsRefused) {
  // The kernel's unprivileged single mapping is for the caller's own id only.
  auto plan = ward::runtime::plan_id_maps({{0, 0, 1}}, {{0, 1000, 1}}, unprivileged());
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().what(),
            "linux.uidMappings[0]: host uid 0 is not a subordinate uid of alice (uid 1000): "
            "/etc/subuid grants it 200000-265535");
}

}  // namespace
