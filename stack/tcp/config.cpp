#include "stack/tcp/config.hpp"

#include <algorithm>
#include <bit>

#include "stack/base/enum_names.hpp"

namespace tcpsim::tcp {

constexpr EnumNames<CongestionAlgorithm, 3> kCongestionNames{{{
    {CongestionAlgorithm::Reno, "reno"},
    {CongestionAlgorithm::NewReno, "newreno"},
    {CongestionAlgorithm::Cubic, "cubic"},
}}};

std::string_view to_string(CongestionAlgorithm a) {
  return kCongestionNames.name(a);
}

std::optional<CongestionAlgorithm> parse_congestion_algorithm(std::string_view text) {
  return kCongestionNames.parse(text);
}

namespace {

TcpConfig freebsd_profile() {
  TcpConfig c;
  // FreeBSD: mss, nop, wscale 6, sackOK, TS; 100 ms delayed ACK; the RTO of
  // tcp_timer.c/tcp_var.h (docs/profiles.md): net.inet.tcp.rexmit_min 30 ms,
  // rexmit_slop 200 ms, TCPTV_REXMTMAX 64 s, TCP_MAXRXTSHIFT (12) retransmissions, an
  // unestablished connect() dropped after net.inet.tcp.keepinit (75 s), a SYN cache
  // entry after 3 SYN,ACK retransmissions (tcp_syncache.c SYNCACHE_MAXREXMTS).
  c.profile = "freebsd";
  c.syn_options = {SynOption::Mss, SynOption::Nop, SynOption::WindowScale, SynOption::SackPermitted,
                   SynOption::Timestamps};
  c.syn_layout = SynLayout::FreeBsd;
  c.window_shift = 6;
  c.shift_rule = ShiftRule::FreeBsdSockbuf;
  c.wscale_space = 2 * 1024 * 1024;           // kern.ipc.maxsockbuf's default
  c.delayed_ack_timeout = 40 * kMillisecond;  // TCPTV_DELACK, hz/25 since 2020 (r360010)
  c.rto_rule = RtoRule::FreeBsd;
  c.min_rto = 30 * kMillisecond;
  c.rto_after_syn_timeout = 0;  // tcp_input.c: the backed-off RTO is kept
  c.rto_slop = 200 * kMillisecond;
  c.max_rto = 64 * kSecond;
  c.syn_retries = 12;
  c.data_retries = 12;
  c.synack_retries = 3;
  c.connect_timeout = 75 * kSecond;
  c.syncookie_format = SynCookieFormat::FreeBsd;
  c.close_rules = CloseRules::FreeBsd;
  c.ecn_setup_retries = 1;
  c.ecn_refuse_ect_syn = false;
  c.ecn_ce_quickack = false;
  c.fin_again_on_ack = true;
  c.paws_acks_bare = false;
  c.always_keepalive = true;
  c.ack_ahead_is_challenge = false;
  c.old_segment_acks = true;
  c.maxseg_less_options = false;
  c.maxseg_offers = false;
  c.nagle_minshall = false;
  // tcp_subr.c tcp_send_challenge_ack: at most net.inet.tcp.ack_war_cnt (5) challenge
  // ACKs in each net.inet.tcp.ack_war_timewindow (1000 ms), per connection.
  c.challenge_ack_limit = 5;
  c.time_wait_rule = TimeWaitRule::FreeBsd;
  c.icmp_rules = IcmpRules::FreeBsd;
  c.syncache = true;
  c.freebsd_reass = true;
  c.min_peer_mss = 216;  // net.inet.tcp.minmss (tcp_mss_update)
  c.round_buffers_to_mss = true;
  c.recv_buffer_auto = true;
  c.window_rule = WindowRule::FreeBsd;
  c.probe_rule = ProbeRule::FreeBsd;
  c.persist_min = 5 * kSecond;  // TCPTV_PERSMIN
  c.keepalive_probes = 8;       // TCPTV_KEEPCNT
  c.fin_wait2_rule = FinWait2Rule::FreeBsd;
  return c;
}

TcpConfig rfc_profile() {
  TcpConfig c;
  // What the RFCs say where the kernels differ (docs/profiles.md): RTO floor 1 s and
  // a ceiling of 60 s (RFC 6298 (2.4), (2.5)); SYN retransmitted for at least three
  // minutes (RFC 9293 MUST-23: 1+2+4+8+16+32+60 s, then 60 s more before giving up);
  // RTO 3 s when data starts after a SYN timeout (RFC 6298 (5.7)); a delayed ACK well
  // under 500 ms (RFC 1122 4.2.3.2, RFC 5681 §4.2: 200 ms, the classic BSD timer).
  c.profile = "rfc";
  c.shift_rule = ShiftRule::Fixed;
  c.min_rto = 1 * kSecond;
  c.max_rto = 60 * kSecond;
  c.syn_retries = 7;
  c.rto_after_syn_timeout = 3 * kSecond;
  c.delayed_ack_timeout = 200 * kMillisecond;
  c.close_rules = CloseRules::Rfc;
  c.icmp_rules = IcmpRules::Rfc;
  // ECN (RFC 3168 §6.1.1) is optional: granted to a peer that asks, not asked for (as
  // both kernels default), and a setup SYN keeps asking when retransmitted (clearing
  // ECE and CWR is only a MAY, §6.1.1.1); delayed ACKs as usual on CE.
  c.ecn_setup_retries = 255;
  c.ecn_refuse_ect_syn = false;
  c.ecn_ce_quickack = false;
  return c;
}

}  // namespace

std::optional<TcpConfig> TcpConfig::profile_named(std::string_view name) {
  if (name == "linux") {
    // Linux: mss, sackOK, TS, nop, wscale 7; IW10; 40 ms delayed ACK; 200 ms min RTO.
    TcpConfig c;
    c.profile = "linux";
    c.synack_retries = 5;  // TCP_SYNACK_RETRIES (net.ipv4.tcp_synack_retries)
    c.queue_syn_data = false;
    c.time_wait_rule = TimeWaitRule::Linux;
    c.drop_synfin = true;  // tcp_rcv_state_process, LISTEN: a SYN with FIN is discarded
    return c;
  }
  if (name == "freebsd") return freebsd_profile();
  if (name == "rfc") return rfc_profile();
  return std::nullopt;
}

std::uint32_t TcpConfig::initial_window(std::uint32_t mss) const {
  std::uint32_t n = initial_window_segments;
  if (close_rules == CloseRules::Linux) return n * mss;
  return std::min(n * mss, std::max(2 * mss, n * 1460));
}

std::uint8_t TcpConfig::our_window_shift() const {
  constexpr std::uint8_t kMaxShift = 14;  // RFC 7323 §2.3
  switch (shift_rule) {
    case ShiftRule::Fixed:
      return window_shift;
    case ShiftRule::LinuxRmem: {
      std::uint32_t space = std::max(recv_buffer, wscale_space);
      if (window_clamp != 0) space = std::min(space, window_clamp);
      int log2 = 31 - std::countl_zero(space | 1u);
      return static_cast<std::uint8_t>(std::clamp(log2 - 15, 0, int{kMaxShift}));
    }
    case ShiftRule::FreeBsdSockbuf: {
      std::uint8_t shift = 0;
      while (shift < kMaxShift && (std::uint64_t{65535} << shift) < wscale_space) ++shift;
      return shift;
    }
  }
  return window_shift;
}

std::vector<std::string_view> TcpConfig::profile_names() {
  return {"linux", "freebsd", "rfc"};
}

}  // namespace tcpsim::tcp
