#include "stack/tcp/segment_marks.hpp"

#include <algorithm>
#include <optional>

#include "stack/tcp/rack.hpp"

namespace tcpsim::tcp {

void SegmentMarks::on_sent(Nanos now, SeqNum seq, SeqNum end, bool again, bool counted) {
  SeqNum top = queue.empty() ? seq : seq_max(seq, queue.back().end);
  if (again) {
    // tcp_retransmit_skb: TCPCB_SACKED_RETRANS on each segment sent again; a loss probe
    // (tcp_send_loss_probe -> __tcp_retransmit_skb) sets only TCPCB_EVER_RETRANS.
    for (Entry& e : queue) {
      if (!(e.start < end)) break;
      if (!(seq < e.end)) continue;
      e.sent_at = now;
      e.order = ++sends;
      e.ever_resent = true;
      e.delivered_then = delivered + 1;  // tcp_rate_skb_sent (the handshake counts)
      if (counted && !e.sacked && !e.retransmitted) {
        e.retransmitted = true;
        ++retrans_out;
      }
    }
  }
  if (top < end)
    queue.push_back(Entry{top, end, now, false, false, false, false, delivered + 1, ++sends});
}

void SegmentMarks::forget(const Entry& e) {
  if (e.retransmitted) --retrans_out;
  if (e.lost) --lost_out;
}

void SegmentMarks::note_delivered(const Entry& e) {
  // tcp_rate_skb_delivered: the sample's prior_delivered comes from the segment sent last
  // (tcp_skb_sent_after).
  if (prior_delivered != 0 && e.order < prior_order_) return;
  prior_delivered = e.delivered_then;
  prior_order_ = e.order;
}

void SegmentMarks::mark_lost(Entry& e) {
  // tcp_mark_skb_lost on a segment not marked lost yet: lost, no longer counted as
  // retransmitted.
  if (e.sacked || e.lost) return;
  e.lost = true;
  ++lost_out;
  if (e.retransmitted) --retrans_out;
  e.retransmitted = false;
}

void SegmentMarks::mark_lost_again(Entry& e) {
  if (e.sacked) return;
  if (!e.lost) {
    mark_lost(e);
    return;
  }
  // tcp_mark_skb_lost: "retransmits that are lost again".
  if (!e.retransmitted) return;
  e.retransmitted = false;
  --retrans_out;
  relost.push_back({e.start, e.end});
}

void SegmentMarks::check_reordering(SeqNum low, SeqNum fack, std::uint32_t mss) {
  // tcp_check_sack_reordering: the distance to the highest SACKed segment, in segments
  // rounded up, raises the reordering degree when it exceeds it.
  if (!(low < fack)) return;
  auto metric = static_cast<std::uint32_t>(fack - low);
  if (mss > 0 && metric > reordering * mss)
    reordering = std::min((metric + mss - 1) / mss, max_reordering);
  ++reord_seen;
}

void SegmentMarks::count_reno(std::uint32_t acked, bool duplicate) {
  std::uint32_t before = reno_sacked;
  auto packets = static_cast<std::uint32_t>(queue.size());
  // tcp_check_reno_reordering: more duplicate ACKs than segments out, leaving room for the
  // holes (tcp_limit_reno_sacked), can only be reordering.
  auto limit = [&](std::uint32_t addend) {
    std::uint32_t holes = std::min(std::max(lost_out, 1u), packets);
    if (reno_sacked + holes <= packets) return;
    reno_sacked = packets - holes;
    reordering = std::min(packets + addend, max_reordering);
    ++reord_seen;
  };
  if (acked > 0) {
    // tcp_remove_reno_sacks: one ACK filled a hole, the rest were counted as duplicates.
    delivered += std::max(acked - std::min(acked, reno_sacked), 1u);
    reno_sacked = acked - 1 >= reno_sacked ? 0 : reno_sacked - (acked - 1);
    limit(acked);
  }
  if (duplicate) {
    ++reno_sacked;  // tcp_add_reno_sack
    limit(0);
  }
  if (duplicate && reno_sacked > before) delivered += reno_sacked - before;
}

SeqNum SegmentMarks::mark_sacked(const SackScoreboard& board, const Ack& a, SeqNum prior_fack,
                                 SeqNum none) {
  // tcp_sacktag_one: a segment wholly SACKed is delivered (and moves RACK on).
  // The queue and the ranges are both in sequence order: one walk through each.
  const std::vector<SackScoreboard::Range>& ranges = board.ranges();
  if (ranges.empty()) return none;
  SeqNum high = board.highest_sacked();
  auto range = ranges.begin();
  SeqNum reord = none;
  for (Entry& e : queue) {
    if (!(e.start < high)) break;
    if (e.sacked) continue;
    SeqNum from = seq_max(e.start, a.una);
    if (from < e.end) {
      // Above SND.UNA: SACKed whole when one range holds [from, e.end) (ranges never
      // touch each other). A segment wholly below SND.UNA (this ACK's cleanup has not run
      // yet) counts as delivered here.
      while (range != ranges.end() && range->end <= from) ++range;
      if (range == ranges.end() || from < range->start || range->end < e.end) continue;
    }
    if (a.rack != nullptr) a.rack->on_delivered(a.now, e, a.min_rtt);
    // Never resent, and below a segment SACKed before: it came out of order.
    if (!e.ever_resent && e.start < prior_fack && e.start < reord) reord = e.start;
    note_delivered(e);
    forget(e);
    e.sacked = true;
    e.retransmitted = e.lost = false;
    if (sacked_out == 0 || fack_ < e.end) fack_ = e.end;
    ++sacked_out;
    ++delivered;
  }
  return reord;
}

void SegmentMarks::on_ack(const Ack& a, const SackScoreboard& board) {
  prior_delivered = 0;
  // tcp_ack's prior_fack (tcp_highest_sack_seq: where the segment after the highest
  // SACKed one starts, i.e. that one's end), else SND.UNA before the ACK; SND.NXT stands
  // for "no reordering".
  SeqNum prior_una = queue.empty() ? a.una : queue.front().start;
  prior_una_ = prior_una;
  una_ = a.una;
  SeqNum prior_fack = sacked_out > 0 ? fack_ : prior_una;
  SeqNum none = queue.empty() ? a.una : queue.back().end;
  if (a.sack) {
    SeqNum low = mark_sacked(board, a, prior_fack, none);
    if (a.sack_reordering && low != none) check_reordering(low, fack_, a.mss);
  }
  // tcp_clean_rtx_queue: each segment wholly acknowledged is delivered, unless SACKed before.
  std::uint32_t acked = 0;
  SeqNum reord = none;
  while (!queue.empty() && queue.front().end <= a.una) {
    const Entry& e = queue.front();
    if (!e.sacked) {
      if (a.sack) ++delivered;
      if (a.rack != nullptr) a.rack->on_delivered(a.now, e, a.min_rtt);
      if (!e.ever_resent && e.start < reord) reord = e.start;
      note_delivered(e);
    } else {
      --sacked_out;
    }
    ++acked;
    forget(e);
    queue.pop_front();
  }
  if (!queue.empty() && queue.front().start < a.una) queue.front().start = a.una;
  // A hole never resent filled below the highest SACKed segment: reordering.
  if (a.sack && reord != none && reord < prior_fack)
    check_reordering(reord, sacked_out > 0 ? fack_ : a.una, a.mss);
  if (a.rack != nullptr) return;  // RACK marks the losses
  if (!a.sack) count_reno(acked, a.duplicate && !a.repairing);
  if (!a.in_recovery || queue.empty()) return;
  // tcp_newreno_mark_lost: the head; RFC 6675 IsLost with SACK.
  mark_lost(queue.front());
  if (!a.sack) return;
  std::optional<SeqNum> limit = board.lost_limit(a.mss);  // is_lost(s): s <= limit
  if (!limit) return;
  for (Entry& e : queue) {
    if (*limit < e.start) break;
    mark_lost(e);
  }
}

void TcpInfoCounters::count_rto(Nanos now, bool first) {
  if (first) {
    ++total_rto_recoveries;
    rto_stamp = now;
  }
  ++total_rto;
}

void TcpInfoCounters::end_rto_episode(Nanos now) {
  if (rto_stamp == kNever) return;
  // tcp_time_stamp: whole milliseconds.
  total_rto_time_ms += static_cast<std::uint64_t>(now / kMillisecond - rto_stamp / kMillisecond);
  rto_stamp = kNever;
}

void TcpInfoCounters::handshake_done(Nanos now, bool passive, int timeouts, Nanos first_sent,
                                     bool sack) {
  if (!passive || timeouts == 0) {
    if (sack) end_rto_episode(now);
    return;
  }
  total_rto = static_cast<std::uint32_t>(timeouts);
  total_rto_recoveries = 1;
  total_rto_time_ms = static_cast<std::uint64_t>(now / kMillisecond - first_sent / kMillisecond);
  rto_stamp = kNever;
}

void SegmentMarks::on_delayed_original(std::uint32_t mss) {
  check_reordering(prior_una_, sacked_out > 0 ? fack_ : una_, mss);
}

void SegmentMarks::unmark_lost() {
  for (Entry& e : queue) e.lost = false;
  lost_out = 0;
}

void SegmentMarks::on_timeout(std::uint32_t base_reordering) {
  // tcp_timeout_mark_lost: every segment not SACKed, a resend outstanding included. A
  // SACKed segment at SND.UNA means the receiver reneged: every SACK mark goes first.
  if (!queue.empty() && queue.front().sacked) {
    for (Entry& e : queue) e.sacked = false;
    sacked_out = 0;
  }
  // tcp_enter_loss then looks at sacked_out, which a reneging receiver, or no SACK at all
  // (tcp_reset_reno_sack), has left at 0.
  if (base_reordering > 0 && sacked_out >= base_reordering)
    reordering = std::min(reordering, base_reordering);
  for (Entry& e : queue) mark_lost_again(e);
  relost.clear();   // the repair after a timeout resends from SND.UNA
  reno_sacked = 0;  // tcp_reset_reno_sack
}

}  // namespace tcpsim::tcp
