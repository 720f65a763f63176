// TarWriter over libarchive's write API, pax format (long names, large
// sizes) without the pax records that carry times or names of owners.
#include "image/tar_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace ward::image {

namespace {

constexpr std::size_t kChunk = 1 << 20;

struct EntryFree {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

}  // namespace

void TarWriter::ArchiveFree::operator()(archive* handle) const {
  archive_write_free(handle);
}

TarWriter::TarWriter(std::unique_ptr<archive, ArchiveFree> handle, std::string name, std::time_t mtime)
    : handle_(std::move(handle)), name_(std::move(name)), mtime_(mtime) {}
TarWriter::TarWriter(TarWriter&&) noexcept = default;
TarWriter& TarWriter::operator=(TarWriter&&) noexcept = default;
TarWriter::~TarWriter() = default;

std::unexpected<Error> TarWriter::archive_error(std::string_view doing) const {
  const char* why = archive_error_string(handle_.get());
  return fail(ErrorKind::failed, fmt::format("{}: {}: {}", name_, doing, why != nullptr ? why : "unknown error"));
}

Result<TarWriter> TarWriter::create(int fd, std::string name, std::time_t mtime) {
  std::unique_ptr<archive, ArchiveFree> handle(archive_write_new());
  if (!handle) return fail(fmt::format("{}: cannot make an archive writer", name));
  TarWriter writer(std::move(handle), std::move(name), mtime);
  archive* a = writer.handle_.get();
  if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK) return writer.archive_error("pax format");
  // A tar's last block padded to 10 KiB is a tape convention: pad only to
  // the 512-byte record, as Go's archive/tar (docker save) does.
  archive_write_set_bytes_in_last_block(a, 1);
  if (archive_write_open_fd(a, fd) != ARCHIVE_OK) return writer.archive_error("open");
  return writer;
}

Result<> TarWriter::header(const std::string& path, bool directory, std::uint64_t size) {
  std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), path.c_str());
  archive_entry_set_filetype(entry.get(), directory ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(entry.get(), directory ? 0755 : 0644);
  archive_entry_set_uid(entry.get(), 0);
  archive_entry_set_gid(entry.get(), 0);
  archive_entry_set_mtime(entry.get(), mtime_, 0);
  archive_entry_set_size(entry.get(), directory ? 0 : static_cast<la_int64_t>(size));
  if (archive_write_header(handle_.get(), entry.get()) != ARCHIVE_OK)
    return archive_error(fmt::format("write the header of \"{}\"", path));
  return {};
}

Result<> TarWriter::add_directory(const std::string& path) {
  return header(path, true, 0);
}

Result<> TarWriter::add_bytes(const std::string& path, std::string_view bytes) {
  WARD_TRY(header(path, false, bytes.size()));
  if (!bytes.empty() &&
      archive_write_data(handle_.get(), bytes.data(), bytes.size()) != static_cast<la_ssize_t>(bytes.size()))
    return archive_error(fmt::format("write \"{}\"", path));
  return {};
}

Result<> TarWriter::add_file(const std::string& path, int source_fd, std::uint64_t size, std::string_view id,
                             Progress* progress) {
  WARD_TRY(header(path, false, size));
  if (progress != nullptr) progress->begin(id, "Saving", size);
  std::string buffer(kChunk, '\0');
  std::uint64_t done = 0;
  while (done < size) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - done));
    ssize_t n = ::read(source_fd, buffer.data(), want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(errno, fmt::format("{}: read the content of \"{}\"", name_, path));
    if (n == 0) return fail(fmt::format("{}: \"{}\": its source ended after {} of {} bytes", name_, path, done, size));
    if (archive_write_data(handle_.get(), buffer.data(), static_cast<std::size_t>(n)) != n)
      return archive_error(fmt::format("write \"{}\"", path));
    done += static_cast<std::uint64_t>(n);
    if (progress != nullptr) progress->advance(id, done);
  }
  if (progress != nullptr) progress->end(id, "Saved");
  return {};
}

Result<> TarWriter::finish() {
  if (archive_write_close(handle_.get()) != ARCHIVE_OK) return archive_error("finish");
  return {};
}

}  // namespace ward::image
