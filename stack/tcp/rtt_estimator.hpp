// Round-trip time estimate and retransmission timeout (RFC 6298).
#pragma once

#include <algorithm>

#include "stack/base/time.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

class RttEstimator {
 public:
  RttEstimator(Nanos initial_rto, Nanos min_rto, Nanos max_rto)
      : rto_(initial_rto), min_rto_(min_rto), max_rto_(max_rto) {}

  // RFC 6298 (2.2) first sample, (2.3) later samples with alpha = 1/8, beta = 1/4;
  // (2.4) RTO = SRTT + max(G, 4*RTTVAR) with G = 1 ms here; (2.4)/(2.5) clamp.
  void sample(Nanos rtt) {
    if (rtt < 0) return;
    if (!has_sample_) {
      srtt_ = rtt;
      rttvar_ = rtt / 2;
      has_sample_ = true;
    } else {
      Nanos err = srtt_ > rtt ? srtt_ - rtt : rtt - srtt_;
      rttvar_ = (3 * rttvar_ + err) / 4;
      srtt_ = (7 * srtt_ + rtt) / 8;
    }
    latest_ = rtt;
    rto_ = clamp(srtt_ + std::max<Nanos>(kMillisecond, 4 * rttvar_));
    backoff_ = 0;
  }

  // RFC 6298 (5.5): double the timer on each expiry, up to the maximum.
  void back_off() {
    rto_ = clamp(rto_ * 2);
    ++backoff_;
  }

  // RFC 6298 (5.7): no sample yet, the SYN timed out: RTO at least `rto` once data starts.
  void raise_before_first_sample(Nanos rto) {
    if (!has_sample_ && rto_ < rto) rto_ = clamp(rto);
  }

  bool has_sample() const { return has_sample_; }
  Nanos srtt() const { return srtt_; }
  Nanos rttvar() const { return rttvar_; }
  Nanos latest() const { return latest_; }
  Nanos rto() const { return rto_; }
  int backoff() const { return backoff_; }

 private:
  Nanos clamp(Nanos v) const { return std::clamp(v, min_rto_, max_rto_); }

  Nanos srtt_ = 0;
  Nanos rttvar_ = 0;
  Nanos latest_ = 0;
  Nanos rto_;
  Nanos min_rto_;
  Nanos max_rto_;
  int backoff_ = 0;
  bool has_sample_ = false;
};

// Without timestamps, one segment at a time is timed, and never a retransmitted one
// (RFC 6298 §3, Karn's algorithm).
class KarnTimer {
 public:
  void start(SeqNum seq, Nanos now) {
    running_ = true;
    seq_ = seq;
    start_ = now;
  }
  void stop() { running_ = false; }
  bool running() const { return running_; }
  Nanos started() const { return start_; }
  // The RTT when `ack` covers the timed segment (timing then stops), else -1.
  Nanos sample(SeqNum ack, Nanos now) {
    if (!running_ || !(ack > seq_)) return -1;
    running_ = false;
    return now - start_;
  }

 private:
  bool running_ = false;
  SeqNum seq_;
  Nanos start_ = 0;
};

}  // namespace tcpsim::tcp
