#include "tools/bridge/bridge_scenario.hpp"

#include <fmt/core.h>

#include "sim/scenario/loader.hpp"

namespace tcpsim::bridge {
namespace {

// A TOML basic string. Values reaching here are addresses, paths already checked for
// quotes and backslashes, and fixed words, but escape anyway.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string address_list(const std::vector<wire::IpAddress>& addrs) {
  std::string out = "[";
  for (std::size_t i = 0; i < addrs.size(); ++i) {
    if (i > 0) out += ", ";
    out += quoted(addrs[i].to_string());
  }
  return out + "]";
}

}  // namespace

std::string scenario_text(const BridgeConfig& c) {
  std::vector<wire::IpAddress> kernel;
  for (const AddressPair& p : c.plan.pairs) kernel.push_back(p.kernel.address);
  std::string summary =
      c.is_client()
          ? fmt::format("tcpsim connects to {} over {}", c.connect->to_string(), c.tun)
          : fmt::format("tcpsim serves {} on port {} over {}", to_string(c.serve), c.port, c.tun);
  std::string s = fmt::format(
      "# Written by `tcpsim bridge`: the simulated host and, in place of the host \"kernel\",\n"
      "# the Linux kernel behind the TUN device.\n"
      "name = \"bridge\"\n"
      "summary = {}\n"
      "seed = {}\n\n"
      "[[host]]\nname = \"{}\"\naddress = {}\n\n"
      "[[host]]\nname = \"{}\"\naddress = {}\n\n"
      "[[link]]\nbetween = [\"{}\", \"{}\"]\nrate = \"1Gbps\"\nmtu = 1500\n\n",
      quoted(summary), c.seed, kHostName, address_list(c.plan.host_addresses()), kKernelName,
      address_list(kernel), kHostName, kKernelName);
  s += fmt::format("[[app]]\nhost = \"{}\"\n", kHostName);
  if (!c.is_client()) {
    s += "name = \"server\"\n";
    switch (c.serve) {
      case Serve::Http:
        s += "role = \"http-server\"\n";
        break;
      case Serve::Echo:
        s += "role = \"server\"\necho = true\n";
        break;
      case Serve::WebSocket:
        s += "role = \"websocket-server\"\n";
        break;
      case Serve::None:
        break;
    }
    s += fmt::format("port = {}\n", c.port);
    return s;
  }
  s += "name = \"client\"\n";
  s += fmt::format("connect = {}\n", quoted(c.connect->to_string()));
  if (!c.requests.empty()) {
    s += "role = \"http-client\"\npaths = [";
    for (std::size_t i = 0; i < c.requests.size(); ++i) {
      s += (i ? ", " : "") + quoted(c.requests[i]);
    }
    s += "]\n";
    return s;
  }
  s += fmt::format("role = \"client\"\nsend = {}\nclose = \"after-peer-close\"\n", c.send_bytes);
  if (!c.close_after_peer) s += "half_close = true\n";
  return s;
}

Result<sim::Scenario, sim::Error> bridge_scenario(const BridgeConfig& c) {
  std::vector<sim::Override> overrides = c.sets;
  return sim::load_scenario(scenario_text(c), "bridge scenario", overrides);
}

}  // namespace tcpsim::bridge
