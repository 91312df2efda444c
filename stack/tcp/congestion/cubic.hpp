// CUBIC congestion control (RFC 9438). The curve maths lives in `cubic_math` as pure
// functions over windows counted in segments; the class keeps cwnd in bytes, as the
// interface does, and converts with the MSS.
#pragma once

#include <algorithm>

#include "stack/tcp/congestion/congestion_control.hpp"
#include "stack/tcp/congestion/hystart.hpp"

namespace tcpsim::tcp {

namespace cubic_math {

// RFC 9438 §4.1.1 constants: C in segments per second cubed, beta_cubic the factor a
// congestion event leaves of the window.
constexpr double kC = 0.4;
constexpr double kBeta = 0.7;

// RFC 9438 §4.2: seconds the curve takes to climb from `w_epoch` back to
// `w_max`. Zero when the epoch already starts at or above w_max.
double k_from_epoch(double w_max, double w_epoch, double c);
// The same for the usual epoch right after a reduction, where w_epoch = w_max * beta:
// K = cbrt(w_max * (1 - beta) / c).
double k(double w_max, double beta, double c);
// RFC 9438 §4.2: W_cubic(t) = c * (t - k)^3 + w_max, in segments.
double w_cubic(double t_seconds, double k, double w_max, double c);
// RFC 9438 §4.3: alpha_cubic = 3 * (1 - beta) / (1 + beta), chosen so that the
// average Reno-friendly window matches Reno's with beta = 0.5.
double alpha(double beta);
// RFC 9438 §4.3: the Reno-friendly estimate after `segments_acked` more
// segments are acknowledged at window `cwnd`: w_est + alpha * segments_acked / cwnd.
double w_est(double w_est, double alpha, double segments_acked, double cwnd);
// RFC 9438 §4.4-4.5: the window to aim for one RTT ahead, W_cubic(t + RTT), kept within
// [cwnd, 1.5 * cwnd] so that growth is never negative and never faster than slow start.
double target(double w_cubic_next, double cwnd);
// RFC 9438 §4.7: the new W_max after a congestion event at `cwnd`. A loss before the
// previous W_max was regained means a new flow is competing: release more bandwidth by
// aiming lower, at cwnd * (1 + beta) / 2.
double w_max_after_loss(double cwnd, double previous_w_max, double beta);

}  // namespace cubic_math

class Cubic final : public CongestionControl {
 public:
  Cubic(std::uint32_t mss, std::uint32_t initial_window, bool hystart = false)
      : mss_(mss), cwnd_(initial_window), use_hystart_(hystart) {}

  std::string_view name() const override { return "cubic"; }
  void on_packet_sent(Nanos, std::uint32_t, std::uint32_t) override {}
  std::uint32_t on_ack(Nanos now, std::uint32_t acked_bytes, std::uint32_t in_flight,
                       Nanos rtt_estimate) override;
  std::uint32_t on_congestion_event(Nanos now, std::uint32_t in_flight) override;
  std::uint32_t on_rto(Nanos now, std::uint32_t in_flight) override;
  std::uint32_t cwnd() const override { return cwnd_; }
  std::uint32_t ssthresh() const override { return ssthresh_; }
  std::uint32_t on_recovery_exit(Nanos now, std::uint32_t in_flight,
                                 std::uint32_t delivered) override;
  void take_over(std::uint32_t cwnd, std::uint32_t ssthresh) override {
    cwnd_ = cwnd;
    ssthresh_ = ssthresh;
  }
  void on_undo(std::uint32_t cwnd, std::uint32_t ssthresh) override {
    cwnd_ = cwnd;
    ssthresh_ = std::max(ssthresh_, ssthresh);
    reduction_pending_ = false;
  }
  void on_rtt_sample(Nanos now, Nanos rtt, SeqNum una, SeqNum nxt) override;
  const HyStart& hystart() const { return hystart_; }

  // Curve state, in segments and seconds, for traces and tests.
  double w_max_segments() const { return w_max_; }
  double k_seconds() const { return k_; }
  double w_est_segments() const { return w_est_; }
  bool epoch_started() const { return epoch_started_; }

 private:
  void start_epoch(Nanos now);
  void congestion_avoidance(Nanos now, std::uint32_t acked_bytes, Nanos rtt_estimate);
  void grow_by(double bytes);
  double segments(std::uint32_t bytes) const { return static_cast<double>(bytes) / mss_; }
  std::uint32_t reduced_ssthresh() const;

  std::uint32_t mss_;
  std::uint32_t cwnd_;
  std::uint32_t ssthresh_ = 0x7fffffff;  // RFC 5681 §3.1: arbitrarily high at start
  double carry_ = 0;                     // fraction of a byte of growth not yet applied

  // RFC 9438 §4.1.2 state, in segments and seconds.
  double w_max_ = 0;       // window just before the last reduction (after §4.7)
  double cwnd_prior_ = 0;  // cwnd when ssthresh was last set (§4.3 alpha switch)
  double k_ = 0;
  double w_est_ = 0;
  double alpha_ = 0;
  bool epoch_started_ = false;
  Nanos epoch_start_ = 0;
  bool after_rto_ = false;  // the next epoch follows a timeout (§4.8)
  // A reduction was applied and no new data has been acknowledged outside recovery
  // since: a timeout now is part of the same loss episode (RFC 5681 §3.1).
  bool reduction_pending_ = false;

  bool use_hystart_;
  HyStart hystart_;
  Nanos srtt_ = 0;  // the last smoothed RTT on_ack was given, for HyStart's pacing allowance
};

}  // namespace tcpsim::tcp
