// The keys every WebSocket and polling application reads: the upgrade path and the
// subprotocols.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/toml_reader.hpp"

namespace tcpsim::sim {

struct WsCommon {
  std::string path;
  std::vector<std::string> subprotocols;
};

inline WsCommon read_ws_common(const Reader& r, const toml::table& t) {
  WsCommon c;
  c.path = r.str(t, "path", "/");
  if (c.path.empty() || c.path[0] != '/')
    r.fail(Errc::BadValue, *t.get("path"), "path", "a path starts with '/'");
  c.subprotocols = r.string_list(t, "subprotocols");
  return c;
}

}  // namespace tcpsim::sim
