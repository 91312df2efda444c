// Packets: '<' builds a segment from the script and hands it to the stack; '>' takes the
// next segment the stack sent on the connection under test and compares it field by field.
//
// Numbers are mapped as packetdrill maps them: the script's own (remote) sequence numbers
// go on the wire as written; the stack's sequence numbers are written relative to the ISN
// the script gave in the SYN or SYN,ACK it expected, and mapped to the live ISN learned
// from the packet that matched. Outbound TS val is compared only with --tcp_ts_tick_usecs
// (then to within the tolerance); inbound TS ecr is replaced by the live TS val of the
// outbound packet whose script TS val it names.
#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>

#include "sim/net/tap.hpp"
#include "sim/script/runner_impl.hpp"
#include "stack/wire/frame.hpp"

namespace tcpsim::sim::script::detail {

using namespace wire::tcp_flag;

namespace {

// A `*` outbound packet may take this long to come.
constexpr Nanos kAnyTimeLimitForPackets = 3600 * kSecond;

std::uint32_t be32(std::span<const std::uint8_t> d, std::size_t at) {
  return (std::uint32_t{d[at]} << 24) | (std::uint32_t{d[at + 1]} << 16) |
         (std::uint32_t{d[at + 2]} << 8) | std::uint32_t{d[at + 3]};
}

}  // namespace

std::vector<OptionSpec> options_of(const wire::TcpOptions& o) {
  std::vector<OptionSpec> v;
  o.for_each([&](std::uint8_t kind, std::span<const std::uint8_t> d) {
    OptionSpec s;
    switch (kind) {
      case wire::tcp_option::kEol:
        s.kind = OptionSpec::Kind::Eol;
        break;
      case wire::tcp_option::kNop:
        s.kind = OptionSpec::Kind::Nop;
        break;
      case wire::tcp_option::kMss:
        s.kind = OptionSpec::Kind::Mss;
        s.a = (std::uint32_t{d[0]} << 8) | d[1];
        break;
      case wire::tcp_option::kWindowScale:
        s.kind = OptionSpec::Kind::WindowScale;
        s.a = d[0];
        break;
      case wire::tcp_option::kSackPermitted:
        s.kind = OptionSpec::Kind::SackPermitted;
        break;
      case wire::tcp_option::kSack:
        s.kind = OptionSpec::Kind::Sack;
        for (std::size_t i = 0; i + 8 <= d.size(); i += 8) {
          s.blocks.emplace_back(be32(d, i), be32(d, i + 4));
        }
        break;
      case wire::tcp_option::kTimestamps:
        s.kind = OptionSpec::Kind::Timestamp;
        s.a = be32(d, 0);
        s.b = be32(d, 4);
        break;
      default:
        s.kind = OptionSpec::Kind::Other;
        s.a = kind;
        s.b = static_cast<std::uint32_t>(d.size() + 2);
        break;
    }
    v.push_back(std::move(s));
  });
  return v;
}

namespace {

// An EOL ends the option list; what follows is padding.
std::vector<OptionSpec> without_padding(std::vector<OptionSpec> v) {
  auto eol = std::find_if(v.begin(), v.end(),
                          [](const OptionSpec& o) { return o.kind == OptionSpec::Kind::Eol; });
  v.erase(eol, v.end());
  return v;
}

std::string options_text(const std::vector<OptionSpec>& v) {
  std::string s = "<";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) s += ",";
    s += to_string(v[i]);
  }
  return s + ">";
}

const OptionSpec* find_timestamp(const std::vector<OptionSpec>& v) {
  for (const OptionSpec& o : v) {
    if (o.kind == OptionSpec::Kind::Timestamp) return &o;
  }
  return nullptr;
}

bool same_option(const OptionSpec& a, const OptionSpec& b) {
  return a.kind == b.kind && a.a == b.a && a.b == b.b && a.blocks == b.blocks;
}

}  // namespace

void Runner::capture(Nanos t, const tcp::IpSegment& s) {
  if (!pcap_) return;
  bool outbound = s.src == settings_.local_ip;
  wire::FrameAddressing a;
  a.src_mac = outbound ? kStackMacAddress : kScriptMacAddress;
  a.dst_mac = outbound ? kScriptMacAddress : kStackMacAddress;
  a.src_ip = s.src;
  a.dst_ip = s.dst;
  a.ip_id = outbound ? ip_id_out_++ : ip_id_in_++;
  a.tos = s.tos;
  a.ttl = s.ttl;
  a.flow_label = s.flow_label;
  std::vector<std::uint8_t> frame = wire::build_tcp_frame(a, s.segment.header, s.segment.payload);
  if (!frame.empty()) pcap_->write(kDefaultCaptureBase + t, frame);
}

PacketSpec script_packet(const tcp::IpSegment& s, std::uint32_t isn_offset, const Flow* ts) {
  const wire::TcpRepr& h = s.segment.header;
  PacketSpec p;
  p.direction = Direction::Outbound;
  if (s.tos != 0) p.ip.tos = s.tos;  // IP fields only where they differ from the defaults
  if (s.ttl != 64) p.ip.ttl = s.ttl;
  p.flags = h.flags;
  p.start = h.seq - isn_offset;
  p.len = static_cast<std::uint16_t>(s.segment.payload.size());
  p.end = p.start + p.len;
  p.ack = h.ack;
  p.window = h.window;
  p.urgent = h.urgent;
  p.options = options_of(h.options);
  if (ts != nullptr && ts->first_ts_seen) {
    for (OptionSpec& o : p.options) {
      if (o.kind == OptionSpec::Kind::Timestamp)
        o.a = ts->first_script_ts + (o.a - ts->first_live_ts);
    }
  }
  return p;
}

std::string four_tuple_text(const tcp::IpSegment& s) {
  const wire::TcpRepr& h = s.segment.header;
  return fmt::format(" ({}:{} > {}:{})", s.src.to_string(), h.src_port, s.dst.to_string(),
                     h.dst_port);
}

// A live outbound segment in the script's terms (our sequence numbers relative to the ISN).
std::string Runner::describe_live(const tcp::IpSegment& s) const {
  const wire::TcpRepr& h = s.segment.header;
  std::string text = to_string(script_packet(s, flow_.local_offset(), &flow_));
  bool ours = s.src == flow_.local.addr && h.src_port == flow_.local.port &&
              s.dst == flow_.remote.addr && h.dst_port == flow_.remote.port;
  if (!ours) text += four_tuple_text(s);
  return text;
}

Step Runner::inject(const Event& e, const PacketSpec& p) {
  if (p.icmp) return inject_icmp(e, p);
  if ((p.flags & kSyn) != 0 && p.len > 0) syn_with_text_ = true;
  // packetdrill: a packet sent while the socket under test listens (or before there is
  // one) opens a new connection from a fresh remote port.
  if (flow_.kind == Flow::Kind::None || flow_.kind == Flow::Kind::Listening) {
    Flow f;
    f.kind = Flow::Kind::Passive;
    f.local = flow_.kind == Flow::Kind::Listening
                  ? flow_.local
                  : tcp::Endpoint{settings_.local_ip, settings_.bind_port};
    f.remote = tcp::Endpoint{settings_.remote_ip, next_remote_port_++};
    flow_ = std::move(f);
  }
  tcp::IpSegment in;
  in.src = flow_.remote.addr;
  in.dst = flow_.local.addr;
  // [ect0], [tos 0x..], [ttl N], [flowlabel N]: into the IP header (the stack ignores them).
  in.tos = static_cast<std::uint8_t>(p.ip.tos.value_or(0) | p.ip.ecn.value_or(0));
  in.ttl = p.ip.ttl.value_or(64);
  in.flow_label = p.ip.flow_label.value_or(0);
  wire::TcpRepr& h = in.segment.header;
  h.src_port = flow_.remote.port;
  h.dst_port = flow_.local.port;
  h.seq = p.start;
  h.flags = p.flags;
  h.ack = (p.flags & kAck) != 0 ? p.ack + flow_.local_offset() : p.ack;
  h.window = p.window.value_or(0);
  h.urgent = p.urgent;
  for (const OptionSpec& o : p.options) {
    switch (o.kind) {
      case OptionSpec::Kind::Nop:
        h.options.add_nop();
        break;
      case OptionSpec::Kind::Eol:
        h.options.add_eol();
        break;
      case OptionSpec::Kind::Mss:
        h.options.add_mss(static_cast<std::uint16_t>(o.a));
        break;
      case OptionSpec::Kind::WindowScale:
        h.options.add_window_scale(static_cast<std::uint8_t>(o.a));
        break;
      case OptionSpec::Kind::SackPermitted:
        h.options.add_sack_permitted();
        break;
      case OptionSpec::Kind::Sack: {
        std::vector<wire::SackBlock> blocks;
        for (const auto& [l, r] : o.blocks) {
          blocks.push_back({l + flow_.local_offset(), r + flow_.local_offset()});
        }
        h.options.add_sack(blocks);
        break;
      }
      case OptionSpec::Kind::Timestamp: {
        std::uint32_t ecr = o.b;
        if ((p.flags & kAck) != 0) {
          if (auto it = flow_.ts_val_map.find(o.b); it != flow_.ts_val_map.end()) {
            ecr = it->second;
          } else if (settings_.ts_ecr_scaled && flow_.first_ts_seen) {
            ecr = o.b - flow_.first_script_ts + flow_.first_live_ts;
          } else {
            return fail_at(e.line, fmt::format("unable to infer live TS ecr for script TS ecr {}; "
                                               "no matching or preceding outbound TS val",
                                               o.b));
          }
        }
        h.options.add_timestamps(o.a, ecr);
        break;
      }
      case OptionSpec::Kind::Other:
        break;
    }
  }
  in.segment.payload.assign(p.len, 0);
  log(fmt::format("{} < {}", secs(now_), to_string(p)));
  capture(now_, in);
  stack().on_segment(now_, in);
  after_change();
  return settle();
}

Step Runner::expect(const Event& e, const PacketSpec& p, Nanos lo, Nanos hi, Nanos tolerance,
                    bool any) {
  Nanos latest = any ? now_ + kAnyTimeLimitForPackets : hi + tolerance;
  std::optional<Sent> got;
  if (auto st = next_sent(latest, got)) return st;
  std::string script_line = fmt::format("script packet: {} {}", secs(lo), to_string(p));
  if (!got) {
    // Observed runs keep to the script's clock: the next line counts from when this
    // packet was due.
    if (opts_.observe && !any) {
      if (auto st = advance_to(hi)) return st;
    }
    if (any) {
      return fail_at(e.line,
                     "timing error: expected an outbound packet (at any time) but none "
                     "was sent",
                     script_line);
    }
    return fail_at(e.line,
                   fmt::format("timing error: expected outbound packet at {} sec but no packet "
                               "was sent by {} sec",
                               secs(lo), secs(latest)),
                   script_line);
  }
  if (!settings_.strict_segments && got->seg.segment.payload.size() < p.len) {
    if (auto st = aggregate(e, p.len, latest, *got, script_line)) return st;
  }
  const Sent& s = *got;
  const wire::TcpRepr& h = s.seg.segment.header;
  if (h.has(kSyn)) {
    flow_.isn_known = true;
    flow_.script_isn = p.start;
    flow_.live_isn = h.seq;
  }
  std::vector<OptionSpec> live_opts = options_of(h.options);
  const OptionSpec* script_ts = find_timestamp(p.options);
  const OptionSpec* live_ts = find_timestamp(live_opts);
  if (script_ts != nullptr && live_ts != nullptr) {
    flow_.ts_val_map[script_ts->a] = live_ts->a;
    if (!flow_.first_ts_seen) {
      flow_.first_ts_seen = true;
      flow_.first_script_ts = script_ts->a;
      flow_.first_live_ts = live_ts->a;
    }
  }
  std::string actual = describe_live(s.seg);
  std::string detail = fmt::format("{}\nactual packet: {} {}", script_line, secs(s.time), actual);
  auto field = [&](std::string_view name, std::uint32_t want, std::uint32_t have) -> Step {
    if (want == have) return std::nullopt;
    return fail_at(e.line,
                   fmt::format("error handling packet: live packet field {}: expected: {} ({:#x}) "
                               "vs actual: {} ({:#x})",
                               name, want, want, have, have),
                   detail);
  };
  auto bit = [&](std::uint8_t flags, std::uint8_t b) -> std::uint32_t {
    return (flags & b) != 0 ? 1 : 0;
  };
  struct FlagName {
    std::string_view name;
    std::uint8_t bit;
  };
  static constexpr FlagName kFlags[] = {{"tcp_syn", kSyn}, {"tcp_rst", kRst}, {"tcp_ack", kAck},
                                        {"tcp_fin", kFin}, {"tcp_psh", kPsh}, {"tcp_urg", kUrg},
                                        {"tcp_ece", kEce}, {"tcp_cwr", kCwr}};
  for (const FlagName& f : kFlags) {
    if (auto st = field(f.name, bit(p.flags, f.bit), bit(h.flags, f.bit))) return st;
  }
  if (auto st = field("tcp_seq", p.start, h.seq - flow_.local_offset())) return st;
  if (auto st =
          field("tcp_payload_len", p.len, static_cast<std::uint32_t>(s.seg.segment.payload.size())))
    return st;
  if (auto st = field("tcp_ack_seq", p.ack, h.ack)) return st;
  if (p.window) {
    if (auto st = field("tcp_window", *p.window, h.window)) return st;
  }
  if (auto st = field("tcp_urg_ptr", p.urgent, h.urgent)) return st;
  if (auto st = check_ip_fields(e, p.ip, s.seg, detail)) return st;
  if (!p.options_any) {
    std::vector<OptionSpec> want = without_padding(p.options);
    std::vector<OptionSpec> have = without_padding(live_opts);
    bool ok = want.size() == have.size();
    for (std::size_t i = 0; ok && i < want.size(); ++i) {
      if (want[i].kind != have[i].kind) {
        ok = false;
      } else if (want[i].kind == OptionSpec::Kind::Timestamp) {
        if (settings_.ts_tick_usecs != 0) {
          std::uint32_t mapped = flow_.first_script_ts + (have[i].a - flow_.first_live_ts);
          auto ticks = std::llabs(static_cast<std::int32_t>(mapped - want[i].a));
          if (ticks * settings_.ts_tick_usecs * kMicrosecond > tolerance) {
            return fail_at(e.line,
                           fmt::format("error handling packet: bad outbound TCP timestamp value, "
                                       "tolerance {}",
                                       tolerance / kMicrosecond),
                           detail);
          }
        }
      } else if (!same_option(want[i], have[i])) {
        ok = false;
      }
    }
    if (!ok) {
      return fail_at(e.line,
                     fmt::format("error handling packet: bad outbound TCP options: expected {} vs "
                                 "actual {}",
                                 options_text(p.options), options_text(live_opts)),
                     detail);
    }
  }
  for (std::uint8_t b : s.seg.segment.payload) {
    if (b != 0) {
      return fail_at(e.line, "error handling packet: incorrect outbound data payload", detail);
    }
  }
  bool range = hi != lo;
  if (!any && (s.time < lo - tolerance || s.time > hi + tolerance)) {
    std::string msg =
        range ? fmt::format(
                    "timing error: expected outbound packet in time range {}~{} sec but "
                    "happened at {} sec",
                    secs(lo), secs(hi), secs(s.time))
              : fmt::format(
                    "timing error: expected outbound packet at {} sec but happened at {} "
                    "sec; tolerance {} sec",
                    secs(lo), secs(s.time), secs(tolerance));
    return fail_at(e.line, msg, detail);
  }
  now_ = std::max(now_, s.time);
  log(fmt::format("{} > {}", secs(s.time), actual));
  return std::nullopt;
}

}  // namespace tcpsim::sim::script::detail

namespace tcpsim::sim::script::detail {

Step Runner::next_sent(Nanos latest, std::optional<Sent>& got) {
  // The next segment of the connection under test, running the stack up to `latest` for
  // it; segments of other connections are logged and passed over.
  for (;;) {
    while (!outq_.empty()) {
      Sent s = std::move(outq_.front());
      outq_.pop_front();
      const wire::TcpRepr& h = s.seg.segment.header;
      bool ours = s.seg.src == flow_.local.addr && h.src_port == flow_.local.port &&
                  s.seg.dst == flow_.remote.addr && h.dst_port == flow_.remote.port;
      if (ours) {
        got = std::move(s);
        return std::nullopt;
      }
      log(fmt::format("{} (not the connection under test: skipped) {}", secs(s.time),
                      describe_live(s.seg)));
    }
    Nanos d = stack_ ? stack_->next_deadline() : kNever;
    if (d == kNever || d > latest) return std::nullopt;
    if (auto st = advance_to(d)) return st;
  }
}

Step Runner::aggregate(const Event& e, std::uint32_t want, Nanos latest, Sent& got,
                       const std::string& script_line) {
  // packetdrill without --strict_segments (do_outbound_script_packet): segments are
  // joined until they carry the script packet's payload. Each must follow on from the one
  // before (sequence number, same ACK, window and flags but PSH, FIN and CWR), and all but
  // the last carry as much as it did (verify_packet_fragments). The whole takes the last
  // segment's header, time and IP fields, the first's sequence number and CWR
  // (aggregate_packets).
  constexpr std::uint8_t kLoose = kPsh | kFin | kCwr;
  std::size_t count = 1;
  auto fragment = static_cast<std::uint32_t>(got.seg.segment.payload.size());
  while (got.seg.segment.payload.size() < want) {
    std::optional<Sent> next;
    if (auto st = next_sent(latest, next)) return st;
    if (!next) return std::nullopt;  // the payload length check reports the shortfall
    const wire::TcpRepr& a = got.seg.segment.header;
    const wire::TcpRepr& b = next->seg.segment.header;
    auto prev_len = static_cast<std::uint32_t>(got.seg.segment.payload.size());
    auto len = static_cast<std::uint32_t>(next->seg.segment.payload.size());
    bool fits = (a.flags & ~kLoose) == (b.flags & ~kLoose) && b.seq == a.seq + prev_len &&
                b.ack == a.ack && b.window == a.window && b.urgent == a.urgent;
    bool last = prev_len + len >= want;
    if (!fits || (!last && len != fragment)) {
      return fail_at(e.line,
                     fmt::format("error handling packet: segment {} cannot join the ones before "
                                 "it to make the script packet's {} bytes ({} bytes so far)",
                                 count + 1, want, prev_len),
                     fmt::format("{}\nactual packet: {} {}", script_line, secs(next->time),
                                 describe_live(next->seg)));
    }
    fragment = len;
    tcp::Segment joined = next->seg.segment;
    joined.header.seq = a.seq;
    joined.header.flags = static_cast<std::uint8_t>((b.flags & ~kCwr) | (a.flags & kCwr));
    joined.payload = got.seg.segment.payload;
    joined.payload.insert(joined.payload.end(), next->seg.segment.payload.begin(),
                          next->seg.segment.payload.end());
    next->seg.segment = std::move(joined);
    got = std::move(*next);
    ++count;
  }
  if (count > 1) log(fmt::format("  ({} segments joined, as packetdrill joins them)", count));
  return std::nullopt;
}

Step Runner::check_ip_fields(const Event& e, const IpFieldsSpec& want, const tcp::IpSegment& s,
                             const std::string& detail) const {
  auto mismatch = [&](std::string_view name, std::uint32_t w, std::uint32_t h) {
    return fail_at(e.line,
                   fmt::format("error handling packet: live packet field {}: expected: {} ({:#x}) "
                               "vs actual: {} ({:#x})",
                               name, w, w, h, h),
                   detail);
  };
  bool v6 = !s.src.is_v4();
  std::uint32_t ecn = s.tos & 0x3u;
  if (want.ecn && *want.ecn != ecn) return mismatch("ip_ecn", *want.ecn, ecn);
  if (want.ecn_either && ecn != 1 && ecn != 2) return mismatch("ip_ecn (ect01)", 2, ecn);
  if (want.tos && *want.tos != s.tos) {
    return mismatch(v6 ? "ipv6_traffic_class" : "ipv4_tos", *want.tos, s.tos);
  }
  if (want.ttl && *want.ttl != s.ttl) {
    return mismatch(v6 ? "ipv6_hop_limit" : "ipv4_ttl", *want.ttl, s.ttl);
  }
  if (want.flow_label && *want.flow_label != s.flow_label) {
    return mismatch("ipv6_flow_label", *want.flow_label, s.flow_label);
  }
  return std::nullopt;
}

}  // namespace tcpsim::sim::script::detail
