// The congestion-control interface (DESIGN principle 3): a small set of hooks that
// return or expose values; the sender owns loss detection and recovery state.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "stack/base/time.hpp"
#include "stack/tcp/config.hpp"

namespace tcpsim::tcp {

class CongestionControl {
 public:
  virtual ~CongestionControl() = default;

  virtual std::string_view name() const = 0;
  // A segment of `bytes` left; `in_flight` counts it already.
  virtual void on_packet_sent(Nanos now, std::uint32_t bytes, std::uint32_t in_flight) = 0;
  // New data acknowledged outside recovery (RFC 5681 §3.1 with RFC 3465 byte counting).
  virtual void on_ack(Nanos now, std::uint32_t acked_bytes, std::uint32_t in_flight,
                      Nanos rtt_estimate) = 0;
  // Loss detected by duplicate ACKs or SACK: enter recovery (RFC 5681 §3.2 (4)).
  virtual void on_congestion_event(Nanos now, std::uint32_t in_flight) = 0;
  // The retransmission timer expired (RFC 5681 §3.1 (4), RFC 6298 (5.x)).
  virtual void on_rto(Nanos now, std::uint32_t in_flight) = 0;

  virtual std::uint32_t cwnd() const = 0;
  virtual std::uint32_t ssthresh() const = 0;
  virtual bool in_slow_start() const { return cwnd() < ssthresh(); }

  // Used by the sender during fast recovery (RFC 6582 §3.2): inflate/deflate.
  virtual void set_cwnd(std::uint32_t cwnd) = 0;
};

std::unique_ptr<CongestionControl> make_congestion_control(CongestionAlgorithm algo,
                                                           std::uint32_t mss,
                                                           std::uint32_t initial_window);

}  // namespace tcpsim::tcp
