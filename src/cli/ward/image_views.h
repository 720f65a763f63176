// How images look on the command line: Docker's `image inspect` document
// and the rows of `docker images`, as JSON values that --format templates
// and tables read.  Shared by images, image inspect and inspect.
#pragma once

#include <nlohmann/json.hpp>

#include "image/store.h"
#include "util/error.h"

namespace ward::cli::engine {

// Docker's image inspect object: Id, RepoTags, RepoDigests, Parent,
// Comment, Created, Author, Config, Architecture, Variant, Os, Size,
// VirtualSize, GraphDriver, RootFS, Metadata.
[[nodiscard]] Result<nlohmann::ordered_json> image_inspect_json(image::Store& store, const image::ImageRecord& record);

// One `docker images` row per name (or one <none> row): the fields
// Docker's --format offers (Containers, CreatedAt, CreatedSince, Digest,
// ID, Repository, SharedSize, Size, Tag, UniqueSize, VirtualSize).
[[nodiscard]] std::vector<nlohmann::ordered_json> image_rows(const image::ImageRecord& record, bool no_trunc);

}  // namespace ward::cli::engine
