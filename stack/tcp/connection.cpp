// User calls, state changes and status (RFC 9293 §3.10.1–§3.10.6).
#include "stack/tcp/connection.hpp"

#include <algorithm>
#include <cstring>
#include <tuple>
#include <utility>

#include "stack/tcp/fin_wait2.hpp"
#include "stack/tcp/icmp_error.hpp"

namespace tcpsim::tcp {

std::string Endpoint::to_string() const {
  if (addr.is_v4()) return addr.to_string() + ':' + std::to_string(port);
  return '[' + addr.to_string() + "]:" + std::to_string(port);
}

Connection::Connection(const TcpConfig& config, Endpoint local, Endpoint remote, std::uint32_t iss,
                       std::uint32_t ts_offset)
    : cfg_(config),
      local_(std::move(local)),
      remote_(std::move(remote)),
      snd_(SeqNum(iss), config.send_buffer),
      rcv_(config.recv_buffer, config.dsack, config.freebsd_reass),
      rtt_(config.initial_rto, config.min_rto, config.max_rto, config.rto_rule, config.rto_slop),
      quick_(config.quickacks) {
  neg_.ts_offset = ts_offset;
}

Connection::~Connection() = default;

std::string Connection::id() const {
  return local_.to_string() + '>' + remote_.to_string();
}

void Connection::set_state(Nanos now, State next, std::string_view rule) {
  State prev = state_;
  state_ = next;
  if (observer_ != nullptr && prev != next) observer_->on_state(*this, now, prev, next, rule);
}

void Connection::enter_closed(Nanos now, std::string_view rule, Errno err) {
  if (err != Errno::Ok) error_ = err;
  if (err != Errno::Ok && cfg_.close_rules == CloseRules::Linux) {
    // tcp_done_with_error -> tcp_write_queue_purge: nothing is in flight any more
    // (tcpi_unacked) and the back-off count is 0; tcpi_retransmits and the RTO stay.
    counters_.marks.queue.clear();
    rtt_.forget_backoff();
    persist_.stop();  // icsk_backoff counts the window probes too
  }
  for (int i = 0; i < kTimerCount; ++i) disarm(now, static_cast<TimerKind>(i));
  set_state(now, State::Closed, rule);
}

void Connection::enter_time_wait(Nanos now, std::string_view rule) {
  // RFC 9293 §3.10.7.4 (eighth): start the time-wait timer, turn off the others.
  for (int i = 0; i < kTimerCount; ++i) disarm(now, static_cast<TimerKind>(i));
  set_state(now, State::TimeWait, rule);
  arm(now, TimerKind::TimeWait, now + 2 * cfg_.msl);
}

void Connection::open_active(Nanos now) {
  // RFC 9293 §3.10.1 OPEN, CLOSED state, active: send SYN, enter SYN-SENT.
  passive_ = false;
  opened_at_ = now;
  rcv_.note_initial_window();
  set_state(now, State::SynSent, "RFC 9293 §3.10.1: OPEN call (active): send SYN");
  queue_syn(now);
  restart_retransmission_timer(now);
}

void Connection::open_from_listen(Nanos now, const Segment& syn, SynAck how) {
  // RFC 9293 §3.10.7.2 LISTEN, fourth (SYN): RCV.NXT = SEG.SEQ+1, IRS = SEG.SEQ,
  // send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, SND.NXT = ISS+1, SND.UNA = ISS.
  passive_ = true;
  opened_at_ = now;  // the first SYN,ACK (tcp_rsk(req)->snt_synack)
  state_ = State::Listen;
  rcv_.start(SeqNum(syn.header.seq));
  neg_.take_syn(cfg_, syn, local_.addr.is_v4());
  ecn_.on_listen_syn(cfg_, syn);
  neg_.update_ts_recent(syn, rcv_.last_ack_sent());
  rcv_.note_initial_window();
  if (how == SynAck::SentAsCookie) {
    // Linux cookie_v4_check / FreeBSD syncookie_lookup: the TCB is made in SYN-RECEIVED
    // as if it had sent the SYN,ACK (the same window, no timer), for the ACK to complete.
    set_state(now, State::SynReceived,
              "RFC 4987 §3.6: LISTEN, ACK returns a valid SYN cookie: rebuild the TCB");
    rcv_.note_syn_ack(syn_window_unit(cfg_, local_.addr.is_v4(), true, neg_.ts_ok),
                      {own_mss(cfg_, local_.addr.is_v4(), neg_.ts_ok), neg_.rcv_wscale});
    snd_.on_syn_sent();
    return;
  }
  set_state(now, State::SynReceived, "RFC 9293 §3.10.7.2: LISTEN, SYN arrives: send SYN,ACK");
  queue_syn(now);
  restart_retransmission_timer(now);
  ++segments_received_;
}

Errno Connection::send_allowed() {
  switch (state_) {
    case State::Closed:
      // A connection that ended: its error once, then EPIPE (Linux's sk_stream_error).
      // FreeBSD's sosend finds SBS_CANTSENDMORE (soisdisconnected) before so_error: EPIPE,
      // the error left for a read or SO_ERROR.
      if (cfg_.close_rules == CloseRules::FreeBsd) return Errno::Pipe;
      return error_ != Errno::Ok ? take_error() : Errno::Pipe;
    case State::Listen:
      return Errno::NotConnected;
    case State::SynSent:
    case State::SynReceived:
    case State::Established:
    case State::CloseWait:
      // RFC 9293 §3.10.2: queue the data (sent once the connection is established).
      return snd_.fin_queued() ? Errno::Pipe : Errno::Ok;
    default:
      // FIN-WAIT-1 … TIME-WAIT: "error: connection closing".
      return Errno::Pipe;
  }
}

Errno Connection::send(Nanos now, std::span<const std::uint8_t> data, std::size_t& written,
                       SendFlags flags) {
  return send_with(
      now, data.size(),
      [&](std::size_t done, std::span<std::uint8_t> into) {
        std::memcpy(into.data(), data.data() + done, into.size());
      },
      written, flags);
}

Errno Connection::recv(Nanos now, std::span<std::uint8_t> buf, std::size_t& read) {
  read = 0;
  (void)now;
  if (rcv_.queued() > 0) {
    // A window already as wide as the field can say cannot be announced wider: reading
    // then owes no window update (Linux's tcp_cleanup_rbuf wants the new window twice the
    // old one).
    std::uint64_t widest = std::uint64_t{65535} << neg_.rcv_wscale;
    bool can_widen = rcv_.offered() < widest;
    read = rcv_.read(
        buf, {send_mss(), is_synchronized(state_) && can_widen, cfg_.window_rule, quick_.rcv_mss(),
              neg_.rcv_wscale, quick_.read_acks_push(), timers_.armed(TimerKind::DelayedAck)});
    return Errno::Ok;
  }
  // An ended connection's error is reported once, then the stream has ended (Linux's
  // sock_error, then RCV_SHUTDOWN; FreeBSD's soreceive clears so_error, then
  // SBS_CANTRCVMORE). Linux reports the end of a stream the peer's FIN closed first
  // (SOCK_DONE); FreeBSD the error.
  bool freebsd = cfg_.close_rules == CloseRules::FreeBsd;
  if (state_ == State::Closed && error_ != Errno::Ok && (freebsd || !rcv_.fin_received()))
    return take_error();
  if (rcv_.read_shut() || rcv_.fin_received()) return Errno::Ok;  // end of stream
  if (state_ == State::Closed) return Errno::Ok;
  if (state_ == State::Listen) return Errno::NotConnected;
  return Errno::Again;
}

namespace {

// Where CLOSE (close(), or shutdown(SHUT_WR) when not `socket`) before ESTABLISHED is not
// RFC 9293 §3.10.4's: FIN-WAIT-1 held for the handshake's end (FreeBSD tcp_usrclosed in
// SYN-SENT and SYN-RECEIVED, TF_NEEDFIN, though tcp_output sends the FIN at once; Linux
// tcp_shutdown, which does nothing in SYN-RECV, the FIN going at ESTABLISHED; the linux
// script profile), or the connection dropped silently (FreeBSD
// tcp_disconnect: tcp_close before ESTABLISHED, a simultaneous open's SYN-RECEIVED included).
// FreeBSD's first such shutdown() sends the FIN (SendFin: tcp_usr_shutdown's tcp_output)
// unless `hold`: a FIN already queued, or data (which FreeBSD's sosend never queues before
// the connection, but the stack's callers may) that the FIN must follow.
enum class EarlyClose : std::uint8_t { Rfc, HoldFin, SendFin, Drop };
EarlyClose early_close(const TcpConfig& c, State s, bool passive, bool socket, bool hold) {
  bool freebsd = c.close_rules == CloseRules::FreeBsd;
  if ((s == State::SynSent || s == State::SynReceived) && !socket && freebsd)
    return hold ? EarlyClose::HoldFin : EarlyClose::SendFin;
  if (s != State::SynReceived) return EarlyClose::Rfc;
  if (!passive && socket && freebsd) return EarlyClose::Drop;
  if (!socket && c.linux_segment_checks) return EarlyClose::HoldFin;
  return EarlyClose::Rfc;
}

}  // namespace

Errno Connection::close(Nanos now, bool socket) {
  // RFC 2525 §2.17 / RFC 9293 §3.10.4: unread data at close() resets the connection (Linux's
  // tcp_close, in any state); FreeBSD drops the data and closes as usual (CloseRules).
  if (socket) orphan_ = true;
  if (socket && rcv_.queued() > 0 && is_synchronized(state_) && state_ != State::TimeWait) {
    if (cfg_.close_rules == CloseRules::FreeBsd) {
      rcv_.shutdown_read();
    } else if (state_ == State::Closing || state_ == State::LastAck) {
      control_out_.clear();
      queue_rst(now, snd_.nxt(), true);
      enter_closed(now, "RFC 2525 §2.17: CLOSE with unread data: send RST", Errno::ConnAborted);
      snd_.discard();
      rcv_.shutdown_read();
      return Errno::Ok;
    } else {
      abort(now);
      return Errno::Ok;
    }
  }
  EarlyClose early =
      early_close(cfg_, state_, passive_, socket, snd_.fin_queued() || snd_.buffer().size() > 0);
  if (early == EarlyClose::HoldFin || early == EarlyClose::SendFin) {
    snd_.queue_fin();
    if (early == EarlyClose::SendFin) queue_syn(now, state_ == State::SynSent);
    return Errno::Ok;
  }
  if (early == EarlyClose::Drop || state_ == State::Listen || state_ == State::SynSent) {
    enter_closed(now,
                 state_ == State::Listen    ? "RFC 9293 §3.10.4: CLOSE in LISTEN"
                 : state_ == State::SynSent ? "RFC 9293 §3.10.4: CLOSE in SYN-SENT"
                                            : "FreeBSD tcp_disconnect: close() in SYN-RECEIVED",
                 Errno::Ok);
    control_out_.clear();
    return Errno::Ok;
  }
  switch (state_) {
    case State::Closed:
      return Errno::NotConnected;
    case State::SynReceived:  // "if no SENDs and no pending data, form a FIN"
    case State::Established:
      snd_.queue_fin();
      set_state(now, State::FinWait1,
                state_ == State::Established
                    ? "RFC 9293 §3.10.4: CLOSE in ESTABLISHED: FIN after queued data"
                    : "RFC 9293 §3.10.4: CLOSE in SYN-RECEIVED: send FIN");
      return Errno::Ok;
    case State::CloseWait:
      snd_.queue_fin();
      set_state(now, State::LastAck,
                "RFC 9293 §3.10.4: CLOSE in CLOSE-WAIT: send FIN, enter LAST-ACK");
      return Errno::Ok;
    case State::FinWait2:
      // "Error: connection closing"; the kernels bound the wait for the peer's FIN.
      bound_fin_wait2(now, true);
      return Errno::Ok;
    default:
      // FIN-WAIT-1, CLOSING, LAST-ACK, TIME-WAIT: "error: connection closing".
      return Errno::Ok;
  }
}

bool Connection::bound_fin_wait2(Nanos now, bool at_close, bool beyond) {
  // fin_wait2.hpp: after close(), the kernels wait for the peer's FIN only so long.
  FinWait2Step st =
      fin_wait2_enter(cfg_, orphan_, orphan_ || rcv_.read_shut(), at_close, rtt_.rto(), beyond);
  if (st.kind == FinWait2Step::Kind::Close) {
    control_out_.clear();
    if (st.rst) queue_rst(now, snd_.nxt(), at_close);  // the reply: <SEQ=SEG.ACK><CTL=RST>
    enter_closed(now, st.rule, Errno::Ok);
    return false;
  }
  if (st.kind == FinWait2Step::Kind::Arm && !timers_.armed(TimerKind::FinWait2))
    arm(now, TimerKind::FinWait2, now + st.after);
  return true;
}

void Connection::abort(Nanos now) {
  // RFC 9293 §3.10.5 ABORT.
  switch (state_) {
    case State::SynReceived:
    case State::Established:
    case State::FinWait1:
    case State::FinWait2:
    case State::CloseWait:
      control_out_.clear();
      queue_rst(now, snd_.nxt(), true);
      enter_closed(now, "RFC 9293 §3.10.5: ABORT: send RST", Errno::ConnAborted);
      break;
    case State::Closed:
      break;
    case State::Closing:
    case State::LastAck:
      // FreeBSD's tcp_drop resets any connection that has seen the peer's SYN.
      control_out_.clear();
      if (cfg_.close_rules == CloseRules::FreeBsd) queue_rst(now, snd_.nxt(), true);
      enter_closed(now, "RFC 9293 §3.10.5: ABORT", Errno::ConnAborted);
      break;
    case State::SynSent:
      // No RST. The socket's error: Linux's tcp_disconnect says ECONNRESET, FreeBSD's
      // tcp_close (tcp_usrclosed) leaves none.
      control_out_.clear();
      enter_closed(now, "RFC 9293 §3.10.5: ABORT",
                   cfg_.close_rules == CloseRules::Linux     ? Errno::ConnReset
                   : cfg_.close_rules == CloseRules::FreeBsd ? Errno::Ok
                                                             : Errno::ConnAborted);
      break;
    default:
      // LISTEN, TIME-WAIT: no RST, just delete.
      control_out_.clear();
      enter_closed(now, "RFC 9293 §3.10.5: ABORT", Errno::ConnAborted);
      break;
  }
  snd_.discard();
  rcv_.shutdown_read();
}

namespace {

// The keep-alive timer of a running connection starts again: Linux's tcp_set_keepalive
// (SO_KEEPALIVE turned on) from now, tcp_sock_set_keepidle_locked from the last segment
// received; FreeBSD's TCP_KEEPIDLE (tcp_usrreq.c tcp_default_ctloutput) from now, while
// its timer has run from the last segment all along (tcp_input.c), SO_KEEPALIVE or not.
KeepaliveFrom keepalive_restart(const TcpConfig& c, SockOpt opt, std::uint32_t value) {
  bool linux_rules = c.close_rules != CloseRules::FreeBsd;
  if (opt == SockOpt::KeepAlive && value != 0 && !c.keepalive_runs())
    return linux_rules ? KeepaliveFrom::Now : KeepaliveFrom::LastSegment;
  if (opt == SockOpt::KeepIdle && (c.keepalive_runs() || !linux_rules))
    return linux_rules ? KeepaliveFrom::LastSegment : KeepaliveFrom::Now;
  return KeepaliveFrom::None;
}

// The options that only change a setting (the rest act on the connection's parts too).
bool set_config_option(TcpConfig& c, SockOpt opt, std::uint32_t value) {
  switch (opt) {
    case SockOpt::NoDelay:
      c.nagle = value == 0;
      return true;
    case SockOpt::KeepAlive:
      c.keepalive = value != 0;
      return true;
    case SockOpt::MaxSeg:
      c.mss_clamp = value;
      return true;
    case SockOpt::KeepIdle:
      c.keepalive_idle = static_cast<Nanos>(value) * kSecond;
      return true;
    case SockOpt::KeepIntvl:
      c.keepalive_interval = static_cast<Nanos>(value) * kSecond;
      return true;
    case SockOpt::KeepCnt:
      c.keepalive_probes = static_cast<int>(value);
      return true;
    case SockOpt::KeepInit:
      c.connect_timeout = static_cast<Nanos>(value) * kSecond;
      return true;
    case SockOpt::UserTimeout:
      c.user_timeout = static_cast<Nanos>(value) * kMillisecond;
      return true;
    case SockOpt::Cork:
      c.cork = value != 0;
      return true;
    case SockOpt::NoOpt:
      c.no_options = value != 0;
      return true;
    case SockOpt::Tos:
      c.ip_tos = static_cast<std::uint8_t>(value);
      return true;
    case SockOpt::Ttl:
      c.ip_ttl = static_cast<std::uint8_t>(value);
      return true;
    case SockOpt::Linger2: {
      // do_tcp_setsockopt: negative is "none", at most TCP_FIN_TIMEOUT_MAX (120 s).
      auto v = static_cast<std::int32_t>(value);
      c.linger2 = v < 0 ? -1 : std::min<Nanos>(v, 120) * kSecond;
      return true;
    }
    case SockOpt::SynCnt:
      // icsk_syn_retries: a connect()'s SYNs, and on a listener its requests' SYN,ACKs
      // (reqsk_timer_handler: icsk_syn_retries ?: tcp_synack_retries).
      c.syn_retries = c.synack_retries = static_cast<int>(value);
      return true;
    default:
      return false;
  }
}

}  // namespace

void Connection::set_option(SockOpt opt, std::uint32_t value) {
  // Linux __tcp_sock_set_nodelay: turning TCP_NODELAY on pushes what waits, a corked
  // partial segment too (TCP_NAGLE_PUSH), once.
  if (opt == SockOpt::NoDelay && value != 0 && cfg_.close_rules == CloseRules::Linux &&
      is_synchronized(state_) && snd_.nxt() < snd_.data_end())
    push_new_ = true;
  if (KeepaliveFrom k = keepalive_restart(cfg_, opt, value); k != KeepaliveFrom::None)
    keepalive_from_ = k;
  if ((opt == SockOpt::KeepCnt || opt == SockOpt::KeepIntvl) && state_ == State::FinWait2 &&
      cfg_.fin_wait2_rule == FinWait2Rule::FreeBsd)
    keepalive_from_ = KeepaliveFrom::FinWait2Idle;  // tcp_default_ctloutput
  if (set_config_option(cfg_, opt, value)) return;
  switch (opt) {
    case SockOpt::RcvBuf:
      cfg_.recv_buffer = value;
      cfg_.recv_buffer_auto = false;  // FreeBSD: SO_RCVBUF clears SB_AUTOSIZE
      rcv_.set_buffer(value, cfg_.window_clamp);
      // Linux: a receive buffer the user set clamps the window, and the scale follows it
      // (tcp_connect_init, tcp_openreq_init_rwin: window_clamp = tcp_full_space).
      if (cfg_.linux_sockbuf) cfg_.wscale_space = value;
      break;
    case SockOpt::SndBuf:
      cfg_.send_buffer = value;
      snd_.buffer().set_capacity(value);
      break;
    case SockOpt::WindowClamp:
      cfg_.window_clamp = value;
      rcv_.set_buffer(cfg_.recv_buffer, value, true);
      break;
    case SockOpt::QuickAck: {
      // tcp.c __tcp_sock_set_quickack: 0 makes the connection interactive (ping-pong);
      // any other value ends that and, when a delayed ACK is owed in ESTABLISHED or
      // CLOSE-WAIT, sends it now if tcp_cleanup_rbuf would, as for a read of everything
      // after a short segment: nothing is left unread, or more than a segment is
      // unacknowledged. An even value makes the connection interactive again after.
      auto v = static_cast<std::int32_t>(value);
      quick_.set_pingpong(v == 0);
      if (v == 0 || (state_ != State::Established && state_ != State::CloseWait) ||
          !(timers_.armed(TimerKind::DelayedAck) || timers_.armed(TimerKind::CompressedAck))) {
        break;
      }
      bool drained = rcv_.queued() == 0 && rcv_.space() == cfg_.recv_buffer;
      if (drained || rcv_.nxt() - rcv_.last_ack_sent() > std::int64_t{quick_.rcv_mss()}) {
        rcv_.request_ack();
      }
      if ((v & 1) == 0) quick_.set_pingpong(true);
      break;
    }
    case SockOpt::Congestion:
      // tcp_set_congestion_control: an established connection's controller is replaced
      // (tcp_reinit_congestion_control); cwnd and ssthresh stay as they are.
      cfg_.congestion = static_cast<CongestionAlgorithm>(value);
      if (recovery_.started()) {
        recovery_.replace_controller(cfg_.congestion, cfg_.hystart, cfg_.congestion_rule);
      }
      break;
    default:
      break;  // the socket's, not the connection's
  }
}

Errno Connection::take_error() {
  // SO_ERROR reads and clears the pending error, as on BSD and Linux.
  Errno e = error_;
  error_ = Errno::Ok;
  // With no hard error pending, Linux shows (and clears) the ICMP soft error
  // (sock.c sk_getsockopt SO_ERROR: sk_err, else sk_err_soft).
  if (e == Errno::Ok && icmp_soft_error_visible(cfg_.icmp_rules)) std::swap(e, soft_error_);
  return e;
}

bool Connection::readable() const {
  return rcv_.queued() > 0 || rcv_.fin_received() || rcv_.read_shut() ||
         (state_ == State::Closed && error_ != Errno::Ok);
}

bool Connection::writable() const {
  bool sending_state = state_ == State::Established || state_ == State::CloseWait;
  return (sending_state && !snd_.fin_queued() && snd_.buffer().free_space() > 0) ||
         (state_ == State::Closed && error_ != Errno::Ok);
}

namespace {

// What TcpInfoCounters and the segment marks hold.
void take_counters(TcbInfo& i, const TcpInfoCounters& c) {
  i.data_segments_sent = c.data_segments_sent;
  i.data_segments_received = c.data_segments_received;
  i.bytes_retransmitted = c.bytes_retransmitted;
  i.last_data_sent = c.last_data_sent;
  i.last_ack_received = c.last_ack_received;
  i.rcv_ooopack = c.rcv_ooopack;
  i.data_segments_retransmitted = c.data_segments_retransmitted;
  i.zero_windows_sent = c.zero_windows_sent;
  i.total_rto = c.total_rto;
  i.total_rto_recoveries = c.total_rto_recoveries;
  i.total_rto_time_ms = c.total_rto_time_ms;
  i.rto_stamp = c.rto_stamp;
  const SegmentMarks& m = c.marks;
  std::tie(i.retrans_out, i.lost_out, i.reordering, i.reord_seen) =
      std::tuple(m.retrans_out, m.lost_out, m.reordering, m.reord_seen);
  i.delivered_ce = m.delivered_ce;
  i.reno_sacked = m.reno_sacked;
  i.packets_out = static_cast<std::uint32_t>(m.queue.size());
  i.sacked_out = m.sacked_out;
}

}  // namespace

TcbInfo Connection::info() const {
  TcbInfo i;
  i.state = state_;
  i.iss = snd_.iss().raw();
  i.irs = rcv_.irs().raw();
  i.snd_una = snd_.una().raw();
  i.snd_nxt = snd_.nxt().raw();
  i.snd_wnd = snd_.wnd();
  i.rcv_nxt = rcv_.nxt().raw();
  i.rcv_wnd = rcv_.wnd();
  i.snd_mss = send_mss();
  i.snd_wscale = neg_.snd_wscale;
  i.rcv_wscale = neg_.rcv_wscale;
  i.sack_ok = neg_.sack_ok;
  i.ts_ok = neg_.ts_ok;
  std::tie(i.ecn_ok, i.ecn_seen, i.in_cwr) =
      std::tuple(ecn_.agreed(), ecn_.seen(), ecn_.in_cwr(snd_.una()));
  bool cc = recovery_.started();
  i.cwnd = cc ? recovery_.cwnd() : cfg_.initial_window(send_mss());
  i.ssthresh = cc ? recovery_.ssthresh() : 0x7fffffff;
  i.in_flight = snd_.in_flight();
  i.pipe = cc ? recovery_.pipe(snd_.space(), send_mss()) : i.in_flight;
  i.srtt = rtt_.srtt();
  i.rttvar = rtt_.rttvar();
  i.rto = rtt_.rto();
  i.send_queued = snd_.buffer().size();
  i.recv_queued = rcv_.queued();
  i.bytes_sent = snd_.bytes_sent();
  Receiver::Stats rs = rcv_.stats();
  std::tie(i.bytes_received, i.rcv_ssthresh, i.window_clamp) =
      std::tuple(rs.bytes_received, rs.rcv_ssthresh, rs.window_clamp);
  i.retransmissions = retransmissions_;
  i.segments_sent = segments_sent_;
  i.segments_received = segments_received_;
  i.in_recovery = recovery_.in_recovery();
  i.repairing_timeout = !recovery_.in_recovery() && !recovery_.may_probe();
  i.rto_backoff = persist_.tcpi_backoff(cfg_, rtt_.backoff());
  i.window_probes = persist_.unanswered();
  i.keepalive_probes = keepalive_sent_;
  i.rcv_rtt_us = rcv_rtt_.rtt_us();
  i.retries = retries_;
  i.mtu = neg_.path_mtu != 0 ? neg_.path_mtu : cfg_.mtu;  // Linux: icsk_pmtu_cookie
  i.sacked_bytes = recovery_.scoreboard().sacked_bytes();
  take_counters(i, counters_);
  i.last_data_received = quick_.last_data_received();
  i.last_received = last_received_;
  i.ato = quick_.ato();
  std::tie(i.rcv_mss, i.pingpong) = std::tuple(quick_.rcv_mss(), quick_.pingpong());
  i.write_joined = tso_queue_.last_write_joined();
  // The handshake counts as one delivered (tcp_clean_rtx_queue acknowledging our SYN;
  // tcp_rcv_state_process in SYN-RECEIVED for a SYN,ACK).
  i.delivered = counters_.marks.delivered + (snd_.syn_acked() ? 1 : 0);
  i.min_rtt = rtt_.min_rtt();
  i.dsack_dups = recovery_.undo().dsack_dups();
  return i;
}

}  // namespace tcpsim::tcp
