// Image rows, their layers, tags and repo digests (store.h): adding,
// reading, resolving a user's text, tagging and removing.
#include <algorithm>
#include <set>

#include <fmt/ranges.h>

#include "image/reference.h"
#include "image/store.h"
#include "image/store_schema.h"
#include "util/sys.h"

namespace ward::image {

namespace {

Result<Digest> digest_or_empty(const std::string& text) {
  if (text.empty()) return Digest();
  return Digest::parse(text);
}

// The key of a tag: "docker.io/library/busybox:latest".
Result<std::string> tag_key(std::string_view text) {
  auto reference = WARD_TRY(parse_reference(text));
  if (reference.digest) {
    return fail(ErrorKind::invalid_input, fmt::format("tag \"{}\": a tag cannot name a digest", text));
  }
  return reference.string();
}

// The key of a repo digest: "docker.io/library/busybox@sha256:...".
Result<std::string> repo_digest_key(std::string_view text) {
  auto reference = WARD_TRY(parse_reference(text));
  if (!reference.digest) return fail(ErrorKind::invalid_input, fmt::format("repo digest \"{}\": no digest", text));
  return reference.name() + "@" + reference.digest->string();
}

Result<std::vector<std::string>> image_references(db::Database& database, std::string_view table, const Digest& id) {
  auto statement = WARD_TRY(database.prepare(
      fmt::format("SELECT reference FROM {} WHERE image_id = ?1 ORDER BY reference", table), "read references"));
  WARD_TRY(statement.bind(1, id.string()));
  std::vector<std::string> references;
  while (WARD_TRY(statement.step()) == db::Step::row) references.push_back(statement.column_text(0));
  return references;
}

Result<std::optional<ImageRecord>> load_image(db::Database& database, const Digest& id) {
  auto row = WARD_TRY(database.prepare(
      "SELECT manifest_digest, manifest_media_type, config_digest, created, size FROM images WHERE id = ?1",
      "find image"));
  WARD_TRY(row.bind(1, id.string()));
  if (WARD_TRY(row.step()) == db::Step::done) return std::optional<ImageRecord>();
  ImageRecord image;
  image.id = id;
  image.manifest_digest = WARD_TRY(context(digest_or_empty(row.column_text(0)), "image {}", id.string()));
  image.manifest_media_type = row.column_text(1);
  image.config_digest = WARD_TRY(context(Digest::parse(row.column_text(2)), "image {}", id.string()));
  image.created = row.column_text(3);
  image.size = row.column_int64(4);

  auto layers =
      WARD_TRY(database.prepare("SELECT chain_id, diff_id, blob_digest, blob_media_type, blob_size FROM image_layers "
                                "WHERE image_id = ?1 ORDER BY position",
                                "read image layers"));
  WARD_TRY(layers.bind(1, id.string()));
  while (WARD_TRY(layers.step()) == db::Step::row) {
    ImageLayer layer;
    layer.chain_id = WARD_TRY(context(Digest::parse(layers.column_text(0)), "image {}", id.string()));
    layer.diff_id = WARD_TRY(context(Digest::parse(layers.column_text(1)), "image {}", id.string()));
    layer.blob_digest = WARD_TRY(context(digest_or_empty(layers.column_text(2)), "image {}", id.string()));
    layer.blob_media_type = layers.column_text(3);
    layer.blob_size = layers.column_int64(4);
    image.layers.push_back(std::move(layer));
  }
  image.repo_tags = WARD_TRY(image_references(database, "tags", id));
  image.repo_digests = WARD_TRY(image_references(database, "repo_digests", id));
  return std::optional<ImageRecord>(std::move(image));
}

Result<std::optional<Digest>> image_of_reference(db::Database& database, std::string_view table,
                                                 const std::string& key) {
  auto statement =
      WARD_TRY(database.prepare(fmt::format("SELECT image_id FROM {} WHERE reference = ?1", table), "find reference"));
  WARD_TRY(statement.bind(1, key));
  if (WARD_TRY(statement.step()) == db::Step::done) return std::optional<Digest>();
  return std::optional<Digest>(WARD_TRY(Digest::parse(statement.column_text(0))));
}

Result<> upsert_reference(db::Database& database, std::string_view table, const std::string& key, const Digest& id) {
  // A reference names one image: it moves, as `docker tag` moves it.
  auto statement =
      WARD_TRY(database.prepare(fmt::format("INSERT INTO {} (reference, image_id) VALUES (?1, ?2) "
                                            "ON CONFLICT(reference) DO UPDATE SET image_id = excluded.image_id",
                                            table),
                                "add reference"));
  WARD_TRY(statement.bind(1, key));
  WARD_TRY(statement.bind(2, id.string()));
  return statement.run();
}

bool all_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

Result<> Store::add_image(const ImageRecord& image) {
  if (image.id.empty()) return fail(ErrorKind::invalid_input, "add image: no id");
  const Digest& config = image.config_digest.empty() ? image.id : image.config_digest;
  if (config != image.id) {
    return fail(ErrorKind::invalid_input,
                fmt::format("add image {}: the id must be the config's digest {}", image.id.string(), config.string()));
  }
  std::vector<std::string> tags;
  for (const std::string& text : image.repo_tags) tags.push_back(WARD_TRY(tag_key(text)));
  std::vector<std::string> digests;
  for (const std::string& text : image.repo_digests) digests.push_back(WARD_TRY(repo_digest_key(text)));

  auto transaction = WARD_TRY(database_.begin("add image"));
  auto existing = WARD_TRY(load_image(database_, image.id));
  if (!existing) {
    // Checked under the write lock, so collect_garbage cannot take a blob
    // or layer between the check and the rows that protect it.
    std::vector<Digest> blobs = {config};
    if (!image.manifest_digest.empty()) blobs.push_back(image.manifest_digest);
    for (const ImageLayer& layer : image.layers) {
      if (!layer.blob_digest.empty()) blobs.push_back(layer.blob_digest);
    }
    for (const Digest& blob : blobs) {
      if (!blobs_.has_blob(blob)) {
        return fail(ErrorKind::not_found,
                    fmt::format("add image {}: blob {} not found", image.id.string(), blob.string()));
      }
    }
    std::int64_t layers_size = 0;
    for (const ImageLayer& layer : image.layers) {
      auto row = WARD_TRY(store_detail::find_layer_row(database_, layer.chain_id));
      if (!row || !sys::path_exists(layer_path(layer.chain_id))) {
        return fail(ErrorKind::not_found,
                    fmt::format("add image {}: layer {} not found", image.id.string(), layer.chain_id.string()));
      }
      layers_size += row->size;
    }

    auto insert = WARD_TRY(database_.prepare(
        "INSERT INTO images (id, manifest_digest, manifest_media_type, config_digest, created, size, added) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT COALESCE(MAX(added), 0) + 1 FROM images))",
        "insert image"));
    WARD_TRY(insert.bind(1, image.id.string()));
    WARD_TRY(insert.bind(2, image.manifest_digest.string()));
    WARD_TRY(insert.bind(3, std::string_view(image.manifest_media_type)));
    WARD_TRY(insert.bind(4, config.string()));
    WARD_TRY(insert.bind(5, std::string_view(image.created)));
    WARD_TRY(insert.bind(6, image.size != 0 ? image.size : layers_size));
    WARD_TRY(insert.run());

    auto insert_layer = WARD_TRY(database_.prepare(
        "INSERT INTO image_layers (image_id, position, chain_id, diff_id, blob_digest, blob_media_type, blob_size) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        "insert image layer"));
    for (std::size_t position = 0; position < image.layers.size(); ++position) {
      const ImageLayer& layer = image.layers[position];
      insert_layer.reset();
      WARD_TRY(insert_layer.bind(1, image.id.string()));
      WARD_TRY(insert_layer.bind(2, static_cast<std::int64_t>(position)));
      WARD_TRY(insert_layer.bind(3, layer.chain_id.string()));
      WARD_TRY(insert_layer.bind(4, layer.diff_id.string()));
      WARD_TRY(insert_layer.bind(5, layer.blob_digest.string()));
      WARD_TRY(insert_layer.bind(6, std::string_view(layer.blob_media_type)));
      WARD_TRY(insert_layer.bind(7, layer.blob_size));
      WARD_TRY(insert_layer.run());
    }
  }
  for (const std::string& key : tags) WARD_TRY(upsert_reference(database_, "tags", key, image.id));
  for (const std::string& key : digests) WARD_TRY(upsert_reference(database_, "repo_digests", key, image.id));
  return context(transaction.commit(), "add image {}", image.id.string());
}

Result<ImageRecord> Store::image(const Digest& id) {
  auto image = WARD_TRY(load_image(database_, id));
  if (!image) return fail(ErrorKind::not_found, fmt::format("image {} not found", id.string()));
  return std::move(*image);
}

Result<ImageRecord> Store::resolve(std::string_view text) {
  // A full id.
  if (text.starts_with("sha256:")) {
    auto id = Digest::parse(text);
    if (!id) return fail(ErrorKind::not_found, fmt::format("image \"{}\" not found", text));
    auto found = WARD_TRY(load_image(database_, *id));
    if (!found) return fail(ErrorKind::not_found, fmt::format("image \"{}\" not found", text));
    return std::move(*found);
  }
  // A name, name:tag or name@digest.
  if (auto reference = parse_reference(text)) {
    std::optional<Digest> id;
    if (reference->digest) {
      id = WARD_TRY(
          image_of_reference(database_, "repo_digests", reference->name() + "@" + reference->digest->string()));
    } else {
      id = WARD_TRY(image_of_reference(database_, "tags", reference->string()));
    }
    if (id) return image(*id);
  }
  // An id's hex, or a prefix of at least 4 hex digits of it.
  if (text.size() >= 4 && text.size() <= 64 && all_hex(text)) {
    auto statement = WARD_TRY(database_.prepare(
        "SELECT id FROM images WHERE substr(id, 8, ?2) = ?1 ORDER BY id LIMIT 2", "find image by id prefix"));
    WARD_TRY(statement.bind(1, text));
    WARD_TRY(statement.bind(2, static_cast<std::int64_t>(text.size())));
    std::vector<std::string> ids;
    while (WARD_TRY(statement.step()) == db::Step::row) ids.push_back(statement.column_text(0));
    if (ids.size() > 1) {
      return fail(ErrorKind::invalid_input,
                  fmt::format("image id prefix \"{}\" is ambiguous: it names more than one image", text));
    }
    if (ids.size() == 1) return image(WARD_TRY(Digest::parse(ids.front())));
  }
  return fail(ErrorKind::not_found, fmt::format("image \"{}\" not found", text));
}

Result<std::vector<ImageRecord>> Store::list_images() {
  auto statement = WARD_TRY(database_.prepare("SELECT id FROM images ORDER BY added DESC", "list images"));
  std::vector<Digest> ids;
  while (WARD_TRY(statement.step()) == db::Step::row) ids.push_back(WARD_TRY(Digest::parse(statement.column_text(0))));
  std::vector<ImageRecord> images;
  images.reserve(ids.size());
  for (const Digest& id : ids) images.push_back(WARD_TRY(image(id)));
  return images;
}

Result<> Store::tag(const Digest& id, std::string_view reference) {
  auto key = WARD_TRY(tag_key(reference));
  auto transaction = WARD_TRY(database_.begin("tag image"));
  if (!WARD_TRY(load_image(database_, id))) {
    return fail(ErrorKind::not_found, fmt::format("tag {}: image {} not found", key, id.string()));
  }
  WARD_TRY(upsert_reference(database_, "tags", key, id));
  return transaction.commit();
}

Result<Digest> Store::untag(std::string_view reference) {
  auto parsed = WARD_TRY(parse_reference(reference));
  std::string_view table = parsed.digest ? "repo_digests" : "tags";
  std::string key = parsed.digest ? parsed.name() + "@" + parsed.digest->string() : parsed.string();
  auto transaction = WARD_TRY(database_.begin("untag image"));
  auto id = WARD_TRY(image_of_reference(database_, table, key));
  if (!id) return fail(ErrorKind::not_found, fmt::format("reference \"{}\" not found", reference));
  auto remove = WARD_TRY(database_.prepare(fmt::format("DELETE FROM {} WHERE reference = ?1", table), "untag"));
  WARD_TRY(remove.bind(1, key));
  WARD_TRY(remove.run());
  WARD_TRY(transaction.commit());
  return std::move(*id);
}

Result<> Store::remove_image(const Digest& id) {
  GarbageReport report;
  std::set<Digest> layers;
  std::set<Digest> blobs;
  {
    auto transaction = WARD_TRY(database_.begin("remove image"));
    auto found = WARD_TRY(load_image(database_, id));
    if (!found) return fail(ErrorKind::not_found, fmt::format("image {} not found", id.string()));
    // Read under the write lock: no container can start using the image
    // between this check and the delete.
    if (image_users_) {
      auto users = WARD_TRY(image_users_(database_, id));
      if (!users.empty()) {
        return fail(ErrorKind::in_use,
                    fmt::format("image {} is used by containers: {}", id.string(), fmt::join(users, ", ")));
      }
    }
    blobs.insert(found->config_digest);
    if (!found->manifest_digest.empty()) blobs.insert(found->manifest_digest);
    for (const ImageLayer& layer : found->layers) {
      layers.insert(layer.chain_id);
      if (!layer.blob_digest.empty()) blobs.insert(layer.blob_digest);
    }
    auto remove = WARD_TRY(database_.prepare("DELETE FROM images WHERE id = ?1", "remove image"));
    WARD_TRY(remove.bind(1, id.string()));
    WARD_TRY(remove.run());  // its layers, tags and repo digests go by ON DELETE CASCADE
    const std::vector<Digest> candidates(layers.begin(), layers.end());
    WARD_TRY(store_detail::delete_unreferenced_layer_rows(database_, candidates, std::nullopt, report));
    WARD_TRY(context(transaction.commit(), "remove image {}", id.string()));
  }
  // The rows are gone; a crash from here on leaves only files no row names.
  const std::vector<Digest> layer_list(layers.begin(), layers.end());
  const std::vector<Digest> blob_list(blobs.begin(), blobs.end());
  return context(
      store_detail::remove_unreferenced_files(database_, root(), layer_list, blob_list, std::nullopt, report),
      "remove image {}", id.string());
}

}  // namespace ward::image
