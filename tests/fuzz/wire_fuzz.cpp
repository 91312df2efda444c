// libFuzzer target for the wire formats: every parser must either refuse the bytes with an
// error that points inside them, or accept them and re-emit something that parses back to
// the same values (and, where the format allows, to the same bytes).
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "stack/wire/checksum.hpp"
#include "stack/wire/frame.hpp"
#include "stack/wire/tcp.hpp"
#include "stack/wire/tcp_options.hpp"

namespace {

using namespace tcpsim::wire;
using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

#define WIRE_FUZZ_CHECK(cond)                                                           \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (false)

bool same(ByteSpan a, ByteSpan b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

void check_error(const ParseError& e, std::size_t input_size) {
  WIRE_FUZZ_CHECK(e.offset <= input_size);
  WIRE_FUZZ_CHECK(!e.field.empty());
  WIRE_FUZZ_CHECK(!e.message().empty());
}

void check_options(ByteSpan in) {
  const auto parsed = TcpOptions::parse(in, 20);
  if (!parsed) {
    check_error(parsed.error(), 20 + in.size());
    WIRE_FUZZ_CHECK(parsed.error().offset >= 20);
    return;
  }
  const TcpOptions& o = *parsed;
  WIRE_FUZZ_CHECK(same(o.bytes(), in));
  WIRE_FUZZ_CHECK(o.padded_size() >= o.size() && o.padded_size() % 4 == 0);
  const auto again = TcpOptions::parse(o.bytes(), 0);
  WIRE_FUZZ_CHECK(again.ok() && *again == o && again->to_string() == o.to_string());

  // Rebuilding option by option with the appenders gives the bytes up to and including EOL.
  TcpOptions rebuilt;
  std::size_t covered = 0;
  o.for_each([&](std::uint8_t kind, ByteSpan data) {
    bool added = false;
    if (kind == tcp_option::kEol) {
      added = rebuilt.add_eol();
      covered += 1;
    } else if (kind == tcp_option::kNop) {
      added = rebuilt.add_nop();
      covered += 1;
    } else {
      added = rebuilt.add_unknown(kind, data);
      covered += 2 + data.size();
    }
    WIRE_FUZZ_CHECK(added);
  });
  WIRE_FUZZ_CHECK(covered <= o.size());
  WIRE_FUZZ_CHECK(same(rebuilt.bytes(), o.bytes().first(covered)));
  (void)o.mss();
  (void)o.window_scale();
  (void)o.sack_permitted();
  (void)o.timestamps();
  std::array<SackBlock, tcp_option::kMaxSackBlocks> blocks;
  WIRE_FUZZ_CHECK(o.sack_blocks(blocks) <= blocks.size());
}

void check_segment(ByteSpan in) {
  ByteSpan payload;
  const auto parsed = TcpRepr::parse(in, std::nullopt, &payload);
  const TcpView view(in);
  WIRE_FUZZ_CHECK(view.check().has_value() ==
                  (!parsed && parsed.error().code != Errc::OptionOverrun &&
                   parsed.error().code != Errc::BadOptionLength));
  if (!parsed) {
    check_error(parsed.error(), in.size());
    return;
  }
  const TcpRepr& tcp = *parsed;
  WIRE_FUZZ_CHECK(tcp.header_len() == view.header_len());
  WIRE_FUZZ_CHECK(tcp.header_len() + payload.size() == in.size());
  WIRE_FUZZ_CHECK(tcp.src_port == view.src_port() && tcp.seq == view.seq() &&
                  tcp.ack == view.ack() && tcp.flags == view.flags() &&
                  tcp.window == view.window() && tcp.urgent == view.urgent());
  (void)tcp.to_string();

  // Re-emit: identical except the checksum, which now verifies.
  Bytes out(tcp.header_len());
  out.insert(out.end(), payload.begin(), payload.end());
  const std::uint32_t pseudo = 0x1234;
  tcp.emit(out, payload, pseudo);
  WIRE_FUZZ_CHECK(same(ByteSpan(out).first(kTcpChecksumOffset), in.first(kTcpChecksumOffset)));
  WIRE_FUZZ_CHECK(
      same(ByteSpan(out).subspan(kTcpChecksumOffset + 2), in.subspan(kTcpChecksumOffset + 2)));
  const auto back = TcpRepr::parse(out, pseudo);
  WIRE_FUZZ_CHECK(back.ok() && *back == tcp);
}

// Byte positions the frame builder cannot reproduce from parsed values are overwritten from
// the input, then the two must match exactly (except checksum fields, whose 0x0000/0xffff
// forms are equivalent).
void check_frame_bytes(ByteSpan in, std::size_t ip_at, const ParsedTcpFrame& f, Bytes rebuilt) {
  const std::size_t tcp_at = ip_at + (f.ipv4 ? f.ipv4->header_len : Ipv6Repr::kHeaderLen);
  const std::size_t end = tcp_at + f.tcp.header_len() + f.payload.size();
  if (f.ipv4) {
    // Only an option-less IPv4 header with the flags and TOS the builder writes is comparable.
    const bool plain = f.ipv4->header_len == 20 && f.ipv4->dscp_ecn == 0 && f.ipv4->dont_fragment &&
                       (in[ip_at + 6] & 0x80) == 0;
    if (!plain) return;
  } else {
    f.ipv6->emit_header(std::span(rebuilt).subspan(ip_at));  // traffic class, flow label
  }
  WIRE_FUZZ_CHECK(rebuilt.size() == end);
  for (std::size_t i = 0; i < end; ++i) {
    const bool checksum_byte = (f.ipv4 && (i == ip_at + 10 || i == ip_at + 11)) ||
                               i == tcp_at + kTcpChecksumOffset ||
                               i == tcp_at + kTcpChecksumOffset + 1;
    if (!checksum_byte) WIRE_FUZZ_CHECK(rebuilt[i] == in[i]);
  }
}

void check_parsed(ByteSpan in, std::size_t ip_at, const ParsedTcpFrame& f) {
  WIRE_FUZZ_CHECK(f.ipv4.has_value() != f.ipv6.has_value());
  WIRE_FUZZ_CHECK(f.src_ip.family() == f.dst_ip.family());
  WIRE_FUZZ_CHECK(f.payload.data() >= in.data() &&
                  f.payload.data() + f.payload.size() <= in.data() + in.size());
  (void)f.tcp.to_string();

  FrameAddressing a;
  a.src_mac = f.eth.src;
  a.dst_mac = f.eth.dst;
  a.src_ip = f.src_ip;
  a.dst_ip = f.dst_ip;
  a.ttl = f.ipv4 ? f.ipv4->ttl : f.ipv6->hop_limit;
  a.ip_id = f.ipv4 ? f.ipv4->identification : 0;
  Bytes frame = build_tcp_frame(a, f.tcp, f.payload);
  WIRE_FUZZ_CHECK(!frame.empty());
  WIRE_FUZZ_CHECK(frame.size() == tcp_frame_size(f.src_ip.family(), f.tcp, f.payload.size()));
  const auto back = parse_tcp_frame(frame);
  WIRE_FUZZ_CHECK(back.ok());
  WIRE_FUZZ_CHECK(back->eth.src == f.eth.src && back->eth.dst == f.eth.dst);
  WIRE_FUZZ_CHECK(back->src_ip == f.src_ip && back->dst_ip == f.dst_ip);
  WIRE_FUZZ_CHECK(back->tcp == f.tcp);
  WIRE_FUZZ_CHECK(same(back->payload, f.payload));

  if (ip_at == kEthernetHeaderLen) {
    check_frame_bytes(in, ip_at, f, std::move(frame));
  } else {
    // From a bare packet: compare against the packet after the builder's Ethernet header.
    Bytes packet(frame.begin() + static_cast<std::ptrdiff_t>(kEthernetHeaderLen), frame.end());
    Bytes shifted(kEthernetHeaderLen, 0);
    shifted.insert(shifted.end(), in.begin(), in.end());
    Bytes rebuilt(kEthernetHeaderLen, 0);
    rebuilt.insert(rebuilt.end(), packet.begin(), packet.end());
    check_frame_bytes(shifted, kEthernetHeaderLen, f, std::move(rebuilt));
  }
}

void check_frame(ByteSpan in) {
  for (bool verify : {true, false}) {
    const auto f = parse_tcp_frame(in, verify);
    if (!f) {
      check_error(f.error(), in.size());
      continue;
    }
    check_parsed(in, kEthernetHeaderLen, *f);
  }
  const auto p = parse_tcp_packet(in, false);
  if (!p) {
    check_error(p.error(), in.size());
    return;
  }
  check_parsed(in, 0, *p);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan in(data, size);
  check_frame(in);
  check_segment(in);
  check_options(in.first(std::min<std::size_t>(size, TcpOptions::kMaxLen + 4)));
  // The checksum's word loop against odd splits.
  ChecksumAccumulator whole, pieces;
  whole.add(in);
  const std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  pieces.add(in.first(cut));
  pieces.add(in.subspan(cut));
  WIRE_FUZZ_CHECK(whole.fold() == pieces.fold());
  return 0;
}
