#include "stack/wire/frame.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "stack/wire/checksum.hpp"

namespace tcpsim::wire {
namespace {

// A captured-style Linux SYN: 08:00:27:4e:1a:7c -> 52:54:00:12:35:02, 10.0.2.15:40000 ->
// 93.184.216.34:80, IP id 0x8f2a, DF, TTL 64, seq 0x1a2b3c4d, window 64240, options
// mss 1460, sackOK, TS 123456/0, nop, wscale 7. Checksums (IP 0x69a8, TCP 0x35db) were
// computed independently with python3.
constexpr std::array<std::uint8_t, 74> kSynFrame = {
    0x52, 0x54, 0x00, 0x12, 0x35, 0x02, 0x08, 0x00, 0x27, 0x4e, 0x1a, 0x7c,  //
    0x08, 0x00, 0x45, 0x00, 0x00, 0x3c, 0x8f, 0x2a, 0x40, 0x00, 0x40, 0x06,  //
    0x69, 0xa8, 0x0a, 0x00, 0x02, 0x0f, 0x5d, 0xb8, 0xd8, 0x22, 0x9c, 0x40,  //
    0x00, 0x50, 0x1a, 0x2b, 0x3c, 0x4d, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,  //
    0xfa, 0xf0, 0x35, 0xdb, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,  //
    0x08, 0x0a, 0x00, 0x01, 0xe2, 0x40, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03,  //
    0x03, 0x07};

// An IPv6 data segment, [2001:db8::1]:80 -> [2001:db8::2]:40000, flow label 0x12345,
// PSH|ACK, seq 0xdeadbeef, ack 0x1a2b3c4e, window 501, options nop, nop, TS 1234/4321,
// payload "hello" (odd length). TCP checksum 0x2f1a computed independently with python3.
constexpr std::array<std::uint8_t, 91> kIpv6DataFrame = {
    0x08, 0x00, 0x27, 0x4e, 0x1a, 0x7c, 0x52, 0x54, 0x00, 0x12, 0x35, 0x02,  //
    0x86, 0xdd, 0x60, 0x01, 0x23, 0x45, 0x00, 0x25, 0x06, 0x40, 0x20, 0x01,  //
    0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //
    0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //
    0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x50, 0x9c, 0x40, 0xde, 0xad,  //
    0xbe, 0xef, 0x1a, 0x2b, 0x3c, 0x4e, 0x80, 0x18, 0x01, 0xf5, 0x2f, 0x1a,  //
    0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x04, 0xd2, 0x00, 0x00,  //
    0x10, 0xe1, 0x68, 0x65, 0x6c, 0x6c, 0x6f};

using Bytes = std::vector<std::uint8_t>;

Bytes syn_frame() {
  return Bytes(kSynFrame.begin(), kSynFrame.end());
}

// Recomputes the IPv4 header checksum of a frame edited by a test.
void refresh_ipv4_checksum(Bytes& frame) {
  const std::size_t ihl = std::size_t{frame[14] & 0x0fU} * 4;
  store_be16(&frame[24], 0);
  store_be16(&frame[24], internet_checksum(std::span(frame).subspan(14, ihl)));
}

ParseError parse_failure(std::span<const std::uint8_t> frame, bool verify = true) {
  const auto r = parse_tcp_frame(frame, verify);
  EXPECT_FALSE(r.ok());
  return r.ok() ? ParseError{} : r.error();
}

FrameAddressing addressing_of(const ParsedTcpFrame& f) {
  FrameAddressing a;
  a.src_mac = f.eth.src;
  a.dst_mac = f.eth.dst;
  a.src_ip = f.src_ip;
  a.dst_ip = f.dst_ip;
  a.ttl = f.ipv4 ? f.ipv4->ttl : f.ipv6->hop_limit;
  a.ip_id = f.ipv4 ? f.ipv4->identification : 0;
  return a;
}

TEST(ParseTcpFrame, ParsesRealSynFrame) {
  const auto f = parse_tcp_frame(kSynFrame);
  ASSERT_TRUE(f.ok()) << f.error().message();
  EXPECT_EQ(f->eth.src.to_string(), "08:00:27:4e:1a:7c");
  EXPECT_EQ(f->eth.dst.to_string(), "52:54:00:12:35:02");
  EXPECT_EQ(f->eth.ethertype, ethertype::kIpv4);
  EXPECT_EQ(f->src_ip.to_string(), "10.0.2.15");
  EXPECT_EQ(f->dst_ip.to_string(), "93.184.216.34");
  ASSERT_TRUE(f->ipv4.has_value());
  EXPECT_FALSE(f->ipv6.has_value());
  EXPECT_EQ(f->ipv4->identification, 0x8f2a);
  EXPECT_EQ(f->ipv4->payload_len, 40u);
  EXPECT_EQ(f->tcp.src_port, 40000);
  EXPECT_EQ(f->tcp.dst_port, 80);
  EXPECT_EQ(f->tcp.seq, 0x1a2b3c4du);
  EXPECT_EQ(f->tcp.flags, tcp_flag::kSyn);
  EXPECT_EQ(f->tcp.options.mss(), 1460);
  EXPECT_TRUE(f->payload.empty());
}

TEST(BuildTcpFrame, ReproducesRealSynByteExact) {
  const auto f = parse_tcp_frame(kSynFrame);
  ASSERT_TRUE(f.ok());
  const Bytes built = build_tcp_frame(addressing_of(*f), f->tcp, f->payload);
  EXPECT_EQ(built, syn_frame());
  EXPECT_EQ(tcp_frame_size(IpAddress::Family::V4, f->tcp, 0), 74u);
}

TEST(ParseTcpFrame, ParsesIpv6DataFrame) {
  const auto f = parse_tcp_frame(kIpv6DataFrame);
  ASSERT_TRUE(f.ok()) << f.error().message();
  EXPECT_EQ(f->eth.ethertype, ethertype::kIpv6);
  EXPECT_EQ(f->src_ip.to_string(), "2001:db8::1");
  EXPECT_EQ(f->dst_ip.to_string(), "2001:db8::2");
  EXPECT_FALSE(f->ipv4.has_value());
  ASSERT_TRUE(f->ipv6.has_value());
  EXPECT_EQ(f->ipv6->flow_label, 0x12345u);
  EXPECT_EQ(f->tcp.flags, tcp_flag::kPsh | tcp_flag::kAck);
  EXPECT_EQ(f->tcp.seq, 0xdeadbeefu);
  EXPECT_EQ(f->tcp.ack, 0x1a2b3c4eu);
  EXPECT_EQ(f->tcp.window, 501);
  EXPECT_EQ(f->tcp.options.timestamps(), (TcpTimestamps{1234, 4321}));
  EXPECT_EQ(std::string(f->payload.begin(), f->payload.end()), "hello");
}

TEST(BuildTcpFrame, Ipv6RoundTrip) {
  const auto f = parse_tcp_frame(kIpv6DataFrame);
  ASSERT_TRUE(f.ok());
  Bytes built = build_tcp_frame(addressing_of(*f), f->tcp, f->payload);
  ASSERT_EQ(built.size(), kIpv6DataFrame.size());
  EXPECT_EQ(built.size(), tcp_frame_size(IpAddress::Family::V6, f->tcp, 5));
  // FrameAddressing has no flow label; the rest is identical, and the parsed IPv6 header
  // re-emits the original's.
  f->ipv6->emit_header(std::span(built).subspan(kEthernetHeaderLen));
  EXPECT_TRUE(std::equal(built.begin(), built.end(), kIpv6DataFrame.begin()));
}

TEST(ParseTcpFrame, IgnoresEthernetPadding) {
  TcpRepr rst;
  rst.src_port = 80;
  rst.dst_port = 40000;
  rst.flags = tcp_flag::kRst;
  FrameAddressing a;
  a.src_ip = Ipv4Address{{10, 0, 0, 2}};
  a.dst_ip = Ipv4Address{{10, 0, 0, 1}};
  Bytes frame = build_tcp_frame(a, rst, {});
  ASSERT_EQ(frame.size(), 54u);
  frame.resize(60, 0);  // padded to the Ethernet minimum
  const auto f = parse_tcp_frame(frame);
  ASSERT_TRUE(f.ok()) << f.error().message();
  EXPECT_TRUE(f->payload.empty());
  EXPECT_EQ(f->tcp, rst);
}

TEST(ParseTcpFrame, AcceptsAndSkipsIpv4Options) {
  // Rebuild the SYN with a 4-byte IP option area (NOP, NOP, NOP, EOL).
  Bytes frame(kSynFrame.begin(), kSynFrame.begin() + 34);
  frame[14] = 0x46;
  store_be16(&frame[16], 64);
  const std::array<std::uint8_t, 4> ip_options = {0x01, 0x01, 0x01, 0x00};
  frame.insert(frame.end(), ip_options.begin(), ip_options.end());
  frame.insert(frame.end(), kSynFrame.begin() + 34, kSynFrame.end());
  refresh_ipv4_checksum(frame);
  const auto f = parse_tcp_frame(frame);
  ASSERT_TRUE(f.ok()) << f.error().message();
  EXPECT_EQ(f->ipv4->header_len, 24u);
  EXPECT_EQ(f->tcp.options.mss(), 1460);
  EXPECT_EQ(f->payload.data(), frame.data() + frame.size());
}

TEST(ParseTcpFrame, ChecksumErrorsCanBeWaived) {
  Bytes frame = syn_frame();
  frame[50] ^= 0xff;  // TCP checksum
  EXPECT_EQ(parse_failure(frame), (ParseError{Errc::BadChecksum, 50, "tcp.checksum"}));
  frame[24] ^= 0xff;  // IPv4 header checksum
  EXPECT_EQ(parse_failure(frame), (ParseError{Errc::BadChecksum, 24, "ipv4.checksum"}));
  EXPECT_TRUE(parse_tcp_frame(frame, false).ok());
}

TEST(ParseTcpFrame, TruncatedEthernet) {
  EXPECT_EQ(parse_failure(std::span(kSynFrame).first(13)),
            (ParseError{Errc::Truncated, 0, "ethernet.header"}));
}

TEST(ParseTcpFrame, NonIpEtherType) {
  Bytes frame = syn_frame();
  store_be16(&frame[12], ethertype::kArp);
  const auto e = parse_failure(frame);
  EXPECT_EQ(e.code, Errc::BadEtherType);
  EXPECT_EQ(e.offset, 12u);
  EXPECT_EQ(e.field, "ethernet.ethertype");
}

TEST(ParseTcpFrame, VersionDisagreesWithEtherType) {
  Bytes frame = syn_frame();
  store_be16(&frame[12], ethertype::kIpv6);
  EXPECT_EQ(parse_failure(frame), (ParseError{Errc::BadVersion, 14, "ipv6.version"}));
}

TEST(ParseTcpFrame, ErrorOffsetsCountFromFrameStart) {
  struct Case {
    const char* what;
    void (*edit)(Bytes&);
    ParseError expected;
  };
  const Case cases[] = {
      {"ipv4 truncated", [](Bytes& f) { f.resize(14 + 19); }, {Errc::Truncated, 14, "ipv4.header"}},
      {"ipv4 version", [](Bytes& f) { f[14] = 0x65; }, {Errc::BadVersion, 14, "ipv4.version"}},
      {"ipv4 ihl", [](Bytes& f) { f[14] = 0x44; }, {Errc::BadHeaderLength, 14, "ipv4.ihl"}},
      {"ipv4 total length",
       [](Bytes& f) {
         store_be16(&f[16], 61);
         refresh_ipv4_checksum(f);
       },
       {Errc::BadTotalLength, 16, "ipv4.total_length"}},
      {"ipv4 protocol",
       [](Bytes& f) {
         f[23] = 17;
         refresh_ipv4_checksum(f);
       },
       {Errc::BadProtocol, 23, "ipv4.protocol"}},
      {"ipv4 more fragments",
       [](Bytes& f) {
         store_be16(&f[20], 0x2000);
         refresh_ipv4_checksum(f);
       },
       {Errc::Fragmented, 20, "ipv4.fragment"}},
      {"ipv4 fragment offset",
       [](Bytes& f) {
         store_be16(&f[20], 0x0010);
         refresh_ipv4_checksum(f);
       },
       {Errc::Fragmented, 20, "ipv4.fragment"}},
      {"tcp truncated",
       [](Bytes& f) {
         store_be16(&f[16], 20 + 19);
         refresh_ipv4_checksum(f);
       },
       {Errc::Truncated, 34, "tcp.header"}},
      {"tcp data offset",
       [](Bytes& f) { f[46] = 0x40; },
       {Errc::BadDataOffset, 46, "tcp.data_offset"}},
      {"tcp option length",
       [](Bytes& f) { f[55] = 0x05; },
       {Errc::BadOptionLength, 55, "tcp.options.mss"}},
      {"tcp option overrun",
       [](Bytes& f) {
         f[71] = 0xfd;
         f[72] = 0x04;
       },
       {Errc::OptionOverrun, 72, "tcp.options"}},
  };
  for (const Case& c : cases) {
    Bytes frame = syn_frame();
    c.edit(frame);
    // TCP checksums are waived so each later rule is reached; IPv4 ones are kept valid above.
    const auto r = parse_tcp_frame(frame, false);
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.error().code, c.expected.code) << c.what << ": " << r.error().message();
    EXPECT_EQ(r.error().offset, c.expected.offset) << c.what << ": " << r.error().message();
    EXPECT_EQ(r.error().field, c.expected.field) << c.what << ": " << r.error().message();
  }
}

TEST(ParseTcpFrame, Ipv6ErrorsCountFromFrameStart) {
  struct Case {
    const char* what;
    void (*edit)(Bytes&);
    ParseError expected;
  };
  const Case cases[] = {
      {"ipv6 truncated", [](Bytes& f) { f.resize(14 + 39); }, {Errc::Truncated, 14, "ipv6.header"}},
      {"ipv6 version", [](Bytes& f) { f[14] = 0x40; }, {Errc::BadVersion, 14, "ipv6.version"}},
      {"ipv6 payload length",
       [](Bytes& f) { store_be16(&f[18], 38); },
       {Errc::BadTotalLength, 18, "ipv6.payload_length"}},
      {"ipv6 routing header",
       [](Bytes& f) { f[20] = 43; },
       {Errc::UnsupportedExtensionHeader, 20, "ipv6.next_header"}},
      {"ipv6 udp", [](Bytes& f) { f[20] = 17; }, {Errc::BadProtocol, 20, "ipv6.next_header"}},
      {"ipv6 tcp checksum",
       [](Bytes& f) { f[f.size() - 1] ^= 1; },
       {Errc::BadChecksum, 70, "tcp.checksum"}},
  };
  for (const Case& c : cases) {
    Bytes frame(kIpv6DataFrame.begin(), kIpv6DataFrame.end());
    c.edit(frame);
    const auto e = parse_failure(frame);
    EXPECT_EQ(e.code, c.expected.code) << c.what << ": " << e.message();
    EXPECT_EQ(e.offset, c.expected.offset) << c.what << ": " << e.message();
    EXPECT_EQ(e.field, c.expected.field) << c.what << ": " << e.message();
  }
}

TEST(ParseTcpPacket, ParsesWithoutEthernet) {
  const auto packet = std::span(kSynFrame).subspan(kEthernetHeaderLen);
  const auto f = parse_tcp_packet(packet);
  ASSERT_TRUE(f.ok()) << f.error().message();
  EXPECT_EQ(f->eth, EthernetRepr{});
  EXPECT_EQ(f->tcp.seq, 0x1a2b3c4du);
  const auto v6 = parse_tcp_packet(std::span(kIpv6DataFrame).subspan(kEthernetHeaderLen));
  ASSERT_TRUE(v6.ok()) << v6.error().message();
  EXPECT_EQ(std::string(v6->payload.begin(), v6->payload.end()), "hello");
}

TEST(ParseTcpPacket, ErrorOffsetsCountFromPacketStart) {
  EXPECT_EQ(parse_tcp_packet({}).error(), (ParseError{Errc::Truncated, 0, "ip.header"}));
  Bytes packet(kSynFrame.begin() + kEthernetHeaderLen, kSynFrame.end());
  packet[0] = 0x55;
  EXPECT_EQ(parse_tcp_packet(packet).error(), (ParseError{Errc::BadVersion, 0, "ip.version"}));
  packet[0] = 0x45;
  packet[36] ^= 1;
  EXPECT_EQ(parse_tcp_packet(packet).error(), (ParseError{Errc::BadChecksum, 36, "tcp.checksum"}));
}

TEST(EmitTcpFrame, RefusesWhatItCannotWrite) {
  TcpRepr tcp;
  FrameAddressing a;
  a.src_ip = Ipv4Address{{10, 0, 0, 1}};
  a.dst_ip = *Ipv6Address::parse("::1");
  std::array<std::uint8_t, 128> out{};
  EXPECT_EQ(emit_tcp_frame(out, a, tcp, {}), 0u);  // families differ
  EXPECT_TRUE(build_tcp_frame(a, tcp, {}).empty());
  a.dst_ip = Ipv4Address{{10, 0, 0, 2}};
  EXPECT_EQ(emit_tcp_frame(std::span(out).first(53), a, tcp, {}), 0u);  // too small
  EXPECT_EQ(emit_tcp_frame(out, a, tcp, {}), 54u);
  const Bytes huge(65535, 0);
  EXPECT_TRUE(build_tcp_frame(a, tcp, huge).empty());  // IPv4 total length would overflow
}

}  // namespace
}  // namespace tcpsim::wire
