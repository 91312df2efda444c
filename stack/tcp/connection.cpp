// User calls, state changes and status (RFC 9293 §3.10.1–§3.10.6).
#include "stack/tcp/connection.hpp"

#include <fmt/core.h>
#include <algorithm>
#include <cstring>

namespace tcpsim::tcp {

std::string Endpoint::to_string() const {
  if (addr.is_v4()) return fmt::format("{}:{}", addr.to_string(), port);
  return fmt::format("[{}]:{}", addr.to_string(), port);
}

std::string_view to_string(TimerKind k) {
  switch (k) {
    case TimerKind::Retransmission:
      return "retransmission";
    case TimerKind::Persist:
      return "persist";
    case TimerKind::DelayedAck:
      return "delayed-ack";
    case TimerKind::TimeWait:
      return "time-wait";
    case TimerKind::Keepalive:
      return "keepalive";
  }
  return "?";
}

std::string_view to_string(TimerAction a) {
  switch (a) {
    case TimerAction::Set:
      return "set";
    case TimerAction::Cancelled:
      return "cancelled";
    case TimerAction::Fired:
      return "fired";
  }
  return "?";
}

Connection::Connection(const TcpConfig& config, Endpoint local, Endpoint remote, std::uint32_t iss,
                       std::uint32_t ts_offset)
    : cfg_(config),
      local_(std::move(local)),
      remote_(std::move(remote)),
      iss_(iss),
      snd_una_(iss),
      snd_nxt_(iss),
      snd_max_(iss),
      snd_sml_(iss),
      ts_offset_(ts_offset),
      snd_buf_(config.send_buffer),
      recv_buf_(config.recv_buffer + kWindowSlack),
      rtt_(config.initial_rto, config.min_rto, config.max_rto) {
  timers_.fill(kNever);
}

Connection::~Connection() = default;

std::string Connection::id() const {
  return fmt::format("{}>{}", local_.to_string(), remote_.to_string());
}

void Connection::set_state(Nanos now, State next, std::string_view rule) {
  State prev = state_;
  state_ = next;
  if (observer_ != nullptr && prev != next) observer_->on_state(*this, now, prev, next, rule);
}

void Connection::enter_closed(Nanos now, std::string_view rule, Errno err) {
  if (err != Errno::Ok) error_ = err;
  cancel_all_timers(now);
  set_state(now, State::Closed, rule);
}

void Connection::enter_time_wait(Nanos now, std::string_view rule) {
  // RFC 9293 §3.10.7.4 (eighth): start the time-wait timer, turn off the others.
  cancel_all_timers(now);
  set_state(now, State::TimeWait, rule);
  arm(now, TimerKind::TimeWait, now + 2 * cfg_.msl);
}

void Connection::open_active(Nanos now) {
  // RFC 9293 §3.10.1 OPEN, CLOSED state, active: send SYN, enter SYN-SENT.
  passive_ = false;
  snd_una_ = iss_;
  snd_nxt_ = iss_;
  snd_max_ = iss_;
  rcv_wnd_ = receive_window_space();
  set_state(now, State::SynSent, "RFC 9293 §3.10.1: OPEN call (active): send SYN");
  queue_syn(now);
  restart_retransmission_timer(now);
}

void Connection::open_from_listen(Nanos now, const Segment& syn) {
  // RFC 9293 §3.10.7.2 LISTEN, fourth (SYN): RCV.NXT = SEG.SEQ+1, IRS = SEG.SEQ,
  // send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, SND.NXT = ISS+1, SND.UNA = ISS.
  passive_ = true;
  state_ = State::Listen;
  irs_ = SeqNum(syn.header.seq);
  rcv_nxt_ = irs_ + 1;
  take_syn_options(syn);
  update_ts_recent(syn);
  rcv_wnd_ = receive_window_space();
  set_state(now, State::SynReceived, "RFC 9293 §3.10.7.2: LISTEN, SYN arrives: send SYN,ACK");
  queue_syn(now);
  restart_retransmission_timer(now);
  ++segments_received_;
}

Errno Connection::send_allowed() {
  switch (state_) {
    case State::Closed:
      // A connection that ended: its error once, then EPIPE (sending into a dead stream).
      return error_ != Errno::Ok ? take_error() : Errno::Pipe;
    case State::Listen:
      return Errno::NotConnected;
    case State::SynSent:
    case State::SynReceived:
    case State::Established:
    case State::CloseWait:
      // RFC 9293 §3.10.2: queue the data (sent once the connection is established).
      return fin_queued_ ? Errno::Pipe : Errno::Ok;
    default:
      // FIN-WAIT-1 … TIME-WAIT: "error: connection closing".
      return Errno::Pipe;
  }
}

Errno Connection::send(Nanos now, std::span<const std::uint8_t> data, std::size_t& written) {
  return send_with(
      now, data.size(),
      [&](std::size_t done, std::span<std::uint8_t> into) {
        std::memcpy(into.data(), data.data() + done, into.size());
      },
      written);
}

Errno Connection::recv(Nanos now, std::span<std::uint8_t> buf, std::size_t& read) {
  read = 0;
  if (recv_buf_.size() > 0 && !read_shutdown_) {
    std::uint32_t before = receive_window_space();
    read = std::min(buf.size(), recv_buf_.size());
    recv_buf_.copy_out(0, read, buf.data());
    recv_buf_.consume(read);
    // Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): announce the opened window only once
    // it grew by min(buffer/2, MSS) beyond what the peer knows.
    std::uint32_t after = receive_window_space();
    std::uint32_t known = rcv_adv_ > rcv_nxt_ ? static_cast<std::uint32_t>(rcv_adv_ - rcv_nxt_) : 0;
    std::uint32_t threshold = std::min<std::uint32_t>(cfg_.recv_buffer / 2, send_mss());
    if (is_synchronized(state_) && after > before && after >= known + threshold &&
        (known < threshold || after >= 2 * known)) {
      ack_now_ = true;
    }
    (void)now;
    return Errno::Ok;
  }
  if (read_shutdown_ || fin_received_) return Errno::Ok;  // end of stream
  if (state_ == State::Closed) return error_ != Errno::Ok ? error_ : Errno::NotConnected;
  if (state_ == State::Listen) return Errno::NotConnected;
  return Errno::Again;
}

Errno Connection::close(Nanos now) {
  // RFC 2525 §2.17 / RFC 9293 §3.10.4: closing with unread data resets the connection.
  if (recv_buf_.size() > 0 && is_synchronized(state_) && state_ != State::TimeWait) {
    abort(now);
    return Errno::Ok;
  }
  switch (state_) {
    case State::Closed:
      return Errno::NotConnected;
    case State::Listen:
    case State::SynSent:
      // §3.10.4: delete the TCB, enter CLOSED.
      enter_closed(now,
                   state_ == State::Listen ? "RFC 9293 §3.10.4: CLOSE in LISTEN"
                                           : "RFC 9293 §3.10.4: CLOSE in SYN-SENT",
                   Errno::Ok);
      control_out_.clear();
      return Errno::Ok;
    case State::SynReceived:
      // §3.10.4: if no SENDs and no pending data, form a FIN and enter FIN-WAIT-1.
      fin_queued_ = true;
      set_state(now, State::FinWait1, "RFC 9293 §3.10.4: CLOSE in SYN-RECEIVED: send FIN");
      return Errno::Ok;
    case State::Established:
      fin_queued_ = true;
      set_state(now, State::FinWait1,
                "RFC 9293 §3.10.4: CLOSE in ESTABLISHED: FIN after queued data");
      return Errno::Ok;
    case State::CloseWait:
      fin_queued_ = true;
      set_state(now, State::LastAck,
                "RFC 9293 §3.10.4: CLOSE in CLOSE-WAIT: send FIN, enter LAST-ACK");
      return Errno::Ok;
    default:
      // FIN-WAIT-1/2, CLOSING, LAST-ACK, TIME-WAIT: "error: connection closing".
      return Errno::Ok;
  }
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
      queue_rst(now, snd_nxt_);
      enter_closed(now, "RFC 9293 §3.10.5: ABORT: send RST", Errno::ConnAborted);
      break;
    case State::Closed:
      break;
    default:
      // LISTEN, SYN-SENT, CLOSING, LAST-ACK, TIME-WAIT: no RST, just delete.
      control_out_.clear();
      enter_closed(now, "RFC 9293 §3.10.5: ABORT", Errno::ConnAborted);
      break;
  }
  snd_buf_.consume(snd_buf_.size());
  recv_buf_.consume(recv_buf_.size());
}

void Connection::shutdown_read() {
  read_shutdown_ = true;
  recv_buf_.consume(recv_buf_.size());
}

void Connection::set_recv_buffer(std::uint32_t n) {
  cfg_.recv_buffer = n;
  recv_buf_.set_capacity(n + kWindowSlack);
}

Errno Connection::take_error() {
  // SO_ERROR reads and clears the pending error, as on BSD and Linux.
  Errno e = error_;
  error_ = Errno::Ok;
  return e;
}

bool Connection::readable() const {
  return recv_buf_.size() > 0 || fin_received_ || read_shutdown_ ||
         (state_ == State::Closed && error_ != Errno::Ok);
}

bool Connection::writable() const {
  bool sending_state = state_ == State::Established || state_ == State::CloseWait;
  return (sending_state && !fin_queued_ && snd_buf_.free_space() > 0) ||
         (state_ == State::Closed && error_ != Errno::Ok);
}

TcbInfo Connection::info() const {
  TcbInfo i;
  i.state = state_;
  i.iss = iss_.raw();
  i.irs = irs_.raw();
  i.snd_una = snd_una_.raw();
  i.snd_nxt = snd_nxt_.raw();
  i.snd_wnd = snd_wnd_;
  i.rcv_nxt = rcv_nxt_.raw();
  i.rcv_wnd = rcv_wnd_;
  i.snd_mss = send_mss();
  i.snd_wscale = snd_wscale_;
  i.rcv_wscale = rcv_wscale_;
  i.sack_ok = sack_ok_;
  i.ts_ok = ts_ok_;
  i.cwnd = cc_ ? cc_->cwnd() : cfg_.initial_window_segments * send_mss();
  i.ssthresh = cc_ ? cc_->ssthresh() : 0x7fffffff;
  i.in_flight = in_flight();
  i.srtt = rtt_.srtt();
  i.rttvar = rtt_.rttvar();
  i.rto = rtt_.rto();
  i.send_queued = snd_buf_.size();
  i.recv_queued = recv_buf_.size();
  i.bytes_sent = bytes_sent_;
  i.bytes_received = bytes_received_;
  i.retransmissions = retransmissions_;
  i.segments_sent = segments_sent_;
  i.segments_received = segments_received_;
  return i;
}

}  // namespace tcpsim::tcp
