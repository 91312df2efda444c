// The snippets of docs/tcp.md in the context they assume (a configuration, two endpoints,
// the time), compiled and run; tests/shell/doc_code.py checks that each snippet is here
// word for word.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include <tcpsim/stack/tcp/connection.hpp>
#include <tcpsim/stack/tcp/tcp_stack.hpp>

namespace {

using namespace tcpsim;

TEST(TcpDoc, Connection_HandshakeThroughItsInputsAndOutputs) {
  tcp::TcpConfig config;
  tcp::Endpoint local{*wire::IpAddress::parse("10.0.0.1"), 40000};
  tcp::Endpoint remote{*wire::IpAddress::parse("10.0.0.2"), 80};
  std::uint32_t iss = 1000;
  std::uint32_t ts_offset = 0;
  Nanos now = 0;
  // clang-format off
  tcp::Connection conn(config, local, remote, iss, ts_offset);
  // clang-format on
  std::vector<tcp::Segment> out;
  conn.open_active(now);
  conn.poll_transmit(now, out);
  ASSERT_EQ(out.size(), 1u);  // the SYN
  EXPECT_EQ(conn.state(), tcp::State::SynSent);

  // The peer's SYN,ACK, 10 ms later.
  now = 10 * kMillisecond;
  out.clear();
  tcp::Segment seg;
  seg.header.src_port = 80;
  seg.header.dst_port = 40000;
  seg.header.seq = 5000;
  seg.header.ack = iss + 1;
  seg.header.flags = wire::tcp_flag::kSyn | wire::tcp_flag::kAck;
  seg.header.window = 65535;
  // clang-format off
  conn.on_segment(now, seg);              // or a user call
  conn.poll_transmit(now, out);           // send what it produced
  // ... later, when the clock reaches conn.next_deadline():
  conn.on_timer(now);
  conn.poll_transmit(now, out);
  // clang-format on
  EXPECT_EQ(conn.state(), tcp::State::Established);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.front().header.ack, 5001u);  // the ACK of the peer's SYN
}

TEST(TcpDoc, Stack_OwnsTheHostsAddresses) {
  tcp::TcpConfig config;
  // clang-format off
  tcp::TcpStack stack(config, /*isn_secret=*/42);
  stack.add_address(*wire::IpAddress::parse("10.0.0.1"));
  // clang-format on
  EXPECT_TRUE(stack.is_local(*wire::IpAddress::parse("10.0.0.1")));
  EXPECT_FALSE(stack.is_local(*wire::IpAddress::parse("10.0.0.2")));
}

}  // namespace
