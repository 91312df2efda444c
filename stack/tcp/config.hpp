// Per-host TCP settings, grouped into named profiles that mimic real stacks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stack/base/time.hpp"

namespace tcpsim::tcp {

// One option a SYN may carry. TcpConfig::syn_options says which may go (Nop entries are
// ignored); the layout says in what order and with what padding.
enum class SynOption : std::uint8_t { Mss, SackPermitted, Timestamps, Nop, WindowScale };

// How a SYN's options are arranged and padded when some are off:
//  - Linux: tcp_output.c tcp_options_write: MSS; SACK-permitted and TS in one word (or
//    NOP, NOP, TS); NOP, NOP, SACK-permitted without TS; NOP, window scale.
//  - FreeBsd: tcp_output.c tcp_addoptions: MSS, window scale, SACK-permitted, TS, each
//    NOP-aligned (window scale at an odd offset, SACK-permitted at an even one, TS at
//    2 mod 4), then EOL and zeros up to a multiple of 4 bytes.
enum class SynLayout : std::uint8_t { Linux, FreeBsd };

// Where our window-scale shift comes from (RFC 7323 §2.3 leaves it to the receiver):
//  - Fixed: window_shift as set.
//  - LinuxRmem: tcp_output.c tcp_select_initial_window: ilog2 of the largest window the
//    socket may ever offer (max of the receive buffer and tcp_rmem[2], wscale_space here)
//    minus 15, within 0..14.
//  - FreeBsdSockbuf: the smallest shift for which 65535 << shift reaches
//    kern.ipc.maxsockbuf (wscale_space here), at most 14 (tcp_usrreq.c tcp_connect,
//    tcp_syncache.c).
enum class ShiftRule : std::uint8_t { Fixed, LinuxRmem, FreeBsdSockbuf };

enum class CongestionAlgorithm : std::uint8_t { Reno, NewReno, Cubic };

// How the congestion controller counts (docs/profiles.md):
//  - Rfc: RFC 3465 byte counting (slow start at most 2·SMSS per ACK), RFC 5681's
//    ssthresh from FlightSize, RFC 9438's CUBIC curve in floating point
//    (stack/tcp/congestion/cubic.hpp). The freebsd and rfc profiles keep it; FreeBSD's
//    cc_cubic.c has arithmetic of its own that is not modelled.
//  - Linux: whole segments: tcp_cong.c's tcp_slow_start and tcp_cong_avoid_ai,
//    tcp_reno_ssthresh (cwnd / 2), and net/ipv4/tcp_cubic.c's integer arithmetic with beta
//    717/1024 (stack/tcp/congestion/cubic_linux.hpp).
//  - FreeBsd: as Rfc, but NewReno's fast retransmit sets ssthresh from cwnd, halved and
//    rounded down to whole segments (cc_newreno.c newreno_cong_signal, CC_NDUPACK), and
//    without SACK the window inflates to ssthresh plus the duplicate ACKs not answered by
//    limited transmit (tcp_input.c: snd_ssthresh + maxseg * (t_dupacks - snd_limited)).
//    The freebsd script profile.
enum class CongestionRule : std::uint8_t { Rfc, Linux, FreeBsd };

// The window a receiver advertises. Rfc: RFC 9293 §3.8.6.2.2 receiver SWS avoidance, the
// right edge moves by at least min(buffer/2, MSS). FreeBsd (tcp_output.c): all the free
// space, but none below min(buffer/4, MSS). Linux (tcp_output.c __tcp_select_window,
// tcp_input.c tcp_grow_window): the free space up to rcv_ssthresh, one segment short of
// the buffer, in whole segments when unscaled (LinuxWindow).
enum class WindowRule : std::uint8_t { Rfc, FreeBsd, Linux };

// How a connection ends when its user aborts or closes it, or the stack gives up on it,
// where the kernels and the RFC differ (docs/profiles.md):
//  - Rfc: ABORT sends <SEQ=SND.NXT><CTL=RST> (RFC 9293 §3.10.5); CLOSE with unread data
//    aborts (RFC 2525 §2.17); text that arrives after CLOSE is acknowledged and dropped;
//    giving up after retransmissions (§3.8.3) or keep-alives, or a user timeout
//    (§3.10.8), sends nothing.
//  - Linux: an abort's RST also carries ACK, our window and the options (tcp.c
//    tcp_disconnect, tcp_output.c tcp_send_active_reset); close() with unread data
//    aborts (tcp.c tcp_close); new text in FIN-WAIT-1/2 after close() resets the
//    connection with <SEQ=SEG.ACK><CTL=RST> (tcp_input.c tcp_rcv_state_process,
//    TCPABORTONDATA); unanswered keep-alives send the abort's RST (tcp_timer.c
//    tcp_keepalive_timer); retransmissions or a user timeout give up silently
//    (tcp_timer.c tcp_write_err).
//  - FreeBsd: an abort's RST carries ACK and the options with a zero window (tcp_usrreq.c
//    tcp_disconnect, tcp_subr.c tcp_drop, tcp_output.c: "If a RST segment is sent,
//    advertise a window of zero"), also from CLOSING and LAST-ACK; close() with unread
//    data discards it and sends FIN (tcp_disconnect, sbflush); new text after close()
//    resets, as Linux (tcp_input.c, "user processes are gone"); giving up (retransmissions,
//    keep-alives) sends the abort's RST (tcp_timer.c, tcp_drop).
enum class CloseRules : std::uint8_t { Rfc, Linux, FreeBsd };

// How the retransmission timeout follows from the RTT estimate (rtt_estimator.hpp):
//  - Rfc6298: RTO = SRTT + max(G, 4*RTTVAR) within [min_rto, max_rto], doubled on each
//    expiry (RFC 6298 (2.3)-(2.5), (5.5)).
//  - FreeBsd: tcp_var.h TCP_REXMTVAL = max(t_rttmin, SRTT + 4*RTTVAR), and every value
//    set through tcp_timer.h TCPT_RANGESET, which adds net.inet.tcp.rexmit_slop
//    (rto_slop) before clamping to [t_rttmin (min_rto), TCPTV_REXMTMAX (max_rto)]; the
//    n-th expiry takes TCP_REXMTVAL (initial_rto before a sample) times tcp_backoff[n]
//    (tcp_timer.c tcp_timer_rexmt), and after a sample the floor is max(t_rttmin,
//    RTT + 2 ms) (tcp_input.c tcp_xmit_timer).
//  - Linux: tcp_input.c tcp_rtt_estimator and tcp_set_rto, in microseconds: RTO = SRTT +
//    RTTVAR where RTTVAR is the largest mean deviation (times 4) seen over the last
//    round trip, never below min_rto (tcp_rto_min) and decaying by a quarter per round
//    trip; a falling RTT moves the deviation by 1/32 only; rounded up to jiffies (1 ms).
enum class RtoRule : std::uint8_t { Rfc6298, FreeBsd, Linux };

// What a connection in TIME-WAIT does with a SYN and a RST:
//  - Rfc: as in any synchronized state (RFC 9293 §3.10.7.4 with RFC 5961: challenge ACK).
//  - Linux: tcp_minisocks.c tcp_timewait_state_process: a SYN without ACK beyond RCV.NXT
//    (or with a newer TSval) goes to a listener as a new connection (TCP_TW_SYN).
//  - FreeBsd: tcp_timewait.c tcp_twcheck: a SYN without ACK beyond RCV.NXT closes the
//    TIME-WAIT and goes to a listener; a RST or a segment without ACK is dropped; the rest
//    draw an ACK unless they are an exact duplicate ACK.
enum class TimeWaitRule : std::uint8_t { Rfc, Linux, FreeBsd };

// What an ICMP error about a segment we sent does (stack/tcp/icmp_error.hpp says how each
// kernel's code reads): Linux's tcp_ipv4.c tcp_v4_err and tcp_ipv6.c tcp_v6_err, FreeBSD's
// tcp_subr.c tcp_ctlinput and tcp6_ctlinput, or RFC 1122 4.2.3.9 with RFC 5927 and
// RFC 1191 / RFC 8201.
enum class IcmpRules : std::uint8_t { Rfc, Linux, FreeBsd };

// How a SYN cookie lays out what it carries (stack/tcp/syn_cookie.hpp): Linux's
// (net/ipv4/syncookies.c) or FreeBSD's (sys/netinet/tcp_syncache.c).
enum class SynCookieFormat : std::uint8_t { Linux, FreeBsd };

// The persist timer (RFC 9293 §3.8.6.1) and what it sends into a closed window:
//  - Rfc: one byte beyond the window, every max(RTO, persist_min), doubling up to
//    persist_max.
//  - Linux (tcp_timer.c tcp_probe_timer, tcp_output.c tcp_send_probe0, tcp_write_wakeup,
//    tcp_xmit_probe_skb; tcp_input.c tcp_ack_probe): <SEQ=SND.UNA-1> without data, every
//    max(RTO, 200 ms) << probes, at most persist_max (TCP_RTO_MAX); each ACK restarts the
//    timer from its arrival, and TCP_USER_TIMEOUT counts from the first probe, answered or
//    not.
//  - FreeBsd (tcp_output.c tcp_setpersist, tcp_timer.c tcp_timer_persist): one byte, every
//    (4·SRTT + 8·RTTVAR)·tcp_backoff[shift] within [persist_min (5 s), persist_max (60 s)].
enum class ProbeRule : std::uint8_t { Rfc, Linux, FreeBsd };

// When retransmitting data gives up (RFC 9293 §3.8.3 R2) and what TCP_USER_TIMEOUT
// counts from:
//  - Count: after data_retries retransmissions of one segment; the user timeout from
//    when the oldest unacknowledged data was sent (or last acknowledged).
//  - Linux (tcp_timer.c tcp_write_timeout, retransmits_timed_out, tcp_model_timeout,
//    tcp_orphan_retries, tcp_clamp_rto_to_user_timeout): by time since the first
//    retransmission still outstanding (retrans_stamp), once it reaches what data_retries
//    doublings of a 200 ms RTO take (924.6 s for 15), or the user timeout when one is
//    set; the first timeout never gives up. A connection the user closed (an orphan)
//    uses orphan_retries instead, 8 while its RTO is under max_rto when that is 0.
enum class RetryRule : std::uint8_t { Count, Linux };

// How long a connection the user closed waits in FIN-WAIT-2 for the peer's FIN
// (fin_wait2.hpp has the kernels' rules and sources):
//  - None: as long as it takes (RFC 9293).
//  - Linux: fin_timeout (net.ipv4.tcp_fin_timeout, 60 s) or linger2 (TCP_LINGER2), at
//    least 3.5 RTO, then the connection ends silently; linger2 < 0 skips FIN-WAIT-2.
//  - FreeBsd: dropped silently once idle for keep-alive probes x interval (600 s), or
//    after fin_timeout (net.inet.tcp.finwait2_timeout) with fast_finwait2_recycle.
enum class FinWait2Rule : std::uint8_t { None, Linux, FreeBsd };
std::string_view to_string(CongestionAlgorithm a);
std::optional<CongestionAlgorithm> parse_congestion_algorithm(std::string_view text);

struct TcpConfig {
  std::string profile = "linux";

  // Options offered on SYN and SYN,ACK, in wire order (RFC 9293 §3.2, RFC 7323, RFC 2018).
  std::vector<SynOption> syn_options = {SynOption::Mss, SynOption::SackPermitted,
                                        SynOption::Timestamps, SynOption::Nop,
                                        SynOption::WindowScale};
  SynLayout syn_layout = SynLayout::Linux;
  bool sack = true;               // offer SACK-permitted and generate SACK blocks
  bool timestamps = true;         // RFC 7323 §3
  bool window_scaling = true;     // RFC 7323 §2
  std::uint8_t window_shift = 7;  // our Rcv.Wind.Shift when scaling is agreed (ShiftRule::Fixed)
  ShiftRule shift_rule = ShiftRule::LinuxRmem;
  std::uint32_t wscale_space = 6 * 1024 * 1024;  // Linux's tcp_rmem[2] default, 6 MiB
  // Linux's TCP_WINDOW_CLAMP (0: none): the most any window we offer may be, our SYN's
  // included, and the space the scale is chosen for (tcp_select_initial_window).
  std::uint32_t window_clamp = 0;

  std::uint32_t mtu = 1500;     // IP MTU of the host's interface; MSS = mtu - 40 (IPv4)
  std::uint32_t mss_clamp = 0;  // TCP_MAXSEG: at most this MSS (0 = no clamp)
  // The peer's MSS over IPv4 when its SYN says none, or 0 (RFC 9293 §3.7.1: 536; FreeBSD's
  // net.inet.tcp.mssdflt), and the least taken from it (FreeBSD's net.inet.tcp.minmss,
  // 216; 0: none).
  std::uint32_t default_peer_mss = 536;
  std::uint32_t min_peer_mss = 0;

  std::uint32_t send_buffer = 4 * 1024 * 1024;
  std::uint32_t recv_buffer = 4 * 1024 * 1024;
  std::uint32_t initial_window_segments = 10;  // RFC 6928
  // FreeBSD's net.inet.tcp.abc_l_var: RFC 3465's L, the segments one ACK may count for
  // (CongestionRule::FreeBsd).
  std::uint32_t abc_l_var = 2;

  bool nagle = true;  // RFC 896; TCP_NODELAY turns it off
  // Minshall's refinement of Nagle (Linux tcp_nagle_check): only a small segment in flight
  // holds the next one back; false: anything in flight does (FreeBSD tcp_output's
  // "idle || TF_NODELAY", idle meaning snd_max == snd_una).
  bool nagle_minshall = true;
  Nanos delayed_ack_timeout = 40 * kMillisecond;  // 0 disables delayed ACK

  // RFC 6298: initial RTO 1 s, lower bound (the RFC says 1 s; Linux uses 200 ms).
  Nanos initial_rto = 1 * kSecond;
  Nanos min_rto = 200 * kMillisecond;
  Nanos max_rto = 120 * kSecond;
  RtoRule rto_rule = RtoRule::Rfc6298;
  Nanos rto_slop = 0;  // FreeBSD's net.inet.tcp.rexmit_slop (RtoRule::FreeBsd)
  int syn_retries = 6;
  // Linux 6.5 and later (net.ipv4.tcp_syn_linear_timeouts; 4 there, 0 here as before):
  // the first this many SYN timeouts of an active open keep the RTO, and the SYN is
  // retransmitted syn_retries more times after them (tcp_retransmit_timer,
  // tcp_write_timeout).
  int syn_linear_timeouts = 0;
  int synack_retries = -1;  // SYN,ACK retransmissions of a passive open (-1 = syn_retries)
  int data_retries = 15;
  Nanos user_timeout = 0;  // 0 = none; otherwise abort when data stays unacked this long
  // RFC 6298 (5.7): after the SYN (or SYN,ACK) timed out and no RTT sample came from the
  // handshake, the RTO is set to this when data starts (Linux tcp_metrics.c
  // tcp_init_metrics, TCP_TIMEOUT_FALLBACK: 3 s, whatever the back-off reached). 0 = keep
  // the backed-off RTO (FreeBSD).
  Nanos rto_after_syn_timeout = 3 * kSecond;

  Nanos msl = 30 * kSecond;  // TIME-WAIT lasts 2*MSL (RFC 9293 §3.4.2)
  FinWait2Rule fin_wait2_rule = FinWait2Rule::None;
  Nanos fin_timeout = 60 * kSecond;    // tcp_fin_timeout / net.inet.tcp.finwait2_timeout
  Nanos linger2 = 0;                   // Linux's TCP_LINGER2: 0 = fin_timeout; < 0: none
  bool fast_finwait2_recycle = false;  // FreeBSD's net.inet.tcp.fast_finwait2_recycle

  // RFC 5961 §7: at most this many challenge ACKs per second (0 = unlimited).
  std::uint32_t challenge_ack_limit = 1000;
  // Linux's net.ipv4.tcp_invalid_ratelimit (0: none): per connection, at most one ACK in
  // this time for segments outside the window or failing PAWS that carry no data (or a
  // SYN), for challenge ACKs, and for a repeated SYN in SYN-RECEIVED
  // (tcp_input.c tcp_oow_rate_limited, tcp_send_challenge_ack).
  Nanos invalid_ratelimit = 0;
  // FreeBSD's net.inet.tcp.insecure_rst: a RST anywhere in the window resets the
  // connection (RFC 793) instead of RFC 5961 §3.2's exact match and challenge ACK.
  bool insecure_rst = false;
  // FreeBSD's net.inet.tcp.insecure_syn: a SYN in the window resets the connection
  // (RFC 793) instead of RFC 5961 §4.2's challenge ACK.
  bool insecure_syn = false;
  // FreeBSD's net.inet.tcp.drop_synfin: a SYN with FIN is dropped unanswered (Linux always
  // drops one at a listener: tcp_rcv_state_process, "if (th->fin) goto discard").
  bool drop_synfin = false;
  // FreeBSD's net.inet.tcp.tolerate_missing_ts (1): 0 drops, unanswered, a segment without
  // timestamps once they were agreed (tcp_do_segment, tcp_twcheck; a RST passes).
  bool tolerate_missing_ts = true;
  // FreeBSD's net.inet.tcp.blackhole: a closed port answers no SYN (1) or nothing (2) with
  // a RST (tcp_input.c).
  int blackhole = 0;
  // FreeBSD's tcp_reass on FINs: a FIN segment ending before the end of the data held out
  // of order is dropped whole ("someone is trying to game us"), a FIN on data the last
  // held block has already loses its FIN ("complete overlap"), data past a held FIN is
  // dropped, and a FIN that came on the peer's SYN in a simultaneous open is forgotten
  // when a bare ACK completes the handshake (tcp_do_segment, SYN-RECEIVED: the flag
  // tcp_reass(tp, NULL, ...) returns is not used).
  bool freebsd_reass = false;
  // TCP_MAXSEG reads the MSS less the options every segment carries (Linux's mss_cache);
  // false: FreeBSD's t_maxseg, the MSS without them (tcp_default_ctloutput).
  bool maxseg_less_options = true;
  // TCP_MAXSEG also caps the MSS our SYN and SYN,ACK offer, and a listener's value passes
  // to its children (Linux's user_mss). false: FreeBSD, where it only sets t_maxseg: the
  // SYNs offer the route's MSS (tcp_mssopt), a child starts afresh (syncache_socket), and
  // an MSS option in the SYN,ACK replaces the value (tcp_mss -> tcp_mss_update).
  bool maxseg_offers = true;
  // FreeBSD's net.inet.tcp.rexmit_drop_options: the third and later retransmitted SYNs
  // carry only the MSS (tcp_timer.c tcp_timer_rexmt).
  bool rexmit_drop_options = false;

  // FreeBSD (tcp_output.c, tcp_outflags[] for FIN-WAIT-1, CLOSING and LAST-ACK, and the
  // TF_SENTFIN step back of snd_nxt): while our FIN is out and unacknowledged, an ACK
  // tcp_output builds carries it again (a challenge ACK, from tcp_respond, does not).
  bool fin_again_on_ack = false;
  // A segment PAWS rejects is acknowledged (Linux tcp_send_dupack); false: only when it
  // carries data (FreeBSD tcp_input.c: "if (tlen) goto dropafterack; goto drop").
  bool paws_acks_bare = true;
  // FreeBSD's net.inet.tcp.always_keepalive (1 there): every established connection runs
  // the keep-alive timer, SO_KEEPALIVE or not (tcp_timer.c tcp_timer_keep).
  bool always_keepalive = false;
  // An ACK of data not yet sent draws a challenge ACK (RFC 5961 §5.2, counted against the
  // limit); false: a plain ACK, as tcp_output builds it (FreeBSD tcp_input.c:
  // tcps_rcvacktoomuch, "goto dropafterack").
  bool ack_ahead_is_challenge = true;
  // A segment wholly below RCV.NXT still has its ACK taken (a SYN-RECEIVED connection may
  // become ESTABLISHED by it), its text and FIN dropped and an ACK sent (FreeBSD
  // tcp_input.c tcp_do_segment: "Send an ACK to resynchronize and drop any data. But keep
  // on processing for RST or ACK."); false: it is only acknowledged (RFC 9293 §3.10.7.4).
  bool old_segment_acks = false;
  TimeWaitRule time_wait_rule = TimeWaitRule::Rfc;
  // Linux's net.ipv4.tcp_rfc1337: a RST at RCV.NXT in TIME-WAIT is ignored rather than
  // ending it (RFC 1337's TIME-WAIT assassination; tcp_timewait_state_process).
  bool rfc1337 = false;
  IcmpRules icmp_rules = IcmpRules::Linux;

  // FreeBSD's SYN cache (tcp_syncache.c) for a connection from a listener, still in
  // SYN-RECEIVED: any SYN without ACK draws the SYN,ACK again and starts its retransmission
  // count and timer afresh (syncache_add); a RST is judged by its sequence number alone
  // (syncache_chkrst); the SYN,ACK is not timed, so only a timestamp echo on the third
  // segment gives an RTT sample.
  bool syncache = false;
  // FreeBSD (tcp_input.c tcp_mss): once the handshake is done both buffers grow to a whole
  // number of segments of the peer's MSS (options not deducted).
  bool round_buffers_to_mss = false;
  // FreeBSD's receive buffer autosizing (tcp_input.c tcp_autorcvbuf, net.inet.tcp.
  // recvbuf_auto and recvbuf_max): unless SO_RCVBUF was set, a buffer that took more than
  // 3/8 of itself in order within half an RTT grows by half, up to the maximum.
  bool recv_buffer_auto = false;
  std::uint32_t recv_buffer_auto_max = 2 * 1024 * 1024;
  // The window we advertise (WindowRule); none shrinks the offered window.
  WindowRule window_rule = WindowRule::Rfc;

  // SYN cookies (RFC 4987 §3.6), as Linux's net.ipv4.tcp_syncookies: 0 off, 1 when a
  // listen queue is full (the default of Linux and FreeBSD), 2 for every SYN.
  int syncookies = 1;
  SynCookieFormat syncookie_format = SynCookieFormat::Linux;

  Nanos persist_min = 200 * kMillisecond;
  Nanos persist_max = 60 * kSecond;
  ProbeRule probe_rule = ProbeRule::Rfc;
  RetryRule retry_rule = RetryRule::Count;
  int orphan_retries = 0;  // Linux's net.ipv4.tcp_orphan_retries (RetryRule::Linux)
  // Linux's SACK compression (tcp_input.c __tcp_ack_snd_check; WindowRule::Linux with
  // SACK): out of quick-ACK mode the fourth and later out-of-order segments at one RCV.NXT
  // share one ACK, sent min(comp_sack_delay, 5 % of the RTT) + comp_sack_slack later or
  // once comp_sack_nr wait (net.ipv4.tcp_comp_sack_nr, _delay_ns, _slack_ns; 0: off).
  std::uint32_t comp_sack_nr = 0;
  Nanos comp_sack_delay = 1 * kMillisecond;
  Nanos comp_sack_slack = 100 * kMicrosecond;

  bool keepalive = false;  // RFC 9293 §3.8.4
  // FreeBSD's TCP_KEEPINIT: an active open that is not established this long after its
  // SYN is aborted (0 = only syn_retries limit it).
  Nanos connect_timeout = 0;
  bool no_options = false;   // FreeBSD's TCP_NOOPT: no options on SYN or SYN,ACK, none agreed
  bool cork = false;         // Linux's TCP_CORK, FreeBSD's TCP_NOPUSH: hold partial segments
  std::uint8_t ip_tos = 0;   // IPv4 TOS or IPv6 traffic class of what the connection sends
  std::uint8_t ip_ttl = 64;  // IPv4 TTL or IPv6 hop limit
  Nanos keepalive_idle = 7200 * kSecond;
  Nanos keepalive_interval = 75 * kSecond;
  int keepalive_probes = 9;

  CongestionAlgorithm congestion = CongestionAlgorithm::NewReno;

  // Text on a SYN (or SYN,ACK) that arrives in SYN-SENT. RFC 9293 §3.10.7.3:
  // "queue them for processing after the ESTABLISHED state has been reached", as FreeBSD
  // does (tcp_input.c, trimthenstep6, then tcp_reass). Linux discards it
  // (tcp_input.c, tcp_rcv_synsent_state_process: "discard packet for sanity"; after a
  // SYN,ACK tcp_rcv_state_process frees it) and the peer sends it again.
  bool queue_syn_data = true;

  // D-SACK (RFC 2883): a duplicate segment is reported in the first SACK block of the ACK
  // it draws. On in Linux (net.ipv4.tcp_dsack = 1, tcp_input.c tcp_dsack_set) and in
  // FreeBSD (tcp_sack.c, tcp_update_dsack_list); only where SACK was agreed.
  bool dsack = true;

  CloseRules close_rules = CloseRules::Linux;

  // ---- Linux behaviours the script runner turns on for --tcpsim_profile=linux ----
  // Off in every profile otherwise, so built-in scenarios keep their captures
  // (docs/profiles.md).
  // SO_RCVBUF/SO_SNDBUF as Linux's sock.c sk_setsockopt: the value is capped at
  // net.core.rmem_max / wmem_max, then doubled (at least SOCK_MIN_RCVBUF / SOCK_MIN_SNDBUF),
  // and getsockopt reports the doubled value; the window offered is half of it
  // (tcp_win_from_space), and a SYN's window is a whole number of MSS
  // (tcp_output.c tcp_select_initial_window).
  bool linux_sockbuf = false;
  std::uint32_t rmem_max = 212992;  // net.core.rmem_max
  std::uint32_t wmem_max = 212992;  // net.core.wmem_max
  // Linux's quick-ACK mode (tcp_input.c tcp_incr_quickack, tcp_event_data_recv): from the
  // first data on, up to this many segments (TCP_MAX_QUICKACKS, 16) are acknowledged at
  // once, and the delayed-ACK timeout adapts (the ATO). 0 = off: every second segment,
  // delayed_ack_timeout.
  std::uint32_t quickacks = 0;
  // The congestion window grows only while the sender is cwnd-limited (include/net/tcp.h
  // tcp_is_cwnd_limited, tcp_output.c tcp_cwnd_validate).
  bool cwnd_limited_growth = false;
  // RFC 5681 §4.1: after no data was sent for more than an RTO, new data starts from at
  // most the restart window min(IW, cwnd), ssthresh kept at least 3/4 of cwnd (RFC 2861
  // §2). Linux halves cwnd once per RTO idle down to that (tcp_output.c tcp_cwnd_restart,
  // net.ipv4.tcp_slow_start_after_idle); FreeBSD counts the idle time from the last
  // segment received (tcp_output.c, cc.c newreno_cc_after_idle). Script profiles only.
  bool restart_after_idle = false;
  // CUBIC ends slow start by HyStart (tcp_cubic.c hystart_update, stack/tcp/congestion/
  // hystart.hpp), as Linux's net.ipv4.tcp_cubic hystart=1.
  bool hystart = false;
  // Whose arithmetic Reno, NewReno and CUBIC follow (CongestionRule).
  CongestionRule congestion_rule = CongestionRule::Rfc;
  // TSO/GSO (tcp_output.c): data leaves as super-segments of several MSS, as Linux hands
  // them to a device that offloads segmentation (packetdrill's TUN device does), sized by
  // tcp_xmit_size_goal, tcp_tso_autosize (the pacing rate and min RTT), tcp_cwnd_test's
  // half window and tcp_mss_split_point, and held back by tcp_tso_should_defer
  // (stack/tcp/tso.hpp). The sysctls below are Linux's defaults.
  bool tso = false;
  // PSH as Linux marks its write-queue buffers (TsoQueue), with TSO or without: Linux
  // still builds GSO buffers when the device does not segment. With `tso` too.
  bool push_marks = false;
  // With `tso`: the device does not segment, so software GSO cuts each super-segment into
  // MSS-sized segments before the tap sees it (net/core/dev.c validate_xmit_skb), while
  // TCP still sizes and defers its buffers as with TSO (net/core/sock.c sk_setup_caps
  // always allows GSO for TCP). The script runner's `ethtool -K tun0 tso off`.
  bool software_gso = false;
  std::uint32_t min_tso_segs = 2;       // net.ipv4.tcp_min_tso_segs
  std::uint32_t tso_rtt_log = 9;        // net.ipv4.tcp_tso_rtt_log
  std::uint32_t tso_win_divisor = 3;    // net.ipv4.tcp_tso_win_divisor
  std::uint32_t pacing_ss_ratio = 200;  // net.ipv4.tcp_pacing_ss_ratio (percent)
  std::uint32_t pacing_ca_ratio = 120;  // net.ipv4.tcp_pacing_ca_ratio (percent)
  // With TSO: a resend of a buffer shorter than a segment takes the whole buffers after it
  // that fit (net.ipv4.tcp_retrans_collapse, tcp_retrans_try_collapse).
  bool retrans_collapse = true;
  // Tail loss probes (RFC 8985 §7, stack/tcp/loss_probe.hpp) on connections that agreed
  // SACK, as Linux's net.ipv4.tcp_early_retrans = 3 (its default) sends them.
  bool tail_loss_probe = false;
  // RACK loss detection (RFC 8985 §6, stack/tcp/rack.hpp) on connections that agreed
  // SACK, as Linux's net.ipv4.tcp_recovery = 1 (its default).
  bool rack = false;
  // net.ipv4.tcp_recovery's other bits: 2, RACK's reordering window stays at one step
  // (TCP_RACK_STATIC_REO_WND); 4, no zero window once as many segments as the
  // reordering degree are SACKed (TCP_RACK_NO_DUPTHRESH).
  bool rack_static_reo_wnd = false;
  bool rack_no_dupthresh = false;
  // The reordering degree a connection starts with and the most it may reach, in
  // segments (net.ipv4.tcp_reordering, tcp_max_reordering; stack/tcp/segment_marks.hpp).
  std::uint32_t reordering = 3;
  std::uint32_t max_reordering = 300;
  // F-RTO after a retransmission timeout (RFC 5682, stack/tcp/frto.hpp), as Linux's
  // net.ipv4.tcp_frto = 2 (its default) runs it; under CongestionRule::Linux only.
  bool frto = false;
  // Segments checked at Linux's edges rather than RFC 9293's (docs/profiles.md):
  //  - a connection from a listener still in SYN-RECEIVED is a request socket
  //    (tcp_minisocks.c tcp_check_req): the ACK checked before the window, an in-window
  //    RST drops it silently, an in-window SYN draws the host's reset and drops it;
  //  - after close(), FIN-WAIT-2 is a time-wait socket (tcp_timewait_state_process);
  //  - a segment with none of ACK, RST and SYN is dropped unanswered (tcp_rcv_established,
  //    tcp_rcv_state_process); tcp_validate_incoming: the window's right edge is inclusive
  //    and its left edge the RCV.NXT last advertised (tcp_sequence), a RST at the end of the
  //    highest SACK block resets, PAWS allows TS.Recent - 1;
  //  - tcp_ack: an ACK is too old below SND.UNA less the bytes acknowledged so far (at most
  //    the largest window), and an ACK of unsent data is dropped unanswered in ESTABLISHED
  //    (challenged in the other states, tcp_rcv_state_process);
  //  - tcp_rcv_synsent_state_process: a bad ACK to our first SYN sends it again soon
  //    (TCP_TIMEOUT_MIN).
  bool linux_segment_checks = false;

  // ECN (RFC 3168), as Linux's net.ipv4.tcp_ecn and FreeBSD's net.inet.tcp.ecn.enable:
  // 0 off; 1 ask for it on active opens and grant it to peers that ask; 2 only grant it.
  // Both kernels default to 2 (Linux tcp_ipv4.c tcp_sk_init, FreeBSD tcp_ecn.c
  // V_tcp_do_ecn).
  int ecn = 2;
  // How many retransmissions of an ECN-setup SYN still ask for ECN: none in Linux
  // (tcp_output.c tcp_retransmit_skb -> tcp_ecn_clear_syn, net.ipv4.tcp_ecn_fallback = 1),
  // one in FreeBSD (tcp_ecn.c tcp_ecn_output_syn_sent, net.inet.tcp.ecn.maxretries = 1).
  int ecn_setup_retries = 0;
  // Linux: an ECT-marked SYN is not granted ECN (tcp_input.c tcp_ecn_create_request), and
  // the first CE mark is acknowledged at once (__tcp_ecn_check_ce -> quick-ACK mode).
  bool ecn_refuse_ect_syn = true;
  bool ecn_ce_quickack = true;

  // The shift our SYN offers, by shift_rule.
  std::uint8_t our_window_shift() const;
  // The initial window in bytes for segments of `mss`: Linux initial_window_segments
  // whole segments (tcp_init_cwnd); otherwise RFC 6928's min(n·MSS, max(2·MSS, n·1460)),
  // as FreeBSD computes it (tcp_input.c tcp_compute_initwnd).
  std::uint32_t initial_window(std::uint32_t mss) const;
  // The keep-alive timer runs: SO_KEEPALIVE, or FreeBSD's always_keepalive.
  bool keepalive_runs() const { return keepalive || always_keepalive; }
  // FreeBSD's TP_MAXIDLE: keep-alive probes times their interval.
  Nanos keepalive_max_idle() const { return keepalive_probes * keepalive_interval; }

  // Named profiles: "linux", "freebsd" and "rfc" (docs/profiles.md).
  static std::optional<TcpConfig> profile_named(std::string_view name);
  static std::vector<std::string_view> profile_names();
};

}  // namespace tcpsim::tcp
