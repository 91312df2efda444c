// Shortest-path first hops: fewest links, ties to the link listed first, hosts never
// forward, unreachable nodes have no hop.
#include "sim/net/routing.hpp"

#include <gtest/gtest.h>

#include "sim/net/router.hpp"
#include "sim_test_util.hpp"

namespace tcpsim::sim {
namespace {

using test::Endpoint;

struct Mesh {
  Mesh() : net(sim, 1) {}
  Router& router(const char* name) { return net.add_node<Router>(name); }
  Endpoint& host(const char* name) { return net.add_node<Endpoint>(name); }
  void link(Node& a, Node& b) { net.connect(a, b, LinkParams{}); }
  Simulator sim;
  Network net;
};

TEST(Routing, FirstHop_DirectNeighbour_IsTheNode) {
  Mesh m;
  auto& r = m.router("R");
  auto& h = m.host("H");
  m.link(r, h);
  EXPECT_EQ(first_hop(r, h), &h);
}

TEST(Routing, FirstHop_TwoPaths_TakesTheShorter) {
  // R1 - R2 - R3 - H and R1 - R4 - H: the path through R4 has fewer links.
  Mesh m;
  auto& r1 = m.router("R1");
  auto& r2 = m.router("R2");
  auto& r3 = m.router("R3");
  auto& r4 = m.router("R4");
  auto& h = m.host("H");
  m.link(r1, r2);
  m.link(r2, r3);
  m.link(r3, h);
  m.link(r1, r4);
  m.link(r4, h);
  EXPECT_EQ(first_hop(r1, h), &r4);
  EXPECT_EQ(first_hop(r3, h), &h);
}

TEST(Routing, FirstHop_Tie_GoesToTheLinkListedFirst) {
  Mesh m;
  auto& r1 = m.router("R1");
  auto& a = m.router("A");
  auto& b = m.router("B");
  auto& h = m.host("H");
  m.link(r1, b);
  m.link(r1, a);
  m.link(a, h);
  m.link(b, h);
  EXPECT_EQ(first_hop(r1, h), &b);
}

TEST(Routing, FirstHop_ThroughAHost_Unreachable) {
  // R - X - H where X is a host: hosts do not forward, so H cannot be reached.
  Mesh m;
  auto& r = m.router("R");
  auto& x = m.host("X");
  auto& h = m.host("H");
  m.link(r, x);
  m.link(x, h);
  EXPECT_EQ(first_hop(r, x), &x);
  EXPECT_EQ(first_hop(r, h), nullptr);
}

}  // namespace
}  // namespace tcpsim::sim
