// ward import, history, image prune and system df end to end: images made
// from a rootfs tarball (plain and gzip, file and stdin) with --change,
// their history, pruning dangling and then all images down to an empty
// store, and refusals that keep nothing.
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clients_support.h"
#include "images_support.h"
#include "support.h"

namespace ward::test {
namespace {

class ImageImport : public ImageStoreTest {
 protected:
  std::string file_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string sha256_of(const std::string& path) {
    auto summed = run_command({"sha256sum", path});
    EXPECT_EQ(summed.status, 0) << summed.err;
    return "sha256:" + summed.out.substr(0, 64);
  }
};

TEST_F(ImageImport, ImportsATarballWithChangesAndShowsItsHistory) {
  std::string tar = make_image_tar(dir_);
  auto imported = ward(
      {"import", "-c", R"(CMD ["echo", "hi"])", "--change", "ENV A=1", "-m", "from the test", tar, "local/imported:1"});
  ASSERT_EQ(imported.status, 0) << imported.err;
  ASSERT_EQ(imported.out.size(), 7u + 64u + 1u) << imported.out;  // sha256:<hex>\n, nothing else when piped
  auto image = inspect("local/imported:1");
  EXPECT_EQ(image["Id"], imported.out.substr(0, 71));
  EXPECT_EQ(image["Config"]["Cmd"], nlohmann::json::array({"echo", "hi"}));
  EXPECT_EQ(image["Config"]["Env"], nlohmann::json::array({"A=1"}));
  // The layer is the tarball itself: its diff_id is the file's digest.
  EXPECT_EQ(image["RootFS"]["Layers"], nlohmann::json::array({sha256_of(tar)}));
  std::string lower = image["GraphDriver"]["Data"]["LowerDir"];
  EXPECT_EQ(::access((lower + "/bin/busybox").c_str(), X_OK), 0);
  auto history =
      ward({"history", "--no-trunc", "--format", "{{.ID}}|{{.Comment}}|{{.CreatedSince}}", "local/imported:1"});
  ASSERT_EQ(history.status, 0) << history.err;
  EXPECT_EQ(history.out.substr(0, history.out.rfind('|')), image["Id"].get<std::string>() + "|from the test");
  EXPECT_NE(history.out.find("ago"), std::string::npos) << history.out;

  // The same tarball gzipped, on stdin: a new image (another created time)
  // on the same layer, unpacked once.
  auto zipped = run_command({"sh", "-c", "gzip -c " + tar + " > " + dir_ + "/bb.tar.gz"});
  ASSERT_EQ(zipped.status, 0) << zipped.err;
  auto again = ward({"import", "-", "local/imported:2"}, file_text(dir_ + "/bb.tar.gz"));
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(inspect("local/imported:2")["RootFS"]["Layers"], image["RootFS"]["Layers"]);
  EXPECT_EQ(entries_under(root_ + "/layers") > 0, true);
  auto layers = run_command({"sh", "-c", "ls " + root_ + "/layers | wc -l"});
  EXPECT_EQ(layers.out, "1\n");
  auto comment = ward({"history", "--format", "{{.Comment}}", "local/imported:2"});
  EXPECT_EQ(comment.out, "Imported from -\n");
}

TEST_F(ImageImport, RefusesWhatIsNotATarballAndKeepsNothing) {
  std::string junk = dir_ + "/junk.tar";
  std::ofstream(junk) << "this is not a tar archive\n";
  auto refused = ward({"import", junk, "local/junk:1"});
  EXPECT_EQ(refused.status, 125);
  EXPECT_NE(refused.err.find("junk.tar"), std::string::npos) << refused.err;
  EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  expect_empty_store();

  std::string tar = make_image_tar(dir_);
  auto bad_change = ward({"import", "-c", "RUN make", tar});
  EXPECT_EQ(bad_change.status, 125);
  EXPECT_NE(bad_change.err.find("--change \"RUN make\""), std::string::npos) << bad_change.err;
  auto bad_name = ward({"import", tar, "Not A Name"});
  EXPECT_EQ(bad_name.status, 125);
  auto bad_platform = ward({"import", "--platform", "linux", tar});
  EXPECT_EQ(bad_platform.status, 125);
  EXPECT_NE(bad_platform.err.find("--platform"), std::string::npos) << bad_platform.err;
  auto missing = ward({"import", dir_ + "/missing.tar"});
  EXPECT_EQ(missing.status, 125);
  EXPECT_NE(missing.err.find("missing.tar"), std::string::npos) << missing.err;
  expect_empty_store();
}

TEST_F(ImageImport, PruneRemovesDanglingThenAllAndSystemDfCounts) {
  auto dangling = ward({"import", make_image_tar(dir_)});
  ASSERT_EQ(dangling.status, 0) << dangling.err;
  std::string dangling_id = dangling.out.substr(0, 71);
  ASSERT_EQ(inspect("busybox")["RepoTags"], nlohmann::json::array({"busybox:latest"}));
  auto df = ward({"system", "df", "--format", "{{.Type}}={{.TotalCount}}"});
  ASSERT_EQ(df.status, 0) << df.err;
  EXPECT_EQ(df.out, "Images=2\nContainers=0\nLocal Volumes=0\nBuild Cache=0\n");

  auto pruned = ward({"image", "prune", "-f"});
  ASSERT_EQ(pruned.status, 0) << pruned.err;
  EXPECT_NE(pruned.out.find("deleted: " + dangling_id), std::string::npos) << pruned.out;
  EXPECT_NE(pruned.out.find("Total reclaimed space: "), std::string::npos) << pruned.out;
  EXPECT_EQ(pruned.out.find("Total reclaimed space: 0B"), std::string::npos) << pruned.out;
  auto left = ward({"images", "--format", "{{.Repository}}"});
  EXPECT_EQ(left.out, "busybox\n");

  // A filter that keeps everything: nothing removed.
  auto kept = ward({"image", "prune", "-a", "-f", "--filter", "until=2000-01-01T00:00:00Z"});
  ASSERT_EQ(kept.status, 0) << kept.err;
  EXPECT_EQ(kept.out, "Total reclaimed space: 0B\n");
  auto bad_filter = ward({"image", "prune", "-f", "--filter", "colour=red"});
  EXPECT_EQ(bad_filter.status, 125);
  EXPECT_NE(bad_filter.err.find("colour=red"), std::string::npos) << bad_filter.err;

  auto all = ward({"image", "prune", "--all", "--force"});
  ASSERT_EQ(all.status, 0) << all.err;
  EXPECT_NE(all.out.find("untagged: busybox:latest"), std::string::npos) << all.out;
  expect_empty_store();
}

TEST_F(ImageImport, HistoryOfTheBuiltinImageTruncatesAsDockerDoes) {
  auto history = ward({"history", "busybox"});
  ASSERT_EQ(history.status, 0) << history.err;
  auto lines = history.out;
  EXPECT_EQ(lines.substr(0, lines.find('\n')).find("IMAGE"), 0u) << lines;
  EXPECT_NE(lines.find("ward: the built-in image, from the host's bu…"), std::string::npos) << lines;
  auto raw = ward({"history", "--human=false", "--format", "{{.CreatedSince}} {{.Size}}", "busybox"});
  ASSERT_EQ(raw.status, 0) << raw.err;
  EXPECT_EQ(raw.out.substr(0, 21), "2026-01-01T00:00:00Z ") << raw.out;
  auto quiet = ward({"history", "-q", "busybox"});
  EXPECT_EQ(quiet.out, inspect("busybox")["Id"].get<std::string>().substr(7, 12) + "\n");
}

}  // namespace
}  // namespace ward::test
