// Reaching each state through the exchanges listed in states.hpp.
#include "tcpsim/testing/states.hpp"

namespace tcpsim::testing {

using tcp::State;

namespace {

// Each step checks what it expects, so a helper that cannot reach its state says where.
void step_syn_sent(TestConnection& c) {
  c.conn->open_active(c.now);
  c.expect_sent("S 0:0(0)");
}

void step_syn_received(TestConnection& c) {
  if (c.side == Side::Server) {
    c.conn->open_from_listen(c.now, c.make("S 0:0(0) win 65535 <mss 1460>"));
  } else {
    step_syn_sent(c);
    c.peer.sends("S 0:0(0) win 65535 <mss 1460>");
  }
  c.expect_sent("S. 0:0(0) ack 1");
}

void step_established(TestConnection& c) {
  if (c.side == Side::Server) {
    step_syn_received(c);
    c.peer.sends(". 1:1(0) ack 1");
    c.expect_nothing();
  } else {
    step_syn_sent(c);
    c.peer.sends("S. 0:0(0) ack 1 win 65535 <mss 1460>");
    c.expect_sent(". 1:1(0) ack 1");
  }
}

void step_fin_wait_1(TestConnection& c) {
  step_established(c);
  c.conn->close(c.now);
  c.expect_sent("F. 1:1(0) ack 1");
}

void step_fin_wait_2(TestConnection& c) {
  step_fin_wait_1(c);
  c.peer.sends(". 1:1(0) ack 2");
  c.expect_nothing();
}

void step_close_wait(TestConnection& c) {
  step_established(c);
  c.peer.sends("F. 1:1(0) ack 1");
  c.expect_sent(". 1:1(0) ack 2");
}

}  // namespace

void TestConnection::go_to(State s) {
  switch (s) {
    case State::Closed:
      return;
    case State::Listen:
      ADD_FAILURE() << "LISTEN is a state of a TcpStack's listener, not of one connection";
      return;
    case State::SynSent:
      if (side == Side::Server) {
        ADD_FAILURE() << "SYN-SENT is reached by an active open: use Side::Client";
        return;
      }
      step_syn_sent(*this);
      break;
    case State::SynReceived:
      step_syn_received(*this);
      break;
    case State::Established:
      step_established(*this);
      break;
    case State::FinWait1:
      step_fin_wait_1(*this);
      break;
    case State::FinWait2:
      step_fin_wait_2(*this);
      break;
    case State::CloseWait:
      step_close_wait(*this);
      break;
    case State::Closing:
      step_fin_wait_1(*this);
      peer.sends("F. 1:1(0) ack 1");
      expect_sent(". 2:2(0) ack 2");
      break;
    case State::LastAck:
      step_close_wait(*this);
      conn->close(now);
      expect_sent("F. 1:1(0) ack 2");
      break;
    case State::TimeWait:
      step_fin_wait_2(*this);
      peer.sends("F. 1:1(0) ack 2");
      expect_sent(". 2:2(0) ack 2");
      break;
  }
  EXPECT_EQ(tcp::to_string(state()), tcp::to_string(s)) << "could not reach the state";
}

TestConnection in_state(State s, Side side, tcp::TcpConfig cfg) {
  TestConnection c(std::move(cfg), side);
  c.go_to(s);
  return c;
}

}  // namespace tcpsim::testing
