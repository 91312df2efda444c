// The addresses the bridge gives the two sides of its TUN device: for each IP family, the
// kernel's address with the prefix of the device's network, and the simulated host's
// address inside that network.
//
// Only addresses that can never leave a test bed are accepted: IPv4 from 198.18.0.0/15
// (RFC 2544 benchmarking, RFC 6890) and IPv6 from fc00::/7 (unique local, RFC 4193), with
// the whole prefix inside those ranges, so the route the kernel adds for the device can
// cover nothing routable.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/error.hpp"
#include "stack/base/result.hpp"
#include "stack/wire/address.hpp"

namespace tcpsim::bridge {

struct Prefix {
  wire::IpAddress address;  // the interface's own address, not the network's
  int length = 0;

  bool contains(const wire::IpAddress& a) const;
  std::string to_string() const;  // "198.18.0.1/24"
};

// 198.18.0.0/15 and fc00::/7.
bool in_bridge_range(const wire::IpAddress& a);
// "198.18.0.0/15 (RFC 2544 benchmarking addresses)" or "fc00::/7 (RFC 4193 unique local
// addresses)", for messages.
std::string_view bridge_range_text(wire::IpAddress::Family f);

struct AddressPair {
  Prefix kernel;         // configured on the TUN device
  wire::IpAddress host;  // the simulated host's address
};

struct AddressPlan {
  std::vector<AddressPair> pairs;  // at most one per family, IPv4 first

  const AddressPair* find(wire::IpAddress::Family f) const;
  std::vector<wire::IpAddress> host_addresses() const;
};

// 198.18.0.1/24 + 198.18.0.2 and fd00:7c5::1/64 + fd00:7c5::2.
AddressPlan default_plan();

// "A/LEN" for the kernel side; refused outside the bridge ranges.
Result<Prefix, sim::Error> parse_kernel_address(std::string_view text);

// Builds the plan from --kernel-addr and --host-addr values (both empty: the default).
// Every rule broken gives one line naming the value and what is allowed.
Result<AddressPlan, sim::Error> make_plan(const std::vector<std::string>& kernel,
                                          const std::vector<std::string>& host);

}  // namespace tcpsim::bridge
