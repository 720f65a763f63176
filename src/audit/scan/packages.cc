#include "audit/scan/packages.h"

#include <fmt/format.h>

#include <map>

namespace ward::audit::scan {

namespace {

constexpr std::size_t kMaxField = 1 << 20;

struct Line {
  std::string_view text;
  int number = 0;
};

// Splits on '\n', dropping a '\r' before it.
std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  int number = 0;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({line, ++number});
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool has_control(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  return false;
}

struct Stanza {
  std::map<std::string, std::string> fields;
  int first_line = 0;
};

Result<Package> dpkg_package(const Stanza& stanza, std::string_view file) {
  auto field = [&](const char* name) -> std::string {
    auto it = stanza.fields.find(name);
    return it == stanza.fields.end() ? std::string() : it->second;
  };
  Package p;
  p.kind = PackageKind::deb;
  p.database = std::string(file);
  p.name = field("package");
  p.version = field("version");
  p.architecture = field("architecture");
  if (p.name.empty())
    return fail(ErrorKind::invalid_input,
                fmt::format("{}:{}: stanza without a Package field", file, stanza.first_line));
  if (p.version.empty())
    return fail(ErrorKind::invalid_input,
                fmt::format("{}:{}: package \"{}\" has no Version field", file, stanza.first_line, p.name));
  // Both are single words in dpkg; a continuation line glued to either one
  // is a damaged database, not a package name with a blank in it.
  if (p.name.find_first_of(" \t\n") != std::string::npos)
    return fail(ErrorKind::invalid_input, fmt::format("{}:{}: a blank in the Package field", file, stanza.first_line));
  if (p.version.find_first_of(" \t\n") != std::string::npos)
    return fail(ErrorKind::invalid_input,
                fmt::format("{}:{}: package \"{}\": a blank in the Version field", file, stanza.first_line, p.name));
  std::string source = field("source");
  if (!source.empty()) {
    // "Source: name (version)" when the source's version differs.
    std::size_t paren = source.find('(');
    if (paren != std::string::npos) {
      std::size_t close = source.find(')', paren);
      if (close == std::string::npos)
        return fail(ErrorKind::invalid_input,
                    fmt::format("{}:{}: package \"{}\": unclosed '(' in Source", file, stanza.first_line, p.name));
      p.source_version = std::string(trim(std::string_view(source).substr(paren + 1, close - paren - 1)));
      source = std::string(trim(std::string_view(source).substr(0, paren)));
    }
    if (source != p.name) p.source = source;
  }
  for (const std::string* text : {&p.name, &p.version, &p.architecture, &p.source, &p.source_version})
    if (text->find_first_of(" \t") != std::string::npos)
      return fail(ErrorKind::invalid_input, fmt::format("{}:{}: package \"{}\": a blank inside a name or version", file,
                                                        stanza.first_line, p.name));
  return p;
}

}  // namespace

Result<std::vector<Package>> parse_dpkg_status(std::string_view text, std::string_view file) {
  std::vector<Package> packages;
  Stanza stanza;
  std::string last_field;
  auto finish = [&]() -> Result<> {
    if (stanza.fields.empty()) return {};
    auto status = stanza.fields.find("status");
    // "install ok installed"; without a Status field (status.d) it is installed.
    bool installed = status == stanza.fields.end() || status->second.ends_with(" installed");
    if (installed) packages.push_back(WARD_TRY(dpkg_package(stanza, file)));
    stanza = {};
    last_field.clear();
    return {};
  };
  for (const Line& line : split_lines(text)) {
    if (trim(line.text).empty()) {
      WARD_TRY(finish());
      continue;
    }
    for (char c : line.text)
      if (c != '\t' && (static_cast<unsigned char>(c) < 0x20 || c == 0x7f))
        return fail(ErrorKind::invalid_input, fmt::format("{}:{}: a control character", file, line.number));
    if (line.text.front() == ' ' || line.text.front() == '\t') {
      if (last_field.empty())
        return fail(ErrorKind::invalid_input,
                    fmt::format("{}:{}: a continuation line without a field before it", file, line.number));
      std::string& value = stanza.fields[last_field];
      if (value.size() + line.text.size() > kMaxField)
        return fail(ErrorKind::invalid_input, fmt::format("{}:{}: field too long", file, line.number));
      value += '\n';
      value += trim(line.text);
      continue;
    }
    if (line.text.front() == '#') continue;
    std::size_t colon = line.text.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return fail(ErrorKind::invalid_input, fmt::format("{}:{}: expected \"Field: value\"", file, line.number));
    std::string name(trim(line.text.substr(0, colon)));
    for (char& c : name)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (name.empty() || name.find_first_of(" \t") != std::string::npos)
      return fail(ErrorKind::invalid_input, fmt::format("{}:{}: a blank inside a field name", file, line.number));
    if (stanza.fields.empty()) stanza.first_line = line.number;
    if (stanza.fields.contains(name))
      return fail(ErrorKind::invalid_input,
                  fmt::format("{}:{}: field \"{}\" given twice in one stanza", file, line.number, name));
    stanza.fields[name] = std::string(trim(line.text.substr(colon + 1)));
    last_field = name;
  }
  WARD_TRY(finish());
  return packages;
}

Result<std::vector<Package>> parse_apk_installed(std::string_view text, std::string_view file) {
  std::vector<Package> packages;
  Package current;
  int first_line = 0;
  bool open = false;
  auto finish = [&]() -> Result<> {
    if (!open) return {};
    if (current.name.empty())
      return fail(ErrorKind::invalid_input, fmt::format("{}:{}: record without a P: line", file, first_line));
    if (current.version.empty())
      return fail(ErrorKind::invalid_input,
                  fmt::format("{}:{}: package \"{}\" has no V: line", file, first_line, current.name));
    if (current.source == current.name) current.source.clear();
    packages.push_back(std::move(current));
    current = {};
    open = false;
    return {};
  };
  for (const Line& line : split_lines(text)) {
    if (line.text.empty()) {
      WARD_TRY(finish());
      continue;
    }
    if (line.text.size() < 2 || line.text[1] != ':')
      return fail(ErrorKind::invalid_input, fmt::format("{}:{}: expected \"X:value\"", file, line.number));
    std::string_view value = line.text.substr(2);
    if (has_control(value))
      return fail(ErrorKind::invalid_input, fmt::format("{}:{}: a control character", file, line.number));
    if (!open) {
      open = true;
      first_line = line.number;
      current.kind = PackageKind::apk;
      current.database = std::string(file);
    }
    auto set = [&](std::string& field, const char* what) -> Result<> {
      if (!field.empty())
        return fail(ErrorKind::invalid_input,
                    fmt::format("{}:{}: {} given twice in one record", file, line.number, what));
      if (value.find_first_of(" \t") != std::string_view::npos)
        return fail(ErrorKind::invalid_input, fmt::format("{}:{}: a blank inside the {}", file, line.number, what));
      field = std::string(value);
      return {};
    };
    switch (line.text[0]) {
      case 'P': WARD_TRY(set(current.name, "package name")); break;
      case 'V': WARD_TRY(set(current.version, "version")); break;
      case 'A': WARD_TRY(set(current.architecture, "architecture")); break;
      case 'o': WARD_TRY(set(current.source, "origin")); break;
      case 'L':
        if (current.license.empty()) current.license = std::string(value);
        break;
      default: break;  // checksums, files (F:, R:), dependencies...
    }
  }
  WARD_TRY(finish());
  return packages;
}

namespace {

// Percent-encodes what a purl component may not hold as it is.
std::string purl_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum || c == '.' || c == '-' || c == '_' || c == '~' || c == '+')
      out += c;
    else
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
  }
  return out;
}

}  // namespace

std::string package_url(const Package& package, std::string_view distro_id, std::string_view distro_version) {
  std::string version = package.version;
  std::string epoch;
  std::vector<std::pair<std::string, std::string>> qualifiers;
  if (!package.architecture.empty()) qualifiers.emplace_back("arch", package.architecture);
  std::string type;
  std::string namespace_;
  if (package.kind == PackageKind::deb || package.kind == PackageKind::rpm) {
    type = package.kind == PackageKind::deb ? "deb" : "rpm";
    if (package.kind == PackageKind::deb)
      namespace_ = distro_id.empty() ? "debian" : std::string(distro_id);
    else
      namespace_ = distro_id == "rhel" ? "redhat" : distro_id.empty() ? "rpm" : std::string(distro_id);
    if (std::size_t colon = version.find(':'); colon != std::string::npos) {
      epoch = version.substr(0, colon);
      version = version.substr(colon + 1);
    }
    if (!distro_version.empty())
      qualifiers.emplace_back("distro",
                              fmt::format("{}-{}", distro_id.empty() ? namespace_ : distro_id, distro_version));
    if (!epoch.empty()) qualifiers.emplace_back("epoch", epoch);
  } else {
    type = "apk";
    namespace_ = distro_id.empty() ? "alpine" : std::string(distro_id);
    if (!distro_version.empty()) qualifiers.emplace_back("distro", std::string(distro_version));
  }
  std::string out =
      fmt::format("pkg:{}/{}/{}@{}", type, purl_escape(namespace_), purl_escape(package.name), purl_escape(version));
  char separator = '?';
  for (const auto& [key, value] : qualifiers) {
    out += fmt::format("{}{}={}", separator, key, purl_escape(value));
    separator = '&';
  }
  return out;
}

}  // namespace ward::audit::scan
