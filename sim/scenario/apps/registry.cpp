// The kinds of application a scenario can run, each defined in its file of this folder.
//
// The order of the list is the order in which a run installs the applications (all of one
// kind, then the next): it fixes the order of their first events, and so is part of what
// a seed reproduces. It is also the order of the roles in messages and of the keys in the
// allowed list of an [[app]]. A new kind goes at the end.
#include <cassert>

#include "sim/scenario/app_kind.hpp"

namespace tcpsim::sim {

AppKind peer_app();              // "client", "server"
AppKind http_server_app();       // "http-server"
AppKind http_client_app();       // "http-client"
AppKind websocket_server_app();  // "websocket-server"
AppKind websocket_client_app();  // "websocket-client"
AppKind polling_client_app();    // "polling-client"

std::span<const AppKind> app_kinds() {
  static const AppKind kinds[] = {
      peer_app(),
      http_server_app(),
      http_client_app(),
      websocket_server_app(),
      websocket_client_app(),
      polling_client_app(),
  };
  return kinds;
}

std::size_t app_kind_count() {
  return app_kinds().size();
}

std::size_t app_kind_index(const std::type_info& config_type) {
  std::span<const AppKind> kinds = app_kinds();
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (*kinds[i].config_type == config_type) return i;
  }
  assert(false && "a config type with no kind in the registry");
  return kinds.size();
}

std::unique_ptr<App> make_app(const AppBuild& b) {
  return app_kinds()[b.spec.config.index()].make(b);
}

}  // namespace tcpsim::sim
