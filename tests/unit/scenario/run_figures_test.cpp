// The figures over many connections: Jain's index against values worked out by hand, and
// the goodput, classes and completion spread of a few made-up connections.
#include <gtest/gtest.h>

#include <vector>

#include "sim/core/simulator.hpp"
#include "sim/net/network.hpp"
#include "sim/scenario/run.hpp"
#include "sim/scenario/run_figures.hpp"

namespace tcpsim::sim {
namespace {

double jain(std::vector<double> v) {
  return jain_index(v);
}

TEST(JainIndex, EqualShares_AreOne) {
  EXPECT_DOUBLE_EQ(jain({5, 5, 5, 5}), 1.0);
  EXPECT_DOUBLE_EQ(jain({7}), 1.0);
}

TEST(JainIndex, HandComputedValues) {
  // (1+0+0+0)^2 / (4 * 1) = 1/4: one flow has everything.
  EXPECT_DOUBLE_EQ(jain({1, 0, 0, 0}), 0.25);
  // (10+30)^2 / (2 * (100+900)) = 1600 / 2000.
  EXPECT_DOUBLE_EQ(jain({10, 30}), 0.8);
  // (1+2+3)^2 / (3 * (1+4+9)) = 36 / 42.
  EXPECT_DOUBLE_EQ(jain({1, 2, 3}), 36.0 / 42.0);
}

TEST(JainIndex, NoValuesOrAllZero_AreOne) {
  EXPECT_DOUBLE_EQ(jain({}), 1.0);
  EXPECT_DOUBLE_EQ(jain({0, 0}), 1.0);
}

ConnectionSummary flow(std::string cc, std::uint64_t bytes, Nanos opened, Nanos duration,
                       std::string profile = "linux") {
  ConnectionSummary c;
  c.cc = std::move(cc);
  c.profile = std::move(profile);
  c.to_server = bytes;
  c.opened = opened;
  c.duration = duration;
  c.integrity = "ok";
  c.retransmissions = 2;
  return c;
}

TEST(RunFigures, GoodputClassesAndCompletion) {
  Simulator sim;
  Network net(sim, 1);
  // 1 MB in 8 ms = 1 Gbit/s; 1 MB in 16 ms = 0.5 Gbit/s; 2 MB in 32 ms = 0.5 Gbit/s.
  std::vector<ConnectionSummary> conns = {
      flow("cubic", 1'000'000, 0, 8 * kMillisecond),
      flow("newreno", 1'000'000, 0, 16 * kMillisecond),
      flow("cubic", 2'000'000, 8 * kMillisecond, 32 * kMillisecond)};
  conns[1].integrity = "MISMATCH";
  RunFigures f = run_figures(conns, net);
  EXPECT_EQ(f.connections, 3u);
  EXPECT_EQ(f.intact, 2u);
  EXPECT_EQ(f.mismatched, 1u);
  EXPECT_EQ(f.bytes, 4'000'000u);
  EXPECT_EQ(f.span, 40 * kMillisecond);
  EXPECT_DOUBLE_EQ(f.goodput_bps, 4e6 * 8 / 0.040);
  EXPECT_EQ(f.retransmissions, 6u);
  ASSERT_EQ(f.classes.size(), 2u);
  EXPECT_EQ(f.classes[0].name, "cubic");
  EXPECT_EQ(f.classes[0].flows, 2u);
  EXPECT_DOUBLE_EQ(f.classes[0].mean_goodput_bps, 0.75e9);
  EXPECT_EQ(f.classes[1].name, "newreno");
  EXPECT_DOUBLE_EQ(f.classes[1].mean_goodput_bps, 0.5e9);
  // Goodputs 1, 0.5, 0.5 (Gbit/s): 2^2 / (3 * 1.5) = 4 / 4.5.
  EXPECT_DOUBLE_EQ(f.jain_index, 4.0 / 4.5);
  EXPECT_EQ(f.completion_min, 8 * kMillisecond);
  EXPECT_EQ(f.completion_median, 16 * kMillisecond);
  EXPECT_EQ(f.completion_max, 32 * kMillisecond);
  EXPECT_TRUE(f.drops.empty());
}

TEST(RunFigures, MixedProfiles_SplitTheClasses_EvenCountTakesTheMiddleTwo) {
  Simulator sim;
  Network net(sim, 1);
  std::vector<ConnectionSummary> conns = {flow("cubic", 1000, 0, 10, "linux"),
                                          flow("cubic", 1000, 0, 20, "freebsd")};
  RunFigures f = run_figures(conns, net);
  ASSERT_EQ(f.classes.size(), 2u);
  EXPECT_EQ(f.classes[0].name, "cubic/freebsd");
  EXPECT_EQ(f.classes[1].name, "cubic/linux");
  EXPECT_EQ(f.completion_median, 15);
}

}  // namespace
}  // namespace tcpsim::sim
