// What the observer flags (docs/inspect.md, "Anomalies"): each test a short capture and
// the anomalies expected, with their frame numbers.
#include <gtest/gtest.h>

#include "tests/unit/inspect/inspect_fixture.hpp"

namespace tcpsim::sim::inspect {
namespace {

using testing::Capture;
using testing::Seg;
using testing::f::kAck;
using testing::f::kPsh;
using testing::f::kSyn;
using V = std::vector<std::string>;

Seg data(std::uint32_t seq, std::uint32_t len) {
  return {true, kPsh | kAck, seq, 5001, len};
}
Seg ack_of(std::uint32_t ack, std::uint16_t win = 65535) {
  return {false, kAck, 5001, ack, 0, win};
}

TEST(InspectAnomalies, DataSentAgainUnacknowledged_Retransmission) {
  Capture c;
  c.handshake().send(data(1001, 100)).send(data(1001, 100)).send(ack_of(1101));
  EXPECT_EQ(c.anomalies(), (V{"retransmission@5"}));
  EXPECT_EQ(c.finish().connections[0].a.retransmissions, 1U);
}

TEST(InspectAnomalies, SynSentAgain_Retransmission) {
  Capture c;
  c.send({true, kSyn, 1000, 0}).send({true, kSyn, 1000, 0});
  EXPECT_EQ(c.anomalies(), (V{"retransmission@2"}));
  EXPECT_EQ(c.states(c.a()), (V{"CLOSED->SYN-SENT"}));
}

TEST(InspectAnomalies, DataAlreadyAcknowledgedSentAgain_Spurious) {
  Capture c;
  c.handshake().send(data(1001, 100)).send(ack_of(1101)).send(data(1001, 100));
  EXPECT_EQ(c.anomalies(), (V{"spurious-retransmission@6"}));
}

TEST(InspectAnomalies, DsackAfterRetransmission_Spurious) {
  wire::TcpOptions sack_ok;
  sack_ok.add_sack_permitted();
  Capture c;
  c.handshake(sack_ok, sack_ok).send(data(1001, 100)).send(data(1001, 100));
  wire::TcpOptions dsack;
  std::array<wire::SackBlock, 1> block = {wire::SackBlock{1001, 1101}};
  dsack.add_sack(block);
  c.send({false, kAck, 5001, 1101, 0, 65535, dsack});
  EXPECT_EQ(c.anomalies(), (V{"retransmission@5", "spurious-retransmission@6"}));
}

TEST(InspectAnomalies, ZeroWindowThenOpening) {
  Capture c;
  c.handshake().send(data(1001, 100)).send(ack_of(1101, 0)).send(ack_of(1101, 8192));
  EXPECT_EQ(c.anomalies(), (V{"zero-window@5", "window-open@6"}));
}

TEST(InspectAnomalies, OneByteProbeIntoZeroWindow_NotOutOfWindow) {
  Capture c;
  c.handshake().send(data(1001, 100)).send(ack_of(1101, 0)).send(data(1101, 1));
  EXPECT_EQ(c.anomalies(), (V{"zero-window@5"}));
}

TEST(InspectAnomalies, DataPastTheAdvertisedWindow_OutOfWindow) {
  Capture c;
  c.send({true, kSyn, 1000, 0})
      .send({false, kSyn | kAck, 5000, 1001, 0, 100})
      .send({true, kAck, 1001, 5001})
      .send(data(1001, 150));
  EXPECT_EQ(c.anomalies(), (V{"out-of-window@4"}));
}

TEST(InspectAnomalies, SameAckWithDataOutstanding_DuplicateAcks) {
  Capture c;
  c.handshake().send(data(1001, 100)).send(data(1101, 100)).send(data(1201, 100));
  c.send(ack_of(1101)).send(ack_of(1101)).send(ack_of(1101));
  EXPECT_EQ(c.anomalies(), (V{"duplicate-ack@8", "duplicate-ack@9"}));
}

TEST(InspectAnomalies, WindowScaleFromTheSyns_AppliedToTheWindowCheck) {
  wire::TcpOptions ws;
  ws.add_window_scale(4);
  Capture c;
  // 100 << 4 = 1600 bytes of window: 1500 fit.
  c.handshake(ws, ws).send(ack_of(1001, 100)).send(data(1001, 1500));
  EXPECT_TRUE(c.anomalies().empty());
}

}  // namespace
}  // namespace tcpsim::sim::inspect
