// Rules about single instructions: WORKDIR, EXPOSE, ADD/COPY, CMD and
// ENTRYPOINT forms, FROM flags, ONBUILD, ENV, MAINTAINER, the order.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "audit/lint/rules.h"

namespace ward::audit::lint {

namespace {

bool is_url(std::string_view s) {
  return s.starts_with("http://") || s.starts_with("https://") || s.starts_with("git@");
}

bool is_archive(std::string_view s) {
  for (std::string_view ext : {".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst",
                               ".tar.lz", ".tar.lzma", ".tlz", ".tar.Z", ".taz", ".gz", ".bz2", ".xz", ".lzma", ".zst"})
    if (s.ends_with(ext)) return true;
  return false;
}

// The sources and destination of COPY/ADD (shell or JSON form, heredocs
// aside).
std::vector<std::string> copy_paths(const Instruction& ins) {
  return ins.words;
}

void check_workdir(RuleContext& c, const Instruction& ins) {
  if (ins.words.empty()) return;
  const std::string& path = ins.words[0];
  bool windows = path.size() > 1 && std::isalpha(static_cast<unsigned char>(path[0])) != 0 && path[1] == ':';
  if (!path.starts_with('/') && !path.starts_with('$') && !windows && !path.starts_with('"'))
    c.report("DL3000", ins.line, fmt::format("Use absolute WORKDIR ({} is relative)", path));
}

void check_expose(RuleContext& c, const Instruction& ins) {
  for (const std::string& word : ins.words) {
    std::string_view port = word;
    port = port.substr(0, port.find('/'));
    if (port.find('$') != std::string_view::npos) continue;
    for (std::string_view part :
         {port.substr(0, port.find('-')),
          port.find('-') == std::string_view::npos ? std::string_view{} : port.substr(port.find('-') + 1)}) {
      if (part.empty()) continue;
      unsigned long value = 0;
      auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
      if (ec != std::errc{} || end != part.data() + part.size() || value > 65535) {
        c.report("DL3011", ins.line, fmt::format("Valid UNIX ports range from 0 to 65535 (got {})", word));
        break;
      }
    }
  }
}

void check_add(RuleContext& c, const Instruction& ins) {
  if (!ins.heredocs.empty()) return;
  auto paths = copy_paths(ins);
  if (paths.size() < 2) return;
  for (size_t i = 0; i + 1 < paths.size(); ++i) {
    const std::string& source = paths[i];
    if (is_url(source) || is_archive(source) || source.find('$') != std::string::npos) continue;
    c.report("DL3020", ins.line, fmt::format("Use COPY instead of ADD for files and folders ({})", source));
    return;
  }
}

void check_copy(RuleContext& c, const Instruction& ins) {
  auto paths = copy_paths(ins);
  if (ins.heredocs.empty() && paths.size() > 2 && !paths.back().ends_with('/') && !paths.back().starts_with('$'))
    c.report("DL3021", ins.line);
  if (ins.flag("from") == nullptr && ins.heredocs.empty())
    for (size_t i = 0; i + 1 < paths.size(); ++i)
      if (is_archive(paths[i]) && paths[i].find(".tar") != std::string::npos) {
        c.report("DL3010", ins.line, fmt::format("Use ADD for extracting archives into an image ({})", paths[i]));
        break;
      }
}

// ENV A=1 B=$A: B gets the value A had before this line.
void check_env(RuleContext& c, const Instruction& ins) {
  for (size_t i = 1; i < ins.pairs.size(); ++i) {
    const std::string& raw = ins.pairs[i].raw;
    for (size_t j = 0; j < i; ++j) {
      const std::string& name = ins.pairs[j].key;
      for (const std::string& ref : {"$" + name, "${" + name + "}", "${" + name + ":"}) {
        size_t at = raw.find(ref);
        if (at == std::string::npos) continue;
        size_t after = at + ref.size();
        bool whole = ref.back() != name.back() || after >= raw.size() ||
                     !(std::isalnum(static_cast<unsigned char>(raw[after])) != 0 || raw[after] == '_');
        if (whole) {
          c.report("DL3044", ins.line,
                   fmt::format(
                       "Do not refer to an environment variable within the same ENV statement where it is defined ({})",
                       name));
          return;
        }
      }
    }
  }
}

}  // namespace

void check_instructions(RuleContext& c) {
  bool seen_from = false;
  for (const Instruction& ins : c.dockerfile.instructions) {
    const std::string& k = ins.keyword;
    if (k == "FROM")
      seen_from = true;
    else if (!seen_from && k != "ARG")
      c.report("DL3061", ins.line,
               fmt::format("Invalid instruction order. Dockerfile must begin with FROM, ARG or comment (found {})", k));
    if (k == "WORKDIR")
      check_workdir(c, ins);
    else if (k == "EXPOSE")
      check_expose(c, ins);
    else if (k == "ADD")
      check_add(c, ins);
    else if (k == "COPY")
      check_copy(c, ins);
    else if (k == "ENV")
      check_env(c, ins);
    else if (k == "MAINTAINER")
      c.report("DL4000", ins.line);
    else if ((k == "CMD" || k == "ENTRYPOINT") && !ins.json_form)
      c.report("DL3025", ins.line);
    else if (k == "FROM") {
      const Flag* platform = ins.flag("platform");
      if (platform != nullptr && platform->value.find('$') == std::string::npos) c.report("DL3029", ins.line);
    } else if (k == "ONBUILD" && !ins.trigger.empty()) {
      const std::string& inner = ins.trigger[0].keyword;
      if (inner == "ONBUILD" || inner == "FROM" || inner == "MAINTAINER") c.report("DL3043", ins.line);
      const Instruction& t = ins.trigger[0];
      if (t.keyword == "WORKDIR")
        check_workdir(c, t);
      else if (t.keyword == "ADD")
        check_add(c, t);
      else if (t.keyword == "COPY")
        check_copy(c, t);
      else if ((t.keyword == "CMD" || t.keyword == "ENTRYPOINT") && !t.json_form)
        c.report("DL3025", ins.line);
    }
  }
}

}  // namespace ward::audit::lint
