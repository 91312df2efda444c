#include "stack/tcp/negotiation.hpp"

#include <algorithm>

namespace tcpsim::tcp {

namespace {

// RFC 7323 §5.2: TSval comparisons are modulo 2^32 like sequence numbers.
bool ts_before(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a - b) < 0;
}

}  // namespace

void Negotiation::take_syn(const TcpConfig& cfg, const Segment& syn, bool ipv4) {
  const wire::TcpOptions& o = syn.header.options;
  // RFC 9293 §3.7.1: without an MSS option assume 536 (IPv4) or 1220 (IPv6, RFC 8200); an
  // option of 0 counts as none (Linux's tcp_parse_options ignores it, FreeBSD's
  // tcp_mss_update takes net.inet.tcp.mssdflt), and FreeBSD takes no less than minmss.
  std::uint32_t none = ipv4 ? cfg.default_peer_mss : 1220;
  std::uint32_t offered = o.mss().value_or(0);
  peer_offered_mss = o.mss().has_value();
  peer_mss = std::max(offered != 0 ? offered : none, cfg.min_peer_mss);
  if (cfg.window_scaling && !cfg.no_options && o.window_scale()) {
    // RFC 7323 §2.3: a shift above 14 is used as 14.
    wscale_ok = true;
    snd_wscale = std::min<std::uint8_t>(*o.window_scale(), 14);
    rcv_wscale = cfg.our_window_shift();
  } else {
    wscale_ok = false;
    snd_wscale = 0;
    rcv_wscale = 0;
  }
  sack_ok = cfg.sack && !cfg.no_options && o.sack_permitted();
  ts_ok = cfg.timestamps && !cfg.no_options && o.timestamps().has_value();
}

void Negotiation::update_ts_recent(const Segment& seg, SeqNum last_ack_sent) {
  if (!ts_ok) return;
  auto ts = seg.header.options.timestamps();
  if (!ts) return;
  if (seg.has(wire::tcp_flag::kSyn)) {
    ts_recent = ts->tsval;
    return;
  }
  if (!ts_before(ts->tsval, ts_recent) && SeqNum(seg.header.seq) <= last_ack_sent) {
    ts_recent = ts->tsval;
  }
}

bool Negotiation::paws_rejects(const Segment& seg, std::uint32_t window, bool rst_too) const {
  if (!ts_ok || (seg.has(wire::tcp_flag::kRst) && !rst_too)) return false;
  if (rst_too && ts_recent == 0) return false;  // tcp_paws_check: no TS.Recent yet
  auto ts = seg.header.options.timestamps();
  return ts && ts_before(ts->tsval + window, ts_recent);
}

Nanos Negotiation::echoed_rtt(Nanos now, const Segment& seg) const {
  auto ts = seg.header.options.timestamps();
  if (!ts || ts->tsecr == 0) return -1;
  std::int32_t ms = static_cast<std::int32_t>(ts_now(now) - ts->tsecr);
  return ms >= 0 ? static_cast<Nanos>(ms) * kMillisecond : -1;
}

void Negotiation::write_syn_options(Nanos now, const TcpConfig& cfg, bool active, bool ipv4,
                                    wire::TcpOptions& o, bool syncache) const {
  if (cfg.no_options) return;  // FreeBSD's TCP_NOOPT: a bare SYN
  std::uint32_t our_mss = advertised_mss(cfg.mtu, offer_clamp(cfg), ipv4);
  // FreeBSD's syncache_respond offers at least net.inet.tcp.minmss (tcp_output's SYN and
  // a simultaneous open's SYN,ACK have no such floor).
  if (syncache) our_mss = std::max(our_mss, cfg.min_peer_mss);
  // Which options go out: all we enable (and the profile lists) on a SYN; on a SYN,ACK
  // only those the peer offered (RFC 7323 §2.2, §3.2; RFC 2018 §2).
  const auto& list = cfg.syn_options;
  auto listed = [&](SynOption opt) {
    return std::find(list.begin(), list.end(), opt) != list.end();
  };
  SynSet go;
  go.mss = listed(SynOption::Mss);
  go.sack = listed(SynOption::SackPermitted) && cfg.sack && (active || sack_ok);
  go.ts = listed(SynOption::Timestamps) && cfg.timestamps && (active || ts_ok);
  go.ws = listed(SynOption::WindowScale) && cfg.window_scaling && (active || wscale_ok);
  go.mss_value = static_cast<std::uint16_t>(std::min<std::uint32_t>(our_mss, 65535));
  go.shift = cfg.our_window_shift();
  go.tsval = ts_now(now);
  go.tsecr = active ? 0 : ts_recent;
  switch (cfg.syn_layout) {
    case SynLayout::Linux:
      write_linux_syn(go, o);
      break;
    case SynLayout::FreeBsd:
      write_freebsd_syn(go, o);
      break;
  }
}

// Linux, tcp_output.c tcp_options_write: each option group fills whole 32-bit words.
void write_linux_syn(const SynSet& go, wire::TcpOptions& o) {
  if (go.mss) o.add_mss(go.mss_value);
  if (go.ts) {
    if (go.sack) {
      o.add_sack_permitted();
    } else {
      o.add_nop();
      o.add_nop();
    }
    o.add_timestamps(go.tsval, go.tsecr);
  } else if (go.sack) {
    o.add_nop();
    o.add_nop();
    o.add_sack_permitted();
  }
  if (go.ws) {
    o.add_nop();
    o.add_window_scale(go.shift);
  }
}

// FreeBSD, tcp_output.c tcp_addoptions: options in bit order (MSS, window scale,
// SACK-permitted, timestamps), each preceded by NOPs up to its alignment; the end is
// padded with EOL and zeros by the emitter.
void write_freebsd_syn(const SynSet& go, wire::TcpOptions& o) {
  auto pad_until = [&o](auto aligned) {
    while (!aligned(o.size())) o.add_nop();
  };
  if (go.mss) {
    pad_until([](std::size_t n) { return n % 4 == 0; });
    o.add_mss(go.mss_value);
  }
  if (go.ws) {
    pad_until([](std::size_t n) { return n % 2 == 1; });
    o.add_window_scale(go.shift);
  }
  if (go.sack) {
    pad_until([](std::size_t n) { return n % 2 == 0; });
    o.add_sack_permitted();
  }
  if (go.ts) {
    pad_until([](std::size_t n) { return n % 4 == 2; });
    o.add_timestamps(go.tsval, go.tsecr);
  }
}

void Negotiation::write_options(Nanos now, std::span<const wire::SackBlock> sack,
                                wire::TcpOptions& o) const {
  if (ts_ok) {
    o.add_nop();
    o.add_nop();
    o.add_timestamps(ts_now(now), ts_recent);
  }
  if (!sack.empty()) {
    o.add_nop();
    o.add_nop();
    o.add_sack(sack);
  }
}

}  // namespace tcpsim::tcp
