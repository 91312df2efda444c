// HyStart, as Linux's CUBIC runs it (net/ipv4/tcp_cubic.c: bictcp_hystart_reset,
// hystart_update, cubictcp_acked): slow start ends early, with ssthresh set to cwnd, when
// the ACKs of one round arrive as a train lasting half the minimum RTT (ACK-train
// detection) or when the round's smallest RTT exceeds the minimum by an eighth of it,
// kept within 4..16 ms (delay detection). Only from a window of 16 segments
// (hystart_low_window).
#pragma once

#include <cstdint>

#include "stack/base/time.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

class HyStart {
 public:
  static constexpr std::uint32_t kLowWindow = 16;        // hystart_low_window
  static constexpr Nanos kAckDelta = 2 * kMillisecond;   // hystart_ack_delta_us
  static constexpr int kMinSamples = 8;                  // HYSTART_MIN_SAMPLES
  static constexpr Nanos kDelayMin = 4 * kMillisecond;   // HYSTART_DELAY_MIN
  static constexpr Nanos kDelayMax = 16 * kMillisecond;  // HYSTART_DELAY_MAX
  static constexpr Nanos kMaxAckDelay = kMillisecond;    // hystart_ack_delay's cap

  // A new round starts now; it ends when SND.UNA passes `nxt` (bictcp_hystart_reset).
  // The first sample starts one.
  void start_round(Nanos now, SeqNum nxt);
  // An ACK brought an RTT sample while in slow start with `cwnd_segments`; `ack_delay`
  // is the allowance for ACKs a sender's pacing spaced out (hystart_ack_delay). True when
  // slow start should end now (ssthresh = cwnd).
  bool on_sample(Nanos now, Nanos rtt, SeqNum una, SeqNum nxt, std::uint32_t cwnd_segments,
                 Nanos ack_delay);
  // A retransmission timeout forgets everything (bictcp_reset on TCP_CA_Loss).
  void reset() { *this = HyStart{}; }

  bool found() const { return found_; }
  Nanos delay_min() const { return delay_min_; }

 private:
  bool started_ = false;
  bool found_ = false;
  Nanos delay_min_ = 0;  // the smallest RTT seen (0: none yet)
  Nanos round_start_ = 0;
  Nanos last_ack_ = 0;
  SeqNum end_seq_;
  Nanos curr_rtt_ = 0;  // the smallest RTT of this round (0: none yet)
  int sample_cnt_ = 0;
};

// tcp_cubic.c hystart_ack_delay: the allowance for ACKs that pacing spaced out, the time
// four 64 KB bursts take at the pacing rate (twice cwnd per smoothed RTT in slow start),
// at most 1 ms; 1 ms before an RTT is known.
Nanos hystart_ack_delay(Nanos srtt, std::uint32_t cwnd_bytes);

}  // namespace tcpsim::tcp
