#include "stack/wire/tcp.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "stack/wire/ipv4.hpp"

namespace tcpsim::wire {
namespace {

// The TCP header of a captured-style Linux SYN, 10.0.2.15:40000 -> 93.184.216.34:80,
// seq 0x1a2b3c4d, window 64240, options mss 1460, sackOK, TS 123456/0, nop, wscale 7.
// Checksum 0x35db, computed independently (python3) over the IPv4 pseudo-header.
constexpr std::array<std::uint8_t, 40> kSyn = {
    0x9c, 0x40, 0x00, 0x50, 0x1a, 0x2b, 0x3c, 0x4d, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
    0xfa, 0xf0, 0x35, 0xdb, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
    0x00, 0x01, 0xe2, 0x40, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07};

std::uint32_t syn_pseudo_sum(std::size_t len = kSyn.size()) {
  return pseudo_header_sum(Ipv4Address{{10, 0, 2, 15}}, Ipv4Address{{93, 184, 216, 34}}, kProtoTcp,
                           static_cast<std::uint16_t>(len));
}

ParseError parse_failure(std::span<const std::uint8_t> bytes,
                         std::optional<std::uint32_t> pseudo = std::nullopt) {
  const auto r = TcpRepr::parse(bytes, pseudo);
  EXPECT_FALSE(r.ok());
  return r.ok() ? ParseError{} : r.error();
}

TEST(TcpRepr, ParsesRealSyn) {
  std::span<const std::uint8_t> payload;
  const auto tcp = TcpRepr::parse(kSyn, syn_pseudo_sum(), &payload);
  ASSERT_TRUE(tcp.ok()) << tcp.error().message();
  EXPECT_EQ(tcp->src_port, 40000);
  EXPECT_EQ(tcp->dst_port, 80);
  EXPECT_EQ(tcp->seq, 0x1a2b3c4du);
  EXPECT_EQ(tcp->ack, 0u);
  EXPECT_EQ(tcp->flags, tcp_flag::kSyn);
  EXPECT_TRUE(tcp->has(tcp_flag::kSyn));
  EXPECT_FALSE(tcp->has(tcp_flag::kAck));
  EXPECT_EQ(tcp->window, 64240);
  EXPECT_EQ(tcp->urgent, 0);
  EXPECT_EQ(tcp->reserved, 0);
  EXPECT_EQ(tcp->options.mss(), 1460);
  EXPECT_TRUE(tcp->options.sack_permitted());
  EXPECT_EQ(tcp->options.timestamps(), (TcpTimestamps{123456, 0}));
  EXPECT_EQ(tcp->options.window_scale(), 7);
  EXPECT_EQ(tcp->header_len(), 40u);
  EXPECT_TRUE(payload.empty());
  EXPECT_EQ(payload.data(), kSyn.data() + 40);
}

TEST(TcpRepr, EmitsRealSynByteExact) {
  const auto tcp = TcpRepr::parse(kSyn, syn_pseudo_sum());
  ASSERT_TRUE(tcp.ok());
  std::array<std::uint8_t, 40> out{};
  tcp->emit(out, {}, syn_pseudo_sum());
  EXPECT_EQ(out, kSyn);
}

TEST(TcpRepr, BuiltFromValuesMatchesCapture) {
  TcpRepr tcp;
  tcp.src_port = 40000;
  tcp.dst_port = 80;
  tcp.seq = 0x1a2b3c4d;
  tcp.flags = tcp_flag::kSyn;
  tcp.window = 64240;
  ASSERT_TRUE(tcp.options.add_mss(1460));
  ASSERT_TRUE(tcp.options.add_sack_permitted());
  ASSERT_TRUE(tcp.options.add_timestamps(123456, 0));
  ASSERT_TRUE(tcp.options.add_nop());
  ASSERT_TRUE(tcp.options.add_window_scale(7));
  std::array<std::uint8_t, 40> out{};
  ASSERT_EQ(tcp.header_len(), out.size());
  tcp.emit(out, {}, syn_pseudo_sum());
  EXPECT_EQ(out, kSyn);
}

TEST(TcpRepr, ToStringIsOneLine) {
  const auto tcp = TcpRepr::parse(kSyn, std::nullopt);
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ(tcp->to_string(),
            "40000 > 80 [SYN] seq=439041101 ack=0 win=64240 "
            "<mss 1460,sackOK,TS val 123456 ecr 0,nop,wscale 7>");
  TcpRepr rst;
  rst.src_port = 1;
  rst.dst_port = 2;
  rst.flags = tcp_flag::kRst | tcp_flag::kAck | tcp_flag::kUrg;
  rst.urgent = 5;
  rst.reserved = 1;
  EXPECT_EQ(rst.to_string(), "1 > 2 [RST,ACK,URG] seq=0 ack=0 win=0 urg=5 res=1");
}

TEST(TcpRepr, FlagsToString) {
  EXPECT_EQ(flags_to_string(0), "none");
  EXPECT_EQ(flags_to_string(tcp_flag::kSyn | tcp_flag::kAck), "SYN,ACK");
  EXPECT_EQ(flags_to_string(tcp_flag::kFin | tcp_flag::kPsh | tcp_flag::kAck), "FIN,PSH,ACK");
  EXPECT_EQ(flags_to_string(0xff), "SYN,FIN,RST,PSH,ACK,URG,ECE,CWR");
  EXPECT_EQ(flags_to_string(tcp_flag::kCwr | tcp_flag::kEce | tcp_flag::kSyn), "SYN,ECE,CWR");
}

TEST(TcpRepr, PayloadAndReservedBitsSurviveRoundTrip) {
  TcpRepr tcp;
  tcp.src_port = 443;
  tcp.dst_port = 50000;
  tcp.seq = 7;
  tcp.ack = 9;
  tcp.flags = tcp_flag::kPsh | tcp_flag::kAck;
  tcp.window = 1;
  tcp.reserved = 0x0b;
  const std::vector<std::uint8_t> payload = {'h', 'e', 'l', 'l', 'o'};
  std::vector<std::uint8_t> segment(tcp.header_len());
  segment.insert(segment.end(), payload.begin(), payload.end());
  const std::uint32_t pseudo = syn_pseudo_sum(segment.size());
  tcp.emit(segment, payload, pseudo);
  std::span<const std::uint8_t> parsed_payload;
  const auto back = TcpRepr::parse(segment, pseudo, &parsed_payload);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, tcp);
  EXPECT_TRUE(
      std::equal(parsed_payload.begin(), parsed_payload.end(), payload.begin(), payload.end()));
}

TEST(TcpView, AccessorsAfterCheck) {
  const auto view = TcpView::create(kSyn);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->src_port(), 40000);
  EXPECT_EQ(view->dst_port(), 80);
  EXPECT_EQ(view->seq(), 0x1a2b3c4du);
  EXPECT_EQ(view->ack(), 0u);
  EXPECT_EQ(view->data_offset(), 10);
  EXPECT_EQ(view->header_len(), 40u);
  EXPECT_EQ(view->flags(), tcp_flag::kSyn);
  EXPECT_EQ(view->window(), 64240);
  EXPECT_EQ(view->checksum(), 0x35db);
  EXPECT_EQ(view->urgent(), 0);
  EXPECT_EQ(view->options_bytes().size(), 20u);
  EXPECT_EQ(view->options_bytes().data(), kSyn.data() + 20);
  EXPECT_TRUE(view->payload().empty());
  EXPECT_TRUE(view->verify_checksum(syn_pseudo_sum()));
  EXPECT_FALSE(view->verify_checksum(syn_pseudo_sum(41)));
}

TEST(TcpView, CheckReportsTheSameErrorsAsParse) {
  EXPECT_EQ(TcpView(std::span(kSyn).first(19)).check(),
            (ParseError{Errc::Truncated, 0, "tcp.header"}));
  EXPECT_FALSE(TcpView(kSyn).check().has_value());
  EXPECT_FALSE(TcpView::create({}).ok());
}

TEST(TcpRepr, Truncated) {
  EXPECT_EQ(parse_failure(std::span(kSyn).first(19)),
            (ParseError{Errc::Truncated, 0, "tcp.header"}));
}

TEST(TcpRepr, DataOffsetBelowFive) {
  auto bytes = kSyn;
  bytes[12] = 0x40;
  const auto e = parse_failure(bytes);
  EXPECT_EQ(e.code, Errc::BadDataOffset);
  EXPECT_EQ(e.offset, 12u);
  EXPECT_EQ(e.field, "tcp.data_offset");
}

TEST(TcpRepr, DataOffsetPastTheSegment) {
  auto bytes = kSyn;
  bytes[12] = 0xb0;  // 44 bytes of header in a 40-byte segment
  const auto e = parse_failure(bytes);
  EXPECT_EQ(e.code, Errc::BadDataOffset);
  EXPECT_EQ(e.offset, 12u);
  EXPECT_EQ(e.field, "tcp.data_offset");
}

TEST(TcpRepr, BadChecksum) {
  auto bytes = kSyn;
  bytes[15] ^= 0x01;  // window changed, checksum not
  const auto e = parse_failure(bytes, syn_pseudo_sum());
  EXPECT_EQ(e, (ParseError{Errc::BadChecksum, 16, "tcp.checksum"}));
  EXPECT_TRUE(TcpRepr::parse(bytes, std::nullopt).ok());  // not checked without a pseudo sum
  // A wrong pseudo-header (e.g. another destination) fails too.
  EXPECT_EQ(parse_failure(kSyn, syn_pseudo_sum() + 1).code, Errc::BadChecksum);
}

TEST(TcpRepr, OptionErrorsCountFromSegmentStart) {
  auto bytes = kSyn;
  bytes[21] = 0x05;  // MSS with length 5
  const auto e = parse_failure(bytes);
  EXPECT_EQ(e.code, Errc::BadOptionLength);
  EXPECT_EQ(e.offset, 21u);
  EXPECT_EQ(e.field, "tcp.options.mss");

  auto overrun = kSyn;
  overrun[38] = 0x04;  // window scale's length now runs past the header
  const auto o = parse_failure(overrun);
  EXPECT_EQ(o.code, Errc::BadOptionLength);  // known kind: its length is wrong first
  overrun[37] = 0xfd;                        // an unknown kind with the same length
  const auto u = parse_failure(overrun);
  EXPECT_EQ(u.code, Errc::OptionOverrun);
  EXPECT_EQ(u.offset, 38u);
  EXPECT_EQ(u.field, "tcp.options");
}

}  // namespace
}  // namespace tcpsim::wire
