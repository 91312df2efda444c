// What a connection sends: SYN and SYN,ACK with their options, data as the sender and
// loss recovery decide, ACKs (delayed or at once), RSTs. Every segment after the
// handshake carries the receiver's ACK and window.
#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "stack/tcp/connection.hpp"

namespace tcpsim::tcp {

using namespace wire::tcp_flag;

namespace {

// Which timer starts again after a socket option (`from`), and when (kNever: none): the
// keep-alive timer, Linux's in any state with a full socket past the handshake, FreeBSD's
// in those up to CLOSING, the idle time from the call or from the last segment received;
// FreeBSD's 2 MSL timer in FIN-WAIT-2, TP_MAXIDLE from the call (when not 0).
std::pair<TimerKind, Nanos> keepalive_restart_at(const TcpConfig& c, State s, KeepaliveFrom from,
                                                 Nanos heard, Nanos now) {
  if (from == KeepaliveFrom::FinWait2Idle) {
    Nanos idle = c.keepalive_max_idle();
    return {TimerKind::FinWait2, idle > 0 ? now + idle : kNever};
  }
  if (from == KeepaliveFrom::None || !c.keepalive_runs() || !is_synchronized(s) ||
      s == State::TimeWait)
    return {TimerKind::Keepalive, kNever};
  if (c.close_rules == CloseRules::FreeBsd && (s == State::FinWait2 || s == State::LastAck))
    return {TimerKind::Keepalive, kNever};
  Nanos base = from == KeepaliveFrom::Now ? now : std::min(heard, now);
  return {TimerKind::Keepalive, std::max(now, base + c.keepalive_idle)};
}

// Since when the connection counts as quiet for RFC 5681 §4.1: Linux since data last
// went (lsndtime); FreeBSD since nothing came or, once data went, nothing new went
// either, whichever is older (tcp_output.c: t_rcvtime, or t_sndtime when set).
Nanos quiet_since(const TcpConfig& c, const TcpInfoCounters& k, Nanos last_received) {
  if (c.close_rules != CloseRules::FreeBsd) return k.last_data_sent;
  return k.data_segments_sent > 0 ? std::min(last_received, k.last_new_data_sent) : last_received;
}

// RFC 5681 §4.1's test (TcpConfig::restart_after_idle): nothing in flight, new data to
// send, and the quiet time since `quiet` (not restarted for yet) longer than the RTO;
// under Linux's rules only as a write queues the data.
struct IdleSpell {
  Nanos quiet;     // since when nothing was sent (FreeBSD: nothing received)
  Nanos done;      // the spell already restarted for
  bool new_write;  // a write queued data since the last look
};
bool idle_restart_due(const TcpConfig& c, const Sender& snd, const IdleSpell& i, Nanos now,
                      Nanos rto) {
  if (!i.new_write && c.close_rules == CloseRules::Linux) return false;
  return c.restart_after_idle && snd.syn_acked() && snd.max() == snd.una() &&
         snd.nxt() < snd.data_end() && i.quiet != i.done && now - i.quiet > rto;
}

// What TSO's sizing looks at, now.
TsoView tso_view(std::uint32_t mss, const LossRecovery& r, const Sender& snd,
                 const RttEstimator& rtt) {
  // Before the handshake is done there is no congestion window yet: one segment.
  if (!r.started()) return TsoView{mss, mss, mss, snd.in_flight(), snd.max_wnd(), 0, 0};
  return TsoView{mss,           r.cwnd(),   r.ssthresh(), snd.in_flight(),
                 snd.max_wnd(), rtt.srtt(), rtt.min_rtt()};
}

// What one resend from `seq` may carry with TSO (0: not known): the buffer it comes from
// as it left, up to the pacing-rate size; a buffer shorter than the segment the window
// allows takes the whole buffers after it that fit (tcp_retransmit_skb,
// tcp_retrans_try_collapse).
std::uint32_t tso_resend_cap(const TcpConfig& c, const TsoView& v, const TsoQueue& q,
                             const Sender& snd, SeqNum seq) {
  std::uint32_t mss = std::max(v.mss, 1u), left = q.left_in_sent(seq);
  if (left >= mss) return c.tso ? tso_resend_len(c, v, left) : mss;  // without TSO: MSS-sized
  if (left == 0) return 0;
  SeqNum wnd_end = snd.una() + snd.wnd();
  auto room = wnd_end > seq ? static_cast<std::uint32_t>(wnd_end - seq) : 0u;
  if (room > 0 && room < left) return room;  // tcp_retransmit_skb cuts it to the window
  return c.retrans_collapse ? q.resend_span(seq, std::min(room, mss)) : left;
}

// Whether data `t` goes with PSH: where the queued data ends (FreeBSD's tcp_output, RFC
// 9293 §3.9.1.2); with TSO or push_marks, Linux's marks on the buffers, kept through
// resends (TsoQueue).
bool pushed(const TcpConfig& c, TsoQueue& q, const Sender& snd, const Transmission& t) {
  SeqNum end = t.seq + t.len;
  bool marks = c.tso || c.push_marks;
  if (t.why == "window-probe" && c.probe_rule == ProbeRule::Linux) {
    if (marks) {  // tcp_write_wakeup marks the buffer before it splits it: both parts
      std::uint32_t left = q.left_in_buffer(t.seq);
      q.mark_pushed(end, true);
      if (left > t.len) q.mark_pushed(t.seq + left);
    }
    return true;
  }
  return t.len > 0 && (marks ? q.pushed(t.seq, end) : end == snd.data_end());
}

// tcp_tso_should_defer's view of new data `t` about to leave from a buffer of
// `skb_len` bytes: the windows, and when things were sent.
TsoDeferCheck defer_check(Nanos now, const Sender& snd, const LossRecovery& recovery,
                          const TcpInfoCounters& k, const Transmission& t, std::uint32_t skb_len,
                          std::uint32_t mss) {
  TsoDeferCheck d;
  d.now = now;
  d.last_sent = k.last_sent;
  d.head_sent = k.marks.queue.empty() ? -1 : k.marks.queue.front().sent_at;
  d.in_recovery = !recovery.may_probe();  // in recovery or repairing a timeout
  SeqNum wnd_end = snd.una() + snd.wnd();
  d.send_win = wnd_end > t.seq ? static_cast<std::uint32_t>(wnd_end - t.seq) : 0;
  std::uint32_t room = recovery.allowance(snd.space(), snd.in_flight(), mss);
  d.cong_win = room - room % mss;
  d.snd_wnd = snd.wnd();
  d.skb_len = skb_len;
  d.tail = t.seq + skb_len == snd.data_end();
  d.fin = d.tail && snd.fin_queued();
  return d;
}

}  // namespace

Segment Connection::make_segment(SeqNum seq, std::uint8_t flags) const {
  Segment s;
  s.header.src_port = local_.port;
  s.header.dst_port = remote_.port;
  s.header.seq = seq.raw();
  s.header.flags = flags;
  if (flags & kAck) s.header.ack = rcv_.nxt().raw();
  return s;
}

void Connection::queue_syn(Nanos now, bool fin_alone) {
  // <SEQ=ISS><CTL=SYN> in SYN-SENT, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> in SYN-RECEIVED.
  // FreeBSD's tcp_output puts the FIN of a shutdown() made before the handshake ended on
  // each (TF_NEEDFIN); in SYN-SENT it first goes alone, the SYN already sent being lopped
  // off: <SEQ=ISS+1><CTL=FIN> (`fin_alone`).
  bool syn_ack = state_ != State::SynSent;  // the peer's SYN has been seen
  // With TCP_NOOPT no FIN goes on a SYN ('(flags & TH_SYN) && TF_NOOPT': flags &= ~TH_FIN).
  bool fin = snd_.fin_queued() && cfg_.close_rules == CloseRules::FreeBsd &&
             (fin_alone || !cfg_.no_options);
  std::uint8_t flags = fin_alone ? kFin : syn_ack ? (kSyn | kAck) : kSyn;
  Segment s = make_segment(fin_alone ? snd_.iss() + 1 : snd_.iss(), flags | (fin ? kFin : 0));
  // RFC 7323 §2.2: the window field of a SYN is not scaled (nor is anything before the
  // peer's SYN told us a scale).
  std::uint32_t unit = syn_window_unit(cfg_, local_.addr.is_v4(), syn_ack, neg_.ts_ok);
  s.header.window = static_cast<std::uint16_t>(rcv_.syn_window(unit));
  snd_.on_syn_sent(fin || snd_.fin_ends_at(snd_.iss() + 1));
  if (fin_alone) {
    ++segments_sent_;
    control_out_.push_back(std::move(s));
    return;
  }
  // FreeBSD's syncache_timer: a SYN,ACK sent again more than net.inet.tcp.ecn.maxretries
  // times (sc_rxmits) no longer carries ECE, and the connection goes without ECN.
  if (syn_ack && passive_ && cfg_.syncache && retries_ > cfg_.ecn_setup_retries) ecn_.fall_back();
  s.header.flags |= ecn_.syn_flags(cfg_, syn_ack, retries_);
  bool active = !passive_ && state_ == State::SynSent;
  neg_.write_syn_options(now, cfg_, active, local_.addr.is_v4(), s.header.options,
                         syn_ack && passive_ && cfg_.syncache);
  if (syn_ack) {
    rcv_.note_syn_ack(unit, {own_mss(cfg_, local_.addr.is_v4(), neg_.ts_ok), neg_.rcv_wscale});
  }
  if (retries_ == 0 && !snd_.karn().running()) snd_.karn().start(snd_.iss(), now);
  ++segments_sent_;
  control_out_.push_back(std::move(s));
}

void Connection::stamp(Nanos now, Segment& s) {
  // Every segment after the handshake carries options and our window. RFC 2018 §3: as
  // many SACK blocks as fit (3 beside timestamps, else 4).
  std::array<wire::SackBlock, 4> blocks{};
  std::size_t n = neg_.sack_ok ? rcv_.sack_blocks(blocks, neg_.ts_ok ? 3 : 4) : 0;
  neg_.write_options(now, std::span<const wire::SackBlock>(blocks.data(), n), s.header.options);
  ecn_.stamp(s, false);  // ECE while a CE mark is unanswered
  Receiver::Advert a =
      rcv_.advertise(send_mss(), neg_.rcv_wscale, cfg_.window_rule, quick_.rcv_mss());
  if (a.low_space) quick_.leave();  // __tcp_select_window: icsk_ack.quick = 0
  if (a.wnd == 0) ++counters_.zero_windows_sent;
  if (rcvbuf_auto_.since < 0) rcvbuf_auto_.since = now;  // tcp_output: rfbuf_ts
  s.header.window = static_cast<std::uint16_t>(a.wnd >> neg_.rcv_wscale);
}

void Connection::finish_acking_segment(Nanos now, Segment& s) {
  // An ACK of RCV.NXT settles any ACK we owed. The window is chosen first, as Linux's
  // __tcp_transmit_skb does before tcp_event_ack_sent (it may end quick-ACK mode); only an
  // ACK of text or a FIN that came uses up a quick ACK (Receiver::on_ack_sent).
  stamp(now, s);
  quick_.on_ack_sent(rcv_.on_ack_sent());
  if (timers_.armed(TimerKind::DelayedAck)) disarm(now, TimerKind::DelayedAck);
  if (timers_.armed(TimerKind::CompressedAck)) disarm(now, TimerKind::CompressedAck);
}

void Connection::queue_ack(Nanos now, bool challenge) {
  if (state_ == State::SynReceived && !passive_ && !challenge &&
      cfg_.close_rules == CloseRules::FreeBsd) {
    // FreeBSD's tcp_output keeps the SYN in SYN-RECEIVED (tcp_outflags): what a
    // simultaneous open sends there is its SYN,ACK (a challenge ACK is tcp_respond's).
    queue_syn(now);
    quick_.on_ack_sent(rcv_.on_ack_sent());
    if (timers_.armed(TimerKind::DelayedAck)) disarm(now, TimerKind::DelayedAck);
    return;
  }
  // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
  Segment s = make_segment(snd_.nxt(), kAck);
  bool fin_state =
      state_ == State::FinWait1 || state_ == State::Closing || state_ == State::LastAck;
  if (cfg_.fin_again_on_ack && fin_state && !challenge && !snd_.fin_acked() &&
      snd_.nxt() == snd_.max() && snd_.fin_ends_at(snd_.max() - 1)) {
    // Deviation (FreeBSD tcp_output.c): these states' flags (tcp_outflags) hold FIN, and a
    // FIN already sent goes again at its own sequence number (snd_nxt--): the ACK repeats it.
    s = make_segment(snd_.max() - 1, kAck | kFin);
  }
  if (challenge && cfg_.window_rule == WindowRule::FreeBsd) {
    // FreeBSD's challenge ACK (tcp_respond, then last_ack_sent = rcv_nxt) leaves a
    // delayed ACK pending: it still goes.
    stamp(now, s);
    s.header.window = respond_window(rcv_, neg_.rcv_wscale);
    rcv_.on_ack_sent();
  } else {
    finish_acking_segment(now, s);
  }
  ++segments_sent_;
  control_out_.push_back(std::move(s));
}

void Connection::queue_rst(Nanos now, SeqNum seq, bool abort) {
  // <SEQ=x><CTL=RST>: a reset carries no ACK unless answering one (RFC 9293 §3.10.7).
  // The kernels' own resets carry ACK and the options; FreeBSD's a zero window.
  ++segments_sent_;
  if (!abort || cfg_.close_rules == CloseRules::Rfc) {
    control_out_.push_back(make_segment(seq, kRst));
    return;
  }
  Segment s = make_segment(seq, kRst | kAck);
  stamp(now, s);
  if (cfg_.close_rules == CloseRules::FreeBsd) s.header.window = 0;
  control_out_.push_back(std::move(s));
}

void Connection::poll_transmit(Nanos now, std::vector<Segment>& out) {
  KeepaliveFrom from = std::exchange(keepalive_from_, KeepaliveFrom::None);
  if (auto [kind, at] = keepalive_restart_at(cfg_, state_, from, last_received_, now); at != kNever)
    arm(now, kind, at);
  // RFC 5681 §4.1: the window after an idle spell (IdleSpell, idle_restart_due).
  Nanos quiet = quiet_since(cfg_, counters_, last_received_);
  if (idle_restart_due(cfg_, snd_, {quiet, idle_restarted_, std::exchange(new_write_, false)}, now,
                       rtt_.rto())) {
    idle_restarted_ = quiet;
    recovery_.on_output_pass(now, {now - quiet, rtt_.rto(), cfg_.initial_window(send_mss())});
  }
  if (!control_out_.empty()) counters_.last_sent = now;
  for (Segment& s : control_out_) out.push_back(std::move(s));
  control_out_.clear();
  switch (state_) {
    case State::Established:
    case State::FinWait1:
    case State::CloseWait:
    case State::Closing:
    case State::LastAck: {
      SeqNum max_before = snd_.max();
      // RFC 6675 §5 (NextSeg): in SACK recovery resend the holes deemed lost while the pipe
      // has room, then new data; with TSO a resend carries a buffer as it left.
      LossRecovery::ResendCap cap;
      if (cfg_.tso || cfg_.push_marks) {
        cap = [&](SeqNum seq) {
          std::uint32_t mss = send_mss();
          TsoView view = tso_view(mss, recovery_, snd_, rtt_);
          std::uint32_t most = tso_resend_cap(cfg_, view, tso_queue_, snd_, seq);
          return most > 0 ? most : mss;
        };
      }
      auto resend_hole = [&] {
        auto hole = recovery_.next_resend(snd_.space(), send_mss(), cap);
        if (!hole) return false;
        bool fin = snd_.fin_ends_at(hole->seq + hole->len);
        emit_data(now, out, Transmission{hole->seq, hole->len, fin, false, hole->why});
        return true;
      };
      while ((recovery_.in_recovery() && neg_.sack_ok && resend_hole()) ||
             send_data_segment(now, out, false, false, max_before == snd_.una())) {
      }
      push_new_ = false;
      if (max_before < snd_.max()) {  // tcp_write_xmit sent new data: RFC 2861, then TLP
        recovery_.on_output_pass(now, {0, rtt_.rto(), 0, snd_.in_flight(), send_mss()});
        if (cfg_.tail_loss_probe) restart_retransmission_timer(now, Rearm::DataSent);
      }
      break;
    }
    default:
      break;
  }
  if (rcv_.ack_owed() && state_ != State::Closed && state_ != State::Listen &&
      state_ != State::SynSent) {
    queue_ack(now);
    counters_.last_sent = now;
    for (Segment& s : control_out_) out.push_back(std::move(s));
    control_out_.clear();
  }
}

bool Connection::send_data_segment(Nanos now, std::vector<Segment>& out, bool probe,
                                   bool force_runt, std::optional<bool> pass_idle) {
  bool persist = false;
  std::uint32_t mss = send_mss();
  // F-RTO's new data is pushed: Nagle and cork do not hold it (push_new_).
  Sender::Rules rules{mss,   neg_.sack_ok, cfg_.nagle && !push_new_,
                      probe, force_runt,   (cfg_.cork || more_hold_) && !push_new_};
  rules.cork_timer = cfg_.probe_rule != ProbeRule::Rfc;  // the kernels' ceiling on a cork
  rules.minshall = cfg_.nagle_minshall;
  rules.idle = pass_idle.value_or(snd_.max() == snd_.una());
  rules.resend_into_closed_window = cfg_.probe_rule == ProbeRule::Linux;
  // TSO: new data leaves in super-segments, never beyond the end of its buffer.
  TsoView view;
  std::uint32_t skb_len = 0;
  bool fresh = !(snd_.nxt() < snd_.max());
  if (cfg_.tso && !probe && recovery_.started()) {
    view = tso_view(mss, recovery_, snd_, rtt_);
    rules.max_len = tso_max_len(cfg_, view);
    SeqNum end = snd_.data_end();
    auto unsent = snd_.nxt() < end ? static_cast<std::uint32_t>(end - snd_.nxt()) : 0u;
    skb_len = fresh ? tso_queue_.left_in_buffer(snd_.nxt()) : 0;
    if (skb_len == 0 || skb_len > unsent)
      skb_len = std::min(unsent, tso_size_goal(mss, view.max_wnd));
    if (fresh) {
      rules.buffer_left = skb_len;
      rules.buffer_is_last = skb_len == unsent;
    }
    rules.resend_cap = [&](SeqNum seq) {  // one buffer each, or short ones joined
      return tso_resend_cap(cfg_, view, tso_queue_, snd_, seq);
    };
  } else if (cfg_.push_marks && !probe && recovery_.started()) {
    view = tso_view(mss, recovery_, snd_, rtt_);
    rules.resend_cap = [&](SeqNum seq) {  // short buffers joined, as with TSO
      return tso_resend_cap(cfg_, view, tso_queue_, snd_, seq);
    };
  }
  auto t = snd_.next(recovery_, rules, persist);
  if (persist) start_persist(now);
  if (!t) return false;
  if (rules.max_len > 0 && t->advance && t->seq == snd_.nxt() && fresh && !force_runt &&
      skb_len > mss) {
    // A buffer of more than one MSS may wait for the next ACK (tcp_write_xmit).
    if (tso_should_defer(cfg_, view,
                         defer_check(now, snd_, recovery_, counters_, *t, skb_len, mss)))
      return false;
  }
  emit_data(now, out, *t);
  return !probe;
}

void Connection::emit_data(Nanos now, std::vector<Segment>& out, const Transmission& t) {
  bool probe = t.why == "probe";
  std::uint8_t flags = kAck;
  if (pushed(cfg_, tso_queue_, snd_, t)) flags |= kPsh;
  if (t.fin) flags |= kFin;
  Segment s = make_segment(t.seq, flags);
  if (pool_ != nullptr && t.len > 0) s.payload = pool_->take();
  snd_.buffer().append_to(static_cast<std::size_t>(t.seq - snd_.data_start()), t.len, s.payload);
  finish_acking_segment(now, s);
  ecn_.stamp(s, t.len > 0 && !probe && !(t.seq < snd_.max()));

  std::uint32_t mss = send_mss();
  // A TSO super-segment counts as the segments it stands for (tcp_skb_pcount), as Linux's
  // segs_out, data_segs_out and retransmission queue count them.
  std::uint32_t pieces = t.len > mss ? (t.len + mss - 1) / mss : 1;
  if (pieces > 1) s.gso_size = static_cast<std::uint16_t>(mss);
  if (t.len > 0) {
    quick_.on_data_sent(now);
    counters_.data_segments_sent += pieces;
    counters_.last_data_sent = now;
  }
  counters_.last_sent = now;
  if ((cfg_.tso || cfg_.push_marks) && t.len > 0)
    tso_queue_.on_sent(t.seq + t.len, snd_.una(), !cfg_.tso);
  bool again = snd_.on_sent(now, t, mss, !neg_.ts_ok);
  if (t.len > 0 && !again) counters_.last_new_data_sent = now;
  if (!(probe && again)) {
    for (std::uint32_t i = 0; i < pieces; ++i) {
      SeqNum from = t.seq + i * mss;
      SeqNum to = i + 1 == pieces ? t.seq + t.len + (t.fin ? 1 : 0) : from + mss;
      counters_.marks.on_sent(now, from, to, again, t.why != "loss-probe");
    }
  }
  if (again) {
    retransmissions_ += pieces;  // tcp_retransmit_skb: total_retrans += tcp_skb_pcount
    counters_.on_resent(t.len, pieces, probe);
    if (observer_ != nullptr) observer_->on_retransmit(*this, now, t.seq.raw(), t.len, t.why);
  }
  // tcp_xmit_retransmit_queue: resending the oldest segment in recovery restarts the RTO.
  bool recovery_resend = t.why == "fast-retransmit" || t.why == "sack-recovery" ||
                         t.why == "rack" || t.why == "rack-lost-retransmit";
  if (again && recovery_resend && cfg_.congestion_rule == CongestionRule::Linux &&
      t.seq == snd_.data_start() && !timers_.armed(TimerKind::Reorder))
    restart_retransmission_timer(now);
  segments_sent_ += pieces;
  // tcp_retransmit_skb counts a resend for undo (undo.hpp); a window probe or a tail loss
  // probe is not one.
  std::optional<std::uint32_t> resent_tsval;
  if (again && !probe && t.why != "loss-probe") resent_tsval = neg_.ts_now(now);
  recovery_.on_packet_sent(now, t.len, snd_.in_flight(), snd_.una(), snd_.nxt(), mss, resent_tsval);
  if (!timers_.armed(TimerKind::Retransmission) && !timers_.armed(TimerKind::LossProbe) &&
      !timers_.armed(TimerKind::Reorder) && !probe)
    restart_retransmission_timer(now);
  if (!probe) {
    persist_.stop();
    if (timers_.armed(TimerKind::Persist)) disarm(now, TimerKind::Persist);
  }
  out.push_back(std::move(s));
}

}  // namespace tcpsim::tcp
