// open_store (commands.h): the one place a verb gets the image store.
#include "cli/ward/commands.h"

namespace ward::cli::engine {

Result<image::Store> open_store(const WardOptions& options) {
  std::string root = options.root;
  if (root.empty()) root = WARD_TRY(image::default_store_root());
  auto store = WARD_TRY(context(image::Store::open(root), "store {}", root));
  ward::engine::watch_image_users(store);
  return store;
}

Result<ward::engine::Engine> open_engine(const WardOptions& options) {
  std::string root = options.root;
  if (root.empty()) root = WARD_TRY(image::default_store_root());
  return ward::engine::Engine::open(root);
}

}  // namespace ward::cli::engine
