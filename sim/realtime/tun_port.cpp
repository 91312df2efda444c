#include "sim/realtime/tun_port.hpp"

#include "stack/base/enum_names.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "sim/core/simulator.hpp"
#include "sim/net/environment.hpp"
#include "sim/net/interface.hpp"
#include "sim/net/packet.hpp"
#include "sim/trace/trace.hpp"
#include "stack/wire/frame.hpp"

namespace tcpsim::sim {

constexpr EnumNames<IntakeDrop, 7> kIntakeDropNames{{{
    {IntakeDrop::NotTcp, "not-tcp"},
    {IntakeDrop::ExtensionHeader, "ipv6-extension-header"},
    {IntakeDrop::Fragment, "fragment"},
    {IntakeDrop::BadChecksum, "bad-checksum"},
    {IntakeDrop::Malformed, "malformed"},
    {IntakeDrop::NotForHost, "not-for-host"},
    {IntakeDrop::LinkDown, "link-down"},
}}};

std::string_view to_string(IntakeDrop reason) {
  return kIntakeDropNames.name(reason);
}

IntakeDrop classify(const wire::ParseError& error) {
  switch (error.code) {
    case wire::Errc::BadProtocol:
      return IntakeDrop::NotTcp;
    case wire::Errc::UnsupportedExtensionHeader:
      return IntakeDrop::ExtensionHeader;
    case wire::Errc::Fragmented:
      return IntakeDrop::Fragment;
    case wire::Errc::BadChecksum:
      return IntakeDrop::BadChecksum;
    default:
      return IntakeDrop::Malformed;
  }
}

std::uint64_t TunPortStats::dropped_total() const {
  std::uint64_t n = 0;
  for (std::uint64_t d : dropped) n += d;
  return n;
}

std::string IntakeResult::describe() const {
  if (!dropped) return "entered";
  std::string text(to_string(*dropped));
  if (error) text += ": " + error->message();
  return text;
}

TunPort::TunPort(std::string name, std::vector<wire::IpAddress> accept, PacketSink& sink)
    : Node(std::move(name)), accept_(std::move(accept)), sink_(&sink) {}

IntakeResult TunPort::drop(Nanos now, IntakeDrop reason, std::optional<wire::ParseError> error,
                           std::span<const std::uint8_t> packet) {
  ++stats_.dropped[static_cast<std::size_t>(reason)];
  IntakeResult r{reason, error};
  if (in_network()) {
    Trace& t = environment().trace;
    if (t.enabled()) {
      TraceEvent e(now, TraceType::SegmentDropped, name());
      e.add("cause", std::string(to_string(reason)))
          .add("by", std::string("tun"))
          .add("bytes", packet.size());
      if (error) e.add("detail", error->message());
      t.emit(e);
    }
  }
  return r;
}

IntakeResult TunPort::inject(Nanos now, std::span<const std::uint8_t> ip_packet) {
  auto parsed = wire::parse_tcp_packet(ip_packet, /*verify_checksums=*/true);
  if (!parsed) return drop(now, classify(parsed.error()), parsed.error(), ip_packet);
  if (std::find(accept_.begin(), accept_.end(), parsed->dst_ip) == accept_.end()) {
    return drop(now, IntakeDrop::NotForHost, std::nullopt, ip_packet);
  }
  if (!in_network() || interface_count() == 0 || !interface(0).connected()) {
    return drop(now, IntakeDrop::LinkDown, std::nullopt, ip_packet);
  }
  tcp::IpSegment seg;
  seg.src = parsed->src_ip;
  seg.dst = parsed->dst_ip;
  seg.segment.header = std::move(parsed->tcp);
  seg.segment.payload.assign(parsed->payload.begin(), parsed->payload.end());
  ++stats_.packets_in;
  stats_.bytes_in += ip_packet.size();
  interface(0).send(now, environment().packet_ids.make(std::move(seg)));
  return IntakeResult{};
}

void TunPort::receive(Nanos, Packet&& packet, Interface& in) {
  const tcp::IpSegment& s = packet.ip;
  // The bytes the egress capture showed: TTL as the sender put the frame on the link (the
  // link's arrival counted one hop, which the kernel should not see twice).
  const std::uint16_t before = packet.hops > 0 ? packet.hops - 1 : 0;
  wire::FrameAddressing addressing{
      in.peer().mac(),
      in.mac(),
      s.src,
      s.dst,
      static_cast<std::uint8_t>(kInitialTtl - std::min<std::uint16_t>(before, 63)),
      static_cast<std::uint16_t>(packet.id)};
  buffer_.resize(packet.wire_size());
  std::size_t n = wire::emit_tcp_frame(buffer_, addressing, s.segment.header, s.segment.payload);
  if (n <= kEthernetHeaderLen) {
    ++stats_.write_failures;
    return;
  }
  std::span<const std::uint8_t> ip(buffer_.data() + kEthernetHeaderLen, n - kEthernetHeaderLen);
  if (!sink_->write_packet(ip)) {
    ++stats_.write_failures;
    return;
  }
  ++stats_.packets_out;
  stats_.bytes_out += ip.size();
}

}  // namespace tcpsim::sim
