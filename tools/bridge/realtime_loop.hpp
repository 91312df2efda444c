// Drives the simulator on wall-clock time: simulated time is the time since the loop
// started, events run when their time comes, and packets from the TUN device enter the
// network at the moment they are read. The loop sleeps in ppoll() on the device and on a
// signalfd for SIGINT and SIGTERM, never longer than until the next simulator event.
//
// This is the only place that reads a clock: sim/ and stack/ stay clock-free
// (tests/shell/layering.sh), and the same hosts run here as in `tcpsim run`.
#pragma once

#include <signal.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "sim/core/error.hpp"
#include "sim/core/simulator.hpp"
#include "sim/realtime/tun_port.hpp"
#include "stack/base/result.hpp"
#include "tools/bridge/tun_device.hpp"

namespace tcpsim::bridge {

enum class StopReason : std::uint8_t { Done, Duration, Signal };

struct LoopOptions {
  std::optional<Nanos> duration;  // stop at this simulated (= wall) time
  // Checked after each batch of events; once it holds, the loop runs `drain` longer (so
  // the last segments reach the kernel) and stops.
  std::function<bool()> done;
  Nanos drain = 100 * kMillisecond;
  // Called after each batch of events (the CLI flushes its output there).
  std::function<void()> after_batch;
};

struct LoopResult {
  StopReason reason = StopReason::Done;
  int signal = 0;  // for kSignal
  Nanos wall = 0;
};

// While it lives, SIGINT and SIGTERM are blocked and arrive through a descriptor instead;
// the old signal mask comes back after.
class SignalCatcher {
 public:
  SignalCatcher();
  ~SignalCatcher();
  SignalCatcher(const SignalCatcher&) = delete;
  SignalCatcher& operator=(const SignalCatcher&) = delete;
  int fd() const { return fd_; }  // -1 when signalfd failed
  // After a stop request: further SIGINT/SIGTERM are ignored, so one that comes after it
  // (`timeout` sends its signal to the child and again to the child's process group)
  // cannot kill the process once the mask is restored, between its summary and its exit.
  void ignore_further();

 private:
  sigset_t old_;
  bool blocked_ = false;
  int fd_ = -1;
};

class RealtimeLoop {
 public:
  // Catches SIGINT and SIGTERM from here on, so a signal that comes before run() is
  // not lost either: make the loop before announcing that the bridge is ready.
  RealtimeLoop(sim::Simulator& simulator, TunDevice& device, sim::TunPort& port)
      : sim_(&simulator), device_(&device), port_(&port) {}

  // Runs until a stop reason; an error (the device failing) ends it with a message.
  Result<LoopResult, sim::Error> run(const LoopOptions& options);

 private:
  SignalCatcher signals_;
  sim::Simulator* sim_;
  TunDevice* device_;
  sim::TunPort* port_;
};

}  // namespace tcpsim::bridge
