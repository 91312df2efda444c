#include "stack/tcp/rack.hpp"

#include <algorithm>

#include "stack/tcp/jiffies.hpp"

namespace tcpsim::tcp {

namespace {

// tcp_skb_sent_after: later, or at the same time and further in sequence.
bool sent_after(Nanos t1, Nanos t2, SeqNum seq1, SeqNum seq2) {
  return t1 > t2 || (t1 == t2 && seq2 < seq1);
}

}  // namespace

void Rack::on_delivered(Nanos now, Nanos sent_at, SeqNum end, bool resent, Nanos min_rtt) {
  Nanos rtt = now - sent_at;
  // The original or a resend? Ambiguous below the minimum RTT (or before any sample).
  if (resent && (min_rtt == 0 || rtt < min_rtt)) return;
  advanced_ = true;
  rtt_ = rtt;
  if (mstamp_ < 0 || sent_after(sent_at, mstamp_, end, end_seq_)) {
    mstamp_ = sent_at;
    end_seq_ = end;
  }
}

Nanos Rack::reorder_window(bool in_recovery, std::uint32_t sacked_out, Nanos min_rtt, Nanos srtt) {
  if (in_recovery || sacked_out >= 3) return 0;
  // min_rtt / 4 in microseconds, as tcp_min_rtt(tp) >> 2.
  Nanos quarter = (min_rtt / kMicrosecond >> 2) * kMicrosecond;
  return std::min(quarter, srtt);
}

Nanos Rack::detect_loss(Nanos now, SegmentMarks& marks, const Window& w, bool force) {
  if ((!advanced_ && !force) || mstamp_ < 0) return 0;
  if (!force) advanced_ = false;  // tcp_rack_reo_timeout leaves it as it is
  auto sacked_out = static_cast<std::uint32_t>(std::count_if(
      marks.queue.begin(), marks.queue.end(), [](const auto& e) { return e.sacked; }));
  Nanos reo_wnd = reorder_window(w.in_recovery, sacked_out, w.min_rtt, w.srtt);
  Nanos wait = 0;
  for (SegmentMarks::Entry& e : marks.queue) {
    // Skip what is SACKed, or marked lost and not yet resent.
    if (e.sacked || (e.lost && !e.retransmitted)) continue;
    if (!sent_after(mstamp_, e.sent_at, end_seq_, e.end)) continue;
    Nanos remaining = rtt_ + reo_wnd - (now - e.sent_at);
    if (remaining <= 0) {
      marks.mark_lost(e);
    } else {
      wait = std::max(wait, remaining);
    }
  }
  if (wait == 0) return 0;
  // usecs_to_jiffies plus TCP_TIMEOUT_MIN (two jiffies).
  return round_up_to_jiffy(wait) + 2 * kJiffy;
}

std::optional<SeqNum> Rack::lost_end(const SegmentMarks& marks) {
  std::optional<SeqNum> end;
  for (const SegmentMarks::Entry& e : marks.queue) {
    if (e.lost && !e.retransmitted) end = e.end;
  }
  return end;
}

}  // namespace tcpsim::tcp
