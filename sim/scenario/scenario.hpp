// A scenario: hosts, routers, links, applications, scripted faults and checks — what a
// .toml file under docs/scenarios/ describes (format: docs/scenarios.md).
#pragma once

#include <any>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include "sim/net/fault.hpp"
#include "sim/net/link_params.hpp"
#include "stack/tcp/config.hpp"
#include "stack/tcp/errors.hpp"
#include "stack/tcp/state.hpp"
#include "stack/wire/address.hpp"

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

// The place of the kind whose config type is `config_type` in the registry of
// sim/scenario/apps/registry.cpp.
std::size_t app_kind_index(const std::type_info& config_type);

// The config of one [[app]]: a value of the config type of one kind of application (an
// application of sim/app/, built by its file of sim/scenario/apps/), and which kind that
// is. The kinds are those of the registry, so a new one needs no change here.
class AppConfig {
 public:
  AppConfig() = default;
  template <class Config>
  requires(!std::is_same_v<std::decay_t<Config>, AppConfig>)
      AppConfig(Config config)  // NOLINT: implicit, like the alternatives of a variant
      : kind_(app_kind_index(typeid(Config))), value_(std::move(config)) {}

  // The kind's place in the registry, which is also the order in which a run installs the
  // applications (all of one kind, then the next).
  std::size_t index() const { return kind_; }
  template <class Config>
  bool holds() const {
    return std::any_cast<Config>(&value_) != nullptr;
  }
  // Throws std::bad_any_cast when the config is of another kind.
  template <class Config>
  const Config& get() const {
    return std::any_cast<const Config&>(value_);
  }
  template <class Config>
  Config& get() {
    return std::any_cast<Config&>(value_);
  }

 private:
  std::size_t kind_ = 0;
  std::any value_;
};

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
