// ECN end to end (RFC 3168): a bottleneck whose queue marks CE above a threshold makes an
// ECN-capable sender halve its window without losing or resending anything; the same
// transfer without ECN fills the queue and loses packets.
#include <gtest/gtest.h>

#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/trace/memory_sink.hpp"
#include "tests/scenario/scenario_support.hpp"

namespace tcpsim::sim {
namespace {

constexpr std::string_view kBottleneck = R"(
name = "ecn"
seed = 3
duration = "60s"
[params]
bytes = "2MB"
[[host]]
name = "client"
address = "10.0.0.1"
[[host]]
name = "server"
address = "10.0.0.2"
[[link]]
between = ["client", "server"]
rate = "10Mbps"
delay = "10ms"
queue = 60
ecn_threshold = 10
[[app]]
name = "server"
host = "server"
port = 9
[[app]]
name = "client"
host = "client"
connect = "server:9"
send = "$bytes"
[[check]]
kind = "integrity"
)";

struct Outcome {
  std::string integrity;
  std::uint64_t retransmissions = 0;
  std::uint64_t ce_marked = 0;
  std::uint64_t dropped = 0;
  int reductions = 0;              // the client's cwnd went down
  std::uint64_t figure_marks = 0;  // as the run's figures report them
};

Outcome run_with(const std::vector<Override>& extra) {
  Outcome o;
  auto r = testing::build(kBottleneck, extra);
  if (!r) return o;
  MemoryTraceSink sink;
  r->trace().subscribe(sink);
  r->run();
  r->finish();
  o.integrity = r->connections().at(0).integrity;
  o.retransmissions = r->connections().at(0).retransmissions;
  o.figure_marks = 0;
  for (const auto& [direction, marks] : r->figures().ce_marks) o.figure_marks += marks;
  for (const auto& link : r->network().links()) {
    for (const LinkDirection* d : {&link->a_to_b(), &link->b_to_a()}) {
      o.ce_marked += d->stats().ce_marked;
      o.dropped += d->stats().dropped_total();
    }
  }
  std::int64_t last = -1;
  for (const TraceEvent& e : sink.of_type(TraceType::Cwnd)) {
    if (e.host != "client") continue;
    std::int64_t cwnd = e.get_int("cwnd").value_or(0);
    if (last >= 0 && cwnd < last) ++o.reductions;
    last = cwnd;
  }
  return o;
}

TEST(Ecn, MarkingQueue_EcnSender_ReducesWithoutLossOrRetransmission) {
  Outcome o = run_with({{"tcp.ecn", "1"}});
  EXPECT_EQ(o.integrity, "ok");
  EXPECT_GT(o.ce_marked, 0u);
  EXPECT_EQ(o.figure_marks, o.ce_marked);
  EXPECT_GE(o.reductions, 1);
  EXPECT_EQ(o.dropped, 0u);
  EXPECT_EQ(o.retransmissions, 0u);
}

TEST(Ecn, MarkingQueue_WithoutEcn_DropsAndRetransmits) {
  // The default (accept-only on both ends): nobody asks, nothing is ECT, nothing marked.
  Outcome o = run_with({});
  EXPECT_EQ(o.integrity, "ok");
  EXPECT_EQ(o.ce_marked, 0u);
  EXPECT_GT(o.dropped, 0u);
  EXPECT_GT(o.retransmissions, 0u);
}

}  // namespace
}  // namespace tcpsim::sim
