// A scenario: hosts, routers, links, applications, scripted faults and checks — what a
// .toml file under docs/scenarios/ describes (format: docs/scenarios.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sim/app/http_app.hpp"
#include "sim/app/peer.hpp"
#include "sim/app/websocket_app.hpp"
#include "sim/net/fault.hpp"
#include "sim/net/link_params.hpp"
#include "stack/tcp/config.hpp"

namespace tcpsim::sim {

struct HostSpec {
  std::string name;
  std::vector<wire::IpAddress> addresses;
  tcp::TcpConfig tcp;
};

struct LinkSpec {
  std::string a, b;
  LinkParams params;  // both directions
  FaultParams faults;
};

// The applications a scenario can run: one alternative per kind, each the config of an
// application of sim/app/ (built by sim/scenario/apps/). The order is the order in which a
// run installs them (all of one kind, then the next), which fixes the order of their
// first events and so is part of what a seed reproduces.
using AppConfig = std::variant<PeerConfig, HttpServerConfig, HttpClientConfig,
                               WebSocketServerConfig, WebSocketClientConfig, PollingClientConfig>;

struct AppSpec {
  std::string name;
  std::string host;
  std::string connect_host;  // client: host name to connect to (resolved at build time)
  std::optional<wire::IpAddress> connect_addr;  // or an address given directly
  std::uint16_t connect_port = 0;               // client: the port; 0 for a server
  // The client's remote endpoint, host header and seed are filled in at build time.
  AppConfig config;

  bool client() const { return connect_port != 0; }
};

struct CheckSpec {
  enum class Kind : std::uint8_t {
    Integrity,
    State,
    Rst,
    Error,
    Retransmissions,
    Delivered,
    Http,
    WebSocket,
    Feed
  };
  Kind kind = Kind::Integrity;
  std::string host;  // State, Rst
  std::string app;   // Error, Retransmissions, Delivered
  tcp::State state = tcp::State::Closed;
  bool final_state = false;  // State: the last state entered rather than any
  tcp::Errno error = tcp::Errno::Ok;
  std::uint64_t min = 0;         // Retransmissions, Delivered: at least this many
  int status = 0;                // Http, WebSocket: the HTTP status every answer must have
  std::uint16_t code = 1000;     // WebSocket: the close code the client must see
  std::string where;             // "file:line" for messages
  std::string describe() const;  // "client enters TIME-WAIT"
};

struct Scenario {
  std::string name;
  std::string summary;
  std::string source;  // file name or "built-in NAME"
  std::uint64_t seed = 1;
  Nanos duration = 300 * kSecond;
  std::vector<HostSpec> hosts;
  std::vector<std::string> routers;
  std::vector<LinkSpec> links;
  std::vector<AppSpec> apps;
  std::vector<std::string> faults;  // text commands (sim/net/scripted_fault.hpp)
  std::vector<std::string> fault_where;
  std::vector<CheckSpec> checks;
};

}  // namespace tcpsim::sim
