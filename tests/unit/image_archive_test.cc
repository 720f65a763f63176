// The documents of image archives (image/archive_manifest.h) and reading
// an archive front to back (image/tar_stream.h).
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "image/archive_manifest.h"
#include "image/tar_stream.h"
#include "temp_dir.h"
#include "util/fd.h"

namespace ward::image {
namespace {

TEST(DockerArchiveManifest, ReadsWhatDockerSaveWrites) {
  auto images = parse_docker_archive_manifest(
      R"([{"Config":"abc.json","RepoTags":["busybox:latest"],"Layers":["1/layer.tar","./2/layer.tar"]}])");
  ASSERT_TRUE(images) << images.error().what();
  ASSERT_EQ(images->size(), 1u);
  EXPECT_EQ((*images)[0].config, "abc.json");
  EXPECT_EQ((*images)[0].repo_tags, std::vector<std::string>{"busybox:latest"});
  EXPECT_EQ((*images)[0].layers, (std::vector<std::string>{"1/layer.tar", "./2/layer.tar"}));
  auto again = parse_docker_archive_manifest(write_docker_archive_manifest(*images));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *images);
}

TEST(DockerArchiveManifest, RefusesWhatNamesNoMemberOfTheArchive) {
  struct Case {
    const char* json;
    const char* error;
  };
  for (const auto& [json, error] : std::initializer_list<Case>{
           {"[]", "manifest.json: names no image"},
           {"{}", "manifest.json"},
           {R"([{"Config":"../x.json","Layers":[]}])",
            "manifest.json: [0].Config: \"../x.json\" is not a relative path"},
           {R"([{"Config":"x.json","Layers":["/etc/passwd"]}])",
            "[0].Layers[0]: \"/etc/passwd\" is not a relative path"},
           {R"([{"Layers":[]}])", "Config"},
           {"[", "invalid JSON"},
       }) {
    auto parsed = parse_docker_archive_manifest(json);
    ASSERT_FALSE(parsed) << json;
    EXPECT_NE(parsed.error().what().find(error), std::string::npos) << parsed.error().what();
    EXPECT_TRUE(parsed.error().is(ErrorKind::invalid_input));
  }
}

TEST(OciLayoutFile, VersionOneOnly) {
  EXPECT_TRUE(check_oci_layout_file(write_oci_layout_file()));
  EXPECT_TRUE(check_oci_layout_file(R"({"imageLayoutVersion":"1.1.0"})"));
  auto two = check_oci_layout_file(R"({"imageLayoutVersion":"2.0.0"})");
  ASSERT_FALSE(two);
  EXPECT_NE(two.error().what().find("oci-layout"), std::string::npos);
  EXPECT_FALSE(check_oci_layout_file("{}"));
}

TEST(MemberPath, NormalisedOrRefused) {
  EXPECT_EQ(normalize_member_path("./a//b/./c"), "a/b/c");
  EXPECT_EQ(normalize_member_path("blobs/sha256/abc"), "blobs/sha256/abc");
  EXPECT_EQ(normalize_member_path("a/../b"), "");
  EXPECT_EQ(normalize_member_path("/etc/passwd"), "");
  EXPECT_EQ(normalize_member_path("./"), "");
}

TEST(TarStream, ReadsMembersAndRefusesTruncation) {
  test_support::TempDir dir("ward-archive-test");
  std::string root = dir.path();
  ASSERT_EQ(::mkdir((root + "/in").c_str(), 0755), 0);
  {
    UniqueFd file(::open((root + "/in/hello.txt").c_str(), O_WRONLY | O_CREAT, 0644));
    ASSERT_EQ(::write(file.get(), "hello\n", 6), 6);
  }
  ASSERT_EQ(::symlink("hello.txt", (root + "/in/link").c_str()), 0);
  std::string tar = root + "/a.tar";
  ASSERT_EQ(std::system(("tar -C " + root + "/in -cf " + tar + " hello.txt link").c_str()), 0);

  UniqueFd fd(::open(tar.c_str(), O_RDONLY));
  auto stream = TarStream::open(fd.get(), "a.tar");
  ASSERT_TRUE(stream) << stream.error().what();
  auto first = stream->next();
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->path, "hello.txt");
  EXPECT_EQ((*first)->type, TarMemberType::file);
  EXPECT_EQ(stream->read_all(100).value_or(""), "hello\n");
  auto second = stream->next();
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->type, TarMemberType::symlink);
  EXPECT_EQ((*second)->link_target, "hello.txt");
  auto end = stream->next();
  ASSERT_TRUE(end);
  EXPECT_FALSE(*end);

  // Cut inside the first member's data: an error naming the archive.
  ASSERT_EQ(::truncate(tar.c_str(), 600), 0);
  UniqueFd cut(::open(tar.c_str(), O_RDONLY));
  auto truncated = TarStream::open(cut.get(), "cut.tar");
  ASSERT_TRUE(truncated);
  bool failed = false;
  for (int i = 0; i < 4 && !failed; ++i) {
    auto member = truncated->next();
    if (!member) {
      failed = true;
      EXPECT_NE(member.error().what().find("cut.tar"), std::string::npos) << member.error().what();
      break;
    }
    if (!*member) break;
    auto data = truncated->read_all(1 << 20);
    if (!data) {
      failed = true;
      EXPECT_NE(data.error().what().find("cut.tar"), std::string::npos) << data.error().what();
    }
  }
  EXPECT_TRUE(failed);
}

}  // namespace
}  // namespace ward::image
