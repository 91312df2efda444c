// ICMP errors about our segments: the RFC 5927 §4.1 window check, each profile's verdict
// (RFC 1122 4.2.3.9; Linux tcp_v4_err; FreeBSD tcp_ctlinput) and the path MTU (RFC 1191,
// RFC 8201), then a whole stack taking them.
#include "stack/tcp/icmp_error.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "stack/tcp/tcp_stack.hpp"

namespace tcpsim::tcp {
namespace {

using Action = IcmpVerdict::Action;

IcmpError unreach(std::uint8_t code, std::uint32_t seq = 100) {
  IcmpError e;
  e.type = icmp::kUnreachable;
  e.code = code;
  e.seq = seq;
  return e;
}

IcmpContext in(State s, bool passive = false) {
  IcmpContext c;
  c.state = s;
  c.passive = passive;
  return c;
}

TEST(IcmpSeqCheck, OutstandingOnly) {
  const SeqNum iss(99), una(100), max(200);
  IcmpContext est = in(State::Established);
  for (IcmpRules r : {IcmpRules::Rfc, IcmpRules::FreeBsd, IcmpRules::Linux}) {
    EXPECT_TRUE(icmp_seq_acceptable(r, unreach(3, 100), est, iss, una, max));
    EXPECT_TRUE(icmp_seq_acceptable(r, unreach(3, 199), est, iss, una, max));
    EXPECT_FALSE(icmp_seq_acceptable(r, unreach(3, 99), est, iss, una, max));   // acknowledged
    EXPECT_FALSE(icmp_seq_acceptable(r, unreach(3, 201), est, iss, una, max));  // never sent
  }
  // SND.NXT itself: RFC 5927 and FreeBSD say no; Linux's between() says yes.
  EXPECT_FALSE(icmp_seq_acceptable(IcmpRules::Rfc, unreach(3, 200), est, iss, una, max));
  EXPECT_FALSE(icmp_seq_acceptable(IcmpRules::FreeBsd, unreach(3, 200), est, iss, una, max));
  EXPECT_TRUE(icmp_seq_acceptable(IcmpRules::Linux, unreach(3, 200), est, iss, una, max));
  // Across the wrap of the sequence space.
  EXPECT_TRUE(icmp_seq_acceptable(IcmpRules::Rfc, unreach(3, 5), est, SeqNum(0xfffffff0),
                                  SeqNum(0xfffffff0), SeqNum(10)));
  // Linux: a request sock answers only for its ISN.
  IcmpContext embryo = in(State::SynReceived, true);
  EXPECT_TRUE(icmp_seq_acceptable(IcmpRules::Linux, unreach(1, 99), embryo, iss, iss, iss + 1));
  EXPECT_FALSE(icmp_seq_acceptable(IcmpRules::Linux, unreach(1, 100), embryo, iss, iss, iss + 1));
}

TEST(IcmpVerdict, PortUnreachableByProfileAndState) {
  IcmpError port = unreach(3);
  IcmpVerdict v = icmp_verdict(IcmpRules::Linux, port, in(State::SynSent));
  EXPECT_EQ(v.action, Action::Abort);
  EXPECT_EQ(v.err, Errno::ConnRefused);
  v = icmp_verdict(IcmpRules::Linux, port, in(State::Established));
  EXPECT_EQ(v.action, Action::Soft);
  EXPECT_EQ(v.err, Errno::ConnRefused);
  EXPECT_EQ(icmp_verdict(IcmpRules::FreeBsd, port, in(State::SynSent)).action, Action::Abort);
  EXPECT_EQ(icmp_verdict(IcmpRules::FreeBsd, port, in(State::Established)).action, Action::Ignore);
  // RFC 1122 4.2.3.9: a hard error, in any state.
  EXPECT_EQ(icmp_verdict(IcmpRules::Rfc, port, in(State::Established)).action, Action::Abort);
}

TEST(IcmpVerdict, SoftErrorsNeverAbortAnEstablishedConnection) {
  for (IcmpRules r : {IcmpRules::Rfc, IcmpRules::FreeBsd, IcmpRules::Linux}) {
    for (std::uint8_t code : {0, 1, 5}) {
      EXPECT_NE(icmp_verdict(r, unreach(code), in(State::Established)).action, Action::Abort);
    }
    IcmpError te;
    te.type = icmp::kTimeExceeded;
    EXPECT_NE(icmp_verdict(r, te, in(State::Established)).action, Action::Abort);
  }
  IcmpVerdict v = icmp_verdict(IcmpRules::Rfc, unreach(1), in(State::Established));
  EXPECT_EQ(v.action, Action::Soft);
  EXPECT_EQ(v.err, Errno::HostUnreach);
  // FreeBSD tcp_notify: a second error after more than three retransmissions ends an open.
  IcmpContext c = in(State::SynSent);
  EXPECT_EQ(icmp_verdict(IcmpRules::FreeBsd, unreach(1), c).action, Action::Soft);
  c.retries = 4;
  c.soft = Errno::HostUnreach;
  EXPECT_EQ(icmp_verdict(IcmpRules::FreeBsd, unreach(1), c).action, Action::Abort);
  IcmpError quench;
  quench.type = icmp::kSourceQuench;
  EXPECT_EQ(icmp_verdict(IcmpRules::Linux, quench, in(State::Established)).action, Action::Ignore);
}

TEST(IcmpPathMtu, FloorsAndNoIncrease) {
  IcmpError fn = unreach(icmp::kFragNeeded);
  fn.mtu = 1200;
  EXPECT_EQ(icmp_path_mtu(IcmpRules::Linux, fn, 1500, 1460).mtu, 1200u);
  fn.mtu = 1600;  // never raised
  EXPECT_EQ(icmp_path_mtu(IcmpRules::Linux, fn, 1500, 1460).mtu, 0u);
  fn.mtu = 300;  // Linux: min_pmtu 552, remembered as EMSGSIZE
  PathMtu p = icmp_path_mtu(IcmpRules::Linux, fn, 1500, 1460);
  EXPECT_EQ(p.mtu, 552u);
  EXPECT_TRUE(p.clamped);
  EXPECT_EQ(icmp_path_mtu(IcmpRules::FreeBsd, fn, 1500, 1460).mtu, 300u);
  fn.mtu = 100;  // FreeBSD: tcp_minmss + 40; RFC 1191: 68
  EXPECT_EQ(icmp_path_mtu(IcmpRules::FreeBsd, fn, 1500, 1460).mtu, 256u);
  fn.mtu = 20;
  EXPECT_EQ(icmp_path_mtu(IcmpRules::Rfc, fn, 1500, 1460).mtu, 68u);
  fn.mtu = 0;  // no MTU reported: the next plateau below the datagram (RFC 1191 §7)
  fn.quoted_length = 1500;
  EXPECT_EQ(icmp_path_mtu(IcmpRules::Rfc, fn, 1500, 1460).mtu, 1492u);
  EXPECT_EQ(mtu_plateau_below(1006), 508u);
  IcmpError ptb;
  ptb.v6 = true;
  ptb.type = icmp::kV6PacketTooBig;
  ptb.mtu = 1000;
  EXPECT_EQ(icmp_path_mtu(IcmpRules::Rfc, ptb, 1500, 1440).mtu, 1280u);  // RFC 8201 §4
  EXPECT_EQ(icmp_path_mtu(IcmpRules::Linux, ptb, 1500, 1440).mtu, 0u);   // dropped
  EXPECT_EQ(icmp_path_mtu(IcmpRules::FreeBsd, ptb, 1500, 1440).mtu, 1272u);
}

// Two ends of a connection in one stack each: an ICMP error reaches the one it quotes.
class IcmpStack : public ::testing::Test {
 protected:
  void SetUp() override {
    TcpConfig c;
    c.timestamps = false;
    a = std::make_unique<TcpStack>(c, 1);
    a->add_address(local.addr);
  }
  std::vector<IpSegment> out() {
    std::vector<IpSegment> v;
    a->poll_transmit(now, v);
    return v;
  }
  IcmpError error_for(std::uint8_t code, std::uint32_t seq) {
    IcmpError e = unreach(code, seq);
    e.local = local;
    e.remote = remote;
    return e;
  }
  Endpoint local{*wire::IpAddress::parse("10.0.0.1"), 40000};
  Endpoint remote{*wire::IpAddress::parse("10.0.0.2"), 80};
  std::unique_ptr<TcpStack> a;
  Nanos now = 0;
};

TEST_F(IcmpStack, SynSentPortUnreachableRefusesTheConnect) {
  Fd fd = a->socket();
  ASSERT_EQ(a->bind(fd, local), Errno::Ok);
  ASSERT_EQ(a->connect(now, fd, remote), Errno::InProgress);
  std::vector<IpSegment> syn = out();
  ASSERT_EQ(syn.size(), 1u);
  // An error quoting a sequence number we never sent changes nothing.
  a->on_icmp_error(now, error_for(3, syn[0].segment.header.seq + 5));
  EXPECT_EQ(a->connection(fd)->state(), State::SynSent);
  a->on_icmp_error(now, error_for(3, syn[0].segment.header.seq));
  EXPECT_EQ(a->connection(fd)->state(), State::Closed);
  int err = 0;
  ASSERT_EQ(a->getsockopt(fd, SockOpt::Error, err), Errno::Ok);
  EXPECT_EQ(static_cast<Errno>(err), Errno::ConnRefused);
  EXPECT_TRUE(out().empty());  // no RST to a peer that cannot be reached
}

}  // namespace
}  // namespace tcpsim::tcp
