// SEGMENT ARRIVES (RFC 9293 §3.10.7), with RFC 5961's defences and RFC 7323's PAWS.
// The steps run in the RFC's order: sequence, RST, SYN, ACK, (URG ignored), text, FIN.
#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>

#include "stack/tcp/connection.hpp"
#include "stack/tcp/fin_wait2.hpp"
#include "stack/tcp/jiffies.hpp"
#include "stack/tcp/linux_checks.hpp"
#include "stack/tcp/time_wait.hpp"

namespace tcpsim::tcp {

using namespace wire::tcp_flag;

namespace {

// tcp_oow_rate_limited: at most one ACK every `limit` (0: no limit) to segments that may
// be part of an ACK loop, those with neither text nor FIN, or with SYN (`always`: any);
// `last` is when the last went (kNever: none).
bool oow_limited(Nanos& last, Nanos now, Nanos limit, const Segment& seg, bool always = false) {
  if (limit <= 0 || (!always && seg.seq_len() > 0 && !seg.has(kSyn))) return false;
  if (last != kNever && now - last >= 0 && now - last < limit) return true;
  last = now;
  return false;
}

// The segment with its text and FIN taken off: what is left for the ACK step.
Segment ack_part(const Segment& seg) {
  Segment ack_only = seg;
  ack_only.payload.clear();
  ack_only.header.flags = static_cast<std::uint8_t>(ack_only.header.flags & ~kFin);
  return ack_only;
}

// FreeBSD's SYN cache (tcp_input.c, the LISTEN branch; tcp_syncache.c syncache_expand,
// syncache_badack): a SYN,ACK, or an ACK not of our SYN,ACK or whose sequence number is
// not in (IRS, IRS + the window offered], frees the entry and draws <SEQ=SEG.ACK><CTL=RST>.
bool syncache_rejects(const Segment& seg, SeqNum iss, SeqNum irs, std::uint32_t wnd) {
  if (seg.has(kRst) || !seg.has(kAck)) return false;
  if (seg.has(kSyn)) return true;
  SeqNum seq(seg.header.seq);
  return SeqNum(seg.header.ack) != iss + 1 || seq <= irs || seq > irs + wnd;
}

// FreeBSD's RST window (tcp_do_segment): [last_ack_sent, last_ack_sent + rcv_wnd), or
// last_ack_sent itself when the window is closed; rcv_wnd as the acceptability test has it.
bool freebsd_rst_window(const Receiver& rcv, SeqNum seq) {
  SeqNum from = rcv.last_ack_sent();
  std::uint32_t wnd = std::max(rcv.offered(), rcv.space());
  return wnd == 0 ? seq == from : seq_in_range(from, seq, from + wnd);
}

// Text past RCV.NXT in a state where FreeBSD resets for it once the socket is closed
// (before the peer's FIN: FIN-WAIT-1 and -2; after it CLOSING and LAST-ACK).
bool freebsd_text_after_close(const Segment& seg, State s, const Receiver& rcv) {
  bool state =
      s == State::FinWait1 || s == State::FinWait2 || s == State::Closing || s == State::LastAck;
  auto len = static_cast<std::uint32_t>(seg.payload.size());
  return state && len > 0 && !seg.has(kRst) && !seg.has(kSyn) &&
         SeqNum(seg.header.seq) + len > rcv.nxt();
}

// Linux's tcp_reset_check: in CLOSE-WAIT, CLOSING and LAST-ACK a RST at RCV.NXT - 1 (the
// peer's FIN) counts as at RCV.NXT.
bool rst_at_fin(const TcpConfig& c, State s, SeqNum seq, SeqNum rcv_nxt) {
  return c.close_rules == CloseRules::Linux && seq + 1 == rcv_nxt &&
         (s == State::CloseWait || s == State::Closing || s == State::LastAck);
}

// RFC 7323 §5.3's PAWS test: a segment that fails it is answered with an ACK (FreeBSD:
// only one with data, `paws_acks_bare`); under Linux's checks TS.Recent - 1 passes too
// (TCP_PAWS_WINDOW) and some segments that fail are let go or dropped unanswered.
PawsVerdict paws_verdict(const TcpConfig& c, const Negotiation& neg, const Sender& snd,
                         const Receiver& rcv, Nanos rto, const Segment& seg) {
  if (!neg.paws_rejects(seg, c.linux_segment_checks ? 1 : 0)) return PawsVerdict::Pass;
  // Both kernels skip the test while TS.Recent is 0 (tcp_paws_check; FreeBSD's
  // tcp_do_segment: "tp->ts_recent &&").
  if (neg.ts_recent == 0 && (c.linux_segment_checks || c.close_rules == CloseRules::FreeBsd))
    return PawsVerdict::Pass;
  if (!c.linux_segment_checks)
    return c.paws_acks_bare || !seg.payload.empty() ? PawsVerdict::Reject : PawsVerdict::Silent;
  std::uint32_t seg_wnd = static_cast<std::uint32_t>(seg.header.window) << neg.snd_wscale;
  auto replay = static_cast<std::uint32_t>(rto / kMillisecond * 12 / 10);
  return linux_paws(seg,
                    {rcv.nxt(), snd.una(), snd.wl1(), snd.wnd(), seg_wnd, neg.ts_recent, replay});
}

// The host's reset (host_reset) to a segment a time-wait or request socket refuses, put
// in `out` and counted in `sent`; never to a RST (tcp_v4_send_reset).
void push_host_reset(std::vector<Segment>& out, std::uint64_t& sent, Segment reply,
                     const Segment& seg) {
  if (seg.has(kRst)) return;
  ++sent;
  out.push_back(host_reset(std::move(reply), seg));
}

// FreeBSD's syncache_add for a SYN that finds its entry: the SYN,ACK goes again with its
// count and timer started afresh; timestamps stay (echoing this SYN's TSval) only when
// this SYN has them too; an entry that granted ECN is judged again on this SYN by an
// assignment (`sc_flags = tcp_ecn_syncache_add(...)`) that also clears window scaling,
// SACK and timestamps, so the SYN,ACK sent again offers only the MSS.
void syncache_repeated_syn(const TcpConfig& c, const Segment& syn, Negotiation& neg, Ecn& ecn,
                           int& retries, RttEstimator& rtt) {
  retries = 0;
  rtt.reset_backoff();
  auto ts = syn.header.options.timestamps();
  if (ts && neg.ts_ok) neg.ts_recent = ts->tsval;  // sc_tsreflect
  if (!ts) neg.ts_ok = false;
  if (!ecn.agreed()) return;
  ecn.on_listen_syn(c, syn);
  neg.wscale_ok = neg.sack_ok = neg.ts_ok = false;
  neg.snd_wscale = neg.rcv_wscale = 0;
}

// SYN-SENT takes the options of the peer's SYN; under FreeBSD an MSS option also
// recomputes t_maxseg, TCP_MAXSEG's value with it (tcp_mss -> tcp_mss_update).
void take_peer_syn(TcpConfig& c, Negotiation& neg, const Segment& syn, bool ipv4) {
  neg.take_syn(c, syn, ipv4);
  if (!c.maxseg_offers && syn.header.options.mss()) c.mss_clamp = 0;
}

// FreeBSD's header prediction (tcp_do_segment) for text: ESTABLISHED, ACK alone among
// SYN, FIN, RST, URG and ACK, at RCV.NXT, nothing sent again below SND.MAX, the window
// unchanged, nothing held out of order, TSval not older than TS.Recent, nothing newly
// acknowledged, and room for it. That path never calls tcp_output: an ACK a CWR asked
// for at once (TF_ACKNOW) waits for the delayed ACK like any other.
bool freebsd_header_predicted(const TcpConfig& c, const Segment& seg, State s, const Receiver& rcv,
                              const Sender& snd, const Negotiation& neg) {
  if (c.window_rule != WindowRule::FreeBsd || s != State::Established || seg.payload.empty() ||
      (seg.header.flags & (kSyn | kFin | kRst | kUrg | kAck)) != kAck)
    return false;
  std::uint32_t wnd = static_cast<std::uint32_t>(seg.header.window) << neg.snd_wscale;
  return SeqNum(seg.header.seq) == rcv.nxt() && snd.nxt() == snd.max() && wnd != 0 &&
         wnd == snd.wnd() && rcv.stats().held == 0 && !neg.paws_rejects(seg) &&
         SeqNum(seg.header.ack) == snd.una() && seg.payload.size() <= rcv.space();
}

// FreeBSD's first tests in tcp_do_segment: a SYN with FIN under net.inet.tcp.drop_synfin
// (a SYN cache entry: only one without ACK, the listener's test), before the segment
// counts as heard from the peer (t_rcvtime); and, after that, a segment without
// timestamps once they were agreed under tolerate_missing_ts=0 (a RST passes; TIME-WAIT
// has its own order, time_wait.cpp; a SYN cache entry drops the ACK that would complete
// it, syncache_expand). Both go unanswered.
std::optional<DropReason> freebsd_first_drop(const TcpConfig& c, const Segment& seg, State s,
                                             bool syncache, bool ts_ok) {
  if (c.drop_synfin && seg.has(kSyn) && seg.has(kFin) && !(syncache && seg.has(kAck)))
    return DropReason::SynFin;
  bool agreed = ts_ok && s != State::SynSent && s != State::TimeWait &&
                (!syncache || (seg.has(kAck) && !seg.has(kSyn)));
  if (!c.tolerate_missing_ts && agreed && !seg.has(kRst) && !seg.header.options.timestamps())
    return DropReason::TsMissing;
  return std::nullopt;
}

// The peer's SYN,ACK completed a simultaneous open. FreeBSD acknowledges it at once
// (TF_ACKNOW). Linux (6.11 on, and the stable kernels given the fix to commit
// 23e89e8ee7be) takes it on to tcp_data_queue, where the SYN lies below RCV.NXT: a
// duplicate ACK at once, in quick-ACK mode, with a D-SACK of the SYN.
void synack_answer(const TcpConfig& c, QuickAck& quick, Receiver& rcv) {
  if (c.linux_segment_checks) {
    quick.enter(rcv.wnd());
    rcv.note_duplicate(rcv.irs(), rcv.irs() + 1);
    rcv.request_ack(true);
  } else if (c.old_segment_acks) {
    rcv.request_ack();
  }
}

// What ECN asks of the ACK of a segment (Ecn::on_segment): quick-ACK mode where the
// profile runs it, else an ACK at once (not on FreeBSD's header-prediction path).
void ecn_ack(Ecn::AckAsk ask, QuickAck& quick, Receiver& rcv, bool header_predicted) {
  if (ask == Ecn::AckAsk::QuickAck && quick.on()) {
    quick.enter(rcv.wnd(), 2);
  } else if (ask != Ecn::AckAsk::None && !header_predicted) {
    rcv.request_ack();
  }
}

// What a SYN carries after the SYN itself: its text and FIN, numbered from SEG.SEQ + 1.
// Its ECE and CWR were ECN setup, no echo (Linux tcp_ecn_rcv_ecn_echo, FreeBSD
// tcp_ecn_input_segment: not with SYN).
Segment after_syn(const Segment& seg) {
  Segment rest = seg;
  rest.header.seq = seg.header.seq + 1;
  rest.header.flags = static_cast<std::uint8_t>(rest.header.flags & ~(kSyn | kEce | kCwr));
  return rest;
}

// Linux's tcp_rcv_synsent_state_process: a SYN,ACK whose TSecr is not one we could have
// sent, between the first SYN's TSval (retrans_stamp) and now, is reset and dropped
// (PAWSACTIVEREJECTED); a TSecr of 0 passes. The linux script profile.
bool synack_tsecr_rejected(const TcpConfig& c, const Segment& seg, std::uint32_t first,
                           std::uint32_t now_ts) {
  auto ts = seg.header.options.timestamps();
  if (!c.linux_segment_checks || !c.timestamps || !ts || ts->tsecr == 0) return false;
  return ts->tsecr - first > now_ts - first;  // outside [first, now_ts], as between()
}

// Where a SYN,ACK acknowledging our SYN takes SYN-SENT: ESTABLISHED; with the FIN of a
// shutdown() (FreeBSD tcp_input.c, TF_NEEDFIN) FIN-WAIT-1, our FIN going (again) now, or
// FIN-WAIT-2 when the SYN,ACK acknowledged the FIN sent in SYN-SENT as well.
std::pair<State, std::string_view> after_syn_ack(bool fin_queued, bool fin_acked) {
  if (!fin_queued) {
    return {State::Established,
            "RFC 9293 §3.10.7.3: SYN-SENT, SYN,ACK acknowledges our SYN: send ACK, enter "
            "ESTABLISHED"};
  }
  if (!fin_acked)
    return {State::FinWait1, "FreeBSD: shutdown() in SYN-SENT: FIN, enter FIN-WAIT-1"};
  return {State::FinWait2, "FreeBSD: shutdown() in SYN-SENT, the FIN acknowledged: FIN-WAIT-2"};
}

// Text (and FIN) kept for ESTABLISHED: a segment at RCV.NXT, or one that follows on from
// what is held; anything else is not kept. Returns whether the segment had any.
bool hold_for_established(std::optional<Segment>& held, const Segment& seg, SeqNum rcv_nxt) {
  if (seg.payload.empty() && !seg.has(kFin)) return false;
  SeqNum seq(seg.header.seq);
  if (!held) {
    if (seq != rcv_nxt) return true;
    held = seg;
    held->header.flags = static_cast<std::uint8_t>(seg.header.flags & ~kSyn);
    return true;
  }
  auto held_len = static_cast<std::uint32_t>(held->payload.size());
  if (held->has(kFin) || seq != SeqNum(held->header.seq) + held_len) return true;
  held->payload.insert(held->payload.end(), seg.payload.begin(), seg.payload.end());
  if (seg.has(kFin)) held->header.flags |= kFin;
  return true;
}

DropReason request_drop_reason(RequestVerdict r) {
  switch (r) {
    case RequestVerdict::ListenerRst:
      return DropReason::SynReceivedBadAck;
    case RequestVerdict::AckDrop:
      return DropReason::Unacceptable;
    case RequestVerdict::Drop:
      return DropReason::NoAckFlag;
    case RequestVerdict::Reset:
      return DropReason::RequestReset;
    default:
      return DropReason::None;
  }
}

std::string_view time_wait_end_rule(TimeWaitAction a) {
  if (a == TimeWaitAction::Reopen)
    return "TIME-WAIT: a SYN beyond RCV.NXT ends it for a new connection";
  if (a == TimeWaitAction::Close)
    return "Linux time-wait socket (tcp_timewait_state_process): a RST ends it";
  return "Linux time-wait socket (tcp_timewait_state_process): TCP_TW_RST: the host resets";
}

// Linux's tcp_sequence takes this segment, which RFC 9293's acceptability test does not.
bool linux_takes(const TcpConfig& c, const Receiver& r, SeqNum seq, std::uint32_t len) {
  return c.linux_segment_checks &&
         linux_sequence_ok(seq, seq + len, r.last_ack_sent(), r.nxt() + r.offered());
}

// What an old segment repeats, for its D-SACK (RFC 2883 §4.1.1): its text up to RCV.NXT
// (SEQ itself when it has none); Linux's counts a FIN sent again too (tcp_dsack_set).
SeqNum duplicate_end(const TcpConfig& c, const Segment& seg, SeqNum rcv_nxt) {
  SeqNum seq(seg.header.seq);
  auto text = static_cast<std::uint32_t>(seg.payload.size());
  SeqNum end = seq + (c.linux_segment_checks && seg.has(kFin) ? seg.seq_len() : text);
  return end < rcv_nxt ? end : rcv_nxt;
}

// Linux's tcp_send_dupack for a segment reaching below RCV.NXT: quick ACKs again, and
// the old part D-SACKed.
void old_segment_dupack(const TcpConfig& c, const Segment& seg, QuickAck& quick, Receiver& rcv,
                        bool dsack = true) {
  quick.enter(rcv.wnd());
  SeqNum seq(seg.header.seq);
  if (SeqNum end = duplicate_end(c, seg, rcv.nxt()); dsack && end != seq)
    rcv.note_duplicate(seq, end);
}

// Text (or a FIN) at RCV.NXT through a closed window: its ACK is still taken (RFC 9293
// §3.10.7.4: a zero window takes ACKs, URGs and RSTs).
// FreeBSD's window is the free space if more was freed than offered.
bool zero_window_text(const TcpConfig& c, const Segment& seg, const Receiver& r) {
  bool closed = r.offered() == 0 && (c.window_rule != WindowRule::FreeBsd || r.space() == 0);
  return seg.seq_len() > 0 && closed && SeqNum(seg.header.seq) == r.nxt() && seg.has(kAck) &&
         !seg.has(kRst) && !seg.has(kSyn);
}

// Both kernels take a bare FIN at RCV.NXT through a closed window (Linux tcp_data_queue:
// some stacks send bare FINs in a loop against a zero window; FreeBSD trims only text at
// the right edge).
bool bare_fin_at_closed_window(const TcpConfig& c, const Segment& seg, const Receiver& r) {
  return c.close_rules != CloseRules::Rfc && seg.payload.empty() && seg.has(kFin) &&
         zero_window_text(c, seg, r);
}

}  // namespace

void Connection::drop(Nanos now, const Segment& seg, DropReason why) {
  if (observer_ != nullptr) observer_->on_drop(*this, now, seg, why);
}

void Connection::on_segment(Nanos now, const Segment& seg,
                            std::vector<std::uint8_t>* payload_owner) {
  bool syncache = cfg_.syncache && passive_ && state_ == State::SynReceived;
  std::optional<DropReason> first = freebsd_first_drop(cfg_, seg, state_, syncache, neg_.ts_ok);
  if (state_ == State::Closed || state_ == State::Listen) first.reset();
  if (first == DropReason::SynFin) return drop(now, seg, *first);
  ++segments_received_;
  if (!seg.payload.empty()) ++counters_.data_segments_received;  // tcp_ipv4.c tcp_segs_in
  last_activity_ = now;
  last_received_ = now;
  more_hold_ = false;  // tcp_data_snd_check pushes what MSG_MORE held
  keepalive_sent_ = 0;
  if (cfg_.keepalive_runs() && is_synchronized(state_))
    arm(now, TimerKind::Keepalive, now + cfg_.keepalive_idle);
  if (first) return drop(now, seg, *first);
  payload_owner_ = payload_owner;
  switch (state_) {
    case State::Closed:
    case State::Listen:
      // A closed TCB answers nothing; the host's TCP layer handles closed ports and
      // listeners (RFC 9293 §3.10.7.1, §3.10.7.2).
      drop(now, seg, DropReason::NoConnection);
      break;
    case State::SynSent:
      segment_syn_sent(now, seg);
      break;
    default:
      segment_synchronized(now, seg);
      break;
  }
  payload_owner_ = nullptr;
}

namespace {

// How sending starts after the handshake, from the configuration and what was agreed.
LossRecovery::Setup recovery_setup(const TcpConfig& cfg, bool sack, std::uint32_t mss,
                                   std::uint32_t initial_window,
                                   std::optional<SeqNum> syn_loss_at) {
  return {.algo = cfg.congestion,
          .sack = sack,
          .mss = mss,
          .initial_window = initial_window,
          .cwnd_limited_growth = cfg.cwnd_limited_growth,
          .hystart = cfg.hystart,
          .congestion_rule = cfg.congestion_rule,
          .rack = cfg.rack,
          .frto = cfg.frto,
          .abc_l_var = cfg.abc_l_var,
          .decay_window = cfg.restart_after_idle ? cfg.initial_window(mss) : 0,
          .syn_loss_at = syn_loss_at};
}

}  // namespace

void Connection::complete_handshake(Nanos now, const Segment& seg) {
  // Our SYN is acknowledged: take the peer's window (RFC 9293 §3.10.7.3 / §3.10.7.4:
  // SND.WND = SEG.WND, SND.WL1 = SEG.SEQ, SND.WL2 = SEG.ACK), stop the SYN timer and
  // start congestion control. RFC 7323 §2.2: the window in a SYN is never scaled.
  std::uint32_t wnd = static_cast<std::uint32_t>(seg.header.window)
                      << (seg.has(kSyn) ? 0 : neg_.snd_wscale);
  snd_.on_syn_acked(wnd, SeqNum(seg.header.seq), SeqNum(seg.header.ack));
  // tcp_finish_connect, tcp_create_openreq_child: the last-sent and last-ACK times start
  // here (lsndtime; rcv_tstamp from this ACK).
  counters_.last_data_sent = counters_.last_ack_received = now;
  // Karn (RFC 6298 §3): time the SYN only when it was not retransmitted. FreeBSD's SYN
  // cache times no SYN,ACK: only a timestamp echo measures (tcp_input.c, process_ACK).
  bool syncache = cfg_.syncache && passive_;
  Nanos rtt = -1;
  if (syncache && neg_.ts_ok) rtt = neg_.echoed_rtt(now, seg);
  if (!syncache && snd_.karn().running() && retries_ == 0) rtt = now - snd_.karn().started();
  // The kernels: when Karn's rule leaves none, the timestamp echo gives the sample (Linux's
  // tcp_ack_update_rtt through tcp_synack_rtt_meas or tcp_ack; FreeBSD's process_ACK).
  if (rtt < 0 && cfg_.rto_rule != RtoRule::Rfc6298 && neg_.ts_ok) rtt = neg_.echoed_rtt(now, seg);
  if (rtt >= 0) {
    rtt_.sample(rtt, snd_.una(), snd_.max());
    if (observer_ != nullptr)
      observer_->on_rtt(*this, now, rtt_.latest(), rtt_.srtt(), rtt_.rttvar(), rtt_.rto());
  }
  snd_.karn().stop();
  if (retries_ > 0 && cfg_.rto_after_syn_timeout > 0)
    rtt_.reset_before_first_sample(cfg_.rto_after_syn_timeout);
  disarm(now, TimerKind::Retransmission);
  // FreeBSD: a FIN that went with the SYN (Sender::on_syn_sent) and this ACK leaves
  // unacknowledged is timed afresh (tcp_do_segment, process_ACK: TT_REXMT restarted).
  if (snd_.fin_ends_at(snd_.iss() + 1) && SeqNum(seg.header.ack) == snd_.iss() + 1)
    arm(now, TimerKind::Retransmission, now + rtt_.rto());
  // RFC 5681 §3.1: after a lost SYN or SYN,ACK the initial window is one segment. Linux's
  // tcp_init_transfer: after more than one resend (total_retrans), unless the echo shows
  // the first one arrived (tcp_try_undo_spurious_syn: TSecr is retrans_stamp).
  std::uint32_t mss = send_mss();
  auto ts = neg_.ts_ok ? seg.header.options.timestamps() : std::nullopt;
  bool spurious = ts && ts->tsecr == neg_.ts_now(opened_at_);
  bool cut = cfg_.rto_rule == RtoRule::Linux ? retransmissions_ > 1 && retries_ > 0 && !spurious
                                             : retries_ > 0;
  recovery_.start(
      recovery_setup(cfg_, neg_.sack_ok, mss, cut ? mss : cfg_.initial_window(mss),
                     !passive_ && retries_ > 0 ? std::optional(snd_.iss() + 1) : std::nullopt));
  quick_.start(now, own_mss(cfg_, local_.addr.is_v4(), neg_.ts_ok), mss, rcv_.wnd());
  counters_.marks.reordering = cfg_.reordering;  // tcp_init_sock
  counters_.marks.max_reordering = cfg_.max_reordering;
  counters_.handshake_done(now, passive_, retries_, opened_at_, neg_.sack_ok);
  if (rtt >= 0 || passive_ || cfg_.rto_rule != RtoRule::FreeBsd) retries_ = 0;  // t_rxtshift
  if (cfg_.keepalive_runs()) arm(now, TimerKind::Keepalive, now + cfg_.keepalive_idle);
  if (cfg_.round_buffers_to_mss && (passive_ || neg_.peer_offered_mss)) {
    // FreeBSD tcp_mss: buffers grow to whole t_maxsegs (SYN-SENT: only for an MSS option).
    std::uint32_t seg_size = std::min(neg_.peer_mss, mss_for_mtu(cfg_.mtu, local_.addr.is_v4()));
    auto up = [&](std::uint32_t b) {
      return b > seg_size ? (b + seg_size - 1) / seg_size * seg_size : b;
    };
    rcv_.set_buffer(cfg_.recv_buffer = up(cfg_.recv_buffer), cfg_.window_clamp);
    set_option(SockOpt::SndBuf, up(cfg_.send_buffer));
  }
}

// ---------------------------------------------------------------- SYN-SENT
void Connection::segment_syn_sent(Nanos now, const Segment& seg) {
  SeqNum ack(seg.header.ack);
  // RFC 9293 §3.10.7.3 first: check the ACK bit (Linux: then the TSecr, the same way).
  bool bad_ack = seg.has(kAck) && (ack <= snd_.iss() || ack > snd_.max());
  bool bad_tsecr = seg.has(kAck) && !bad_ack &&
                   synack_tsecr_rejected(cfg_, seg, neg_.ts_now(opened_at_), neg_.ts_now(now));
  if (bad_ack || bad_tsecr) {
    if (!seg.has(kRst)) queue_rst(now, ack);
    if (bad_ack && cfg_.linux_segment_checks && retries_ == 0)  // SYN again, TCP_TIMEOUT_MIN
      arm(now, TimerKind::Retransmission, now + 2 * kJiffy);
    drop(now, seg, bad_ack ? DropReason::SynSentBadAck : DropReason::Paws);
    return;
  }
  bool ack_ok = seg.has(kAck) && snd_.una() < ack && ack <= snd_.max();
  // Second: the RST bit (RFC 5961 §3.2: only with an ACK of our SYN).
  if (seg.has(kRst) && ack_ok) {
    enter_closed(now, "RFC 9293 §3.10.7.3: SYN-SENT, RST with acceptable ACK: connection refused",
                 Errno::ConnRefused);
    snd_.discard();
    return;
  }
  // Fourth: the SYN bit (a RST without an acceptable ACK is dropped as well).
  if (seg.has(kRst) || !seg.has(kSyn)) {
    drop(now, seg, seg.has(kRst) ? DropReason::SynSentRstNoAck : DropReason::SynSentNoSyn);
    return;
  }
  take_peer_syn(cfg_, neg_, seg, local_.addr.is_v4());
  ecn_.on_syn_sent_reply(seg);
  neg_.update_ts_recent(seg, rcv_.last_ack_sent());
  rcv_.note_peer_syn(SeqNum(seg.header.seq),
                     syn_window_unit(cfg_, local_.addr.is_v4(), false, false),
                     {own_mss(cfg_, local_.addr.is_v4(), neg_.ts_ok), neg_.rcv_wscale});
  if (ack_ok) snd_.set_una(ack);
  if (snd_.una() > snd_.iss()) {
    complete_handshake(now, seg);
    auto [next, rule] = after_syn_ack(snd_.fin_queued(), snd_.fin_acked());
    set_state(now, next, rule);
    if (next == State::FinWait2 && !bound_fin_wait2(now, false)) return;
    report_cwnd(now);
    bool text = cfg_.queue_syn_data && (!seg.payload.empty() || seg.has(kFin));  // not Linux
    if (!text && quick_.hold_handshake_ack(rcv_.wnd())) {
      arm(now, TimerKind::DelayedAck, now + QuickAck::kDelackMax);
      return;
    }
    rcv_.request_ack();
    if (text) {  // the sixth and eighth steps for data or FIN carried on the SYN,ACK
      process_text(now, after_syn(seg));
      process_fin(now, after_syn(seg));
    }
    return;
  }
  // Simultaneous open: a SYN without ACK of ours.
  set_state(now, State::SynReceived,
            "RFC 9293 §3.10.7.3: SYN-SENT, SYN without ACK (simultaneous open): send SYN,ACK, "
            "enter SYN-RECEIVED");
  queue_syn(now);
  // "If there are other controls or text in the segment, queue them for processing after
  // the ESTABLISHED state has been reached."
  if (cfg_.queue_syn_data && (!seg.payload.empty() || seg.has(kFin))) syn_text_ = after_syn(seg);
}

// ------------------------------------------------ SYN-RECEIVED and later
void Connection::segment_synchronized(Nanos now, const Segment& seg) {
  if (state_ == State::SynReceived && !passive_ && seg.has(kSyn) && seg.has(kAck) &&
      SeqNum(seg.header.seq) == rcv_.irs()) {
    // Simultaneous open (RFC 9293 Figure 8, line 6): the peer's SYN,ACK repeats the SYN we
    // hold and acknowledges ours. Take it as that ACK, so ESTABLISHED follows at once.
    // FreeBSD, having trimmed the SYN off, finds nothing new: an ACK now (TF_ACKNOW).
    segment_synchronized(now, after_syn(seg));
    if (state_ == State::Established) synack_answer(cfg_, quick_, rcv_);
    return;
  }
  if (!kernel_checks(now, seg)) return;
  // FreeBSD's tcp_dropwithreset after PAWS, before the ACK bit or the window trim: text
  // after close() (TF_CLOSED) ends the connection; in a simultaneous open's SYN-RECEIVED a
  // segment from before the peer's SYN (the "LAND" check) ends nothing.
  bool land = state_ == State::SynReceived && !passive_ && SeqNum(seg.header.seq) < rcv_.irs();
  if (cfg_.close_rules == CloseRules::FreeBsd && !neg_.paws_rejects(seg) &&
      (land || (orphan_ && freebsd_text_after_close(seg, state_, rcv_)))) {
    push_host_reset(control_out_, segments_sent_, make_segment(SeqNum(0), 0), seg);
    if (land) return drop(now, seg, DropReason::Unacceptable);
    enter_closed(now, "FreeBSD: text after close(): reset the connection", Errno::ConnReset);
    return snd_.discard();
  }
  bool established = state_ == State::Established;  // Linux: tcp_rcv_established
  header_predicted_ = freebsd_header_predicted(cfg_, seg, state_, rcv_, snd_, neg_);
  if (!check_sequence(now, seg)) return;
  if (!check_rst(now, seg)) return;
  if (!check_syn(now, seg)) return;
  if (!check_ack(now, seg)) return;
  // Sixth: URG is ignored (RFC 9293 §3.8.5 leaves urgent data to applications; RFC 6093).
  // Linux's tcp_ack leaves TS.Recent alone for an ACK below SND.UNA (old_ack).
  if (!cfg_.linux_segment_checks || !(SeqNum(seg.header.ack) < snd_.una()))
    neg_.update_ts_recent(seg, rcv_.last_ack_sent());
  auto ts = neg_.ts_ok ? seg.header.options.timestamps() : std::nullopt;
  if (established && ts) {
    rcv_rtt_.on_segment({ts->tsecr, neg_.ts_now(now),
                         static_cast<std::uint32_t>(seg.payload.size()), quick_.rcv_mss(),
                         rcv_.queued() > 0});
  }
  if (syn_text_ && state_ != State::SynReceived) {
    // ESTABLISHED now: the SYN's text first. A bare ACK has FreeBSD present its queue
    // (tcp_reass(tp, NULL, ...)) without the FIN or an ACK (TcpConfig::freebsd_reass).
    Segment held = std::move(*syn_text_);
    syn_text_.reset();
    bool bare = cfg_.freebsd_reass && seg.payload.empty() && !seg.has(kFin);
    if (bare) held.header.flags = static_cast<std::uint8_t>(held.header.flags & ~kFin);
    if (!held.payload.empty() || held.has(kFin)) {
      auto* owner = std::exchange(payload_owner_, nullptr);
      bool delack = timers_.armed(TimerKind::DelayedAck);
      process_text(now, held);
      process_fin(now, held);
      payload_owner_ = owner;
      if (!bare) rcv_.request_ack();
      if (bare && !delack) disarm(now, TimerKind::DelayedAck);
    }
  }
  // RFC 3168 §6.1.3: CE and CWR on what arrived (an ACK at once when the profile says).
  ecn_ack(ecn_.on_segment(cfg_, seg), quick_, rcv_, header_predicted_);
  process_text(now, seg);
  process_fin(now, seg);
}

bool Connection::kernel_checks(Nanos now, const Segment& seg) {
  bool fin_wait2 = state_ == State::FinWait2 && orphan_ && cfg_.linux_segment_checks &&
                   linux_fin_wait2_is_time_wait_sock(cfg_, rtt_.rto());
  auto limited = [&] { return oow_limited(last_oow_ack_, now, cfg_.invalid_ratelimit, seg); };
  if ((state_ == State::TimeWait && cfg_.time_wait_rule != TimeWaitRule::Rfc) || fin_wait2) {
    auto ts = seg.header.options.timestamps();
    TimeWaitView v{rcv_.nxt(), snd_.nxt(), rcv_.offered(), fin_wait2, passive_};
    v.paws_rejects = neg_.paws_rejects(seg, 0, cfg_.linux_segment_checks);
    v.ts_newer = neg_.ts_ok && ts && static_cast<std::int32_t>(ts->tsval - neg_.ts_recent) > 0;
    v.ts_missing = neg_.ts_ok && neg_.ts_recent != 0 && !ts;
    TimeWaitAction a = time_wait_action(cfg_, seg, v);
    if (v.restart_timer) arm(now, TimerKind::TimeWait, now + 2 * cfg_.msl);
    if (a == TimeWaitAction::Process) return true;
    if (a == TimeWaitAction::Ack && !limited()) queue_ack(now);
    if (a == TimeWaitAction::Reset)
      push_host_reset(control_out_, segments_sent_, make_segment(SeqNum(0), 0), seg);
    if (a == TimeWaitAction::Reopen || a == TimeWaitAction::Close || a == TimeWaitAction::Reset) {
      // After a Reopen the host's TCP layer hands the SYN on to a listener (TcpStack::deliver).
      enter_closed(now, time_wait_end_rule(a), Errno::Ok);
      return false;
    }
    drop(now, seg, DropReason::TimeWaitIgnored);
    return false;
  }
  bool request = state_ == State::SynReceived && passive_;
  if (request && cfg_.syncache && syncache_rejects(seg, snd_.iss(), rcv_.irs(), rcv_.wnd())) {
    queue_rst(now, SeqNum(seg.header.ack));
    enter_closed(now, "FreeBSD syncache_expand: not our SYN,ACK's ACK: entry freed", Errno::Ok);
    return false;
  }
  if (request && cfg_.syncache && (seg.header.flags & (kAck | kRst | kSyn)) == 0) {
    drop(now, seg, DropReason::NoAckFlag);  // tcp_input.c: "SYN is missing, segment ignored"
    return false;
  }
  if (cfg_.window_rule == WindowRule::FreeBsd && !request &&
      (seg.has(kRst) || (seg.has(kSyn) && state_ != State::SynReceived))) {
    // FreeBSD's tcp_do_segment takes a RST, then a SYN, before PAWS and the window test,
    // against the window from the last ACK it sent (delayed ACKs: last_ack_sent, not
    // RCV.NXT): a RST outside it is dropped; a SYN draws its challenge ACK wherever it
    // lies (net.inet.tcp.insecure_syn resets only inside it).
    bool in_window = freebsd_rst_window(rcv_, SeqNum(seg.header.seq));
    if (seg.has(kRst) && !in_window) {
      drop(now, seg, DropReason::RstOutOfWindow);
    } else if (seg.has(kRst)) {
      check_rst(now, seg);
    } else if (cfg_.insecure_syn && !in_window) {
      send_challenge_ack(now, seg, DropReason::SynChallenged);
    } else {
      check_syn(now, seg);
    }
    return false;
  }
  if (!cfg_.linux_segment_checks) return true;
  if (request && !cfg_.syncache) return request_checks(now, seg);
  if ((seg.header.flags & (kAck | kRst | kSyn)) == 0) {  // tcp_rcv_state_process
    drop(now, seg, DropReason::NoAckFlag);
    return false;
  }
  return true;
}

bool Connection::request_checks(Nanos now, const Segment& seg) {
  RequestVerdict r = linux_check_req(
      seg, {rcv_.irs(), snd_.iss(), rcv_.nxt(), rcv_.offered(), neg_.paws_rejects(seg, 0, true)});
  if (r == RequestVerdict::Process) return true;
  bool answer = r == RequestVerdict::SynAgain || (r == RequestVerdict::AckDrop && !seg.has(kRst));
  if (answer && !oow_limited(last_oow_ack_, now, cfg_.invalid_ratelimit, seg)) {
    if (r == RequestVerdict::SynAgain) {
      ++retransmissions_;
      queue_syn(now);
      // "Reset timer after retransmitting SYNACK": the request's timer starts again from
      // now, its back-off kept (mod_timer_pending, reqsk_timeout).
      arm(now, TimerKind::Retransmission, now + rtt_.rto());
    } else {
      rcv_.request_ack();
    }
  }
  if (r == RequestVerdict::ListenerRst && !seg.has(kRst)) queue_rst(now, SeqNum(seg.header.ack));
  drop(now, seg, request_drop_reason(r));
  if (r == RequestVerdict::Reset) {
    push_host_reset(control_out_, segments_sent_, make_segment(SeqNum(0), 0), seg);
    enter_closed(now, "Linux tcp_check_req: RST or SYN in the window: the request is dropped",
                 Errno::ConnReset);
  }
  return false;
}

// Deviation: a SYN again in SYN-RECEIVED gets our SYN,ACK (Linux: from a listener only,
// tcp_check_req); FreeBSD's SYN cache whatever its SEQ, count and timer afresh.
bool Connection::check_sequence(Nanos now, const Segment& seg) {
  SeqNum seq(seg.header.seq);
  bool syncache = cfg_.syncache && passive_ && state_ == State::SynReceived;
  auto limited = [&] { return oow_limited(last_oow_ack_, now, cfg_.invalid_ratelimit, seg); };
  if (state_ == State::SynReceived && seg.has(kSyn) && !seg.has(kAck) &&
      (passive_ || !cfg_.linux_segment_checks) &&
      (seq == rcv_.irs() || (syncache && !seg.has(kRst)))) {
    if (limited()) return false;  // tcp_check_req
    if (syncache) syncache_repeated_syn(cfg_, seg, neg_, ecn_, retries_, rtt_);
    queue_syn(now);
    ++retransmissions_;
    if (syncache) restart_retransmission_timer(now);
    return false;
  }
  // RFC 7323 §5.3: PAWS, before the acceptability test (Linux's exceptions aside).
  if (auto p = paws_verdict(cfg_, neg_, snd_, rcv_, rtt_.rto(), seg); p != PawsVerdict::Pass) {
    if (cfg_.linux_segment_checks && seg.has(kSyn)) {  // tcp_validate_incoming: syn_challenge
      send_challenge_ack(now, seg, DropReason::SynChallenged);
    } else {
      if (p == PawsVerdict::Reject && !limited()) rcv_.request_ack();
      if (seg.seq_len() > 0 && seq < rcv_.nxt())  // tcp_send_dupack (Linux: with its D-SACK)
        old_segment_dupack(cfg_, seg, quick_, rcv_, cfg_.linux_segment_checks);
      drop(now, seg, DropReason::Paws);
    }
    return false;
  }
  std::uint32_t len = seg.seq_len();
  bool bare_fin = bare_fin_at_closed_window(cfg_, seg, rcv_);
  if (zero_window_text(cfg_, seg, rcv_) && !bare_fin) {
    // RFC 9293 §3.10.7.4: a zero window still takes ACKs (probes carry them), not text.
    if (check_ack(now, ack_part(seg))) rcv_.request_ack(true);
    quick_.enter(rcv_.wnd());  // tcp_data_queue: out of window
    drop(now, seg, DropReason::Unacceptable);
    return false;
  }
  if (!rcv_.acceptable(seq, len, cfg_.window_rule == WindowRule::FreeBsd) && !bare_fin) {
    bool linux_ok = linux_takes(cfg_, rcv_, seq, len);
    if (seg.has(kRst) && (linux_ok || rst_at_fin(cfg_, state_, seq, rcv_.nxt()))) return true;
    if (linux_ok && len == 0) return true;        // no text: nothing for tcp_data_queue to answer
    bool data_path = linux_ok && !seg.has(kSyn);  // Linux: on to tcp_data_queue
    // "If an incoming segment is not acceptable, an acknowledgment should be sent in reply
    // (unless the RST bit is set)".
    if (!seg.has(kRst) && !limited()) rcv_.request_ack();
    if (!seg.has(kRst) && len > 0 && seq < rcv_.nxt()) {
      old_segment_dupack(cfg_, seg, quick_, rcv_);
      if (!seg.has(kSyn) && seq + len >= rcv_.last_ack_sent()) rcv_.request_ack(true);
    } else if (data_path) {
      quick_.enter(rcv_.wnd());  // tcp_data_queue: text at the right edge, out of window
    }
    // Its ACK is still taken: FreeBSD's below RCV.NXT, Linux's on the way to tcp_data_queue.
    if (data_path || (cfg_.old_segment_acks && !seg.has(kRst) && seq < rcv_.nxt()))
      check_ack(now, ack_part(seg));
    if (state_ == State::TimeWait && seg.has(kFin))  // §3.10.7.4 eighth: FIN again, 2 MSL again
      arm(now, TimerKind::TimeWait, now + 2 * cfg_.msl);
    drop(now, seg, seg.has(kRst) ? DropReason::RstOutOfWindow : DropReason::Unacceptable);
    return false;
  }
  return true;
}

bool Connection::check_rst(Nanos now, const Segment& seg) {
  if (!seg.has(kRst)) return true;
  SeqNum seq(seg.header.seq);
  bool at_sack_edge = false;  // Linux: at the right edge of the SACK blocks we report
  if (cfg_.linux_segment_checks && neg_.sack_ok && seq != rcv_.nxt()) {
    std::array<wire::SackBlock, 4> blocks{};
    std::size_t n = rcv_.sack_blocks(blocks, blocks.size());
    SeqNum edge = rcv_.nxt();
    for (std::size_t i = 0; i < n; ++i)
      if (SeqNum(blocks[i].right) > edge) edge = SeqNum(blocks[i].right);
    at_sack_edge = edge != rcv_.nxt() && seq == edge;
  }
  // FreeBSD resets at the last ACK sent (kernel_checks found the RST in its window).
  SeqNum exact = cfg_.window_rule == WindowRule::FreeBsd ? rcv_.last_ack_sent() : rcv_.nxt();
  if (seq != exact && !cfg_.insecure_rst && !rst_at_fin(cfg_, state_, seq, rcv_.nxt()) &&
      !at_sack_edge) {
    // RFC 5961 §3.2: in the window but not exactly RCV.NXT: challenge ACK. (FreeBSD's
    // net.inet.tcp.insecure_rst takes any RST in the window, tcp_input.c tcp_do_segment.)
    send_challenge_ack(now, seg, DropReason::RstChallenged);
    return false;
  }
  switch (state_) {
    case State::SynReceived:
      if (passive_) {
        enter_closed(now, "RFC 9293 §3.10.7.4: SYN-RECEIVED (from LISTEN), RST: return to LISTEN",
                     Errno::ConnRefused);
      } else {
        enter_closed(now, "RFC 9293 §3.10.7.4: SYN-RECEIVED (active OPEN), RST: connection refused",
                     cfg_.linux_segment_checks ? Errno::ConnReset : Errno::ConnRefused);
      }
      break;
    case State::Established:
    case State::FinWait1:
    case State::FinWait2:
    case State::CloseWait:
      // Linux's tcp_reset: EPIPE in CLOSE-WAIT, ECONNREFUSED in SYN-SENT only.
      enter_closed(now, "RFC 9293 §3.10.7.4: RST in a synchronized state: connection reset",
                   state_ == State::CloseWait && cfg_.close_rules == CloseRules::Linux
                       ? Errno::Pipe
                       : Errno::ConnReset);
      break;
    default:
      // CLOSING, LAST-ACK, TIME-WAIT. The kernels leave ECONNRESET (tcp_reset; so_error)
      // but in TIME-WAIT (a time-wait socket; FreeBSD's tcp_twcheck).
      enter_closed(now, "RFC 9293 §3.10.7.4: RST in CLOSING/LAST-ACK/TIME-WAIT: enter CLOSED",
                   cfg_.close_rules != CloseRules::Rfc && state_ != State::TimeWait
                       ? Errno::ConnReset
                       : Errno::Ok);
      break;
  }
  control_out_.clear();
  snd_.discard();
  return false;
}

bool Connection::check_syn(Nanos now, const Segment& seg) {
  if (state_ == State::SynReceived && !passive_ && !seg.has(kAck) &&
      cfg_.close_rules == CloseRules::FreeBsd) {
    // FreeBSD tests no SYN in SYN-RECEIVED (tcp_do_segment), and a simultaneous open's
    // text without ACK waits in the reassembly queue for ESTABLISHED (tcp_reass), the
    // SYN,ACK going again (TF_ACKNOW); a SYN alone is ignored.
    if (hold_for_established(syn_text_, seg, rcv_.nxt())) queue_ack(now);
    drop(now, seg, DropReason::NoAckFlag);
    return false;
  }
  if (!seg.has(kSyn)) return true;
  if (state_ == State::SynReceived && passive_) {
    // RFC 9293 §3.10.7.4 fourth: "return this connection to the LISTEN state".
    enter_closed(now,
                 "RFC 9293 §3.10.7.4: SYN-RECEIVED (from LISTEN), SYN in window: return to LISTEN",
                 Errno::ConnReset);
    return false;
  }
  if (cfg_.insecure_syn && state_ != State::SynReceived) {
    // FreeBSD tcp_input.c tcp_do_segment, net.inet.tcp.insecure_syn (RFC 793): a SYN in
    // the window drops the connection; tcp_drop sends <SEQ=SND.NXT><ACK=RCV.NXT><RST,ACK>.
    control_out_.clear();
    ++segments_sent_;
    control_out_.push_back(make_segment(snd_.nxt(), kRst | kAck));
    enter_closed(now, "FreeBSD insecure_syn: SYN in the window: connection reset",
                 Errno::ConnReset);
    snd_.discard();
    return false;
  }
  // RFC 5961 §4.2: any SYN in a synchronized state draws a challenge ACK.
  send_challenge_ack(now, seg, DropReason::SynChallenged);
  return false;
}

namespace {

// RFC 5961 §5.2: acceptable ACKs reach back MAX.SND.WND below SND.UNA; Linux's tcp_ack
// no further than the bytes acknowledged so far (`acked`: SND.UNA - ISS; our SYN counts
// when we opened actively); FreeBSD has no such check.
std::uint32_t old_ack_reach(const TcpConfig& c, std::uint32_t max_wnd, std::int32_t acked,
                            bool passive) {
  if (c.close_rules == CloseRules::FreeBsd) return 1u << 30;  // no such check (tcp_do_segment)
  if (!c.linux_segment_checks) return max_wnd;
  return std::min<std::uint32_t>(max_wnd, static_cast<std::uint32_t>(acked) - (passive ? 1 : 0));
}

// Data or a FIN past RCV.NXT (Linux: end_seq != seq && after(end_seq - fin, rcv_nxt)).
bool beyond_rcv_nxt(const Segment& seg, SeqNum rcv_nxt) {
  auto len = static_cast<std::uint32_t>(seg.payload.size());
  return (len > 0 || seg.has(kFin)) && SeqNum(seg.header.seq) + len > rcv_nxt;
}

}  // namespace

bool Connection::check_ack(Nanos now, const Segment& seg) {
  if (!seg.has(kAck)) {
    drop(now, seg, DropReason::NoAckFlag);
    return false;
  }
  SeqNum ack(seg.header.ack);
  if (!snd_.syn_acked()) {
    // SYN-RECEIVED (or FIN-WAIT-1 entered from it by CLOSE): the ACK must cover our SYN.
    if (!(snd_.una() < ack && ack <= snd_.max())) {
      // §3.10.7.4 fifth, SYN-RECEIVED: <SEQ=SEG.ACK><CTL=RST>.
      queue_rst(now, ack);
      drop(now, seg, DropReason::SynReceivedBadAck);
      return false;
    }
    complete_handshake(now, seg);
    snd_.set_una(snd_.iss() + 1);  // the rest of the ACK (a FIN, say) is processed below
    if (state_ == State::SynReceived) {
      set_state(now, State::Established,
                "RFC 9293 §3.10.7.4: SYN-RECEIVED, ACK of our SYN: enter ESTABLISHED");
      if (snd_.fin_queued()) set_state(now, State::FinWait1, "shutdown() in SYN-RECEIVED");
    }
    report_cwnd(now);
  }
  std::uint32_t reach = old_ack_reach(cfg_, snd_.max_wnd(), snd_.una() - snd_.iss(), passive_);
  if (ack > snd_.max() || ack < snd_.una() - reach) {
    send_challenge_ack(now, seg,
                       ack > snd_.max() ? DropReason::AckAhead : DropReason::AckChallenged);
    return false;
  }
  process_ack_of_data(now, seg);
  // Leaving TCP_CA_Loss ends the timeouts' episode (no SACK: Reno holds it at high_seq).
  if (retries_ == 0 && (recovery_.in_recovery() || recovery_.may_probe()) &&
      (neg_.sack_ok || snd_.iss() + 1 < snd_.una()))
    counters_.end_rto_episode(now);
  bool fin_acked = snd_.fin_acked();
  switch (state_) {
    case State::FinWait1:
      if (fin_acked) {
        set_state(now, State::FinWait2,
                  "RFC 9293 §3.10.7.4: FIN-WAIT-1, our FIN acknowledged: enter FIN-WAIT-2");
        if (!bound_fin_wait2(now, false, beyond_rcv_nxt(seg, rcv_.nxt()))) return false;
      }
      break;
    case State::Closing:
      if (fin_acked) {
        enter_time_wait(now, "RFC 9293 §3.10.7.4: CLOSING, our FIN acknowledged: enter TIME-WAIT");
      }
      break;
    case State::LastAck:
      if (fin_acked) {
        enter_closed(now, "RFC 9293 §3.10.7.4: LAST-ACK, our FIN acknowledged: enter CLOSED",
                     Errno::Ok);
        return false;
      }
      break;
    default:
      break;
  }
  return true;
}

void Connection::send_challenge_ack(Nanos now, const Segment& seg, DropReason why) {
  if (why == DropReason::AckAhead && cfg_.linux_segment_checks && state_ == State::Established) {
    drop(now, seg, why);  // Linux tcp_rcv_established: dropped unanswered
    return;
  }
  if (why == DropReason::AckAhead && !cfg_.ack_ahead_is_challenge) {
    queue_ack(now);
    drop(now, seg, why);
    return;
  }
  // Linux: the per-connection limit first (tcp_send_challenge_ack).
  if (oow_limited(last_oow_ack_, now, cfg_.invalid_ratelimit, seg, true)) {
    drop(now, seg, DropReason::ChallengeRateLimited);
    return;
  }
  // RFC 5961 §7: limit challenge ACKs per second.
  if (cfg_.challenge_ack_limit > 0) {
    if (now - challenge_window_start_ >= kSecond) {
      challenge_window_start_ = now;
      challenges_in_window_ = 0;
    }
    if (challenges_in_window_ >= cfg_.challenge_ack_limit) {
      drop(now, seg, DropReason::ChallengeRateLimited);
      return;
    }
    ++challenges_in_window_;
  }
  queue_ack(now, true);
  drop(now, seg, why);
}

}  // namespace tcpsim::tcp
