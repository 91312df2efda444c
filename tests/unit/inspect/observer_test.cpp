// The observer's state machine on hand-built captures: each test is a capture, then the
// states inferred for both ends (RFC 9293 §3.10), as an observer on the path sees them.
#include <gtest/gtest.h>

#include "tests/unit/inspect/inspect_fixture.hpp"

namespace tcpsim::sim::inspect {
namespace {

using testing::Capture;
using testing::f::kAck;
using testing::f::kFin;
using testing::f::kPsh;
using testing::f::kRst;
using testing::f::kSyn;
using V = std::vector<std::string>;

TEST(InspectObserver, ThreeWayHandshake_BothEstablished) {
  Capture c;
  c.handshake();
  EXPECT_EQ(c.states(c.a()), (V{"CLOSED->SYN-SENT", "SYN-SENT->ESTABLISHED"}));
  EXPECT_EQ(c.states(c.b()), (V{"LISTEN->SYN-RECEIVED", "SYN-RECEIVED->ESTABLISHED"}));
  EXPECT_TRUE(c.anomalies().empty());
  ASSERT_EQ(c.finish().connections.size(), 1U);
  EXPECT_TRUE(c.finish().connections[0].handshake_seen);
}

TEST(InspectObserver, SynUnanswered_OnlyTheOpenerIsKnown) {
  Capture c;
  c.send({true, kSyn, 1000, 0});
  EXPECT_EQ(c.states(c.a()), (V{"CLOSED->SYN-SENT"}));
  EXPECT_TRUE(c.states(c.b()).empty());  // LISTEN is not shown by anything yet
  EXPECT_FALSE(c.finish().connections[0].b.last.has_value());
}

TEST(InspectObserver, SimultaneousOpen_BothPassSynReceived) {
  Capture c;
  c.send({true, kSyn, 1000, 0})
      .send({false, kSyn, 5000, 0})
      .send({true, kSyn | kAck, 1000, 5001})
      .send({false, kSyn | kAck, 5000, 1001})
      .send({true, kAck, 1001, 5001});
  V both = {"CLOSED->SYN-SENT", "SYN-SENT->SYN-RECEIVED", "SYN-RECEIVED->ESTABLISHED"};
  EXPECT_EQ(c.states(c.a()), both);
  EXPECT_EQ(c.states(c.b()), both);
}

TEST(InspectObserver, FourWayClose_ActiveEndInTimeWait) {
  Capture c;
  c.handshake()
      .send({true, kFin | kAck, 1001, 5001})
      .send({false, kAck, 5001, 1002})
      .send({false, kFin | kAck, 5001, 1002})
      .send({true, kAck, 1002, 5002});
  EXPECT_EQ(c.states(c.a()),
            (V{"CLOSED->SYN-SENT", "SYN-SENT->ESTABLISHED", "ESTABLISHED->FIN-WAIT-1",
               "FIN-WAIT-1->FIN-WAIT-2", "FIN-WAIT-2->TIME-WAIT"}));
  EXPECT_EQ(c.states(c.b()),
            (V{"LISTEN->SYN-RECEIVED", "SYN-RECEIVED->ESTABLISHED", "ESTABLISHED->CLOSE-WAIT",
               "CLOSE-WAIT->LAST-ACK", "LAST-ACK->CLOSED"}));
}

TEST(InspectObserver, FinUnacknowledged_ReceiverNotMovedToCloseWait) {
  Capture c;
  c.handshake().send({true, kFin | kAck, 1001, 5001});
  EXPECT_EQ(c.states(c.b()).back(), "SYN-RECEIVED->ESTABLISHED");
  EXPECT_EQ(c.states(c.a()).back(), "ESTABLISHED->FIN-WAIT-1");
}

TEST(InspectObserver, SimultaneousClose_BothThroughClosing) {
  Capture c;
  c.handshake()
      .send({true, kFin | kAck, 1001, 5001})   // a's FIN does not ack b's
      .send({false, kFin | kAck, 5001, 1001})  // b's FIN does not ack a's: sent before it came
      .send({true, kAck, 1002, 5002})
      .send({false, kAck, 5002, 1002});
  V tail = {"ESTABLISHED->FIN-WAIT-1", "FIN-WAIT-1->CLOSING", "CLOSING->TIME-WAIT"};
  V a = c.states(c.a());
  V b = c.states(c.b());
  EXPECT_EQ(V(a.end() - 3, a.end()), tail);
  EXPECT_EQ(V(b.end() - 3, b.end()), tail);
}

TEST(InspectObserver, RstAtRcvNxt_Acceptable_BothClosed) {
  Capture c;
  c.handshake().send({true, kPsh | kAck, 1001, 5001, 100}).send({false, kAck, 5001, 1101});
  c.send({false, kRst | kAck, 5001, 1101});
  EXPECT_EQ(c.states(c.a()).back(), "ESTABLISHED->CLOSED");
  EXPECT_EQ(c.states(c.b()).back(), "ESTABLISHED->CLOSED");
  EXPECT_EQ(c.anomalies(), (V{"rst-acceptable@6"}));
}

TEST(InspectObserver, RstOutsideTheWindow_Unacceptable_NoChange) {
  Capture c;
  c.handshake().send({false, kRst, 900000, 0});
  EXPECT_EQ(c.states(c.a()).back(), "SYN-SENT->ESTABLISHED");
  EXPECT_EQ(c.states(c.b()).back(), "SYN-RECEIVED->ESTABLISHED");
  EXPECT_EQ(c.anomalies(), (V{"rst-unacceptable@4"}));
}

TEST(InspectObserver, RstInWindowNotRcvNxt_ChallengedNoChange) {
  Capture c;
  c.handshake().send({false, kRst, 5001 + 100, 0});
  EXPECT_EQ(c.anomalies(), (V{"rst-unacceptable@4"}));
  EXPECT_NE(c.finish().events.back().get_string("detail")->find("challenge ACK"),
            std::string::npos);
  // Not EXPECT_EQ: printing a State here would bypass the testing kit's printer for it.
  EXPECT_TRUE(c.finish().connections[0].a.last == tcp::State::Established);
}

TEST(InspectObserver, RstAnsweringSyn_Refused_OpenerClosed) {
  Capture c;
  c.send({true, kSyn, 1000, 0}).send({false, kRst | kAck, 0, 1001});
  EXPECT_EQ(c.states(c.a()), (V{"CLOSED->SYN-SENT", "SYN-SENT->CLOSED"}));
  EXPECT_TRUE(c.states(c.b()).empty());
  EXPECT_EQ(c.anomalies(), (V{"rst-acceptable@2"}));
}

TEST(InspectObserver, RstInSynSentWithWrongAck_Unacceptable) {
  Capture c;
  c.send({true, kSyn, 1000, 0}).send({false, kRst | kAck, 0, 77});
  EXPECT_EQ(c.states(c.a()), (V{"CLOSED->SYN-SENT"}));
  EXPECT_EQ(c.anomalies(), (V{"rst-unacceptable@2"}));
}

TEST(InspectObserver, MidStream_AssumedEstablishedThenClosed) {
  Capture c;
  c.send({true, kPsh | kAck, 7000, 9000, 10})
      .send({false, kAck, 9000, 7010})
      .send({true, kFin | kAck, 7010, 9000})
      .send({false, kFin | kAck, 9000, 7011})
      .send({true, kAck, 7011, 9001});
  EXPECT_EQ(c.anomalies(), (V{"missing-handshake@1"}));
  EXPECT_EQ(c.states(c.a()),
            (V{"ESTABLISHED->FIN-WAIT-1", "FIN-WAIT-1->FIN-WAIT-2", "FIN-WAIT-2->TIME-WAIT"}));
  EXPECT_EQ(c.states(c.b()),
            (V{"ESTABLISHED->CLOSE-WAIT", "CLOSE-WAIT->LAST-ACK", "LAST-ACK->CLOSED"}));
  EXPECT_FALSE(c.finish().connections[0].handshake_seen);
  EXPECT_TRUE(c.finish().connections[0].a.assumed);
}

TEST(InspectObserver, NewSynAfterClose_StartsASecondConnection) {
  Capture c;
  c.send({true, kSyn, 1000, 0}).send({false, kRst | kAck, 0, 1001});
  c.send({true, kSyn, 3000, 0});
  ASSERT_EQ(c.finish().connections.size(), 2U);
  EXPECT_EQ(c.states(c.a()), (V{"CLOSED->SYN-SENT", "SYN-SENT->CLOSED", "CLOSED->SYN-SENT"}));
}

TEST(InspectObserver, StateRulesNameTheRfcSectionAndSayInferred) {
  Capture c;
  c.handshake();
  for (const TraceEvent& e : c.finish().events) {
    if (e.type != TraceType::State) continue;
    std::string rule = *e.get_string("rule");
    EXPECT_NE(rule.find("RFC 9293 §3.10."), std::string::npos) << rule;
    EXPECT_NE(rule.find("(inferred)"), std::string::npos) << rule;
  }
}

TEST(InspectObserver, Ipv6_FollowedLikeIpv4) {
  Capture c(linktype::kEthernet, /*v6=*/true);
  c.handshake();
  EXPECT_EQ(c.a(), "[2001:db8::1]:40000");
  EXPECT_EQ(c.states(c.a()), (V{"CLOSED->SYN-SENT", "SYN-SENT->ESTABLISHED"}));
  EXPECT_EQ(c.finish().connections[0].id, "[2001:db8::1]:40000>[2001:db8::2]:80");
}

}  // namespace
}  // namespace tcpsim::sim::inspect
