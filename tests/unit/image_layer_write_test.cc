// The layer writer (src/image/layer_write.h): the same input gives the same
// bytes, both digests are those of what was written, compressed layers
// unpack to the same tar, add() refuses names that leave the layer, and
// add_tree() writes shared inodes as hard links.
#include "image/layer_write.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "image/layer_unpack.h"
#include "layer_test_support.h"
#include "temp_dir.h"
#include "util/sys.h"

namespace ward::image {
namespace {

using test_support::contents;
using test_support::write_layer;

std::vector<LayerEntry> sample_entries() {
  LayerEntry tool = LayerEntry::file_with("usr/bin/tool", "#!/bin/sh\necho hi\n", 0755);
  tool.mtime = 1700000000;
  tool.xattrs = {{"user.note", "kept"}};
  return {LayerEntry::directory_at("usr"), LayerEntry::directory_at("usr/bin"), tool,
          LayerEntry::symlink_to("usr/bin/alias", "tool"), LayerEntry::hard_link_to("usr/bin/again", "usr/bin/tool")};
}

class LayerWriteCompression : public ::testing::TestWithParam<LayerCompression> {};

TEST_P(LayerWriteCompression, SameInputGivesTheSameBytesAndDigests) {
  auto first = write_layer(sample_entries(), GetParam());
  auto second = write_layer(sample_entries(), GetParam());
  ASSERT_TRUE(first) << first.error().what();
  ASSERT_TRUE(second) << second.error().what();
  std::string bytes = contents(first->fd.get());
  EXPECT_EQ(bytes, contents(second->fd.get()));
  EXPECT_EQ(first->written.blob_digest, second->written.blob_digest);
  EXPECT_EQ(first->written.diff_id, second->written.diff_id);
  // The blob digest is the digest of the bytes in the fd.
  EXPECT_EQ(first->written.blob_digest, digest_of(bytes).value());
  EXPECT_EQ(first->written.blob_size, bytes.size());
  if (GetParam() == LayerCompression::none) {
    EXPECT_EQ(first->written.diff_id, first->written.blob_digest);
    EXPECT_EQ(first->written.tar_size, first->written.blob_size);
    EXPECT_EQ(bytes.size() % 512, 0U);
  }
  EXPECT_EQ(detect_layer_compression(bytes), GetParam());
}

TEST_P(LayerWriteCompression, CompressedLayersUnpackToTheSameTar) {
  auto plain = write_layer(sample_entries(), LayerCompression::none);
  auto packed = write_layer(sample_entries(), GetParam());
  ASSERT_TRUE(plain && packed);
  // The diff_id names the tar, whatever the compression.
  EXPECT_EQ(packed->written.diff_id, plain->written.diff_id);
  EXPECT_EQ(packed->written.tar_size, plain->written.tar_size);

  test_support::TempDir dir("ward-layer-write");
  ASSERT_TRUE(dir.ok());
  UniqueFd root(::open(dir.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  auto unpacked = unpack_layer(packed->fd.get(), root.get(),
                               {.compression = GetParam(),
                                .expected_blob_digest = packed->written.blob_digest,
                                .expected_diff_id = plain->written.diff_id});
  ASSERT_TRUE(unpacked) << unpacked.error().what();
  EXPECT_EQ(unpacked->compression, GetParam());
  EXPECT_EQ(unpacked->tar_size, plain->written.tar_size);
  EXPECT_EQ(sys::read_file(dir.path() + "/usr/bin/tool").value(), "#!/bin/sh\necho hi\n");
}

INSTANTIATE_TEST_SUITE_P(All, LayerWriteCompression,
                         ::testing::Values(LayerCompression::none, LayerCompression::gzip, LayerCompression::zstd));

TEST(LayerWrite, AddRefusesPathsThatAreNotPlainAndRelative) {
  auto fd = test_support::memory_file();
  auto writer = LayerWriter::create(fd.get());
  ASSERT_TRUE(writer) << writer.error().what();
  for (const char* bad : {"", "/etc/passwd", "../x", "a/../b", "./a", "a//b", "a/", "a/."}) {
    auto added = writer->add(LayerEntry::file_with(bad, "x"));
    ASSERT_FALSE(added) << bad;
    EXPECT_TRUE(added.error().is(ErrorKind::invalid_input)) << bad;
  }
  auto link_out = writer->add(LayerEntry::hard_link_to("h", "../../etc/passwd"));
  ASSERT_FALSE(link_out);
  EXPECT_TRUE(link_out.error().is(ErrorKind::invalid_input));
  // add_raw takes them as they are (for tests of the unpacker).
  EXPECT_TRUE(writer->add_raw(LayerEntry::file_with("../x", "x")));
  ASSERT_TRUE(writer->finish());
  EXPECT_FALSE(writer->add(LayerEntry::file_with("late", "x")));
}

TEST(LayerWrite, NamesThatAreNotAsciiKeepTheirBytes) {
  std::vector<LayerEntry> entries = {LayerEntry::file_with("caf\xc3\xa9", "utf-8"),
                                     LayerEntry::file_with("raw\xff", "not utf-8"),
                                     LayerEntry::file_with("plain", "p")};
  auto blob = write_layer(entries);
  ASSERT_TRUE(blob) << blob.error().what();
  auto again = write_layer(entries);
  ASSERT_TRUE(again);
  EXPECT_EQ(blob->written.diff_id, again->written.diff_id);
  test_support::TempDir dir("ward-layer-names");
  ASSERT_TRUE(dir.ok());
  UniqueFd root(::open(dir.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  auto unpacked = unpack_layer(blob->fd.get(), root.get(), {});
  ASSERT_TRUE(unpacked) << unpacked.error().what();
  EXPECT_EQ(sys::read_file(dir.path() + "/caf\xc3\xa9").value(), "utf-8");
  EXPECT_EQ(sys::read_file(dir.path() + "/raw\xff").value(), "not utf-8");
  EXPECT_EQ(sys::read_file(dir.path() + "/plain").value(), "p");
}

TEST(LayerWrite, AddTreeWritesSharedInodesAsHardLinksAndSkipsSockets) {
  test_support::TempDir source("ward-layer-tree");
  test_support::TempDir copy("ward-layer-tree-copy");
  ASSERT_TRUE(source.ok() && copy.ok());
  const std::string& s = source.path();
  ASSERT_EQ(::mkdir((s + "/b").c_str(), 0750), 0);
  ASSERT_TRUE(sys::write_file_atomic(s + "/b/file", "shared", 0644));
  ASSERT_EQ(::link((s + "/b/file").c_str(), (s + "/a-link").c_str()), 0);
  ASSERT_EQ(::symlink("b/file", (s + "/c-symlink").c_str()), 0);
  ASSERT_EQ(::mkfifo((s + "/d-fifo").c_str(), 0600), 0);
  std::string big(300 * 1000 + 7, 'z');  // streamed in several reads
  ASSERT_TRUE(sys::write_file_atomic(s + "/f-big", big, 0600));
  int sock = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::string socket_path = s + "/e-socket";
  ASSERT_LT(socket_path.size(), sizeof(address.sun_path));
  socket_path.copy(address.sun_path, socket_path.size());
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ::close(sock);

  auto write_tree = [&](const std::string& prefix) -> Result<test_support::LayerBlob> {
    test_support::LayerBlob blob{test_support::memory_file(), {}};
    auto writer =
        WARD_TRY(LayerWriter::create(blob.fd.get(), {.fixed_owner = std::pair<uid_t, gid_t>{0, 0}, .fixed_mtime = 0}));
    UniqueFd dir(::open(s.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    WARD_TRY(writer.add_tree(dir.get(), prefix));
    blob.written = WARD_TRY(writer.finish());
    ::lseek(blob.fd.get(), 0, SEEK_SET);
    return blob;
  };
  auto blob = write_tree("");
  ASSERT_TRUE(blob) << blob.error().what();
  auto again = write_tree("");
  ASSERT_TRUE(again);
  EXPECT_EQ(blob->written.diff_id, again->written.diff_id);

  UniqueFd root(::open(copy.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  auto unpacked = unpack_layer(blob->fd.get(), root.get(), {});
  ASSERT_TRUE(unpacked) << unpacked.error().what();
  // a-link comes first in byte order, so b/file is the hard link to it.
  struct stat first, second, fifo, link;
  ASSERT_EQ(::stat((copy.path() + "/a-link").c_str(), &first), 0);
  ASSERT_EQ(::stat((copy.path() + "/b/file").c_str(), &second), 0);
  EXPECT_EQ(first.st_ino, second.st_ino);
  EXPECT_EQ(first.st_nlink, 2U);
  EXPECT_EQ(sys::read_file(copy.path() + "/b/file").value(), "shared");
  ASSERT_EQ(::lstat((copy.path() + "/c-symlink").c_str(), &link), 0);
  EXPECT_TRUE(S_ISLNK(link.st_mode));
  ASSERT_EQ(::lstat((copy.path() + "/d-fifo").c_str(), &fifo), 0);
  EXPECT_TRUE(S_ISFIFO(fifo.st_mode));
  EXPECT_FALSE(sys::path_exists(copy.path() + "/e-socket"));
  EXPECT_EQ(sys::read_file(copy.path() + "/f-big").value(), big);
  EXPECT_EQ(unpacked->entries, 6U);  // a-link, b, b/file, c-symlink, d-fifo, f-big

  auto prefixed = write_tree("opt/");
  ASSERT_TRUE(prefixed) << prefixed.error().what();
  EXPECT_NE(prefixed->written.diff_id, blob->written.diff_id);
}

}  // namespace
}  // namespace ward::image
