#include "engine/event_filter.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace ward::engine {

namespace {

constexpr std::array<std::string_view, 8> kKeys = {"container", "event", "image", "label",
                                                   "network",   "scope", "type",  "volume"};

// An action with a detail after ":" ("exec_start: sh -c ls") is matched by
// its name when the filter names one of these, as Docker does.
constexpr std::array<std::string_view, 3> kPrefixActions = {"health_status", "exec_create", "exec_start"};

std::string attribute(const db::Event& event, std::string_view key) {
  auto it = event.attributes.find(std::string(key));
  return it == event.attributes.end() ? "" : it->second;
}

bool any_of(const std::vector<std::string>& values, auto&& predicate) {
  return std::any_of(values.begin(), values.end(), predicate);
}

// "busybox" is "busybox:latest", as a reference without a tag means.
std::string with_tag(const std::string& name) {
  if (name.empty() || name.starts_with("sha256:")) return name;
  auto slash = name.rfind('/');
  auto colon = name.rfind(':');
  bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  return tagged || name.find('@') != std::string::npos ? name : name + ":latest";
}

bool image_matches(const db::Event& event, const std::string& value) {
  std::string wanted = with_tag(value);
  auto same = [&](const std::string& name) { return !name.empty() && (name == value || with_tag(name) == wanted); };
  if (same(attribute(event, "image"))) return true;
  return event.type == "image" && (same(event.actor_id) || same(attribute(event, "name")));
}

bool action_matches(const std::vector<std::string>& values, const std::string& action) {
  bool by_prefix = any_of(values, [](const std::string& value) {
    return std::find(kPrefixActions.begin(), kPrefixActions.end(), value) != kPrefixActions.end();
  });
  return any_of(values, [&](const std::string& value) {
    if (action == value) return true;
    return by_prefix && action.starts_with(value);
  });
}

bool label_matches(const db::Event& event, const std::string& value) {
  auto eq = value.find('=');
  std::string key = value.substr(0, eq);
  auto it = event.attributes.find(key);
  if (it == event.attributes.end()) return false;
  return eq == std::string::npos || it->second == value.substr(eq + 1);
}

bool key_matches(std::string_view key, const std::vector<std::string>& values, const db::Event& event) {
  if (key == "container")
    return event.type == "container" && any_of(values, [&](const std::string& value) {
             return event.actor_id.starts_with(value) || attribute(event, "name").starts_with(value);
           });
  if (key == "event") return action_matches(values, event.action);
  if (key == "image") return any_of(values, [&](const std::string& value) { return image_matches(event, value); });
  if (key == "label") return any_of(values, [&](const std::string& value) { return label_matches(event, value); });
  if (key == "type") return any_of(values, [&](const std::string& value) { return event.type == value; });
  if (key == "scope") return any_of(values, [](const std::string& value) { return value == "local"; });
  // volume, network: that object's own events.
  return event.type == key && any_of(values, [&](const std::string& value) {
           return event.actor_id == value || attribute(event, "name") == value;
         });
}

}  // namespace

Result<EventFilter> EventFilter::parse(const std::vector<std::string>& texts) {
  EventFilter filter;
  for (const auto& text : texts) {
    auto eq = text.find('=');
    if (eq == std::string::npos)
      return fail(ErrorKind::invalid_input, fmt::format("--filter \"{}\": expected KEY=VALUE", text));
    std::string key = text.substr(0, eq);
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end())
      return fail(ErrorKind::invalid_input, fmt::format("--filter: invalid filter '{}'", key));
    filter.values_[key].push_back(text.substr(eq + 1));
  }
  return filter;
}

bool EventFilter::matches(const db::Event& event) const {
  return std::all_of(values_.begin(), values_.end(),
                     [&](const auto& entry) { return key_matches(entry.first, entry.second, event); });
}

}  // namespace ward::engine
