#include "stack/tcp/congestion/hystart.hpp"

#include <algorithm>

namespace tcpsim::tcp {

void HyStart::start_round(Nanos now, SeqNum nxt) {
  started_ = true;
  round_start_ = last_ack_ = now;
  end_seq_ = nxt;
  curr_rtt_ = 0;
  sample_cnt_ = 0;
}

bool HyStart::on_sample(Nanos now, Nanos rtt, SeqNum una, SeqNum nxt, std::uint32_t cwnd_segments,
                        Nanos ack_delay) {
  rtt = std::max<Nanos>(rtt, kMicrosecond);
  if (delay_min_ == 0 || rtt < delay_min_) delay_min_ = rtt;
  if (found_ || cwnd_segments < kLowWindow) return false;
  if (!started_ || una > end_seq_) start_round(now, nxt);
  // ACK train: ACKs closely spaced (2 ms) that keep coming for longer than half of
  // (the minimum RTT plus the pacing allowance).
  if (now - last_ack_ <= kAckDelta) {
    last_ack_ = now;
    if (now - round_start_ > (delay_min_ + std::min(ack_delay, kMaxAckDelay)) / 2) found_ = true;
  }
  // Delay: after 8 samples, the round's smallest RTT is above the minimum by more than
  // min_rtt / 8, within 4..16 ms.
  if (curr_rtt_ == 0 || rtt < curr_rtt_) curr_rtt_ = rtt;
  if (sample_cnt_ < kMinSamples) {
    ++sample_cnt_;
  } else if (curr_rtt_ > delay_min_ + std::clamp(delay_min_ / 8, kDelayMin, kDelayMax)) {
    found_ = true;
  }
  return found_;
}

Nanos hystart_ack_delay(Nanos srtt, std::uint32_t cwnd_bytes) {
  Nanos allowance = HyStart::kMaxAckDelay;
  if (srtt > 0 && cwnd_bytes > 0) {
    // sk_gso_max_size * 4 at the pacing rate, in bytes per second.
    double rate = 2.0 * static_cast<double>(cwnd_bytes) /
                  (static_cast<double>(srtt) / static_cast<double>(kSecond));
    allowance = std::min<Nanos>(allowance, static_cast<Nanos>(4.0 * 65536.0 / rate * kSecond));
  }
  return allowance;
}

}  // namespace tcpsim::tcp
