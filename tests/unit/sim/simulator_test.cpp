// The event core: ordering, cancellation, run loops, against a reference model.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/core/simulator.hpp"

namespace tcpsim::sim {
namespace {

struct Recorder : EventHandler {
  void on_event(Nanos now, std::uint64_t tag) override { seen.emplace_back(now, tag); }
  std::vector<std::pair<Nanos, std::uint64_t>> seen;
};

TEST(Simulator, Schedule_EventsAtDifferentTimes_RunInTimeOrder) {
  Simulator sim;
  std::vector<int> order;
  sim.schedule_at(30, [&] { order.push_back(3); });
  sim.schedule_at(10, [&] { order.push_back(1); });
  sim.schedule_at(20, [&] { order.push_back(2); });
  sim.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(sim.now(), 30);
  EXPECT_EQ(sim.events_run(), 3u);
}

TEST(Simulator, Schedule_SameTime_RunsInSchedulingOrder) {
  Simulator sim;
  std::vector<int> order;
  for (int i = 0; i < 100; ++i) sim.schedule_at(5, [&order, i] { order.push_back(i); });
  sim.run();
  std::vector<int> expected(100);
  for (int i = 0; i < 100; ++i) expected[i] = i;
  EXPECT_EQ(order, expected);
}

TEST(Simulator, ScheduleFromCallback_SameTime_RunsAfterAlreadyQueued) {
  Simulator sim;
  std::vector<int> order;
  sim.schedule_at(5, [&] {
    order.push_back(1);
    sim.schedule_in(0, [&] { order.push_back(3); });
  });
  sim.schedule_at(5, [&] { order.push_back(2); });
  sim.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(Simulator, Schedule_Handler_GetsTagAndTime) {
  Simulator sim;
  Recorder r;
  sim.schedule_at(7, r, 42);
  sim.schedule_in(3, r, 9);
  sim.run();
  EXPECT_EQ(r.seen, (std::vector<std::pair<Nanos, std::uint64_t>>{{3, 9}, {7, 42}}));
}

TEST(Simulator, Schedule_CallbackTakingNow_GetsEventTime) {
  Simulator sim;
  Nanos seen = -1;
  sim.schedule_at(1234, [&](Nanos now) { seen = now; });
  sim.run();
  EXPECT_EQ(seen, 1234);
}

TEST(Simulator, Schedule_LargeCallable_StillRuns) {
  Simulator sim;
  std::array<std::uint64_t, 32> big{};
  big[31] = 7;
  std::uint64_t out = 0;
  sim.schedule_at(1, [big, &out] { out = big[31]; });
  sim.run();
  EXPECT_EQ(out, 7u);
}

TEST(Simulator, Cancel_PendingEvent_DoesNotRunAndReturnsTrue) {
  Simulator sim;
  bool ran = false;
  EventId id = sim.schedule_at(10, [&] { ran = true; });
  EXPECT_TRUE(sim.is_pending(id));
  EXPECT_TRUE(sim.cancel(id));
  EXPECT_FALSE(sim.is_pending(id));
  sim.run();
  EXPECT_FALSE(ran);
  EXPECT_EQ(sim.events_run(), 0u);
}

TEST(Simulator, Cancel_Twice_SecondReturnsFalse) {
  Simulator sim;
  EventId id = sim.schedule_at(10, [] {});
  EXPECT_TRUE(sim.cancel(id));
  EXPECT_FALSE(sim.cancel(id));
}

TEST(Simulator, Cancel_FiredEvent_ReturnsFalse) {
  Simulator sim;
  EventId id = sim.schedule_at(10, [] {});
  sim.run();
  EXPECT_FALSE(sim.cancel(id));
}

TEST(Simulator, Cancel_UnknownOrDefaultId_ReturnsFalse) {
  Simulator sim;
  EXPECT_FALSE(sim.cancel(EventId{}));
  Simulator other;
  EventId foreign = other.schedule_at(1, [] {});
  EXPECT_FALSE(sim.cancel(foreign));
}

TEST(Simulator, Cancel_ReusedSlot_OldIdStaysDead) {
  Simulator sim;
  EventId first = sim.schedule_at(10, [] {});
  ASSERT_TRUE(sim.cancel(first));
  bool ran = false;
  EventId second = sim.schedule_at(10, [&] { ran = true; });  // reuses the slot
  EXPECT_NE(first, second);
  EXPECT_FALSE(sim.cancel(first));
  sim.run();
  EXPECT_TRUE(ran);
}

TEST(Simulator, Cancel_OwnIdWhileRunning_ReturnsFalse) {
  Simulator sim;
  EventId id;
  bool result = true;
  id = sim.schedule_at(10, [&] { result = sim.cancel(id); });
  sim.run();
  EXPECT_FALSE(result);
}

TEST(Simulator, Cancel_OtherEventFromCallback_Works) {
  Simulator sim;
  bool ran = false;
  EventId later = sim.schedule_at(20, [&] { ran = true; });
  sim.schedule_at(10, [&] { EXPECT_TRUE(sim.cancel(later)); });
  sim.run();
  EXPECT_FALSE(ran);
}

TEST(Simulator, Cancel_ReleasesCapturedState) {
  Simulator sim;
  auto token = std::make_shared<int>(1);
  EventId id = sim.schedule_at(10, [token] {});
  EXPECT_EQ(token.use_count(), 2);
  sim.cancel(id);
  EXPECT_EQ(token.use_count(), 1);
}

TEST(Simulator, Destroy_WithPendingEvents_ReleasesCallbacks) {
  auto token = std::make_shared<int>(1);
  {
    Simulator sim;
    sim.schedule_at(10, [token] {});
    std::array<char, 100> pad{};  // too big to store inline: goes to the heap
    sim.schedule_at(10, [token, pad] { (void)pad; });
  }
  EXPECT_EQ(token.use_count(), 1);
}

TEST(Simulator, Schedule_InPast_Throws) {
  Simulator sim;
  sim.schedule_at(100, [] {});
  sim.run();
  EXPECT_THROW(sim.schedule_at(99, [] {}), std::logic_error);
  EXPECT_THROW(sim.schedule_in(-1, [] {}), std::logic_error);
  EXPECT_THROW(sim.schedule_at(kNever, [] {}), std::logic_error);
  EXPECT_NO_THROW(sim.schedule_at(100, [] {}));
}

TEST(Simulator, RunUntil_RunsEventsUpToAndIncludingLimit_ThenSetsClock) {
  Simulator sim;
  std::vector<Nanos> ran;
  for (Nanos t : {5, 10, 15}) sim.schedule_at(t, [&ran](Nanos now) { ran.push_back(now); });
  sim.run_until(10);
  EXPECT_EQ(ran, (std::vector<Nanos>{5, 10}));
  EXPECT_EQ(sim.now(), 10);
  EXPECT_EQ(sim.pending(), 1u);
  sim.run_until(12);
  EXPECT_EQ(sim.now(), 12);
  EXPECT_EQ(ran.size(), 2u);
  EXPECT_THROW(sim.run_until(11), std::logic_error);
}

TEST(Simulator, RunUntil_EventScheduledAtLimitDuringRun_AlsoRuns) {
  Simulator sim;
  bool inner = false;
  sim.schedule_at(10, [&] { sim.schedule_at(10, [&] { inner = true; }); });
  sim.run_until(10);
  EXPECT_TRUE(inner);
}

TEST(Simulator, RunFor_AdvancesRelativeToNow) {
  Simulator sim;
  int count = 0;
  sim.schedule_at(100, [&] { ++count; });
  sim.schedule_at(250, [&] { ++count; });
  sim.run_for(100);
  EXPECT_EQ(count, 1);
  EXPECT_EQ(sim.now(), 100);
  sim.run_for(100);
  EXPECT_EQ(count, 1);
  EXPECT_EQ(sim.now(), 200);
  sim.run_for(50);
  EXPECT_EQ(count, 2);
}

TEST(Simulator, RunUntilPredicate_StopsAsSoonAsTrue) {
  Simulator sim;
  int count = 0;
  for (int i = 1; i <= 10; ++i) sim.schedule_at(i, [&] { ++count; });
  EXPECT_TRUE(sim.run_until([&] { return count == 4; }));
  EXPECT_EQ(count, 4);
  EXPECT_EQ(sim.now(), 4);
  EXPECT_FALSE(sim.run_until([&] { return count == 100; }));
  EXPECT_EQ(count, 10);
}

TEST(Simulator, RunUntilPredicate_RespectsTimeLimit) {
  Simulator sim;
  int count = 0;
  for (int i = 1; i <= 10; ++i) sim.schedule_at(i * 10, [&] { ++count; });
  EXPECT_FALSE(sim.run_until([] { return false; }, 35));
  EXPECT_EQ(count, 3);
}

TEST(Simulator, Step_TwoPending_RunsExactlyOne) {
  Simulator sim;
  int count = 0;
  sim.schedule_at(1, [&] { ++count; });
  sim.schedule_at(2, [&] { ++count; });
  EXPECT_TRUE(sim.step());
  EXPECT_EQ(count, 1);
  EXPECT_EQ(sim.now(), 1);
  EXPECT_TRUE(sim.step());
  EXPECT_FALSE(sim.step());
  EXPECT_EQ(count, 2);
}

TEST(Simulator, Stop_InCallback_EndsRunAfterIt) {
  Simulator sim;
  int count = 0;
  sim.schedule_at(1, [&] {
    ++count;
    sim.stop();
  });
  sim.schedule_at(2, [&] { ++count; });
  sim.run();
  EXPECT_EQ(count, 1);
  sim.run();
  EXPECT_EQ(count, 2);
}

TEST(Simulator, NextEventTime_FirstCancelled_SkipsIt) {
  Simulator sim;
  EventId a = sim.schedule_at(5, [] {});
  sim.schedule_at(9, [] {});
  EXPECT_EQ(sim.next_event_time(), 5);
  sim.cancel(a);
  EXPECT_EQ(sim.next_event_time(), 9);
  EXPECT_EQ(sim.pending(), 1u);
}

// 1e5 random schedules and cancels, checked against a std::map keyed by (time, seq).
TEST(Simulator, RandomScheduleCancel_MatchesReferenceModel) {
  Simulator sim;
  Rng rng(2024);
  std::map<std::pair<Nanos, std::uint64_t>, int> model;  // (time, order) -> label
  std::vector<std::pair<EventId, std::pair<Nanos, std::uint64_t>>> live;
  std::vector<int> fired;
  std::uint64_t order = 0;
  int label = 0;
  for (int op = 0; op < 100000; ++op) {
    std::uint64_t r = rng.uniform(10);
    if (r < 5 || live.empty()) {
      Nanos t = sim.now() + static_cast<Nanos>(rng.uniform(1000));
      int l = label++;
      EventId id = sim.schedule_at(t, [&fired, l] { fired.push_back(l); });
      model[{t, order}] = l;
      live.push_back({id, {t, order}});
      ++order;
    } else if (r < 8) {
      std::size_t i = rng.uniform(live.size());
      bool expect = model.count(live[i].second) > 0;
      EXPECT_EQ(sim.cancel(live[i].first), expect);
      model.erase(live[i].second);
      live[i] = live.back();
      live.pop_back();
    } else {
      // Run one event; the model's smallest key must be the one that fires.
      fired.clear();
      bool ran = sim.step();
      ASSERT_EQ(ran, !model.empty());
      if (ran) {
        ASSERT_EQ(fired.size(), 1u);
        EXPECT_EQ(fired[0], model.begin()->second);
        EXPECT_EQ(sim.now(), model.begin()->first.first);
        model.erase(model.begin());
      }
    }
    ASSERT_EQ(sim.pending(), model.size());
  }
  fired.clear();
  sim.run();
  std::vector<int> expected;
  for (auto& [key, l] : model) expected.push_back(l);
  EXPECT_EQ(fired, expected);
}

TEST(EventQueue, SequenceWraps_RenumberingKeepsFiringOrder) {
  EventQueue q(/*sequence_limit=*/8);  // renumbers every few pushes
  std::vector<int> fired;
  std::vector<EventId> ids;
  for (int i = 0; i < 50; ++i) {
    ids.push_back(q.push(i % 5, [&fired, i] { fired.push_back(i); }));
  }
  EXPECT_TRUE(q.cancel(ids[7]));
  EXPECT_TRUE(q.is_pending(ids[8]));
  while (q.pop_and_run()) {
  }
  std::vector<int> expected;
  for (int t = 0; t < 5; ++t) {
    for (int i = t; i < 50; i += 5) {
      if (i != 7) expected.push_back(i);
    }
  }
  EXPECT_EQ(fired, expected);
}

// Records which tags fire, in order.
struct TagLog : EventHandler {
  std::vector<std::uint64_t> tags;
  void on_event(Nanos, std::uint64_t tag) override { tags.push_back(tag); }
};

TEST(EventQueue, ReservedPlaceFiresWherePushingThenWouldHave) {
  EventQueue q;
  TagLog log;
  q.push(10, log, 1);
  Reservation r = q.reserve();  // between 1 and 3
  q.push(10, log, 3);
  q.push(5, log, 0);
  q.push_reserved(10, std::move(r), log, 2);  // pushed last, fires second among the time-10 events
  while (q.pop_and_run()) {
  }
  EXPECT_EQ(log.tags, (std::vector<std::uint64_t>{0, 1, 2, 3}));
}

TEST(EventQueue, RenumberingRewritesHeldReservations) {
  // A tiny sequence limit renumbers every few operations; reservations held outside the
  // queue must keep their place among the pending events each time.
  for (std::uint64_t limit : {8u, 13u, 64u}) {
    EventQueue q(limit);
    std::vector<Reservation> held;
    TagLog log;
    std::vector<std::uint64_t> expected;
    // Each round: push an event at time 100, reserve a place, push another. Every
    // reservation is pushed at the end, so at time 100 the order is push, reserved, push
    // per round.
    std::vector<std::uint64_t> tag_of_reservation;
    for (std::uint64_t round = 0; round < 20; ++round) {
      q.push(100, log, round * 3);
      held.push_back(q.reserve());
      tag_of_reservation.push_back(round * 3 + 1);
      q.push(100, log, round * 3 + 2);
      expected.insert(expected.end(), {round * 3, round * 3 + 1, round * 3 + 2});
    }
    for (std::size_t i = 0; i < held.size(); ++i) {
      q.push_reserved(100, std::move(held[i]), log, tag_of_reservation[i]);
    }
    EXPECT_EQ(q.reservations_held(), 0u);
    while (q.pop_and_run()) {
    }
    EXPECT_EQ(log.tags, expected) << "limit " << limit;
  }
}

TEST(EventQueue, ReleasedReservationsAreRecycled) {
  // A holder that keeps taking a new place and giving up the old one (a timer that moves
  // later on every ACK) holds one table entry, not one per reservation taken.
  EventQueue q;
  TagLog log;
  Reservation place = q.reserve();
  for (int i = 0; i < 1000; ++i) {
    q.release(std::move(place));
    place = q.reserve();
    EXPECT_EQ(q.reservations_held(), 1u);
  }
  q.push(7, log, 1);
  q.push_reserved(7, std::move(place), log, 0);  // reserved before the push: fires first
  EXPECT_EQ(q.reservations_held(), 0u);
  q.release(Reservation());  // names nothing: no effect
  while (q.pop_and_run()) {
  }
  EXPECT_EQ(log.tags, (std::vector<std::uint64_t>{0, 1}));
}

TEST(Simulator, RearmTimer_1e5Times_QueueStaysSmall) {
  Simulator sim;
  // A timer re-armed on every "ACK": cancel and reschedule 1e5 times.
  int fired = 0;
  EventId timer = sim.schedule_in(1000, [&] { ++fired; });
  for (int i = 0; i < 100000; ++i) {
    sim.schedule_in(1, [] {});
    sim.step();
    ASSERT_TRUE(sim.cancel(timer));
    timer = sim.schedule_in(1000, [&] { ++fired; });
    ASSERT_EQ(sim.pending(), 1u);
  }
  sim.run();
  EXPECT_EQ(fired, 1);
}

}  // namespace
}  // namespace tcpsim::sim
