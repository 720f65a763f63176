// `ward system prune`: stopped containers, dangling images (-a: unused
// ones) and with --volumes unused volumes; what runs or is used stays.
#include "engine_support.h"

namespace ward::test {
namespace {

class EnginePrune : public EngineTest {
 protected:
  std::string list(std::vector<std::string> args) { return ward(std::move(args)).out; }
};

TEST_F(EnginePrune, SystemPruneRemovesWhatNothingUses) {
  ASSERT_EQ(ward({"run", "--name", "pr-stopped", "busybox", "touch", "/x"}).status, 0);
  auto dangling = ward({"commit", "pr-stopped"});  // no name: a dangling image
  ASSERT_EQ(dangling.status, 0) << dangling.err;
  ASSERT_EQ(ward({"run", "-d", "--name", "pr-running", "-v", "pr-used:/data", "busybox", "sleep", "60"}).status, 0);
  ASSERT_EQ(ward({"volume", "create", "pr-unused"}).status, 0);

  // Asked, and answered no: nothing goes.
  auto declined = ward({"system", "prune"}, "n\n");
  EXPECT_EQ(declined.status, 0);
  EXPECT_NE(declined.out.find("all stopped containers"), std::string::npos) << declined.out;
  EXPECT_NE(list({"ps", "-a", "--format", "{{.Names}}"}).find("pr-stopped"), std::string::npos);

  auto pruned = ward({"system", "prune", "-f"});
  ASSERT_EQ(pruned.status, 0) << pruned.err;
  EXPECT_NE(pruned.out.find("Deleted Containers:"), std::string::npos) << pruned.out;
  EXPECT_NE(pruned.out.find("Deleted Images:\ndeleted: " + dangling.out.substr(0, dangling.out.size() - 1)),
            std::string::npos)
      << pruned.out;
  EXPECT_NE(pruned.out.find("Total reclaimed space: "), std::string::npos);
  EXPECT_EQ(list({"ps", "-a", "--format", "{{.Names}}"}), "pr-running\n");
  EXPECT_EQ(list({"volume", "ls", "-q"}), "pr-unused\npr-used\n");  // volumes only with --volumes
  EXPECT_NE(list({"images", "--format", "{{.Repository}}"}).find("busybox"), std::string::npos);

  auto with_volumes = ward({"system", "prune", "-f", "--volumes"});
  ASSERT_EQ(with_volumes.status, 0) << with_volumes.err;
  EXPECT_NE(with_volumes.out.find("Deleted Volumes:\npr-unused\n"), std::string::npos) << with_volumes.out;
  EXPECT_EQ(list({"volume", "ls", "-q"}), "pr-used\n");
}

TEST_F(EnginePrune, AllRemovesEveryImageNoContainerUses) {
  ASSERT_EQ(ward({"run", "--rm", "busybox", "true"}).status, 0);
  ASSERT_EQ(ward({"tag", "busybox", "pr-tagged:1"}).status, 0);
  ASSERT_EQ(ward({"create", "--name", "pr-user", "busybox"}).status, 0);
  auto pruned = ward({"system", "prune", "-a", "-f", "--filter", "label=nothing-has-this"});
  ASSERT_EQ(pruned.status, 0) << pruned.err;
  EXPECT_NE(list({"ps", "-a", "--format", "{{.Names}}"}).find("pr-user"), std::string::npos);  // label filter
  pruned = ward({"system", "prune", "-a", "-f"});
  ASSERT_EQ(pruned.status, 0) << pruned.err;
  EXPECT_EQ(list({"ps", "-a", "-q"}), "");
  EXPECT_EQ(list({"images", "-q"}), "");
}

TEST_F(EnginePrune, BadInputIsOneLine) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"system", "prune", "-f", "--filter", "colour=red"},
                                             {"system", "prune", "-f", "--volumes", "--filter", "until=1h"},
                                             {"system", "prune", "extra"}}) {
    auto out = ward(args);
    EXPECT_EQ(out.status, 125) << args.back();
    EXPECT_EQ(std::count(out.err.begin(), out.err.end(), '\n'), 1) << out.err;
  }
}

class EngineCompletion : public EngineTest {
 protected:
  // COMPREPLY of the bash completion for `line` (the cursor at its end).
  std::string complete(const std::string& line) {
    std::string script = ward({"completion", "bash"}).out;
    write_text(dir_ + "/completion.bash", script);
    std::string bin = WARD_FRONT_BINARY;
    std::string shell = "ward() { env WARD_RUN_ROOT=" + run_root_ + " " + bin + " --root " + root_ +
                        " \"$@\"; }\nsource " + dir_ +
                        "/completion.bash\nread -ra COMP_WORDS <<< \"$LINE\"\n"
                        "[[ $LINE == *' ' ]] && COMP_WORDS+=('')\nCOMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                        "_ward\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
    auto out = run_command({"env", "LINE=" + line, "bash", "-c", shell});
    EXPECT_EQ(out.status, 0) << out.err;
    return out.out;
  }
};

TEST_F(EngineCompletion, BashCompletesVerbsSubcommandsFlagsAndNames) {
  EXPECT_NE(complete("ward ru").find("run\n"), std::string::npos);
  EXPECT_NE(complete("ward volume p").find("prune\n"), std::string::npos);
  std::string flags = complete("ward ps --fi");
  EXPECT_NE(flags.find("--filter\n"), std::string::npos) << flags;
  ASSERT_EQ(ward({"create", "--name", "cmp-box", "busybox"}).status, 0);
  EXPECT_NE(complete("ward rm cmp").find("cmp-box\n"), std::string::npos);
  EXPECT_NE(complete("ward run busy").find("busybox:latest\n"), std::string::npos);
}

TEST_F(EngineCompletion, ZshGetsTheSameThroughBashcompinitAndOtherShellsAreRefused) {
  auto zsh = ward({"completion", "zsh"});
  EXPECT_EQ(zsh.status, 0);
  EXPECT_TRUE(zsh.out.starts_with("#compdef ward\n"));
  EXPECT_NE(zsh.out.find("complete -o default -F _ward ward"), std::string::npos);
  auto fish = ward({"completion", "fish"});
  EXPECT_EQ(fish.status, 125);
  EXPECT_EQ(fish.err, "ward: completion: shell \"fish\": not supported (bash and zsh are)\n");
}

}  // namespace
}  // namespace ward::test
