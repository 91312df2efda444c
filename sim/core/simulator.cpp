#include "sim/core/simulator.hpp"

#include <fmt/core.h>

#include <stdexcept>

namespace tcpsim::sim {

void Simulator::check_time(Nanos t) const {
  if (t < now_) {
    throw std::logic_error(fmt::format("event scheduled in the past: t={} ns, now={} ns", t, now_));
  }
  if (t == kNever) throw std::logic_error("event scheduled at kNever");
}

Nanos Simulator::after(Nanos delay) const {
  if (delay < 0) {
    throw std::logic_error(fmt::format("negative event delay: {} ns", delay));
  }
  if (delay >= kNever - now_) return kNever;  // refused by check_time
  return now_ + delay;
}

bool Simulator::run_one(Nanos limit) {
  Nanos t = queue_.next_time();
  if (t == kNever || t > limit) return false;
  now_ = t;
  ++events_run_;
  queue_.pop_and_run();
  return true;
}

bool Simulator::step() {
  return run_one(kNever);
}

void Simulator::run() {
  stopped_ = false;
  while (!stopped_ && run_one(kNever)) {
  }
}

void Simulator::run_until(Nanos t) {
  if (t < now_) {
    throw std::logic_error(fmt::format("run_until({} ns) is before now ({} ns)", t, now_));
  }
  stopped_ = false;
  while (!stopped_ && run_one(t)) {
  }
  if (!stopped_ && t != kNever) now_ = t;
}

}  // namespace tcpsim::sim
