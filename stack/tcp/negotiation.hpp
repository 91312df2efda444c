// What the SYN exchange agreed, and the options every later segment carries: the MSS
// (RFC 9293 §3.7.1), window scaling and timestamps (RFC 7323), SACK-permitted (RFC 2018).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "stack/base/time.hpp"
#include "stack/tcp/config.hpp"
#include "stack/tcp/segment.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

// The largest segment an interface of this MTU carries: MTU less the IP header (20 bytes
// for IPv4, 40 for IPv6) and the fixed TCP header (RFC 9293 §3.7.1, RFC 8200).
constexpr std::uint32_t mss_for_mtu(std::uint32_t mtu, bool ipv4) {
  return mtu - (ipv4 ? 20 : 40) - 20;
}

// The MSS our SYN offers: the MTU's, under a TCP_MAXSEG clamp.
constexpr std::uint32_t advertised_mss(std::uint32_t mtu, std::uint32_t clamp, bool ipv4) {
  std::uint32_t mss = mss_for_mtu(mtu, ipv4);
  return clamp > 0 && clamp < mss ? clamp : mss;
}

// The TCP_MAXSEG value that caps the MSS our SYNs offer: Linux's user_mss does
// (tcp_mss_clamp); FreeBSD's SYN and SYN,ACK offer the route's MSS (tcp_mssopt) whatever
// the option says.
constexpr std::uint32_t offer_clamp(const TcpConfig& c) {
  return c.maxseg_offers ? c.mss_clamp : 0;
}

// The MSS a Linux receiver keeps as its own once timestamps are agreed (tp->advmss): the
// one announced less the option's 12 bytes (tcp_rcv_synsent_state_process and
// tcp_rcv_state_process); the announced one under the other window rules.
inline std::uint32_t own_mss(const TcpConfig& c, bool ipv4, bool ts) {
  std::uint32_t mss = advertised_mss(c.mtu, offer_clamp(c), ipv4);
  return c.window_rule == WindowRule::Linux && ts ? mss - 12 : mss;
}

// With TcpConfig::linux_sockbuf, the unit a SYN's window is rounded down to (Linux's
// tcp_select_initial_window): the MSS we offer, less the timestamp option on a SYN,ACK
// that agreed to it (tcp_openreq_init_rwin); 0 = no rounding.
inline std::uint32_t syn_window_unit(const TcpConfig& c, bool ipv4, bool syn_ack, bool ts) {
  if (!c.linux_sockbuf) return 0;
  std::uint32_t mss = advertised_mss(c.mtu, offer_clamp(c), ipv4);
  return syn_ack && ts ? mss - 12 : mss;
}

// What a SYN or SYN,ACK carries, before it is laid out.
struct SynSet {
  bool mss = false, sack = false, ts = false, ws = false;
  std::uint16_t mss_value = 0;
  std::uint8_t shift = 0;
  std::uint32_t tsval = 0, tsecr = 0;
};

// The two layouts of TcpConfig::syn_layout (config.hpp says whose each is).
void write_linux_syn(const SynSet& go, wire::TcpOptions& out);
void write_freebsd_syn(const SynSet& go, wire::TcpOptions& out);

struct Negotiation {
  std::uint32_t peer_mss = 536;   // RFC 9293 §3.7.1 default
  bool peer_offered_mss = false;  // the peer's SYN carried an MSS option
  std::uint8_t snd_wscale = 0;    // Snd.Wind.Shift: applied to windows the peer sends
  std::uint8_t rcv_wscale = 0;    // Rcv.Wind.Shift: applied to windows we send
  bool wscale_ok = false;
  bool sack_ok = false;
  bool ts_ok = false;
  std::uint32_t ts_offset = 0;  // our TSval at time zero (RFC 7323 §5.4)
  std::uint32_t ts_recent = 0;
  // The path MTU an ICMP error taught us (RFC 1191, RFC 8201): 0 = the interface's.
  std::uint32_t path_mtu = 0;

  // Takes what the peer's SYN or SYN,ACK offered, as far as `cfg` enables it.
  void take_syn(const TcpConfig& cfg, const Segment& syn, bool ipv4);
  // Eff.snd.MSS: what one of our data segments may carry. RFC 9293 §3.7.1:
  // Eff.snd.MSS = min(SendMSS + 20, MTU) - TCP header - IP header, where the TCP header
  // includes the options every segment carries (timestamps: nop, nop, TS = 12 bytes).
  std::uint32_t send_mss(const TcpConfig& cfg, bool ipv4) const {
    std::uint32_t mtu = path_mtu != 0 ? std::min(path_mtu, cfg.mtu) : cfg.mtu;
    std::uint32_t fits = mss_for_mtu(mtu, ipv4) - (ts_ok ? 12 : 0);
    std::uint32_t mss = std::min(peer_mss, mss_for_mtu(mtu, ipv4));
    if (cfg.mss_clamp > 0) mss = std::min(mss, cfg.mss_clamp);
    if (ts_ok) mss -= 12;
    // A floor of 64 bytes against a peer that advertises a tiny MSS, but never more than
    // our own MTU carries (an MTU down to IPv4's 68 bytes, RFC 791).
    return std::max<std::uint32_t>(mss, std::min<std::uint32_t>(64, fits));
  }
  // Our TSval at `now` (a 1 ms clock).
  std::uint32_t ts_now(Nanos now) const {
    return ts_offset + static_cast<std::uint32_t>(now / kMillisecond);
  }
  // RFC 7323 §4.3 (2): TS.Recent follows the segment that covers Last.ACK.sent.
  void update_ts_recent(const Segment& seg, SeqNum last_ack_sent);
  // RFC 7323 §5.3 PAWS: the segment's TSval is older than TS.Recent.
  // `window`: how far below TS.Recent a TSval may be (Linux's tcp_paws_discard allows 1,
  // TCP_PAWS_WINDOW; 0 elsewhere).
  // `rst_too`: Linux's tcp_paws_reject for time-wait and request sockets, which tests a RST
  // as well (exempt only once TS.Recent is 60 s old; elsewhere a RST passes) and passes
  // everything while TS.Recent is 0.
  bool paws_rejects(const Segment& seg, std::uint32_t window = 0, bool rst_too = false) const;
  // RFC 7323 §4: the RTT an echoed TSecr measures, or -1 when it measures nothing.
  Nanos echoed_rtt(Nanos now, const Segment& seg) const;

  // The options of a SYN (active: an opening SYN) or SYN,ACK, in the profile's order.
  // `syncache`: a SYN,ACK from FreeBSD's SYN cache (syncache_respond), which offers at
  // least net.inet.tcp.minmss.
  void write_syn_options(Nanos now, const TcpConfig& cfg, bool active, bool ipv4,
                         wire::TcpOptions& out, bool syncache = false) const;
  // The options of any later segment: timestamps, then `sack` blocks when given.
  void write_options(Nanos now, std::span<const wire::SackBlock> sack, wire::TcpOptions& out) const;
};

}  // namespace tcpsim::tcp
