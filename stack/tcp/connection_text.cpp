// The sixth (text) and eighth (FIN) steps of SEGMENT ARRIVES (RFC 9293 §3.10.7.4): the
// receiver stores and orders the data and says when an ACK is owed; the connection moves
// the state when the peer's FIN is taken.
#include "stack/tcp/connection.hpp"
#include "stack/tcp/jiffies.hpp"

namespace tcpsim::tcp {

using namespace wire::tcp_flag;

namespace {

// FreeBSD's tcp_autorcvbuf (TcpConfig::recv_buffer_auto), for text taken in order since
// RCV.NXT was `from`: once more than half an SRTT passed since a segment went
// (RcvBufAuto::since, tcp_output's rfbuf_ts), a buffer that took more than 3/8 of itself
// since grows by half, up to the maximum, and the count starts over; else the bytes are
// counted.
void autorcvbuf(RcvBufAuto& a, Receiver& rcv, TcpConfig& c, Nanos now, Nanos srtt, SeqNum from) {
  if (!c.recv_buffer_auto) return;
  auto taken = static_cast<std::uint32_t>(rcv.nxt() - from);
  if (srtt <= 0 || a.since < 0 || (now - a.since) / kMillisecond <= srtt / kMillisecond / 2) {
    a.count += taken;
    return;
  }
  std::uint32_t hiwat = c.recv_buffer, max = c.recv_buffer_auto_max;
  if (a.count > hiwat / 2 / 4 * 3 && hiwat < max) {
    c.recv_buffer = std::min(hiwat + hiwat / 2, max);
    rcv.set_buffer(c.recv_buffer, c.window_clamp);
  }
  a = RcvBufAuto{};
}

// The compressed-ACK timer (tcp_input.c __tcp_ack_snd_check): 5 % of the receiver's RTT
// estimate (or of SRTT when smaller), at most tcp_comp_sack_delay_ns, plus the hrtimer's
// slack (tcp_comp_sack_slack_ns).
Nanos comp_sack_delay(const TcpConfig& c, std::uint32_t rcv_rtt_x8_us, Nanos srtt) {
  std::uint64_t rtt = rcv_rtt_x8_us;
  std::uint64_t srtt_x8 = static_cast<std::uint64_t>(srtt / kMicrosecond) * 8;
  if (srtt_x8 != 0 && srtt_x8 < rtt) rtt = srtt_x8;
  Nanos delay = std::min<Nanos>(c.comp_sack_delay, static_cast<Nanos>(rtt * 125 / 20));
  return delay + c.comp_sack_slack;
}

// The receiver's rules for acknowledging one segment, as the connection stands.
Receiver::AckRule ack_rule(const TcpConfig& c, const QuickAck& q, const Negotiation& n,
                           std::uint32_t advmss) {
  return {q.active() ? 0 : c.delayed_ack_timeout,
          c.window_rule == WindowRule::Linux,
          q.rcv_mss(),
          n.rcv_wscale,
          advmss,
          n.sack_ok,
          q.on() && !q.pingpong(),
          q.active(),
          c.comp_sack_nr,
          c.close_rules == CloseRules::FreeBsd ? std::min(n.peer_mss, advmss) : 0,
          c.window_rule == WindowRule::FreeBsd};
}

// A FIN (with ACK) at `seq`: one that arrived ahead of missing data, now in order.
Segment fin_at(SeqNum seq) {
  Segment fin;
  fin.header.seq = seq.raw();
  fin.header.flags = kFin | kAck;
  return fin;
}

// New text (or a FIN) past RCV.NXT that no one will read, under Linux's rule: after the
// user closed or shut down reading, in FIN-WAIT-1 and FIN-WAIT-2; tcp_rcv_state_process
// also lets a segment that starts below RCV.NXT in CLOSE-WAIT, CLOSING and LAST-ACK reach
// that check, where the peer's FIN has shut receiving. (FreeBSD resets only after close(),
// TF_CLOSED, earlier: freebsd_text_after_close; text after shutdown() is acknowledged and
// dropped.)
bool text_after_close(const TcpConfig& c, State s, bool read_shut, const Segment& seg,
                      SeqNum rcv_nxt) {
  SeqNum seq(seg.header.seq);
  auto len = static_cast<std::uint32_t>(seg.payload.size());
  bool fin_wait = s == State::FinWait1 || s == State::FinWait2;
  bool after_fin = s == State::CloseWait || s == State::Closing || s == State::LastAck;
  if (c.close_rules != CloseRules::Linux) return false;
  if (!((fin_wait && read_shut) || (after_fin && seq < rcv_nxt))) return false;
  return (len > 0 || (seg.has(kFin) && fin_wait)) && seq + len > rcv_nxt;
}

}  // namespace

void Connection::process_text(Nanos now, const Segment& seg) {
  if (text_after_close(cfg_, state_, rcv_.read_shut(), seg, rcv_.nxt())) {
    // New text after the user closed (or shut down reading): no one will read it, so the
    // kernels reset the connection (CloseRules) with <SEQ=SEG.ACK><CTL=RST>.
    control_out_.clear();
    queue_rst(now, SeqNum(seg.header.ack));
    enter_closed(now, "text after close(): reset the connection (Linux TCPABORTONDATA, FreeBSD)",
                 state_ == State::CloseWait && cfg_.close_rules == CloseRules::Linux
                     ? Errno::Pipe
                     : Errno::ConnReset);
    return;
  }
  if (seg.payload.empty()) return;
  if (state_ != State::Established && state_ != State::FinWait1 && state_ != State::FinWait2) {
    // CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer sent FIN already; ignore the text.
    // In TIME-WAIT one past RCV.NXT gets an ACK saying where we are (RFC 5681 §4.2; Linux's
    // tcp_timewait_state_process TCP_TW_ACK, FreeBSD's tcp_twcheck).
    if (state_ == State::TimeWait && SeqNum(seg.header.seq) > rcv_.nxt()) rcv_.request_ack();
    return;
  }
  // New data at RCV.NXT feeds Linux's ACK engine (tcp_event_data_recv).
  SeqNum seq(seg.header.seq);
  auto len = static_cast<std::uint32_t>(seg.payload.size());
  std::uint32_t advmss = own_mss(cfg_, local_.addr.is_v4(), neg_.ts_ok);
  bool in_order = seq <= rcv_.nxt() && rcv_.nxt() < seq + len;
  if (in_order) {
    quick_.on_data(now, len, advmss, rcv_.wnd(), rtt_.rto(),
                   {static_cast<std::uint32_t>(seg.header.header_len()), neg_.ts_ok ? 32u : 20u,
                    seg.has(kPsh | kUrg | kFin | kSyn), seg.has(kPsh)});
    if (seg.has(kFin) && quick_.on() && state_ != State::FinWait1 && state_ != State::FinWait2)
      quick_.set_pingpong(true);  // tcp_fin before tcp_ack_snd_check: see process_fin
  }
  SeqNum nxt_before = rcv_.nxt();
  Receiver::TextResult taken = rcv_.on_text(seq, seg.payload, seg.has(kFin), payload_owner_,
                                            ack_rule(cfg_, quick_, neg_, advmss));
  if (taken.text == Receiver::Text::FlushFirst) {
    queue_ack(now);  // tcp_sack_compress_send_ack, before the segment is queued
    taken = rcv_.on_text(seq, seg.payload, seg.has(kFin), payload_owner_,
                         ack_rule(cfg_, quick_, neg_, advmss));
  }
  auto [text, fin_ready, delayed_ack, grew, compress, quick_ended] = taken;
  if (text == Receiver::Text::Held) ++counters_.rcv_ooopack;   // tcp_data_queue_ofo
  payload_owner_ = nullptr;                                    // taken over, or not to be
  if (in_order) rcv_rtt_.on_data(seq + len, rcv_.wnd(), now);  // tcp_event_data_recv
  if (grew) quick_.on_window_grew();  // tcp_grow_window: icsk_ack.quick |= 1
  if (quick_ended) quick_.leave();    // __tcp_select_window: icsk_ack.quick = 0
  if (compress && !timers_.armed(TimerKind::CompressedAck))
    arm(now, TimerKind::CompressedAck,
        now + comp_sack_delay(cfg_, rcv_rtt_.scaled_us(), rtt_.srtt()));
  if (text == Receiver::Text::Held) return;
  if (text == Receiver::Text::InOrder && header_predicted_)  // its fast path alone
    autorcvbuf(rcvbuf_auto_, rcv_, cfg_, now, rtt_.srtt(), nxt_before);
  if (fin_ready) process_fin(now, fin_at(rcv_.nxt()));  // it came ahead of missing data
  if (delayed_ack && !timers_.armed(TimerKind::DelayedAck)) {
    Nanos timeout = quick_.on() ? quick_.delack_timeout(rtt_.srtt()) : cfg_.delayed_ack_timeout;
    arm(now, TimerKind::DelayedAck, now + timeout);
  }
}

void Connection::process_fin(Nanos now, const Segment& seg) {
  if (!seg.has(kFin) || rcv_.fin_received()) return;
  if (state_ == State::Closed || state_ == State::Listen || state_ == State::SynSent) return;
  // Linux's tcp_fin: ESTABLISHED (or SYN-RECEIVED) to CLOSE-WAIT turns on ping-pong mode, so
  // the FIN's ACK is a delayed one (at the next tick before any data came, the ATO then
  // being 0), unless something else wants one now; FIN-WAIT-1/2 acknowledge it at once.
  bool delay = quick_.on() && (state_ == State::Established || state_ == State::SynReceived);
  if (!rcv_.on_fin(SeqNum(seg.header.seq) + static_cast<std::uint32_t>(seg.payload.size()),
                   !delay)) {
    return;  // ahead of missing data: taken once the gap fills
  }
  if (delay) {
    quick_.set_pingpong(true);
    if (!timers_.armed(TimerKind::DelayedAck)) {
      Nanos t = quick_.ato() == 0 ? kJiffy : quick_.delack_timeout(rtt_.srtt());
      arm(now, TimerKind::DelayedAck, now + t);
    }
  }
  switch (state_) {
    case State::SynReceived:
    case State::Established:
      set_state(now, State::CloseWait,
                "RFC 9293 §3.10.7.4: FIN arrives in ESTABLISHED: enter CLOSE-WAIT");
      break;
    case State::FinWait1:
      if (snd_.fin_acked()) {
        enter_time_wait(now,
                        "RFC 9293 §3.10.7.4: FIN-WAIT-1, FIN arrives and our FIN is acknowledged: "
                        "enter TIME-WAIT");
      } else {
        set_state(now, State::Closing,
                  "RFC 9293 §3.10.7.4: FIN-WAIT-1, FIN arrives (simultaneous close): enter "
                  "CLOSING");
      }
      break;
    case State::FinWait2:
      enter_time_wait(now, "RFC 9293 §3.10.7.4: FIN-WAIT-2, FIN arrives: enter TIME-WAIT");
      break;
    case State::TimeWait:
      arm(now, TimerKind::TimeWait, now + 2 * cfg_.msl);
      break;
    default:
      break;  // CLOSE-WAIT, CLOSING, LAST-ACK: remain
  }
}

}  // namespace tcpsim::tcp
