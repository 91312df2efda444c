#include "stack/tcp/rack.hpp"

#include <algorithm>

#include "stack/tcp/jiffies.hpp"

namespace tcpsim::tcp {

namespace {

constexpr std::uint32_t kRecoveryThresh = 16;  // TCP_RACK_RECOVERY_THRESH

// tcp_skb_sent_after: later, or at the same time and further in sequence. Linux's clock
// tells apart segments sent while handling different events at one simulated instant;
// tcpsim's transmission order does (SegmentMarks::Entry::order).
bool sent_after(std::uint64_t order1, std::uint64_t order2) {
  return order1 > order2;
}

}  // namespace

void Rack::on_delivered(Nanos now, const SegmentMarks::Entry& e, Nanos min_rtt) {
  Nanos rtt = now - e.sent_at;
  // The original or a resend? Ambiguous below the minimum RTT (or before any sample).
  if (e.ever_resent && (min_rtt == 0 || rtt < min_rtt)) return;
  advanced_ = true;
  rtt_ = rtt;
  if (sent_after(e.order, order_)) order_ = e.order;
}

Nanos Rack::reorder_window(const Window& w, const SegmentMarks& marks) const {
  if (marks.reord_seen == 0 &&
      (w.in_recovery || (marks.sacked_out >= marks.reordering && !w.no_dupthresh)))
    return 0;
  // min_rtt / 4 in microseconds, as tcp_min_rtt(tp) >> 2, times the steps.
  Nanos quarter = (w.min_rtt / kMicrosecond >> 2) * kMicrosecond;
  return std::min(quarter * static_cast<Nanos>(steps_), w.srtt);
}

void Rack::update_reo_wnd(std::uint64_t prior_delivered, std::uint64_t delivered,
                          bool static_window) {
  if (static_window || prior_delivered == 0) return;
  // A D-SACK within a round trip of the last growth is the same episode's.
  if (prior_delivered < last_delivered_) dsack_seen_ = false;
  if (dsack_seen_) {
    steps_ = std::min<std::uint32_t>(steps_ + 1, 0xff);
    dsack_seen_ = false;
    last_delivered_ = delivered;
    persist_ = kRecoveryThresh;
  } else if (persist_ == 0) {
    steps_ = 1;
  }
}

void Rack::on_recovery_end(int persist) {
  if (persist > 0) persist_ = std::min(persist_ + 1, kRecoveryThresh);
  if (persist < 0 && persist_ > 0) --persist_;
}

Nanos Rack::detect_loss(Nanos now, SegmentMarks& marks, const Window& w, bool force) {
  if ((!advanced_ && !force) || order_ == 0) return 0;
  if (!force) advanced_ = false;  // tcp_rack_reo_timeout leaves it as it is
  Nanos reo_wnd = reorder_window(w, marks);
  Nanos wait = 0;
  for (SegmentMarks::Entry& e : marks.queue) {
    // Skip what is SACKed, or marked lost and not yet resent; a resend can be lost again.
    if (e.sacked || (e.lost && !e.retransmitted)) continue;
    if (!sent_after(order_, e.order)) continue;
    Nanos remaining = rtt_ + reo_wnd - (now - e.sent_at);
    if (remaining <= 0) {
      marks.mark_lost_again(e);
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
