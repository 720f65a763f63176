#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include <gtest/gtest.h>

#include "image/store.h"
#include "temp_dir.h"
#include "util/sys.h"

namespace ward::image {
namespace {

Digest digest(std::string_view text) {
  return *digest_of(text);
}

class ImageStore : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    reopen();
  }
  void reopen() {
    store_.reset();
    auto opened = Store::open(dir_.path());
    ASSERT_TRUE(opened) << opened.error().what();
    store_.emplace(std::move(*opened));
  }
  Store& store() { return *store_; }
  std::size_t entries(const std::string& sub) const {
    auto names = sys::list_directory(dir_.path() + "/" + sub);
    return names ? names->size() : 0;
  }

  // Unpacks (a file named after the layer) and commits the layer whose
  // diff IDs are `diff_ids`, parents first; returns its chain ID.
  Digest commit_layers(const std::vector<Digest>& diff_ids) {
    auto chains = chain_ids(diff_ids);
    EXPECT_TRUE(chains);
    for (std::size_t i = 0; i < diff_ids.size(); ++i) {
      if (*store().find_layer((*chains)[i])) continue;
      auto pending = store().begin_layer((*chains)[i]);
      EXPECT_TRUE(pending) << pending.error().what();
      EXPECT_TRUE(sys::write_file_atomic(pending->path() + "/file", diff_ids[i].hex()));
      LayerRecord record{(*chains)[i], diff_ids[i], i > 0 ? (*chains)[i - 1] : Digest(), 100, {}, ""};
      auto committed = pending->commit(record);
      EXPECT_TRUE(committed) << committed.error().what();
    }
    return chains->back();
  }

  // An image whose config is `config` over layers with these diff IDs.
  ImageRecord add_image(const std::string& config, const std::vector<std::string>& layers,
                        std::vector<std::string> tags) {
    ImageRecord image;
    std::vector<Digest> diff_ids;
    for (const std::string& layer : layers) diff_ids.push_back(digest(layer));
    auto chains = chain_ids(diff_ids);
    commit_layers(diff_ids);
    for (std::size_t i = 0; i < layers.size(); ++i) {
      auto blob = store().blobs().put_blob("compressed " + layers[i]);
      EXPECT_TRUE(blob);
      image.layers.push_back({(*chains)[i], diff_ids[i], *blob, "application/vnd.oci.image.layer.v1.tar+gzip",
                              static_cast<std::int64_t>(11 + layers[i].size())});
    }
    image.id = *store().blobs().put_blob(config);
    image.config_digest = image.id;
    image.manifest_digest = *store().blobs().put_blob("manifest of " + config);
    image.manifest_media_type = "application/vnd.oci.image.manifest.v1+json";
    image.created = "2026-12-06T00:00:00Z";
    image.repo_tags = std::move(tags);
    auto added = store().add_image(image);
    EXPECT_TRUE(added) << added.error().what();
    return image;
  }

  test_support::TempDir dir_{"ward-store"};
  std::optional<Store> store_;
};

TEST(ImageStoreChainId, FollowsTheOciFormula) {
  const std::vector<Digest> diff_ids = {digest("a"), digest("b"), digest("c")};
  auto chains = chain_ids(diff_ids);
  ASSERT_TRUE(chains);
  ASSERT_EQ(chains->size(), 3u);
  EXPECT_EQ((*chains)[0], diff_ids[0]);
  const Digest second = digest(diff_ids[0].string() + " " + diff_ids[1].string());
  EXPECT_EQ((*chains)[1], second);
  EXPECT_EQ((*chains)[2], digest(second.string() + " " + diff_ids[2].string()));
  EXPECT_EQ(*chain_id(diff_ids), (*chains)[2]);
  EXPECT_EQ(*chain_id(std::span(diff_ids).first(1)), diff_ids[0]);
  EXPECT_TRUE(chain_id({}).error().is(ErrorKind::invalid_input));
  EXPECT_TRUE(chain_ids({}).error().is(ErrorKind::invalid_input));
}

TEST(ImageStoreRoot, WardRootOverrides) {
  const char* saved = std::getenv("WARD_ROOT");
  ::setenv("WARD_ROOT", "/srv/ward", 1);
  EXPECT_EQ(*default_store_root(), "/srv/ward");
  if (saved != nullptr) {
    ::setenv("WARD_ROOT", saved, 1);
  } else {
    ::unsetenv("WARD_ROOT");
  }
}

TEST_F(ImageStore, OpenMakesPrivateDirectories) {
  for (const char* sub : {"", "/blobs/sha256", "/layers", "/tmp"}) {
    struct stat st {};
    ASSERT_EQ(::stat((dir_.path() + sub).c_str(), &st), 0) << sub;
    if (*sub != '\0') {
      EXPECT_EQ(st.st_mode & 0777, 0700u) << sub;
    }
  }
  EXPECT_TRUE(sys::path_exists(dir_.path() + "/ward.db"));
}

TEST_F(ImageStore, AddResolveAndList) {
  auto image = add_image("config one", {"base", "top"}, {"busybox"});
  auto byname = store().resolve("busybox");
  ASSERT_TRUE(byname) << byname.error().what();
  EXPECT_EQ(byname->id, image.id);
  EXPECT_EQ(byname->layers, image.layers);
  EXPECT_EQ(byname->repo_tags, std::vector<std::string>{"docker.io/library/busybox:latest"});
  EXPECT_EQ(byname->size, 200);  // two layers of 100
  EXPECT_EQ(byname->manifest_digest, image.manifest_digest);
  EXPECT_EQ(store().resolve("docker.io/library/busybox:latest")->id, image.id);
  EXPECT_EQ(store().resolve(image.id.string())->id, image.id);
  EXPECT_EQ(store().resolve(image.id.hex())->id, image.id);
  EXPECT_EQ(store().resolve(image.id.hex().substr(0, 4))->id, image.id);
  EXPECT_TRUE(store().resolve(image.id.hex().substr(0, 3)).error().is(ErrorKind::not_found));
  EXPECT_TRUE(store().resolve("alpine").error().is(ErrorKind::not_found));
  EXPECT_TRUE(store().resolve("sha256:" + std::string(64, '0')).error().is(ErrorKind::not_found));

  auto second = add_image("config two", {"base"}, {});
  auto images = store().list_images();
  ASSERT_TRUE(images);
  ASSERT_EQ(images->size(), 2u);
  EXPECT_EQ((*images)[0].id, second.id);  // newest first
  EXPECT_EQ((*images)[1].id, image.id);
}

TEST_F(ImageStore, AddRefusesMissingContent) {
  ImageRecord image;
  image.id = digest("config not stored");
  auto added = store().add_image(image);
  ASSERT_FALSE(added);
  EXPECT_TRUE(added.error().is(ErrorKind::not_found)) << added.error().what();

  image.id = *store().blobs().put_blob("config stored");
  image.layers.push_back({digest("no such layer"), digest("no such layer"), {}, "", 0});
  added = store().add_image(image);
  ASSERT_FALSE(added);
  EXPECT_TRUE(added.error().is(ErrorKind::not_found)) << added.error().what();
  EXPECT_TRUE(store().list_images()->empty());
}

TEST_F(ImageStore, TagsMoveAndUntagReturnsTheImage) {
  auto first = add_image("config one", {"base"}, {"app:1"});
  auto second = add_image("config two", {"base"}, {});
  ASSERT_TRUE(store().tag(second.id, "app:1"));
  EXPECT_EQ(store().resolve("app:1")->id, second.id);
  EXPECT_TRUE(store().image(first.id)->repo_tags.empty());  // moved, not copied
  EXPECT_TRUE(store().tag(first.id, "app@" + digest("x").string()).error().is(ErrorKind::invalid_input));
  EXPECT_TRUE(store().tag(digest("absent"), "app:2").error().is(ErrorKind::not_found));

  // Adding an existing image only adds its references, and moves them too.
  ImageRecord again = first;
  again.repo_tags = {"docker.io/library/app:1"};
  again.repo_digests = {"app@" + first.manifest_digest.string()};
  ASSERT_TRUE(store().add_image(again));
  EXPECT_EQ(store().resolve("app:1")->id, first.id);
  EXPECT_EQ(store().resolve("app@" + first.manifest_digest.string())->id, first.id);

  auto untagged = store().untag("app:1");
  ASSERT_TRUE(untagged) << untagged.error().what();
  EXPECT_EQ(*untagged, first.id);
  EXPECT_TRUE(store().resolve("app:1").error().is(ErrorKind::not_found));
  EXPECT_TRUE(store().untag("app:1").error().is(ErrorKind::not_found));
  EXPECT_EQ(*store().untag("app@" + first.manifest_digest.string()), first.id);
  EXPECT_TRUE(store().image(first.id));  // untagging removes no image
}

TEST_F(ImageStore, RemoveKeepsWhatAnotherImageShares) {
  auto first = add_image("config one", {"base", "top one"}, {"one"});
  auto second = add_image("config two", {"base", "top two"}, {"two"});
  const Digest base = first.layers[0].chain_id;
  ASSERT_EQ(base, second.layers[0].chain_id);

  ASSERT_TRUE(store().remove_image(first.id));
  EXPECT_TRUE(store().image(first.id).error().is(ErrorKind::not_found));
  EXPECT_TRUE(store().resolve("one").error().is(ErrorKind::not_found));
  EXPECT_TRUE(*store().find_layer(base));
  EXPECT_TRUE(sys::path_exists(store().layer_path(base)));
  EXPECT_TRUE(store().blobs().has_blob(first.layers[0].blob_digest));
  EXPECT_FALSE(*store().find_layer(first.layers[1].chain_id));
  EXPECT_FALSE(sys::path_exists(store().layer_path(first.layers[1].chain_id)));
  EXPECT_FALSE(store().blobs().has_blob(first.layers[1].blob_digest));
  EXPECT_FALSE(store().blobs().has_blob(first.id));
  EXPECT_FALSE(store().blobs().has_blob(first.manifest_digest));
  EXPECT_EQ(store().resolve("two")->id, second.id);
  EXPECT_TRUE(store().remove_image(first.id).error().is(ErrorKind::not_found));

  ASSERT_TRUE(store().remove_image(second.id));
  EXPECT_EQ(entries("layers"), 0u);
  EXPECT_EQ(entries("blobs/sha256"), 0u);
  EXPECT_EQ(entries("tmp"), 0u);
}

TEST_F(ImageStore, AmbiguousIdPrefixIsInvalidInput) {
  // Two configs whose ids share their first four hex digits.
  std::map<std::string, std::string> seen;
  std::string a;
  std::string b;
  for (int i = 0; a.empty(); ++i) {
    std::string config = "config " + std::to_string(i);
    std::string prefix = digest(config).hex().substr(0, 4);
    if (auto found = seen.find(prefix); found != seen.end()) {
      a = found->second;
      b = config;
    }
    seen.emplace(prefix, config);
  }
  auto first = add_image(a, {"base"}, {});
  auto second = add_image(b, {"base"}, {});
  auto ambiguous = store().resolve(first.id.hex().substr(0, 4));
  ASSERT_FALSE(ambiguous);
  EXPECT_TRUE(ambiguous.error().is(ErrorKind::invalid_input)) << ambiguous.error().what();
  EXPECT_EQ(store().resolve(first.id.hex().substr(0, 12))->id, first.id);
  EXPECT_EQ(store().resolve(second.id.hex())->id, second.id);
}

TEST_F(ImageStore, PendingLayerIsDiscardedUnlessCommitted) {
  const Digest chain = digest("layer");
  {
    auto pending = store().begin_layer(chain);
    ASSERT_TRUE(pending);
    struct stat st {};
    ASSERT_EQ(::stat(pending->path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    EXPECT_NE(pending->path().find("/tmp/layer-" + std::to_string(::getpid()) + "-"), std::string::npos);
    ASSERT_TRUE(sys::write_file_atomic(pending->path() + "/file", "x"));
  }
  EXPECT_EQ(entries("tmp"), 0u);
  EXPECT_FALSE(*store().find_layer(chain));

  auto pending = store().begin_layer(chain);
  ASSERT_TRUE(pending);
  auto wrong = pending->commit({digest("other"), chain, {}, 1, {}, ""});
  EXPECT_TRUE(wrong.error().is(ErrorKind::invalid_input));
  auto committed = pending->commit({chain, chain, {}, 1, {}, ""});
  ASSERT_TRUE(committed) << committed.error().what();
  struct stat st {};
  ASSERT_EQ(::stat(store().layer_path(chain).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  EXPECT_EQ(**store().find_layer(chain), *committed);
  EXPECT_EQ(entries("tmp"), 0u);
}

TEST_F(ImageStore, SecondCommitOfTheSameChainIdReturnsTheStoredRow) {
  const Digest chain = digest("shared");
  auto first = store().begin_layer(chain);
  auto second = store().begin_layer(chain);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(sys::write_file_atomic(first->path() + "/from", "first"));
  ASSERT_TRUE(sys::write_file_atomic(second->path() + "/from", "second"));
  const LayerRecord stored{chain, chain, {}, 10, {}, ""};
  ASSERT_TRUE(first->commit(stored));
  auto lost = second->commit({chain, chain, {}, 20, {}, ""});
  ASSERT_TRUE(lost) << lost.error().what();
  EXPECT_EQ(*lost, stored);
  EXPECT_EQ(*sys::read_file(store().layer_path(chain) + "/from"), "first");
  EXPECT_EQ(entries("tmp"), 0u);
}

TEST_F(ImageStore, CommitReplacesADirectoryLeftWithoutItsRow) {
  // A crash between the rename and the row left this behind.
  const Digest chain = digest("crashed");
  ASSERT_TRUE(sys::mkdir_all(store().layer_path(chain)));
  ASSERT_TRUE(sys::write_file_atomic(store().layer_path(chain) + "/stale", "old"));
  auto pending = store().begin_layer(chain);
  ASSERT_TRUE(pending);
  ASSERT_TRUE(sys::write_file_atomic(pending->path() + "/fresh", "new"));
  auto committed = pending->commit({chain, chain, {}, 3, {}, ""});
  ASSERT_TRUE(committed) << committed.error().what();
  EXPECT_TRUE(sys::path_exists(store().layer_path(chain) + "/fresh"));
  EXPECT_FALSE(sys::path_exists(store().layer_path(chain) + "/stale"));
}

TEST_F(ImageStore, OpenRefusesANewerSchema) {
  ASSERT_TRUE(store().database().execute("PRAGMA user_version = 99", "pretend a newer ward wrote it"));
  store_.reset();
  auto opened = Store::open(dir_.path());
  ASSERT_FALSE(opened);
  EXPECT_TRUE(opened.error().is(ErrorKind::unsupported)) << opened.error().what();
}

TEST_F(ImageStore, CollectGarbageKeepsYoungAndReferencedContent) {
  auto image = add_image("config", {"used"}, {"kept"});
  const Digest loose_layer = commit_layers({digest("loose")});
  const Digest loose_blob = *store().blobs().put_blob("loose blob");
  ASSERT_TRUE(sys::mkdir_all(dir_.path() + "/layers/" + digest("no row").hex()));

  auto young = store().collect_garbage(std::chrono::minutes(10));
  ASSERT_TRUE(young) << young.error().what();
  EXPECT_TRUE(young->layers.empty());
  EXPECT_TRUE(young->blobs.empty());
  EXPECT_TRUE(*store().find_layer(loose_layer));

  auto usage = store().disk_usage();
  ASSERT_TRUE(usage);
  EXPECT_EQ(usage->images, 1);
  EXPECT_EQ(usage->layers, 2);
  EXPECT_EQ(usage->layers_size, 200);
  EXPECT_EQ(usage->blobs, 4);  // config, manifest, layer blob, loose blob
  EXPECT_EQ(usage->reclaimable_size, 100 + 10);

  auto old = store().collect_garbage(std::chrono::seconds(0));
  ASSERT_TRUE(old) << old.error().what();
  EXPECT_EQ(old->layers.size(), 2u);  // the loose row and the directory with no row
  EXPECT_EQ(old->blobs, std::vector<Digest>{loose_blob});
  EXPECT_EQ(old->bytes, 100 + 10);
  EXPECT_FALSE(*store().find_layer(loose_layer));
  EXPECT_FALSE(sys::path_exists(store().layer_path(loose_layer)));
  EXPECT_FALSE(sys::path_exists(dir_.path() + "/layers/" + digest("no row").hex()));
  EXPECT_FALSE(store().blobs().has_blob(loose_blob));
  EXPECT_EQ(store().resolve("kept")->id, image.id);
  EXPECT_TRUE(sys::path_exists(store().layer_path(image.layers[0].chain_id)));
  EXPECT_TRUE(store().blobs().has_blob(image.layers[0].blob_digest));
  EXPECT_EQ(entries("tmp"), 0u);
}

TEST_F(ImageStore, OpenRemovesTempEntriesOfDeadProcesses) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  const std::string dead = std::to_string(child);
  const std::string mine = std::to_string(::getpid());
  ASSERT_TRUE(sys::write_file_atomic(dir_.path() + "/tmp/blob-" + dead + "-0123", "partial"));
  ASSERT_TRUE(sys::mkdir_all(dir_.path() + "/tmp/layer-" + dead + "-4567/usr/bin"));
  ASSERT_TRUE(sys::write_file_atomic(dir_.path() + "/tmp/blob-" + mine + "-89ab", "live"));
  ASSERT_TRUE(sys::write_file_atomic(dir_.path() + "/tmp/unrelated", "not ours"));
  reopen();
  EXPECT_FALSE(sys::path_exists(dir_.path() + "/tmp/blob-" + dead + "-0123"));
  EXPECT_FALSE(sys::path_exists(dir_.path() + "/tmp/layer-" + dead + "-4567"));
  EXPECT_TRUE(sys::path_exists(dir_.path() + "/tmp/blob-" + mine + "-89ab"));
  EXPECT_TRUE(sys::path_exists(dir_.path() + "/tmp/unrelated"));
}

TEST_F(ImageStore, DiscardUnreferencedKeepsWhatImagesUse) {
  auto image = add_image("config", {"base"}, {"kept"});
  // A load that failed halfway: it had put a shared layer, a new layer and
  // some blobs in place, then no image row.
  const Digest fresh_layer = commit_layers({digest("base"), digest("fresh")});
  const Digest fresh_blob = *store().blobs().put_blob("fresh blob");
  const std::vector<Digest> layers = {image.layers[0].chain_id, fresh_layer};
  const std::vector<Digest> blobs = {image.id, image.layers[0].blob_digest, fresh_blob};
  ASSERT_TRUE(store().discard_unreferenced(blobs, layers));
  EXPECT_FALSE(*store().find_layer(fresh_layer));
  EXPECT_FALSE(sys::path_exists(store().layer_path(fresh_layer)));
  EXPECT_FALSE(store().blobs().has_blob(fresh_blob));
  EXPECT_TRUE(*store().find_layer(image.layers[0].chain_id));
  EXPECT_TRUE(sys::path_exists(store().layer_path(image.layers[0].chain_id)));
  EXPECT_TRUE(store().blobs().has_blob(image.id));
  EXPECT_TRUE(store().blobs().has_blob(image.layers[0].blob_digest));
  EXPECT_EQ(store().resolve("kept")->id, image.id);
}

TEST_F(ImageStore, ImageUsedByAContainerIsNotRemoved) {
  auto image = add_image("config", {"base"}, {"busy"});
  Digest asked;
  store().set_image_users_query([&](db::Database&, const Digest& id) -> Result<std::vector<std::string>> {
    asked = id;
    return std::vector<std::string>{"web"};
  });
  auto removed = store().remove_image(image.id);
  ASSERT_FALSE(removed);
  EXPECT_TRUE(removed.error().is(ErrorKind::in_use)) << removed.error().what();
  EXPECT_NE(removed.error().message.find("web"), std::string::npos);
  EXPECT_EQ(asked, image.id);
  EXPECT_EQ(store().resolve("busy")->id, image.id);
  EXPECT_TRUE(sys::path_exists(store().layer_path(image.layers[0].chain_id)));
  EXPECT_TRUE(store().blobs().has_blob(image.layers[0].blob_digest));
  EXPECT_TRUE(store().blobs().has_blob(image.manifest_digest));
}

}  // namespace
}  // namespace ward::image
