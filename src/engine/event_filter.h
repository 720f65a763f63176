// `ward events --filter`: Docker's event filters.  Values of one key are
// alternatives; different keys must all match.
//   container=ID|NAME   a container's id or name, or a prefix of either
//   event=ACTION        an action; health_status, exec_create and
//                       exec_start also match their "ACTION: ..." forms
//   image=NAME|ID       a container's image or an image event's image
//   label=KEY[=VALUE]   an attribute (a container's labels are attributes)
//   type=TYPE           container, image, volume, network, daemon, ...
//   volume=NAME, network=NAME   that volume's / network's events
//   scope=local         every event ward records (ward has no swarm)
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/db/event_log.h"
#include "util/error.h"

namespace ward::engine {

class EventFilter {
 public:
  // Each text is KEY=VALUE; an unknown key or a missing "=" is
  // invalid_input naming it.
  [[nodiscard]] static Result<EventFilter> parse(const std::vector<std::string>& texts);
  [[nodiscard]] bool matches(const db::Event& event) const;

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
};

}  // namespace ward::engine
