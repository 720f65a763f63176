#include "image/config_change.h"

#include <gtest/gtest.h>

#include "image/platform.h"

namespace ward::image {
namespace {

ContainerConfig changed(std::initializer_list<std::string_view> changes) {
  ContainerConfig config;
  for (auto change : changes) {
    auto applied = apply_config_change(config, change);
    EXPECT_TRUE(applied) << change << ": " << applied.error().what();
  }
  return config;
}

TEST(ImageConfigChange, CmdAndEntrypointTakeJsonOrShellForm) {
  auto config = changed({R"(CMD ["sh", "-c", "echo hi"])", "ENTRYPOINT /bin/run --fast"});
  EXPECT_EQ(config.cmd, (std::vector<std::string>{"sh", "-c", "echo hi"}));
  EXPECT_EQ(config.entrypoint, (std::vector<std::string>{"/bin/sh", "-c", "/bin/run --fast"}));
  EXPECT_TRUE(changed({"cmd"}).cmd.empty());
}

TEST(ImageConfigChange, EnvSetsPairsReplacesKeysAndTakesTheOldForm) {
  auto config = changed({"ENV A=1 B=\"two words\"", "ENV A=3", "ENV PATH /usr/bin:/bin"});
  EXPECT_EQ(config.env, (std::vector<std::string>{"A=3", "B=two words", "PATH=/usr/bin:/bin"}));
}

TEST(ImageConfigChange, LabelExposeVolumeUserWorkdirStopsignalOnbuild) {
  auto config = changed({"LABEL a=b 'c d'=e", "EXPOSE 80 53/udp", R"(VOLUME ["/data", "/logs"])", "VOLUME /cache",
                         "USER 1000:1000", "WORKDIR /srv", "STOPSIGNAL SIGINT", "ONBUILD RUN true"});
  EXPECT_EQ(config.labels.at("a"), "b");
  EXPECT_EQ(config.labels.at("c d"), "e");
  EXPECT_EQ(config.exposed_ports, (std::set<std::string>{"53/udp", "80/tcp"}));
  EXPECT_EQ(config.volumes, (std::set<std::string>{"/cache", "/data", "/logs"}));
  EXPECT_EQ(config.user, "1000:1000");
  EXPECT_EQ(config.working_dir, "/srv");
  EXPECT_EQ(config.stop_signal, "SIGINT");
  EXPECT_EQ(config.on_build, (std::vector<std::string>{"RUN true"}));
}

TEST(ImageConfigChange, BadChangesNameTheInstruction) {
  struct Case {
    std::string_view change;
    std::string_view words;
  };
  for (const auto& [change, words] : std::initializer_list<Case>{{"RUN make", "RUN cannot be changed here"},
                                                                 {"", "an empty instruction"},
                                                                 {"   ", "an empty instruction"},
                                                                 {"ENV", "ENV needs an argument"},
                                                                 {"LABEL novalue", "is not KEY=VALUE"},
                                                                 {"EXPOSE 99999", "is not PORT"},
                                                                 {"EXPOSE 80/icmp", "is not PORT"},
                                                                 {"VOLUME data", "not an absolute path"},
                                                                 {"WORKDIR srv", "must be absolute"},
                                                                 {"ENV A=\"open", "unterminated quote"}}) {
    ContainerConfig config;
    auto applied = apply_config_change(config, change);
    ASSERT_FALSE(applied) << change;
    EXPECT_TRUE(applied.error().is(ErrorKind::invalid_input)) << change;
    EXPECT_NE(applied.error().what().find(words), std::string::npos) << applied.error().what();
    EXPECT_NE(applied.error().what().find("--change"), std::string::npos) << applied.error().what();
  }
}

TEST(ImagePlatformParse, ReadsOsArchVariantAndRefusesTheRest) {
  auto arm = parse_platform("linux/arm/v7");
  ASSERT_TRUE(arm);
  EXPECT_EQ(platform_string(*arm), "linux/arm/v7");
  auto amd = parse_platform("Linux/x86_64");
  ASSERT_TRUE(amd);
  EXPECT_EQ(platform_string(*amd), "linux/amd64");
  for (auto bad : {"linux", "linux/", "/amd64", "linux/arm/v7/x", ""}) {
    auto parsed = parse_platform(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().what().find("OS/ARCH"), std::string::npos);
  }
}

}  // namespace
}  // namespace ward::image
