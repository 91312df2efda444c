// The built-in `dumbbell`, written with `count`: a dozen small flows through one bottleneck
// all arrive intact, and the figures over them add up.
#include <gtest/gtest.h>

#include <set>

#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"
#include "tests/scenario/scenario_support.hpp"

namespace tcpsim::sim {
namespace {

using testing::build;

std::unique_ptr<ScenarioRun> dumbbell(const std::vector<Override>& o) {
  const BuiltinScenario* b = find_builtin("dumbbell");
  EXPECT_NE(b, nullptr);
  return b != nullptr ? build(b->text, o) : nullptr;
}

TEST(Dumbbell, TwelveFlows_AllIntact_FiguresAddUp) {
  auto run = dumbbell({{"flows", "12"}, {"bytes", "2400KB"}});
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->scenario().hosts.size(), 13u);
  EXPECT_EQ(run->scenario().links.size(), 13u);
  run->run();
  run->finish();
  auto conns = run->connections();
  ASSERT_EQ(conns.size(), 12u);
  std::set<std::string> clients;
  for (const ConnectionSummary& c : conns) {
    EXPECT_EQ(c.integrity, "ok") << c.client_app;
    EXPECT_EQ(c.to_server, 200'000u) << c.client_app;
    EXPECT_EQ(c.server, "10.0.0.2:5001");
    clients.insert(c.client_app);
  }
  EXPECT_EQ(clients.size(), 12u);
  RunFigures f = run->figures();
  EXPECT_EQ(f.connections, 12u);
  EXPECT_EQ(f.intact, 12u);
  EXPECT_EQ(f.bytes, 2'400'000u);
  ASSERT_EQ(f.classes.size(), 2u);  // the default mix: cubic:50%,newreno:50%
  EXPECT_EQ(f.classes[0].name, "cubic");
  EXPECT_EQ(f.classes[0].flows, 6u);
  EXPECT_EQ(f.classes[1].name, "newreno");
  EXPECT_EQ(f.classes[1].flows, 6u);
  EXPECT_GT(f.jain_index, 1.0 / 12);
  EXPECT_LE(f.jain_index, 1.0);
  EXPECT_LE(f.completion_min, f.completion_median);
  EXPECT_LE(f.completion_median, f.completion_max);
  // Together the flows cannot beat the 1 Gbit/s bottleneck.
  EXPECT_GT(f.goodput_bps, 0);
  EXPECT_LT(f.goodput_bps, 1e9);
  for (const CheckResult& c : run->evaluate_checks()) EXPECT_TRUE(c.passed) << c.description;
}

TEST(Dumbbell, SmallBottleneckQueue_DropsThereOnly) {
  auto run = dumbbell({{"flows", "4"}, {"bytes", "4MB"}, {"queue", "20"}});
  ASSERT_NE(run, nullptr);
  run->run();
  run->finish();
  RunFigures f = run->figures();
  ASSERT_FALSE(f.drops.empty());
  for (const DirectionDrops& d : f.drops) {
    EXPECT_EQ(d.direction, "r->server");
    EXPECT_EQ(d.total, d.by_cause[static_cast<std::size_t>(DropCause::QueueFull)]);
  }
  EXPECT_GT(f.retransmissions, 0u);
  EXPECT_EQ(f.intact, 4u);
}

TEST(Dumbbell, RttSpread_StepsTheAccessDelays) {
  auto s = load_scenario(find_builtin("dumbbell")->text, "dumbbell.toml",
                         {{"flows", "5"}, {"rtt_spread", "8ms"}, {"cc", "reno"}});
  ASSERT_TRUE(s.ok()) << s.error();
  std::vector<Nanos> delays;
  for (const LinkSpec& l : s->links) delays.push_back(l.params.delay);
  // Access delays 1, 2, 3, 4, 5 ms (one way: half the spread over the flows), then the
  // bottleneck's 5 ms.
  EXPECT_EQ(delays, (std::vector<Nanos>{1 * kMillisecond, 2 * kMillisecond, 3 * kMillisecond,
                                        4 * kMillisecond, 5 * kMillisecond, 5 * kMillisecond}));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s->hosts[i].tcp.congestion, tcp::CongestionAlgorithm::Reno);
}

}  // namespace
}  // namespace tcpsim::sim
