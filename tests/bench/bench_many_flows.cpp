// Many connections on one host: the cost of a segment, and the memory an idle connection
// takes, as the number of concurrent connections grows from 1 to 10,000.
//
// BM_ManyFlows/N: one client host opens N connections at once (1 us apart) to one server
// over a 1 Gbit/s, 5 ms link, and together they send 100 MB, split evenly. The link's
// queue (200,000 packets) holds even 10,000 initial windows, so every N does the same kind
// of work (no losses): what changes is only how many connections there are. (The dumbbell
// comparison in docs/benchmarks.md keeps a 1000-packet bottleneck, losses and all.) Its counter
// ns_per_segment (the run's time over the segments put on the link; reading the scenario, building
// the network and tearing it down are left out) is the figure that should stay flat as N grows;
// every byte is checked (SHA-256).
//
// BM_IdleConnections/N: N connections are opened and left idle; bytes_per_connection is
// the heap the run holds per connection end (both ends count: 2N of them), applications'
// per-connection records and the hosts' socket tables included.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/run.hpp"

namespace tcpsim {
namespace {

// `flows` clients on host "client" to one server; `bytes` in total, `close` as given.
constexpr const char* kManyFlows = R"(
name = "many-flows"
seed = 1
duration = "$duration"

[params]
flows = 1
bytes = "100MB"
duration = "3600s"
close = "after-send"

[[host]]
name = "client"
address = "10.0.0.1"

[[host]]
name = "server"
address = "10.0.0.2"

[[link]]
between = ["client", "server"]
rate = "1Gbps"
delay = "5ms"
queue = 200000

[[app]]
name = "server"
host = "server"
role = "server"
port = 5001
backlog = "$flows"

[[app]]
count = "$flows"
name = "c{i}"
host = "client"
connect = "server:5001"
send = "{$bytes / n}"
start = "{i}us"
close = "$close"
)";

std::unique_ptr<sim::ScenarioRun> build(benchmark::State& state,
                                        const std::vector<sim::Override>& params) {
  auto scenario = sim::load_scenario(kManyFlows, "many-flows.toml", params);
  if (!scenario.ok()) {
    state.SkipWithError(scenario.error().message.c_str());
    return nullptr;
  }
  auto run = sim::ScenarioRun::build(*scenario);
  if (!run.ok()) {
    state.SkipWithError(run.error().message.c_str());
    return nullptr;
  }
  return std::move(run).value();
}

void BM_ManyFlows(benchmark::State& state) {
  const std::string flows = std::to_string(state.range(0));
  std::uint64_t segments = 0, bytes = 0;
  for (auto _ : state) {
    // Reading the scenario and building the network are not the segments' cost.
    state.PauseTiming();
    auto run = build(state, {{"flows", flows}});
    if (run == nullptr) return;
    state.ResumeTiming();
    run->run();
    run->finish();
    state.PauseTiming();
    sim::RunFigures f = run->figures();
    if (f.connections != static_cast<std::size_t>(state.range(0)) || f.intact != f.connections) {
      state.SkipWithError("a flow did not deliver its bytes intact");
      return;
    }
    bytes += f.bytes;
    segments += run->segments();
    run.reset();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["segments_per_run"] =
      benchmark::Counter(static_cast<double>(segments), benchmark::Counter::kAvgIterations);
  // Seconds per segment, shown in ns: inverting a rate counter gives time per segment.
  state.counters["ns_per_segment"] =
      benchmark::Counter(static_cast<double>(segments) / 1e9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ManyFlows)
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

void BM_IdleConnections(benchmark::State& state) {
  const std::string flows = std::to_string(state.range(0));
  double per_end = 0;
  for (auto _ : state) {
    const std::size_t before = mallinfo2().uordblks;
    auto run =
        build(state, {{"flows", flows}, {"bytes", "0"}, {"duration", "2s"}, {"close", "never"}});
    if (run == nullptr) return;
    run->run();
    const std::size_t after = mallinfo2().uordblks;
    per_end = static_cast<double>(after - before) / (2.0 * static_cast<double>(state.range(0)));
    benchmark::DoNotOptimize(run);
  }
  state.counters["bytes_per_connection"] = per_end;
}
BENCHMARK(BM_IdleConnections)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace tcpsim

BENCHMARK_MAIN();
