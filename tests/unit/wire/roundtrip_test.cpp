// Property tests: random values survive emit -> parse, and re-emit gives the same bytes.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "stack/wire/checksum.hpp"
#include "stack/wire/frame.hpp"
#include "stack/wire/tcp.hpp"

namespace tcpsim::wire {
namespace {

using Bytes = std::vector<std::uint8_t>;

template <class T>
T pick(std::mt19937& rng) {
  return static_cast<T>(rng());
}

Bytes random_bytes(std::mt19937& rng, std::size_t n) {
  Bytes v(n);
  for (auto& b : v) b = pick<std::uint8_t>(rng);
  return v;
}

TcpOptions random_options(std::mt19937& rng) {
  TcpOptions o;
  const int count = static_cast<int>(rng() % 9);
  for (int i = 0; i < count; ++i) {
    // Each add may be refused for lack of room; the list stays valid either way.
    switch (rng() % 8) {
      case 0:
        o.add_mss(pick<std::uint16_t>(rng));
        break;
      case 1:
        o.add_window_scale(static_cast<std::uint8_t>(rng() % 15));
        break;
      case 2:
        o.add_sack_permitted();
        break;
      case 3:
        o.add_timestamps(pick<std::uint32_t>(rng), pick<std::uint32_t>(rng));
        break;
      case 4: {
        SackBlock blocks[4];
        for (auto& b : blocks) b = {pick<std::uint32_t>(rng), pick<std::uint32_t>(rng)};
        o.add_sack(std::span(blocks, 1 + rng() % 4));
        break;
      }
      case 5:
        o.add_nop();
        break;
      case 6: {
        std::uint8_t kind = static_cast<std::uint8_t>(6 + rng() % 250);
        if (kind == tcp_option::kTimestamps) kind = 254;
        o.add_unknown(kind, random_bytes(rng, rng() % 12));
        break;
      }
      default:
        if (rng() % 4 == 0) o.add_eol();
        break;
    }
  }
  return o;
}

TcpRepr random_tcp(std::mt19937& rng) {
  TcpRepr t;
  t.src_port = pick<std::uint16_t>(rng);
  t.dst_port = pick<std::uint16_t>(rng);
  t.seq = pick<std::uint32_t>(rng);
  t.ack = pick<std::uint32_t>(rng);
  t.flags = pick<std::uint8_t>(rng);
  t.window = pick<std::uint16_t>(rng);
  t.urgent = pick<std::uint16_t>(rng);
  t.reserved = static_cast<std::uint8_t>(rng() % 16);
  t.options = random_options(rng);
  return t;
}

MacAddress random_mac(std::mt19937& rng) {
  MacAddress m;
  for (auto& b : m.bytes) b = pick<std::uint8_t>(rng);
  return m;
}

FrameAddressing random_addressing(std::mt19937& rng, bool v6) {
  FrameAddressing a;
  a.src_mac = random_mac(rng);
  a.dst_mac = random_mac(rng);
  if (v6) {
    Ipv6Address s, d;
    for (auto& b : s.bytes) b = pick<std::uint8_t>(rng);
    for (auto& b : d.bytes) b = pick<std::uint8_t>(rng);
    a.src_ip = s;
    a.dst_ip = d;
  } else {
    a.src_ip = Ipv4Address::from_u32(pick<std::uint32_t>(rng));
    a.dst_ip = Ipv4Address::from_u32(pick<std::uint32_t>(rng));
    a.ip_id = pick<std::uint16_t>(rng);
  }
  a.ttl = pick<std::uint8_t>(rng);
  return a;
}

TEST(WireRoundTrip, RandomTcpReprSurvivesEmitParseEmit) {
  std::mt19937 rng(9293);
  for (int i = 0; i < 4000; ++i) {
    const TcpRepr tcp = random_tcp(rng);
    const Bytes payload = random_bytes(rng, rng() % 64);
    const std::uint32_t pseudo = rng() % 0x10000;
    Bytes segment(tcp.header_len());
    segment.insert(segment.end(), payload.begin(), payload.end());
    tcp.emit(segment, payload, pseudo);

    std::span<const std::uint8_t> parsed_payload;
    const auto back = TcpRepr::parse(segment, pseudo, &parsed_payload);
    ASSERT_TRUE(back.ok()) << i << ": " << back.error().message() << " " << tcp.to_string();
    ASSERT_EQ(*back, tcp) << i << ": " << tcp.to_string() << " vs " << back->to_string();
    ASSERT_EQ(Bytes(parsed_payload.begin(), parsed_payload.end()), payload) << i;
    ASSERT_EQ(back->to_string(), tcp.to_string()) << i;

    Bytes again(back->header_len());
    again.insert(again.end(), payload.begin(), payload.end());
    back->emit(again, payload, pseudo);
    ASSERT_EQ(again, segment) << i;
  }
}

TEST(WireRoundTrip, RandomOptionBytesParseThenReproduce) {
  std::mt19937 rng(7323);
  for (int i = 0; i < 4000; ++i) {
    const TcpOptions built = random_options(rng);
    const auto parsed = TcpOptions::parse(built.bytes(), 20);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    ASSERT_EQ(*parsed, built);
    ASSERT_TRUE(std::equal(parsed->bytes().begin(), parsed->bytes().end(), built.bytes().begin(),
                           built.bytes().end()));
    ASSERT_EQ(parsed->to_string(), built.to_string());
  }
}

void check_frame_round_trip(std::mt19937& rng, bool v6, int iterations) {
  for (int i = 0; i < iterations; ++i) {
    const FrameAddressing a = random_addressing(rng, v6);
    const TcpRepr tcp = random_tcp(rng);
    const Bytes payload = random_bytes(rng, rng() % 200);
    const Bytes frame = build_tcp_frame(a, tcp, payload);
    ASSERT_EQ(frame.size(), tcp_frame_size(a.src_ip.family(), tcp, payload.size()));

    const auto f = parse_tcp_frame(frame);
    ASSERT_TRUE(f.ok()) << i << ": " << f.error().message();
    EXPECT_EQ(f->eth.src, a.src_mac);
    EXPECT_EQ(f->eth.dst, a.dst_mac);
    EXPECT_EQ(f->src_ip, a.src_ip);
    EXPECT_EQ(f->dst_ip, a.dst_ip);
    ASSERT_EQ(f->ipv6.has_value(), v6);
    ASSERT_EQ(f->ipv4.has_value(), !v6);
    if (v6) {
      EXPECT_EQ(f->ipv6->hop_limit, a.ttl);
    } else {
      EXPECT_EQ(f->ipv4->ttl, a.ttl);
      EXPECT_EQ(f->ipv4->identification, a.ip_id);
      EXPECT_TRUE(f->ipv4->dont_fragment);
    }
    ASSERT_EQ(f->tcp, tcp) << i;
    ASSERT_EQ(Bytes(f->payload.begin(), f->payload.end()), payload);

    FrameAddressing again = a;
    again.src_ip = f->src_ip;
    again.dst_ip = f->dst_ip;
    ASSERT_EQ(build_tcp_frame(again, f->tcp, f->payload), frame) << i;

    // The same packet without its Ethernet header parses to the same values.
    const auto p = parse_tcp_packet(std::span(frame).subspan(kEthernetHeaderLen));
    ASSERT_TRUE(p.ok()) << p.error().message();
    ASSERT_EQ(p->tcp, tcp);
  }
}

TEST(WireRoundTrip, RandomIpv4FramesSurviveBuildParseBuild) {
  std::mt19937 rng(791);
  check_frame_round_trip(rng, false, 2000);
}

TEST(WireRoundTrip, RandomIpv6FramesSurviveBuildParseBuild) {
  std::mt19937 rng(8200);
  check_frame_round_trip(rng, true, 2000);
}

TEST(WireRoundTrip, MutatedFramesEitherFailOrRoundTrip) {
  // Flip random bytes of valid frames: the parser must never misbehave, and anything it accepts
  // must rebuild into a frame that parses to the same values.
  std::mt19937 rng(1);
  for (int i = 0; i < 3000; ++i) {
    const bool v6 = rng() % 2 == 0;
    Bytes frame =
        build_tcp_frame(random_addressing(rng, v6), random_tcp(rng), random_bytes(rng, rng() % 40));
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < flips; ++k) frame[rng() % frame.size()] = pick<std::uint8_t>(rng);
    if (rng() % 4 == 0) frame.resize(rng() % (frame.size() + 1));
    const auto f = parse_tcp_frame(frame, rng() % 2 == 0);
    if (!f.ok()) {
      ASSERT_LE(f.error().offset, frame.size() + 40) << f.error().message();
      continue;
    }
    FrameAddressing a;
    a.src_mac = f->eth.src;
    a.dst_mac = f->eth.dst;
    a.src_ip = f->src_ip;
    a.dst_ip = f->dst_ip;
    const Bytes rebuilt = build_tcp_frame(a, f->tcp, f->payload);
    const auto g = parse_tcp_frame(rebuilt);
    ASSERT_TRUE(g.ok()) << g.error().message();
    ASSERT_EQ(g->tcp, f->tcp);
    ASSERT_TRUE(
        std::equal(g->payload.begin(), g->payload.end(), f->payload.begin(), f->payload.end()));
  }
}

}  // namespace
}  // namespace tcpsim::wire
