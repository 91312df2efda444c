// TCP per-segment cost: the Internet checksum over typical frame sizes, one connection's
// send and receive paths driven by hand (no simulator), and a whole simulated bulk
// transfer through the scenario API for the end-to-end rate.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/run.hpp"
#include "stack/tcp/connection.hpp"
#include "stack/wire/checksum.hpp"

namespace tcpsim {
namespace {

using namespace wire::tcp_flag;

void BM_InternetChecksum(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint8_t> buf(n);
  for (std::size_t i = 0; i < n; ++i) buf[i] = static_cast<std::uint8_t>(i * 131 + 7);
  for (auto _ : state) {
    benchmark::DoNotOptimize(buf.data());
    std::uint16_t sum = wire::internet_checksum(buf);
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_InternetChecksum)->Arg(64)->Arg(1500)->Arg(9000);

// One connection brought to ESTABLISHED by hand: our SYN out, the peer's SYN,ACK in.
// The peer offers only an MSS, so no timestamps, SACK or window scaling: every data
// segment carries exactly kMss bytes.
struct Established {
  static constexpr std::uint32_t kIss = 1000;
  static constexpr std::uint32_t kPeerIsn = 5'000'000;
  static constexpr std::uint32_t kMss = 1460;

  Established() {
    tcp::Endpoint local{wire::IpAddress(*wire::Ipv4Address::parse("10.0.0.1")), 40000};
    tcp::Endpoint remote{wire::IpAddress(*wire::Ipv4Address::parse("10.0.0.2")), 80};
    conn = std::make_unique<tcp::Connection>(tcp::TcpConfig{}, local, remote, kIss, 0);
    conn->open_active(now);
    conn->poll_transmit(now, out);
    tcp::Segment synack = from_peer(kSyn | kAck, kPeerIsn, kIss + 1);
    synack.header.options.add_mss(kMss);
    now += kRtt;
    conn->on_segment(now, synack);
    conn->poll_transmit(now, out);
    out.clear();
  }

  tcp::Segment from_peer(std::uint8_t flags, std::uint32_t seq, std::uint32_t ack) const {
    tcp::Segment s;
    s.header.src_port = 80;
    s.header.dst_port = 40000;
    s.header.flags = flags;
    s.header.seq = seq;
    s.header.ack = ack;
    s.header.window = 65535;
    return s;
  }

  static constexpr Nanos kRtt = 10 * kMicrosecond;
  std::unique_ptr<tcp::Connection> conn;
  std::vector<tcp::Segment> out;
  Nanos now = 0;
};

void BM_SegmentSend(benchmark::State& state) {
  Established e;
  if (e.conn->state() != tcp::State::Established) {
    state.SkipWithError("handshake did not complete");
    return;
  }
  const std::vector<std::uint8_t> data(Established::kMss, 'x');
  tcp::Segment ack = e.from_peer(kAck, Established::kPeerIsn + 1, Established::kIss + 1);
  std::uint64_t segments = 0;
  for (auto _ : state) {
    std::size_t written = 0;
    e.conn->send(e.now, data, written);
    e.out.clear();
    e.conn->poll_transmit(e.now, e.out);
    segments += e.out.size();
    e.now += Established::kRtt;
    ack.header.ack += static_cast<std::uint32_t>(written);
    e.conn->on_segment(e.now, ack);
  }
  if (segments != static_cast<std::uint64_t>(state.iterations()))
    state.SkipWithError("not one segment per write");
  state.SetItemsProcessed(static_cast<std::int64_t>(segments));
}
BENCHMARK(BM_SegmentSend);

void BM_SegmentReceive(benchmark::State& state) {
  constexpr std::uint32_t kLen = 1448;
  Established e;
  if (e.conn->state() != tcp::State::Established) {
    state.SkipWithError("handshake did not complete");
    return;
  }
  tcp::Segment data = e.from_peer(kAck, Established::kPeerIsn + 1, Established::kIss + 1);
  data.payload.assign(kLen, 'y');
  std::vector<std::uint8_t> buf(64 * 1024);
  std::uint64_t received = 0;
  for (auto _ : state) {
    e.now += kMicrosecond;
    e.conn->on_segment(e.now, data);
    std::size_t n = 0;
    while (e.conn->recv(e.now, buf, n) == tcp::Errno::Ok && n > 0) received += n;
    e.out.clear();
    e.conn->poll_transmit(e.now, e.out);
    if (e.now >= e.conn->next_deadline()) e.conn->on_timer(e.now);
    data.header.seq += kLen;
  }
  if (received != static_cast<std::uint64_t>(state.iterations()) * kLen)
    state.SkipWithError("data not delivered in order");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_SegmentReceive);

// The built-in bulk scenario (one connection, 1 Gbit/s, 5 ms) carrying 10 MB.
void BM_BulkTransfer(benchmark::State& state) {
  const sim::BuiltinScenario* bulk = sim::find_builtin("bulk");
  if (bulk == nullptr) {
    state.SkipWithError("no built-in scenario 'bulk'");
    return;
  }
  auto scenario = sim::load_scenario(bulk->text, std::string(bulk->file), {{"bytes", "10MB"}});
  if (!scenario.ok()) {
    state.SkipWithError(scenario.error().message.c_str());
    return;
  }
  std::uint64_t bytes = 0, segments = 0;
  for (auto _ : state) {
    auto run = sim::ScenarioRun::build(*scenario);
    if (!run.ok()) {
      state.SkipWithError(run.error().message.c_str());
      return;
    }
    run.value()->run();
    run.value()->finish();
    for (const sim::ConnectionSummary& c : run.value()->connections()) bytes += c.to_server;
    segments += run.value()->segments();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["segments_per_second"] =
      benchmark::Counter(static_cast<double>(segments), benchmark::Counter::kIsRate);
  state.counters["segments_per_run"] =
      benchmark::Counter(static_cast<double>(segments), benchmark::Counter::kAvgIterations);
}
// Wall time: the receiver's hashing runs on a thread beside the simulation, so the rates
// are simulated bytes and segments per wall-clock second.
BENCHMARK(BM_BulkTransfer)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace tcpsim

BENCHMARK_MAIN();
