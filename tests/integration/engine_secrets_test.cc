// `ward secret` and `run --secret`: the data reaches the container as a
// read-only file under /run/secrets and nowhere else (environment,
// inspect, writable layer, committed image).
#include "engine_support.h"

namespace ward::test {
namespace {

class EngineSecrets : public EngineTest {};

TEST_F(EngineSecrets, ASecretIsAReadOnlyFileAndNothingElse) {
  auto created = ward({"secret", "create", "--label", "team=db", "db-pass", "-"}, "hunter2-s3cret");
  ASSERT_EQ(created.status, 0) << created.err;
  EXPECT_TRUE(std::regex_match(created.out, std::regex("[0-9a-f]{25}\n"))) << created.out;
  EXPECT_NE(ward({"secret", "ls"}).out.find("db-pass"), std::string::npos);

  auto run = ward({"run", "--name", "sec-user", "--secret", "db-pass", "--secret",
                   "db-pass,target=/etc/app/pw,uid=1000,gid=1000,mode=0400", "-u", "1000", "busybox", "sh", "-c",
                   "cat /run/secrets/db-pass; echo; cat /etc/app/pw; echo; stat -c '%u %g %a' /run/secrets/db-pass "
                   "/etc/app/pw; env; touch /run/secrets/db-pass 2>/dev/null && echo WRITABLE; true"});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out.find("WRITABLE"), std::string::npos);
  EXPECT_EQ(run.out.substr(0, run.out.find("0 0 444")), "hunter2-s3cret\nhunter2-s3cret\n") << run.out;
  EXPECT_NE(run.out.find("0 0 444\n1000 1000 400\n"), std::string::npos) << run.out;
  // Once in each file, never in the environment.
  std::size_t count = 0;
  for (auto at = run.out.find("hunter2"); at != std::string::npos; at = run.out.find("hunter2", at + 1)) ++count;
  EXPECT_EQ(count, 2u) << run.out;

  auto inspect = ward({"inspect", "sec-user"});
  EXPECT_EQ(inspect.out.find("hunter2"), std::string::npos);
  EXPECT_NE(inspect.out.find("\"Target\": \"/etc/app/pw\""), std::string::npos) << inspect.out;
  EXPECT_EQ(ward({"secret", "inspect", "db-pass"}).out.find("hunter2"), std::string::npos);
  EXPECT_EQ(ward({"secret", "inspect", "--format", "{{.Spec.Labels.team}}", "db-pass"}).out, "db\n");
  // Not in the container's files (so not in an export or a commit); the
  // bundle's copy is gone with the run.
  auto exported = ward({"export", "sec-user"});
  ASSERT_EQ(exported.status, 0) << exported.err;
  EXPECT_GT(exported.out.size(), 100000u);
  EXPECT_EQ(exported.out.find("hunter2"), std::string::npos);
  auto id = ward({"inspect", "--format", "{{.Id}}", "sec-user"}).out;
  EXPECT_FALSE(exists(run_root_ + "/containers/" + id.substr(0, id.size() - 1) + "/secrets"));
}

TEST_F(EngineSecrets, InUseMissingAndBadInputAreRefusedInOneLine) {
  ASSERT_EQ(ward({"secret", "create", "api-key", "-"}, "k").status, 0);
  auto missing = ward({"create", "--name", "sec-missing", "--secret", "nope", "busybox"});
  EXPECT_EQ(missing.status, 125);
  EXPECT_EQ(missing.err, "ward: create: --secret nope: no such secret: nope\n");
  EXPECT_EQ(ward({"ps", "-a", "-q"}).out, "");
  auto env = ward({"create", "--secret", "api-key,type=env", "busybox"});
  EXPECT_EQ(env.status, 125);
  EXPECT_NE(env.err.find("type=env is not supported"), std::string::npos) << env.err;

  ASSERT_EQ(ward({"create", "--name", "sec-holder", "--secret", "api-key", "busybox"}).status, 0);
  auto in_use = ward({"secret", "rm", "api-key"});
  EXPECT_NE(in_use.status, 0);
  EXPECT_EQ(in_use.err, "ward: secret rm: secret api-key is in use by container(s): sec-holder\n");
  ASSERT_EQ(ward({"rm", "sec-holder"}).status, 0);
  ASSERT_EQ(ward({"secret", "rm", "api-key"}).status, 0);
  EXPECT_EQ(ward({"secret", "ls", "-q"}).out, "");

  EXPECT_EQ(ward({"secret", "create", "bad/name", "-"}, "x").status, 125);
  EXPECT_EQ(ward({"secret", "create", "empty", "-"}, "").status, 125);
  ASSERT_EQ(ward({"secret", "create", "dup", "-"}, "x").status, 0);
  auto dup = ward({"secret", "create", "dup", "-"}, "y");
  EXPECT_NE(dup.status, 0);
  EXPECT_EQ(dup.err, "ward: secret create: secret name in use: dup\n");
  EXPECT_EQ(ward({"secret", "ls", "-q"}).out.size(), 26u);  // one secret, no leftover row
}

}  // namespace
}  // namespace ward::test
