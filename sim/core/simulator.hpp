// The discrete-event simulator: a virtual clock and the agenda of events that move it.
//
// Time only advances when an event runs; events at the same time run in the order they
// were scheduled (DESIGN principle 5). Nothing here reads a wall clock.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "sim/core/event_queue.hpp"
#include "stack/base/time.hpp"

namespace tcpsim::sim {

class Simulator {
 public:
  Simulator() = default;
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  Nanos now() const { return now_; }

  // Scheduling before now() (or at kNever) is a programming error: std::logic_error.
  EventId schedule_at(Nanos t, EventHandler& handler, std::uint64_t tag = 0) {
    check_time(t);
    return queue_.push(t, handler, tag);
  }
  EventId schedule_in(Nanos delay, EventHandler& handler, std::uint64_t tag = 0) {
    return schedule_at(after(delay), handler, tag);
  }
  // `fn` is callable as fn(Nanos now) or fn(). Small callables are stored without a heap
  // allocation (EventQueue::kInlineBytes).
  template <class F>
  requires(!std::is_base_of_v<EventHandler, std::remove_cvref_t<F>>) EventId
      schedule_at(Nanos t, F&& fn) {
    check_time(t);
    return queue_.push(t, std::forward<F>(fn));
  }
  template <class F>
  requires(!std::is_base_of_v<EventHandler, std::remove_cvref_t<F>>) EventId
      schedule_in(Nanos delay, F&& fn) {
    return schedule_at(after(delay), std::forward<F>(fn));
  }

  // A place in the order of events at the same time, for an event scheduled later with
  // schedule_reserved() (see EventQueue::reserve()). The simulator keeps the place (and
  // keeps it right when the agenda renumbers); the holder keeps the handle, and either
  // schedules with it, which uses it up, or gives it back with release().
  Reservation reserve() { return queue_.reserve(); }
  EventId schedule_reserved(Nanos t, Reservation place, EventHandler& handler,
                            std::uint64_t tag = 0) {
    check_time(t);
    return queue_.push_reserved(t, std::move(place), handler, tag);
  }
  // No effect on a handle that names nothing.
  void release(Reservation place) { queue_.release(std::move(place)); }
  std::size_t reservations_held() const { return queue_.reservations_held(); }

  // False when `id` names no pending event (fired, cancelled, unknown, or running now).
  bool cancel(EventId id) { return queue_.cancel(id); }
  bool is_pending(EventId id) const { return queue_.is_pending(id); }

  // Runs exactly one event; false when none is pending.
  bool step();
  // Runs until no event is pending or stop() is called.
  void run();
  // Runs every event due at or before `t` (including ones those events schedule at or
  // before `t`), then sets the clock to `t`. A `t` in the past is a logic_error.
  void run_until(Nanos t);
  void run_for(Nanos span) { run_until(after(span)); }
  // Runs until `done()` holds (checked before each event), the agenda is empty, the
  // clock would pass `limit`, or stop() is called. Returns done().
  template <class Pred>
  requires std::is_invocable_r_v<bool, Pred&>
  bool run_until(Pred&& done, Nanos limit = kNever) {
    stopped_ = false;
    while (!stopped_ && !done()) {
      if (!run_one(limit)) break;
    }
    return done();
  }
  // Makes the innermost run loop return after the event that is running now.
  void stop() { stopped_ = true; }

  std::size_t pending() const { return queue_.size(); }
  std::uint64_t events_run() const { return events_run_; }
  // Time of the next pending event, kNever when none.
  Nanos next_event_time() { return queue_.next_time(); }

 private:
  void check_time(Nanos t) const;
  Nanos after(Nanos delay) const;
  bool run_one(Nanos limit);

  EventQueue queue_;
  Nanos now_ = 0;
  std::uint64_t events_run_ = 0;
  bool stopped_ = false;
};

}  // namespace tcpsim::sim
