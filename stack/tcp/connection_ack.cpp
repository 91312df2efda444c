// The fifth step's ACK processing for data (RFC 9293 §3.10.7.4, "ESTABLISHED STATE"):
// SND.UNA advances, the RTT is sampled, the SACK scoreboard and loss recovery hear of the
// ACK, the retransmission timer follows (RFC 6298 (5.2)/(5.3)), and the send window is
// updated.
#include <algorithm>
#include <array>
#include <optional>
#include <utility>
#include <vector>

#include "stack/tcp/connection.hpp"

namespace tcpsim::tcp {

using namespace wire::tcp_flag;

namespace {

// Linux's RTT sample from its retransmission queue (tcp_clean_rtx_queue,
// tcp_ack_update_rtt): the time since the oldest segment up to `ack` left, unless the ACK
// covers one ever resent (Karn); with a scoreboard, else the time since the oldest segment
// newly SACKed and never resent left (sack_rtt_us). -1: none.
Nanos queue_rtt(const SegmentMarks& m, SeqNum ack, const SackScoreboard* board, Nanos now) {
  Nanos first = -1;
  bool resent = false;
  for (const SegmentMarks::Entry& e : m.queue) {
    if (ack < e.end) break;
    if (e.ever_resent) {
      resent = true;
    } else if (!e.sacked && first < 0) {
      first = e.sent_at;
    }
  }
  if (first >= 0 && !resent) return now - first;
  if (board == nullptr) return -1;
  for (const SegmentMarks::Entry& e : m.queue) {
    if (e.sacked || e.ever_resent || !(ack < e.end)) continue;
    if (!(board->skip_sacked(e.start) < e.end)) return now - e.sent_at;
  }
  return -1;
}

// An RTT sample goes to the estimator (SND.UNA and SND.MAX mark Linux's round trips:
// its snd_nxt never goes back) and the observer. Returns it (at least 1 ns), or 0.
Nanos record_rtt(RttEstimator& rtt, const Sender& snd, const Connection& c, ConnectionObserver* obs,
                 Nanos now, Nanos sample) {
  if (sample < 0) return 0;
  rtt.sample(sample, snd.una(), snd.max());
  if (obs != nullptr) obs->on_rtt(c, now, rtt.latest(), rtt.srtt(), rtt.rttvar(), rtt.rto());
  return std::max<Nanos>(sample, 1);
}

// What an ACK of new data does besides moving SND.UNA: it ends a run of timeouts, forgets
// an ICMP soft error (Linux tcp_ack: "something worked"), and may bring an RTT sample:
// timestamps (RFC 7323 §4) or the one timed segment (Karn, RFC 6298 §3); under Linux's
// RTO rule (`marks` given) first the queue's (queue_rtt), then timestamps. FreeBSD's rule
// counts timeouts on (t_rxtshift) and keeps t_softerror until an RTT sample: only
// tcp_xmit_timer clears them. Returns the sample (at least 1 ns), or 0.
struct AckedParts {
  const Negotiation& neg;
  Sender& snd;
  RttEstimator& rtt;
  int& retries;
  Errno& soft_error;
  const SegmentMarks* marks;
};
Nanos new_data_acked(AckedParts p, const Connection& c, ConnectionObserver* obs, Nanos now,
                     const Segment& seg) {
  SeqNum ack(seg.header.ack);
  Nanos sample = p.marks != nullptr ? queue_rtt(*p.marks, ack, nullptr, now) : -1;
  if (sample < 0 && p.neg.ts_ok) sample = p.neg.echoed_rtt(now, seg);
  if (sample < 0 && p.marks == nullptr) sample = p.snd.karn().sample(ack, now);
  Nanos got = record_rtt(p.rtt, p.snd, c, obs, now, sample);
  if (got > 0 || p.rtt.rule() != RtoRule::FreeBsd) {
    p.retries = 0;
    p.soft_error = Errno::Ok;
  }
  return got;
}

// The SACK blocks an ACK carries (none unless SACK was agreed).
struct SackList {
  std::array<wire::SackBlock, 4> blocks{};
  std::size_t n = 0;
  bool ok = false;  // SACK was agreed
  std::span<const wire::SackBlock> span() const { return {blocks.data(), n}; }
};
SackList sack_list(const Segment& seg, bool sack_ok) {
  SackList l;
  l.ok = sack_ok;
  if (sack_ok) l.n = seg.header.options.sack_blocks(l.blocks);
  return l;
}

// The parts an ACK's window reductions touch.
struct ReductionParts {
  LossProbe& probe;
  LossRecovery& recovery;
  Ecn& ecn;
  Sender& snd;
};
// tcp_process_tlp_ack: whether the ACK shows that a tail loss probe repaired a loss;
// if so the window is reduced once, at once (and CWR follows, RFC 3168 §6.1.2).
bool probe_answered(ReductionParts p, Nanos now, SeqNum ack,
                    std::span<const wire::SackBlock> blocks, bool pure_duplicate) {
  if (!p.probe.outstanding() ||
      p.probe.on_ack(ack, blocks, pure_duplicate) != LossProbe::Verdict::Loss)
    return false;
  p.recovery.on_tail_loss(now, p.snd.in_flight());
  p.ecn.on_window_reduced(p.snd.max(), false);
  return true;
}

// What an ACK's SACK blocks told: anything new (RFC 6675 §2), a D-SACK (RFC 2883).
struct SackNews {
  bool fresh = false;
  bool dsack = false;  // Linux's FLAG_DSACKING_ACK (seen under the Linux rule only)
  // FreeBSD's tcp_is_sack_recovery: SACK agreed, and blocks on this ACK or holes held.
  bool sack_recovery = false;
};
// The ACK's SACK blocks go to the scoreboard (LossRecovery::on_sack); a D-SACK among them
// is news for RACK's reordering window.
SackNews take_sacks(LossRecovery& recovery, Rack& rack, const SegmentMarks& marks,
                    const SendSpace& space, const SackList& sacks) {
  if (!sacks.ok) return {};
  std::uint32_t dsack_dups = recovery.undo().dsack_dups();
  bool held = !recovery.scoreboard().empty();
  SackNews news{recovery.on_sack(space, sacks.span()), false, sacks.n > 0 || held};
  news.dsack = recovery.undo().dsack_dups() != dsack_dups;
  if (news.dsack) rack.on_dsack(marks);  // tcp_dsack_seen
  return news;
}

// Linux's FLAG_SACK_RENEGING (tcp_clean_rtx_queue): SND.UNA moved onto a segment held as
// SACKed, which no block on this ACK (one starting at or below SND.UNA, invalid to
// tcp_is_sackblock_valid) explains.
bool reneging(const TcpConfig& c, const SackScoreboard& board, const SackList& sacks, SeqNum una) {
  if (c.rto_rule != RtoRule::Linux || board.skip_sacked(una) == una) return false;
  for (const wire::SackBlock& b : sacks.span())
    if (!(una < SeqNum(b.left))) return false;
  return true;
}

// A duplicate ACK (RFC 5681 §2): nothing acknowledged, no data, the same window, and
// data outstanding; with SACK, new SACK information makes one even if the window changed
// (RFC 6675 §2). Under the Linux rule, tcp_ack's num_dupack instead: not a window update
// (a larger window, or a zero one: FLAG_WIN_UPDATE) nor a D-SACK (FLAG_DSACKING_ACK),
// whatever the SACK blocks say; without RACK, SACK news still counts, as Linux's
// tcp_fastretrans_alert looks at every ACK that SACKs anything new.
// FreeBSD with SACK (tcp_do_segment): the window is not compared, and without SACK
// recovery under way any such ACK counts; in it, only one with new SACK information.
enum class DupRule : std::uint8_t { Rfc, Linux, LinuxRack, FreeBsdSack };
DupRule dup_rule(const TcpConfig& cfg, bool sack_ok) {
  if (cfg.congestion_rule == CongestionRule::FreeBsd && sack_ok) return DupRule::FreeBsdSack;
  if (cfg.congestion_rule != CongestionRule::Linux) return DupRule::Rfc;
  return cfg.rack && sack_ok ? DupRule::LinuxRack : DupRule::Linux;
}
bool duplicate_ack(const Segment& seg, const Sender& snd, std::uint32_t seg_wnd, SackNews news,
                   DupRule rule) {
  if (!(SeqNum(seg.header.ack) == snd.una()) || !seg.payload.empty() || seg.has(kSyn) ||
      seg.has(kFin) || !(snd.una() < snd.max()))
    return false;
  if (rule == DupRule::Rfc) return news.fresh || (seg_wnd == snd.wnd() && snd.wnd() > 0);
  if (rule == DupRule::FreeBsdSack) return !news.sack_recovery || news.fresh;
  if (news.fresh && rule == DupRule::Linux) return true;
  return !news.dsack && seg_wnd != 0 && seg_wnd <= snd.wnd();
}

// The ACK on the per-segment marks (tcp_sacktag_write_queue, tcp_clean_rtx_queue), then
// RACK's reordering window (tcp_rack_update_reo_wnd). Reordering is not looked for while
// repairing a timeout that cannot be undone (TCP_CA_Loss without undo_marker).
void mark_segments(SegmentMarks& marks, Rack& rack, const LossRecovery& recovery,
                   SegmentMarks::Ack a, bool static_window, bool ece) {
  bool repairing = !recovery.in_recovery() && !recovery.may_probe();
  a.sack_reordering = !repairing || recovery.undo().armed();
  a.repairing = repairing;
  std::uint64_t before = marks.delivered;
  marks.on_ack(a, recovery.scoreboard());
  if (ece) marks.delivered_ce += marks.delivered - before;  // tcp_count_delivered
  if (a.rack != nullptr)
    rack.update_reo_wnd(marks.prior_delivered, marks.delivered + 1, static_window);
}

// The ACK's TSecr, for undo (tcp_packet_delayed), when timestamps are in use.
std::optional<std::uint32_t> echoed_tsval(const Segment& seg, bool ts_ok) {
  auto ts = ts_ok ? seg.header.options.timestamps() : std::nullopt;
  if (!ts) return std::nullopt;
  return ts->tsecr;
}

// The last steps of an ACK for the window: an ECN echo (RFC 3168 §6.1.2) halves it as a
// loss would, without a retransmission (Linux tcp_enter_cwr, FreeBSD
// cc_cong_signal(CC_ECN)); then, under the Linux rule, undo, PRR or growth
// (tcp_fastretrans_alert's undo checks, then tcp_cong_control). An undone timeout puts
// what was sent before it back in flight: not lost, not to be resent. Returns true when
// the window may have changed. `fin_seen`: the peer's FIN came before this segment.
LossRecovery::AckDone ecn_echo_and_window(Nanos now, const Segment& seg, ReductionParts p,
                                          std::uint32_t mss, std::uint32_t seg_wnd,
                                          SegmentMarks& marks, Rack& rack, bool ts_ok,
                                          bool fin_seen) {
  bool changed = false;
  if (p.ecn.echo_calls_for_reduction(seg, p.snd.una(), p.recovery.in_recovery())) {
    p.recovery.on_ecn_echo(now, p.snd.space(), p.snd.in_flight());
    p.probe.reset();  // tcp_enter_cwr -> tcp_init_cwnd_reduction: tlp_high_seq = 0
    p.ecn.on_window_reduced(p.snd.max(), true);
    changed = true;
  }
  // F-RTO's new data: some is queued and the window (this ACK's, tcp_ack_update_window
  // comes first) goes beyond SND.MAX.
  bool may_send_new =
      p.snd.max() < p.snd.data_end() && p.snd.max() < SeqNum(seg.header.ack) + seg_wnd;
  LossRecovery::AckFacts facts{echoed_tsval(seg, ts_ok), marks.retrans_out, may_send_new,
                               p.ecn.agreed() && seg.has(kEce)};
  facts.first_fin =
      seg.has(kFin) && !fin_seen && seg.payload.empty() && !(p.snd.una() < SeqNum(seg.header.ack));
  facts.same_window = seg_wnd == p.snd.wnd();
  LossRecovery::AckDone done = p.recovery.on_ack_done(now, p.snd.space(), mss, facts);
  if (done.delayed_original) marks.on_delayed_original(mss);
  if (done.cwr_withdrawn) p.ecn.withdraw_cwr();
  if (done.unmark_lost) marks.unmark_lost();
  rack.on_recovery_end(done.reo_wnd_persist);
  if (done.resume == LossRecovery::Resume::FromMax) p.snd.rewind(Sender::From::Max);
  if (done.resume == LossRecovery::Resume::FromUna) p.snd.rewind(Sender::From::Una);
  done.window_changed = done.window_changed || changed;
  return done;
}

// The ACK's window (RFC 9293 §3.10.7.4 fifth), then what it does to a running persist
// timer. The window opening from zero stops it (RFC 9293 §3.8.6.1), and sending resumes
// from SND.UNA (a probe byte may have been discarded). Under Linux's rule every ACK that
// finds nothing in flight and data waiting looks again (tcp_ack_probe): the timer stops
// once the first waiting segment fits the window, else it restarts from this ACK.
enum class PersistAfterAck : std::uint8_t { Leave, Stop, Restart };
struct PersistFacts {
  const TcpConfig& cfg;  // its probe and window rules
  bool armed;
  bool not_advanced;  // with SND.MAX == SND.UNA: nothing was in flight (prior_packets == 0)
  std::uint32_t mss;
  // FreeBSD takes no window from an ACK it counted as a duplicate (goto drop, before step 6).
  bool dupack_kept = false;
};
// FreeBSD counts a duplicate ACK only while the retransmission timer runs (else
// t_dupacks = 0 and the ACK goes on to step 6 like any other).
bool freebsd_counts(const TcpConfig& cfg, const TimerSet& timers) {
  return cfg.congestion_rule == CongestionRule::FreeBsd && timers.armed(TimerKind::Retransmission);
}
PersistAfterAck window_update(const Segment& seg, std::uint32_t seg_wnd, PersistFacts f,
                              Sender& snd, PersistTimer& persist) {
  bool opened = !f.dupack_kept && snd.update_window(SeqNum(seg.header.seq), SeqNum(seg.header.ack),
                                                    seg_wnd, f.cfg.window_rule);
  persist.on_ack();
  if (!f.armed) return PersistAfterAck::Leave;
  bool idle = f.not_advanced && snd.max() == snd.una();
  bool waiting = snd.nxt() < snd.data_end();
  bool look = f.cfg.probe_rule == ProbeRule::Linux && idle && waiting;  // tcp_ack_probe
  if (!opened && !look) return PersistAfterAck::Leave;
  if (look && std::min(static_cast<std::uint32_t>(snd.data_end() - snd.nxt()), f.mss) > snd.wnd())
    return PersistAfterAck::Restart;
  persist.stop();
  snd.rewind();
  return PersistAfterAck::Stop;
}

}  // namespace

void Connection::process_ack_of_data(Nanos now, const Segment& seg) {
  SeqNum ack(seg.header.ack);
  std::uint32_t seg_wnd = static_cast<std::uint32_t>(seg.header.window) << neg_.snd_wscale;
  std::uint32_t mss = send_mss();
  bool advanced = snd_.una() < ack;
  // tcp_input.c tcp_ack: rcv_tstamp, not for an ACK below SND.UNA (old_ack) under Linux.
  if (!cfg_.linux_segment_checks || !(ack < snd_.una())) counters_.last_ack_received = now;
  const SegmentMarks* queue = cfg_.rto_rule == RtoRule::Linux ? &counters_.marks : nullptr;
  std::uint32_t acked = advanced ? snd_.acknowledge(ack, now) : 0;
  if (advanced) {
    recovery_.on_advance(snd_.una());
    AckedParts parts{neg_, snd_, rtt_, retries_, soft_error_, queue};
    Nanos rtt = new_data_acked(parts, *this, observer_, now, seg);
    recovery_.on_rtt_sample(now, rtt, snd_.una(), snd_.nxt());
  }
  SackList sacks = sack_list(seg, neg_.sack_ok);
  SackNews news = take_sacks(recovery_, rack_, counters_.marks, snd_.space(), sacks);  // RFC 2018
  bool reneged = advanced && reneging(cfg_, recovery_.scoreboard(), sacks, snd_.una());
  if (!advanced && news.fresh && queue != nullptr)  // Linux's sack_rtt_us
    record_rtt(rtt_, snd_, *this, observer_, now,
               queue_rtt(*queue, ack, &recovery_.scoreboard(), now));
  bool dupack = !advanced && recovery_.started() &&
                duplicate_ack(seg, snd_, seg_wnd, news, dup_rule(cfg_, neg_.sack_ok));
  if (probe_answered({loss_probe_, recovery_, ecn_, snd_}, now, ack, sacks.span(),
                     !advanced && seg.payload.empty() && !news.fresh && seg_wnd == snd_.wnd()))
    report_cwnd(now);
  if (advanced) {
    if (recovery_.on_cumulative_ack(now, snd_.space(), acked, snd_.in_flight(), mss, rtt_.srtt()))
      report_cwnd(now);
    // RFC 6298 (5.2)/(5.3): stop the timer when all is acknowledged, else restart it.
    restart_retransmission_timer(now, reneged ? Rearm::Reneged : Rearm::Acked);
  } else if (dupack) {  // RFC 5681 §2
    auto dup = recovery_.on_duplicate_ack(now, snd_.space(), snd_.in_flight(), mss,
                                          counters_.marks.reordering);
    if (dup == LossRecovery::DupAck::Entered) {
      loss_probe_.reset();  // tcp_init_cwnd_reduction: tlp_high_seq = 0
      if (timers_.armed(TimerKind::LossProbe)) restart_retransmission_timer(now, Rearm::NoProbe);
      snd_.karn().stop();
      ecn_.on_window_reduced(snd_.max(), false);  // RFC 3168 §6.1.2: CWR follows
    }
    if (dup != LossRecovery::DupAck::None) report_cwnd(now);
  }
  Rack* rack = cfg_.rack && neg_.sack_ok && !reneged ? &rack_ : nullptr;
  mark_segments(
      counters_.marks, rack_, recovery_,
      {snd_.una(), dupack, recovery_.in_recovery(), neg_.sack_ok, mss, rack, now, rtt_.min_rtt()},
      cfg_.rack_static_reo_wnd, ecn_.agreed() && seg.has(kEce));
  if (rack != nullptr) rack_detect(now, false, dupack || news.fresh);
  LossRecovery::AckDone done =
      ecn_echo_and_window(now, seg, {loss_probe_, recovery_, ecn_, snd_}, mss, seg_wnd,
                          counters_.marks, rack_, neg_.ts_ok, rcv_.fin_received());
  if (done.window_changed) report_cwnd(now);
  push_new_ = done.push;
  PersistFacts facts{cfg_, timers_.armed(TimerKind::Persist), !advanced, mss,
                     dupack && freebsd_counts(cfg_, timers_)};
  auto persist = window_update(seg, seg_wnd, facts, snd_, persist_);
  if (persist == PersistAfterAck::Stop) disarm(now, TimerKind::Persist);
  if (persist == PersistAfterAck::Restart)
    arm(now, TimerKind::Persist, now + persist_.after_ack(cfg_, persist_inputs(rtt_), now));
}

void Connection::rack_detect(Nanos now, bool timer, bool news) {
  if (!is_synchronized(state_) || snd_.max() == snd_.una()) return;
  // tcp_fastretrans_alert runs for a "dubious" ACK (tcp_ack_is_dubious): a duplicate, SACK
  // news, or any state but Open (Disorder: SACKed or lost segments out; CWR; recovery).
  bool open = recovery_.may_probe() && !ecn_.in_cwr(snd_.una()) &&
              recovery_.scoreboard().sacked_bytes() == 0 && counters_.marks.lost_out == 0;
  if (!timer && !news && open) return;
  // tcp_rack_mark_lost on an ACK; tcp_rack_reo_timeout when the timer fires.
  Rack::Window w{!recovery_.may_probe(), rtt_.min_rtt(), rtt_.srtt(), cfg_.rack_no_dupthresh};
  Nanos wait = rack_.detect_loss(now, counters_.marks, w, timer);
  std::vector<SackScoreboard::Range> relost = std::exchange(counters_.marks.relost, {});
  if (recovery_.on_loss_marked(now, snd_.space(), snd_.in_flight(), send_mss(),
                               Rack::lost_end(counters_.marks), timer, relost)) {
    // tcp_enter_recovery: one reduction (CWR follows, RFC 3168 §6.1.2); no probe
    // outstanding any more (tcp_init_cwnd_reduction), no RTT timing of what is resent.
    loss_probe_.reset();
    snd_.karn().stop();
    ecn_.on_window_reduced(snd_.max(), false);
    report_cwnd(now);
  }
  if (timer) {
    restart_retransmission_timer(now, Rearm::NoProbe);  // tcp_rearm_rto
  } else if (wait > 0) {
    // The reordering timer takes the retransmission timer's place (ICSK_TIME_REO_TIMEOUT).
    if (timers_.armed(TimerKind::Retransmission)) disarm(now, TimerKind::Retransmission);
    if (timers_.armed(TimerKind::LossProbe)) disarm(now, TimerKind::LossProbe);
    arm(now, TimerKind::Reorder, now + wait);
  } else if (timers_.armed(TimerKind::LossProbe) && recovery_.in_recovery()) {
    restart_retransmission_timer(now, Rearm::NoProbe);
  }
}

}  // namespace tcpsim::tcp
