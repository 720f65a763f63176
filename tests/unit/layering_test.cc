// The module layering of docs/ARCHITECTURE.md, checked over the source tree:
// every #include names a header of the same module or of a module its row
// allows, every folder under src/ is a module, the table is closed (a
// module may use everything its uses may use: include roots are not
// transitive) and acyclic, and third-party headers appear only in the
// modules that own them.  The checker's own tests come first, on made-up
// trees, so a checker that passes everything cannot go unnoticed.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include "source_dir.h"

namespace ward {
namespace {

namespace fs = std::filesystem;

using Table = std::map<std::string, std::set<std::string>>;  // module -> may use

Table parse_table(const std::string& markdown) {
  static const std::regex row(R"(^\| `([a-z/]+)` \|[^|]*\|([^|]*)\|\s*$)");
  static const std::regex name("`([a-z/]+)`");
  Table table;
  std::istringstream lines(markdown);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    std::set<std::string> uses;
    std::string column = m[2];
    for (auto it = std::sregex_iterator(column.begin(), column.end(), name); it != std::sregex_iterator(); ++it)
      uses.insert((*it)[1]);
    table[m[1]] = uses;
  }
  return table;
}

// The module a path under src/ belongs to: the longest module folder that
// contains it ("runtime/child/init.cc" -> "runtime/child").
std::string module_of(const Table& table, const std::string& path) {
  std::string best;
  for (const auto& [module, uses] : table)
    if (path.starts_with(module + "/") && module.size() > best.size()) best = module;
  return best;
}

// Third-party headers and the modules allowed to include them.
const std::vector<std::pair<std::string, std::set<std::string>>>& third_party() {
  static const std::vector<std::pair<std::string, std::set<std::string>>> rules = {
      {"seccomp.h", {"security"}},
      {"toml++/", {"security", "image"}},
      {"nlohmann/",
       {"util", "oci", "runtime", "image", "engine", "engine/db", "engine/monitor", "cli/core", "cli/oci",
        "cli/monitor", "cli/ward", "audit", "audit/lint", "audit/scan", "audit/bench", "audit/selftest"}},
      {"yaml-cpp/", {"audit/lint", "audit/scan"}},
      {"sqlite3.h", {"engine/db"}},
      {"curl/", {"image", "audit/bench"}},
      {"archive.h", {"image", "audit/scan"}},
      {"archive_entry.h", {"image", "audit/scan"}},
      {"re2/", {"audit", "audit/lint", "audit/scan"}},
      {"openssl/", {"image"}},
      {"rpm/", {"audit/scan"}},
  };
  return rules;
}

// Violations in one file's text; `file` is its path under src/.
std::vector<std::string> check_file(const Table& table, const std::string& file, const std::string& text) {
  static const std::regex include(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  std::vector<std::string> problems;
  std::string own = module_of(table, file);
  if (own.empty()) return {file + ": not in any module of docs/ARCHITECTURE.md"};
  std::istringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    std::smatch m;
    if (!std::regex_search(line, m, include)) continue;
    std::string header = m[2];
    std::string where = file + ":" + std::to_string(number) + ": ";
    if (m[1] == "<") {
      for (const auto& [prefix, owners] : third_party())
        if (header.starts_with(prefix) && !owners.contains(own))
          problems.push_back(where + "<" + header + "> is not allowed in module " + own);
      continue;
    }
    std::string used = module_of(table, header);
    if (used.empty()) {
      if (header.find('/') != std::string::npos || header.ends_with(".h"))
        problems.push_back(where + "\"" + header + "\" is in no module");
      continue;
    }
    if (used != own && !table.at(own).contains(used))
      problems.push_back(where + own + " may not include " + header + " (module " + used + ")");
  }
  return problems;
}

// A module's uses must contain its uses' uses, and no module may reach
// itself.
std::vector<std::string> check_table(const Table& table) {
  std::vector<std::string> problems;
  for (const auto& [module, uses] : table) {
    for (const auto& used : uses) {
      auto it = table.find(used);
      if (it == table.end()) {
        problems.push_back(module + " uses unknown module " + used);
        continue;
      }
      if (it->second.contains(module)) problems.push_back("cycle: " + module + " <-> " + used);
      for (const auto& indirect : it->second)
        if (indirect != module && !uses.contains(indirect))
          problems.push_back(module + " uses " + used + ", which uses " + indirect + ": list " + indirect + " too");
      if (used == module) problems.push_back(module + " lists itself");
    }
  }
  return problems;
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const fs::path kSource = WARD_SOURCE_DIR;

Table the_table() { return parse_table(read(kSource / "docs/ARCHITECTURE.md")); }

// --- the checker on made-up input -------------------------------------------

const char* kSmallTable = R"(
| module | purpose | may use |
|---|---|---|
| `util` | basics | |
| `oci` | model | `util` |
| `runtime` | verbs | `oci`, `util` |
| `runtime/child` | init | `util` |
)";

TEST(LayeringChecker, ReadsTheTable) {
  Table t = parse_table(kSmallTable);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_TRUE(t.at("util").empty());
  EXPECT_EQ(t.at("runtime"), (std::set<std::string>{"oci", "util"}));
}

TEST(LayeringChecker, NestedFolderBelongsToTheNestedModule) {
  Table t = parse_table(kSmallTable);
  EXPECT_EQ(module_of(t, "runtime/child/init.cc"), "runtime/child");
  EXPECT_EQ(module_of(t, "runtime/create.cc"), "runtime");
  EXPECT_EQ(module_of(t, "runtimex/a.cc"), "");
}

TEST(LayeringChecker, CatchesAnIncludeAgainstTheOrder) {
  Table t = parse_table(kSmallTable);
  EXPECT_TRUE(check_file(t, "runtime/create.cc", "#include \"oci/config.h\"\n#include <vector>\n").empty());
  auto upward = check_file(t, "oci/config.cc", "#include \"util/error.h\"\n#include \"runtime/state.h\"\n");
  ASSERT_EQ(upward.size(), 1u);
  EXPECT_NE(upward[0].find("oci/config.cc:2: oci may not include runtime/state.h"), std::string::npos) << upward[0];
  // The child may not reach back into the parent that contains its folder.
  EXPECT_EQ(check_file(t, "runtime/child/init.cc", "#include \"runtime/state.h\"\n").size(), 1u);
}

TEST(LayeringChecker, CatchesThirdPartyHeadersOutsideTheirModule) {
  Table t = parse_table(kSmallTable);
  EXPECT_EQ(check_file(t, "oci/parse.cc", "#include <seccomp.h>\n").size(), 1u);
  EXPECT_EQ(check_file(t, "runtime/db.cc", "#include <sqlite3.h>\n").size(), 1u);
}

TEST(LayeringChecker, CatchesCyclesAndUnclosedRows) {
  Table cycle = parse_table("| `a` | x | `b` |\n| `b` | y | `a` |\n");
  EXPECT_FALSE(check_table(cycle).empty());
  Table open = parse_table("| `a` | x | `b` |\n| `b` | y | `c` |\n| `c` | z | |\n");
  auto problems = check_table(open);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("list c too"), std::string::npos);
  EXPECT_TRUE(check_table(parse_table(kSmallTable)).empty());
}

// --- the real tree -----------------------------------------------------------

TEST(Layering, TheTableIsClosedAndAcyclic) {
  Table table = the_table();
  ASSERT_GE(table.size(), 8u) << "docs/ARCHITECTURE.md lost its module table";
  for (const auto& problem : check_table(table)) ADD_FAILURE() << "docs/ARCHITECTURE.md: " << problem;
}

TEST(Layering, EveryFolderUnderSrcIsAModule) {
  Table table = the_table();
  for (const auto& entry : fs::recursive_directory_iterator(kSource / "src")) {
    if (!entry.is_directory()) continue;
    bool has_code = false;
    for (const auto& file : fs::directory_iterator(entry.path()))
      if (file.path().extension() == ".cc" || file.path().extension() == ".h") has_code = true;
    std::string folder = fs::relative(entry.path(), kSource / "src").string();
    if (has_code) {
      EXPECT_TRUE(table.contains(folder)) << "src/" << folder << " is not a row of docs/ARCHITECTURE.md";
    }
  }
}

TEST(Layering, EveryIncludeFollowsTheTable) {
  Table table = the_table();
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kSource / "src")) {
    auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".cc" && ext != ".h" && ext != ".in")) continue;
    ++files;
    std::string file = fs::relative(entry.path(), kSource / "src").string();
    for (const auto& problem : check_file(table, file, read(entry.path()))) ADD_FAILURE() << "src/" << problem;
  }
  EXPECT_GT(files, 50);
}

}  // namespace
}  // namespace ward
