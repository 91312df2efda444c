// Two hosts' TCP layers joined by a wire the test owns: handshake and refusal.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <tcpsim/stack/tcp/tcp_stack.hpp>

namespace {

using namespace tcpsim;
using tcp::Errno;
using tcp::Fd;
using tcp::State;

wire::IpAddress ip(const char* text) {
  return *wire::IpAddress::parse(text);
}

class TwoHosts : public ::testing::Test {
 protected:
  TwoHosts() : client(tcp::TcpConfig{}, /*isn_secret=*/1), server(tcp::TcpConfig{}, 2) {
    client.add_address(ip("10.0.0.1"));
    server.add_address(ip("10.0.0.2"));
  }

  // Runs both hosts until `until`: whatever a stack sends reaches the other one `delay`
  // later, and each timer fires at its deadline. Every segment sent is logged in order.
  void run_until(Nanos until) {
    for (;;) {
      collect(client, "client");
      collect(server, "server");
      Nanos next = std::min({client.next_deadline(), server.next_deadline(),
                             wire_.empty() ? kNever : wire_.front().arrives});
      if (next > until) break;
      now = next;
      if (!wire_.empty() && wire_.front().arrives == now) {
        tcp::IpSegment seg = std::move(wire_.front().segment);
        wire_.pop_front();
        (seg.dst == ip("10.0.0.1") ? client : server).on_segment(now, seg);
      } else {
        client.on_timer(now);
        server.on_timer(now);
      }
    }
    now = until;
  }

  tcp::TcpStack client;
  tcp::TcpStack server;
  Nanos now = 0;
  Nanos delay = 5 * kMillisecond;
  std::vector<std::string> log;  // "client SYN", "server SYN,ACK", ...

 private:
  struct InFlight {
    Nanos arrives;
    tcp::IpSegment segment;
  };
  // Takes what a stack wants to send and puts it on the wire. The delay is the same for
  // every segment, so the queue stays in order of arrival.
  void collect(tcp::TcpStack& stack, const char* name) {
    std::vector<tcp::IpSegment> out;
    stack.poll_transmit(now, out);
    for (tcp::IpSegment& seg : out) {
      log.push_back(std::string(name) + " " + wire::flags_to_string(seg.segment.header.flags));
      wire_.push_back({now + delay, std::move(seg)});
    }
  }
  std::deque<InFlight> wire_;
};

TEST_F(TwoHosts, ConnectToListener_ThreeWayHandshake) {
  Fd listener = server.socket();
  ASSERT_EQ(server.bind(listener, {ip("10.0.0.2"), 80}), Errno::Ok);
  ASSERT_EQ(server.listen(now, listener, /*backlog=*/4), Errno::Ok);

  Fd sock = client.socket();
  EXPECT_EQ(client.connect(now, sock, {ip("10.0.0.2"), 80}), Errno::InProgress);
  EXPECT_EQ(client.connection(sock)->state(), State::SynSent);

  run_until(100 * kMillisecond);

  EXPECT_EQ(log, (std::vector<std::string>{"client SYN", "server SYN,ACK", "client ACK"}));
  EXPECT_EQ(client.connection(sock)->state(), State::Established);

  Fd accepted = -1;
  tcp::Endpoint peer;
  ASSERT_EQ(server.accept(listener, accepted, &peer), Errno::Ok);
  EXPECT_EQ(peer.addr, ip("10.0.0.1"));
  EXPECT_EQ(server.connection(accepted)->state(), State::Established);
  EXPECT_EQ(server.accept(listener, accepted), Errno::Again);  // nobody else is waiting

  // The handshake took one round trip on the client's side: 2 * 5 ms.
  EXPECT_EQ(client.connection(sock)->info().srtt, 10 * kMillisecond);
}

TEST_F(TwoHosts, ConnectToClosedPort_RstAck_ConnRefused) {
  Fd sock = client.socket();
  ASSERT_EQ(client.connect(now, sock, {ip("10.0.0.2"), 81}), Errno::InProgress);

  run_until(100 * kMillisecond);

  // RFC 9293 §3.10.7.1: no socket on port 81, so the server host answers the SYN with
  // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
  EXPECT_EQ(log, (std::vector<std::string>{"client SYN", "server RST,ACK"}));
  EXPECT_EQ(client.connection(sock)->state(), State::Closed);

  int err = 0;
  ASSERT_EQ(client.getsockopt(sock, tcp::SockOpt::Error, err), Errno::Ok);
  EXPECT_EQ(static_cast<Errno>(err), Errno::ConnRefused);

  // SO_ERROR reported the error and cleared it, as on Linux and BSD; what is left is a
  // socket on a dead connection, and sending into it is EPIPE.
  std::size_t written = 0;
  std::vector<std::uint8_t> data(10, 'x');
  EXPECT_EQ(client.send(now, sock, data, written), Errno::Pipe);
  EXPECT_EQ(server.rst_sent_for_closed_ports(), 1u);
}

}  // namespace
