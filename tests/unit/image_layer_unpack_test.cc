// The layer unpacker (src/image/layer_unpack.h): every kind of entry comes
// back as written, whiteouts become overlayfs's or are applied, hostile
// layers write nothing outside the destination, and digests, truncation and
// a wrong compression are caught.
#include "image/layer_unpack.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "image/layer_write.h"
#include "layer_test_support.h"
#include "temp_dir.h"
#include "util/sys.h"

namespace ward::image {
namespace {

using test_support::write_layer;

// A v2 file capability: cap_net_bind_service permitted and effective.
const std::string kCapability("\x01\x00\x00\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 20);

std::string xattr_of(const std::string& path, const char* name) {
  char value[256];
  ssize_t n = ::lgetxattr(path.c_str(), name, value, sizeof(value));
  return n < 0 ? std::string("<none>") : std::string(value, static_cast<std::size_t>(n));
}

class LayerUnpackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(temp_.ok());
    layer_ = temp_.path() + "/layer";
    outside_ = temp_.path() + "/outside";
    ASSERT_EQ(::mkdir(layer_.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir(outside_.c_str(), 0755), 0);
    root_ = UniqueFd(::open(layer_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(root_);
  }

  Result<UnpackedLayer> unpack(const std::vector<LayerEntry>& entries, UnpackOptions options = {}, bool raw = false,
                               LayerCompression compression = LayerCompression::none) {
    auto blob = WARD_TRY(write_layer(entries, compression, raw));
    return unpack_layer(blob.fd.get(), root_.get(), options);
  }

  // Nothing may appear beside the layer directory.
  void expect_outside_untouched() {
    auto names = sys::list_directory(outside_);
    ASSERT_TRUE(names);
    EXPECT_TRUE(names->empty()) << (*names)[0];
    auto top = sys::list_directory(temp_.path());
    ASSERT_TRUE(top);
    EXPECT_EQ(top->size(), 2U);
  }

  std::string at(const std::string& relative) const { return layer_ + "/" + relative; }

  test_support::TempDir temp_{"ward-layer-unpack"};
  std::string layer_;
  std::string outside_;
  UniqueFd root_;
};

TEST_F(LayerUnpackTest, EveryKindOfEntryComesBackAsWritten) {
  LayerEntry dir = LayerEntry::directory_at("srv", 0750);
  dir.uid = 1000;
  dir.gid = 1001;
  dir.mtime = 1600000000;
  LayerEntry file = LayerEntry::file_with("srv/data", "payload", 0640);
  file.uid = 1234;
  file.gid = 4321;
  file.mtime = 1500000000;
  file.xattrs = {{"user.origin", "test"}, {"trusted.note", "root only"}};
  LayerEntry setuid = LayerEntry::file_with("bin/ping", "elf", 04755);
  setuid.xattrs = {{"security.capability", kCapability}};
  LayerEntry chr;
  chr.path = "dev/null";
  chr.type = LayerEntryType::char_device;
  chr.mode = 0666;
  chr.device_major = 1;
  chr.device_minor = 3;
  LayerEntry blk = chr;
  blk.path = "dev/loop9";
  blk.type = LayerEntryType::block_device;
  blk.device_major = 7;
  blk.device_minor = 9;
  LayerEntry fifo;
  fifo.path = "run/pipe";
  fifo.type = LayerEntryType::fifo;
  fifo.mode = 0620;
  std::vector<LayerEntry> entries = {dir,
                                     file,
                                     setuid,
                                     LayerEntry::symlink_to("srv/link", "/srv/data"),
                                     LayerEntry::hard_link_to("srv/again", "srv/data"),
                                     chr,
                                     blk,
                                     fifo};
  auto blob = write_layer(entries);
  ASSERT_TRUE(blob) << blob.error().what();
  auto unpacked =
      unpack_layer(blob->fd.get(), root_.get(),
                   {.expected_blob_digest = blob->written.blob_digest, .expected_diff_id = blob->written.diff_id});
  ASSERT_TRUE(unpacked) << unpacked.error().what();
  EXPECT_EQ(unpacked->blob_digest, blob->written.blob_digest);
  EXPECT_EQ(unpacked->diff_id, blob->written.diff_id);
  EXPECT_EQ(unpacked->blob_size, blob->written.blob_size);
  EXPECT_EQ(unpacked->entries, entries.size());
  EXPECT_EQ(unpacked->unpacked_size, std::string("payload").size() + std::string("elf").size());

  struct stat st;
  ASSERT_EQ(::lstat(at("srv").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0750U);
  EXPECT_EQ(st.st_uid, 1000U);
  EXPECT_EQ(st.st_gid, 1001U);
  EXPECT_EQ(st.st_mtim.tv_sec, 1600000000);

  ASSERT_EQ(::lstat(at("srv/data").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640U);
  EXPECT_EQ(st.st_uid, 1234U);
  EXPECT_EQ(st.st_gid, 4321U);
  EXPECT_EQ(st.st_mtim.tv_sec, 1500000000);
  EXPECT_EQ(st.st_nlink, 2U);
  EXPECT_EQ(sys::read_file(at("srv/again")).value(), "payload");
  EXPECT_EQ(xattr_of(at("srv/data"), "user.origin"), "test");
  EXPECT_EQ(xattr_of(at("srv/data"), "trusted.note"), "root only");

  ASSERT_EQ(::lstat(at("bin/ping").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 04755U);
  EXPECT_EQ(xattr_of(at("bin/ping"), "security.capability"), kCapability);

  char target[64] = {};
  ASSERT_GT(::readlink(at("srv/link").c_str(), target, sizeof(target) - 1), 0);
  EXPECT_STREQ(target, "/srv/data");

  ASSERT_EQ(::lstat(at("dev/null").c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(st.st_rdev, makedev(1, 3));
  EXPECT_EQ(st.st_mode & 07777, 0666U);
  ASSERT_EQ(::lstat(at("dev/loop9").c_str(), &st), 0);
  EXPECT_TRUE(S_ISBLK(st.st_mode));
  EXPECT_EQ(st.st_rdev, makedev(7, 9));
  ASSERT_EQ(::lstat(at("run/pipe").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0620U);
  expect_outside_untouched();
}

TEST_F(LayerUnpackTest, LaterEntriesReplaceEarlierOnes) {
  auto unpacked = unpack({LayerEntry::directory_at("x"), LayerEntry::file_with("x/in", "a"),
                          LayerEntry::file_with("x", "now a file"), LayerEntry::symlink_to("y", "x"),
                          LayerEntry::file_with("y", "not through the link")});
  ASSERT_TRUE(unpacked) << unpacked.error().what();
  EXPECT_EQ(sys::read_file(at("x")).value(), "now a file");
  EXPECT_EQ(sys::read_file(at("y")).value(), "not through the link");
}

TEST_F(LayerUnpackTest, OverlayWhiteoutsAreCharDevicesAndOpaqueXattrs) {
  auto unpacked =
      unpack({LayerEntry::directory_at("a"), LayerEntry::file_with("a/.wh.gone", ""), LayerEntry::directory_at("b"),
              LayerEntry::file_with("b/.wh..wh..opq", ""), LayerEntry::file_with("b/new", "n")});
  ASSERT_TRUE(unpacked) << unpacked.error().what();
  EXPECT_EQ(unpacked->entries, 5U);
  struct stat st;
  ASSERT_EQ(::lstat(at("a/gone").c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(st.st_rdev, makedev(0, 0));
  EXPECT_FALSE(sys::path_exists(at("a/.wh.gone")));
  EXPECT_EQ(xattr_of(at("b"), "trusted.overlay.opaque"), "y");
  EXPECT_FALSE(sys::path_exists(at("b/.wh..wh..opq")));
  EXPECT_EQ(sys::read_file(at("b/new")).value(), "n");
}

TEST_F(LayerUnpackTest, RootlessUsesUserXattrsKeepsTheCallersOwnerAndRefusesDevices) {
  LayerEntry owned = LayerEntry::file_with("f", "x");
  owned.uid = 1234;
  auto unpacked =
      unpack({LayerEntry::directory_at("b"), LayerEntry::file_with("b/.wh..wh..opq", ""), owned}, {.rootless = true});
  ASSERT_TRUE(unpacked) << unpacked.error().what();
  EXPECT_EQ(xattr_of(at("b"), "user.overlay.opaque"), "y");
  EXPECT_EQ(xattr_of(at("b"), "trusted.overlay.opaque"), "<none>");
  struct stat st;
  ASSERT_EQ(::lstat(at("f").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, ::getuid());

  LayerEntry device;
  device.path = "dev/sda";
  device.type = LayerEntryType::block_device;
  device.device_major = 8;
  auto refused = unpack({device}, {.rootless = true});
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().is(ErrorKind::permission_denied));
  EXPECT_NE(refused.error().what().find("layer entry \"dev/sda\": a block device cannot be made rootless"),
            std::string::npos)
      << refused.error().what();
  EXPECT_FALSE(sys::path_exists(at("dev/sda")));
}

TEST_F(LayerUnpackTest, ApplyModeRemovesWhatWhiteoutsHide) {
  // The lower layers, copied.
  ASSERT_TRUE(sys::mkdir_all(at("a")));
  ASSERT_TRUE(sys::mkdir_all(at("b/sub")));
  for (const char* path : {"a/gone", "a/keep", "b/old", "b/sub/x"})
    ASSERT_TRUE(sys::write_file_atomic(at(path), "lower"));
  ASSERT_TRUE(sys::mkdir_all(at("c/deep")));
  auto unpacked = unpack({LayerEntry::file_with("a/.wh.gone", ""), LayerEntry::directory_at("b"),
                          LayerEntry::file_with("b/new", "upper"), LayerEntry::file_with("b/.wh..wh..opq", ""),
                          LayerEntry::file_with(".wh.c", ""), LayerEntry::file_with(".wh.never-there", "")},
                         {.whiteouts = WhiteoutMode::apply});
  ASSERT_TRUE(unpacked) << unpacked.error().what();
  EXPECT_FALSE(sys::path_exists(at("a/gone")));
  EXPECT_TRUE(sys::path_exists(at("a/keep")));
  EXPECT_FALSE(sys::path_exists(at("b/old")));
  EXPECT_FALSE(sys::path_exists(at("b/sub")));
  EXPECT_EQ(sys::read_file(at("b/new")).value(), "upper");
  EXPECT_FALSE(sys::path_exists(at("c")));
  EXPECT_FALSE(sys::path_exists(at("never-there")));
  EXPECT_EQ(xattr_of(at("b"), "trusted.overlay.opaque"), "<none>");
}

TEST_F(LayerUnpackTest, NamesClimbingOutAreRefusedNamingTheEntry) {
  auto refused = unpack({LayerEntry::file_with("../outside/x", "escape")}, {}, true);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().is(ErrorKind::invalid_input));
  EXPECT_NE(refused.error().what().find("layer entry \"../outside/x\": climbs out of the layer"), std::string::npos)
      << refused.error().what();
  auto deep = unpack({LayerEntry::file_with("a/../../outside/y", "escape")}, {}, true);
  ASSERT_FALSE(deep);
  EXPECT_TRUE(deep.error().is(ErrorKind::invalid_input));
  expect_outside_untouched();
}

TEST_F(LayerUnpackTest, AbsoluteNamesStayInsideTheLayer) {
  std::string absolute = outside_ + "/abs";
  auto unpacked = unpack({LayerEntry::file_with(absolute, "inside")}, {}, true);
  ASSERT_TRUE(unpacked) << unpacked.error().what();
  EXPECT_EQ(sys::read_file(layer_ + absolute).value(), "inside");
  expect_outside_untouched();
}

TEST_F(LayerUnpackTest, SymlinkedDirectoriesDoNotLeadOut) {
  // A relative and an absolute symlink to the sibling, then files through
  // them: resolved inside the layer, where no such directory exists.
  auto relative =
      unpack({LayerEntry::symlink_to("evil", "../outside"), LayerEntry::file_with("evil/x", "escape")}, {}, true);
  EXPECT_FALSE(relative);
  auto absolute =
      unpack({LayerEntry::symlink_to("evil2", outside_), LayerEntry::file_with("evil2/y", "escape")}, {}, true);
  EXPECT_FALSE(absolute);
  // A symlink to "/" is the layer's root: the file lands inside.
  std::string probe = "tmp/ward-unpack-escape-" + std::to_string(::getpid());
  auto rooted = unpack({LayerEntry::symlink_to("r", "/"), LayerEntry::file_with("r/" + probe, "inside")}, {}, true);
  ASSERT_TRUE(rooted) << rooted.error().what();
  EXPECT_EQ(sys::read_file(at(probe)).value(), "inside");
  EXPECT_FALSE(sys::path_exists("/" + probe));
  // A file replacing a symlink to the outside replaces the symlink.
  auto replaced = unpack({LayerEntry::symlink_to("s", outside_ + "/f"), LayerEntry::file_with("s", "inside")});
  ASSERT_TRUE(replaced) << replaced.error().what();
  EXPECT_EQ(sys::read_file(at("s")).value(), "inside");
  expect_outside_untouched();
}

TEST_F(LayerUnpackTest, HardLinksStayInsideTheLayer) {
  ASSERT_TRUE(sys::write_file_atomic(outside_ + "/secret", "host"));
  auto up = unpack({LayerEntry::hard_link_to("h", "../outside/secret")}, {}, true);
  ASSERT_FALSE(up);
  EXPECT_NE(up.error().what().find("layer entry \"h\": climbs out of the layer"), std::string::npos)
      << up.error().what();
  auto passwd = unpack({LayerEntry::hard_link_to("p", "../../etc/passwd")}, {}, true);
  ASSERT_FALSE(passwd);
  EXPECT_TRUE(passwd.error().is(ErrorKind::invalid_input));
  // Through a symlink to "/": resolved in the layer, where there is none.
  auto through =
      unpack({LayerEntry::symlink_to("root", "/"), LayerEntry::hard_link_to("q", "root/etc/passwd")}, {}, true);
  EXPECT_FALSE(through);
  auto via_outside =
      unpack({LayerEntry::symlink_to("o", outside_), LayerEntry::hard_link_to("t", "o/secret")}, {}, true);
  EXPECT_FALSE(via_outside);
  EXPECT_FALSE(sys::path_exists(at("h")));
  EXPECT_FALSE(sys::path_exists(at("p")));
  EXPECT_FALSE(sys::path_exists(at("q")));
  EXPECT_FALSE(sys::path_exists(at("t")));
  struct stat st;
  ASSERT_EQ(::stat((outside_ + "/secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_nlink, 1U);
  ASSERT_TRUE(sys::remove_all(outside_ + "/secret"));
  expect_outside_untouched();
}

// The same confinement where openat2 is missing (old kernels, seccomp
// filters that refuse it): util/sys's component walk resolves instead.
TEST_F(LayerUnpackTest, HostileLayersStayInsideWithTheOpenat2Fallback) {
  struct ForceFallback {
    ForceFallback() { sys::raw::force_openat2_fallback(true); }
    ~ForceFallback() { sys::raw::force_openat2_fallback(false); }
  } force;
  ASSERT_TRUE(sys::write_file_atomic(outside_ + "/secret", "host"));
  EXPECT_FALSE(unpack({LayerEntry::symlink_to("up", "../outside"), LayerEntry::file_with("up/x", "escape")}, {}, true));
  EXPECT_FALSE(unpack({LayerEntry::symlink_to("abs", outside_), LayerEntry::file_with("abs/y", "escape")}, {}, true));
  EXPECT_FALSE(unpack({LayerEntry::symlink_to("o", outside_), LayerEntry::hard_link_to("t", "o/secret")}, {}, true));
  auto rooted = unpack({LayerEntry::symlink_to("r", "/"), LayerEntry::file_with("r/inside/f", "in")}, {}, true);
  ASSERT_TRUE(rooted) << rooted.error().what();
  EXPECT_EQ(sys::read_file(at("inside/f")).value(), "in");
  auto opaque = unpack({LayerEntry::directory_at("d"), LayerEntry::file_with("d/.wh..wh..opq", "")});
  ASSERT_TRUE(opaque) << opaque.error().what();
  EXPECT_EQ(xattr_of(at("d"), "trusted.overlay.opaque"), "y");
  EXPECT_EQ(sys::read_file(outside_ + "/secret").value(), "host");
  ASSERT_TRUE(sys::remove_all(outside_ + "/secret"));
  expect_outside_untouched();
}

TEST_F(LayerUnpackTest, OverlayXattrsFromTheLayerAreRefused) {
  LayerEntry forged = LayerEntry::directory_at("d");
  forged.xattrs = {{"trusted.overlay.redirect", "/elsewhere"}};
  auto refused = unpack({forged});
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().is(ErrorKind::invalid_input));
}

TEST_F(LayerUnpackTest, DigestMismatchesNameBothDigests) {
  auto blob = write_layer({LayerEntry::file_with("f", "x")});
  ASSERT_TRUE(blob);
  Digest wrong = digest_of("something else").value();
  auto bad_blob = unpack_layer(blob->fd.get(), root_.get(), {.expected_blob_digest = wrong});
  ASSERT_FALSE(bad_blob);
  EXPECT_TRUE(bad_blob.error().is(ErrorKind::invalid_input));
  EXPECT_NE(bad_blob.error().what().find(wrong.string()), std::string::npos) << bad_blob.error().what();
  EXPECT_NE(bad_blob.error().what().find(blob->written.blob_digest.string()), std::string::npos);

  ::lseek(blob->fd.get(), 0, SEEK_SET);
  auto bad_diff = unpack_layer(blob->fd.get(), root_.get(),
                               {.expected_blob_digest = blob->written.blob_digest, .expected_diff_id = wrong});
  ASSERT_FALSE(bad_diff);
  EXPECT_TRUE(bad_diff.error().is(ErrorKind::invalid_input));
  EXPECT_NE(bad_diff.error().what().find("diff_id"), std::string::npos) << bad_diff.error().what();
  EXPECT_NE(bad_diff.error().what().find(blob->written.diff_id.string()), std::string::npos);
}

TEST_F(LayerUnpackTest, TrailingBytesAreHashedIntoTheBlobDigest) {
  auto blob = write_layer({LayerEntry::file_with("f", "x")}, LayerCompression::gzip);
  ASSERT_TRUE(blob);
  std::string bytes = test_support::contents(blob->fd.get()) + std::string(100, '\0');
  auto fd = test_support::memory_file_with(bytes);
  auto unpacked = unpack_layer(fd.get(), root_.get(), {.expected_diff_id = blob->written.diff_id});
  ASSERT_TRUE(unpacked) << unpacked.error().what();
  EXPECT_EQ(unpacked->blob_size, bytes.size());
  EXPECT_EQ(unpacked->blob_digest, digest_of(bytes).value());
}

TEST_F(LayerUnpackTest, TruncatedGzipIsRefused) {
  std::vector<LayerEntry> entries;
  for (int i = 0; i < 20; ++i)
    entries.push_back(LayerEntry::file_with("f" + std::to_string(i), std::string(4096, 'a' + i)));
  auto blob = write_layer(entries, LayerCompression::gzip);
  ASSERT_TRUE(blob);
  std::string bytes = test_support::contents(blob->fd.get());
  auto fd = test_support::memory_file_with(bytes.substr(0, bytes.size() / 2));
  auto truncated = unpack_layer(fd.get(), root_.get(), {});
  ASSERT_FALSE(truncated);
  EXPECT_TRUE(truncated.error().is(ErrorKind::invalid_input)) << truncated.error().what();

  auto garbage = test_support::memory_file_with(std::string("\x1f\x8b") + std::string(600, 'x'));
  auto corrupt = unpack_layer(garbage.get(), root_.get(), {});
  ASSERT_FALSE(corrupt);
  EXPECT_TRUE(corrupt.error().is(ErrorKind::invalid_input)) << corrupt.error().what();

  auto not_tar = test_support::memory_file_with(std::string(700, 'x'));
  auto refused = unpack_layer(not_tar.get(), root_.get(), {});
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().is(ErrorKind::invalid_input)) << refused.error().what();
}

TEST_F(LayerUnpackTest, ACompressionOtherThanTheManifestsIsRefused) {
  auto blob = write_layer({LayerEntry::file_with("f", "x")}, LayerCompression::zstd);
  ASSERT_TRUE(blob);
  auto refused = unpack_layer(blob->fd.get(), root_.get(), {.compression = LayerCompression::gzip});
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().is(ErrorKind::invalid_input));
  EXPECT_NE(refused.error().what().find("gzip"), std::string::npos) << refused.error().what();
  EXPECT_NE(refused.error().what().find("zstd"), std::string::npos) << refused.error().what();
  EXPECT_FALSE(sys::path_exists(at("f")));
}

TEST(LayerCompressionDetection, ReadsTheMagicBytes) {
  EXPECT_EQ(detect_layer_compression("\x1f\x8b\x08"), LayerCompression::gzip);
  EXPECT_EQ(detect_layer_compression("\x28\xb5\x2f\xfd"), LayerCompression::zstd);
  EXPECT_EQ(detect_layer_compression("usr/"), LayerCompression::none);
  EXPECT_EQ(detect_layer_compression(""), LayerCompression::none);
  EXPECT_EQ(detect_layer_compression("\x1f"), LayerCompression::none);
}

}  // namespace
}  // namespace ward::image
