#include <sys/stat.h>

#include <gtest/gtest.h>

#include "image/blob_store.h"
#include "temp_dir.h"
#include "util/sys.h"

namespace ward::image {
namespace {

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    auto opened = BlobStore::open(dir_.path());
    ASSERT_TRUE(opened) << opened.error().what();
    store_.emplace(std::move(*opened));
  }
  std::size_t entries(const std::string& sub) const {
    auto names = sys::list_directory(dir_.path() + "/" + sub);
    return names ? names->size() : 0;
  }

  test_support::TempDir dir_{"ward-blobs"};
  std::optional<BlobStore> store_;
};

TEST_F(BlobStoreTest, PutThenReadBack) {
  auto digest = store_->put_blob("hello");
  ASSERT_TRUE(digest) << digest.error().what();
  EXPECT_EQ(*digest, *digest_of("hello"));
  EXPECT_TRUE(store_->has_blob(*digest));
  EXPECT_EQ(*store_->read_blob(*digest), "hello");
  EXPECT_EQ(*store_->blob_size(*digest), 5u);
  EXPECT_EQ(store_->blob_path(*digest), dir_.path() + "/blobs/sha256/" + digest->hex());
  struct stat st {};
  ASSERT_EQ(::stat(store_->blob_path(*digest).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  auto listed = store_->list_blobs();
  ASSERT_TRUE(listed);
  EXPECT_EQ(*listed, std::vector<Digest>{*digest});
  EXPECT_EQ(entries("tmp"), 0u);
  // Storing the same content again is fine.
  EXPECT_TRUE(store_->put_blob("hello"));
}

TEST_F(BlobStoreTest, MissingBlobIsNotFound) {
  auto absent = *digest_of("absent");
  EXPECT_FALSE(store_->has_blob(absent));
  auto read = store_->read_blob(absent);
  ASSERT_FALSE(read);
  EXPECT_TRUE(read.error().is(ErrorKind::not_found));
  EXPECT_NE(read.error().message.find(absent.string()), std::string::npos);
  EXPECT_TRUE(store_->open_blob(absent).error().is(ErrorKind::not_found));
}

TEST_F(BlobStoreTest, WriterNamesItsPidAndCommitsVerified) {
  auto writer = store_->create_writer();
  ASSERT_TRUE(writer);
  EXPECT_NE(writer->temp_path().find("/tmp/blob-" + std::to_string(::getpid()) + "-"), std::string::npos)
      << writer->temp_path();
  ASSERT_TRUE(writer->write("hel"));
  ASSERT_TRUE(writer->write("lo"));
  EXPECT_EQ(writer->size(), 5u);
  auto committed = writer->commit(*digest_of("hello"), 5);
  ASSERT_TRUE(committed) << committed.error().what();
  EXPECT_EQ(*store_->read_blob(*digest_of("hello")), "hello");
  EXPECT_EQ(entries("tmp"), 0u);
}

TEST_F(BlobStoreTest, DigestMismatchLeavesNothing) {
  auto writer = store_->create_writer();
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->write("evil"));
  auto expected = *digest_of("good");
  auto committed = writer->commit(expected);
  ASSERT_FALSE(committed);
  EXPECT_TRUE(committed.error().is(ErrorKind::invalid_input));
  EXPECT_NE(committed.error().message.find(expected.string()), std::string::npos) << committed.error().message;
  EXPECT_NE(committed.error().message.find(digest_of("evil")->string()), std::string::npos)
      << committed.error().message;
  EXPECT_EQ(entries("blobs/sha256"), 0u);
  EXPECT_EQ(entries("tmp"), 0u);
}

TEST_F(BlobStoreTest, SizeMismatchLeavesNothing) {
  auto writer = store_->create_writer();
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->write("hello"));
  auto committed = writer->commit(*digest_of("hello"), 4);
  ASSERT_FALSE(committed);
  EXPECT_TRUE(committed.error().is(ErrorKind::invalid_input));
  EXPECT_NE(committed.error().message.find("expected 4 bytes, got 5"), std::string::npos) << committed.error().message;
  EXPECT_EQ(entries("blobs/sha256"), 0u);
  EXPECT_EQ(entries("tmp"), 0u);
}

TEST_F(BlobStoreTest, AbandonedWriterRemovesItsTempFile) {
  {
    auto writer = store_->create_writer();
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->write("partial"));
    EXPECT_EQ(entries("tmp"), 1u);
  }
  EXPECT_EQ(entries("tmp"), 0u);
  EXPECT_EQ(entries("blobs/sha256"), 0u);
}

}  // namespace
}  // namespace ward::image
