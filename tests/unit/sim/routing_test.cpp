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
  Simulator sim;
  Network net;
};

TEST(Routing, FirstHop_DirectNeighbour_IsTheNode) {
  Mesh m;
  auto& r = m.net.add_node<Router>("R");
  auto& h = m.net.add_node<Endpoint>("H");
  m.net.connect(r, h, LinkParams{});
  EXPECT_EQ(first_hop(r, h), &h);
}

TEST(Routing, FirstHop_TwoPaths_TakesTheShorter) {
  // R1 - R2 - R3 - H and R1 - R4 - H: the path through R4 has fewer links.
  Mesh m;
  auto& r1 = m.net.add_node<Router>("R1");
  auto& r2 = m.net.add_node<Router>("R2");
  auto& r3 = m.net.add_node<Router>("R3");
  auto& r4 = m.net.add_node<Router>("R4");
  auto& h = m.net.add_node<Endpoint>("H");
  m.net.connect(r1, r2, LinkParams{});
  m.net.connect(r2, r3, LinkParams{});
  m.net.connect(r3, h, LinkParams{});
  m.net.connect(r1, r4, LinkParams{});
  m.net.connect(r4, h, LinkParams{});
  EXPECT_EQ(first_hop(r1, h), &r4);
  EXPECT_EQ(first_hop(r3, h), &h);
}

TEST(Routing, FirstHop_Tie_GoesToTheLinkListedFirst) {
  Mesh m;
  auto& r1 = m.net.add_node<Router>("R1");
  auto& a = m.net.add_node<Router>("A");
  auto& b = m.net.add_node<Router>("B");
  auto& h = m.net.add_node<Endpoint>("H");
  m.net.connect(r1, b, LinkParams{});
  m.net.connect(r1, a, LinkParams{});
  m.net.connect(a, h, LinkParams{});
  m.net.connect(b, h, LinkParams{});
  EXPECT_EQ(first_hop(r1, h), &b);
}

TEST(Routing, FirstHop_ThroughAHost_Unreachable) {
  // R - X - H where X is a host: hosts do not forward, so H cannot be reached.
  Mesh m;
  auto& r = m.net.add_node<Router>("R");
  auto& x = m.net.add_node<Endpoint>("X");
  auto& h = m.net.add_node<Endpoint>("H");
  m.net.connect(r, x, LinkParams{});
  m.net.connect(x, h, LinkParams{});
  EXPECT_EQ(first_hop(r, x), &x);
  EXPECT_EQ(first_hop(r, h), nullptr);
}

}  // namespace
}  // namespace tcpsim::sim
