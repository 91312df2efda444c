// Coursework example: one tcp::Connection driven by hand, segment by segment.
//
// The connection is the client 10.0.0.1:40000 talking to a server 10.0.0.2:80 that does
// not exist: the test plays the server, builds its segments as plain values, feeds them
// to on_segment and checks what poll_transmit hands back. Time is a number the test
// chooses; nothing here sleeps or touches a network. (docs/coursework.md walks through it.)
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/script/runner.hpp"
#include "stack/tcp/connection.hpp"

namespace {

using namespace tcpsim;
using tcp::Connection;
using tcp::Errno;
using tcp::Segment;
using tcp::State;
namespace flag = wire::tcp_flag;

constexpr std::uint32_t kClientIsn = 1000;     // our initial sequence number
constexpr std::uint32_t kServerIsn = 5000000;  // the peer's, chosen by the test

// Remembers what the connection reports: each state change with the RFC rule it gives
// for it, and the reason for each segment it refuses.
struct Recorder : tcp::ConnectionObserver {
  void on_state(const Connection&, Nanos, State from, State to, std::string_view rule) override {
    transitions.push_back(std::string(tcp::to_string(from)) + " -> " +
                          std::string(tcp::to_string(to)));
    rules.emplace_back(rule);
  }
  void on_drop(const Connection&, Nanos, const Segment&, tcp::DropReason why) override {
    drops.push_back(why);
  }
  std::vector<std::string> transitions;
  std::vector<std::string> rules;
  std::vector<tcp::DropReason> drops;
};

class ClientConnection : public ::testing::Test {
 protected:
  ClientConnection() : conn(config(), client(), server(), kClientIsn, /*ts_offset=*/0) {
    conn.set_observer(&events);
  }

  // The linux profile without options on the wire, so segments stay short to check.
  static tcp::TcpConfig config() {
    tcp::TcpConfig c = *tcp::TcpConfig::profile_named("linux");
    c.sack = false;
    c.timestamps = false;
    c.window_scaling = false;
    c.syn_options = {tcp::SynOption::Mss};
    c.recv_buffer = 65535;
    return c;
  }
  static tcp::Endpoint client() { return {*wire::IpAddress::parse("10.0.0.1"), 40000}; }
  static tcp::Endpoint server() { return {*wire::IpAddress::parse("10.0.0.2"), 80}; }

  // A segment from the server. seq and ack are absolute sequence numbers.
  static Segment from_server(std::uint8_t flags, std::uint32_t seq, std::uint32_t ack,
                             std::string_view payload = {}) {
    Segment s;
    s.header.src_port = 80;
    s.header.dst_port = 40000;
    s.header.seq = seq;
    s.header.ack = ack;
    s.header.flags = flags;
    s.header.window = 65535;
    s.payload.assign(payload.begin(), payload.end());
    return s;
  }

  // Everything the connection wants to send now.
  std::vector<Segment> sent() {
    std::vector<Segment> out;
    conn.poll_transmit(now, out);
    return out;
  }

  // Open the connection and complete the handshake: SYN out, SYN,ACK in, ACK out.
  void establish() {
    conn.open_active(now);
    ASSERT_EQ(sent().size(), 1u);
    Segment syn_ack = from_server(flag::kSyn | flag::kAck, kServerIsn, kClientIsn + 1);
    syn_ack.header.options.add_mss(1460);
    conn.on_segment(now, syn_ack);
    ASSERT_EQ(sent().size(), 1u);
    ASSERT_EQ(conn.state(), State::Established);
  }

  Nanos now = 0;
  Recorder events;
  Connection conn;
};

TEST_F(ClientConnection, Closed_ActiveOpen_SendsSynEntersSynSent) {
  conn.open_active(now);

  std::vector<Segment> out = sent();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].header.flags, flag::kSyn);
  EXPECT_EQ(out[0].header.seq, kClientIsn);
  EXPECT_EQ(out[0].header.options.mss(), 1460);  // MTU 1500 - 20 (IPv4) - 20 (TCP)
  EXPECT_EQ(conn.state(), State::SynSent);
  // The retransmission timer guards the SYN: 1 s before any RTT sample (RFC 6298 (2.1)).
  EXPECT_EQ(conn.next_deadline(), now + 1 * kSecond);
}

TEST_F(ClientConnection, SynSent_SynAck_SendsAckEntersEstablished) {
  conn.open_active(now);
  sent();  // the SYN

  now += 10 * kMillisecond;  // one round trip later
  Segment syn_ack = from_server(flag::kSyn | flag::kAck, kServerIsn, kClientIsn + 1);
  syn_ack.header.options.add_mss(1460);
  conn.on_segment(now, syn_ack);

  // RFC 9293 §3.10.7.3: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, enter ESTABLISHED.
  std::vector<Segment> out = sent();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(wire::flags_to_string(out[0].header.flags), "ACK");
  EXPECT_EQ(out[0].header.seq, kClientIsn + 1);
  EXPECT_EQ(out[0].header.ack, kServerIsn + 1);
  EXPECT_TRUE(out[0].payload.empty());
  EXPECT_EQ(conn.state(), State::Established);

  tcp::TcbInfo tcb = conn.info();
  EXPECT_EQ(tcb.snd_una, kClientIsn + 1);
  EXPECT_EQ(tcb.rcv_nxt, kServerIsn + 1);
  EXPECT_EQ(tcb.srtt, 10 * kMillisecond);   // the SYN was timed
  EXPECT_EQ(conn.next_deadline(), kNever);  // nothing left to retransmit

  ASSERT_EQ(events.transitions.size(), 2u);
  EXPECT_EQ(events.transitions[0], "CLOSED -> SYN-SENT");
  EXPECT_EQ(events.transitions[1], "SYN-SENT -> ESTABLISHED");
  EXPECT_NE(events.rules[1].find("§3.10.7.3"), std::string::npos);
}

TEST_F(ClientConnection, SynSent_RstWithAcceptableAck_ClosedWithConnRefused) {
  conn.open_active(now);
  sent();

  conn.on_segment(now, from_server(flag::kRst | flag::kAck, 0, kClientIsn + 1));

  EXPECT_TRUE(sent().empty());  // a RST is never answered
  EXPECT_EQ(conn.state(), State::Closed);
  EXPECT_EQ(conn.error(), Errno::ConnRefused);
  EXPECT_EQ(tcp::errno_name(conn.error()), "ECONNREFUSED");
}

TEST_F(ClientConnection, SynSent_NoAnswer_SynRetransmittedWhenTimerFires) {
  conn.open_active(now);
  sent();

  // The caller owns the clock: jump to the deadline and tell the connection.
  now = conn.next_deadline();
  conn.on_timer(now);

  std::vector<Segment> out = sent();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].header.flags, flag::kSyn);
  EXPECT_EQ(out[0].header.seq, kClientIsn);
  EXPECT_EQ(conn.state(), State::SynSent);
  EXPECT_EQ(conn.next_deadline(), now + 2 * kSecond);  // RFC 6298 (5.5): backed off
}

TEST_F(ClientConnection, Established_Data_DelayedAckThenRead) {
  establish();

  Segment data = from_server(flag::kPsh | flag::kAck, kServerIsn + 1, kClientIsn + 1, "hello");
  conn.on_segment(now, data);

  // One segment is not acknowledged at once: the delayed-ACK timer (40 ms) runs.
  EXPECT_TRUE(sent().empty());
  EXPECT_EQ(conn.next_deadline(), now + 40 * kMillisecond);

  now = conn.next_deadline();
  conn.on_timer(now);
  std::vector<Segment> out = sent();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].header.flags, flag::kAck);
  EXPECT_EQ(out[0].header.ack, kServerIsn + 1 + 5);

  std::vector<std::uint8_t> buf(64);
  std::size_t n = 0;
  ASSERT_EQ(conn.recv(now, buf, n), Errno::Ok);
  EXPECT_EQ(std::string(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n)), "hello");
}

TEST_F(ClientConnection, Established_OutOfWindowSegment_AckedAndDropped) {
  establish();

  // RFC 9293 §3.10.7.4 first check: not acceptable, so send an ACK and drop it.
  std::uint32_t far_ahead = kServerIsn + 1 + 100000;  // beyond the 65535-byte window
  conn.on_segment(now, from_server(flag::kPsh | flag::kAck, far_ahead, kClientIsn + 1, "late"));

  std::vector<Segment> out = sent();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].header.flags, flag::kAck);
  EXPECT_EQ(out[0].header.ack, kServerIsn + 1);  // RCV.NXT did not move
  EXPECT_EQ(conn.state(), State::Established);
  EXPECT_EQ(conn.recv_queued(), 0u);
  ASSERT_EQ(events.drops.size(), 1u);
  EXPECT_EQ(events.drops[0], tcp::DropReason::Unacceptable);
}

// The same kind of test written as a packetdrill-style script (docs/scripts.md), run
// in-process by the installed library.
TEST(Script, PassiveOpenThenPeerCloses) {
  auto r = tcpsim::sim::script::run_script_text(R"(
`sysctl -q net.ipv4.tcp_timestamps=0 net.ipv4.tcp_sack=0`
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0    < S 0:0(0) win 65535 <mss 1460,nop,wscale 0>
+0    > S. 0:0(0) ack 1 <mss 1460,nop,wscale 7>
+.1   < . 1:1(0) ack 1 win 65535
+0    accept(3, ..., ...) = 4
+0    < F. 1:1(0) ack 1 win 65535
+0    > . 1:1(0) ack 2
+0    %{ assert tcpi_state == TCP_CLOSE_WAIT }%
)");
  EXPECT_TRUE(r.passed()) << r.report();
}

TEST(Script, AWrongExpectationFailsWithTheLine) {
  auto r = tcpsim::sim::script::run_script_text(R"(
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0    < S 0:0(0) win 65535 <mss 1460>
+0    > S. 0:0(0) ack 2 <...>
)");
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.line, 6);
  EXPECT_NE(r.message.find("tcp_ack_seq"), std::string::npos) << r.report();
}

}  // namespace
