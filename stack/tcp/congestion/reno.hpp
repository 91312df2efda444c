// Reno / NewReno window arithmetic (RFC 5681, RFC 3465 byte counting). The two differ
// in how the sender leaves recovery (RFC 6582), not in these hooks.
#pragma once

#include <algorithm>

#include "stack/tcp/congestion/congestion_control.hpp"

namespace tcpsim::tcp {

class Reno final : public CongestionControl {
 public:
  // `linux_rule`: Linux's arithmetic (CongestionRule::Linux): whole segments, slow start by
  // every segment acknowledged (tcp_cong.c tcp_slow_start, no 2·SMSS cap), one segment
  // per cwnd acknowledged after (tcp_cong_avoid_ai), ssthresh = max(cwnd / 2, 2)
  // segments (tcp_reno_ssthresh), kept over repeated timeouts of one episode
  // (tcp_enter_loss).
  // `freebsd_rule`: FreeBSD's ssthresh on a fast retransmit (CongestionRule::FreeBsd).
  Reno(std::string_view name, std::uint32_t mss, std::uint32_t initial_window,
       bool linux_rule = false, bool freebsd_rule = false)
      : name_(name), mss_(mss), cwnd_(initial_window), linux_(linux_rule), freebsd_(freebsd_rule) {}

  std::string_view name() const override { return name_; }
  void on_packet_sent(Nanos, std::uint32_t, std::uint32_t) override {}
  std::uint32_t on_ack(Nanos now, std::uint32_t acked_bytes, std::uint32_t in_flight,
                       Nanos rtt_estimate) override;
  std::uint32_t on_congestion_event(Nanos now, std::uint32_t in_flight) override;
  std::uint32_t on_rto(Nanos now, std::uint32_t in_flight) override;
  std::uint32_t cwnd() const override { return cwnd_; }
  std::uint32_t ssthresh() const override { return ssthresh_; }
  std::uint32_t on_recovery_exit(Nanos now, std::uint32_t in_flight,
                                 std::uint32_t delivered) override;
  void on_undo(std::uint32_t cwnd, std::uint32_t ssthresh) override {
    cwnd_ = cwnd;
    ssthresh_ = std::max(ssthresh_, ssthresh);
    reduction_pending_ = false;
  }
  void take_over(std::uint32_t cwnd, std::uint32_t ssthresh) override {
    cwnd_ = cwnd;
    ssthresh_ = ssthresh;
  }

 private:
  std::string_view name_;
  std::uint32_t mss_;
  std::uint32_t cwnd_;
  std::uint32_t ssthresh_ = 0x7fffffff;  // RFC 5681 §3.1: arbitrarily high at start
  std::uint32_t bytes_acked_ = 0;        // RFC 3465 §2.1 counter for congestion avoidance
  bool linux_ = false;
  bool freebsd_ = false;
  std::uint32_t cwnd_cnt_ = 0;      // Linux's snd_cwnd_cnt, segments
  bool reduction_pending_ = false;  // Linux: this loss episode already set ssthresh

  std::uint32_t linux_ack(std::uint32_t acked_bytes);
  // cwnd halved in whole segments, at least two: Linux's tcp_reno_ssthresh and FreeBSD's
  // newreno_cong_signal (loss, timeout) alike.
  std::uint32_t halved_ssthresh() const;
};

}  // namespace tcpsim::tcp
