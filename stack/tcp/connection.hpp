// One TCP connection: the transmission control block and the RFC 9293 state machine.
//
// The connection keeps the state machine, the order of §3.10.7's steps and every state
// change (set_state); its parts hold the rest: Negotiation (what the SYNs agreed),
// Sender (SND.*), Receiver (RCV.*), LossRecovery (dup ACKs, recovery, congestion
// control) and TimerSet. Each part is given what it needs per call.
//
// Sans-I/O (DESIGN principle 1): the connection is fed user calls, arriving segments and
// timer expiries, each with the current time; it queues segments to send (collected with
// poll_transmit), reports events to an observer, and tells when it next needs the clock
// (next_deadline). It never reads a clock and never touches a socket.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stack/base/time.hpp"
#include "stack/tcp/config.hpp"
#include "stack/tcp/ecn.hpp"
#include "stack/tcp/errors.hpp"
#include "stack/tcp/loss_probe.hpp"
#include "stack/tcp/loss_recovery.hpp"
#include "stack/tcp/negotiation.hpp"
#include "stack/tcp/payload_pool.hpp"
#include "stack/tcp/persist.hpp"
#include "stack/tcp/quick_ack.hpp"
#include "stack/tcp/rack.hpp"
#include "stack/tcp/rcv_rtt.hpp"
#include "stack/tcp/receiver.hpp"
#include "stack/tcp/rtt_estimator.hpp"
#include "stack/tcp/segment.hpp"
#include "stack/tcp/segment_marks.hpp"
#include "stack/tcp/sender.hpp"
#include "stack/tcp/seq_num.hpp"
#include "stack/tcp/state.hpp"
#include "stack/tcp/timer_set.hpp"
#include "stack/tcp/tso.hpp"

namespace tcpsim::tcp {

struct Endpoint {
  wire::IpAddress addr;
  std::uint16_t port = 0;
  bool operator==(const Endpoint&) const = default;
  auto operator<=>(const Endpoint&) const = default;
  std::string to_string() const;  // "10.0.0.1:80", "[fd00::1]:80"
};

// Socket options. The first five belong to the connection (Connection::set_option); the
// others to the socket.
enum class SockOpt : std::uint8_t {
  NoDelay,      // TCP_NODELAY (0/1)
  KeepAlive,    // SO_KEEPALIVE (0/1)
  MaxSeg,       // TCP_MAXSEG (bytes)
  RcvBuf,       // SO_RCVBUF (bytes)
  SndBuf,       // SO_SNDBUF (bytes)
  ReuseAddr,    // SO_REUSEADDR (0/1)
  Linger,       // SO_LINGER: seconds, or -1 for off; 0 makes close() send RST
  Error,        // SO_ERROR (get only): errno as Errno value, cleared by reading
  KeepIdle,     // TCP_KEEPIDLE (seconds)
  KeepIntvl,    // TCP_KEEPINTVL (seconds)
  KeepCnt,      // TCP_KEEPCNT (probes)
  KeepInit,     // TCP_KEEPINIT (seconds; FreeBSD)
  UserTimeout,  // TCP_USER_TIMEOUT (milliseconds; Linux)
  Cork,         // TCP_CORK (Linux) / TCP_NOPUSH (FreeBSD) (0/1)
  NoOpt,        // TCP_NOOPT (0/1; FreeBSD)
  Tos,          // IP_TOS / IPV6_TCLASS (0..255)
  Ttl,          // IP_TTL / IPV6_UNICAST_HOPS (1..255)
  Linger2,      // TCP_LINGER2 (seconds; Linux): FIN-WAIT-2 after close; 0 the default, < 0 none
  SynCnt,       // TCP_SYNCNT (1..127; Linux): SYN (and, on a listener, SYN,ACK) retransmissions
  QuickAck,     // TCP_QUICKACK (Linux): 0 enters ping-pong mode; else leaves it, sending a
                // delayed ACK owed at once when nothing is left unread (even values: then
                // ping-pong again)
  Congestion,   // TCP_CONGESTION: a CongestionAlgorithm, as its integer value
  WindowClamp,  // TCP_WINDOW_CLAMP (bytes; Linux): at least 1152; 0 (none) only before connecting
};
// Options a connection takes: the first five and KeepIdle onwards (see is_connection_option).
constexpr std::size_t kSockOptCount = 22;
constexpr std::size_t kConnectionOptionCount = kSockOptCount;
constexpr bool is_connection_option(SockOpt o) {
  return o != SockOpt::ReuseAddr && o != SockOpt::Linger && o != SockOpt::Error;
}

class Connection;
struct IcmpError;

// Linux's send() flags that shape the segments a write makes (they matter with TSO,
// where the write queue's buffers are modelled: TsoQueue).
struct SendFlags {
  bool eor = false;  // MSG_EOR: later data never joins this write's last buffer
  // MSG_MORE: the write's end gets no PSH mark, and a partial segment waits as if corked
  // until the next segment arrives, a write without it, or the window-probe timer (tcp.c
  // tcp_push corks only that push; tcp_data_snd_check pushes with the socket's Nagle).
  bool more = false;
  // A blocking write going on after it waited: its first bytes keep the mark it left on
  // the last buffer before waiting (tcp_sendmsg_locked clears it only on a call's first copy).
  bool resume = false;
};

// Receives what a connection does; every method has an empty default.
class ConnectionObserver {
 public:
  virtual ~ConnectionObserver() = default;
  // `rule` cites the RFC text that caused the transition.
  virtual void on_state(const Connection&, Nanos, State /*from*/, State /*to*/,
                        std::string_view /*rule*/) {}
  virtual void on_timer(const Connection&, Nanos, TimerKind, TimerAction, Nanos /*deadline*/) {}
  // in_flight: SND.MAX - SND.UNA (FlightSize); pipe: the RFC 6675 estimate of what is
  // still in the network (equal to in_flight outside SACK recovery).
  virtual void on_cwnd(const Connection&, Nanos, std::uint32_t /*cwnd*/, std::uint32_t /*ssthresh*/,
                       std::uint32_t /*in_flight*/, std::uint32_t /*pipe*/) {}
  virtual void on_rtt(const Connection&, Nanos, Nanos /*sample*/, Nanos /*srtt*/, Nanos /*rttvar*/,
                      Nanos /*rto*/) {}
  virtual void on_drop(const Connection&, Nanos, const Segment&, DropReason) {}
  virtual void on_retransmit(const Connection&, Nanos, std::uint32_t /*seq*/, std::uint32_t /*len*/,
                             std::string_view /*why*/) {}
};

// What a status call (RFC 9293 §3.10.6) or getsockopt(TCP_INFO) shows.
// FreeBSD's receive buffer autosizing record (TcpConfig::recv_buffer_auto): when a
// segment last went with none counted since (tcp_output's rfbuf_ts; -1: not yet), and the
// bytes taken in order since (rfbuf_cnt).
struct RcvBufAuto {
  Nanos since = -1;
  std::uint32_t count = 0;
};

struct TcbInfo {
  State state = State::Closed;
  std::uint32_t iss = 0, irs = 0;
  std::uint32_t snd_una = 0, snd_nxt = 0, snd_wnd = 0, rcv_nxt = 0, rcv_wnd = 0;
  std::uint32_t snd_mss = 0;
  std::uint8_t snd_wscale = 0, rcv_wscale = 0;
  bool sack_ok = false, ts_ok = false;
  std::uint32_t cwnd = 0, ssthresh = 0, in_flight = 0;
  std::uint32_t pipe =
      0;  // RFC 6675's estimate of bytes in the network; in_flight outside recovery
  Nanos srtt = 0, rttvar = 0, rto = 0;
  std::size_t send_queued = 0, recv_queued = 0;
  std::uint64_t bytes_sent = 0, bytes_received = 0, retransmissions = 0;
  std::uint64_t segments_sent = 0, segments_received = 0;
  bool in_recovery = false;        // fast recovery (RFC 6675 / RFC 6582)
  bool repairing_timeout = false;  // after a timeout, until SND.UNA passes SND.MAX then
  int rto_backoff = 0;             // RTO doublings since the last new RTT sample
  int window_probes = 0;           // window probes not answered yet (Linux icsk_probes_out)
  int keepalive_probes = 0;        // keep-alive probes since the peer was last heard
  std::uint32_t rcv_rtt_us = 0;    // the receiver's RTT estimate (RcvRtt), µs
  int retries = 0;                 // retransmission timeouts in a row
  std::uint32_t mtu = 0;           // the host's MTU
  std::uint32_t sacked_bytes = 0;  // bytes above SND.UNA the peer's SACK blocks cover
  // Linux's tcp_info counters (tcp.c tcp_get_info): segments that carried data each way,
  // bytes sent again, and when data last came and went and an ACK last came.
  std::uint64_t data_segments_sent = 0, data_segments_received = 0;
  std::uint64_t bytes_retransmitted = 0;
  Nanos last_data_sent = 0, last_data_received = 0, last_ack_received = 0;
  Nanos last_received = 0;        // any segment from the peer (FreeBSD's t_rcvtime)
  std::uint64_t rcv_ooopack = 0;  // segments held out of order
  // FreeBSD's tcpi_snd_rexmitpack and tcpi_snd_zerowin (TcpInfoCounters).
  std::uint64_t data_segments_retransmitted = 0, zero_windows_sent = 0;
  std::uint64_t delivered_ce = 0;  // delivered by ACKs with ECE
  // Linux 6.7's RTO statistics: timeouts, their episodes, and the milliseconds of the
  // episodes over; one going on started at rto_stamp (kNever: none).
  std::uint32_t total_rto = 0, total_rto_recoveries = 0;
  std::uint64_t total_rto_time_ms = 0;
  Nanos rto_stamp = kNever;
  Nanos ato = 0;                   // Linux's delayed-ACK timeout (icsk_ack.ato; QuickAck)
  std::uint32_t rcv_mss = 0;       // the receiver's estimate of the peer's MSS (QuickAck)
  bool pingpong = false;           // ACKs delayed as for an interactive exchange (QuickAck)
  std::uint32_t window_clamp = 0;  // Linux's tp->window_clamp (TCP_WINDOW_CLAMP reads it)
  bool ecn_ok = false;             // ECN agreed (RFC 3168 §6.1.1)
  bool ecn_seen = false;           // ECT or CE arrived on data
  bool in_cwr = false;             // cwnd reduced for an ECN echo, its window not yet over
  // Linux's retrans_out, lost_out and delivered, in segments (SegmentMarks).
  std::uint32_t retrans_out = 0, lost_out = 0;
  // Without SACK, duplicate ACKs counted as segments delivered out of order (Linux's
  // sacked_out then: tcp_add_reno_sack).
  std::uint32_t reno_sacked = 0;
  // Segments sent and not yet acknowledged, and of those the SACKed ones, each counted
  // once whatever its length (Linux's packets_out and sacked_out; a FIN alone counts).
  std::uint32_t packets_out = 0, sacked_out = 0;
  std::uint64_t delivered = 0;
  Nanos min_rtt = 0;             // the least RTT sample (0: none yet)
  std::uint32_t dsack_dups = 0;  // segments D-SACKs reported (Linux rule only)
  // The reordering degree (tp->reordering) and how often reordering was seen.
  std::uint32_t reordering = 3, reord_seen = 0;
  // The last write's first bytes joined a buffer not yet sent (TsoQueue; with TSO or
  // push marks): what that buffer carried for the previous write it now carries for both.
  bool write_joined = false;
  std::uint32_t rcv_ssthresh = 0;  // Linux's receive-window threshold (LinuxWindow)
};

// Where the keep-alive timer's idle time counts from when a socket option starts it
// again: the call, or the last segment received.
// When the keep-alive timer starts again after an option changed; FinWait2Idle: FreeBSD's
// TCP_KEEPCNT or TCP_KEEPINTVL in FIN-WAIT-2 arms the 2 MSL timer for TP_MAXIDLE instead.
enum class KeepaliveFrom : std::uint8_t { None, Now, LastSegment, FinWait2Idle };

class Connection {
 public:
  // Bytes the receive buffer holds beyond its nominal size (see Receiver).
  static constexpr std::uint32_t kWindowSlack = Receiver::kWindowSlack;

  // iss: the initial send sequence number (RFC 6528, chosen by the host's TCP layer).
  Connection(const TcpConfig& config, Endpoint local, Endpoint remote, std::uint32_t iss,
             std::uint32_t ts_offset);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void set_observer(ConnectionObserver* o) { observer_ = o; }
  // Where data segments get their payload buffers (nullptr: fresh ones).
  void set_payload_pool(PayloadPool* p) {
    pool_ = p;
    rcv_.set_pool(p);
  }
  // Free-form label used by observers ("client", "server#1").
  void set_label(std::string label) { label_ = std::move(label); }
  const std::string& label() const { return label_; }

  // ---- user calls (RFC 9293 §3.10) ----
  // OPEN, active (§3.10.1): sends SYN, enters SYN-SENT.
  void open_active(Nanos now);
  // A SYN reached a listener (§3.10.7.2): this new TCB enters SYN-RECEIVED and answers.
  // With SynAck::SentAsCookie the SYN was rebuilt from a SYN cookie (syn_cookie.hpp): the
  // listener already answered it statelessly, so the TCB takes the state that answer
  // left (ISS is the cookie) and sends nothing; the ACK that brought the cookie follows.
  enum class SynAck : std::uint8_t { Send, SentAsCookie };
  void open_from_listen(Nanos now, const Segment& syn, SynAck how = SynAck::Send);
  // SEND (§3.10.2): copies what fits in the send buffer; returns the count or an error.
  Errno send(Nanos now, std::span<const std::uint8_t> data, std::size_t& written,
             SendFlags flags = {});
  // SEND of up to n bytes that fill(offset, span) writes straight into the send buffer
  // (see ByteRing::write_with): for applications that generate their data rather than
  // copy it from a buffer. Same results as send().
  template <class Fill>
  Errno send_with(Nanos now, std::size_t n, Fill&& fill, std::size_t& written,
                  SendFlags flags = {}) {
    written = 0;
    if (Errno e = send_allowed(); e != Errno::Ok) return e;
    written = snd_.buffer().write_with(n, fill);
    if (written == 0 && n > 0) return Errno::Again;
    if (cfg_.tso || cfg_.push_marks) {
      // A write cut short is marked as a blocking one is before it waits (tcp_sendmsg).
      std::uint32_t wnd = snd_.max_wnd();
      tso_queue_.on_write({snd_.max(), snd_.data_end(), static_cast<std::uint32_t>(written),
                           tso_size_goal(send_mss(), wnd), wnd, flags.eor && written == n,
                           !flags.more || written < n, flags.resume});
    }
    more_hold_ = flags.more && written == n;
    new_write_ = written > 0;
    last_activity_ = now;
    return Errno::Ok;
  }
  // RECEIVE (§3.10.3): copies in-order bytes; 0 bytes with Ok means end of stream.
  Errno recv(Nanos now, std::span<std::uint8_t> buf, std::size_t& read);
  // CLOSE (§3.10.4): no more data from us; a FIN follows queued data.
  // CLOSE (RFC 9293 §3.10.4). `socket`: the user closes the socket (close()), so data it
  // never read decides how (CloseRules); false for shutdown(SHUT_WR), which keeps reading.
  Errno close(Nanos now, bool socket = true);
  // ABORT (§3.10.5): RST to the peer when synchronized; the TCB is gone.
  void abort(Nanos now);
  // shutdown(SHUT_RD): reads return end of stream once nothing is queued; `discard` drops
  // what is queued and what comes (FreeBSD's sorflush, SBS_CANTRCVMORE), else it is kept
  // for reads (Linux: RCV_SHUTDOWN only ends reads that would wait).
  void shutdown_read(bool discard = true) { rcv_.shutdown_read(discard); }

  // ---- inputs ----
  // `payload_owner`, when given, is the vector seg.payload lives in: the connection may
  // take it over (instead of copying the bytes) when the whole payload is delivered in
  // order. It is then left empty.
  void on_segment(Nanos now, const Segment& seg,
                  std::vector<std::uint8_t>* payload_owner = nullptr);
  // An ICMP error that quotes a segment of this connection (icmp_error.hpp): validated
  // (RFC 5927 §4.1), then a path MTU change, a soft error or an abort, by the profile.
  void on_icmp_error(Nanos now, const IcmpError& e);
  // Fires every timer whose deadline is <= now.
  void on_timer(Nanos now);
  // Appends the segments ready to go to `out` (control first, then data as the windows
  // allow).
  void poll_transmit(Nanos now, std::vector<Segment>& out);
  // The earliest timer deadline, or kNever.
  Nanos next_deadline() const { return timers_.next_deadline(); }

  // ---- status ----
  State state() const { return state_; }
  TcbInfo info() const;
  const Endpoint& local() const { return local_; }
  const Endpoint& remote() const { return remote_; }
  // "10.0.0.1:40000>10.0.0.2:80"
  std::string id() const;
  Errno error() const { return error_; }
  Errno take_error();
  // RFC 9293 §3.10.7: a connection in CLOSED is finished and can be deleted.
  bool finished() const { return state_ == State::Closed; }
  // Control segments (an ACK, a RST) still waiting for poll_transmit.
  bool has_pending_output() const { return !control_out_.empty(); }
  bool readable() const;  // data, end of stream or an error
  bool writable() const;  // send buffer space in a state that accepts SEND
  bool remote_closed() const { return rcv_.fin_received(); }
  std::size_t recv_queued() const { return rcv_.queued(); }
  std::size_t send_space() const { return snd_.buffer().free_space(); }
  const TcpConfig& config() const { return cfg_; }
  // A connection's socket option (is_connection_option), at any time; others are ignored.
  void set_option(SockOpt opt, std::uint32_t value);

 private:
  // Ok when SEND may queue data in this state, else the error it returns.
  Errno send_allowed();
  // Eff.snd.MSS; Linux's no more than half the peer's largest window (half_window_bound).
  std::uint32_t send_mss() const {
    std::uint32_t mss = neg_.send_mss(cfg_, local_.addr.is_v4());
    if (!cfg_.linux_segment_checks) return mss;  // the linux script profile
    return half_window_bound(mss, snd_.max_wnd(), neg_.ts_ok ? 32 : 20);
  }

  // ---- state (connection.cpp) ----
  void set_state(Nanos now, State next, std::string_view rule);
  void enter_closed(Nanos now, std::string_view rule, Errno err);
  void enter_time_wait(Nanos now, std::string_view rule);

  // ---- segment arrives, RFC 9293 §3.10.7 (connection_input.cpp) ----
  void segment_syn_sent(Nanos now, const Segment& seg);
  void segment_synchronized(Nanos now, const Segment& seg);
  // Before RFC 9293's steps, the kernels' own: time-wait sockets, Linux's request sockets
  // and flag check. False: the segment was dealt with.
  bool kernel_checks(Nanos now, const Segment& seg);
  // Linux's request socket (a passive open before the handshake's last ACK, under
  // linux_segment_checks): tcp_check_req's answers; true when the segment goes on.
  bool request_checks(Nanos now, const Segment& seg);
  bool check_sequence(Nanos now, const Segment& seg);
  bool check_rst(Nanos now, const Segment& seg);
  bool check_syn(Nanos now, const Segment& seg);
  bool check_ack(Nanos now, const Segment& seg);
  void complete_handshake(Nanos now, const Segment& seg);
  void drop(Nanos now, const Segment& seg, DropReason why);
  void send_challenge_ack(Nanos now, const Segment& seg, DropReason why);
  // ---- the fifth step's acknowledgment of data (connection_ack.cpp) ----
  void process_ack_of_data(Nanos now, const Segment& seg);
  // RACK (rack.hpp) after an ACK's deliveries (`news`: a duplicate or new SACK blocks) or
  // when the reordering timer fires (`timer`): mark losses, start recovery, arm or follow
  // the reordering timer.
  void rack_detect(Nanos now, bool timer, bool news = false);
  // ---- the text and FIN steps (connection_text.cpp) ----
  void process_text(Nanos now, const Segment& seg);
  void process_fin(Nanos now, const Segment& seg);

  // ---- output (connection_output.cpp) ----
  Segment make_segment(SeqNum seq, std::uint8_t flags) const;
  void queue_syn(Nanos now, bool fin_alone = false);
  // `challenge`: an RFC 5961 challenge ACK (FreeBSD's tcp_respond: never with our FIN).
  void queue_ack(Nanos now, bool challenge = false);
  void stamp(Nanos now, Segment& s);  // options and window
  void finish_acking_segment(Nanos now, Segment& s);
  // <SEQ=seq><CTL=RST>; `abort`: our own RST (an abort, or giving up), in the form of
  // cfg_.close_rules.
  void queue_rst(Nanos now, SeqNum seq, bool abort = false);
  // `pass_idle`: nothing was in flight when this round of output began (FreeBSD's `idle`
  // in tcp_output, kept through its sendalot loop); unset: as things stand now.
  bool send_data_segment(Nanos now, std::vector<Segment>& out, bool probe, bool force_runt = false,
                         std::optional<bool> pass_idle = std::nullopt);
  void emit_data(Nanos now, std::vector<Segment>& out, const Transmission& t);

  // ---- timers (connection_timers.cpp) ----
  void arm(Nanos now, TimerKind k, Nanos deadline);
  void disarm(Nanos now, TimerKind k);
  // What led to (re)arming the retransmission timer; with tail loss probes on, all but
  // Restart may arm the loss-probe timer in its place (tcp_schedule_loss_probe).
  enum class Rearm : std::uint8_t {
    Restart,   // RFC 6298 (5.1)/(5.3)/(5.6): the RTO from now
    Acked,     // an ACK moved SND.UNA (tcp_set_xmit_timer; all acknowledged: no timer)
    DataSent,  // new data left (the end of tcp_write_xmit)
    NoProbe,   // the loss-probe timer fired and sent nothing: the RTO of the oldest segment
    Reneged,   // an ACK moved SND.UNA onto a SACKed segment (Linux: half an SRTT)
  };
  void restart_retransmission_timer(Nanos now, Rearm why = Rearm::Restart);
  void on_retransmission_timeout(Nanos now);
  void start_persist(Nanos now);
  void on_persist_timeout(Nanos now);
  // RFC 8985 §7 / tcp_send_loss_probe: one segment, new or the last one sent, when the
  // loss-probe timer fires.
  void send_loss_probe(Nanos now);
  void on_keepalive_timeout(Nanos now);
  // FIN-WAIT-2 reached (or close() in it, `at_close`): the kernels' bound on the wait for
  // the peer's FIN (fin_wait2.hpp) arms its timer, or ends the connection (false).
  bool bound_fin_wait2(Nanos now, bool at_close, bool beyond = false);
  // `pipe`: as computed now unless given.
  void report_cwnd(Nanos now, std::optional<std::uint32_t> pipe = std::nullopt);

  TcpConfig cfg_;
  Endpoint local_;
  Endpoint remote_;
  std::string label_;
  ConnectionObserver* observer_ = nullptr;
  PayloadPool* pool_ = nullptr;
  std::vector<std::uint8_t>* payload_owner_ = nullptr;  // during on_segment() only

  State state_ = State::Closed;
  bool passive_ = false;
  // Text (and FIN) that came on the peer's SYN in a simultaneous open, held until
  // ESTABLISHED (RFC 9293 §3.10.7.3) when cfg_.queue_syn_data says so; its SYN bit is off.
  std::optional<Segment> syn_text_;
  Errno error_ = Errno::Ok;
  // The last ICMP soft error (Linux's sk_err_soft, FreeBSD's t_softerror): SO_ERROR shows
  // it where the profile does, and a connection that times out reports it.
  Errno soft_error_ = Errno::Ok;

  Negotiation neg_;
  Sender snd_;
  Receiver rcv_;
  LossRecovery recovery_;
  Ecn ecn_;
  TimerSet timers_;
  RttEstimator rtt_;
  int retries_ = 0;
  bool orphan_ = false;  // the user closed the socket (Linux's SOCK_DEAD)
  Nanos opened_at_ = 0;  // when an active open sent its first SYN (TCP_KEEPINIT)
  PersistTimer persist_;
  int keepalive_sent_ = 0;
  Nanos last_activity_ = 0;
  Nanos last_received_ = 0;        // the last segment from the peer (FreeBSD t_rcvtime)
  Nanos idle_restarted_ = kNever;  // the idle spell whose window restart was done
  bool more_hold_ = false;         // SendFlags::more: held as if corked until the next event
  bool new_write_ = false;         // a write queued data since the last poll_transmit

  // RFC 5961 §7 challenge ACK limit.
  Nanos challenge_window_start_ = 0;
  std::uint32_t challenges_in_window_ = 0;
  Nanos last_oow_ack_ = kNever;  // Linux's last_oow_ack_time (TcpConfig::invalid_ratelimit)

  std::vector<Segment> control_out_;  // queued control segments (ACK, RST, SYN)

  std::uint64_t retransmissions_ = 0;
  std::uint64_t segments_sent_ = 0, segments_received_ = 0;
  QuickAck quick_;
  RcvRtt rcv_rtt_;  // tcpi_rcv_rtt
  TcpInfoCounters counters_;
  RcvBufAuto rcvbuf_auto_;
  bool header_predicted_ = false;  // FreeBSD's header prediction took this segment
  TsoQueue tso_queue_;             // the write queue's buffers, under cfg_.tso or cfg_.push_marks
  LossProbe loss_probe_;           // under cfg_.tail_loss_probe
  Rack rack_;                      // under cfg_.rack
  bool push_new_ = false;  // F-RTO's new data, TCP_NODELAY set: sent next without Nagle or cork
  // SO_KEEPALIVE turned on or TCP_KEEPIDLE set on a running connection: the keep-alive
  // timer starts again at the next poll_transmit.
  KeepaliveFrom keepalive_from_ = KeepaliveFrom::None;
};

}  // namespace tcpsim::tcp
