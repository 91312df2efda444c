// Gives the TUN device its addresses and brings it up, by running iproute2's `ip` — the
// same commands a person would type (docs/bridge.md shows them). Only the device's own
// addresses are added; the kernel derives the one connected route per prefix from them.
// No other route, no forwarding, no neighbour entry is touched.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/net/status.hpp"
#include "tools/bridge/address_plan.hpp"

namespace tcpsim::bridge {

// The `ip` argument lists that configure `device` for `plan`, in order. The device's MTU
// is the simulated link's, so the kernel never sends a packet the link would drop as too big.
std::vector<std::vector<std::string>> ip_commands(const std::string& device,
                                                  const AddressPlan& plan, std::uint32_t mtu);

// Runs `ip ARGS...`; on failure the message has the command and what `ip` printed.
sim::Status run_ip(const std::vector<std::string>& args);

// Runs every ip_commands() line; stops at the first failure.
sim::Status configure_device(const std::string& device, const AddressPlan& plan, std::uint32_t mtu);

}  // namespace tcpsim::bridge
