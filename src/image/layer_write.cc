#include "image/layer_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <map>
#include <string_view>

#include <fmt/format.h>

#include "image/archive_handle.h"
#include "util/sys.h"

// The writer is two libarchive writers in a row: a pax ("restricted":
// plain ustar headers unless a name, an id or an xattr needs more) tar
// writer whose output callback hashes the uncompressed tar (the diff_id)
// and hands it on; then, for gzip and zstd, a "raw" format writer with the
// compression filter, whose output callback hashes the blob and writes the
// fd.  Uncompressed, the tar bytes are the blob.  Neither writer pads its
// last block, so the tar ends with its two zero blocks.

namespace ward::image {

namespace {

using detail::archive_message;
using detail::ArchiveEntry;
using detail::ArchiveWriter;

// A relative path of plain components: no "", "." or "..", no NUL.
bool plain_relative_path(std::string_view path) {
  if (path.empty() || path.find('\0') != std::string_view::npos) return false;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = path.find('/', start);
    std::string_view part = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

// The extended attributes of `name` in `dir_fd`, without following it,
// sorted by name so the tar is the same on every run.
Result<std::vector<std::pair<std::string, std::string>>> read_xattrs(int dir_fd, const std::string& name) {
  std::string path = fmt::format("/proc/self/fd/{}/{}", dir_fd, name);
  std::vector<std::pair<std::string, std::string>> xattrs;
  ssize_t size = ::llistxattr(path.c_str(), nullptr, 0);
  if (size < 0) {
    if (errno == ENOTSUP || errno == EOPNOTSUPP) return xattrs;
    return fail_errno(errno, "list xattrs of " + name);
  }
  std::string list(static_cast<std::size_t>(size), '\0');
  size = ::llistxattr(path.c_str(), list.data(), list.size());
  if (size < 0) return fail_errno(errno, "list xattrs of " + name);
  list.resize(static_cast<std::size_t>(size));
  for (std::size_t start = 0; start < list.size();) {
    std::string key(list.c_str() + start);
    start += key.size() + 1;
    if (key.empty()) continue;
    ssize_t value_size = ::lgetxattr(path.c_str(), key.c_str(), nullptr, 0);
    if (value_size < 0) {
      if (errno == ENODATA) continue;
      return fail_errno(errno, fmt::format("read xattr {} of {}", key, name));
    }
    std::string value(static_cast<std::size_t>(value_size), '\0');
    value_size = ::lgetxattr(path.c_str(), key.c_str(), value.data(), value.size());
    if (value_size < 0) return fail_errno(errno, fmt::format("read xattr {} of {}", key, name));
    value.resize(static_cast<std::size_t>(value_size));
    xattrs.emplace_back(std::move(key), std::move(value));
  }
  std::sort(xattrs.begin(), xattrs.end());
  return xattrs;
}

// add()'s checks: names inside the layer, no empty names.
Result<> check_entry(const LayerEntry& entry) {
  if (!plain_relative_path(entry.path))
    return fail(ErrorKind::invalid_input,
                fmt::format("layer entry \"{}\": not a relative path of plain components", entry.path));
  if (entry.type == LayerEntryType::hard_link && !plain_relative_path(entry.link_target))
    return fail(ErrorKind::invalid_input, fmt::format("layer entry \"{}\": hard link target \"{}\" is not a relative "
                                                      "path of plain components",
                                                      entry.path, entry.link_target));
  if (entry.type == LayerEntryType::symlink &&
      (entry.link_target.empty() || entry.link_target.find('\0') != std::string::npos))
    return fail(ErrorKind::invalid_input, fmt::format("layer entry \"{}\": empty symlink target", entry.path));
  for (const auto& [name, value] : entry.xattrs)
    if (name.empty() || name.find('\0') != std::string::npos)
      return fail(ErrorKind::invalid_input, fmt::format("layer entry \"{}\": an xattr without a name", entry.path));
  return {};
}

}  // namespace

LayerEntry LayerEntry::file_with(std::string path, std::string content, mode_t mode) {
  LayerEntry entry;
  entry.path = std::move(path);
  entry.content = std::move(content);
  entry.mode = mode;
  return entry;
}

LayerEntry LayerEntry::directory_at(std::string path, mode_t mode) {
  LayerEntry entry;
  entry.path = std::move(path);
  entry.type = LayerEntryType::directory;
  entry.mode = mode;
  return entry;
}

LayerEntry LayerEntry::symlink_to(std::string path, std::string target) {
  LayerEntry entry;
  entry.path = std::move(path);
  entry.type = LayerEntryType::symlink;
  entry.mode = 0777;
  entry.link_target = std::move(target);
  return entry;
}

LayerEntry LayerEntry::hard_link_to(std::string path, std::string target) {
  LayerEntry entry;
  entry.path = std::move(path);
  entry.type = LayerEntryType::hard_link;
  entry.link_target = std::move(target);
  return entry;
}

struct LayerWriter::State {
  State(int fd, LayerWriterOptions opts, DigestWriter blob_hash, DigestWriter tar_hash)
      : output_fd(fd), options(std::move(opts)), blob(std::move(blob_hash)), tar(std::move(tar_hash)) {}

  // Declared before the archives: a writer freed unfinished still flushes
  // through the callbacks, which use these.
  int output_fd;
  LayerWriterOptions options;
  DigestWriter blob;
  DigestWriter tar;
  std::optional<Error> failure;  // the first error a callback met
  bool finished = false;
  ArchiveWriter compressor;  // null when uncompressed
  ArchiveWriter tar_writer;  // freed first (declared last): it writes into the compressor

  void note(Error error) {
    if (!failure) failure = std::move(error);
  }

  // The blob's bytes: hashed and written to the fd.
  bool write_blob(const void* buffer, std::size_t length) {
    std::string_view bytes(static_cast<const char*>(buffer), length);
    if (auto r = blob.update(bytes); !r) return note(r.error()), false;
    if (ssize_t n = sys::raw::write_all(output_fd, buffer, length); n < 0) {
      note(fail_errno(static_cast<int>(-n), "write the layer").error());
      return false;
    }
    return true;
  }

  // The tar's bytes: hashed, then compressed or written as they are.
  bool write_tar(const void* buffer, std::size_t length) {
    std::string_view bytes(static_cast<const char*>(buffer), length);
    if (auto r = tar.update(bytes); !r) return note(r.error()), false;
    if (!compressor) return write_blob(buffer, length);
    if (archive_write_data(compressor.get(), buffer, length) < 0) {
      note(fail(fmt::format("compress the layer: {}", archive_message(compressor.get()))).error());
      return false;
    }
    return true;
  }

  static la_ssize_t blob_callback(archive*, void* client, const void* buffer, size_t length) {
    return static_cast<State*>(client)->write_blob(buffer, length) ? static_cast<la_ssize_t>(length) : -1;
  }
  static la_ssize_t tar_callback(archive*, void* client, const void* buffer, size_t length) {
    return static_cast<State*>(client)->write_tar(buffer, length) ? static_cast<la_ssize_t>(length) : -1;
  }

  // The error for a failed libarchive call on `handle`: a callback's own
  // error when there is one, else libarchive's message.
  Error error_of(archive* handle, std::string_view what) {
    Error error = failure ? *failure : fail(archive_message(handle)).error();
    error.wrap(what);
    return error;
  }

  // A file's content comes from `entry.content`, or when `content_fd` is
  // not -1 from that fd (`content_size` bytes, streamed: add_tree).
  Result<> write_entry(const LayerEntry& entry, int content_fd = -1, std::uint64_t content_size = 0);
  Result<> copy_content(int content_fd, std::uint64_t content_size);
};

Result<> LayerWriter::State::write_entry(const LayerEntry& entry, int content_fd, std::uint64_t content_size) {
  if (finished) return fail(ErrorKind::wrong_state, "layer writer: add after finish");
  ArchiveEntry header(archive_entry_new());
  if (!header) return fail_errno(ENOMEM, "layer entry");
  archive_entry* e = header.get();
  archive_entry_copy_pathname(e, entry.path.c_str());
  mode_t type = 0;
  switch (entry.type) {
    case LayerEntryType::file:
    case LayerEntryType::hard_link: type = AE_IFREG; break;
    case LayerEntryType::directory: type = AE_IFDIR; break;
    case LayerEntryType::symlink: type = AE_IFLNK; break;
    case LayerEntryType::char_device: type = AE_IFCHR; break;
    case LayerEntryType::block_device: type = AE_IFBLK; break;
    case LayerEntryType::fifo: type = AE_IFIFO; break;
  }
  archive_entry_set_mode(e, type | (entry.mode & 07777));
  auto [uid, gid] = options.fixed_owner.value_or(std::pair<uid_t, gid_t>{entry.uid, entry.gid});
  archive_entry_set_uid(e, uid);
  archive_entry_set_gid(e, gid);
  archive_entry_set_mtime(e, options.fixed_mtime.value_or(entry.mtime), 0);
  std::uint64_t size = content_fd >= 0 ? content_size : entry.content.size();
  archive_entry_set_size(e, entry.type == LayerEntryType::file ? static_cast<la_int64_t>(size) : 0);
  if (entry.type == LayerEntryType::symlink) archive_entry_copy_symlink(e, entry.link_target.c_str());
  if (entry.type == LayerEntryType::hard_link) archive_entry_copy_hardlink(e, entry.link_target.c_str());
  if (entry.type == LayerEntryType::char_device || entry.type == LayerEntryType::block_device) {
    archive_entry_set_rdevmajor(e, entry.device_major);
    archive_entry_set_rdevminor(e, entry.device_minor);
  }
  for (const auto& [name, value] : entry.xattrs)
    archive_entry_xattr_add_entry(e, name.c_str(), value.data(), value.size());

  std::string what = fmt::format("layer entry \"{}\"", entry.path);
  // ARCHIVE_WARN: written, with a name that is not ASCII kept as raw bytes
  // (a pax record with hdrcharset=BINARY); ward sets no locale, so the
  // bytes are the same on every machine.
  if (archive_write_header(tar_writer.get(), e) < ARCHIVE_WARN)
    return std::unexpected(error_of(tar_writer.get(), what));
  if (entry.type == LayerEntryType::file && content_fd >= 0) {
    if (auto copied = copy_content(content_fd, content_size); !copied) return context(std::move(copied), "{}", what);
  } else if (entry.type == LayerEntryType::file) {
    std::string_view rest = entry.content;
    while (!rest.empty()) {
      la_ssize_t n = archive_write_data(tar_writer.get(), rest.data(), rest.size());
      if (n <= 0) return std::unexpected(error_of(tar_writer.get(), what));
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  if (failure) return std::unexpected(error_of(tar_writer.get(), what));
  return {};
}

Result<> LayerWriter::State::copy_content(int content_fd, std::uint64_t content_size) {
  std::vector<char> buffer(64 * 1024);
  std::uint64_t copied = 0;
  for (;;) {
    ssize_t n = sys::raw::read_some(content_fd, buffer.data(), buffer.size());
    if (n < 0) return fail_errno(static_cast<int>(-n), "read");
    if (n == 0) break;
    // A file that grew while read: the header already holds its size.
    if (copied + static_cast<std::uint64_t>(n) > content_size) return fail("the file changed while it was read");
    for (std::size_t done = 0; done < static_cast<std::size_t>(n);) {
      la_ssize_t w = archive_write_data(tar_writer.get(), buffer.data() + done, static_cast<std::size_t>(n) - done);
      if (w <= 0) return std::unexpected(error_of(tar_writer.get(), "write"));
      done += static_cast<std::size_t>(w);
    }
    copied += static_cast<std::uint64_t>(n);
  }
  if (copied != content_size) return fail("the file changed while it was read");
  return {};
}

Result<LayerWriter> LayerWriter::create(int output_fd, LayerWriterOptions options) {
  auto blob = WARD_TRY(DigestWriter::create());
  auto tar = WARD_TRY(DigestWriter::create());
  LayerCompression compression = options.compression;
  auto state = std::make_unique<State>(output_fd, std::move(options), std::move(blob), std::move(tar));

  if (compression != LayerCompression::none) {
    WARD_TRY(detail::require_in_process_codec(compression));
    state->compressor.reset(archive_write_new());
    archive* c = state->compressor.get();
    if (c == nullptr) return fail_errno(ENOMEM, "layer writer");
    int r = compression == LayerCompression::gzip ? archive_write_add_filter_gzip(c) : archive_write_add_filter_zstd(c);
    // No timestamp in the gzip header: the same tar, the same blob.
    if (r == ARCHIVE_OK && compression == LayerCompression::gzip)
      r = archive_write_set_filter_option(c, "gzip", "timestamp", nullptr);
    if (r == ARCHIVE_OK) r = archive_write_set_format_raw(c);
    if (r == ARCHIVE_OK) r = archive_write_set_bytes_in_last_block(c, 1);
    if (r == ARCHIVE_OK) r = archive_write_open(c, state.get(), nullptr, &State::blob_callback, nullptr);
    ArchiveEntry raw(archive_entry_new());
    if (r == ARCHIVE_OK && raw) {
      archive_entry_set_filetype(raw.get(), AE_IFREG);
      archive_entry_set_pathname(raw.get(), "layer.tar");
      r = archive_write_header(c, raw.get());
    }
    if (r != ARCHIVE_OK || !raw) return std::unexpected(state->error_of(c, "layer writer: set up the compressor"));
  }

  state->tar_writer.reset(archive_write_new());
  archive* t = state->tar_writer.get();
  if (t == nullptr) return fail_errno(ENOMEM, "layer writer");
  int r = archive_write_set_format_pax_restricted(t);
  if (r == ARCHIVE_OK) r = archive_write_set_bytes_in_last_block(t, 1);
  if (r == ARCHIVE_OK) r = archive_write_open(t, state.get(), nullptr, &State::tar_callback, nullptr);
  if (r != ARCHIVE_OK) return std::unexpected(state->error_of(t, "layer writer: set up the tar writer"));
  return LayerWriter(std::move(state));
}

LayerWriter::LayerWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
LayerWriter::LayerWriter(LayerWriter&&) noexcept = default;
LayerWriter& LayerWriter::operator=(LayerWriter&&) noexcept = default;
LayerWriter::~LayerWriter() = default;

Result<> LayerWriter::add(const LayerEntry& entry) {
  WARD_TRY(check_entry(entry));
  return add_raw(entry);
}

Result<> LayerWriter::add_streamed(const LayerEntry& entry, int content_fd, std::uint64_t size) {
  WARD_TRY(check_entry(entry));
  return state_->write_entry(entry, content_fd, size);
}

Result<> LayerWriter::add_raw(const LayerEntry& entry) {
  return state_->write_entry(entry);
}

namespace {

// Writes one entry; a regular file's content is streamed from `content_fd`
// (-1 for every other type).
using TreeSink = std::function<Result<>(const LayerEntry& entry, int content_fd, std::uint64_t content_size)>;

struct TreeWalk {
  TreeSink sink;
  std::map<std::pair<dev_t, ino_t>, std::string> first_path;  // of files with more than one link

  Result<> walk(int dir_fd, const std::string& prefix) {
    auto names = WARD_TRY(sys::list_directory_at(dir_fd));
    for (const auto& name : names) {
      struct stat st;
      if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) return fail_errno(errno, "stat " + name);
      if (S_ISSOCK(st.st_mode)) continue;  // a tar has no socket type
      LayerEntry entry;
      entry.path = prefix + name;
      entry.mode = st.st_mode & 07777;
      entry.uid = st.st_uid;
      entry.gid = st.st_gid;
      entry.mtime = st.st_mtim.tv_sec;
      if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
        auto [it, first] = first_path.try_emplace({st.st_dev, st.st_ino}, entry.path);
        if (!first) {
          entry.type = LayerEntryType::hard_link;
          entry.link_target = it->second;
          WARD_TRY(sink(entry, -1, 0));
          continue;
        }
      }
      entry.xattrs = WARD_TRY(read_xattrs(dir_fd, name));
      if (S_ISDIR(st.st_mode)) {
        entry.type = LayerEntryType::directory;
        WARD_TRY(sink(entry, -1, 0));
        auto child = WARD_TRY(sys::open_at(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
        WARD_TRY(walk(child.get(), entry.path + "/"));
        continue;
      }
      if (S_ISREG(st.st_mode)) {
        auto file = WARD_TRY(sys::open_at(dir_fd, name, O_RDONLY | O_NOFOLLOW));
        WARD_TRY(sink(entry, file.get(), static_cast<std::uint64_t>(st.st_size)));
        continue;
      }
      if (S_ISLNK(st.st_mode)) {
        entry.type = LayerEntryType::symlink;
        std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
        ssize_t n = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
        if (n < 0) return fail_errno(errno, "readlink " + entry.path);
        target.resize(static_cast<std::size_t>(n));
        entry.link_target = std::move(target);
      } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
        entry.type = S_ISCHR(st.st_mode) ? LayerEntryType::char_device : LayerEntryType::block_device;
        entry.device_major = major(st.st_rdev);
        entry.device_minor = minor(st.st_rdev);
      } else if (S_ISFIFO(st.st_mode)) {
        entry.type = LayerEntryType::fifo;
      }
      WARD_TRY(sink(entry, -1, 0));
    }
    return {};
  }
};

}  // namespace

Result<> LayerWriter::add_tree(int dir_fd, const std::string& prefix) {
  State& state = *state_;
  TreeWalk walk{[&state](const LayerEntry& entry, int content_fd, std::uint64_t content_size) -> Result<> {
                  WARD_TRY(check_entry(entry));
                  return state.write_entry(entry, content_fd, content_size);
                },
                {}};
  return context(walk.walk(dir_fd, prefix), "add a tree to the layer");
}

Result<WrittenLayer> LayerWriter::finish() {
  State& s = *state_;
  if (s.finished) return fail(ErrorKind::wrong_state, "layer writer: finish called twice");
  s.finished = true;
  if (archive_write_close(s.tar_writer.get()) != ARCHIVE_OK || s.failure)
    return std::unexpected(s.error_of(s.tar_writer.get(), "layer writer: end the tar"));
  if (s.compressor && (archive_write_close(s.compressor.get()) != ARCHIVE_OK || s.failure))
    return std::unexpected(s.error_of(s.compressor.get(), "layer writer: end the compressed stream"));
  WrittenLayer written;
  written.blob_size = s.blob.size();
  written.tar_size = s.tar.size();
  written.blob_digest = WARD_TRY(s.blob.finish());
  written.diff_id = WARD_TRY(s.tar.finish());
  return written;
}

}  // namespace ward::image
