// Round-trip time estimate and retransmission timeout (RFC 6298, or FreeBSD's rule).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "stack/base/time.hpp"
#include "stack/tcp/config.hpp"
#include "stack/tcp/jiffies.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

class RttEstimator {
 public:
  RttEstimator(Nanos initial_rto, Nanos min_rto, Nanos max_rto, RtoRule rule = RtoRule::Rfc6298,
               Nanos slop = 0)
      : rto_(initial_rto),
        base_(initial_rto),
        min_rto_(min_rto),
        max_rto_(max_rto),
        slop_(slop),
        rule_(rule) {}

  // RFC 6298 (2.2) first sample, (2.3) later samples with alpha = 1/8, beta = 1/4;
  // (2.4) RTO = SRTT + max(G, 4*RTTVAR) with G = 1 ms here; (2.4)/(2.5) clamp.
  // SND.UNA and SND.NXT as they stand mark Linux's round trips (RtoRule::Linux).
  void sample(Nanos rtt, SeqNum una = SeqNum(), SeqNum nxt = SeqNum()) {
    if (rtt < 0) return;
    if (rule_ == RtoRule::Linux) {
      sample_linux(rtt, una, nxt);
      return;
    }
    // FreeBSD tcp_input.c tcp_xmit_timer: after more than TCP_RTT_INVALIDATE (3)
    // back-offs the old estimate is not trusted: the sample starts afresh.
    bool fresh = !has_sample_ || (rule_ == RtoRule::FreeBsd && backoff_ > kRttInvalidate);
    if (fresh) {
      srtt_ = rtt;
      rttvar_ = rtt / 2;
      has_sample_ = true;
    } else {
      Nanos err = srtt_ > rtt ? srtt_ - rtt : rtt - srtt_;
      rttvar_ = (3 * rttvar_ + err) / 4;
      srtt_ = (7 * srtt_ + rtt) / 8;
    }
    latest_ = rtt;
    // Linux's tcp_min_rtt (a 300 s windowed minimum, tcp_update_rtt_min): the least sample,
    // a sample of 0 taken as one jiffy (1 ms at HZ 1000).
    Nanos floor = rtt > 0 ? rtt : kMillisecond;
    min_ = min_ == 0 ? floor : std::min(min_, floor);
    backoff_ = 0;
    if (rule_ == RtoRule::FreeBsd) {
      // TCP_REXMTVAL, then TCPT_RANGESET(t_rxtcur, TCP_REXMTVAL(tp), max(t_rttmin, rtt + 2
      // ticks), TCPTV_REXMTMAX), which adds the slop.
      base_ = std::max(min_rto_, srtt_ + 4 * rttvar_);
      rto_ = range(base_ + slop_, std::max(min_rto_, rtt + 2 * kMillisecond));
      return;
    }
    rto_ = range(srtt_ + std::max<Nanos>(kMillisecond, 4 * rttvar_), min_rto_);
  }

  // tcp_rtt_estimator and tcp_set_rto with their microsecond integers: srtt_us holds 8·SRTT,
  // mdev_us 4·mean deviation, rttvar_us the largest mdev_us of the round trip (at least
  // tcp_rto_min) decaying towards it once per round trip (rtt_seq).
  void sample_linux(Nanos rtt, SeqNum una, SeqNum nxt) {
    std::int64_t m = rtt / 1000;
    std::int64_t rto_min = min_rto_ / 1000;
    if (!has_sample_) {
      lx_.srtt = m << 3;
      lx_.mdev = m << 1;
      lx_.rttvar = std::max(lx_.mdev, rto_min);
      lx_.mdev_max = lx_.rttvar;
      lx_.rtt_seq = nxt;
      has_sample_ = true;
    } else {
      m -= lx_.srtt >> 3;
      lx_.srtt += m;
      if (m < 0) {
        m = -m - (lx_.mdev >> 2);
        if (m > 0) m >>= 3;  // a falling RTT moves the deviation by 1/32
      } else {
        m -= lx_.mdev >> 2;
      }
      lx_.mdev += m;
      if (lx_.mdev > lx_.mdev_max) {
        lx_.mdev_max = lx_.mdev;
        lx_.rttvar = std::max(lx_.rttvar, lx_.mdev_max);
      }
      if (lx_.rtt_seq < una) {
        if (lx_.mdev_max < lx_.rttvar) lx_.rttvar -= (lx_.rttvar - lx_.mdev_max) >> 2;
        lx_.rtt_seq = nxt;
        lx_.mdev_max = rto_min;
      }
    }
    lx_.srtt = std::max<std::int64_t>(1, lx_.srtt);
    srtt_ = (lx_.srtt >> 3) * 1000;
    rttvar_ = (lx_.mdev >> 2) * 1000;  // tcp_info's tcpi_rttvar
    latest_ = rtt;
    Nanos floor = rtt > 0 ? rtt : kMillisecond;
    min_ = min_ == 0 ? floor : std::min(min_, floor);
    backoff_ = 0;
    rto_ = linux_rto();
  }

  // RFC 6298 (5.5): double the timer on each expiry, up to the maximum. FreeBSD
  // (tcp_timer.c tcp_timer_rexmt): TCP_REXMTVAL times tcp_backoff[n], plus the slop.
  // `linear`: counted as a back-off, the timer kept as it is.
  void back_off(bool linear = false) {
    ++backoff_;
    if (linear) return;
    if (rule_ == RtoRule::FreeBsd) {
      static constexpr std::array<Nanos, 13> kBackoff = {1,   2,   4,   8,   16,  32, 64,
                                                         128, 256, 512, 512, 512, 512};
      Nanos factor = kBackoff[static_cast<std::size_t>(std::min(backoff_, 12))];
      rto_ = range(base_ * factor + slop_, min_rto_);
      return;
    }
    rto_ = range(rto_ * 2, min_rto_);
  }

  // The back-off starts again from the current estimate (FreeBSD syncache_add: a
  // duplicate SYN resets the SYN,ACK's retransmission count).
  void reset_backoff() {
    backoff_ = 0;
    if (!has_sample_) {
      rto_ = base_;  // the initial RTO
    } else if (rule_ == RtoRule::Linux) {
      rto_ = linux_rto();
    } else if (rule_ == RtoRule::FreeBsd) {
      rto_ = range(base_ + slop_, min_rto_);
    } else {
      rto_ = range(srtt_ + std::max<Nanos>(kMillisecond, 4 * rttvar_), min_rto_);
    }
  }

  // RFC 6298 (5.7): no sample yet, the SYN timed out: the RTO is `rto` once data starts.
  void reset_before_first_sample(Nanos rto) {
    if (!has_sample_) rto_ = range(rto, min_rto_);
  }

  bool has_sample() const { return has_sample_; }
  Nanos srtt() const { return srtt_; }
  Nanos rttvar() const { return rttvar_; }
  Nanos latest() const { return latest_; }
  Nanos min_rtt() const { return min_; }  // 0 before the first sample, else at least 1 ns
  Nanos rto() const { return rto_; }
  int backoff() const { return backoff_; }
  RtoRule rule() const { return rule_; }
  // Linux's tcp_write_queue_purge: the back-off count goes, the RTO it reached stays.
  void forget_backoff() { backoff_ = 0; }

 private:
  static constexpr int kRttInvalidate = 3;  // FreeBSD TCP_RTT_INVALIDATE: TCP_MAXRXTSHIFT / 4

  Nanos range(Nanos v, Nanos lo) const { return std::min(std::max(v, lo), max_rto_); }
  // __tcp_set_rto: usecs_to_jiffies(SRTT + RTTVAR), at most TCP_RTO_MAX (tcp_bound_rto).
  Nanos linux_rto() const {
    return std::min(round_up_to_jiffy(((lx_.srtt >> 3) + lx_.rttvar) * kMicrosecond), max_rto_);
  }

  // Linux's estimator state, in microseconds (tcp_sock srtt_us, mdev_us, mdev_max_us,
  // rttvar_us, rtt_seq).
  struct LinuxState {
    std::int64_t srtt = 0, mdev = 0, mdev_max = 0, rttvar = 0;
    SeqNum rtt_seq;
  };
  LinuxState lx_;

  Nanos srtt_ = 0;
  Nanos rttvar_ = 0;
  Nanos latest_ = 0;
  Nanos min_ = 0;
  Nanos rto_;
  Nanos base_;  // FreeBSD's TCP_REXMTVAL: the RTO before back-off and slop
  Nanos min_rto_;
  Nanos max_rto_;
  Nanos slop_;
  RtoRule rule_;
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
