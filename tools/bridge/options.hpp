// The options of `tcpsim bridge` (docs/cli.md, docs/bridge.md): declared on a CLI11
// subcommand, then checked together into a BridgeConfig. Every refusal is one line naming
// the option and what is allowed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/scenario/loader.hpp"
#include "stack/base/result.hpp"
#include "stack/base/time.hpp"
#include "stack/tcp/tcp_stack.hpp"
#include "tools/bridge/address_plan.hpp"

namespace CLI {
class App;
}

namespace tcpsim::bridge {

inline constexpr const char* kDefaultTun = "tcpsim0";

// As typed.
struct BridgeArgs {
  std::string tun = kDefaultTun;
  std::vector<std::string> kernel_addrs, host_addrs;
  std::string serve;
  std::string connect;
  std::optional<int> port;
  std::vector<std::string> requests;
  std::string send_bytes;
  std::string close;
  std::string pcap, trace;
  bool explain = false;
  bool quiet = false;
  std::vector<std::string> sets;
  std::optional<std::uint64_t> seed;
  std::string duration;
  std::string ready_file;
};

enum class Serve : std::uint8_t { None, Http, Echo, WebSocket };

// Checked.
struct BridgeConfig {
  std::string tun;
  AddressPlan plan;
  Serve serve = Serve::None;
  std::uint16_t port = 0;                // --serve: the listening port
  std::optional<tcp::Endpoint> connect;  // --connect
  std::vector<std::string> requests;     // --connect with --request: HTTP GETs
  std::uint64_t send_bytes = 0;          // --connect without --request
  bool close_after_peer = false;         // --close after-peer
  std::string pcap, trace;
  bool explain = false;
  bool quiet = false;
  std::vector<sim::Override> sets;
  std::uint64_t seed = 1;
  std::optional<Nanos> duration;
  std::string ready_file;

  bool is_client() const { return connect.has_value(); }
};

// Declares the options on `cmd`, writing into `args`.
void add_bridge_options(CLI::App& cmd, BridgeArgs& args);

// Checks the options together.
Result<BridgeConfig, sim::Error> check_bridge_args(const BridgeArgs& args);

// A TUN device name the kernel accepts: 1..15 characters of [A-Za-z0-9_.-], not "." or "..".
bool valid_device_name(std::string_view name);

// "198.18.0.1:8080" or "[fd00:7c5::1]:8080".
Result<tcp::Endpoint, sim::Error> parse_endpoint(std::string_view text);

// Serve kind names: "http", "echo", "websocket".
std::string_view to_string(Serve s);

}  // namespace tcpsim::bridge
