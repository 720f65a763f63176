// ward commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]] (also `ward container
// commit`): a new image from a container's changes, as `docker commit`
// makes it; prints its ID.
#include <cstdio>

#include <fmt/format.h>

#include "cli/ward/commands.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"author", "a"}, true, "author (e.g. \"John Hannibal Smith <hannibal@a-team.com>\")"},
    {{"change", "c"}, true, "apply a Dockerfile instruction to the image (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ...)"},
    {{"message", "m"}, true, "commit message"},
    {{"pause", "p"}, false, "pause the container during commit (default true; --pause=false not to)"},
};

}  // namespace

int cmd_commit(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_container_verb("commit", "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
                                     "Create a new image from a container's changes.", args, kFlags);
  if (!parsed) return kExitDockerUsage;
  if (parsed->positional.size() > 2)
    return kReporter.fail("commit", "requires 1 or 2 arguments: CONTAINER [REPOSITORY[:TAG]]", kExitDockerUsage);
  ward::engine::CommitRequest request;
  request.author = parsed->value("author");
  request.comment = parsed->value("message");
  request.changes = parsed->all("change");
  if (request.changes.empty() && parsed->has("change")) request.changes.push_back(parsed->value("change"));
  request.pause = parsed->value("pause", "true") == "true";
  if (parsed->positional.size() == 2) request.reference = parsed->positional[1];
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("commit", engine.error());
  auto committed = [&]() -> Result<image::Digest> {
    return engine->commit(WARD_TRY(engine->find(parsed->positional[0])), request);
  }();
  if (!committed) return kReporter.fail("commit", committed.error());
  std::printf("%s\n", committed->string().c_str());
  return 0;
}

}  // namespace ward::cli::engine
