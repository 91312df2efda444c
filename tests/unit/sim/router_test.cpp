// Routers: forwarding by destination address across a dumbbell, and no-route drops.
#include <gtest/gtest.h>

#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/net/packet_observer.hpp"
#include "sim/net/router.hpp"
#include "sim/net/scripted_fault.hpp"
#include "sim_test_util.hpp"

namespace tcpsim::sim {
namespace {

using test::Endpoint;
using test::frame_of_size;
using test::ip;

LinkParams edge() {
  LinkParams p;
  p.rate_bps = 100'000'000;
  p.delay = kMillisecond;
  return p;
}

LinkParams bottleneck() {
  LinkParams p;
  p.rate_bps = 1'000'000;
  p.delay = 10 * kMillisecond;
  return p;
}

// S1, S2 -- R1 == R2 -- D1, D2 (the == link is the bottleneck).
struct Dumbbell {
  Dumbbell() : net(sim, 3) {
    s1 = &net.add_node<Endpoint>("S1");
    s2 = &net.add_node<Endpoint>("S2");
    r1 = &net.add_node<Router>("R1");
    r2 = &net.add_node<Router>("R2");
    d1 = &net.add_node<Endpoint>("D1");
    d2 = &net.add_node<Endpoint>("D2");
    net.connect(*s1, *r1, edge());
    net.connect(*s2, *r1, edge());
    middle = &net.connect(*r1, *r2, bottleneck());
    net.connect(*r2, *d1, edge());
    net.connect(*r2, *d2, edge());
    r1->add_route(ip("10.0.1.1"), *s1);
    r1->add_route(ip("10.0.1.2"), *s2);
    r1->set_default_route(*r2);
    r2->add_route(ip("10.0.2.1"), *d1);
    r2->add_route(ip("10.0.2.2"), *d2);
    r2->set_default_route(*r1);
  }
  Simulator sim;
  Network net;
  Endpoint* s1;
  Endpoint* s2;
  Router* r1;
  Router* r2;
  Endpoint* d1;
  Endpoint* d2;
  Link* middle;
};

TEST(Router, Dumbbell_EachSenderReachesItsReceiverThroughTheBottleneck) {
  Dumbbell d;
  d.s1->send(frame_of_size("10.0.1.1", "10.0.2.1", 1500, 1));
  d.s2->send(frame_of_size("10.0.1.2", "10.0.2.2", 1500, 2));
  d.sim.run();
  ASSERT_EQ(d.d1->received.size(), 1u);
  ASSERT_EQ(d.d2->received.size(), 1u);
  EXPECT_EQ(d.d1->received[0].seq, 1u);
  EXPECT_EQ(d.d2->received[0].seq, 2u);
  EXPECT_EQ(d.d1->received[0].hops, 3);
  // Edge: 120 us + 1 ms; bottleneck: 12 ms + 10 ms; edge: 120 us + 1 ms.
  const Nanos edge_ser = edge().serialization_time(1500);
  const Nanos mid_ser = bottleneck().serialization_time(1500);
  const Nanos first =
      edge_ser + kMillisecond + mid_ser + 10 * kMillisecond + edge_ser + kMillisecond;
  EXPECT_EQ(d.d1->received[0].time, first);
  // S2's packet reached R1 at the same moment and waited one serialization at the bottleneck.
  EXPECT_EQ(d.d2->received[0].time, first + mid_ser);
  LinkDirection* forward = d.middle->from(*d.r1);
  ASSERT_NE(forward, nullptr);
  EXPECT_EQ(forward->stats().packets_delivered, 2u);
  EXPECT_EQ(forward->queue().stats().max_packets, 1u);
}

TEST(Router, ReplyPath_UsesHostRoutesBack) {
  Dumbbell d;
  d.d2->send(frame_of_size("10.0.2.2", "10.0.1.2", 100, 7));
  d.sim.run();
  ASSERT_EQ(d.s2->received.size(), 1u);
  EXPECT_TRUE(d.s1->received.empty());
}

struct DropLog : PacketObserver {
  void on_dropped(Nanos, const Node& where, const LinkDirection* link, const Packet&,
                  DropCause cause) override {
    entries.push_back({where.name(), link == nullptr, cause});
  }
  struct Entry {
    std::string where;
    bool inside_node;
    DropCause cause;
  };
  std::vector<Entry> entries;
};

TEST(Router, NoRoute_DroppedWithCause) {
  Simulator sim;
  Network net(sim, 1);
  auto& a = net.add_node<Endpoint>("A");
  auto& r = net.add_node<Router>("R");
  auto& b = net.add_node<Endpoint>("B");
  net.connect(a, r, edge());
  net.connect(r, b, edge());
  r.add_route(ip("10.0.0.2"), b);
  DropLog drops;
  net.add_observer(drops);
  a.send(frame_of_size("10.0.0.1", "10.0.0.2", 100, 1));
  a.send(frame_of_size("10.0.0.1", "10.0.0.3", 100, 2));
  sim.run();
  ASSERT_EQ(b.received.size(), 1u);
  ASSERT_EQ(drops.entries.size(), 1u);
  EXPECT_EQ(drops.entries[0].where, "R");
  EXPECT_TRUE(drops.entries[0].inside_node);
  EXPECT_EQ(drops.entries[0].cause, DropCause::NoRoute);
  EXPECT_EQ(to_string(DropCause::NoRoute), "no-route");
}

TEST(Router, RoutingLoop_DroppedWhenTtlRunsOut) {
  // R2 sends unknown addresses to R1 and R1 sends them back: the packet ping-pongs until
  // 64 links are crossed.
  Dumbbell d;
  DropLog drops;
  d.net.add_observer(drops);
  d.d1->send(frame_of_size("10.0.2.1", "10.9.9.9", 100));
  d.sim.run();
  ASSERT_EQ(drops.entries.size(), 1u);
  EXPECT_EQ(drops.entries[0].cause, DropCause::TtlExpired);
  EXPECT_EQ(to_string(DropCause::TtlExpired), "ttl-expired");
}

TEST(Router, RouteToUnlinkedNode_Throws) {
  Dumbbell d;
  EXPECT_THROW(d.r1->add_route(ip("10.0.2.1"), *d.d1), std::invalid_argument);
  EXPECT_THROW(d.r1->set_default_route(d.d1->interface(0)), std::invalid_argument);
}

TEST(Router, AnywhereRule_CountsOnlyTheFirstHop) {
  // "drop data #2" with no direction: the 2nd data segment sent, not the 2nd link crossing.
  Dumbbell d;
  FaultScript script;
  ASSERT_TRUE(script.add_text("drop data #2"));
  ASSERT_TRUE(d.net.install(script));
  d.s1->send(frame_of_size("10.0.1.1", "10.0.2.1", 200, 1));
  d.sim.run();
  d.s1->send(frame_of_size("10.0.1.1", "10.0.2.1", 200, 2));
  d.s1->send(frame_of_size("10.0.1.1", "10.0.2.1", 200, 3));
  d.sim.run();
  ASSERT_EQ(d.d1->received.size(), 2u);
  EXPECT_EQ(d.d1->received[0].seq, 1u);
  EXPECT_EQ(d.d1->received[1].seq, 3u);
}

TEST(Router, DirectedRule_WatchesTheNamedLinkAtAnyHop) {
  Dumbbell d;
  FaultScript script;
  ASSERT_TRUE(script.add_text("drop any #1 from R1 to R2"));
  ASSERT_TRUE(d.net.install(script));
  d.s2->send(frame_of_size("10.0.1.2", "10.0.2.2", 200, 1));
  d.s2->send(frame_of_size("10.0.1.2", "10.0.2.2", 200, 2));
  d.sim.run();
  ASSERT_EQ(d.d2->received.size(), 1u);
  EXPECT_EQ(d.d2->received[0].seq, 2u);
}

}  // namespace
}  // namespace tcpsim::sim
