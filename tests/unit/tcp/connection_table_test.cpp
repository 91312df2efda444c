// The connection table: duties take touched connections once each, in 4-tuple order, and
// the lazily corrected deadline heap always answers the true earliest deadline.
#include "stack/tcp/connection_table.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace tcpsim::tcp {
namespace {

ConnKey key(std::uint16_t local_port) {
  return ConnKey{Endpoint{*wire::IpAddress::parse("10.0.0.1"), local_port},
                 Endpoint{*wire::IpAddress::parse("10.0.0.2"), 80}};
}

// A connection whose SYN went out at `opened`: its retransmission deadline is
// opened + initial RTO.
std::unique_ptr<Connection> opened_at(const ConnKey& k, Nanos opened) {
  auto c = std::make_unique<Connection>(TcpConfig{}, k.local, k.remote, 1000, 0);
  c->open_active(opened);
  return c;
}

std::vector<std::uint16_t> ports(const std::vector<ConnEntry*>& v) {
  std::vector<std::uint16_t> out;
  for (const ConnEntry* e : v) out.push_back(e->key->local.port);
  return out;
}

// The earliest deadline by looking at every connection: what next_deadline must equal.
Nanos earliest(ConnectionTable& t) {
  Nanos d = kNever;
  t.for_each([&](const ConnEntry& e) { d = std::min(d, e.conn->next_deadline()); });
  return d;
}

TEST(ConnectionTable, Duties_TakeTouchedOnce_InKeyOrder) {
  ConnectionTable t;
  for (std::uint16_t p : {40003, 40001, 40002}) t.insert(key(p), opened_at(key(p), 0));
  std::vector<ConnEntry*> got;
  t.take(Duty::Poll, got);
  EXPECT_EQ(ports(got), (std::vector<std::uint16_t>{40001, 40002, 40003}));
  t.take(Duty::Poll, got);
  EXPECT_TRUE(got.empty());  // taken: nothing new happened
  // Touching twice queues once; another duty still has all three.
  t.touch(*t.find(key(40002)));
  t.touch(*t.find(key(40002)));
  t.take(Duty::Poll, got);
  EXPECT_EQ(ports(got), (std::vector<std::uint16_t>{40002}));
  t.take(Duty::Sweep, got);
  EXPECT_EQ(got.size(), 3u);
  // Touching for some duties only leaves the others alone.
  t.touch(*t.find(key(40003)), kEveryDuty & ~duty_bit(Duty::Poll));
  t.take(Duty::Poll, got);
  EXPECT_TRUE(got.empty());
  t.take(Duty::Notify, got);
  EXPECT_EQ(got.size(), 3u);
}

TEST(ConnectionTable, NextDeadline_IsTheEarliest_AsDeadlinesMoveBothWays) {
  ConnectionTable t;
  for (std::uint16_t i = 0; i < 50; ++i) {
    // Opened in a scrambled order of times, so the heap must sort them.
    Nanos at = ((i * 37) % 50) * kMillisecond;
    t.insert(key(40000 + i), opened_at(key(40000 + i), at));
  }
  EXPECT_EQ(t.next_deadline(), earliest(t));
  // Move deadlines later (a restarted timer) and earlier, then ask again each time.
  for (std::uint16_t i = 0; i < 50; i += 3) {
    ConnEntry& e = *t.find(key(40000 + i));
    e.conn->abort(0);  // no timers at all
    t.touch(e);
    EXPECT_EQ(t.next_deadline(), earliest(t));
  }
  ConnEntry& late = *t.find(key(40001));
  late.conn->abort(0);
  t.touch(late);
  t.erase(*t.find(key(40002)));  // its filing must be ignored from now on
  EXPECT_EQ(t.next_deadline(), earliest(t));
  EXPECT_EQ(t.size(), 49u);
}

TEST(ConnectionTable, TakeDue_ReturnsThoseAtOrBeforeNow_InKeyOrder) {
  ConnectionTable t;
  t.insert(key(40005), opened_at(key(40005), 0));
  t.insert(key(40001), opened_at(key(40001), 0));
  t.insert(key(40003), opened_at(key(40003), 500 * kMillisecond));
  const Nanos first = t.next_deadline();
  ASSERT_NE(first, kNever);
  std::vector<ConnEntry*> due;
  t.take_due(first - 1, due);
  EXPECT_TRUE(due.empty());
  t.take_due(first, due);
  EXPECT_EQ(ports(due), (std::vector<std::uint16_t>{40001, 40005}));
  // Not fired: they are filed again and still come first.
  EXPECT_EQ(t.next_deadline(), first);
  t.erase(*t.find(key(40001)));
  t.erase(*t.find(key(40005)));
  EXPECT_EQ(t.next_deadline(), first + 500 * kMillisecond);
  EXPECT_FALSE(t.port_used(40001));
  EXPECT_TRUE(t.port_used(40003));
}

}  // namespace
}  // namespace tcpsim::tcp
