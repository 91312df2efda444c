// The test-support kit itself: the notation, its diff, the state helpers on both sides,
// the printers and the matchers' messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tcpsim/testing/testing.hpp>

namespace tcpsim::testing {
namespace {

using tcp::DropReason;
using tcp::Errno;
using tcp::State;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(Notation, FullSegment_ParsesEveryField) {
  SegmentSpec s = parse_segment("S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK>");
  EXPECT_EQ(s.flags, wire::tcp_flag::kSyn | wire::tcp_flag::kAck);
  EXPECT_EQ(s.start, 0u);
  EXPECT_EQ(s.len, 0u);
  EXPECT_EQ(s.ack, 1u);
  EXPECT_EQ(s.win, 65535u);
  EXPECT_EQ(s.options, "mss 1460,sackOK");
}

TEST(Notation, Mistakes_NameWhatIsWrong) {
  EXPECT_THROW(parse_segment("X 0:0(0)"), NotationError);
  try {
    parse_segment("P. 1:6(4) ack 1");
    FAIL() << "accepted a length that disagrees with the range";
  } catch (const NotationError& e) {
    EXPECT_THAT(e.what(), HasSubstr("end - start is 5 but len is 4"));
  }
  EXPECT_THROW(parse_segment(". 1:1(0) ack"), NotationError);
  EXPECT_THROW(parse_segment(". 1:1(0) wnd 5"), NotationError);
  EXPECT_THROW(parse_segment(". 1:1(0) <mss 1460"), NotationError);
  EXPECT_THROW(parse_options("foo 1", 0), NotationError);
}

TEST(Notation, FormatThenParse_RoundTripsWithRelativeSack) {
  tcp::Segment s = make_segment(parse_segment(". 1:1(0) ack 11 <nop,nop,sack 21:31>"), {100, 200});
  EXPECT_EQ(s.header.seq, 101u);
  EXPECT_EQ(s.header.ack, 211u);
  EXPECT_EQ(format_segment(s, {100, 200}), ". 1:1(0) ack 11 win 65535 <nop,nop,sack 21:31>");
}

TEST(Notation, Mismatch_DiffListsOnlyTheFieldsThatDiffer) {
  tcp::Segment got = make_segment(parse_segment(". 1:1(0) ack 1"), {});
  std::string diff = segment_diff(parse_segment(". 1:1(0) ack 2 <mss 1460>"), got, {});
  EXPECT_EQ(diff,
            "expected: . 1:1(0) ack 2 <mss 1460>\n"
            "  actual: . 1:1(0) ack 1 win 65535\n"
            "  field    expected    actual\n"
            "  ack      2           1\n"
            "  options  <mss 1460>  <>\n");
  EXPECT_EQ(segment_diff(parse_segment(". 1:1(0) <...>"), got, {}), "");
}

TEST(ExpectSent, WrongSegment_FailsWithTheDiff) {
  auto tcb = established();
  tcb.peer.sends("P. 1:6(5) ack 1");
  ::testing::AssertionResult r = tcb.next_sent_is(". 1:1(0) ack 5");
  EXPECT_FALSE(r);
  EXPECT_THAT(r.message(), HasSubstr("ack    5         6"));
  EXPECT_THAT(tcb.nothing_sent().message(), Not(HasSubstr("segment")));
}

TEST(StateHelpers, ServerSide_ReachesEveryStateByPassiveOpen) {
  for (State s : {State::SynReceived, State::Established, State::FinWait1, State::FinWait2,
                  State::CloseWait, State::Closing, State::LastAck, State::TimeWait}) {
    TestConnection tcb = in_state(s, Side::Server);
    EXPECT_THAT(tcb, IsInState(s));
    EXPECT_EQ(tcb.conn->local().port, 80);
  }
}

TEST(StateHelpers, ClientSynReceived_IsASimultaneousOpen) {
  auto tcb = syn_received(Side::Client);
  EXPECT_EQ(tcb.obs.transitions.front().to, State::SynSent);
  EXPECT_THAT(tcb, IsInState(State::SynReceived));
}

TEST(Printers, ValuesPrintInTheRfcsWords) {
  EXPECT_EQ(::testing::PrintToString(State::SynSent), "SYN-SENT");
  EXPECT_EQ(::testing::PrintToString(Errno::ConnRefused), "ECONNREFUSED (connection refused)");
  EXPECT_EQ(::testing::PrintToString(DropReason::Paws),
            std::string(tcp::to_string(DropReason::Paws)));
  tcp::Segment syn = make_segment(parse_segment("S 0:0(0) <mss 1460>"), {1000, 0});
  EXPECT_EQ(::testing::PrintToString(syn), "S 1000:1000(0) win 65535 <mss 1460>");
  EXPECT_EQ(::testing::PrintToString(syn.header.options), "<mss 1460>");
}

TEST(Matchers, Mismatch_ExplainsWithTheActualValue) {
  auto tcb = syn_sent();
  EXPECT_THAT(tcb, IsInState(State::SynSent));
  EXPECT_THAT(*tcb.conn, Not(IsInState(State::Established)));
  EXPECT_EQ(::testing::DescribeMatcher<const TestConnection&>(IsInState(State::TimeWait)),
            "is in TIME-WAIT");
  ::testing::StringMatchResultListener why;
  EXPECT_FALSE(::testing::ExplainMatchResult(DroppedBecause(DropReason::Paws), tcb, &why));
  EXPECT_EQ(why.str(), "which has dropped no segment");
  tcb.peer.sends("R 0:0(0)");
  EXPECT_THAT(tcb, DroppedBecause(DropReason::SynSentRstNoAck));
  EXPECT_THAT(tcb, HasError(Errno::Ok));
}

}  // namespace
}  // namespace tcpsim::testing
