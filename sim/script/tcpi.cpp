// The tcpi_* values %{ }% assertions read (and getsockopt(TCP_INFO) checks), from the
// connection under test. Field names are Linux's struct tcp_info; tcpi_state follows the
// profile (Linux's TCP_* numbers, or FreeBSD's TCPS_* under --tcpsim_profile=freebsd).
#include <algorithm>

#include "sim/script/assertions.hpp"
#include "sim/script/runner_impl.hpp"

namespace tcpsim::sim::script::detail {

namespace {

std::int64_t options_bits(const tcp::TcbInfo& i) {
  std::int64_t bits = 0;
  if (i.ts_ok) bits |= 1;                                 // TCPI_OPT_TIMESTAMPS
  if (i.sack_ok) bits |= 2;                               // TCPI_OPT_SACK
  if (i.snd_wscale != 0 || i.rcv_wscale != 0) bits |= 4;  // TCPI_OPT_WSCALE
  if (i.ecn_ok) bits |= 8;                                // TCPI_OPT_ECN
  if (i.ecn_seen) bits |= 16;                             // TCPI_OPT_ECN_SEEN
  return bits;
}

// tcp_input.c tcp_fastretrans_alert's states, most pressing first.
std::int64_t ca_state(const tcp::TcbInfo& i) {
  // TCP_CA_Loss: from a retransmission timeout until what was out then is acknowledged.
  if (i.retries > 0 || i.repairing_timeout) return 4;
  if (i.in_recovery) return 3;  // TCP_CA_Recovery
  if (i.in_cwr) return 2;       // TCP_CA_CWR: cwnd reduced for an ECN echo
  // TCP_CA_Disorder: SACKed or lost segments outstanding (tcp_try_to_open, on an ACK).
  // Without SACK, duplicate ACKs count as SACKed segments (tcp_add_reno_sack).
  if (i.sacked_bytes > 0 || i.lost_out > 0 || i.reno_sacked > 0) return 1;
  return 0;  // TCP_CA_Open
}

// tcp_input.c tcp_init_buffer_space, once established: the smallest of rcv_ssthresh and
// rcv_wnd (both the initial window tcp_select_initial_window chose: ten segments of the
// MSS less the timestamp option, within the buffer) and TCP_INIT_CWND * advmss.
// Past the handshake: what tcp_init_buffer_space and the like have run for.
bool past_handshake(const tcp::TcbInfo& i) {
  using tcp::State;
  return i.state != State::Closed && i.state != State::Listen && i.state != State::SynSent &&
         i.state != State::SynReceived;
}

std::int64_t rcv_space(const tcp::TcbInfo& i, std::int64_t advmss) {
  if (!past_handshake(i)) return 0;
  std::int64_t mss = advmss - (i.ts_ok ? 12 : 0);
  std::int64_t buffer =
      static_cast<std::int64_t>(i.rcv_wnd) + static_cast<std::int64_t>(i.recv_queued);
  return std::min(10 * mss, buffer / std::max<std::int64_t>(mss, 1) * mss);
}

}  // namespace

std::int64_t Runner::tcpi_value(std::string_view f) {
  if (flow_.kind == Flow::Kind::Listening) {
    return tcpi_of_listener(flow_.listener, f);
  }
  return tcpi_of(flow_connection(), f);
}

std::int64_t Runner::tcpi_of_listener(tcp::Fd fd, std::string_view f) {
  if (f == "tcpi_state") return tcpi_state_number(tcp::State::Listen, settings_.profile);
  if (settings_.profile != "linux") return 0;
  // Linux's tcp_get_info on a listener: the congestion window and reordering of a new
  // socket (tcp_init_sock: TCP_INIT_CWND, net.ipv4.tcp_reordering), then two fields
  // aliased: tcpi_unacked is the accept queue (sk_ack_backlog), tcpi_sacked the backlog
  // (sk_max_ack_backlog); the rest stays 0.
  tcp::TcpStack::Backlog b = stack().backlog(fd);
  if (f == "tcpi_unacked") return static_cast<std::int64_t>(b.queued);
  if (f == "tcpi_sacked") return b.limit;
  if (f == "tcpi_snd_cwnd") return 10;
  if (f == "tcpi_reordering") return stack().config().reordering;
  return 0;
}

std::int64_t Runner::tcpi_of(const tcp::Connection* conn, std::string_view f) const {
  if (f == "tcpi_state") {
    tcp::State s = conn != nullptr ? conn->state() : tcp::State::Closed;
    // Linux: TIME-WAIT belongs to a time-wait socket; the user's own socket, if its fd is
    // still open, is closed (tcp_time_wait -> tcp_done).
    if (s == tcp::State::TimeWait && settings_.profile == "linux") {
      bool open = std::any_of(fds_.begin(), fds_.end(), [&](const auto& kv) {
        return stack_ != nullptr && stack_->connection(kv.second) == conn;
      });
      if (open) s = tcp::State::Closed;
    }
    return tcpi_state_number(s, settings_.profile);
  }
  if (conn == nullptr) return 0;
  tcp::TcbInfo i = conn->info();
  std::int64_t mss = std::max<std::uint32_t>(i.snd_mss, 1);
  std::int64_t ip_header = settings_.ipv6 ? 60 : 40;
  // The MSS we offer: the interface's MTU, at most TCP_MAXSEG (tcp_mss_clamp).
  std::int64_t advmss = static_cast<std::int64_t>(conn->config().mtu) - ip_header;
  if (std::uint32_t clamp = conn->config().mss_clamp; clamp != 0)
    advmss = std::min<std::int64_t>(advmss, clamp);
  if (f == "tcpi_ca_state") return ca_state(i);
  if (f == "tcpi_retransmits") return i.retries;
  if (f == "tcpi_backoff") return i.rto_backoff;
  // icsk_probes_out counts window probes and keep-alive probes alike (tcp_probe_timer,
  // tcp_keepalive_timer); an ACK clears it.
  if (f == "tcpi_probes") return i.window_probes + i.keepalive_probes;
  if (f == "tcpi_rcv_rtt") return i.rcv_rtt_us;
  if (f == "tcpi_options") return options_bits(i);
  if (f == "tcpi_snd_wscale") return i.snd_wscale;
  if (f == "tcpi_rcv_wscale") return i.rcv_wscale;
  if (f == "tcpi_rto") return i.rto / kMicrosecond;
  if (f == "tcpi_rtt") return i.srtt / kMicrosecond;
  if (f == "tcpi_rttvar") return i.rttvar / kMicrosecond;
  // FreeBSD's tcp_fill_info gives t_maxseg for both MSS fields: the options every segment
  // carries are not taken off it (tcp_maxseg does that per segment).
  bool freebsd = settings_.profile == "freebsd";
  if (freebsd && (f == "tcpi_snd_mss" || f == "tcpi_rcv_mss"))
    return i.snd_mss + (i.ts_ok ? 12 : 0);
  if (f == "tcpi_snd_mss") return i.snd_mss;
  // advmss follows the interface's MTU, at most TCP_MAXSEG (tcp_mss_clamp); an ICMP error
  // lowers only the path MTU (pmtu).
  if (f == "tcpi_advmss") {
    // Linux keeps 12 bytes less once timestamps are agreed (tcp_rcv_state_process).
    bool ts_less =
        conn->config().window_rule == tcp::WindowRule::Linux && i.ts_ok && past_handshake(i);
    return advmss - (ts_less ? 12 : 0);
  }
  if (f == "tcpi_pmtu") return i.mtu;
  // tcp_get_info: packets_out and sacked_out, in segments whatever their length.
  if (f == "tcpi_unacked") return i.packets_out;
  if (f == "tcpi_sacked") return i.sacked_out + i.reno_sacked;
  // FreeBSD reports both in bytes (tcp_usrreq.c tcp_fill_info), its "no threshold yet"
  // being TCP_MAXWIN << TCP_MAX_WINSHIFT (tcp_subr.c tcp_newtcpcb); Linux in segments,
  // TCP_INFINITE_SSTHRESH reported as is (after an undo too).
  bool bytes = settings_.profile == "freebsd";
  if (f == "tcpi_snd_cwnd") return bytes ? i.cwnd : i.cwnd / mss;
  if (f == "tcpi_snd_ssthresh") {
    if (i.ssthresh >= 0x7fffffff) return bytes ? std::int64_t{65535} << 14 : 0x7fffffff;
    return bytes ? i.ssthresh : i.ssthresh / mss;
  }
  if (f == "tcpi_total_retrans") return static_cast<std::int64_t>(i.retransmissions);
  if (f == "tcpi_bytes_acked") {
    // RFC 4898 tcpEStatsAppHCThruOctetsAcked: data bytes acknowledged (not the SYN).
    std::uint32_t acked = i.snd_una - i.iss;
    return acked > 0 ? acked - 1 : 0;
  }
  if (f == "tcpi_bytes_received") return static_cast<std::int64_t>(i.bytes_received);
  if (f == "tcpi_bytes_sent") return static_cast<std::int64_t>(i.bytes_sent);
  if (f == "tcpi_segs_out") return static_cast<std::int64_t>(i.segments_sent);
  if (f == "tcpi_segs_in") return static_cast<std::int64_t>(i.segments_received);
  if (f == "tcpi_data_segs_out") return static_cast<std::int64_t>(i.data_segments_sent);
  if (f == "tcpi_data_segs_in") return static_cast<std::int64_t>(i.data_segments_received);
  if (f == "tcpi_bytes_retrans") return static_cast<std::int64_t>(i.bytes_retransmitted);
  if (f == "tcpi_rcv_mss") return i.rcv_mss;
  // Milliseconds since (tcp.c tcp_get_info: lsndtime, icsk_ack.lrcvtime, rcv_tstamp).
  if (f == "tcpi_last_data_sent") return (now_ - i.last_data_sent) / kMillisecond;
  // FreeBSD: since any segment came (t_rcvtime), in microseconds (ticks * tick).
  if (f == "tcpi_last_data_recv" && freebsd) return (now_ - i.last_received) / kMicrosecond;
  if (f == "tcpi_last_data_recv") return (now_ - i.last_data_received) / kMillisecond;
  if (f == "tcpi_last_ack_recv") return (now_ - i.last_ack_received) / kMillisecond;
  if (f == "tcpi_snd_wnd") return i.snd_wnd;
  if (f == "tcpi_rcv_wnd") return i.rcv_wnd;
  if (f == "tcpi_rcv_space") return rcv_space(i, advmss);
  // tcp.c tcp_get_info: retrans_out, lost_out, delivered, reordering, reord_seen.
  if (f == "tcpi_retrans") return i.retrans_out;
  if (f == "tcpi_lost") return i.lost_out;
  if (f == "tcpi_delivered") return static_cast<std::int64_t>(i.delivered);
  if (f == "tcpi_reordering") return i.reordering;
  if (f == "tcpi_reord_seen") return i.reord_seen;
  if (f == "tcpi_rcv_ssthresh") return i.rcv_ssthresh;
  // tcp_min_rtt, microseconds; ~0U before any sample (minmax_reset in tcp_init_sock).
  if (f == "tcpi_min_rtt") return i.min_rtt > 0 ? i.min_rtt / kMicrosecond : 0xffffffff;
  if (f == "tcpi_dsack_dups") return i.dsack_dups;
  if (f == "tcpi_ato") return i.ato / kMicrosecond;                // jiffies_to_usecs(icsk_ack.ato)
  if (f == "tcpi_fackets" || f == "tcpi_last_ack_sent") return 0;  // always 0 since Linux 4.15
  if (f == "tcpi_rcv_ooopack") return static_cast<std::int64_t>(i.rcv_ooopack);
  // FreeBSD's extensions (tcp_usrreq.c tcp_fill_info): t_sndrexmitpack, t_sndzerowin, the
  // sequence numbers as the kernel has them, and two fields it leaves 0 without TOE.
  if (f == "tcpi_snd_rexmitpack") return static_cast<std::int64_t>(i.data_segments_retransmitted);
  if (f == "tcpi_snd_zerowin") return static_cast<std::int64_t>(i.zero_windows_sent);
  if (f == "tcpi_snd_nxt") return i.snd_nxt;
  if (f == "tcpi_rcv_nxt") return i.rcv_nxt;
  if (f == "tcpi_snd_bwnd" || f == "tcpi_toe_tid") return 0;
  if (f == "tcpi_delivered_ce") return static_cast<std::int64_t>(i.delivered_ce);
  if (f == "tcpi_total_rto") return i.total_rto;
  if (f == "tcpi_total_rto_recoveries") return i.total_rto_recoveries;
  if (f == "tcpi_total_rto_time") {
    std::int64_t ms = static_cast<std::int64_t>(i.total_rto_time_ms);
    if (i.rto_stamp != kNever) ms += now_ / kMillisecond - i.rto_stamp / kMillisecond;
    return ms;
  }
  if (f == "tcpi_notsent_bytes") {
    std::size_t unsent_start = i.snd_nxt - i.snd_una;
    return i.send_queued > unsent_start ? static_cast<std::int64_t>(i.send_queued - unsent_start)
                                        : 0;
  }
  return 0;
}

}  // namespace tcpsim::sim::script::detail
