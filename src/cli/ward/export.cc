// ward export [-o FILE] CONTAINER (also `ward container export`): the
// container's filesystem as a tar, to a file (written under a temp name
// and renamed, so a failed export leaves none) or to stdout when it is
// not a terminal.
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/ward/commands.h"
#include "util/fd.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"output", "o"}, true, "write to this file instead of standard output"},
};

Result<> export_to_file(ward::engine::Engine& engine, const ward::engine::ContainerRecord& container,
                        const std::string& path) {
  std::string temp = fmt::format("{}.ward-export-{}", path, ::getpid());
  UniqueFd file(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!file) return fail_errno(errno, fmt::format("create {}", temp));
  auto exported = engine.export_filesystem(container, file.get());
  if (exported && ::fsync(file.get()) != 0) exported = fail_errno(errno, fmt::format("write {}", path));
  file.reset();
  if (exported && ::rename(temp.c_str(), path.c_str()) != 0)
    exported = fail_errno(errno, fmt::format("rename to {}", path));
  if (!exported) ::unlink(temp.c_str());
  return exported;
}

}  // namespace

int cmd_export(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_container_verb("export", "[OPTIONS] CONTAINER",
                                     "Export a container's filesystem as a tar archive.", args, kFlags);
  if (!parsed) return kExitDockerUsage;
  if (parsed->positional.size() != 1)
    return kReporter.fail("export", "requires exactly 1 argument; usage: ward export [OPTIONS] CONTAINER",
                          kExitDockerUsage);
  std::string output = parsed->value("output");
  if (output.empty() && ::isatty(STDOUT_FILENO) == 1)
    return kReporter.fail("export", "cowardly refusing to save to a terminal. Use the -o flag or redirect",
                          kExitDockerUsage);
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("export", engine.error());
  auto exported = [&]() -> Result<> {
    auto container = WARD_TRY(engine->find(parsed->positional[0]));
    if (output.empty()) return engine->export_filesystem(container, STDOUT_FILENO);
    return export_to_file(*engine, container, output);
  }();
  if (!exported) return kReporter.fail("export", exported.error());
  return 0;
}

}  // namespace ward::cli::engine
