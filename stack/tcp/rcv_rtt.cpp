#include "stack/tcp/rcv_rtt.hpp"

#include <algorithm>
#include <climits>

namespace tcpsim::tcp {

void RcvRtt::update(std::uint32_t sample_us, bool win_dep, bool unread) {
  std::uint64_t m = std::uint64_t{sample_us} << 3;
  if (est_ == 0 || m < est_) {
    est_ = static_cast<std::uint32_t>(m);  // "always seek minimum rtt"
    return;
  }
  if (win_dep || unread) return;
  est_ = est_ - (est_ >> 3) + sample_us;
}

void RcvRtt::on_segment(const TsSegment& s) {
  if (s.tsecr == last_tsecr_) return;  // each echo is used once
  last_tsecr_ = s.tsecr;
  if (s.len < s.rcv_mss) return;
  std::uint32_t delta = s.ts_now - s.tsecr;  // tcp_rtt_tsopt_us, 1 ms ticks
  if (delta == 0 || delta >= INT_MAX / 1000) return;
  update(delta * 1000, false, s.unread);
}

void RcvRtt::on_data(SeqNum rcv_nxt, std::uint32_t rcv_wnd, Nanos now) {
  if (time_ >= 0) {
    if (rcv_nxt < seq_) return;
    Nanos delta = (now - time_) / kMicrosecond;
    update(static_cast<std::uint32_t>(std::max<Nanos>(delta, 1)), true, false);
  }
  seq_ = rcv_nxt + rcv_wnd;
  time_ = now;
}

}  // namespace tcpsim::tcp
