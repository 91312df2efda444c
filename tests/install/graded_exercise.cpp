// The grading tests of the exercise in exercise_answers.hpp: one test per question, each
// from a fixture for the state the question starts in. A question scores when its test
// passes; `ctest` or the program's summary gives the mark.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include <tcpsim/testing/testing.hpp>

#include "exercise_answers.hpp"

namespace {

using namespace tcpsim::testing;
using tcpsim::tcp::State;

// Checks a student's answer: the segment sent (or none) and the state after.
void grade(TestConnection& tcb, const answers::Answer& a) {
  if (std::string(a.sent).empty()) {
    EXPECT_NOTHING_SENT(tcb);
  } else {
    EXPECT_SENT(tcb, a.sent);
  }
  EXPECT_THAT(tcb, IsInState(a.state));
}

using InEstablished = InState<State::Established>;
using InFinWait1 = InState<State::FinWait1>;
using InFinWait2 = InState<State::FinWait2>;
using InCloseWait = InState<State::CloseWait>;
using InLastAck = InState<State::LastAck>;

TEST_F(InEstablished, Q1_Close) {
  tcb.conn->close(tcb.now);
  grade(tcb, answers::kCloseInEstablished);
}

TEST_F(InFinWait1, Q2_AckOfFin) {
  peer.sends(". 1:1(0) ack 2");
  grade(tcb, answers::kAckOfFinInFinWait1);
}

TEST_F(InFinWait2, Q3_Fin) {
  peer.sends("F. 1:1(0) ack 2");
  grade(tcb, answers::kFinInFinWait2);
}

TEST_F(InFinWait1, Q4_CrossingFin) {
  peer.sends("F. 1:1(0) ack 1");
  grade(tcb, answers::kFinInFinWait1);
}

TEST_F(InCloseWait, Q5_Close) {
  tcb.conn->close(tcb.now);
  grade(tcb, answers::kCloseInCloseWait);
}

TEST_F(InLastAck, Q6_AckOfFin) {
  peer.sends(". 2:2(0) ack 2");
  grade(tcb, answers::kAckOfFinInLastAck);
}

}  // namespace
