// The state × event table: every row starts a connection in a state (reached through a
// real exchange), applies one event, and checks what was sent and the state after.
// docs/conformance.md is generated from these rows; a test keeps the two in step
// (run with TCPSIM_UPDATE_DOCS=1 to rewrite the document after changing a row).
#include <gtest/gtest.h>

#include <tcpsim/testing/testing.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace tcpsim::testing {
namespace {

using namespace tcpsim::tcp;

struct Row {
  State from;
  const char* event;  // "< compact segment", "send N", "close", "abort", "timer"
  const char* sent;   // expected segments, ';'-separated, "" for none
  State to;
  const char* rule;  // the text that decides the outcome
};

using S = State;

// Segments use the compact notation (see tcpsim/testing/notation.hpp): sequence numbers are
// relative to the sender's ISN, acknowledgments to the receiver's.
const Row kRows[] = {
    // ---- SYN-SENT: our SYN is out (SND.NXT = 1).
    {S::SynSent, "< S 0:0(0) <mss 1460>", "S. 0:0(0) ack 1", S::SynReceived,
     "RFC 9293 §3.10.7.3 fourth: SYN without ACK (simultaneous open)"},
    {S::SynSent, "< S. 0:0(0) ack 1 <mss 1460>", ". 1:1(0) ack 1", S::Established,
     "RFC 9293 §3.10.7.3 fourth: SYN with acceptable ACK"},
    {S::SynSent, "< . 0:0(0) ack 1", "", S::SynSent,
     "RFC 9293 §3.10.7.3 fifth: neither SYN nor RST: drop"},
    {S::SynSent, "< . 0:0(0) ack 7", "R 7:7(0)", S::SynSent,
     "RFC 9293 §3.10.7.3 first: unacceptable ACK: <SEQ=SEG.ACK><CTL=RST>"},
    {S::SynSent, "< F. 0:0(0) ack 1", "", S::SynSent,
     "RFC 9293 §3.10.7.3 fifth: FIN without SYN: drop"},
    {S::SynSent, "< R. 0:0(0) ack 1", "", S::Closed,
     "RFC 9293 §3.10.7.3 second: RST with acceptable ACK: connection refused"},
    {S::SynSent, "< R 0:0(0)", "", S::SynSent,
     "RFC 9293 §3.10.7.3 second, RFC 5961 §3.2: RST without ACK: drop"},
    {S::SynSent, "< P. 0:10(10) ack 1", "", S::SynSent,
     "RFC 9293 §3.10.7.3 fifth: data without SYN: drop"},
    {S::SynSent, "send 10", "", S::SynSent,
     "RFC 9293 §3.10.2: SEND in SYN-SENT: queue until ESTABLISHED"},
    {S::SynSent, "close", "", S::Closed, "RFC 9293 §3.10.4: CLOSE in SYN-SENT: delete the TCB"},
    {S::SynSent, "abort", "", S::Closed, "RFC 9293 §3.10.5: ABORT in SYN-SENT: no RST"},
    {S::SynSent, "timer", "S 0:0(0)", S::SynSent,
     "RFC 6298 (5.4), RFC 9293 §3.8.1: retransmit the SYN"},

    // ---- SYN-RECEIVED (from LISTEN): our SYN,ACK is out.
    {S::SynReceived, "< S 0:0(0)", "S. 0:0(0) ack 1", S::SynReceived,
     "Deviation (Linux, BSD): a retransmitted SYN gets the SYN,ACK again"},
    {S::SynReceived, "< S. 5:5(0) ack 1", "", S::Closed,
     "RFC 9293 §3.10.7.4 fourth: SYN,ACK in SYN-RECEIVED from LISTEN: return to LISTEN"},
    {S::SynReceived, "< S 5:5(0)", "", S::Closed,
     "RFC 9293 §3.10.7.4 fourth: SYN in SYN-RECEIVED from LISTEN: return to LISTEN"},
    {S::SynReceived, "< . 1:1(0) ack 1", "", S::Established,
     "RFC 9293 §3.10.7.4 fifth: ACK of our SYN: enter ESTABLISHED"},
    {S::SynReceived, "< . 1:1(0) ack 9", "R 9:9(0)", S::SynReceived,
     "RFC 9293 §3.10.7.4 fifth: unacceptable ACK: <SEQ=SEG.ACK><CTL=RST>"},
    {S::SynReceived, "< F. 1:1(0) ack 1", ". 1:1(0) ack 2", S::CloseWait,
     "RFC 9293 §3.10.7.4 fifth and eighth: ESTABLISHED, then FIN: CLOSE-WAIT"},
    {S::SynReceived, "< R 1:1(0)", "", S::Closed,
     "RFC 9293 §3.10.7.4 second: RST in SYN-RECEIVED from LISTEN"},
    {S::SynReceived, "< R 5:5(0)", ". 1:1(0) ack 1", S::SynReceived,
     "RFC 5961 §3.2: RST in window, not at RCV.NXT: challenge ACK"},
    {S::SynReceived, "< P. 1:11(10) ack 1", ". 1:1(0) ack 11", S::Established,
     "RFC 9293 §3.10.7.4 fifth and seventh: ESTABLISHED, then the text"},
    {S::SynReceived, "send 10", "", S::SynReceived,
     "RFC 9293 §3.10.2: SEND in SYN-RECEIVED: queue until ESTABLISHED"},
    {S::SynReceived, "close", "F. 1:1(0) ack 1", S::FinWait1,
     "RFC 9293 §3.10.4: CLOSE in SYN-RECEIVED: send FIN, enter FIN-WAIT-1"},
    {S::SynReceived, "abort", "R 1:1(0)", S::Closed, "RFC 9293 §3.10.5: ABORT: send RST"},
    {S::SynReceived, "timer", "S. 0:0(0) ack 1", S::SynReceived,
     "RFC 6298 (5.4): retransmit the SYN,ACK"},

    // ---- ESTABLISHED (SND.NXT = 1, RCV.NXT = 1).
    {S::Established, "< S 5:5(0)", ". 1:1(0) ack 1", S::Established,
     "RFC 5961 §4.2: SYN in a synchronized state: challenge ACK"},
    {S::Established, "< S. 5:5(0) ack 1", ". 1:1(0) ack 1", S::Established,
     "RFC 5961 §4.2: SYN,ACK in a synchronized state: challenge ACK"},
    {S::Established, "< . 1:1(0) ack 1", "", S::Established,
     "RFC 9293 §3.10.7.4 fifth: duplicate ACK with nothing outstanding: ignore"},
    {S::Established, "< . 1:1(0) ack 9", ". 1:1(0) ack 1", S::Established,
     "RFC 9293 §3.10.7.4 fifth, RFC 5961 §5.2: ACK of unsent data: ACK and drop"},
    {S::Established, "< F. 1:1(0) ack 1", ". 1:1(0) ack 2", S::CloseWait,
     "RFC 9293 §3.10.7.4 eighth: FIN: enter CLOSE-WAIT"},
    {S::Established, "< R 1:1(0)", "", S::Closed,
     "RFC 9293 §3.10.7.4 second, RFC 5961 §3.2: RST at RCV.NXT: reset"},
    {S::Established, "< R 5:5(0)", ". 1:1(0) ack 1", S::Established,
     "RFC 5961 §3.2: RST in window, not at RCV.NXT: challenge ACK"},
    {S::Established, "< R 100000:100000(0)", "", S::Established,
     "RFC 9293 §3.10.7.4 first: RST outside the window: drop silently"},
    {S::Established, "< P. 1:11(10) ack 1", ". 1:1(0) ack 11", S::Established,
     "RFC 9293 §3.10.7.4 seventh: in-order text: deliver and acknowledge"},
    {S::Established, "< P. 100000:100010(10) ack 1", ". 1:1(0) ack 1", S::Established,
     "RFC 9293 §3.10.7.4 first: unacceptable segment: send ACK, drop"},
    {S::Established, "send 10", "P. 1:11(10) ack 1", S::Established,
     "RFC 9293 §3.10.2: SEND in ESTABLISHED: segmentize and send"},
    {S::Established, "close", "F. 1:1(0) ack 1", S::FinWait1,
     "RFC 9293 §3.10.4: CLOSE in ESTABLISHED: FIN, enter FIN-WAIT-1"},
    {S::Established, "abort", "R 1:1(0)", S::Closed,
     "RFC 9293 §3.10.5: ABORT in ESTABLISHED: send RST"},

    // ---- FIN-WAIT-1: our FIN is out (SND.NXT = 2).
    {S::FinWait1, "< S 5:5(0)", ". 2:2(0) ack 1", S::FinWait1, "RFC 5961 §4.2: SYN: challenge ACK"},
    {S::FinWait1, "< S. 5:5(0) ack 2", ". 2:2(0) ack 1", S::FinWait1,
     "RFC 5961 §4.2: SYN,ACK: challenge ACK"},
    {S::FinWait1, "< . 1:1(0) ack 2", "", S::FinWait2,
     "RFC 9293 §3.10.7.4 fifth: our FIN acknowledged: enter FIN-WAIT-2"},
    {S::FinWait1, "< . 1:1(0) ack 1", "", S::FinWait1,
     "RFC 9293 §3.10.7.4 fifth: FIN not yet acknowledged: remain"},
    {S::FinWait1, "< F. 1:1(0) ack 1", ". 2:2(0) ack 2", S::Closing,
     "RFC 9293 §3.10.7.4 eighth: FIN before the ACK of ours: CLOSING (simultaneous close)"},
    {S::FinWait1, "< F. 1:1(0) ack 2", ". 2:2(0) ack 2", S::TimeWait,
     "RFC 9293 §3.10.7.4 fifth, then eighth: the ACK of our FIN moves FIN-WAIT-1 → "
     "FIN-WAIT-2 first, then the FIN moves FIN-WAIT-2 → TIME-WAIT"},
    {S::FinWait1, "< R 1:1(0)", "", S::Closed, "RFC 9293 §3.10.7.4 second: RST: reset"},
    {S::FinWait1, "< R 5:5(0)", ". 2:2(0) ack 1", S::FinWait1,
     "RFC 5961 §3.2: RST in window: challenge ACK"},
    {S::FinWait1, "< P. 1:11(10) ack 2", ". 2:2(0) ack 11", S::FinWait2,
     "RFC 9293 §3.10.7.4 seventh: text still accepted (half-close)"},
    {S::FinWait1, "send 10", "", S::FinWait1,
     "RFC 9293 §3.10.2: SEND in FIN-WAIT-1: error, connection closing"},
    {S::FinWait1, "close", "", S::FinWait1,
     "RFC 9293 §3.10.4: CLOSE in FIN-WAIT-1: nothing more to do"},
    {S::FinWait1, "abort", "R 2:2(0)", S::Closed, "RFC 9293 §3.10.5: ABORT: send RST"},
    {S::FinWait1, "timer", "F. 1:1(0) ack 1", S::FinWait1, "RFC 6298 (5.4): retransmit the FIN"},

    // ---- FIN-WAIT-2: our FIN is acknowledged.
    {S::FinWait2, "< S 5:5(0)", ". 2:2(0) ack 1", S::FinWait2, "RFC 5961 §4.2: SYN: challenge ACK"},
    {S::FinWait2, "< . 1:1(0) ack 2", "", S::FinWait2, "RFC 9293 §3.10.7.4 fifth: remain"},
    {S::FinWait2, "< F. 1:1(0) ack 2", ". 2:2(0) ack 2", S::TimeWait,
     "RFC 9293 §3.10.7.4 eighth: FIN: enter TIME-WAIT"},
    {S::FinWait2, "< R 1:1(0)", "", S::Closed, "RFC 9293 §3.10.7.4 second: RST: reset"},
    {S::FinWait2, "< R 5:5(0)", ". 2:2(0) ack 1", S::FinWait2,
     "RFC 5961 §3.2: RST in window: challenge ACK"},
    {S::FinWait2, "< P. 1:11(10) ack 2", ". 2:2(0) ack 11", S::FinWait2,
     "RFC 9293 §3.10.7.4 seventh: text still accepted (half-close)"},
    {S::FinWait2, "send 10", "", S::FinWait2,
     "RFC 9293 §3.10.2: SEND in FIN-WAIT-2: error, connection closing"},
    {S::FinWait2, "close", "", S::FinWait2,
     "RFC 9293 §3.10.4: CLOSE in FIN-WAIT-2: nothing more to do"},
    {S::FinWait2, "abort", "R 2:2(0)", S::Closed, "RFC 9293 §3.10.5: ABORT: send RST"},

    // ---- CLOSE-WAIT: the peer's FIN is in (RCV.NXT = 2).
    {S::CloseWait, "< S 5:5(0)", ". 1:1(0) ack 2", S::CloseWait,
     "RFC 5961 §4.2: SYN: challenge ACK"},
    {S::CloseWait, "< . 2:2(0) ack 1", "", S::CloseWait, "RFC 9293 §3.10.7.4 fifth: remain"},
    {S::CloseWait, "< F. 1:1(0) ack 1", ". 1:1(0) ack 2", S::CloseWait,
     "RFC 9293 §3.10.7.4 first: retransmitted FIN is old: ACK it"},
    {S::CloseWait, "< R 2:2(0)", "", S::Closed, "RFC 9293 §3.10.7.4 second: RST: reset"},
    {S::CloseWait, "< R 5:5(0)", ". 1:1(0) ack 2", S::CloseWait,
     "RFC 5961 §3.2: RST in window: challenge ACK"},
    {S::CloseWait, "< P. 2:12(10) ack 1", "", S::CloseWait,
     "RFC 9293 §3.10.7.4 seventh: text after FIN: ignore"},
    {S::CloseWait, "send 10", "P. 1:11(10) ack 2", S::CloseWait,
     "RFC 9293 §3.10.2: SEND in CLOSE-WAIT: still allowed (half-close)"},
    {S::CloseWait, "close", "F. 1:1(0) ack 2", S::LastAck,
     "RFC 9293 §3.10.4: CLOSE in CLOSE-WAIT: FIN, enter LAST-ACK"},
    {S::CloseWait, "abort", "R 1:1(0)", S::Closed, "RFC 9293 §3.10.5: ABORT: send RST"},

    // ---- CLOSING: both FINs sent, ours not yet acknowledged.
    {S::Closing, "< S 5:5(0)", ". 2:2(0) ack 2", S::Closing, "RFC 5961 §4.2: SYN: challenge ACK"},
    {S::Closing, "< . 2:2(0) ack 2", "", S::TimeWait,
     "RFC 9293 §3.10.7.4 fifth: our FIN acknowledged: enter TIME-WAIT"},
    {S::Closing, "< . 2:2(0) ack 1", "", S::Closing,
     "RFC 9293 §3.10.7.4 fifth: FIN not acknowledged: remain"},
    {S::Closing, "< R 2:2(0)", "", S::Closed, "RFC 9293 §3.10.7.4 second: RST: enter CLOSED"},
    {S::Closing, "< F. 1:1(0) ack 1", ". 2:2(0) ack 2", S::Closing,
     "RFC 9293 §3.10.7.4 first: retransmitted FIN is old: ACK it"},
    {S::Closing, "< R 5:5(0)", ". 2:2(0) ack 2", S::Closing,
     "RFC 5961 §3.2: RST in window: challenge ACK"},
    {S::Closing, "< P. 2:12(10) ack 1", "", S::Closing,
     "RFC 9293 §3.10.7.4 seventh: text after FIN: ignore"},
    {S::Closing, "send 10", "", S::Closing,
     "RFC 9293 §3.10.2: SEND in CLOSING: error, connection closing"},
    {S::Closing, "close", "", S::Closing, "RFC 9293 §3.10.4: CLOSE in CLOSING: nothing more to do"},
    {S::Closing, "abort", "", S::Closed, "RFC 9293 §3.10.5: ABORT in CLOSING: no RST"},
    {S::Closing, "timer", "F. 1:1(0) ack 2", S::Closing, "RFC 6298 (5.4): retransmit the FIN"},

    // ---- LAST-ACK: our FIN answers the peer's.
    {S::LastAck, "< S 5:5(0)", ". 2:2(0) ack 2", S::LastAck, "RFC 5961 §4.2: SYN: challenge ACK"},
    {S::LastAck, "< . 2:2(0) ack 2", "", S::Closed,
     "RFC 9293 §3.10.7.4 fifth: our FIN acknowledged: enter CLOSED"},
    {S::LastAck, "< R 2:2(0)", "", S::Closed, "RFC 9293 §3.10.7.4 second: RST: enter CLOSED"},
    {S::LastAck, "< F. 1:1(0) ack 1", ". 2:2(0) ack 2", S::LastAck,
     "RFC 9293 §3.10.7.4 first: retransmitted FIN is old: ACK it"},
    {S::LastAck, "< R 5:5(0)", ". 2:2(0) ack 2", S::LastAck,
     "RFC 5961 §3.2: RST in window: challenge ACK"},
    {S::LastAck, "< P. 2:12(10) ack 1", "", S::LastAck,
     "RFC 9293 §3.10.7.4 seventh: text after FIN: ignore"},
    {S::LastAck, "send 10", "", S::LastAck,
     "RFC 9293 §3.10.2: SEND in LAST-ACK: error, connection closing"},
    {S::LastAck, "close", "", S::LastAck,
     "RFC 9293 §3.10.4: CLOSE in LAST-ACK: nothing more to do"},
    {S::LastAck, "abort", "", S::Closed, "RFC 9293 §3.10.5: ABORT in LAST-ACK: no RST"},
    {S::LastAck, "timer", "F. 1:1(0) ack 2", S::LastAck, "RFC 6298 (5.4): retransmit the FIN"},

    // ---- TIME-WAIT.
    {S::TimeWait, "< S 5:5(0)", ". 2:2(0) ack 2", S::TimeWait, "RFC 5961 §4.2: SYN: challenge ACK"},
    {S::TimeWait, "< . 2:2(0) ack 2", "", S::TimeWait, "RFC 9293 §3.10.7.4 fifth: remain"},
    {S::TimeWait, "< F. 1:1(0) ack 2", ". 2:2(0) ack 2", S::TimeWait,
     "RFC 9293 §3.10.7.4 eighth: retransmitted FIN: ACK, restart 2 MSL"},
    {S::TimeWait, "< R 2:2(0)", "", S::Closed, "RFC 9293 §3.10.7.4 second: RST: enter CLOSED"},
    {S::TimeWait, "< R 5:5(0)", ". 2:2(0) ack 2", S::TimeWait,
     "RFC 5961 §3.2: RST in window: challenge ACK"},
    {S::TimeWait, "< P. 2:12(10) ack 2", "", S::TimeWait,
     "RFC 9293 §3.10.7.4 seventh: text after FIN: ignore"},
    {S::TimeWait, "send 10", "", S::TimeWait,
     "RFC 9293 §3.10.2: SEND in TIME-WAIT: error, connection closing"},
    {S::TimeWait, "close", "", S::TimeWait,
     "RFC 9293 §3.10.4: CLOSE in TIME-WAIT: nothing more to do"},
    {S::TimeWait, "abort", "", S::Closed, "RFC 9293 §3.10.5: ABORT in TIME-WAIT: no RST"},
    {S::TimeWait, "timer", "", S::Closed,
     "RFC 9293 §3.10.8: time-wait timeout (2 MSL): delete the TCB"},
};

std::string row_name(const Row& r, std::size_t i) {
  std::string n = std::string(to_string(r.from)) + "_" + std::to_string(i);
  for (char& c : n) {
    if (c == '-') c = '_';
  }
  return n;
}

class StateEvent : public ::testing::TestWithParam<std::size_t> {};

void apply(TestConnection& h, const std::string& event) {
  if (event.rfind("< ", 0) == 0) {
    h.inject(event.substr(2));
  } else if (event.rfind("send ", 0) == 0) {
    h.send_app(std::stoul(event.substr(5)));
  } else if (event == "close") {
    h.conn->close(h.now);
  } else if (event == "abort") {
    h.conn->abort(h.now);
  } else if (event == "timer") {
    h.fire_next_timer();
  } else {
    FAIL() << "unknown event '" << event << "'";
  }
}

TEST_P(StateEvent, Row) {
  const Row& r = kRows[GetParam()];
  SCOPED_TRACE(std::string(to_string(r.from)) + " + " + r.event + " (" + r.rule + ")");
  // SYN-RECEIVED rows start from a passive open; the others from an active one.
  TestConnection h(TestConnection::plain_config(),
                   r.from == S::SynReceived ? Side::Server : Side::Client);
  h.go_to(r.from);
  ASSERT_EQ(h.state(), r.from);
  h.drain();
  apply(h, r.event);
  std::string sent = r.sent;
  std::stringstream ss(sent);
  std::string one;
  while (std::getline(ss, one, ';')) {
    if (!one.empty()) h.expect_sent(one);
  }
  h.expect_nothing();
  EXPECT_EQ(to_string(h.state()), to_string(r.to));
}

INSTANTIATE_TEST_SUITE_P(Conformance, StateEvent,
                         ::testing::Range<std::size_t>(0, std::size(kRows)),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return row_name(kRows[info.param], info.param);
                         });

// RFC 3168 (ECN): each row takes a fresh connection on a host that asks for ECN
// (net.ipv4.tcp_ecn = 1), runs its setup steps, then the event. A step is "open" (active
// OPEN), "listen SEG" (SEG reaches a listener), "< SEG" (from the peer), "> SEG" (sent),
// "send N", "timer", or "established": an active open that agrees on ECN.
struct EcnRow {
  const char* setup;  // ';'-separated steps
  const char* event;  // a step
  const char* sent;   // expected segments, ';'-separated, "" for none
  const char* rule;
};

const EcnRow kEcnRows[] = {
    {"", "open", "[noecn] SEW 0:0(0)",
     "RFC 3168 §6.1.1: an ECN-setup SYN carries ECE and CWR and is not ECT"},
    {"", "listen SEW 0:0(0) <mss 1460>", "[noecn] SE. 0:0(0) ack 1",
     "RFC 3168 §6.1.1: an ECN-setup SYN draws an ECN-setup SYN,ACK: ECE alone, not ECT"},
    {"", "listen S 0:0(0) <mss 1460>", "[noecn] S. 0:0(0) ack 1",
     "RFC 3168 §6.1.1: a SYN without ECE and CWR: no ECN"},
    {"established", "send 10", "[ect0] P. 1:11(10) ack 1",
     "RFC 3168 §6.1.1, §6.1.5: ECN agreed: new data is ECT(0)"},
    {"open; > SEW 0:0(0); < SEW. 0:0(0) ack 1 <mss 1460>; > . 1:1(0) ack 1", "send 10",
     "[noecn] P. 1:11(10) ack 1",
     "RFC 3168 §6.1.1: a SYN,ACK with both ECE and CWR is no ECN-setup SYN,ACK: no ECN"},
    {"open; > SEW 0:0(0); < S. 0:0(0) ack 1 <mss 1460>; > . 1:1(0) ack 1", "send 10",
     "[noecn] P. 1:11(10) ack 1", "RFC 3168 §6.1.1: the SYN,ACK has no ECE: no ECN"},
    {"established", "< [ce] P. 1:11(10) ack 1", "[noecn] E. 1:1(0) ack 11",
     "RFC 3168 §6.1.3: CE on data: ECE on the ACK, which is not ECT (§6.1.4)"},
    {"established; < [ce] P. 1:11(10) ack 1; > E. 1:1(0) ack 11", "< [ect0] P. 11:21(10) ack 1",
     "[noecn] E. 1:1(0) ack 21", "RFC 3168 §6.1.3: ECE on every ACK until a CWR arrives"},
    {"established; < [ce] P. 1:11(10) ack 1; > E. 1:1(0) ack 11", "< [ect0] PW. 11:21(10) ack 1",
     "[noecn] . 1:1(0) ack 21", "RFC 3168 §6.1.3: CWR: ECE stops"},
    {"established; send 2920; > [ect0] . 1:1461(1460) ack 1; > [ect0] P. 1461:2921(1460) ack 1",
     "< E. 1:1(0) ack 1461", "",
     "RFC 3168 §6.1.2: ECE: cwnd and ssthresh halved as for a loss, nothing retransmitted"},
    {"established; send 2920; > [ect0] . 1:1461(1460) ack 1; > [ect0] P. 1461:2921(1460) ack 1; "
     "< E. 1:1(0) ack 1461",
     "send 10", "[ect0] PW. 2921:2931(10) ack 1",
     "RFC 3168 §6.1.2: the first new data after the reduction carries CWR"},
    {"established; send 10; > [ect0] P. 1:11(10) ack 1", "timer", "[noecn] P. 1:11(10) ack 1",
     "RFC 3168 §6.1.5: a retransmission is not ECT"},
    {"established; send 10; > [ect0] P. 1:11(10) ack 1; timer; > P. 1:11(10) ack 1; "
     "< . 1:1(0) ack 11",
     "send 10", "[ect0] PW. 11:21(10) ack 1",
     "RFC 3168 §6.1.2: a timeout reduces cwnd too: CWR on the next new data"},
};

void ecn_step(TestConnection& h, const std::string& step) {
  if (step == "established") {
    for (const char* s :
         {"open", "> SEW 0:0(0)", "< SE. 0:0(0) ack 1 <mss 1460>", "> . 1:1(0) ack 1"})
      ecn_step(h, s);
  } else if (step == "open") {
    h.conn->open_active(h.now);
  } else if (step.rfind("listen ", 0) == 0) {
    h.conn->open_from_listen(h.now, h.make(step.substr(7)));
  } else if (step.rfind("> ", 0) == 0) {
    h.expect_sent(step.substr(2));
  } else {
    apply(h, step);
  }
}

std::vector<std::string> split_steps(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string one;
  while (std::getline(ss, one, ';')) {
    std::size_t b = one.find_first_not_of(' ');
    if (b != std::string::npos) out.push_back(one.substr(b));
  }
  return out;
}

class EcnExchange : public ::testing::TestWithParam<std::size_t> {};

TEST_P(EcnExchange, Row) {
  const EcnRow& r = kEcnRows[GetParam()];
  SCOPED_TRACE(std::string(r.setup) + " + " + r.event + " (" + r.rule + ")");
  tcp::TcpConfig cfg = TestConnection::plain_config();
  cfg.ecn = 1;
  bool server = std::string(r.event).rfind("listen ", 0) == 0;
  TestConnection h(cfg, server ? Side::Server : Side::Client);
  for (const std::string& step : split_steps(r.setup)) ecn_step(h, step);
  h.expect_nothing();
  ecn_step(h, r.event);
  for (const std::string& one : split_steps(r.sent)) h.expect_sent(one);
  h.expect_nothing();
}

INSTANTIATE_TEST_SUITE_P(Conformance, EcnExchange,
                         ::testing::Range<std::size_t>(0, std::size(kEcnRows)),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return "Ecn_" + std::to_string(info.param);
                         });

std::string render_ecn() {
  std::string out =
      "\n## RFC 3168 (ECN)\n\n"
      "Generated from the `kEcnRows` of the same file. Each row takes a fresh connection on a "
      "host that\nasks for ECN (`ecn = 1`), runs the steps under *after*, then the event; "
      "*established* is an\nactive open that agrees on it (`> SEW 0:0(0)`, `< SE. 0:0(0) ack "
      "1`, `> . 1:1(0) ack 1`).\n`E` is ECE, `W` CWR; `[ect0]`, `[ce]` and `[noecn]` are the "
      "IP header's ECN field.\n\n"
      "| # | after | event | sent | rule |\n"
      "|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < std::size(kEcnRows); ++i) {
    const EcnRow& r = kEcnRows[i];
    std::string setup = r.setup[0] != '\0' ? std::string("`") + r.setup + "`" : "—";
    std::string sent = r.sent[0] != '\0' ? std::string("`") + r.sent + "`" : "—";
    out += "| " + std::to_string(i) + " | " + setup + " | `" + r.event + "` | " + sent + " | " +
           r.rule + " |\n";
  }
  return out;
}

std::string render_conformance() {
  std::string out =
      "# RFC 9293 conformance table\n\n"
      "Generated from `tests/unit/tcp/conformance_test.cpp`; every row is a test "
      "(`ctest -R Conformance`).\nEach starts a connection in the state shown (reached "
      "through a real exchange with the plain\ntest profile: MSS option only, no delayed "
      "ACK), applies one event and checks the segments\nsent and the state after. "
      "Segments read like packetdrill: flags (`S` SYN, `F` FIN, `R` RST,\n`P` PSH, `.` "
      "ACK), `start:end(len)` relative to the sender's ISN, `ack` relative to the\n"
      "receiver's. `<` marks a segment from the peer.\n\n"
      "Host-level rules (CLOSED ports, LISTEN) are covered by the TcpStack tests in\n"
      "`tests/unit/tcp/tcp_stack_test.cpp`.\n\n"
      "| # | state | event | sent | next state | rule |\n"
      "|---|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < std::size(kRows); ++i) {
    const Row& r = kRows[i];
    std::string sent = r.sent[0] != '\0' ? std::string("`") + r.sent + "`" : "—";
    out += "| " + std::to_string(i) + " | " + std::string(to_string(r.from)) + " | `" + r.event +
           "` | " + sent + " | " + std::string(to_string(r.to)) + " | " + r.rule + " |\n";
  }
  return out + render_ecn();
}

// The table is generated; what follows it (from the first "\n## " after the table) is
// written by hand and kept as it is.
std::string hand_written_tail(const std::string& doc, std::size_t table_end) {
  std::size_t at = doc.find("\n## ", table_end > 0 ? table_end - 1 : 0);
  return at == std::string::npos ? std::string() : doc.substr(at);
}

TEST(Conformance, DocumentMatchesTable) {
  std::string path = std::string(TCPSIM_SOURCE_DIR) + "/docs/conformance.md";
  std::string want = render_conformance();
  std::string doc;
  {
    std::ifstream in(path);
    ASSERT_TRUE(in) << path << " is missing; run with TCPSIM_UPDATE_DOCS=1 to write it";
    std::stringstream got;
    got << in.rdbuf();
    doc = got.str();
  }
  std::string tail = hand_written_tail(doc, want.size());
  if (std::getenv("TCPSIM_UPDATE_DOCS") != nullptr) {
    std::ofstream(path) << want << tail;
    doc = want + tail;
  }
  EXPECT_EQ(doc.substr(0, want.size()), want)
      << path << " is out of date; run the tests with TCPSIM_UPDATE_DOCS=1";
  // Only a hand-written section may follow the table.
  EXPECT_EQ(doc.size(), want.size() + tail.size()) << path << ": text after the table that is not "
                                                   << "a \"## \" section";
}

}  // namespace
}  // namespace tcpsim::testing
