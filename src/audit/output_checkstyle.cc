// Checkstyle XML, as CI tools that read checkstyle reports expect it: one
// <file> per file, one <error> per finding.
#include <map>

#include "audit/output.h"

namespace ward::audit {

namespace {

std::string escape_xml(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 allows no control characters but tab, newline, return.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
          out += ' ';
        else
          out += c;
    }
  }
  return out;
}

}  // namespace

std::string render_checkstyle(const Report& report) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n";
  std::vector<std::string> files;
  std::map<std::string, std::vector<const Finding*>> by_file;
  for (const Finding& f : report.findings) {
    if (!by_file.contains(f.location.file)) files.push_back(f.location.file);
    by_file[f.location.file].push_back(&f);
  }
  for (const std::string& file : files) {
    out += fmt::format("  <file name=\"{}\">\n", escape_xml(file));
    for (const Finding* f : by_file[file])
      out += fmt::format("    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"{}\"/>\n",
                         f->location.line, f->location.column, severity_name(f->severity), escape_xml(f->message),
                         escape_xml(f->rule));
    out += "  </file>\n";
  }
  out += "</checkstyle>\n";
  return out;
}

}  // namespace ward::audit
