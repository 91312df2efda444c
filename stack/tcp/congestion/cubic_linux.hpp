// CUBIC as Linux computes it (TcpConfig::congestion_rule = CongestionRule::Linux): net/ipv4/
// tcp_cubic.c with tcp_cong.c's slow start and additive increase. Windows are whole
// segments, the curve's clock is jiffies, its time unit 1/1024 s, and every step is the
// kernel's integer arithmetic, so the windows are the kernel's to the segment. The pure
// steps live in `linux_cubic`; the class keeps cwnd and ssthresh in segments and answers
// the interface in bytes.
//
// Deviation from RFC 9438 (the Rfc rule, cubic.hpp), as Linux: beta is 717/1024, C is
// 41/1024 scaled for a 100 ms RTT in K, the curve is read one minimum RTT ahead (not one
// smoothed RTT), the window moves by whole segments every `cnt` segments acknowledged,
// and slow start counts segments, not bytes capped at 2*SMSS per ACK.
#pragma once

#include <algorithm>
#include <cstdint>

#include "stack/tcp/congestion/congestion_control.hpp"
#include "stack/tcp/congestion/hystart.hpp"
#include "stack/tcp/jiffies.hpp"

namespace tcpsim::tcp {

namespace linux_cubic {

constexpr std::uint32_t kBetaScale = 1024;  // BICTCP_BETA_SCALE
constexpr std::uint32_t kBeta = 717;        // the module parameter beta, of kBetaScale
constexpr std::uint32_t kBicScale = 41;     // bic_scale: C = 41/1024 ~ 0.04
constexpr std::uint32_t kTimeShift = 10;    // BICTCP_HZ: the curve's time is in 1/1024 s
// Timer ticks per second (stack/tcp/jiffies.hpp).
constexpr std::uint32_t kHz = kLinuxHz;
// Precomputed in cubictcp_register: cube_rtt_scale = bic_scale * 10 (C over a 100 ms
// RTT), beta_scale = 8 * (1024 + beta) / 3 / (1024 - beta) (the Reno-friendly step), and
// cube_factor = 2^40 / (bic_scale * 10) (the scale of K).
constexpr std::uint32_t kCubeRttScale = kBicScale * 10;                                    // 410
constexpr std::uint32_t kRenoScale = 8 * (kBetaScale + kBeta) / 3 / (kBetaScale - kBeta);  // 15
constexpr std::uint64_t kCubeFactor = (std::uint64_t{1} << (10 + 3 * kTimeShift)) / kCubeRttScale;
constexpr std::uint32_t kInfiniteSsthresh = 0x7fffffff;  // TCP_INFINITE_SSTHRESH

// The integer cube root, floor(a^(1/3)). tcp_cubic.c's cubic_root approximates it (a
// first guess from the top bits, then one Newton-Raphson step) to within about 0.2 %;
// tcpsim takes the exact value, so K may differ from the kernel's by a unit of 1/1024 s.
std::uint32_t cubic_root(std::uint64_t a);
// usecs_to_jiffies at kHz: rounded up.
std::uint32_t usecs_to_jiffies(std::uint32_t us);
// cubictcp_recalc_ssthresh: max(cwnd * 717 / 1024, 2).
std::uint32_t ssthresh_after_loss(std::uint32_t cwnd);
// cubictcp_recalc_ssthresh, fast convergence: a loss below the last maximum records
// cwnd * (1024 + 717) / 2048 as the maximum, else cwnd.
std::uint32_t w_max_after_loss(std::uint32_t cwnd, std::uint32_t last_max);

// The curve's state: struct bictcp of tcp_cubic.c without HyStart's part.
struct Curve {
  std::uint32_t cnt = 0;            // grow by one segment per cnt segments acknowledged
  std::uint32_t last_max_cwnd = 0;  // W_max, after fast convergence (0: no loss yet)
  std::uint32_t last_cwnd = 0;      // cwnd when cnt was last computed
  std::uint32_t last_time = 0;      // and when, in jiffies
  std::uint32_t origin_point = 0;   // the curve's plateau, in segments
  std::uint32_t k = 0;              // time from the epoch's start to the plateau, 1/1024 s
  std::uint32_t delay_min_us = 0;   // the smallest RTT seen (0: none)
  bool epoch_started = false;       // Linux: epoch_start != 0
  std::uint32_t epoch_start = 0;    // jiffies
  std::uint32_t ack_cnt = 0;        // segments acknowledged towards the Reno estimate
  std::uint32_t tcp_cwnd = 0;       // the Reno-friendly estimate, in segments
};

// bictcp_update: `acked` more segments at `cwnd`, at `now_jiffies`; sets c.cnt.
void update(Curve& c, std::uint32_t now_jiffies, std::uint32_t cwnd, std::uint32_t acked);

// tcp_cong.c tcp_slow_start: cwnd grows by the segments acknowledged, up to ssthresh;
// returns the segments left over for congestion avoidance.
std::uint32_t slow_start(std::uint32_t& cwnd, std::uint32_t ssthresh, std::uint32_t acked);
// tcp_cong.c tcp_cong_avoid_ai: one segment per `w` acknowledged, counted in cwnd_cnt.
void cong_avoid_ai(std::uint32_t& cwnd, std::uint32_t& cwnd_cnt, std::uint32_t w,
                   std::uint32_t acked);

}  // namespace linux_cubic

class LinuxCubic final : public CongestionControl {
 public:
  LinuxCubic(std::uint32_t mss, std::uint32_t initial_window, bool hystart = false)
      : mss_(mss), cwnd_(std::max(initial_window / mss, 1u)), use_hystart_(hystart) {}

  std::string_view name() const override { return "cubic"; }
  void on_packet_sent(Nanos now, std::uint32_t bytes, std::uint32_t in_flight) override;
  std::uint32_t on_ack(Nanos now, std::uint32_t acked_bytes, std::uint32_t in_flight,
                       Nanos rtt_estimate) override;
  std::uint32_t on_congestion_event(Nanos now, std::uint32_t in_flight) override;
  std::uint32_t on_rto(Nanos now, std::uint32_t in_flight) override;
  std::uint32_t cwnd() const override;
  std::uint32_t ssthresh() const override;
  bool in_slow_start() const override { return cwnd_ < ssthresh_; }
  std::uint32_t on_recovery_exit(Nanos now, std::uint32_t in_flight,
                                 std::uint32_t delivered) override;
  void on_undo(std::uint32_t cwnd, std::uint32_t ssthresh) override;
  void take_over(std::uint32_t cwnd, std::uint32_t ssthresh) override;
  void on_rtt_sample(Nanos now, Nanos rtt, SeqNum una, SeqNum nxt) override;

  // In segments, for traces and tests.
  std::uint32_t cwnd_segments() const { return cwnd_; }
  std::uint32_t ssthresh_segments() const { return ssthresh_; }
  std::uint32_t cwnd_cnt() const { return cwnd_cnt_; }
  const linux_cubic::Curve& curve() const { return curve_; }
  const HyStart& hystart() const { return hystart_; }

  // tcp_jiffies32 at `now`.
  static std::uint32_t jiffies(Nanos now);

 private:
  std::uint32_t mss_;
  std::uint32_t cwnd_;  // snd_cwnd, segments
  std::uint32_t ssthresh_ = linux_cubic::kInfiniteSsthresh;
  std::uint32_t cwnd_cnt_ = 0;  // snd_cwnd_cnt
  linux_cubic::Curve curve_;
  std::uint32_t last_send_ = 0;  // lsndtime: jiffies of the last data sent
  // A reduction was applied and no new data has been acknowledged outside recovery since:
  // a timeout now is part of the same episode, and ssthresh stays (tcp_input.c
  // tcp_enter_loss recomputes it only from Open or Disorder, or once recovery is over).
  bool reduction_pending_ = false;
  bool use_hystart_;
  HyStart hystart_;
  Nanos srtt_ = 0;  // for HyStart's pacing allowance
};

}  // namespace tcpsim::tcp
