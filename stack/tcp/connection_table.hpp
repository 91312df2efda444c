// A host's connections by 4-tuple, and the work each one is owed. The stack's periodic
// duties — collect output, look at the sockets' readiness, know the next deadline, let go
// of finished connections — concern only the connections something happened to since the
// duty last ran. A connection is "touched" by every input, timer, user call or poll, and
// each duty then takes the touched ones from its own list. So a segment costs the same
// whether the host has one connection or ten thousand; nothing walks them all.
//
// Deadlines are kept in a lazy min-heap: a connection is filed again only when its
// deadline comes earlier than the one filed; one that moved later (the retransmission
// timer restarted by every ACK) is corrected when its old filing reaches the top.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "stack/tcp/connection.hpp"

namespace tcpsim::tcp {

using Fd = int;

struct ConnKey {
  Endpoint local, remote;
  auto operator<=>(const ConnKey&) const = default;
  bool operator==(const ConnKey&) const = default;
};

struct ConnKeyHash {
  std::size_t operator()(const ConnKey& k) const noexcept {
    std::size_t h = std::hash<wire::IpAddress>{}(k.local.addr);
    h = h * 1099511628211u ^ std::hash<wire::IpAddress>{}(k.remote.addr);
    return h * 1099511628211u ^ (std::size_t{k.local.port} << 16 | k.remote.port);
  }
};

// The duties that take touched connections, each from a list of its own.
enum class Duty : std::uint8_t { Poll, Notify, Sweep, Deadline };
constexpr std::size_t kDutyCount = 4;
constexpr std::uint8_t duty_bit(Duty d) {
  return static_cast<std::uint8_t>(1u << static_cast<unsigned>(d));
}
constexpr std::uint8_t kEveryDuty = (1u << kDutyCount) - 1;

struct ConnEntry {
  std::unique_ptr<Connection> conn;
  Fd socket = -1;    // owning socket, -1 when orphaned (closed by the user)
  Fd listener = -1;  // listener that spawned it, until accepted
  // A FreeBSD SYN cache entry whose listener closed: it keeps its timers, but what
  // arrives for it finds no listener (TcpStack::deliver).
  bool orphan_entry = false;
  const ConnKey* key = nullptr;
  std::uint32_t slot = 0;   // index in the table's slots (see DeadlineRef)
  Nanos filed = kNever;     // the deadline it is filed under in the heap
  std::uint8_t queued = 0;  // bit per Duty: on that duty's list
};

class ConnectionTable {
 public:
  ConnEntry* find(const ConnKey& k);
  const ConnEntry* find(const ConnKey& k) const;
  bool contains(const ConnKey& k) const { return map_.count(k) != 0; }
  // A new entry for k (which must be free), touched.
  ConnEntry& insert(const ConnKey& k, std::unique_ptr<Connection> c);
  void erase(ConnEntry& e);
  std::size_t size() const { return map_.size(); }
  // Whether any connection has this local port.
  bool port_used(std::uint16_t port) const { return ports_.count(port) != 0; }

  // Every entry, in key order (for displays and the rare whole-host operations).
  template <class F>
  void for_each(F&& f) {
    for (ConnEntry* e : in_key_order()) f(*e);
  }
  template <class F>
  void for_each(F&& f) const {
    for (const ConnEntry* e : const_cast<ConnectionTable*>(this)->in_key_order()) f(*e);
  }

  // Something happened to e: every duty must look at it again.
  void touch(ConnEntry& e) { touch(e, kEveryDuty); }
  // Only the duties in `duties` (bits by Duty) must look at it again.
  void touch(ConnEntry& e, std::uint8_t duties);
  // The entries touched since `d` last took them, in key order; its list is emptied.
  void take(Duty d, std::vector<ConnEntry*>& out);

  // The earliest deadline of any connection, exactly (kNever when none).
  Nanos next_deadline();
  // The entries whose deadline is at or before now, in key order; they are unfiled and
  // touched, so their new deadlines are filed before the next question.
  void take_due(Nanos now, std::vector<ConnEntry*>& out);

 private:
  struct Filing {
    Nanos at;
    std::uint32_t slot;
    std::uint32_t generation;
    bool operator>(const Filing& o) const { return at > o.at; }
  };
  void file_touched();
  // The top filing, once it is valid (its entry lives and its deadline is still `at`).
  const Filing* valid_top();
  void pop_top();
  static void sort_by_key(std::vector<ConnEntry*>& v);
  std::vector<ConnEntry*> in_key_order();

  // Hashed, so that finding a segment's connection takes the same time among ten thousand
  // as among ten; nodes do not move, so entries may be pointed at.
  std::unordered_map<ConnKey, ConnEntry, ConnKeyHash> map_;
  std::array<std::vector<ConnEntry*>, kDutyCount> lists_;
  // Slots name entries in the heap: a filing whose generation differs is of an entry
  // since erased.
  std::vector<ConnEntry*> slots_;
  std::vector<std::uint32_t> generations_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<Filing> heap_;                                // min-heap on `at`
  std::unordered_map<std::uint16_t, std::uint32_t> ports_;  // local port → connections
};

}  // namespace tcpsim::tcp
