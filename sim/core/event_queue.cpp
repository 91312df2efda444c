#include "sim/core/event_queue.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>

namespace tcpsim::sim {
namespace {

constexpr std::size_t kArity = 4;
// Orphans are purged once they outnumber live events and number at least this many. The
// purge costs one pass over the heap, so the cost per cancel stays O(1) whatever the value;
// a small one keeps a heap of few live events (a busy link, a host timer or two) shallow.
constexpr std::size_t kCompactAfter = 32;

std::uint32_t next_generation(std::uint32_t g) {
  return g == UINT32_MAX ? 1 : g + 1;
}

}  // namespace

EventQueue::~EventQueue() {
  for (const Key& k : heap_) {
    if (key_live(k)) clear_callback(slot_at(slot_of(k)));
  }
}

EventId EventQueue::push(Nanos time, EventHandler& handler, std::uint64_t tag) {
  std::uint32_t slot = allocate_slot();
  Slot& s = slot_at(slot);
  s.handler = &handler;
  s.tag = tag;
  return push_key(time, slot);
}

std::uint32_t EventQueue::allocate_slot() {
  if (free_head_ != kNoSlot) {
    std::uint32_t slot = free_head_;
    free_head_ = slot_at(slot).next_free;
    return slot;
  }
  if (slot_count_ == kMaxSlots) {
    throw std::length_error("event queue: more than 2^24 events pending at once");
  }
  if ((slot_count_ & (kChunkSize - 1)) == 0) {
    chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
  }
  return slot_count_++;
}

void EventQueue::release_slot(std::uint32_t slot) {
  slot_at(slot).next_free = free_head_;
  free_head_ = slot;
}

void EventQueue::clear_callback(Slot& s) {
  if (s.handler == nullptr && s.destroy != nullptr) s.destroy(s);
  s.handler = nullptr;
  s.call = nullptr;
  s.destroy = nullptr;
}

EventId EventQueue::push_reserved(Nanos time, Reservation place, EventHandler& handler,
                                  std::uint64_t tag) {
  const std::uint64_t seq = take(place);
  std::uint32_t slot = allocate_slot();
  Slot& s = slot_at(slot);
  s.handler = &handler;
  s.tag = tag;
  return push_key_with(time, slot, seq);
}

void EventQueue::release(Reservation place) {
  if (place.valid()) take(place);
}

EventId EventQueue::push_key(Nanos time, std::uint32_t slot) {
  if (next_seq_ >= sequence_limit_) renumber();
  return push_key_with(time, slot, next_seq_++);
}

EventId EventQueue::push_key_with(Nanos time, std::uint32_t slot, std::uint64_t seq) {
  Slot& s = slot_at(slot);
  s.order = (seq << kSlotBits) | slot;
  heap_.push_back(Key{time, s.order});
  sift_up(heap_.size() - 1);
  ++live_;
  return EventId((static_cast<std::uint64_t>(s.generation) << 32) | slot);
}

bool EventQueue::is_pending(EventId id) const {
  if (!id.valid()) return false;
  auto slot = static_cast<std::uint32_t>(id.raw() & 0xffffffffu);
  auto gen = static_cast<std::uint32_t>(id.raw() >> 32);
  return slot < slot_count_ && slot_at(slot).generation == gen && slot_at(slot).order != 0;
}

bool EventQueue::cancel(EventId id) {
  if (!is_pending(id)) return false;
  auto slot = static_cast<std::uint32_t>(id.raw() & 0xffffffffu);
  Slot& s = slot_at(slot);
  s.generation = next_generation(s.generation);
  s.order = 0;
  clear_callback(s);
  release_slot(slot);
  --live_;
  ++stale_;
  // Rebuild once orphans dominate (kCompactAfter keeps tiny queues from churning).
  if (stale_ > live_ && stale_ >= kCompactAfter) compact();
  return true;
}

void EventQueue::compact() {
  auto dead = [this](const Key& k) { return !key_live(k); };
  heap_.erase(std::remove_if(heap_.begin(), heap_.end(), dead), heap_.end());
  stale_ = 0;
  // Floyd's bottom-up construction: O(n). Keys keep their (time, order), so the order in
  // which events fire is unchanged.
  if (heap_.size() > 1) {
    for (std::size_t i = (heap_.size() - 2) / kArity + 1; i-- > 0;) sift_down(i);
  }
}

void EventQueue::renumber() {
  compact();
  // Pending events and held reservations get new numbers from 1, in the order of their old
  // ones. The mapping keeps every comparison's result, so the heap stays a heap.
  std::vector<std::uint64_t*> held;
  for (std::uint64_t& seq : reserved_) {
    if (seq != 0) held.push_back(&seq);
  }
  struct Item {
    std::uint64_t seq;
    std::uint64_t* held;  // a reservation, or nullptr for heap_[key]
    std::size_t key;
  };
  std::vector<Item> items;
  items.reserve(heap_.size() + held.size());
  for (std::size_t i = 0; i < heap_.size(); ++i)
    items.push_back(Item{heap_[i].order >> kSlotBits, nullptr, i});
  for (std::uint64_t* p : held) items.push_back(Item{*p, p, 0});
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.seq < b.seq; });
  next_seq_ = 1;
  for (const Item& it : items) {
    const std::uint64_t seq = next_seq_++;
    if (it.held != nullptr) {
      *it.held = seq;
      continue;
    }
    Key& k = heap_[it.key];
    const std::uint32_t slot = slot_of(k);
    k.order = (seq << kSlotBits) | slot;
    slot_at(slot).order = k.order;
  }
}

void EventQueue::drop_stale_top() {
  while (!heap_.empty() && !key_live(heap_.front())) {
    pop_top();
    --stale_;
  }
}

Nanos EventQueue::next_time() {
  drop_stale_top();
  return heap_.empty() ? kNever : heap_.front().time;
}

bool EventQueue::pop_and_run() {
  return pop_and_run_until(kNever);
}

bool EventQueue::pop_and_run_until(Nanos limit) {
  drop_stale_top();
  if (heap_.empty() || heap_.front().time > limit) return false;
  const Key top = heap_.front();
  const std::uint32_t slot = slot_of(top);
  pop_top();
  --live_;
  Slot& s = slot_at(slot);
  // The id stops naming a pending event before the callback runs, so a callback that
  // cancels its own id gets false and cannot destroy itself mid-call.
  s.generation = next_generation(s.generation);
  s.order = 0;
  if (s.handler != nullptr) {
    EventHandler* handler = s.handler;
    std::uint64_t tag = s.tag;
    s.handler = nullptr;
    release_slot(slot);
    handler->on_event(top.time, tag);
    return true;
  }
  // Slots never move (chunked storage), so the callable runs in place.
  struct Release {
    EventQueue* q;
    std::uint32_t slot;
    ~Release() {
      q->clear_callback(q->slot_at(slot));
      q->release_slot(slot);
    }
  } release{this, slot};
  s.call(s, top.time);
  return true;
}

void EventQueue::pop_top() {
  // Bottom-up deletion: walk the hole at the root down along the smallest children to a
  // leaf, then let the last key rise from there. The last key almost always belongs near
  // the bottom, so this saves the comparison against it at every level.
  const std::size_t n = heap_.size() - 1;
  const Key last = heap_[n];
  heap_.pop_back();
  if (n == 0) return;
  std::size_t hole = 0;
  for (;;) {
    std::size_t first = hole * kArity + 1;
    if (first >= n) break;
    std::size_t best = min_child(first, n);
    heap_[hole] = heap_[best];
    hole = best;
  }
  heap_[hole] = last;
  sift_up(hole);
}

std::size_t EventQueue::min_child(std::size_t first, std::size_t n) const {
  if (first + kArity <= n) {
    std::size_t a = before(heap_[first + 1], heap_[first]) ? first + 1 : first;
    std::size_t b = before(heap_[first + 3], heap_[first + 2]) ? first + 3 : first + 2;
    return before(heap_[b], heap_[a]) ? b : a;
  }
  std::size_t best = first;
  for (std::size_t c = first + 1; c < n; ++c) {
    if (before(heap_[c], heap_[best])) best = c;
  }
  return best;
}

void EventQueue::sift_up(std::size_t i) {
  Key k = heap_[i];
  while (i > 0) {
    std::size_t parent = (i - 1) / kArity;
    if (!before(k, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = k;
}

void EventQueue::sift_down(std::size_t i) {
  const std::size_t n = heap_.size();
  Key k = heap_[i];
  for (;;) {
    std::size_t first = i * kArity + 1;
    if (first >= n) break;
    std::size_t best = min_child(first, n);
    if (!before(heap_[best], k)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = k;
}

}  // namespace tcpsim::sim
