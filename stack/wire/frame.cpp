#include "stack/wire/frame.hpp"

#include <algorithm>

#include "stack/wire/checksum.hpp"

namespace tcpsim::wire {
namespace {

constexpr std::size_t kMaxIpPayload = 0xffff;

std::size_t ip_header_len(IpAddress::Family family) {
  return family == IpAddress::Family::V4 ? kIpv4MinHeaderLen : Ipv6Repr::kHeaderLen;
}

// Parses the TCP segment that starts `seg_offset` bytes into the IP packet, filling `out`.
// Error offsets are from the IP packet start.
std::optional<ParseError> parse_segment(std::span<const std::uint8_t> segment,
                                        std::size_t seg_offset, bool verify_checksum,
                                        ParsedTcpFrame& out) {
  std::optional<std::uint32_t> pseudo;
  if (verify_checksum) {
    pseudo = pseudo_header_sum(out.src_ip, out.dst_ip, kProtoTcp,
                               static_cast<std::uint32_t>(segment.size()));
  }
  auto tcp = TcpRepr::parse(segment, pseudo, &out.payload);
  if (!tcp) return tcp.error().shifted(seg_offset);
  out.tcp = std::move(tcp).value();
  return std::nullopt;
}

ParseResult<ParsedTcpFrame> parse_ipv4(std::span<const std::uint8_t> packet, bool verify) {
  auto ip = Ipv4Repr::parse(packet, verify);
  if (!ip) return tcpsim::fail(ip.error());
  if (ip->protocol != kProtoTcp) {
    return parse_error(Errc::BadProtocol, 9, "ipv4.protocol");
  }
  if (ip->is_fragment()) {
    return parse_error(
        Errc::Fragmented, 6, "ipv4.fragment",
        ip->fragment_offset != 0 ? "non-zero fragment offset" : "more-fragments flag set");
  }
  ParsedTcpFrame out;
  out.src_ip = ip->src;
  out.dst_ip = ip->dst;
  const auto segment = packet.subspan(ip->header_len, ip->payload_len);
  if (auto error = parse_segment(segment, ip->header_len, verify, out)) {
    return tcpsim::fail(*error);
  }
  out.ipv4 = *ip;
  return out;
}

ParseResult<ParsedTcpFrame> parse_ipv6(std::span<const std::uint8_t> packet, bool verify) {
  auto ip = Ipv6Repr::parse(packet);
  if (!ip) return tcpsim::fail(ip.error());
  if (ip->next_header != kProtoTcp) {
    return parse_error(Errc::BadProtocol, 6, "ipv6.next_header");
  }
  ParsedTcpFrame out;
  out.src_ip = ip->src;
  out.dst_ip = ip->dst;
  const auto segment = packet.subspan(Ipv6Repr::kHeaderLen, ip->payload_len);
  if (auto error = parse_segment(segment, Ipv6Repr::kHeaderLen, verify, out)) {
    return tcpsim::fail(*error);
  }
  out.ipv6 = *ip;
  return out;
}

}  // namespace

std::size_t tcp_frame_size(IpAddress::Family family, const TcpRepr& tcp, std::size_t payload_len) {
  return kEthernetHeaderLen + ip_header_len(family) + tcp.header_len() + payload_len;
}

std::size_t emit_tcp_frame(std::span<std::uint8_t> out, const FrameAddressing& addressing,
                           const TcpRepr& tcp, std::span<const std::uint8_t> payload) {
  const IpAddress& src = addressing.src_ip;
  const IpAddress& dst = addressing.dst_ip;
  if (src.family() != dst.family()) return 0;
  const std::size_t segment_len = tcp.header_len() + payload.size();
  const std::size_t ip_header = ip_header_len(src.family());
  const std::size_t ip_payload_limit = src.is_v4() ? kMaxIpPayload - ip_header : kMaxIpPayload;
  const std::size_t total = kEthernetHeaderLen + ip_header + segment_len;
  if (segment_len > ip_payload_limit || out.size() < total) return 0;

  EthernetRepr eth{addressing.dst_mac, addressing.src_mac,
                   src.is_v4() ? ethertype::kIpv4 : ethertype::kIpv6};
  eth.emit(out);
  const auto ip_out = out.subspan(kEthernetHeaderLen);
  if (src.is_v4()) {
    Ipv4Repr ip;
    ip.src = src.v4();
    ip.dst = dst.v4();
    ip.protocol = kProtoTcp;
    ip.ttl = addressing.ttl;
    ip.dscp_ecn = addressing.tos;
    ip.identification = addressing.ip_id;
    ip.dont_fragment = true;
    ip.payload_len = segment_len;
    ip.emit_header(ip_out);
  } else {
    Ipv6Repr ip;
    ip.src = src.v6();
    ip.dst = dst.v6();
    ip.next_header = kProtoTcp;
    ip.hop_limit = addressing.ttl;
    ip.traffic_class = addressing.tos;
    ip.flow_label = addressing.flow_label & 0xfffff;
    ip.payload_len = segment_len;
    ip.emit_header(ip_out);
  }
  const auto tcp_out = ip_out.subspan(ip_header);
  // Payload first, so the checksum pass reads it where it will stay.
  const auto payload_out = tcp_out.subspan(tcp.header_len(), payload.size());
  std::copy(payload.begin(), payload.end(), payload_out.begin());
  const std::uint32_t pseudo =
      pseudo_header_sum(src, dst, kProtoTcp, static_cast<std::uint32_t>(segment_len));
  tcp.emit(tcp_out, payload_out, pseudo);
  return total;
}

std::vector<std::uint8_t> build_tcp_frame(const FrameAddressing& addressing, const TcpRepr& tcp,
                                          std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> frame(tcp_frame_size(addressing.src_ip.family(), tcp, payload.size()));
  const std::size_t written = emit_tcp_frame(frame, addressing, tcp, payload);
  frame.resize(written);
  return frame;
}

ParseResult<ParsedTcpFrame> parse_tcp_frame(std::span<const std::uint8_t> frame,
                                            bool verify_checksums) {
  auto eth = EthernetRepr::parse(frame);
  if (!eth) return tcpsim::fail(eth.error());
  if (eth->ethertype != ethertype::kIpv4 && eth->ethertype != ethertype::kIpv6) {
    return parse_error(Errc::BadEtherType, 12, "ethernet.ethertype", "not IPv4 or IPv6");
  }
  const auto packet = frame.subspan(kEthernetHeaderLen);
  auto parsed = eth->ethertype == ethertype::kIpv4 ? parse_ipv4(packet, verify_checksums)
                                                   : parse_ipv6(packet, verify_checksums);
  if (!parsed) return tcpsim::fail(parsed.error().shifted(kEthernetHeaderLen));
  parsed->eth = *eth;
  return parsed;
}

ParseResult<ParsedTcpFrame> parse_tcp_packet(std::span<const std::uint8_t> ip_packet,
                                             bool verify_checksums) {
  if (ip_packet.empty()) return parse_error(Errc::Truncated, 0, "ip.header");
  switch (ip_packet[0] >> 4) {
    case 4:
      return parse_ipv4(ip_packet, verify_checksums);
    case 6:
      return parse_ipv6(ip_packet, verify_checksums);
    default:
      return parse_error(Errc::BadVersion, 0, "ip.version");
  }
}

}  // namespace tcpsim::wire
