// Ten thousand connections at once between two hosts: every one is open at the same
// moment, and every byte of every one arrives intact.
#include <gtest/gtest.h>

#include <cstddef>

#include "stack/tcp/tcp_stack.hpp"
#include "tests/scenario/scenario_support.hpp"

namespace tcpsim::sim {
namespace {

using testing::build;

// `flows` clients on one host connect to one server within 10 ms, send 2000 bytes each and
// close at 200 ms; the server closes after them. The queue holds every initial window.
constexpr const char* kTenThousand = R"(
name = "ten-thousand"
seed = 3
duration = "600s"

[params]
flows = 10000

[[host]]
name = "client"
address = "10.0.0.1"

[[host]]
name = "server"
address = "10.0.0.2"

[[link]]
between = ["client", "server"]
rate = "10Gbps"
delay = "5ms"
queue = 100000

[[app]]
name = "server"
host = "server"
role = "server"
port = 5001
backlog = "$flows"

[[app]]
count = "$flows"
name = "c{i}"
host = "client"
connect = "server:5001"
send = 2000
start = "{i}us"
close = "200ms"

[[check]]
kind = "integrity"
)";

std::size_t established(const tcp::TcpStack& stack) {
  std::size_t n = 0;
  for (const tcp::Connection* c : stack.connections()) n += c->state() == tcp::State::Established;
  return n;
}

TEST(ManyFlows, TenThousandConcurrentConnections_AllOpenAtOnce_AllIntact) {
  auto run = build(kTenThousand);
  ASSERT_NE(run, nullptr);
  run->start();
  // By 100 ms every handshake is long done and no one has closed yet: run every event
  // before then.
  while (run->simulator().next_event_time() < 100 * kMillisecond) ASSERT_TRUE(run->step());
  ASSERT_GT(run->simulator().now(), 10 * kMillisecond);
  EXPECT_EQ(established(run->host("client")->tcp()), 10'000u);
  EXPECT_EQ(established(run->host("server")->tcp()), 10'000u);

  run->run();
  run->finish();
  RunFigures f = run->figures();
  EXPECT_EQ(f.connections, 10'000u);
  EXPECT_EQ(f.intact, 10'000u);
  EXPECT_EQ(f.errors, 0u);
  EXPECT_EQ(f.bytes, 20'000'000u);
  for (const CheckResult& c : run->evaluate_checks()) EXPECT_TRUE(c.passed) << c.description;
  // Everything closed: no connection is left but those in TIME-WAIT, and those expire.
  EXPECT_TRUE(run->host("client")->tcp().connections().empty());
  EXPECT_TRUE(run->host("server")->tcp().connections().empty());
}

}  // namespace
}  // namespace tcpsim::sim
