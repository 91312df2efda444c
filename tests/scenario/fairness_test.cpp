// Fairness: two CUBIC flows with the same path share a dumbbell's bottleneck about equally
// once their windows have converged, and together they keep it busy.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/run.hpp"

namespace tcpsim::sim {
namespace {

// Two senders -> r1 -> 20 Mbit/s, 10 ms, 100-packet queue -> r2 -> two receivers, with
// 1 Gbit/s, 1 ms access links. Both flows start together and have more to send than the
// run can carry, so the bottleneck stays contended for the whole 30 s.
constexpr std::string_view kCubicDumbbell = R"(
name = "cubic-fairness"
seed = 7
duration = "30s"
[[host]]
name = "s1"
address = "10.0.1.1"
tcp = { cc = "cubic" }
[[host]]
name = "s2"
address = "10.0.1.2"
tcp = { cc = "cubic" }
[[host]]
name = "d1"
address = "10.0.2.1"
[[host]]
name = "d2"
address = "10.0.2.2"
[[router]]
name = "r1"
[[router]]
name = "r2"
[[link]]
between = ["s1", "r1"]
rate = "1Gbps"
delay = "1ms"
[[link]]
between = ["s2", "r1"]
rate = "1Gbps"
delay = "1ms"
[[link]]
between = ["r1", "r2"]
rate = "20Mbps"
delay = "10ms"
queue = 100
[[link]]
between = ["r2", "d1"]
rate = "1Gbps"
delay = "1ms"
[[link]]
between = ["r2", "d2"]
rate = "1Gbps"
delay = "1ms"
[[app]]
name = "sink1"
host = "d1"
port = 9
[[app]]
name = "sink2"
host = "d2"
port = 9
[[app]]
name = "flow1"
host = "s1"
connect = "d1:9"
send = "40MB"
[[app]]
name = "flow2"
host = "s2"
connect = "d2:9"
send = "40MB"
)";

constexpr double kBottleneckBps = 20e6;

// Bytes each client app has delivered to its server so far, by client app name.
std::map<std::string, std::uint64_t> delivered(const ScenarioRun& run) {
  std::map<std::string, std::uint64_t> out;
  for (const ConnectionSummary& c : run.connections()) out[c.client_app] = c.to_server;
  return out;
}

TEST(Fairness, TwoCubicFlows_ShareTheBottleneckWithinTwentyPercent) {
  auto s = load_scenario(kCubicDumbbell, "fairness.toml");
  ASSERT_TRUE(s.ok()) << s.error();
  auto built = ScenarioRun::build(*s);
  ASSERT_TRUE(built.ok()) << built.error();
  ScenarioRun& run = *built.value();

  // The first half is for slow start and for the windows to converge; goodput is measured
  // over the second half only, from the bytes each receiver has read at its two ends.
  const Nanos half = s->duration / 2;
  run.start();
  run.simulator().run_until(half);
  const auto before = delivered(run);
  run.simulator().run_until(s->duration);
  run.finish();
  const auto after = delivered(run);

  ASSERT_EQ(after.size(), 2u);
  ASSERT_TRUE(after.contains("flow1") && after.contains("flow2"));
  const double window_s = static_cast<double>(s->duration - half) / 1e9;
  auto goodput_bps = [&](const std::string& app) {
    const std::uint64_t from = before.contains(app) ? before.at(app) : 0;
    return static_cast<double>(after.at(app) - from) * 8.0 / window_s;
  };
  const double a = goodput_bps("flow1");
  const double b = goodput_bps("flow2");
  RecordProperty("flow1_kbps", static_cast<int>(a / 1e3));
  RecordProperty("flow2_kbps", static_cast<int>(b / 1e3));

  EXPECT_LT(std::abs(a - b) / std::max(a, b), 0.2)
      << "flow1 " << a / 1e6 << " Mbit/s, flow2 " << b / 1e6 << " Mbit/s";
  EXPECT_GE(a + b, 0.8 * kBottleneckBps)
      << "flow1 " << a / 1e6 << " Mbit/s, flow2 " << b / 1e6 << " Mbit/s";
}

}  // namespace
}  // namespace tcpsim::sim
