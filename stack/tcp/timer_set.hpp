// A connection's timers: one deadline per kind (kNever when idle). The connection arms
// and fires them and reports each change to its observer.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "stack/base/time.hpp"

namespace tcpsim::tcp {

enum class TimerKind : std::uint8_t {
  Retransmission,  // RFC 6298
  Persist,         // RFC 9293 §3.8.6.1
  DelayedAck,      // RFC 9293 §3.8.6.3
  TimeWait,        // RFC 9293 §3.10.8
  Keepalive,       // RFC 9293 §3.8.4
  LossProbe,       // RFC 8985 §7 (Linux ICSK_TIME_LOSS_PROBE; loss_probe.hpp)
  Reorder,         // RFC 8985 §6.2 (Linux ICSK_TIME_REO_TIMEOUT; rack.hpp)
  CompressedAck,   // Linux's SACK compression (tcp_sk(sk)->compressed_ack_timer)
  FinWait2,        // the kernels' bound on FIN-WAIT-2 after close() (fin_wait2.hpp)
};
constexpr int kTimerCount = 9;
std::string_view to_string(TimerKind k);

enum class TimerAction : std::uint8_t { Set, Cancelled, Fired };
std::string_view to_string(TimerAction a);

class TimerSet {
 public:
  TimerSet() { deadlines_.fill(kNever); }

  Nanos deadline(TimerKind k) const { return deadlines_[index(k)]; }
  bool armed(TimerKind k) const { return deadline(k) != kNever; }
  void set(TimerKind k, Nanos deadline) { deadlines_[index(k)] = deadline; }
  // Stops the timer; returns the deadline it had (kNever when it was idle).
  Nanos clear(TimerKind k) {
    Nanos was = deadlines_[index(k)];
    deadlines_[index(k)] = kNever;
    return was;
  }
  Nanos next_deadline() const { return *std::min_element(deadlines_.begin(), deadlines_.end()); }

 private:
  static std::size_t index(TimerKind k) { return static_cast<std::size_t>(k); }
  std::array<Nanos, kTimerCount> deadlines_;
};

}  // namespace tcpsim::tcp
