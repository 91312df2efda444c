// Inbound ICMP errors: `< icmp unreachable frag_needed mtu 1200 [1:1461(1460)]`. The names
// are packetdrill's (icmp_packet.c), checked per address family before the script runs;
// the message is built as a router would send it (the quoted IP header and TCP header of
// the stack's segment, with its live addresses, ports and sequence number), written to the
// capture, and handed to the stack (TcpStack::on_icmp_error).
#include <fmt/core.h>

#include <array>
#include <charconv>

#include "sim/net/tap.hpp"
#include "sim/script/runner_impl.hpp"
#include "stack/tcp/icmp_error.hpp"
#include "stack/wire/checksum.hpp"
#include "stack/wire/frame.hpp"

namespace tcpsim::sim::script::detail {

namespace {

struct Name {
  std::string_view name;
  std::uint8_t value;
};

// packetdrill's tables (icmp_packet.c), error messages only: tcpsim injects errors.
constexpr std::array<Name, 5> kTypes4 = {{{"unreachable", 3},
                                          {"source_quench", 4},
                                          {"redirect", 5},
                                          {"time_exceeded", 11},
                                          {"parameter_problem", 12}}};
constexpr std::array<Name, 4> kTypes6 = {
    {{"unreachable", 1}, {"packet_too_big", 2}, {"time_exceeded", 3}, {"parameter_problem", 4}}};
constexpr std::array<Name, 16> kUnreach4 = {{{"net_unreachable", 0},
                                             {"host_unreachable", 1},
                                             {"protocol_unreachable", 2},
                                             {"port_unreachable", 3},
                                             {"frag_needed", 4},
                                             {"source_route_failed", 5},
                                             {"net_unknown", 6},
                                             {"host_unknown", 7},
                                             {"source_host_isolated", 8},
                                             {"net_prohibited", 9},
                                             {"host_prohibited", 10},
                                             {"net_unreachable_for_tos", 11},
                                             {"host_unreachable_for_tos", 12},
                                             {"packet_filtered", 13},
                                             {"precedence_violation", 14},
                                             {"precedence_cutoff", 15}}};
constexpr std::array<Name, 6> kUnreach6 = {{{"net_unreachable", 0},
                                            {"no_route", 0},
                                            {"admin_prohibited", 1},
                                            {"not_neighbour", 2},
                                            {"address_unreachable", 3},
                                            {"port_unreachable", 4}}};
constexpr std::array<Name, 2> kTimeExceeded6 = {
    {{"exceeded_hop_limit", 0}, {"exceeded_frag_time", 1}}};
constexpr std::array<Name, 3> kParamProblem6 = {
    {{"header_field", 0}, {"unknown_next_header", 1}, {"unknown_option", 2}}};

// "type_N" / "code_N" (tcpdump's notation, which packetdrill accepts).
std::optional<std::uint32_t> numbered(std::string_view text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::string_view digits = text.substr(prefix.size());
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty())
    return std::nullopt;
  return v;
}

template <std::size_t N>
std::optional<std::uint8_t> lookup(const std::array<Name, N>& table, std::string_view name) {
  for (const Name& n : table) {
    if (n.name == name) return n.value;
  }
  return std::nullopt;
}

template <std::size_t N>
std::string names(const std::array<Name, N>& table) {
  std::string s;
  for (const Name& n : table) s += (s.empty() ? "" : ", ") + std::string(n.name);
  return s;
}

std::optional<std::uint8_t> code_in(std::span<const Name> table, std::string_view name) {
  for (const Name& n : table) {
    if (n.name == name) return n.value;
  }
  return std::nullopt;
}

std::span<const Name> code_table(bool v6, std::uint8_t type) {
  if (!v6) return type == 3 ? std::span<const Name>(kUnreach4) : std::span<const Name>();
  if (type == 1) return kUnreach6;
  if (type == 3) return kTimeExceeded6;
  if (type == 4) return kParamProblem6;
  return {};
}

// The 8-byte ICMP header and the quoted bytes after the IP header, checksum filled in.
std::vector<std::uint8_t> icmp_message(const tcp::IcmpError& e, const wire::IpAddress& src,
                                       const wire::IpAddress& dst,
                                       std::span<const std::uint8_t> quoted) {
  std::vector<std::uint8_t> m(8 + quoted.size(), 0);
  m[0] = e.type;
  m[1] = e.code;
  if (e.mtu != 0 && e.v6) {  // RFC 4443 §3.2: a 32-bit MTU
    for (int i = 0; i < 4; ++i) m[4 + i] = static_cast<std::uint8_t>(e.mtu >> (24 - 8 * i));
  } else if (e.mtu != 0) {  // RFC 1191 §4: the next-hop MTU in the low 16 bits
    m[6] = static_cast<std::uint8_t>(e.mtu >> 8);
    m[7] = static_cast<std::uint8_t>(e.mtu);
  }
  std::copy(quoted.begin(), quoted.end(), m.begin() + 8);
  wire::ChecksumAccumulator sum;
  // ICMPv6 covers a pseudo-header (RFC 4443 §2.3); ICMPv4 the message alone (RFC 792).
  if (e.v6)
    sum.add_sum(wire::pseudo_header_sum(src, dst, 58, static_cast<std::uint32_t>(m.size())));
  sum.add(m);
  std::uint16_t c = sum.finish();
  m[2] = static_cast<std::uint8_t>(c >> 8);
  m[3] = static_cast<std::uint8_t>(c);
  return m;
}

}  // namespace

std::optional<std::string> resolve_icmp(const IcmpSpec& s, bool v6, std::uint8_t& type,
                                        std::uint8_t& code) {
  std::string_view family = v6 ? "ICMPv6" : "ICMPv4";
  auto t = v6 ? lookup(kTypes6, s.type) : lookup(kTypes4, s.type);
  if (!t) {
    auto n = numbered(s.type, "type_");
    bool error_type =
        n && (v6 ? (*n >= 1 && *n <= 4) : (*n == 3 || *n == 4 || *n == 5 || *n == 11 || *n == 12));
    if (!error_type) {
      return fmt::format(
          "unknown {} error type '{}' (allowed: {}, or type_N of an error "
          "message; tcpsim injects ICMP errors only)",
          family, s.type, v6 ? names(kTypes6) : names(kTypes4));
    }
    t = static_cast<std::uint8_t>(*n);
  }
  type = *t;
  code = 0;
  if (!s.code.empty()) {
    std::span<const Name> table = code_table(v6, type);
    auto c = code_in(table, s.code);
    if (!c) {
      auto n = numbered(s.code, "code_");
      if (!n || *n > 255) {
        std::string allowed;
        for (const Name& x : table) allowed += (allowed.empty() ? "" : ", ") + std::string(x.name);
        return fmt::format("unknown {} code '{}' for {} (allowed: {}code_N)", family, s.code,
                           s.type, allowed.empty() ? "" : allowed + ", ");
      }
      c = static_cast<std::uint8_t>(*n);
    }
    code = *c;
  }
  bool wants_mtu = v6 ? type == tcp::icmp::kV6PacketTooBig
                      : type == tcp::icmp::kUnreachable && code == tcp::icmp::kFragNeeded;
  if (wants_mtu && !s.mtu) {
    return fmt::format(
        "missing mtu: {} {} reports the next-hop MTU (add mtu N; mtu 0 for a "
        "router that reports none)",
        s.type, s.code);
  }
  if (!wants_mtu && s.mtu) {
    return fmt::format("{} MTU is only valid for {}", family,
                       v6 ? "packet_too_big" : "unreachable frag_needed");
  }
  if (s.mtu && !v6 && *s.mtu > 0xffff) return "ICMPv4 MTU out of 16-bit range";
  return std::nullopt;
}

Step Runner::inject_icmp(const Event& e, const PacketSpec& p) {
  if (flow_.kind == Flow::Kind::None || flow_.kind == Flow::Kind::Listening) {
    return fail_at(e.line, "an ICMP error quotes a segment of a connection, and there is none");
  }
  bool v6 = !flow_.local.addr.is_v4();
  tcp::IcmpError err;
  err.v6 = v6;
  (void)resolve_icmp(*p.icmp, v6, err.type, err.code);  // checked before the run
  err.mtu = p.icmp->mtu.value_or(0);
  err.local = flow_.local;
  err.remote = flow_.remote;
  err.seq = p.start + flow_.local_offset();
  err.quoted_length = (v6 ? 40u : 20u) + 20u + p.len;
  log(fmt::format("{} < {}", secs(now_), to_string(p)));
  if (pcap_) {
    // The quoted datagram: our segment as it left, with its IP header and the TCP header
    // (RFC 792 asks for 64 bits of it; routers send more, RFC 1812 §4.3.2.3).
    wire::FrameAddressing q;
    q.src_ip = flow_.local.addr;
    q.dst_ip = flow_.remote.addr;
    wire::TcpRepr h;
    h.src_port = flow_.local.port;
    h.dst_port = flow_.remote.port;
    h.seq = err.seq;
    const tcp::Connection* c = flow_connection();
    bool syn = c != nullptr && err.seq == c->info().iss && !tcp::is_synchronized(c->state());
    h.flags = syn ? wire::tcp_flag::kSyn : wire::tcp_flag::kAck;
    if (!syn && c != nullptr) h.ack = c->info().rcv_nxt;
    std::vector<std::uint8_t> payload(p.len, 0);
    std::vector<std::uint8_t> inner = wire::build_tcp_frame(q, h, payload);
    std::size_t keep = wire::kEthernetHeaderLen + (v6 ? 40 : 20) + 20;
    std::span<const std::uint8_t> quoted(inner.data() + wire::kEthernetHeaderLen,
                                         std::min(inner.size(), keep) - wire::kEthernetHeaderLen);
    std::vector<std::uint8_t> msg = icmp_message(err, flow_.remote.addr, flow_.local.addr, quoted);
    std::vector<std::uint8_t> frame(wire::kEthernetHeaderLen + (v6 ? 40 : 20) + msg.size());
    wire::EthernetRepr eth{kStackMacAddress, kScriptMacAddress,
                           v6 ? wire::ethertype::kIpv6 : wire::ethertype::kIpv4};
    eth.emit(frame);
    std::span<std::uint8_t> ip(frame.data() + wire::kEthernetHeaderLen, v6 ? 40u : 20u);
    if (v6) {
      wire::Ipv6Repr r{flow_.remote.addr.v6(),
                       flow_.local.addr.v6(),
                       58,
                       p.ip.ttl.value_or(64),
                       p.ip.tos.value_or(0),
                       0,
                       msg.size()};
      r.emit_header(ip);
    } else {
      wire::Ipv4Repr r;
      r.src = flow_.remote.addr.v4();
      r.dst = flow_.local.addr.v4();
      r.protocol = 1;
      r.ttl = p.ip.ttl.value_or(64);
      r.dscp_ecn = p.ip.tos.value_or(0);
      r.identification = ip_id_in_++;
      r.dont_fragment = false;
      r.payload_len = msg.size();
      r.emit_header(ip);
    }
    std::copy(msg.begin(), msg.end(), frame.begin() + wire::kEthernetHeaderLen + ip.size());
    pcap_->write(kDefaultCaptureBase + now_, frame);
  }
  stack().on_icmp_error(now_, err);
  after_change();
  return settle();
}

}  // namespace tcpsim::sim::script::detail
