// LayerCache: the file format, line by line:
//   ward-scan-layer 1
//   key <hex>
//   E <kind><secret outcome> <path>             one per entry
//   F <rule> <severity> <line> <column> <message>   a file finding of the entry above
//   S <rule> <severity> <line> <column> <message>   a secret finding of the entry above
//   sha256 <hex of every byte before this line>
// Fields are separated by one space; in text fields every byte up to the
// space, DEL and '%' is written %XX, so a path or message holding a
// newline or a space stays one field.  A finding's file is its entry's path.
#include "audit/scan/layer_cache.h"

#include <elf.h>
#include <link.h>
#include <sys/stat.h>

#include <charconv>
#include <climits>

#include <fmt/format.h>

#include "image/digest.h"
#include "util/sys.h"

namespace ward::audit::scan {

namespace {

constexpr std::string_view kMagic = "ward-scan-layer 1";
// Bumped when the format, or what a layer's results mean, changes in a way
// a build ID would not tell (a build without one).
constexpr std::string_view kResultsVersion = "1";

constexpr std::string_view kKinds = "dof w";  // directory, opaque directory, other, whiteout (index 4)
constexpr std::string_view kOutcomes = "-rblus";

// The GNU build ID of the running program: it changes with every change to
// ward's code, so a cache never outlives the checks that made it.
int note_build_id(dl_phdr_info* info, std::size_t, void* data) {
  auto* out = static_cast<std::string*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& header = info->dlpi_phdr[i];
    if (header.p_type != PT_NOTE) continue;
    const char* at = reinterpret_cast<const char*>(info->dlpi_addr + header.p_vaddr);
    const char* end = at + header.p_memsz;
    while (at + sizeof(ElfW(Nhdr)) <= end) {
      const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(at);
      const char* name = at + sizeof(ElfW(Nhdr));
      const char* desc = name + ((note->n_namesz + 3) & ~3u);
      if (desc + note->n_descsz > end) break;
      if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && std::string_view(name, 3) == "GNU") {
        for (std::size_t b = 0; b < note->n_descsz; ++b)
          *out += fmt::format("{:02x}", static_cast<unsigned char>(desc[b]));
        return 1;
      }
      at = desc + ((note->n_descsz + 3) & ~3u);
    }
  }
  return 1;  // the first object is the program itself: stop either way
}

const std::string& program_build_id() {
  static const std::string id = [] {
    std::string out;
    ::dl_iterate_phdr(note_build_id, &out);
    return out.empty() ? std::string("no-build-id") : out;
  }();
  return id;
}

void escape_into(std::string& out, std::string_view text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f || c == '%')
      out += fmt::format("%{:02X}", byte);
    else
      out += c;
  }
}

Result<std::string> unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) return fail(ErrorKind::invalid_input, "a cut escape");
    auto [end, error] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (error != std::errc() || end != text.data() + i + 3) return fail(ErrorKind::invalid_input, "a bad escape");
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> out;
  while (true) {
    std::size_t space = line.find(' ');
    out.push_back(line.substr(0, space));
    if (space == std::string_view::npos) return out;
    line.remove_prefix(space + 1);
  }
}

Result<int> number(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0)
    return fail(ErrorKind::invalid_input, fmt::format("\"{}\" is not a line or column", text));
  return value;
}

Result<Finding> parse_finding(const std::vector<std::string_view>& fields, const std::string& path) {
  if (fields.size() != 6) return fail(ErrorKind::invalid_input, "a finding without its 5 fields");
  Finding f;
  f.rule = WARD_TRY(unescape(fields[1]));
  f.severity = WARD_TRY(parse_severity(fields[2]));
  // Each WARD_TRY on a line of its own: an early return from inside a
  // braced initializer would skip the destructors of the parts made before.
  int line = WARD_TRY(number(fields[3]));
  int column = WARD_TRY(number(fields[4]));
  f.location = Location{path, line, column};
  f.message = WARD_TRY(unescape(fields[5]));
  return f;
}

Result<> write_finding(std::string& out, char tag, const Finding& f, const std::string& path) {
  if (f.location.file != path) return fail(fmt::format("{}: a finding about {}, not the entry", path, f.location.file));
  out += tag;
  out += ' ';
  escape_into(out, f.rule);
  out += fmt::format(" {} {} {} ", severity_name(f.severity), f.location.line, f.location.column);
  escape_into(out, f.message);
  out += '\n';
  return {};
}

}  // namespace

Result<std::string> layer_cache_key(const SecretRules& rules, std::string_view chain_id,
                                    const std::string& layer_path) {
  struct stat st;
  if (::stat(layer_path.c_str(), &st) < 0) return fail_errno(errno, fmt::format("stat {}", layer_path));
  std::string material = fmt::format("{}\n{}\n{}\n{}\n{}:{}:{}.{}\n", kMagic, kResultsVersion, program_build_id(),
                                     chain_id, st.st_dev, st.st_ino, st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
  material += rules.source;
  return WARD_TRY(image::digest_of(material)).hex();
}

Result<std::string> serialize_layer_result(const LayerResult& result, std::string_view key) {
  std::string out = fmt::format("{}\nkey {}\n", kMagic, key);
  for (const LayerEntry& entry : result.entries) {
    char kind = entry.kind == EntryKind::whiteout ? 'w'
                : entry.kind == EntryKind::other  ? 'f'
                : entry.opaque                    ? 'o'
                                                  : 'd';
    out += fmt::format("E {}{} ", kind, kOutcomes[static_cast<std::size_t>(entry.secret)]);
    escape_into(out, entry.path);
    out += '\n';
    for (const Finding& f : entry.file_findings) WARD_TRY(write_finding(out, 'F', f, entry.path));
    for (const Finding& f : entry.secret_findings) WARD_TRY(write_finding(out, 'S', f, entry.path));
  }
  out += fmt::format("sha256 {}\n", WARD_TRY(image::digest_of(out)).hex());
  return out;
}

Result<LayerResult> parse_layer_result(std::string_view bytes, std::string_view key) {
  auto bad = [](std::string_view why) { return fail(ErrorKind::invalid_input, std::string(why)); };
  if (!bytes.ends_with('\n')) return bad("no final line");
  std::size_t last = bytes.rfind('\n', bytes.size() - 2);
  if (last == std::string_view::npos) return bad("too short");
  std::string_view body = bytes.substr(0, last + 1);
  std::string_view trailer = bytes.substr(last + 1, bytes.size() - last - 2);
  if (trailer != "sha256 " + WARD_TRY(image::digest_of(body)).hex()) return bad("its checksum does not match");
  std::string header = fmt::format("{}\nkey {}\n", kMagic, key);
  if (!body.starts_with(header)) return bad("made under another key");
  body.remove_prefix(header.size());

  LayerResult result;
  while (!body.empty()) {
    std::size_t end = body.find('\n');
    std::vector<std::string_view> fields = fields_of(body.substr(0, end));
    body.remove_prefix(end + 1);
    if (fields[0] == "E") {
      if (fields.size() != 3 || fields[1].size() != 2) return bad("an entry without its 2 fields");
      std::size_t kind = kKinds.find(fields[1][0]);
      std::size_t outcome = kOutcomes.find(fields[1][1]);
      if (kind == std::string_view::npos || kind == 3 || outcome == std::string_view::npos)
        return bad("an unknown entry kind");
      LayerEntry entry;
      entry.kind = kind == 4 ? EntryKind::whiteout : kind == 2 ? EntryKind::other : EntryKind::directory;
      entry.opaque = kind == 1;
      entry.secret = static_cast<SecretOutcome>(outcome);
      entry.path = WARD_TRY(unescape(fields[2]));
      if (!entry.path.starts_with('/')) return bad("a relative path");
      result.entries.push_back(std::move(entry));
    } else if ((fields[0] == "F" || fields[0] == "S") && !result.entries.empty()) {
      LayerEntry& entry = result.entries.back();
      (fields[0] == "F" ? entry.file_findings : entry.secret_findings)
          .push_back(WARD_TRY(parse_finding(fields, entry.path)));
    } else {
      return bad("an unknown line");
    }
  }
  return result;
}

std::optional<LayerResult> LayerCache::load(const std::string& name, std::string_view key) const {
  auto bytes = sys::read_file(path(name));
  if (!bytes) return std::nullopt;
  auto result = parse_layer_result(*bytes, key);
  if (!result) return std::nullopt;
  return std::move(*result);
}

Result<> LayerCache::store(const std::string& name, std::string_view key, const LayerResult& result) const {
  WARD_TRY(context(sys::mkdir_all(directory_, 0700), "{}", directory_));
  std::string bytes = WARD_TRY(serialize_layer_result(result, key));
  return context(sys::write_file_atomic(path(name), bytes, 0600), "{}", path(name));
}

}  // namespace ward::audit::scan
