// TarStream over libarchive's read API.
#include "image/tar_stream.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <fmt/format.h>

namespace ward::image {

namespace {

// libarchive's own block size for reads from an fd; big enough that a
// large layer is read in few system calls.
constexpr std::size_t kReadBlock = 1 << 20;

TarMemberType member_type(archive_entry* entry) {
  if (archive_entry_hardlink(entry) != nullptr) return TarMemberType::hard_link;
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG: return TarMemberType::file;
    case AE_IFDIR: return TarMemberType::directory;
    case AE_IFLNK: return TarMemberType::symlink;
    default: return TarMemberType::other;
  }
}

}  // namespace

void TarStream::ArchiveFree::operator()(archive* handle) const {
  archive_read_free(handle);
}

TarStream::TarStream(std::unique_ptr<archive, ArchiveFree> handle, std::string name)
    : handle_(std::move(handle)), name_(std::move(name)) {}
TarStream::TarStream(TarStream&&) noexcept = default;
TarStream& TarStream::operator=(TarStream&&) noexcept = default;
TarStream::~TarStream() = default;

std::unexpected<Error> TarStream::archive_error(std::string_view doing) const {
  const char* why = archive_error_string(handle_.get());
  std::string where = current_.empty() ? name_ : fmt::format("{}: member \"{}\"", name_, current_);
  return fail(ErrorKind::invalid_input,
              fmt::format("{}: {}: {}", where, doing, why != nullptr ? why : "unknown error"));
}

Result<TarStream> TarStream::open(int fd, std::string name) {
  std::unique_ptr<archive, ArchiveFree> handle(archive_read_new());
  if (!handle) return fail(ErrorKind::failed, fmt::format("{}: cannot make an archive reader", name));
  archive_read_support_filter_all(handle.get());
  archive_read_support_format_tar(handle.get());
  archive_read_support_format_gnutar(handle.get());
  TarStream stream(std::move(handle), std::move(name));
  if (archive_read_open_fd(stream.handle_.get(), fd, kReadBlock) != ARCHIVE_OK)
    return stream.archive_error("not a tar archive");
  return stream;
}

Result<std::optional<TarMember>> TarStream::next() {
  archive_entry* entry = nullptr;
  int status = archive_read_next_header(handle_.get(), &entry);
  if (status == ARCHIVE_EOF) return std::nullopt;
  if (status != ARCHIVE_OK && status != ARCHIVE_WARN) return archive_error("reading the next member");
  TarMember member;
  const char* path = archive_entry_pathname(entry);
  member.path = path != nullptr ? path : "";
  current_ = member.path;
  member.type = member_type(entry);
  if (archive_entry_size_is_set(entry) != 0 && archive_entry_size(entry) > 0)
    member.size = static_cast<std::uint64_t>(archive_entry_size(entry));
  const char* link = member.type == TarMemberType::hard_link ? archive_entry_hardlink(entry)
                     : member.type == TarMemberType::symlink ? archive_entry_symlink(entry)
                                                             : nullptr;
  if (link != nullptr) member.link_target = link;
  member.mode = archive_entry_perm(entry) & 07777;
  member.uid = archive_entry_uid(entry);
  member.gid = archive_entry_gid(entry);
  member.mtime = archive_entry_mtime(entry);
  member.sparse = archive_entry_sparse_count(entry) > 0;
  return member;
}

Result<> TarStream::read_data(const std::function<Result<>(std::string_view chunk)>& sink) {
  for (;;) {
    const void* block = nullptr;
    std::size_t size = 0;
    la_int64_t offset = 0;
    int status = archive_read_data_block(handle_.get(), &block, &size, &offset);
    if (status == ARCHIVE_EOF) return {};
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN) return archive_error("reading data");
    // A sparse member would have holes between blocks; archives of images
    // hold none, and a hole would only make the digest check fail.
    WARD_TRY(sink(std::string_view(static_cast<const char*>(block), size)));
  }
}

Result<std::string> TarStream::read_all(std::uint64_t limit) {
  std::string bytes;
  WARD_TRY(read_data([&](std::string_view chunk) -> Result<> {
    if (bytes.size() + chunk.size() > limit)
      return fail(ErrorKind::invalid_input,
                  fmt::format("{}: member \"{}\" is larger than {} bytes", name_, current_, limit));
    bytes.append(chunk);
    return {};
  }));
  return bytes;
}

}  // namespace ward::image
