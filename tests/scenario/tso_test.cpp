// TSO in a simulated scenario ([host.tcp] tso = true): the stack builds super-segments
// and the host's interface cuts them into MSS-sized frames (tcp_gso_segment) before the
// link, so nothing exceeds the link's MTU and the transfer is the same bytes.
#include <gtest/gtest.h>

#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"
#include "tests/scenario/scenario_support.hpp"

namespace tcpsim::sim {
namespace {

constexpr std::string_view kTransfer = R"(
name = "tso"
seed = 5
duration = "60s"
[[host]]
name = "client"
address = "10.0.0.1"
[[host]]
name = "server"
address = "10.0.0.2"
[[link]]
between = ["client", "server"]
rate = "100Mbps"
delay = "5ms"
queue = 1000
mtu = 1500
[[app]]
name = "server"
host = "server"
port = 9
[[app]]
name = "client"
host = "client"
connect = "server:9"
send = "3MB"
[[check]]
kind = "integrity"
)";

struct Outcome {
  std::string integrity;
  std::uint64_t dropped = 0;
  std::uint64_t frames = 0;
};

Outcome run_with(const std::vector<Override>& extra) {
  Outcome o;
  auto r = testing::build(kTransfer, extra);
  if (!r) return o;
  r->run();
  r->finish();
  o.integrity = r->connections().at(0).integrity;
  for (const auto& link : r->network().links()) {
    for (const LinkDirection* d : {&link->a_to_b(), &link->b_to_a()}) {
      o.dropped += d->stats().dropped_total();
    }
  }
  o.frames = r->host("client")->packets_sent();
  return o;
}

TEST(Tso, Scenario_SuperSegmentsAreCutBeforeTheLink) {
  Outcome on = run_with({{"host.client.tso", "true"}});
  EXPECT_EQ(on.integrity, "ok");
  EXPECT_EQ(on.dropped, 0u);  // a super-segment on the link would be dropped (mtu)
  Outcome off = run_with({});
  EXPECT_EQ(off.integrity, "ok");
  EXPECT_EQ(off.dropped, 0u);
  // 3 MB in 1460-byte segments either way, give or take the handshake and the close.
  EXPECT_GE(on.frames, 3'000'000u / 1460);
  EXPECT_LE(on.frames, off.frames + 16);
}

}  // namespace
}  // namespace tcpsim::sim
