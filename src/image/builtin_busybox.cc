// The built-in busybox image (builtin_busybox.h).
#include "image/builtin_busybox.h"

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "image/layer_write.h"
#include "image/load.h"
#include "image/load_contents.h"
#include "image/platform.h"
#include "image/reference.h"
#include "util/fd.h"
#include "util/subprocess.h"
#include "util/sys.h"

namespace ward::image {

namespace {

// The image's creation time: fixed, so that the config (and the ID) does
// not depend on the day it was made.
constexpr std::string_view kCreated = "2026-01-01T00:00:00Z";
constexpr std::string_view kBuiltinTag = "docker.io/library/busybox:latest";

// A statically linked ELF executable has no PT_INTERP program header: it
// runs in an image that holds nothing else.
Result<> check_static_executable(const std::string& path, const std::string& bytes) {
  if (bytes.size() < sizeof(Elf64_Ehdr) || bytes.compare(0, 4, ELFMAG) != 0)
    return fail(ErrorKind::invalid_input, fmt::format("{}: not an ELF executable", path));
  Elf64_Ehdr header{};
  std::copy_n(bytes.data(), sizeof header, reinterpret_cast<char*>(&header));
  if (bytes[EI_CLASS] != ELFCLASS64) return {};  // 32-bit hosts: trust the package
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    std::size_t at = header.e_phoff + std::size_t{i} * header.e_phentsize;
    if (at + sizeof(Elf64_Phdr) > bytes.size()) break;
    Elf64_Phdr program{};
    std::copy_n(bytes.data() + at, sizeof program, reinterpret_cast<char*>(&program));
    if (program.p_type == PT_INTERP)
      return fail(ErrorKind::invalid_input,
                  fmt::format("{}: dynamically linked; the built-in image needs busybox-static", path));
  }
  return {};
}

// "usr/bin/[", "bin/sh", ...: where busybox installs its applets.
Result<std::vector<std::string>> applet_paths(const std::string& busybox_path) {
  auto listed = WARD_TRY(sys::run_captured({busybox_path, "--list-full"}, sys::Capture::stdout_only));
  if (listed.status != 0) return fail(fmt::format("{} --list-full exited with status {}", busybox_path, listed.status));
  std::set<std::string> paths;
  std::size_t start = 0;
  while (start < listed.output.size()) {
    std::size_t end = listed.output.find('\n', start);
    if (end == std::string::npos) end = listed.output.size();
    std::string path = listed.output.substr(start, end - start);
    if (!path.empty() && path != "bin/busybox" && path.find("..") == std::string::npos && !path.starts_with('/'))
      paths.insert(path);
    start = end + 1;
  }
  return std::vector<std::string>(paths.begin(), paths.end());
}

// The layer's entries: the usual top-level directories, busybox, its
// applets as hard links to it, and the account files a shell expects.
Result<std::vector<LayerEntry>> layer_entries(const std::string& busybox, const std::vector<std::string>& applets) {
  std::vector<LayerEntry> entries;
  std::set<std::string> dirs;
  auto add_dirs = [&](const std::string& path) {
    for (std::size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
      dirs.insert(path.substr(0, slash));
  };
  for (const char* dir : {"bin", "dev", "etc", "home", "proc", "root", "sys", "tmp", "usr", "usr/bin", "usr/sbin",
                          "sbin", "var", "var/tmp"})
    dirs.insert(dir);
  for (const auto& applet : applets) add_dirs(applet);
  for (const auto& dir : dirs) {
    mode_t mode = dir == "tmp" || dir == "var/tmp" ? 01777 : dir == "root" ? 0700 : 0755;
    entries.push_back(LayerEntry::directory_at(dir, mode));
  }
  entries.push_back(LayerEntry::file_with("bin/busybox", busybox, 0755));
  // A hard link's header carries its inode's mode, as tar writes it:
  // Docker's unpacker chmods the link (so the shared inode) to it.
  for (const auto& applet : applets) {
    entries.push_back(LayerEntry::hard_link_to(applet, "bin/busybox"));
    entries.back().mode = 0755;
  }
  entries.push_back(LayerEntry::file_with("etc/passwd",
                                          "root:x:0:0:root:/root:/bin/sh\n"
                                          "nobody:x:65534:65534:nobody:/home:/bin/false\n"));
  entries.push_back(LayerEntry::file_with("etc/group", "root:x:0:\nnobody:x:65534:\n"));
  return entries;
}

ImageConfig image_config(const Digest& diff_id) {
  ImageConfig config;
  config.created = kCreated;
  config.platform = host_platform();
  config.config.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  config.config.cmd = {"sh"};
  config.rootfs.diff_ids = {diff_id};
  config.history.push_back(HistoryEntry{.created = std::string(kCreated),
                                        .created_by = "ward: the built-in image, from the host's busybox-static",
                                        .author = "",
                                        .comment = "",
                                        .empty_layer = false});
  return config;
}

// The config and manifest blobs of the image around `layer`, and its row.
Result<ImageRecord> describe_image(Store& store, const WrittenLayer& layer, std::vector<Digest>& staged) {
  std::string config = write_image_config(image_config(layer.diff_id));
  Manifest manifest;
  manifest.media_type = media_type::kOciManifest;
  manifest.config = Descriptor{.media_type = std::string(media_type::kOciConfig),
                               .digest = WARD_TRY(store.blobs().put_blob(config)),
                               .size = static_cast<std::int64_t>(config.size())};
  staged.push_back(manifest.config.digest);
  manifest.layers.push_back(Descriptor{.media_type = std::string(media_type::kOciLayerTar),
                                       .digest = layer.blob_digest,
                                       .size = static_cast<std::int64_t>(layer.blob_size)});
  ImageRecord record;
  record.id = record.config_digest = manifest.config.digest;
  record.manifest_digest = WARD_TRY(store.blobs().put_blob(write_manifest(manifest)));
  staged.push_back(record.manifest_digest);
  record.manifest_media_type = manifest.media_type;
  record.created = kCreated;
  auto chain = WARD_TRY(chain_id(std::vector<Digest>{layer.diff_id}));
  record.layers.push_back(ImageLayer{chain, layer.diff_id, layer.blob_digest, std::string(media_type::kOciLayerTar),
                                     static_cast<std::int64_t>(layer.blob_size)});
  record.repo_tags.push_back(std::string(kBuiltinTag));
  return record;
}

}  // namespace

bool names_builtin_busybox(std::string_view text) {
  auto reference = parse_reference(text);
  return reference && !reference->digest && reference->string() == kBuiltinTag;
}

Result<ImageRecord> make_builtin_busybox(Store& store, const std::string& busybox_path, Progress* progress) {
  auto busybox = sys::read_file(busybox_path);
  if (!busybox && busybox.error().is(ErrorKind::not_found))
    return fail(
        ErrorKind::not_found,
        fmt::format("the built-in busybox image needs {} (Debian: apt-get install busybox-static)", busybox_path));
  if (!busybox) return std::unexpected(std::move(busybox.error()));
  WARD_TRY(check_static_executable(busybox_path, *busybox));
  auto entries = WARD_TRY(layer_entries(*busybox, WARD_TRY(applet_paths(busybox_path))));

  // The layer, written to an unnamed file in the store's tmp/ and copied
  // into a blob through the digest the writer computed.
  std::string tmp = store.root() + "/tmp";
  UniqueFd file(::open(tmp.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!file) return fail_errno(errno, fmt::format("open a temporary file in {}", tmp));
  auto writer = WARD_TRY(LayerWriter::create(
      file.get(),
      LayerWriterOptions{.compression = LayerCompression::none, .fixed_owner = std::pair{0u, 0u}, .fixed_mtime = 0}));
  for (const auto& entry : entries) WARD_TRY(writer.add(entry));
  auto layer = WARD_TRY(writer.finish());
  if (::lseek(file.get(), 0, SEEK_SET) != 0) return fail_errno(errno, "rewind the busybox layer");
  WARD_TRY(copy_into_blob(store.blobs(), file.get(), &layer.blob_digest, layer.blob_size, short_id(layer.blob_digest),
                          progress));
  std::vector<Digest> staged = {layer.blob_digest};
  auto record = describe_image(store, layer, staged);
  if (!record) {
    (void)store.discard_unreferenced(staged, {});
    return std::unexpected(std::move(record.error()));
  }
  LoadOptions options;
  options.progress = progress;
  options.rootless = ::geteuid() != 0;
  WARD_TRY(install_image(store, *record, options, staged));
  return store.image(record->id);
}

Result<ImageRecord> resolve_image(Store& store, std::string_view text, Progress* progress) {
  auto found = store.resolve(text);
  if (found || !found.error().is(ErrorKind::not_found) || !names_builtin_busybox(text)) return found;
  return make_builtin_busybox(store, std::string(kHostBusybox), progress);
}

}  // namespace ward::image
