// The TUN port: what the kernel sends is parsed by stack/wire and either enters the link or
// is counted under a reason; what the link delivers is written out as a bare IP packet.
#include "sim/realtime/tun_port.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/core/simulator.hpp"
#include "sim/host/host.hpp"
#include "sim/net/network.hpp"
#include "sim/trace/memory_sink.hpp"
#include "stack/tcp/config.hpp"
#include "stack/wire/checksum.hpp"
#include "stack/wire/frame.hpp"

namespace tcpsim::sim {
namespace {

using Bytes = std::vector<std::uint8_t>;

wire::IpAddress ip(std::string_view text) {
  return *wire::IpAddress::parse(text);
}

class RecordingSink final : public PacketSink {
 public:
  bool write_packet(std::span<const std::uint8_t> p) override {
    if (refuse) return false;
    packets.emplace_back(p.begin(), p.end());
    return true;
  }
  std::vector<Bytes> packets;
  bool refuse = false;
};

// A bare IP packet carrying a TCP segment, as the kernel writes one to a TUN device.
Bytes kernel_packet(std::string_view src, std::string_view dst, std::uint8_t flags,
                    std::size_t payload = 0) {
  wire::FrameAddressing a;
  a.src_ip = ip(src);
  a.dst_ip = ip(dst);
  wire::TcpRepr tcp;
  tcp.src_port = 51000;
  tcp.dst_port = 80;
  tcp.seq = 1000;
  tcp.flags = flags;
  tcp.window = 64240;
  Bytes body(payload, 0x5a);
  Bytes frame = wire::build_tcp_frame(a, tcp, body);
  return Bytes(frame.begin() + 14, frame.end());
}

class TunPortTest : public ::testing::Test {
 protected:
  TunPortTest() : net_(sim_, 1) {
    host_ =
        &net_.add_node<Host>("tcpsim", tcp::TcpConfig{},
                             std::vector<wire::IpAddress>{ip("198.18.0.2"), ip("fd00:7c5::2")}, 7);
    port_ = &net_.add_node<TunPort>(
        "kernel", std::vector<wire::IpAddress>{ip("198.18.0.2"), ip("fd00:7c5::2")}, sink_);
    net_.connect(*host_, *port_, LinkParams{.rate_bps = 1'000'000'000, .delay = kMillisecond});
  }

  IntakeDrop dropped_as(const Bytes& packet) {
    IntakeResult r = port_->inject(sim_.now(), packet);
    EXPECT_TRUE(r.dropped.has_value()) << r.describe();
    return r.dropped.value_or(IntakeDrop::LinkDown);
  }

  Simulator sim_;
  Network net_;
  RecordingSink sink_;
  Host* host_ = nullptr;
  TunPort* port_ = nullptr;
};

TEST_F(TunPortTest, SynToClosedPort_EntersLink_RstWrittenBackAsIpPacket) {
  IntakeResult r =
      port_->inject(sim_.now(), kernel_packet("198.18.0.1", "198.18.0.2", wire::tcp_flag::kSyn));
  EXPECT_FALSE(r.dropped) << r.describe();
  EXPECT_EQ(r.describe(), "entered");
  sim_.run();
  ASSERT_EQ(sink_.packets.size(), 1u);
  // What the kernel gets is an IPv4 packet (no Ethernet header) with valid checksums.
  EXPECT_EQ(sink_.packets[0][0] >> 4, 4);
  auto back = wire::parse_tcp_packet(sink_.packets[0], /*verify_checksums=*/true);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->dst_ip, ip("198.18.0.1"));
  EXPECT_EQ(back->tcp.dst_port, 51000);
  EXPECT_TRUE(back->tcp.has(wire::tcp_flag::kRst));
  EXPECT_EQ(back->ipv4->ttl, 64);  // as the host put it on the link
  EXPECT_EQ(port_->stats().packets_in, 1u);
  EXPECT_EQ(port_->stats().packets_out, 1u);
  EXPECT_EQ(port_->stats().bytes_out, sink_.packets[0].size());
  EXPECT_EQ(host_->rsts_received(), 0u);
}

TEST_F(TunPortTest, Ipv6Syn_EntersLink_AnswerIsIpv6) {
  IntakeResult r =
      port_->inject(sim_.now(), kernel_packet("fd00:7c5::1", "fd00:7c5::2", wire::tcp_flag::kSyn));
  EXPECT_FALSE(r.dropped) << r.describe();
  sim_.run();
  ASSERT_EQ(sink_.packets.size(), 1u);
  EXPECT_EQ(sink_.packets[0][0] >> 4, 6);
  auto back = wire::parse_tcp_packet(sink_.packets[0]);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->dst_ip, ip("fd00:7c5::1"));
}

TEST_F(TunPortTest, Udp_DroppedAsNotTcp) {
  Bytes p = kernel_packet("198.18.0.1", "198.18.0.2", wire::tcp_flag::kSyn);
  p[9] = 17;  // protocol UDP; the header checksum no longer matters, the protocol is read first
  wire::store_be16(&p[10], 0);
  wire::store_be16(&p[10], wire::internet_checksum(std::span(p).first(20)));
  EXPECT_EQ(dropped_as(p), IntakeDrop::NotTcp);
}

TEST_F(TunPortTest, BadTcpChecksum_Dropped) {
  Bytes p = kernel_packet("198.18.0.1", "198.18.0.2", wire::tcp_flag::kAck, 10);
  p.back() ^= 0x01;
  IntakeResult r = port_->inject(sim_.now(), p);
  ASSERT_TRUE(r.dropped);
  EXPECT_EQ(*r.dropped, IntakeDrop::BadChecksum);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->field, "tcp.checksum");
  EXPECT_NE(r.describe().find("bad-checksum: tcp.checksum"), std::string::npos) << r.describe();
}

TEST_F(TunPortTest, Truncated_DroppedAsMalformed) {
  Bytes p = kernel_packet("198.18.0.1", "198.18.0.2", wire::tcp_flag::kSyn);
  p.resize(30);
  EXPECT_EQ(dropped_as(p), IntakeDrop::Malformed);
  EXPECT_EQ(dropped_as(Bytes{}), IntakeDrop::Malformed);
  EXPECT_EQ(dropped_as(Bytes{0x50, 0, 0, 0}), IntakeDrop::Malformed);  // version 5
}

TEST_F(TunPortTest, Ipv4Fragment_Dropped) {
  Bytes p = kernel_packet("198.18.0.1", "198.18.0.2", wire::tcp_flag::kAck, 8);
  p[6] = 0x20;  // more fragments, DF cleared
  wire::store_be16(&p[10], 0);
  wire::store_be16(&p[10], wire::internet_checksum(std::span(p).first(20)));
  EXPECT_EQ(dropped_as(p), IntakeDrop::Fragment);
}

TEST_F(TunPortTest, Ipv6HopByHop_DroppedAsExtensionHeader) {
  // An MLD report starts like this: next header 0 (hop-by-hop options).
  Bytes p = kernel_packet("fd00:7c5::1", "fd00:7c5::2", wire::tcp_flag::kSyn);
  p[6] = 0;
  EXPECT_EQ(dropped_as(p), IntakeDrop::ExtensionHeader);
  Bytes icmp = kernel_packet("fd00:7c5::1", "fd00:7c5::2", wire::tcp_flag::kSyn);
  icmp[6] = 58;
  EXPECT_EQ(dropped_as(icmp), IntakeDrop::NotTcp);
}

TEST_F(TunPortTest, OtherDestination_DroppedAsNotForHost) {
  EXPECT_EQ(dropped_as(kernel_packet("198.18.0.1", "198.18.0.9", wire::tcp_flag::kSyn)),
            IntakeDrop::NotForHost);
  sim_.run();
  EXPECT_TRUE(sink_.packets.empty());
}

TEST_F(TunPortTest, DropsAreCountedPerReasonAndTraced) {
  MemoryTraceSink trace;
  net_.trace().subscribe(trace);
  Bytes p = kernel_packet("198.18.0.1", "198.18.0.2", wire::tcp_flag::kAck, 10);
  p.back() ^= 0x01;
  (void)port_->inject(sim_.now(), p);
  (void)port_->inject(sim_.now(), Bytes{});
  (void)port_->inject(sim_.now(), Bytes{});
  const TunPortStats& s = port_->stats();
  EXPECT_EQ(s.dropped[static_cast<std::size_t>(IntakeDrop::BadChecksum)], 1u);
  EXPECT_EQ(s.dropped[static_cast<std::size_t>(IntakeDrop::Malformed)], 2u);
  EXPECT_EQ(s.dropped_total(), 3u);
  EXPECT_EQ(s.packets_in, 0u);
  ASSERT_EQ(trace.events().size(), 3u);
  EXPECT_EQ(trace.events()[0].type, TraceType::SegmentDropped);
  EXPECT_EQ(trace.events()[0].host, "kernel");
}

TEST_F(TunPortTest, SinkRefuses_CountedAsWriteFailure) {
  sink_.refuse = true;
  (void)port_->inject(sim_.now(), kernel_packet("198.18.0.1", "198.18.0.2", wire::tcp_flag::kSyn));
  sim_.run();
  EXPECT_EQ(port_->stats().write_failures, 1u);
  EXPECT_EQ(port_->stats().packets_out, 0u);
}

TEST_F(TunPortTest, NotConnected_DroppedAsLinkDown) {
  RecordingSink sink;
  TunPort lone("lone", {ip("198.18.0.2")}, sink);
  IntakeResult r = lone.inject(0, kernel_packet("198.18.0.1", "198.18.0.2", wire::tcp_flag::kSyn));
  ASSERT_TRUE(r.dropped);
  EXPECT_EQ(*r.dropped, IntakeDrop::LinkDown);
}

TEST_F(TunPortTest, RandomBytes_NeverCrash_EveryPacketAccountedFor) {
  Rng rng(42);
  Bytes good = kernel_packet("198.18.0.1", "198.18.0.2", wire::tcp_flag::kAck, 40);
  std::uint64_t entered = 0;
  const int n = 3000;
  for (int i = 0; i < n; ++i) {
    Bytes p;
    if (i % 2 == 0) {
      p.resize(rng.uniform(120));
      for (auto& b : p) b = static_cast<std::uint8_t>(rng.uniform(256));
    } else {
      p = good;  // a valid packet with a few bytes changed
      for (int k = 0; k < 3; ++k)
        p[rng.uniform(p.size())] = static_cast<std::uint8_t>(rng.uniform(256));
    }
    if (!port_->inject(sim_.now(), p).dropped) ++entered;
  }
  EXPECT_EQ(port_->stats().packets_in, entered);
  EXPECT_EQ(port_->stats().packets_in + port_->stats().dropped_total(),
            static_cast<std::uint64_t>(n));
  sim_.run();
}

TEST(IntakeDropNames, Stable) {
  EXPECT_EQ(to_string(IntakeDrop::NotTcp), "not-tcp");
  EXPECT_EQ(to_string(IntakeDrop::ExtensionHeader), "ipv6-extension-header");
  EXPECT_EQ(to_string(IntakeDrop::Fragment), "fragment");
  EXPECT_EQ(to_string(IntakeDrop::BadChecksum), "bad-checksum");
  EXPECT_EQ(to_string(IntakeDrop::Malformed), "malformed");
  EXPECT_EQ(to_string(IntakeDrop::NotForHost), "not-for-host");
  EXPECT_EQ(to_string(IntakeDrop::LinkDown), "link-down");
}

}  // namespace
}  // namespace tcpsim::sim
