// libFuzzer target for the bridge's intake: whatever bytes a TUN device hands over, the
// TunPort parses them with stack/wire and either sends a TCP segment into the link or
// counts a drop reason; the simulated host then answers whatever entered.
//
// Input layout: the whole input is one IP packet read from the device.
//
// Invariants: every packet is either taken in or counted under exactly one reason; a drop
// for a parse error carries that error; everything the host sends back reaches the sink
// as an IP packet that parses with valid checksums and is addressed to the packet's
// source.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "sim/core/simulator.hpp"
#include "sim/host/host.hpp"
#include "sim/net/network.hpp"
#include "sim/realtime/tun_port.hpp"
#include "stack/tcp/config.hpp"
#include "stack/wire/frame.hpp"

namespace {

using namespace tcpsim;

#define TUN_FUZZ_CHECK(cond)                                                            \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (false)

class Sink final : public sim::PacketSink {
 public:
  bool write_packet(std::span<const std::uint8_t> p) override {
    packets.emplace_back(p.begin(), p.end());
    return true;
  }
  std::vector<std::vector<std::uint8_t>> packets;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<wire::IpAddress> host_addrs{*wire::IpAddress::parse("198.18.0.2"),
                                                *wire::IpAddress::parse("fd00:7c5::2")};
  sim::Simulator simulator;
  sim::Network net(simulator, 1);
  Sink sink;
  auto& host = net.add_node<sim::Host>("tcpsim", tcp::TcpConfig{}, host_addrs, 7);
  auto& port = net.add_node<sim::TunPort>("kernel", host_addrs, sink);
  net.connect(host, port, sim::LinkParams{.rate_bps = 1'000'000'000, .delay = 0});
  // A listener, so that SYNs are answered by a handshake rather than a RST.
  tcp::TcpStack& t = host.tcp();
  tcp::Fd l = t.socket();
  t.bind(l, tcp::Endpoint{wire::IpAddress(), 80});
  t.listen(simulator.now(), l, 4);

  const std::span<const std::uint8_t> in(data, size);
  const sim::IntakeResult r = port.inject(simulator.now(), in);
  const sim::TunPortStats& s = port.stats();
  TUN_FUZZ_CHECK(s.packets_in + s.dropped_total() == 1);
  TUN_FUZZ_CHECK(r.dropped.has_value() == (s.packets_in == 0));
  if (r.error) TUN_FUZZ_CHECK(r.dropped && *r.dropped == sim::classify(*r.error));
  auto parsed = wire::parse_tcp_packet(in);
  TUN_FUZZ_CHECK(parsed.ok() || r.dropped);
  simulator.run_until(10 * kSecond);
  for (const auto& p : sink.packets) {
    auto back = wire::parse_tcp_packet(p);
    TUN_FUZZ_CHECK(back.ok());
    TUN_FUZZ_CHECK(parsed.ok() && back->dst_ip == parsed->src_ip);
  }
  return 0;
}
