// `ward` image verbs end to end, with real peers making the archives:
// podman save (docker-archive and oci-archive), skopeo copy to an OCI
// layout directory; the built-in busybox image; bad archives that must
// leave nothing in the store.  Each test has its own store (--root) and,
// for podman, its own storage, removed afterwards.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clients_support.h"
#include "images_support.h"
#include "support.h"

namespace ward::test {
namespace {

class Images : public ImageStoreTest {};

TEST_F(Images, BuiltinBusyboxIsMadeOnFirstUseWithTheSameIdEverywhere) {
  auto first = inspect("busybox");
  ASSERT_TRUE(first.is_object());
  EXPECT_EQ(first["RepoTags"], nlohmann::json::array({"busybox:latest"}));
  EXPECT_EQ(first["Config"]["Cmd"], nlohmann::json::array({"sh"}));
  EXPECT_EQ(first["RootFS"]["Layers"].size(), 1u);
  // The layer holds busybox and its applets as hard links.
  std::string lower = first["GraphDriver"]["Data"]["LowerDir"];
  struct stat busybox {
  }, sh{};
  ASSERT_EQ(::stat((lower + "/bin/busybox").c_str(), &busybox), 0);
  ASSERT_EQ(::stat((lower + "/bin/sh").c_str(), &sh), 0);
  EXPECT_EQ(busybox.st_ino, sh.st_ino);
  // Another store makes the same image.
  std::string other_root = root_;
  root_ = dir_ + "/other";
  auto second = inspect("busybox:latest");
  EXPECT_EQ(second["Id"], first["Id"]);
  root_ = other_root;
  auto listed = ward({"images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"});
  EXPECT_EQ(listed.out, "busybox:latest " + first["Id"].get<std::string>().substr(7, 12) + "\n");
}

TEST_F(Images, LoadsPodmansDockerArchiveAndOciArchive) {
  for (const std::string format : {"docker-archive", "oci-archive"}) {
    SCOPED_TRACE(format);
    std::string archive = podman_archive(format);
    auto loaded = ward({"load", "-i", archive});
    ASSERT_EQ(loaded.status, 0) << loaded.err;
    EXPECT_EQ(loaded.out, "Loaded image: localhost/bb:1\n");  // piped: no progress lines
    auto image = inspect("localhost/bb:1");
    auto podman_view = podman({"image", "inspect", "localhost/bb:1"});
    ASSERT_EQ(podman_view.status, 0) << podman_view.err;
    auto theirs = nlohmann::json::parse(podman_view.out).at(0);
    EXPECT_EQ(image["RootFS"]["Layers"], theirs["RootFS"]["Layers"]);
    std::string lower = image["GraphDriver"]["Data"]["LowerDir"];
    EXPECT_TRUE(fs::exists(lower + "/bin/busybox"));
    // Removing it removes its layer and blobs: the store is empty again.
    auto removed = ward({"rmi", "localhost/bb:1"});
    ASSERT_EQ(removed.status, 0) << removed.err;
    EXPECT_NE(removed.out.find("Deleted: " + image["Id"].get<std::string>()), std::string::npos) << removed.out;
    expect_empty_store();
  }
}

TEST_F(Images, LoadsFromStdinAndFromAnOciLayoutDirectory) {
  std::string archive = podman_archive("oci-archive");
  auto from_stdin = ward({"load"}, read_text(archive));
  ASSERT_EQ(from_stdin.status, 0) << from_stdin.err;
  auto id = inspect("localhost/bb:1")["Id"];
  ASSERT_EQ(ward({"rmi", "localhost/bb:1"}).status, 0);
  auto copied = run_command({"skopeo", "copy", "--quiet", "oci-archive:" + archive, "oci:" + dir_ + "/layout:bb:2"});
  ASSERT_EQ(copied.status, 0) << copied.err;
  auto from_dir = ward({"load", "-i", dir_ + "/layout"});
  ASSERT_EQ(from_dir.status, 0) << from_dir.err;
  // skopeo's OCI layout names the image by tag only ("bb:2" -> ref.name "bb:2").
  EXPECT_EQ(inspect(id.get<std::string>())["Id"], id);
}

TEST_F(Images, TagListRemoveAndLayersSharedBetweenImages) {
  auto loaded = ward({"load", "-i", podman_archive("docker-archive")});
  ASSERT_EQ(loaded.status, 0) << loaded.err;
  ASSERT_EQ(ward({"tag", "localhost/bb:1", "example.com/team/app:2"}).status, 0);
  auto rows = ward({"images", "--format", "{{.Repository}} {{.Tag}}"});
  EXPECT_NE(rows.out.find("example.com/team/app 2\n"), std::string::npos) << rows.out;
  EXPECT_NE(rows.out.find("localhost/bb 1\n"), std::string::npos) << rows.out;
  // Removing one of two names only untags.
  auto untagged = ward({"rmi", "example.com/team/app:2"});
  EXPECT_EQ(untagged.out, "Untagged: example.com/team/app:2\n");
  EXPECT_EQ(entries_under(root_ + "/layers") > 0, true);
  // By ID with two names: refused without -f.
  ASSERT_EQ(ward({"tag", "localhost/bb:1", "other:1"}).status, 0);
  std::string id = inspect("other:1")["Id"];
  auto refused = ward({"rmi", id.substr(7, 12)});
  EXPECT_NE(refused.status, 0);
  EXPECT_NE(refused.err.find("must be forced"), std::string::npos) << refused.err;
  ASSERT_EQ(ward({"rmi", "-f", id.substr(7, 12)}).status, 0);
  expect_empty_store();
}

TEST_F(Images, ACorruptBlobIsRefusedAndNothingIsStored) {
  std::string archive = podman_archive("oci-archive");
  auto copied = run_command({"skopeo", "copy", "--quiet", "oci-archive:" + archive, "oci:" + dir_ + "/layout:bb:2"});
  ASSERT_EQ(copied.status, 0) << copied.err;
  // Flip a byte in the largest blob (the layer).
  std::string largest;
  std::uintmax_t size = 0;
  for (const auto& entry : fs::directory_iterator(dir_ + "/layout/blobs/sha256"))
    if (entry.file_size() > size) size = entry.file_size(), largest = entry.path().string();
  std::string bytes = read_text(largest);
  bytes[bytes.size() / 2] ^= 0x01;
  write_text(largest, bytes);
  auto loaded = ward({"load", "-i", dir_ + "/layout"});
  EXPECT_EQ(loaded.status, 125);
  EXPECT_NE(loaded.err.find("digest mismatch"), std::string::npos) << loaded.err;
  EXPECT_NE(loaded.err.find(fs::path(largest).filename().string()), std::string::npos) << loaded.err;
  EXPECT_EQ(std::count(loaded.err.begin(), loaded.err.end(), '\n'), 1) << loaded.err;
  expect_empty_store();
}

TEST_F(Images, TruncatedAndForeignArchivesAreRefused) {
  std::string archive = podman_archive("docker-archive");
  std::string bytes = read_text(archive);
  write_text(dir_ + "/truncated.tar", bytes.substr(0, bytes.size() / 2));
  auto truncated = ward({"load", "-i", dir_ + "/truncated.tar"});
  EXPECT_EQ(truncated.status, 125);
  EXPECT_NE(truncated.err.find("truncated.tar"), std::string::npos) << truncated.err;
  expect_empty_store();

  write_text(dir_ + "/notes.txt", "not an archive\n");
  auto foreign = ward({"load", "-i", dir_ + "/notes.txt"});
  EXPECT_EQ(foreign.status, 125);
  EXPECT_NE(foreign.err.find("notes.txt"), std::string::npos) << foreign.err;
  expect_empty_store();

  auto missing = ward({"load", "-i", dir_ + "/absent.tar"});
  EXPECT_EQ(missing.status, 125);
  EXPECT_NE(missing.err.find("absent.tar"), std::string::npos) << missing.err;
}

TEST_F(Images, SavedArchivesLoadInPodmanAndInWard) {
  auto image = inspect("busybox");
  ASSERT_TRUE(image.is_object());
  for (const std::string format : {"docker-archive", "oci-archive"}) {
    SCOPED_TRACE(format);
    std::string archive = dir_ + "/saved-" + format + ".tar";
    auto saved = ward({"save", "--format", format, "-o", archive, "busybox"});
    ASSERT_EQ(saved.status, 0) << saved.err;
    EXPECT_EQ(saved.out, "");  // piped: no progress
    auto loaded = podman({"load", "-i", archive});
    ASSERT_EQ(loaded.status, 0) << loaded.err;
    // Podman names a docker-archive's "busybox:latest" localhost/busybox,
    // and takes an OCI archive's full name as it is; it says which.
    auto named = loaded.out.find("Loaded image: ");
    ASSERT_NE(named, std::string::npos) << loaded.out;
    std::string name = loaded.out.substr(named + 14, loaded.out.find('\n', named) - named - 14);
    EXPECT_NE(name.find("busybox:latest"), std::string::npos) << name;
    auto theirs = podman({"image", "inspect", name});
    ASSERT_EQ(theirs.status, 0) << theirs.err;
    EXPECT_EQ(nlohmann::json::parse(theirs.out).at(0)["RootFS"]["Layers"], image["RootFS"]["Layers"]);
    EXPECT_EQ("sha256:" + nlohmann::json::parse(theirs.out).at(0)["Id"].get<std::string>(), image["Id"]);
    ASSERT_EQ(podman({"rmi", name}).status, 0);
    // And back into another ward store: the same image.
    std::string own_root = root_;
    root_ = dir_ + "/reloaded-" + format;
    auto reloaded = ward({"load", "-i", archive});
    ASSERT_EQ(reloaded.status, 0) << reloaded.err;
    EXPECT_EQ(reloaded.out, "Loaded image: busybox:latest\n");
    EXPECT_EQ(inspect("busybox")["Id"], image["Id"]);
    root_ = own_root;
  }
  // Saving to standard output, and refusing an unknown format or image.
  auto piped = ward({"save", "busybox"});
  ASSERT_EQ(piped.status, 0) << piped.err;
  EXPECT_GT(piped.out.size(), 1000000u);
  auto bad_format = ward({"save", "--format", "zip", "-o", dir_ + "/x.zip", "busybox"});
  EXPECT_EQ(bad_format.status, 125);
  EXPECT_NE(bad_format.err.find("--format \"zip\""), std::string::npos) << bad_format.err;
  auto unknown = ward({"save", "-o", dir_ + "/none.tar", "absent:1"});
  EXPECT_NE(unknown.status, 0);
  EXPECT_FALSE(fs::exists(dir_ + "/none.tar"));
}

TEST_F(Images, UnknownImagesAndBadNamesAreOneLineErrors) {
  auto unknown = ward({"image", "inspect", "nothing-here:1"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.err.find("no such image: nothing-here:1"), std::string::npos) << unknown.err;
  auto bad = ward({"tag", "busybox", "UPPER/Case"});
  EXPECT_NE(bad.status, 0);
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  auto bad_filter = ward({"images", "--filter", "colour=blue"});
  EXPECT_EQ(bad_filter.status, 125);
  EXPECT_NE(bad_filter.err.find("colour"), std::string::npos) << bad_filter.err;
}

}  // namespace
}  // namespace ward::test
