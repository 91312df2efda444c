// The bridge's addresses: only 198.18.0.0/15 and fc00::/7, whole networks inside them.
#include "tools/bridge/address_plan.hpp"

#include <gtest/gtest.h>

#include "tools/bridge/net_config.hpp"

namespace tcpsim::bridge {
namespace {

wire::IpAddress ip(std::string_view text) {
  return *wire::IpAddress::parse(text);
}

TEST(BridgeRange, BenchmarkingAndUniqueLocalOnly) {
  EXPECT_TRUE(in_bridge_range(ip("198.18.0.1")));
  EXPECT_TRUE(in_bridge_range(ip("198.19.255.254")));
  EXPECT_FALSE(in_bridge_range(ip("198.17.255.255")));
  EXPECT_FALSE(in_bridge_range(ip("198.20.0.1")));
  EXPECT_FALSE(in_bridge_range(ip("10.0.0.1")));
  EXPECT_FALSE(in_bridge_range(ip("8.8.8.8")));
  EXPECT_TRUE(in_bridge_range(ip("fd00:7c5::1")));
  EXPECT_TRUE(in_bridge_range(ip("fc00::1")));
  EXPECT_FALSE(in_bridge_range(ip("fe80::1")));
  EXPECT_FALSE(in_bridge_range(ip("2001:db8::1")));
  EXPECT_FALSE(in_bridge_range(ip("::1")));
}

TEST(AddressPlan, DefaultIsBothFamilies) {
  auto plan = make_plan({}, {});
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->pairs.size(), 2u);
  EXPECT_EQ(plan->pairs[0].kernel.to_string(), "198.18.0.1/24");
  EXPECT_EQ(plan->pairs[0].host, ip("198.18.0.2"));
  EXPECT_EQ(plan->pairs[1].kernel.to_string(), "fd00:7c5::1/64");
  EXPECT_EQ(plan->pairs[1].host, ip("fd00:7c5::2"));
}

TEST(AddressPlan, OwnAddresses_Accepted) {
  auto plan = make_plan({"fd12:3456::a/120", "198.19.7.1/30"}, {"198.19.7.2", "fd12:3456::b"});
  ASSERT_TRUE(plan.ok()) << plan.error();
  ASSERT_EQ(plan->pairs.size(), 2u);
  EXPECT_TRUE(plan->pairs[0].host.is_v4());  // IPv4 first, whatever the order given
  EXPECT_EQ(plan->host_addresses().size(), 2u);
  auto v4only = make_plan({"198.18.5.1/24"}, {"198.18.5.9"});
  ASSERT_TRUE(v4only.ok());
  EXPECT_EQ(v4only->find(wire::IpAddress::Family::V6), nullptr);
}

// Each refusal and a phrase its message must contain.
struct Refusal {
  std::vector<std::string> kernel, host;
  std::string says;
};

class AddressPlanRefuses : public ::testing::TestWithParam<Refusal> {};

TEST_P(AddressPlanRefuses, WithAMessage) {
  const Refusal& r = GetParam();
  auto plan = make_plan(r.kernel, r.host);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find(r.says), std::string::npos) << plan.error();
}

INSTANTIATE_TEST_SUITE_P(
    Rules, AddressPlanRefuses,
    ::testing::Values(
        Refusal{{"10.0.0.1/24"}, {"10.0.0.2"}, "10.0.0.1 is outside 198.18.0.0/15"},
        Refusal{{"192.168.1.1/24"}, {"192.168.1.2"}, "RFC 2544"},
        Refusal{{"2001:db8::1/64"}, {"2001:db8::2"}, "outside fc00::/7"},
        Refusal{{"198.18.0.1/8"}, {"198.18.0.2"}, "prefix length must be 15..30"},
        Refusal{{"198.18.0.1/31"}, {"198.18.0.0"}, "prefix length must be 15..30"},
        Refusal{{"fd00::1/6"}, {"fd00::2"}, "prefix length must be 7..126"},
        Refusal{{"198.18.0.1"}, {"198.18.0.2"}, "expected ADDRESS/PREFIX-LENGTH"},
        Refusal{{"198.18.0.1/x"}, {"198.18.0.2"}, "prefix length"},
        Refusal{{"nonsense/24"}, {"198.18.0.2"}, "not an IPv4 or IPv6 address"},
        Refusal{{"198.18.0.0/24"}, {"198.18.0.2"}, "network address"},
        Refusal{{"198.18.0.255/24"}, {"198.18.0.2"}, "broadcast address"},
        Refusal{{"198.18.0.1/24"}, {"8.8.8.8"}, "--host-addr '8.8.8.8': outside"},
        Refusal{{"198.18.0.1/24"}, {"198.18.1.2"}, "not inside the kernel's network"},
        Refusal{{"198.18.0.1/24"}, {"198.18.0.1"}, "the kernel's own address"},
        Refusal{{"198.18.0.1/24"}, {"198.18.0.255"}, "broadcast"},
        Refusal{{"198.18.0.1/24"}, {}, "needs a --host-addr"},
        Refusal{{}, {"198.18.0.2"}, "needs a --kernel-addr"},
        Refusal{{"198.18.0.1/24", "198.18.1.1/24"}, {"198.18.0.2"}, "at most one per family"},
        Refusal{{"198.18.0.1/24"}, {"198.18.0.2", "198.18.0.3"}, "at most one per family"},
        Refusal{{"198.18.0.1/24"}, {"fd00::2"}, "needs a --host-addr of the same family"}));

TEST(IpCommands, UpThenEachAddress) {
  auto cmds = ip_commands("tcpsim0", default_plan(), 1500);
  ASSERT_EQ(cmds.size(), 3u);
  EXPECT_EQ(cmds[0],
            (std::vector<std::string>{"link", "set", "dev", "tcpsim0", "mtu", "1500", "up"}));
  EXPECT_EQ(cmds[1],
            (std::vector<std::string>{"-4", "addr", "replace", "198.18.0.1/24", "dev", "tcpsim0"}));
  EXPECT_EQ(cmds[2], (std::vector<std::string>{"-6", "addr", "replace", "fd00:7c5::1/64", "dev",
                                               "tcpsim0", "nodad"}));
}

}  // namespace
}  // namespace tcpsim::bridge
