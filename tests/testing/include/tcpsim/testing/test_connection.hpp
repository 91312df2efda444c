// One tcp::Connection under test, with the test playing its peer (DESIGN principle 9):
//
//   auto tcb = tcpsim::testing::syn_sent();                      // states.hpp
//   tcb.peer.sends("S. 0:0(0) ack 1 win 65535 <mss 1460>");
//   EXPECT_SENT(tcb, ". 1:1(0) ack 1");
//   EXPECT_THAT(tcb, IsInState(State::Established));             // matchers.hpp
//
// Segments are written in the compact notation (notation.hpp) with sequence numbers
// relative to the ISNs: ours is kIss, the peer's kPeerIsn. The connection is 10.0.0.1 and
// the peer 10.0.0.2; the client side uses port 40000 and the server port 80. Time is `now`,
// moved only by advance() and fire_next_timer().
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tcpsim/testing/notation.hpp>
#include "stack/tcp/connection.hpp"

namespace tcpsim::testing {

// Which end of the handshake the connection under test is.
enum class Side : std::uint8_t { Client, Server };

// Keeps what the connection reports: state changes with their RFC rule, and drops.
class RecordingObserver : public tcp::ConnectionObserver {
 public:
  struct Transition {
    tcp::State from, to;
    std::string rule;
  };
  void on_state(const tcp::Connection&, Nanos, tcp::State from, tcp::State to,
                std::string_view rule) override;
  void on_drop(const tcp::Connection&, Nanos, const tcp::Segment&, tcp::DropReason r) override;

  std::vector<Transition> transitions;
  std::vector<tcp::DropReason> drops;
};

class TestConnection;

// The far end, played by the test: what it sends goes straight into the connection.
class Peer {
 public:
  explicit Peer(TestConnection& conn) : conn_(&conn) {}
  // Injects a segment written in the notation, numbered from the peer's ISN.
  void sends(std::string_view compact);
  void sends(const tcp::Segment& s);

 private:
  friend class TestConnection;
  TestConnection* conn_;
};

class TestConnection {
 public:
  static constexpr std::uint32_t kIss = 1000;         // our ISN
  static constexpr std::uint32_t kPeerIsn = 5000000;  // the peer's ISN

  explicit TestConnection(tcp::TcpConfig cfg = plain_config(), Side side = Side::Client);
  TestConnection(TestConnection&& other) noexcept;
  TestConnection& operator=(TestConnection&&) = delete;
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;
  ~TestConnection() = default;

  // No options on the wire but MSS, 65535-byte buffers (the largest unscaled window), no
  // delayed ACK, a 1 s initial RTO: segments stay short to read and check.
  static tcp::TcpConfig plain_config();

  // Brings a fresh connection to `s` through a real exchange (states.hpp lists which).
  void go_to(tcp::State s);

  // From the peer (the same as peer.sends).
  void inject(std::string_view compact);
  void inject(const tcp::Segment& s);

  // Takes the next segment the connection sent and compares it with `compact`; the failure
  // message is a field-by-field diff. EXPECT_SENT / ASSERT_SENT below report at the caller.
  ::testing::AssertionResult next_sent_is(std::string_view compact);
  ::testing::AssertionResult nothing_sent();
  void expect_sent(std::string_view compact) { EXPECT_TRUE(next_sent_is(compact)); }
  void expect_nothing() { EXPECT_TRUE(nothing_sent()); }
  // Every segment sent since the last check, in the notation, and forgets them.
  std::vector<std::string> drain();

  void advance(Nanos d);  // moves time on, firing each timer when it falls due
  void fire_next_timer();
  // The application writes n bytes ('A', 'B', ...) / reads everything there is.
  std::size_t send_app(std::size_t n);
  std::string recv_app();

  tcp::State state() const { return conn->state(); }
  std::optional<tcp::DropReason> last_drop() const;
  // A segment from the peer, as inject would build it.
  tcp::Segment make(std::string_view compact) const;
  // A segment the connection sent, in the notation.
  std::string describe(const tcp::Segment& s) const;
  Numbering outbound() const { return {kIss, kPeerIsn}; }
  Numbering inbound() const { return {kPeerIsn, kIss}; }
  std::uint16_t local_port() const { return side == Side::Client ? 40000 : 80; }
  std::uint16_t remote_port() const { return side == Side::Client ? 80 : 40000; }

  Side side;
  tcp::TcpConfig cfg;
  std::unique_ptr<tcp::Connection> conn;
  RecordingObserver obs;
  Nanos now = 0;
  std::vector<tcp::Segment> sent;  // sent and not yet checked
  Peer peer{*this};

 private:
  void pump();
};

}  // namespace tcpsim::testing

// Checks the next segment `conn` (a TestConnection) sent, reporting at the caller's line.
#define TCPSIM_SENT_CHECK_(result, on_failure)               \
  switch (0)                                                 \
  case 0:                                                    \
  default:                                                   \
    if (const ::testing::AssertionResult tcpsim_r_ = result) \
      ;                                                      \
    else                                                     \
      on_failure << tcpsim_r_.message()
#define EXPECT_SENT(conn, compact) TCPSIM_SENT_CHECK_((conn).next_sent_is(compact), ADD_FAILURE())
#define ASSERT_SENT(conn, compact) TCPSIM_SENT_CHECK_((conn).next_sent_is(compact), GTEST_FAIL())
#define EXPECT_NOTHING_SENT(conn) TCPSIM_SENT_CHECK_((conn).nothing_sent(), ADD_FAILURE())
