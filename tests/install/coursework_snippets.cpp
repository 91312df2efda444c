// The shorter examples of docs/coursework.md, compiled and run as the guide prints them
// (tests/shell/doc_code.py checks that each one is here, word for word).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tcpsim/testing/testing.hpp>

namespace {

using namespace tcpsim;
using namespace tcpsim::testing;
using tcp::DropReason;
using tcp::State;

// docs/conformance.md row 3: SYN-SENT, `< . 0:0(0) ack 7`, sent `R 7:7(0)`, SYN-SENT.
TEST(SynSent, AckOfUnsentData_IsAnsweredWithRstAtSegAck) {
  auto tcb = syn_sent();
  tcb.peer.sends(". 0:0(0) ack 7");
  EXPECT_SENT(tcb, "R 7:7(0)");  // <SEQ=SEG.ACK><CTL=RST>
  EXPECT_THAT(tcb, IsInState(State::SynSent));
  EXPECT_THAT(tcb, DroppedBecause(DropReason::SynSentBadAck));
}

}  // namespace

#include <tcpsim/sim/script/runner.hpp>

using namespace tcpsim::sim::script;

TEST(Script, PassiveOpen) {
  // A relative path is looked up beside this source file, whatever directory the test
  // runs in; without ScriptOptions it is taken from the current directory.
  auto r = run_script_file("passive_open.pkt", ScriptOptions::beside(__FILE__));
  EXPECT_TRUE(r.passed()) << r.report();
}
