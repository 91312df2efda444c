// A connection brought to each RFC 9293 state by a real exchange, so a test starts where
// it means to. The exchanges, with our segments on the left (relative numbers):
//
//   syn_sent       client: open                         > S 0:0(0)
//   syn_received   server: SYN to a listener            < S 0:0(0)      > S. 0:0(0) ack 1
//                  client: simultaneous open            > S 0:0(0)  < S 0:0(0)  > S. 0:0(0) ack 1
//   established    client: SYN-SENT, < S. 0:0(0) ack 1, > . 1:1(0) ack 1
//                  server: SYN-RECEIVED, < . 1:1(0) ack 1
//   fin_wait_1     ESTABLISHED, close                   > F. 1:1(0) ack 1
//   fin_wait_2     FIN-WAIT-1, < . 1:1(0) ack 2
//   close_wait     ESTABLISHED, < F. 1:1(0) ack 1       > . 1:1(0) ack 2
//   closing        FIN-WAIT-1, < F. 1:1(0) ack 1        > . 2:2(0) ack 2
//   last_ack       CLOSE-WAIT, close                    > F. 1:1(0) ack 2
//   time_wait      FIN-WAIT-2, < F. 1:1(0) ack 2        > . 2:2(0) ack 2
//
// After the handshake both sides continue alike. LISTEN belongs to a host's TcpStack,
// not to one connection, and SYN-SENT only to a client: asking for them fails the test.
#pragma once

#include <gtest/gtest.h>

#include <tcpsim/testing/test_connection.hpp>
#include "stack/tcp/state.hpp"

namespace tcpsim::testing {

TestConnection in_state(tcp::State s, Side side = Side::Client,
                        tcp::TcpConfig cfg = TestConnection::plain_config());

inline TestConnection closed(Side side = Side::Client) {
  return in_state(tcp::State::Closed, side);
}
inline TestConnection syn_sent() {
  return in_state(tcp::State::SynSent, Side::Client);
}
inline TestConnection syn_received(Side side = Side::Server) {
  return in_state(tcp::State::SynReceived, side);
}
inline TestConnection established(Side side = Side::Client) {
  return in_state(tcp::State::Established, side);
}
inline TestConnection fin_wait_1(Side side = Side::Client) {
  return in_state(tcp::State::FinWait1, side);
}
inline TestConnection fin_wait_2(Side side = Side::Client) {
  return in_state(tcp::State::FinWait2, side);
}
inline TestConnection close_wait(Side side = Side::Client) {
  return in_state(tcp::State::CloseWait, side);
}
inline TestConnection closing(Side side = Side::Client) {
  return in_state(tcp::State::Closing, side);
}
inline TestConnection last_ack(Side side = Side::Client) {
  return in_state(tcp::State::LastAck, side);
}
inline TestConnection time_wait(Side side = Side::Client) {
  return in_state(tcp::State::TimeWait, side);
}

// A fixture per state, for tests named State_Event_Outcome:
//
//   using TimeWait = tcpsim::testing::InState<tcpsim::tcp::State::TimeWait>;
//   TEST_F(TimeWait, RetransmittedFin_IsAckedAgain) {
//     peer.sends("F. 1:1(0) ack 2");
//     EXPECT_SENT(tcb, ". 2:2(0) ack 2");
//   }
template <tcp::State S, Side side = Side::Client>
class InState : public ::testing::Test {
 protected:
  TestConnection tcb = in_state(S, side);
  Peer& peer = tcb.peer;
};

}  // namespace tcpsim::testing
