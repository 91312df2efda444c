// The simulator's agenda: pending events ordered by (time, sequence number).
//
// Layout, chosen for the per-packet hot path (DESIGN principle 8):
//  - a 4-ary min-heap of 16-byte keys {time, order}, order = sequence number << 24 | slot;
//    4-ary because a node's four children fill one 64-byte cache line and the tree is half
//    as deep as a binary one. Comparing `order` compares sequence numbers (they are
//    unique), so ties in time break by scheduling order;
//  - the callbacks live in slots, allocated in fixed chunks that never move, recycled
//    through a free list, so scheduling allocates nothing once the agenda has grown;
//  - cancellation is lazy: cancel() frees the slot, and the orphaned heap key (whose order
//    no longer matches its slot's) is skipped when it reaches the top. When orphans outnumber live
//    events the heap is rebuilt without them, so a workload that re-arms a timer on every
//    ACK keeps a heap proportional to the live events (amortised O(1) per cancel).
//  - a callback is either an EventHandler (object pointer + 64-bit tag, no type erasure)
//    or a callable stored inline in the slot when it fits (kInlineBytes), on the heap
//    otherwise. Both run in place; nothing is copied when an event fires.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "stack/base/time.hpp"

namespace tcpsim::sim {

// Receives events without any type erasure: the tag tells the handler which of its
// events fired (a timer kind, a packet slot, ...).
class EventHandler {
 public:
  virtual void on_event(Nanos now, std::uint64_t tag) = 0;

 protected:
  ~EventHandler() = default;
};

// Names one scheduled event. A default-constructed id names none. Ids are never reused
// for a different event while the old one could still be cancelled (slot generations).
class EventId {
 public:
  constexpr EventId() = default;
  constexpr bool valid() const { return raw_ != 0; }
  constexpr std::uint64_t raw() const { return raw_; }
  friend constexpr bool operator==(EventId, EventId) = default;

 private:
  friend class EventQueue;
  constexpr explicit EventId(std::uint64_t raw) : raw_(raw) {}
  std::uint64_t raw_ = 0;
};

// A place in the firing order taken with EventQueue::reserve() for an event pushed later.
// The queue keeps the sequence number itself, in a table it rewrites when it renumbers,
// so whoever holds a reservation holds only this handle and never sees the number.
// Move-only, so no stale copy can outlive the place: pushing or releasing takes the
// handle by value, and the moved-from handle names none (as a default-constructed one).
class Reservation {
 public:
  constexpr Reservation() = default;
  constexpr Reservation(Reservation&& other) noexcept : index_(std::exchange(other.index_, 0)) {}
  constexpr Reservation& operator=(Reservation&& other) noexcept {
    assert(!valid() || this == &other);  // overwriting a held place would leak it
    index_ = std::exchange(other.index_, 0);
    return *this;
  }
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;

  constexpr bool valid() const { return index_ != 0; }

 private:
  friend class EventQueue;
  constexpr explicit Reservation(std::uint32_t index) : index_(index) {}
  std::uint32_t index_ = 0;  // 1 + the entry in the queue's table
};

class EventQueue {
 public:
  static constexpr std::size_t kInlineBytes = 48;

  // Sequence numbers have 40 bits (10^12 events); on reaching `sequence_limit` the
  // pending events are renumbered in order. Tests lower the limit to exercise that.
  static constexpr std::uint64_t kSequenceLimit = std::uint64_t{1} << 40;
  static constexpr std::uint32_t kMaxSlots = std::uint32_t{1} << 24;

  explicit EventQueue(std::uint64_t sequence_limit = kSequenceLimit)
      : sequence_limit_(sequence_limit) {}
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;
  ~EventQueue();

  EventId push(Nanos time, EventHandler& handler, std::uint64_t tag);

  // `fn` is callable as fn(Nanos now) or fn().
  template <class F>
  EventId push(Nanos time, F&& fn) {
    using Fn = std::decay_t<F>;
    std::uint32_t slot = allocate_slot();
    Slot& s = slot_at(slot);
    if constexpr (sizeof(Fn) <= kInlineBytes && alignof(Fn) <= alignof(std::max_align_t) &&
                  std::is_nothrow_move_constructible_v<Fn>) {
      ::new (static_cast<void*>(s.storage)) Fn(std::forward<F>(fn));
      s.call = [](Slot& self, Nanos now) {
        invoke(*std::launder(reinterpret_cast<Fn*>(self.storage)), now);
      };
      s.destroy = [](Slot& self) { std::launder(reinterpret_cast<Fn*>(self.storage))->~Fn(); };
    } else {
      Fn* boxed = new Fn(std::forward<F>(fn));
      ::new (static_cast<void*>(s.storage)) Fn*(boxed);
      s.call = [](Slot& self, Nanos now) {
        invoke(**std::launder(reinterpret_cast<Fn**>(self.storage)), now);
      };
      s.destroy = [](Slot& self) { delete *std::launder(reinterpret_cast<Fn**>(self.storage)); };
    }
    return push_key(time, slot);
  }

  // A place in the firing order, taken now for an event pushed later with push_reserved():
  // among events at the same time it fires where an event pushed now would have. Lets an
  // owner keep many future events in an order of its own (a link's packets in flight) and
  // give the queue only the next one. Every reservation is either used by push_reserved()
  // or given back with release(); table entries are recycled, so a steady stream of them
  // allocates nothing.
  Reservation reserve();
  // Uses up `place`, which must be valid.
  EventId push_reserved(Nanos time, Reservation place, EventHandler& handler, std::uint64_t tag);
  // Gives up a place that will not be used; no effect on a handle that names none.
  void release(Reservation place);
  // Reservations taken and neither pushed nor released.
  std::size_t reservations_held() const { return reserved_.size() - free_reserved_.size(); }

  // Frees the event's callback now. False when the id names no pending event (never
  // scheduled, already fired, already cancelled, or currently running).
  bool cancel(EventId id);
  bool is_pending(EventId id) const;

  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }
  // Time of the earliest pending event, kNever when there is none.
  Nanos next_time();

  // Removes the earliest event and runs it with `now` = its time. False when empty.
  // The callback may push and cancel freely, including cancelling itself (no effect).
  bool pop_and_run();
  // Like pop_and_run, but only if the earliest event is due at or before `limit`.
  bool pop_and_run_until(Nanos limit);

 private:
  struct Slot;
  using CallFn = void (*)(Slot&, Nanos);
  using DestroyFn = void (*)(Slot&);

  struct Slot {
    std::uint64_t order = 0;  // the pending event's heap order; 0 when none
    std::uint32_t generation = 1;
    std::uint32_t next_free = 0;
    EventHandler* handler = nullptr;  // non-null: handler event, else call/destroy
    std::uint64_t tag = 0;
    CallFn call = nullptr;
    DestroyFn destroy = nullptr;
    alignas(std::max_align_t) unsigned char storage[kInlineBytes];
  };

  struct Key {
    Nanos time;
    std::uint64_t order;
  };
  static constexpr unsigned kSlotBits = 24;
  static constexpr std::uint64_t kSlotMask = kMaxSlots - 1;

  static constexpr std::uint32_t kChunkShift = 10;
  static constexpr std::uint32_t kChunkSize = 1u << kChunkShift;
  static constexpr std::uint32_t kNoSlot = UINT32_MAX;

  template <class Fn>
  static void invoke(Fn& fn, Nanos now) {
    if constexpr (std::is_invocable_v<Fn&, Nanos>) {
      fn(now);
    } else {
      fn();
    }
  }

  // Branch-free on purpose: which child is smaller is a coin toss the predictor loses.
  static bool before(const Key& a, const Key& b) {
    return (a.time < b.time) | ((a.time == b.time) & (a.order < b.order));
  }

  Slot& slot_at(std::uint32_t i) { return chunks_[i >> kChunkShift][i & (kChunkSize - 1)]; }
  const Slot& slot_at(std::uint32_t i) const {
    return chunks_[i >> kChunkShift][i & (kChunkSize - 1)];
  }
  static std::uint32_t slot_of(const Key& k) {
    return static_cast<std::uint32_t>(k.order & kSlotMask);
  }
  bool key_live(const Key& k) const { return slot_at(slot_of(k)).order == k.order; }

  std::uint32_t allocate_slot();
  void release_slot(std::uint32_t slot);
  void clear_callback(Slot& s);
  EventId push_key(Nanos time, std::uint32_t slot);
  EventId push_key_with(Nanos time, std::uint32_t slot, std::uint64_t seq);
  void drop_stale_top();
  void pop_top();
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  std::size_t min_child(std::size_t first, std::size_t n) const;
  void compact();
  void renumber();
  std::uint64_t take(const Reservation& place);

  std::vector<Key> heap_;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::uint32_t slot_count_ = 0;
  std::uint32_t free_head_ = kNoSlot;
  std::uint64_t sequence_limit_;
  std::uint64_t next_seq_ = 1;  // from 1, so that no live order is 0
  std::size_t live_ = 0;
  std::size_t stale_ = 0;
  // Sequence numbers of the reservations held, by Reservation index - 1; 0 marks a free
  // entry (sequence numbers start at 1).
  std::vector<std::uint64_t> reserved_;
  std::vector<std::uint32_t> free_reserved_;
};

// reserve() and take() run for every packet a link carries: defined here to be inlined.
inline Reservation EventQueue::reserve() {
  if (next_seq_ >= sequence_limit_) renumber();
  std::uint32_t index = 0;
  if (free_reserved_.empty()) {
    index = static_cast<std::uint32_t>(reserved_.size());
    reserved_.push_back(0);
  } else {
    index = free_reserved_.back();
    free_reserved_.pop_back();
  }
  reserved_[index] = next_seq_++;
  return Reservation(index + 1);
}

inline std::uint64_t EventQueue::take(const Reservation& place) {
  assert(place.valid() && reserved_[place.index_ - 1] != 0);
  const std::uint32_t index = place.index_ - 1;
  const std::uint64_t seq = reserved_[index];
  reserved_[index] = 0;
  free_reserved_.push_back(index);
  return seq;
}

}  // namespace tcpsim::sim
