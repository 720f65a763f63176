// A small HTTP client over a unix socket (libcurl) for the Docker API.
#include "audit/bench/docker_api.h"

#include <algorithm>
#include <memory>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "image/curl_library.h"
#include "audit/bench/docker_inspect.h"
#include "util/json_reader.h"

namespace ward::audit::bench {

namespace {

struct CurlDeleter {
  void operator()(CURL* handle) const { image::curl::easy_cleanup(handle); }
};

std::size_t append(char* data, std::size_t size, std::size_t count, void* out) {
  auto* body = static_cast<std::string*>(out);
  // An API answer larger than this is not one this client asked for.
  constexpr std::size_t kMaxBody = 64 * 1024 * 1024;
  if (body->size() + size * count > kMaxBody) return 0;
  body->append(data, size * count);
  return size * count;
}

Result<std::string> get(const std::string& socket, std::string_view path) {
  WARD_TRY(image::curl::load());
  std::unique_ptr<CURL, CurlDeleter> handle(image::curl::easy_init());
  if (!handle) return fail("curl_easy_init failed");
  std::string url = fmt::format("http://localhost{}", path);
  std::string body;
  char message[CURL_ERROR_SIZE] = {};
  image::curl::easy_setopt(handle.get(), CURLOPT_UNIX_SOCKET_PATH, socket.c_str());
  image::curl::easy_setopt(handle.get(), CURLOPT_URL, url.c_str());
  image::curl::easy_setopt(handle.get(), CURLOPT_WRITEFUNCTION, append);
  image::curl::easy_setopt(handle.get(), CURLOPT_WRITEDATA, &body);
  image::curl::easy_setopt(handle.get(), CURLOPT_ERRORBUFFER, message);
  image::curl::easy_setopt(handle.get(), CURLOPT_TIMEOUT, 60L);
  image::curl::easy_setopt(handle.get(), CURLOPT_NOSIGNAL, 1L);
  CURLcode code = image::curl::easy_perform(handle.get());
  if (code != CURLE_OK)
    return fail(
        fmt::format("GET {} on {}: {}", path, socket, message[0] != 0 ? message : image::curl::easy_strerror(code)));
  long status = 0;
  image::curl::easy_getinfo(handle.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    // The API says why in {"message": "..."}.
    std::string why = body;
    if (auto document = json::parse(body);
        document && document->is_object() && document->contains("message") && (*document)["message"].is_string())
      why = (*document)["message"].get<std::string>();
    return fail(fmt::format("GET {} on {}: HTTP {}: {}", path, socket, status, why));
  }
  return body;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while ((at = text.find_first_not_of(" \t", at)) != std::string_view::npos) {
    std::size_t end = text.find_first_of(" \t", at);
    out.emplace_back(text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
    at = end == std::string_view::npos ? text.size() : end;
  }
  return out;
}

Result<std::vector<std::string>> top_commands(const json::Value& document) {
  if (!document.is_object() || !document.contains("Titles") || !document.contains("Processes") ||
      !document["Titles"].is_array() || !document["Processes"].is_array())
    return fail(ErrorKind::invalid_input, "top: expected Titles and Processes");
  std::vector<std::string> titles;
  for (const auto& title : document["Titles"])
    if (title.is_string()) titles.push_back(title.get<std::string>());
  bool one_line = titles.size() == 1;
  if (one_line) titles = words(titles.front());
  auto column =
      std::find_if(titles.begin(), titles.end(), [](const std::string& t) { return t == "CMD" || t == "COMMAND"; });
  if (column == titles.end()) return fail(ErrorKind::invalid_input, "top: no CMD or COMMAND column");
  std::size_t index = static_cast<std::size_t>(column - titles.begin());
  std::vector<std::string> out;
  for (const auto& row : document["Processes"]) {
    if (!row.is_array()) continue;
    if (one_line && row.size() == 1 && row[0].is_string()) {
      auto fields = words(row[0].get<std::string>());
      if (fields.size() <= index) continue;
      std::string command = fields[index];
      for (std::size_t i = index + 1; i < fields.size(); ++i) command += " " + fields[i];
      out.push_back(std::move(command));
    } else if (index < row.size() && row[index].is_string()) {
      out.push_back(row[index].get<std::string>());
    }
  }
  return out;
}

Result<std::vector<std::string>> processes_of(const std::string& socket, const std::string& id) {
  return parse_top(WARD_TRY(get(socket, fmt::format("/containers/{}/top", id))));
}

Result<RuntimeInput> read_engine(const std::string& socket) {
  RuntimeInput input;
  auto info = WARD_TRY(json::parse(WARD_TRY(get(socket, "/info"))));
  if (info.is_object() && info.contains("Swarm") && info["Swarm"].is_object() &&
      info["Swarm"].contains("LocalNodeState") && info["Swarm"]["LocalNodeState"].is_string()) {
    std::string state = info["Swarm"]["LocalNodeState"].get<std::string>();
    input.swarm_active = state != "inactive" && !state.empty();
  }
  auto list = WARD_TRY(json::parse(WARD_TRY(get(socket, "/containers/json"))));
  if (!list.is_array()) return fail(ErrorKind::invalid_input, "GET /containers/json: expected an array");
  for (const auto& entry : list) {
    if (!entry.is_object() || !entry.contains("Id") || !entry["Id"].is_string())
      return fail(ErrorKind::invalid_input, "GET /containers/json: a container without an Id");
    std::string id = entry["Id"].get<std::string>();
    std::string record = WARD_TRY(get(socket, fmt::format("/containers/{}/json", id)));
    auto described = parse_docker_inspect(record);
    if (!described) return std::unexpected(described.error().wrap(fmt::format("GET /containers/{}/json", id)));
    for (ContainerDescription& c : *described) {
      c.origin = "Docker API";
      // Processes only where top answers (a container that just stopped
      // does not): otherwise 5.7 says it could not look.
      if (auto processes = processes_of(socket, id)) c.processes = std::move(*processes);
      input.containers.push_back(std::move(c));
    }
  }
  return input;
}

}  // namespace

Result<std::vector<std::string>> parse_top(std::string_view text) {
  try {
    return top_commands(WARD_TRY(json::parse(text)));
  } catch (const json::Value::exception& error) {
    return fail(ErrorKind::invalid_input, fmt::format("top: unexpected JSON: {}", error.what()));
  }
}

Result<std::string> docker_host_socket(std::string_view host) {
  if (!host.starts_with("unix://"))
    return fail(
        ErrorKind::unsupported,
        fmt::format("\"{}\": not supported; only a unix:// API socket can be audited (not tcp:// or ssh://)", host));
  std::string path(host.substr(7));
  if (path.empty() || path.front() != '/')
    return fail(ErrorKind::invalid_input, fmt::format("\"{}\": expected unix:///ABSOLUTE/PATH", host));
  return path;
}

Result<RuntimeInput> read_docker_host(std::string_view host) {
  std::string socket = WARD_TRY(docker_host_socket(host));
  try {
    return read_engine(socket);
  } catch (const json::Value::exception& error) {
    return fail(ErrorKind::invalid_input, fmt::format("{}: unexpected JSON: {}", host, error.what()));
  }
}

}  // namespace ward::audit::bench
