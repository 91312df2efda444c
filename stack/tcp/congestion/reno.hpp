// Reno / NewReno window arithmetic (RFC 5681, RFC 3465 byte counting). The two differ
// in how the sender leaves recovery (RFC 6582), not in these hooks.
#pragma once

#include "stack/tcp/congestion/congestion_control.hpp"

namespace tcpsim::tcp {

class Reno final : public CongestionControl {
 public:
  Reno(std::string_view name, std::uint32_t mss, std::uint32_t initial_window)
      : name_(name), mss_(mss), cwnd_(initial_window) {}

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

 private:
  std::string_view name_;
  std::uint32_t mss_;
  std::uint32_t cwnd_;
  std::uint32_t ssthresh_ = 0x7fffffff;  // RFC 5681 §3.1: arbitrarily high at start
  std::uint32_t bytes_acked_ = 0;        // RFC 3465 §2.1 counter for congestion avoidance
};

}  // namespace tcpsim::tcp
