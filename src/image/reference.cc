// The reference grammar of github.com/distribution/reference, written out
// as small checks instead of its regular expressions so that each failure
// can say which part is wrong:
//   reference        := name [ ":" tag ] [ "@" digest ]
//   name             := [domain "/"] path
//   domain           := host [":" port]
//   host             := domain-name | "[" IPv6 "]"
//   domain-name      := domain-component ("." domain-component)*
//   domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
//   port             := [0-9]+
//   path             := path-component ("/" path-component)*
//   path-component   := [a-z0-9]+ (separator [a-z0-9]+)*
//   separator        := [_.] | "__" | "-"+
//   tag              := [\w][\w.-]{0,127}
#include "image/reference.h"

#include <algorithm>

#include <fmt/format.h>

namespace ward::image {

namespace {

// distribution's NameTotalLengthMax: the full name, domain included.
constexpr std::size_t kNameMaxLength = 255;
constexpr std::size_t kTagMaxLength = 128;

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_alnum(char c) {
  return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}
bool is_word(char c) {
  return is_alnum(c) || c == '_';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool has_upper(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::unexpected<Error> invalid(std::string_view text, std::string_view problem) {
  return fail(ErrorKind::invalid_input, fmt::format("invalid reference \"{}\": {}", text, problem));
}

// Docker's test for a domain: the first component, when more follow, is a
// host if it has a '.' or ':', is "localhost", or has an upper-case letter
// (which a path component cannot have).
bool looks_like_domain(std::string_view first) {
  return first.find_first_of(".:") != std::string_view::npos || first == "localhost" || has_upper(first);
}

bool valid_domain_component(std::string_view component) {
  if (component.empty() || !is_alnum(component.front()) || !is_alnum(component.back())) return false;
  return std::all_of(component.begin(), component.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

bool valid_host(std::string_view host) {
  if (host.starts_with('[')) {
    // An IPv6 address in brackets; distribution checks only the characters.
    if (host.size() < 3 || !host.ends_with(']')) return false;
    std::string_view inside = host.substr(1, host.size() - 2);
    return std::all_of(inside.begin(), inside.end(), [](char c) {
      return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':';
    });
  }
  while (true) {
    std::size_t dot = host.find('.');
    if (!valid_domain_component(host.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    host.remove_prefix(dot + 1);
  }
}

bool valid_domain(std::string_view domain) {
  // The port is after the last ':' that is outside an IPv6 bracket.
  std::size_t bracket = domain.rfind(']');
  std::size_t colon = domain.rfind(':');
  if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket))
    return valid_host(domain);
  std::string_view port = domain.substr(colon + 1);
  return valid_host(domain.substr(0, colon)) && !port.empty() && std::all_of(port.begin(), port.end(), is_digit);
}

bool valid_path_component(std::string_view component) {
  if (component.empty() || !is_lower_alnum(component.front()) || !is_lower_alnum(component.back())) return false;
  for (std::size_t i = 0; i < component.size();) {
    if (is_lower_alnum(component[i])) {
      ++i;
      continue;
    }
    // A separator: ".", "_", "__" or a run of '-', then alphanumerics again.
    std::size_t start = i;
    if (component[i] == '-') {
      while (component[i] == '-') ++i;
    } else if (component[i] == '_' && component[i + 1] == '_') {
      i += 2;
    } else if (component[i] == '.' || component[i] == '_') {
      ++i;
    } else {
      return false;
    }
    if (!is_lower_alnum(component[i]) || i == start) return false;
  }
  return true;
}

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > kTagMaxLength || !is_word(tag.front())) return false;
  return std::all_of(tag.begin(), tag.end(), [](char c) { return is_word(c) || c == '.' || c == '-'; });
}

bool is_hex_identifier(std::string_view text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); });
}

}  // namespace

std::string Reference::name() const {
  return fmt::format("{}/{}", domain, path);
}

std::string Reference::string() const {
  std::string text = name();
  if (!tag.empty()) text += fmt::format(":{}", tag);
  if (digest) text += fmt::format("@{}", digest->string());
  return text;
}

std::string Reference::familiar() const {
  std::string text = name();
  // docker.io is dropped unless the path's first component would then be
  // read as a host (docker.io/foo.com/x): Docker prints "foo.com/x" there,
  // which names another image.
  std::string_view first = std::string_view(path).substr(0, path.find('/'));
  bool ambiguous = path.find('/') != std::string::npos && looks_like_domain(first);
  if (domain == kDefaultDomain && !ambiguous) {
    text = path;
    std::string_view rest = std::string_view(path).substr(std::min(path.size(), std::string_view("library/").size()));
    if (path.starts_with("library/") && rest.find('/') == std::string_view::npos) text = rest;
  }
  if (!tag.empty()) text += fmt::format(":{}", tag);
  if (digest) text += fmt::format("@{}", digest->string());
  return text;
}

bool is_short_name(std::string_view text) {
  std::size_t slash = text.find('/');
  return slash == std::string_view::npos || !looks_like_domain(text.substr(0, slash));
}

Result<Reference> parse_reference(std::string_view text) {
  if (text.empty()) return invalid(text, "empty");
  // Docker refuses a bare image id where a name is expected: it would be
  // taken for docker.io/library/<id>.
  if (is_hex_identifier(text)) return invalid(text, "a 64-digit hex image id is not a repository name");

  Reference reference;
  std::string_view name = text;
  if (std::size_t at = name.find('@'); at != std::string_view::npos) {
    auto digest = Digest::parse(name.substr(at + 1));
    if (!digest) return invalid(text, digest.error().message);
    reference.digest = *digest;
    name = name.substr(0, at);
  }
  // A ':' after the last '/' starts the tag; one before it is a port.
  if (std::size_t colon = name.rfind(':');
      colon != std::string_view::npos && name.find('/', colon) == std::string_view::npos) {
    std::string_view tag = name.substr(colon + 1);
    if (!valid_tag(tag))
      return invalid(text, fmt::format("tag \"{}\" must be 1 to 128 of [A-Za-z0-9_.-], not starting with . or -", tag));
    reference.tag = tag;
    name = name.substr(0, colon);
  }
  if (name.empty()) return invalid(text, "no repository name");

  std::string_view path = name;
  reference.short_name = is_short_name(name);
  if (!reference.short_name) {
    std::size_t slash = name.find('/');
    std::string_view domain = name.substr(0, slash);
    if (!valid_domain(domain)) return invalid(text, fmt::format("\"{}\" is not a valid registry host[:port]", domain));
    reference.domain = domain;
    path = name.substr(slash + 1);
  }
  if (has_upper(path)) return invalid(text, "repository name must be lower-case");
  for (std::string_view rest = path;;) {
    std::size_t slash = rest.find('/');
    std::string_view component = rest.substr(0, slash);
    if (!valid_path_component(component))
      return invalid(text, component.empty() ? std::string("empty path component")
                                             : fmt::format("path component \"{}\" must be lower-case letters and "
                                                           "digits, separated by '.', '_', '__' or '-'",
                                                           component));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }

  if (reference.domain.empty() || reference.domain == "index.docker.io") reference.domain = kDefaultDomain;
  reference.path = path;
  if (reference.domain == kDefaultDomain && path.find('/') == std::string_view::npos)
    reference.path = fmt::format("library/{}", path);
  // On the normalised name, as distribution checks it, so that a reference
  // that parses also parses in its full form.
  if (reference.name().size() > kNameMaxLength)
    return invalid(text, fmt::format("repository name is longer than {} characters", kNameMaxLength));
  if (reference.tag.empty() && !reference.digest) reference.tag = kDefaultTag;
  return reference;
}

std::string familiar_name(std::string_view text) {
  auto parsed = parse_reference(text);
  return parsed ? parsed->familiar() : std::string(text);
}

}  // namespace ward::image
