// The congestion-control interface (DESIGN principle 3): a small set of hooks, each told
// an event and answering with the window it wants; loss detection and recovery (and
// NewReno's inflation during recovery) belong to LossRecovery, which never sets the
// window itself.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "stack/base/time.hpp"
#include "stack/tcp/config.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

class CongestionControl {
 public:
  virtual ~CongestionControl() = default;

  virtual std::string_view name() const = 0;
  // A segment of `bytes` left; `in_flight` counts it already.
  virtual void on_packet_sent(Nanos now, std::uint32_t bytes, std::uint32_t in_flight) = 0;
  // on_ack, on_congestion_event, on_rto and on_recovery_exit return the new cwnd.
  // New data acknowledged outside recovery (RFC 5681 §3.1 with RFC 3465 byte counting).
  virtual std::uint32_t on_ack(Nanos now, std::uint32_t acked_bytes, std::uint32_t in_flight,
                               Nanos rtt_estimate) = 0;
  // Loss detected by duplicate ACKs or SACK: enter recovery (RFC 5681 §3.2 (4)).
  virtual std::uint32_t on_congestion_event(Nanos now, std::uint32_t in_flight) = 0;
  // The retransmission timer expired (RFC 5681 §3.1 (4), RFC 6298 (5.x)).
  virtual std::uint32_t on_rto(Nanos now, std::uint32_t in_flight) = 0;

  // An ACK of new data, before on_ack: its RTT sample (0: none) and SND.UNA and SND.NXT,
  // for algorithms that watch the delay (CUBIC's HyStart; Linux's pkts_acked hook).
  virtual void on_rtt_sample(Nanos /*now*/, Nanos /*rtt*/, SeqNum /*una*/, SeqNum /*nxt*/) {}

  virtual std::uint32_t cwnd() const = 0;
  virtual std::uint32_t ssthresh() const = 0;
  virtual bool in_slow_start() const { return cwnd() < ssthresh(); }

  // Recovery ended with a full acknowledgment (RFC 6582 §3.2 (3), RFC 6675 §5): the
  // window to continue with, min(ssthresh, max(FlightSize, SMSS) + SMSS), which avoids a
  // burst when little is in flight. `delivered`: bytes this ACK acknowledged that no SACK
  // had reported, when the window was in use (else 0); Linux's CUBIC grows by them.
  virtual std::uint32_t on_recovery_exit(Nanos now, std::uint32_t in_flight,
                                         std::uint32_t delivered) = 0;
  // Linux's tcp_undo_cwnd_reduction: the last reduction proved spurious; the window
  // becomes `cwnd` and ssthresh at least `ssthresh` (bytes; 0x7fffffff: no threshold), and
  // the episode is over (a timeout now starts a new one).
  virtual void on_undo(std::uint32_t cwnd, std::uint32_t ssthresh) = 0;
  // TCP_CONGESTION on a running connection (tcp_reinit_congestion_control): this new
  // controller goes on from the window and threshold the old one left (bytes; 0x7fffffff:
  // no threshold), its own state fresh.
  virtual void take_over(std::uint32_t cwnd, std::uint32_t ssthresh) = 0;
};

// RFC 6582 §3.2 (3) option 1: min(ssthresh, max(FlightSize, SMSS) + SMSS).
std::uint32_t recovery_exit_window(std::uint32_t ssthresh, std::uint32_t in_flight,
                                   std::uint32_t mss);

// hystart: CUBIC ends slow start by HyStart (TcpConfig::hystart); congestion_rule: whose
// arithmetic CUBIC follows (TcpConfig::congestion_rule).
std::unique_ptr<CongestionControl> make_congestion_control(
    CongestionAlgorithm algo, std::uint32_t mss, std::uint32_t initial_window, bool hystart = false,
    CongestionRule congestion_rule = CongestionRule::Rfc);

}  // namespace tcpsim::tcp
