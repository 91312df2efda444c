#include "stack/tcp/connection_table.hpp"

#include <algorithm>
#include <functional>

namespace tcpsim::tcp {

ConnEntry* ConnectionTable::find(const ConnKey& k) {
  auto it = map_.find(k);
  return it == map_.end() ? nullptr : &it->second;
}

const ConnEntry* ConnectionTable::find(const ConnKey& k) const {
  auto it = map_.find(k);
  return it == map_.end() ? nullptr : &it->second;
}

ConnEntry& ConnectionTable::insert(const ConnKey& k, std::unique_ptr<Connection> c) {
  auto [it, fresh] = map_.try_emplace(k);
  ConnEntry& e = it->second;
  e.conn = std::move(c);
  e.key = &it->first;
  if (free_slots_.empty()) {
    e.slot = static_cast<std::uint32_t>(slots_.size());
    slots_.push_back(&e);
    generations_.push_back(0);
  } else {
    e.slot = free_slots_.back();
    free_slots_.pop_back();
    slots_[e.slot] = &e;
  }
  ++ports_[k.local.port];
  touch(e);
  return e;
}

void ConnectionTable::erase(ConnEntry& e) {
  for (std::size_t d = 0; d < kDutyCount; ++d) {
    if ((e.queued & (1u << d)) != 0) std::erase(lists_[d], &e);
  }
  ++generations_[e.slot];  // its filings in the heap are void from now on
  slots_[e.slot] = nullptr;
  free_slots_.push_back(e.slot);
  auto port = ports_.find(e.key->local.port);
  if (--port->second == 0) ports_.erase(port);
  const ConnKey key = *e.key;  // e (and the key it points at) goes with the node
  map_.erase(key);
}

void ConnectionTable::touch(ConnEntry& e, std::uint8_t duties) {
  const auto missing = static_cast<std::uint8_t>(duties & ~e.queued);
  if (missing == 0) return;
  for (std::size_t d = 0; d < kDutyCount; ++d) {
    if ((missing & (1u << d)) != 0) lists_[d].push_back(&e);
  }
  e.queued = static_cast<std::uint8_t>(e.queued | missing);
}

void ConnectionTable::sort_by_key(std::vector<ConnEntry*>& v) {
  if (v.size() > 1) {
    std::sort(v.begin(), v.end(),
              [](const ConnEntry* a, const ConnEntry* b) { return *a->key < *b->key; });
  }
}

std::vector<ConnEntry*> ConnectionTable::in_key_order() {
  std::vector<ConnEntry*> v;
  v.reserve(map_.size());
  for (auto& [k, e] : map_) v.push_back(&e);
  sort_by_key(v);
  return v;
}

void ConnectionTable::take(Duty d, std::vector<ConnEntry*>& out) {
  auto i = static_cast<std::size_t>(d);
  out.clear();
  out.swap(lists_[i]);
  for (ConnEntry* e : out) e->queued = static_cast<std::uint8_t>(e->queued & ~(1u << i));
  sort_by_key(out);
}

void ConnectionTable::file_touched() {
  std::vector<ConnEntry*>& list = lists_[static_cast<std::size_t>(Duty::Deadline)];
  for (ConnEntry* e : list) {
    e->queued =
        static_cast<std::uint8_t>(e->queued & ~(1u << static_cast<unsigned>(Duty::Deadline)));
    Nanos d = e->conn->next_deadline();
    if (d < e->filed) {
      heap_.push_back(Filing{d, e->slot, generations_[e->slot]});
      std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
      e->filed = d;
    }
  }
  list.clear();
}

void ConnectionTable::pop_top() {
  std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
  heap_.pop_back();
}

const ConnectionTable::Filing* ConnectionTable::valid_top() {
  file_touched();
  while (!heap_.empty()) {
    const Filing f = heap_.front();
    ConnEntry* e = generations_[f.slot] == f.generation ? slots_[f.slot] : nullptr;
    if (e == nullptr || e->filed != f.at) {
      pop_top();  // of an erased entry, or superseded by an earlier filing
      continue;
    }
    Nanos d = e->conn->next_deadline();
    if (d == f.at) return &heap_.front();
    // The deadline moved since it was filed: file it again where it is now.
    pop_top();
    e->filed = kNever;
    if (d != kNever) {
      heap_.push_back(Filing{d, e->slot, f.generation});
      std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
      e->filed = d;
    }
  }
  return nullptr;
}

Nanos ConnectionTable::next_deadline() {
  const Filing* top = valid_top();
  return top == nullptr ? kNever : top->at;
}

void ConnectionTable::take_due(Nanos now, std::vector<ConnEntry*>& out) {
  out.clear();
  for (const Filing* top = valid_top(); top != nullptr && top->at <= now; top = valid_top()) {
    ConnEntry* e = slots_[top->slot];
    pop_top();
    e->filed = kNever;
    out.push_back(e);
  }
  sort_by_key(out);
  for (ConnEntry* e : out) touch(*e);
}

}  // namespace tcpsim::tcp
