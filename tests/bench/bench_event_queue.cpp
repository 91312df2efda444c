// Event-queue cost: schedule+pop pairs at a steady number of pending events, with and
// without cancellations, for handler events and for small lambdas; and, as the queue's
// main customer, one packet across one link (send, transmit, arrive, receive).
#include <benchmark/benchmark.h>

#include <vector>

#include "sim/core/rng.hpp"
#include "sim/core/simulator.hpp"
#include "sim/net/interface.hpp"
#include "sim/net/network.hpp"
#include "sim/net/node.hpp"
#include "sim/net/packet.hpp"

namespace tcpsim::sim {
namespace {

struct Counter final : EventHandler {
  void on_event(Nanos, std::uint64_t tag) override { sum += tag; }
  std::uint64_t sum = 0;
};

// Random delays drawn once, so the timed loop measures the queue, not the generator.
std::vector<Nanos> delays(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Nanos> out(n);
  for (Nanos& d : out) d = 1 + static_cast<Nanos>(rng.uniform(1'000'000));
  return out;
}

void fill(Simulator& sim, Counter& c, std::size_t pending, const std::vector<Nanos>& d) {
  for (std::size_t i = 0; i < pending; ++i) sim.schedule_in(d[i % d.size()], c, i);
}

void BM_HandlerSchedulePop(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  Simulator sim;
  Counter c;
  const std::vector<Nanos> d = delays(1 << 16, 1);
  fill(sim, c, pending, d);
  std::size_t i = 0;
  for (auto _ : state) {
    sim.schedule_in(d[i++ & 0xffff], c, 1);
    sim.step();
  }
  benchmark::DoNotOptimize(c.sum);
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(sim.pending());
}
BENCHMARK(BM_HandlerSchedulePop)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);

void BM_LambdaSchedulePop(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  Simulator sim;
  Counter c;
  const std::vector<Nanos> d = delays(1 << 16, 2);
  fill(sim, c, pending, d);
  std::size_t i = 0;
  std::uint64_t sum = 0;
  for (auto _ : state) {
    ++i;
    sim.schedule_in(d[i & 0xffff], [&sum, i] { sum += i; });
    sim.step();
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LambdaSchedulePop)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);

// A re-armed timer per step: schedule two, cancel one, pop one (TCP's RTO pattern).
void BM_ScheduleCancelPop(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  Simulator sim;
  Counter c;
  const std::vector<Nanos> d = delays(1 << 16, 3);
  fill(sim, c, pending, d);
  std::size_t i = 0;
  EventId timer = sim.schedule_in(500'000, c, 0);
  for (auto _ : state) {
    sim.cancel(timer);
    timer = sim.schedule_in(500'000, c, 0);
    sim.schedule_in(d[i++ & 0xffff], c, 1);
    sim.step();
  }
  benchmark::DoNotOptimize(c.sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ScheduleCancelPop)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);

// Sends a new 1500-byte packet back each time one arrives: a steady stream on one link.
class Bouncer final : public Node {
 public:
  explicit Bouncer(std::string name) : Node(std::move(name)) {}
  void receive(Nanos now, Packet&& p, Interface& in) override {
    ++received;
    p.hops = 0;
    in.send(now, std::move(p));  // back the way it came: reuses the payload buffer
  }
  std::uint64_t received = 0;
};

void BM_LinkHop(benchmark::State& state) {
  Simulator sim;
  Network net(sim, 1);
  auto& a = net.add_node<Bouncer>("A");
  auto& b = net.add_node<Bouncer>("B");
  LinkParams params;
  params.rate_bps = 10'000'000'000;
  params.delay = 10 * kMicrosecond;
  net.connect(a, b, params);
  // Enough packets in flight to keep both directions busy, as in a bulk transfer.
  for (int i = 0; i < 64; ++i) {
    tcp::IpSegment s;
    s.src = *wire::IpAddress::parse("10.0.0.1");
    s.dst = *wire::IpAddress::parse("10.0.0.2");
    s.segment.header.flags = 0x10;
    s.segment.payload.assign(1448, 0);
    a.interface(0).send(sim.now(), net.make_packet(std::move(s)));
  }
  for (auto _ : state) sim.step();
  state.SetItemsProcessed(static_cast<std::int64_t>(a.received + b.received));
  state.counters["events_per_hop"] =
      static_cast<double>(sim.events_run()) / static_cast<double>(a.received + b.received);
}
BENCHMARK(BM_LinkHop);

}  // namespace
}  // namespace tcpsim::sim

BENCHMARK_MAIN();
