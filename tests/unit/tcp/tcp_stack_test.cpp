// The host TCP layer: sockets API, demultiplexing, listeners, closed ports (RFC 9293
// §3.10.7.1 and §3.10.7.2). Two stacks exchange segments through a tiny in-test wire.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <span>
#include <string>

#include "stack/tcp/tcp_stack.hpp"

namespace tcpsim::tcp {
namespace {

using namespace wire::tcp_flag;

wire::IpAddress ip(const char* s) {
  return *wire::IpAddress::parse(s);
}

class StackPair : public ::testing::Test {
 protected:
  // b runs with `b_config` (the listener's side in most tests).
  explicit StackPair(const TcpConfig& b_config = config()) : a(config(), 1), b(b_config, 2) {
    a.add_address(ip("10.0.0.1"));
    b.add_address(ip("10.0.0.2"));
  }
  static TcpConfig config() { return config(1); }
  static TcpConfig config(int syncookies) {
    TcpConfig c;
    c.challenge_ack_limit = 0;
    c.syncookies = syncookies;
    return c;
  }
  // Moves segments between the stacks, one-way delay `delay`, and fires timers, until
  // time `until`. Returns every segment seen, in order.
  void run(Nanos until, Nanos delay = kMillisecond) {
    for (;;) {
      flush(a, delay);
      flush(b, delay);
      Nanos next = std::min({a.next_deadline(), b.next_deadline(),
                             wire_.empty() ? kNever : wire_.begin()->first.first});
      if (next > until) break;
      now = next;
      if (!wire_.empty() && wire_.begin()->first.first == now) {
        auto it = wire_.begin();
        IpSegment s = std::move(it->second);
        wire_.erase(it);
        if (drop_next_from_b_ > 0 && s.src == ip("10.0.0.2")) {
          --drop_next_from_b_;
          continue;
        }
        (s.dst == ip("10.0.0.1") ? a : b).on_segment(now, s);
      } else {
        a.on_timer(now);
        b.on_timer(now);
      }
    }
    now = until;
  }
  void flush(TcpStack& s, Nanos delay) {
    std::vector<IpSegment> out;
    s.poll_transmit(now, out);
    for (IpSegment& seg : out) {
      seen.push_back(seg.segment);
      wire_.emplace(std::make_pair(now + delay, seq_++), std::move(seg));
    }
  }
  // b listens on port 80; returns the listening socket.
  Fd listen_on_b() {
    Fd l = b.socket();
    EXPECT_EQ(b.bind(l, {ip("10.0.0.2"), 80}), Errno::Ok);
    EXPECT_EQ(b.listen(now, l, 8), Errno::Ok);
    return l;
  }
  // a connects to b:80 and the handshake completes (by 10 ms); returns a's socket.
  Fd connect_from_a() {
    Fd c = a.socket();
    EXPECT_EQ(a.connect(now, c, {ip("10.0.0.2"), 80}), Errno::InProgress);
    run(10 * kMillisecond);
    return c;
  }
  std::string flags_seen() const {
    std::string out;
    for (const Segment& s : seen) {
      if (!out.empty()) out += ' ';
      out += wire::flags_to_string(s.header.flags);
    }
    return out;
  }

  TcpStack a, b;
  Nanos now = 0;
  std::vector<Segment> seen;
  int drop_next_from_b_ = 0;

 private:
  std::map<std::pair<Nanos, std::uint64_t>, IpSegment> wire_;
  std::uint64_t seq_ = 0;
};

TEST_F(StackPair, ConnectAccept_HandshakeThenData) {
  Fd l = b.socket();
  ASSERT_EQ(b.bind(l, {ip("10.0.0.2"), 80}), Errno::Ok);
  ASSERT_EQ(b.listen(now, l, 8), Errno::Ok);
  Fd c = a.socket();
  EXPECT_EQ(a.connect(now, c, {ip("10.0.0.2"), 80}), Errno::InProgress);
  run(10 * kMillisecond);
  EXPECT_EQ(flags_seen(), "SYN SYN,ACK ACK");
  EXPECT_EQ(a.connection(c)->state(), State::Established);
  Fd s = -1;
  Endpoint peer;
  ASSERT_EQ(b.accept(l, s, &peer), Errno::Ok);
  EXPECT_EQ(peer.addr, ip("10.0.0.1"));
  EXPECT_EQ(b.accept(l, s), Errno::Again);

  std::string msg = "hello over tcp";
  std::size_t n = 0;
  ASSERT_EQ(a.send(now, c, {reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()}, n),
            Errno::Ok);
  run(20 * kMillisecond);
  std::vector<std::uint8_t> buf(100);
  ASSERT_EQ(b.recv(now, s, buf, n), Errno::Ok);
  EXPECT_EQ(std::string(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n)), msg);
}

TEST_F(StackPair, ClosedPort_SynAnsweredWithRstAck_ConnRefused) {
  Fd c = a.socket();
  a.connect(now, c, {ip("10.0.0.2"), 81});
  run(10 * kMillisecond);
  EXPECT_EQ(flags_seen(), "SYN RST,ACK");
  EXPECT_EQ(seen[1].header.seq, 0u);
  EXPECT_EQ(seen[1].header.ack, seen[0].header.seq + 1);
  EXPECT_EQ(a.connection(c)->state(), State::Closed);
  int err = 0;
  a.getsockopt(c, SockOpt::Error, err);
  EXPECT_EQ(static_cast<Errno>(err), Errno::ConnRefused);
  EXPECT_EQ(b.rst_sent_for_closed_ports(), 1u);
}

// FreeBSD's net.inet.tcp.blackhole: 1 or 2, a SYN for a closed port draws no RST, and
// the connecting side sends its SYN again.
class Blackhole : public StackPair {
 protected:
  Blackhole() : StackPair(with(1)) {}
  static TcpConfig with(int level) {
    TcpConfig c = config();
    c.blackhole = level;
    return c;
  }
};

TEST_F(Blackhole, SynToClosedPort_NoRst_SynAgain) {
  Fd c = a.socket();
  a.connect(now, c, {ip("10.0.0.2"), 81});
  run(1500 * kMillisecond);
  EXPECT_EQ(flags_seen(), "SYN SYN");
  EXPECT_EQ(b.rst_sent_for_closed_ports(), 0u);
  EXPECT_EQ(a.connection(c)->state(), State::SynSent);
}

// Linux __inet_stream_connect: the connect() after a refused attempt reports the error
// and leaves the socket unconnected; the next one starts again and, once established, a
// connect() says 0, then EISCONN.
TEST_F(StackPair, ConnectAgain_Linux_ErrorOnceThenANewAttempt) {
  Fd c = a.socket();
  ASSERT_EQ(a.connect(now, c, {ip("10.0.0.2"), 80}), Errno::InProgress);
  EXPECT_EQ(a.connect(now, c, {ip("10.0.0.2"), 80}), Errno::Already);
  run(10 * kMillisecond);
  EXPECT_EQ(a.connect(now, c, {ip("10.0.0.2"), 80}), Errno::ConnRefused);
  EXPECT_EQ(a.connection(c), nullptr);
  listen_on_b();
  ASSERT_EQ(a.connect(now, c, {ip("10.0.0.2"), 80}), Errno::InProgress);
  run(20 * kMillisecond);
  EXPECT_EQ(a.connection(c)->state(), State::Established);
  EXPECT_EQ(a.connect(now, c, {ip("10.0.0.2"), 80}), Errno::Ok);
  EXPECT_EQ(a.connect(now, c, {ip("10.0.0.2"), 80}), Errno::IsConnected);
}

// FreeBSD tcp_usr_connect: a dropped connection's socket says ECONNREFUSED for good.
TEST_F(StackPair, ConnectAgain_FreeBsd_RefusedForGood) {
  TcpConfig fc = *TcpConfig::profile_named("freebsd");
  TcpStack f(fc, 3);
  f.add_address(ip("10.0.0.1"));
  Fd c = f.socket();
  ASSERT_EQ(f.connect(now, c, {ip("10.0.0.2"), 80}), Errno::InProgress);
  std::vector<IpSegment> out;
  f.poll_transmit(now, out);
  ASSERT_EQ(out.size(), 1u);
  IpSegment rst;
  rst.src = ip("10.0.0.2");
  rst.dst = ip("10.0.0.1");
  rst.segment.header.src_port = 80;
  rst.segment.header.dst_port = out[0].segment.header.src_port;
  rst.segment.header.ack = out[0].segment.header.seq + 1;
  rst.segment.header.flags = kRst | kAck;
  f.on_segment(now + kMillisecond, rst);
  EXPECT_EQ(f.connect(now, c, {ip("10.0.0.2"), 80}), Errno::ConnRefused);
  EXPECT_EQ(f.connect(now, c, {ip("10.0.0.2"), 80}), Errno::ConnRefused);
}

// Linux inet_shutdown on a listener: SHUT_WR does nothing; SHUT_RD stops the listening
// and resets the connection not yet accepted.
TEST_F(StackPair, ShutdownListener_Linux_ReadStopsListening) {
  Fd l = listen_on_b();
  Fd c = a.socket();
  ASSERT_EQ(a.connect(now, c, {ip("10.0.0.2"), 80}), Errno::InProgress);
  run(10 * kMillisecond);
  EXPECT_EQ(b.shutdown(now, l, ShutdownHow::Write), Errno::Ok);
  EXPECT_EQ(a.connection(c)->state(), State::Established);
  EXPECT_EQ(b.shutdown(now, l, ShutdownHow::Read), Errno::Ok);
  run(20 * kMillisecond);
  EXPECT_EQ(a.connection(c)->state(), State::Closed);
  Fd s = -1;
  EXPECT_EQ(b.accept(l, s), Errno::Invalid);
  Fd c2 = a.socket();
  ASSERT_EQ(a.connect(now, c2, {ip("10.0.0.2"), 80}), Errno::InProgress);
  run(30 * kMillisecond);
  EXPECT_EQ(a.connect(now, c2, {ip("10.0.0.2"), 80}), Errno::ConnRefused);
}

// A connection reset while queued for accept() stays queued; a new connection on the same
// 4-tuple then takes its place (the old one is let go, nothing dangles).
TEST_F(StackPair, ResetWhileQueued_NewConnectionOnTheSameTuple) {
  Fd l = listen_on_b();
  Fd c = a.socket();
  ASSERT_EQ(a.bind(c, {ip("10.0.0.1"), 5000}), Errno::Ok);
  ASSERT_EQ(a.connect(now, c, {ip("10.0.0.2"), 80}), Errno::InProgress);
  run(10 * kMillisecond);
  a.setsockopt(c, SockOpt::Linger, 0);
  ASSERT_EQ(a.close(now, c), Errno::Ok);  // RST: b's child, still queued, is reset
  run(20 * kMillisecond);
  EXPECT_EQ(b.backlog(l).queued, 1u);
  Fd c2 = a.socket();
  a.setsockopt(c2, SockOpt::ReuseAddr, 1);
  ASSERT_EQ(a.bind(c2, {ip("10.0.0.1"), 5000}), Errno::Ok);
  ASSERT_EQ(a.connect(now, c2, {ip("10.0.0.2"), 80}), Errno::InProgress);
  run(40 * kMillisecond);
  EXPECT_EQ(a.connection(c2)->state(), State::Established);
  Fd s = -1;
  ASSERT_EQ(b.accept(l, s), Errno::Ok);
  EXPECT_EQ(b.connection(s)->state(), State::Established);
  EXPECT_EQ(b.accept(l, s), Errno::Again);
}

TEST_F(StackPair, ClosedPort_AckAnsweredWithRstAtSegAck_RstIgnored) {
  IpSegment in{ip("10.0.0.1"), ip("10.0.0.2"), {}};
  in.segment.header.src_port = 1234;
  in.segment.header.dst_port = 99;
  in.segment.header.flags = kAck;
  in.segment.header.ack = 777;
  b.on_segment(now, in);
  std::vector<IpSegment> out;
  b.poll_transmit(now, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].segment.header.flags, kRst);
  EXPECT_EQ(out[0].segment.header.seq, 777u);
  in.segment.header.flags = kRst;
  b.on_segment(now, in);
  out.clear();
  b.poll_transmit(now, out);
  EXPECT_TRUE(out.empty());
}

TEST_F(StackPair, Listen_AckWithoutConnection_AnsweredWithRst) {
  Fd l = b.socket();
  b.bind(l, {ip("10.0.0.2"), 80});
  b.listen(now, l, 4);
  IpSegment in{ip("10.0.0.1"), ip("10.0.0.2"), {}};
  in.segment.header.src_port = 1234;
  in.segment.header.dst_port = 80;
  in.segment.header.flags = kAck;
  in.segment.header.ack = 4242;
  b.on_segment(now, in);
  std::vector<IpSegment> out;
  b.poll_transmit(now, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].segment.header.flags, kRst);
  EXPECT_EQ(out[0].segment.header.seq, 4242u);
}

TEST_F(StackPair, Teardown_ActiveCloserReachesTimeWaitOtherClosed) {
  Fd l = b.socket();
  b.bind(l, {ip("10.0.0.2"), 80});
  b.listen(now, l, 4);
  Fd c = a.socket();
  a.connect(now, c, {ip("10.0.0.2"), 80});
  run(10 * kMillisecond);
  Fd s = -1;
  ASSERT_EQ(b.accept(l, s), Errno::Ok);
  a.shutdown(now, c, ShutdownHow::Write);
  run(20 * kMillisecond);
  EXPECT_EQ(a.connection(c)->state(), State::FinWait2);
  EXPECT_EQ(b.connection(s)->state(), State::CloseWait);
  b.close(now, s);
  run(30 * kMillisecond);
  EXPECT_EQ(a.connection(c)->state(), State::TimeWait);
  EXPECT_EQ(flags_seen(), "SYN SYN,ACK ACK FIN,ACK ACK FIN,ACK ACK");
  run(30 * kMillisecond + 2 * a.config().msl);
  EXPECT_EQ(a.connection(c)->state(), State::Closed);
}

TEST_F(StackPair, SimultaneousOpen_BothEstablished) {
  Fd x = a.socket();
  a.bind(x, {ip("10.0.0.1"), 5000});
  Fd y = b.socket();
  b.bind(y, {ip("10.0.0.2"), 6000});
  a.connect(now, x, {ip("10.0.0.2"), 6000});
  b.connect(now, y, {ip("10.0.0.1"), 5000});
  run(10 * kMillisecond);
  EXPECT_EQ(a.connection(x)->state(), State::Established);
  EXPECT_EQ(b.connection(y)->state(), State::Established);
  EXPECT_EQ(flags_seen(), "SYN SYN SYN,ACK SYN,ACK");
}

TEST_F(StackPair, SynAckLost_SynRetransmittedAfterRto) {
  Fd l = b.socket();
  b.bind(l, {ip("10.0.0.2"), 80});
  b.listen(now, l, 4);
  Fd c = a.socket();
  a.connect(now, c, {ip("10.0.0.2"), 80});
  drop_next_from_b_ = 1;
  run(3 * kSecond);
  EXPECT_EQ(a.connection(c)->state(), State::Established);
  EXPECT_EQ(a.connection(c)->info().retransmissions, 1u);
}

TEST_F(StackPair, Bind_PortInUse_EAddrInUse) {
  Fd x = b.socket();
  ASSERT_EQ(b.bind(x, {ip("10.0.0.2"), 80}), Errno::Ok);
  Fd y = b.socket();
  EXPECT_EQ(b.bind(y, {ip("10.0.0.2"), 80}), Errno::AddrInUse);
  EXPECT_EQ(b.bind(y, {ip("10.9.9.9"), 81}), Errno::AddrNotAvail);
  EXPECT_EQ(b.bind(999, {ip("10.0.0.2"), 82}), Errno::BadFd);
}

// FreeBSD's SYN cache entries are no sockets: closing their listener leaves them and
// the port free; a new listener on the port takes the entry when its ACK comes
// (syncache_expand finds it by its addresses, syncache_socket makes the socket there).
class FreeBsdListener : public StackPair {
 protected:
  FreeBsdListener() : StackPair(freebsd()) {}
  static TcpConfig freebsd() {
    TcpConfig c = *TcpConfig::profile_named("freebsd");
    c.challenge_ack_limit = 0;
    return c;
  }
};

TEST_F(FreeBsdListener, ListenerClosed_EntryLeavesPortFree_NewListenerTakesIt) {
  Fd l = listen_on_b();
  Fd c = a.socket();
  drop_next_from_b_ = 1;  // the first SYN,ACK is lost
  a.connect(now, c, {ip("10.0.0.2"), 80});
  run(10 * kMillisecond);
  ASSERT_EQ(b.close(now, l), Errno::Ok);
  Fd l2 = b.socket();
  ASSERT_EQ(b.setsockopt(l2, SockOpt::ReuseAddr, 1), Errno::Ok);
  ASSERT_EQ(b.bind(l2, {ip("10.0.0.2"), 80}), Errno::Ok);
  ASSERT_EQ(b.listen(now, l2, 8), Errno::Ok);
  run(1500 * kMillisecond);  // the entry's SYN,ACK again at 1 s, then the ACK
  EXPECT_EQ(a.connection(c)->state(), State::Established);
  Fd child = -1;
  EXPECT_EQ(b.accept(l2, child), Errno::Ok);
  ASSERT_NE(b.connection(child), nullptr);
  EXPECT_EQ(b.connection(child)->state(), State::Established);
}

// net.ipv4.tcp_syncookies = 0: a SYN to a full backlog is dropped, unanswered.
class NoCookies : public StackPair {
 protected:
  NoCookies() : StackPair(config(0)) {}
};

TEST_F(NoCookies, Backlog_Full_SynDropped) {
  Fd l = b.socket();
  b.bind(l, {ip("10.0.0.2"), 80});
  b.listen(now, l, 1);
  Fd c1 = a.socket();
  Fd c2 = a.socket();
  a.connect(now, c1, {ip("10.0.0.2"), 80});
  a.connect(now, c2, {ip("10.0.0.2"), 80});
  run(10 * kMillisecond);
  EXPECT_EQ(a.connection(c1)->state(), State::Established);
  EXPECT_EQ(a.connection(c2)->state(), State::SynSent);
  EXPECT_EQ(b.backlog(l).queued, 1u);
  EXPECT_EQ(b.listen_counters().syns_dropped, 1u);
  EXPECT_EQ(b.listen_counters().cookies_sent, 0u);
}

TEST_F(StackPair, LingerZero_CloseSendsRst) {
  Fd l = b.socket();
  b.bind(l, {ip("10.0.0.2"), 80});
  b.listen(now, l, 4);
  Fd c = a.socket();
  a.connect(now, c, {ip("10.0.0.2"), 80});
  run(10 * kMillisecond);
  Fd s = -1;
  ASSERT_EQ(b.accept(l, s), Errno::Ok);
  a.setsockopt(c, SockOpt::Linger, 0);
  a.close(now, c);
  run(20 * kMillisecond);
  // The default (linux) close rules: RST with ACK, as tcp_send_active_reset sends it.
  EXPECT_EQ(flags_seen(), "SYN SYN,ACK ACK RST,ACK");
  EXPECT_EQ(b.connection(s)->state(), State::Closed);
  int err = 0;
  b.getsockopt(s, SockOpt::Error, err);
  EXPECT_EQ(static_cast<Errno>(err), Errno::ConnReset);
}

TEST_F(StackPair, LinuxOptions_SynCntQuickAckCongestion_SetAndReadBack) {
  Fd c = a.socket();
  int v = -1;
  // TCP_SYNCNT: 1..127; read back unset, the host's SYN retries.
  ASSERT_EQ(a.getsockopt(c, SockOpt::SynCnt, v), Errno::Ok);
  EXPECT_EQ(v, config().syn_retries);
  EXPECT_EQ(a.setsockopt(c, SockOpt::SynCnt, 0), Errno::Invalid);
  EXPECT_EQ(a.setsockopt(c, SockOpt::SynCnt, 128), Errno::Invalid);
  ASSERT_EQ(a.setsockopt(c, SockOpt::SynCnt, 3), Errno::Ok);
  a.getsockopt(c, SockOpt::SynCnt, v);
  EXPECT_EQ(v, 3);
  // TCP_QUICKACK reads !ping-pong: 1 until 0 is set, which a socket must keep as a value.
  a.getsockopt(c, SockOpt::QuickAck, v);
  EXPECT_EQ(v, 1);
  ASSERT_EQ(a.setsockopt(c, SockOpt::QuickAck, 0), Errno::Ok);
  a.getsockopt(c, SockOpt::QuickAck, v);
  EXPECT_EQ(v, 0);
  // TCP_CONGESTION: Reno is the enumeration's 0, kept as a value too.
  ASSERT_EQ(a.setsockopt(c, SockOpt::Congestion, static_cast<int>(CongestionAlgorithm::Reno)),
            Errno::Ok);
  a.getsockopt(c, SockOpt::Congestion, v);
  EXPECT_EQ(static_cast<CongestionAlgorithm>(v), CongestionAlgorithm::Reno);
  EXPECT_EQ(a.setsockopt(c, SockOpt::Congestion, 7), Errno::Invalid);
  // TCP_WINDOW_CLAMP: at least half of SOCK_MIN_RCVBUF, a negative value included; 0 (no
  // clamp) is refused once the socket listens or is connected.
  ASSERT_EQ(a.setsockopt(c, SockOpt::WindowClamp, -5), Errno::Ok);
  a.getsockopt(c, SockOpt::WindowClamp, v);
  EXPECT_EQ(v, 1152);
  ASSERT_EQ(a.setsockopt(c, SockOpt::WindowClamp, 0), Errno::Ok);
  a.getsockopt(c, SockOpt::WindowClamp, v);
  EXPECT_EQ(v, 0);
  // The connection gets all three when it exists.
  Fd l = b.socket();
  b.bind(l, {ip("10.0.0.2"), 80});
  b.listen(now, l, 4);
  EXPECT_EQ(b.setsockopt(l, SockOpt::WindowClamp, 0), Errno::Invalid);
  a.connect(now, c, {ip("10.0.0.2"), 80});
  run(10 * kMillisecond);
  EXPECT_EQ(a.connection(c)->config().syn_retries, 3);
  EXPECT_EQ(a.connection(c)->config().congestion, CongestionAlgorithm::Reno);
  EXPECT_TRUE(a.connection(c)->info().pingpong);
  a.getsockopt(c, SockOpt::Congestion, v);
  EXPECT_EQ(static_cast<CongestionAlgorithm>(v), CongestionAlgorithm::Reno);
  ASSERT_EQ(a.setsockopt(c, SockOpt::QuickAck, 1), Errno::Ok);
  EXPECT_FALSE(a.connection(c)->info().pingpong);
  a.getsockopt(c, SockOpt::QuickAck, v);
  EXPECT_EQ(v, 1);
}

TEST_F(StackPair, ReadyCallback_FiresOnAcceptAndData) {
  Fd l = b.socket();
  b.bind(l, {ip("10.0.0.2"), 80});
  b.listen(now, l, 4);
  int accepts = 0;
  std::string got;
  b.set_ready_callback(l, [&](Fd fd) {
    Fd s = -1;
    while (b.accept(fd, s) == Errno::Ok) {
      ++accepts;
      b.set_ready_callback(s, [&](Fd sfd) {
        std::vector<std::uint8_t> buf(64);
        std::size_t n = 0;
        while (b.recv(now, sfd, buf, n) == Errno::Ok && n > 0)
          got.append(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
      });
    }
  });
  Fd c = a.socket();
  a.connect(now, c, {ip("10.0.0.2"), 80});
  run(10 * kMillisecond);
  std::size_t n = 0;
  std::string msg = "ping";
  a.send(now, c, {reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()}, n);
  run(20 * kMillisecond);
  EXPECT_EQ(accepts, 1);
  EXPECT_EQ(got, "ping");
}

}  // namespace
}  // namespace tcpsim::tcp

namespace tcpsim::tcp {
namespace {

TEST_F(StackPair, ClosedConnectionStillHeldBySocket_AnswersLikeAClosedPort) {
  Fd l = b.socket();
  b.bind(l, {ip("10.0.0.2"), 80});
  b.listen(now, l, 4);
  Fd c = a.socket();
  a.connect(now, c, {ip("10.0.0.2"), 80});
  run(10 * kMillisecond);
  Fd s = -1;
  ASSERT_EQ(b.accept(l, s), Errno::Ok);
  b.setsockopt(s, SockOpt::Linger, 0);
  b.close(now, s);  // the server resets; the client's socket stays open on a CLOSED TCB
  run(20 * kMillisecond);
  ASSERT_EQ(a.connection(c)->state(), State::Closed);
  IpSegment late{ip("10.0.0.2"), ip("10.0.0.1"), {}};
  late.segment.header.src_port = 80;
  late.segment.header.dst_port = a.connection(c)->local().port;
  late.segment.header.flags = kAck;
  late.segment.header.ack = 99;
  late.segment.payload.assign(10, 'x');
  a.on_segment(now, late);
  std::vector<IpSegment> out;
  a.poll_transmit(now, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].segment.header.flags, kRst);  // <SEQ=SEG.ACK><CTL=RST>
  EXPECT_EQ(out[0].segment.header.seq, 99u);
}

}  // namespace
}  // namespace tcpsim::tcp

namespace tcpsim::tcp {
namespace {

TEST_F(StackPair, SendWith_BytesWrittenInPlaceArriveAndErrorsMatchSend) {
  Fd l = listen_on_b();
  Fd c = a.socket();
  std::size_t n = 0;
  auto letters = [](std::size_t done, std::span<std::uint8_t> into) {
    for (std::size_t i = 0; i < into.size(); ++i)
      into[i] = static_cast<std::uint8_t>('a' + (done + i) % 26);
  };
  // Not connected yet: the errors send() gives.
  EXPECT_EQ(a.send_with(now, 99, 10, letters, n), Errno::BadFd);
  EXPECT_EQ(a.send_with(now, c, 10, letters, n), Errno::NotConnected);
  EXPECT_EQ(n, 0u);
  ASSERT_EQ(a.connect(now, c, {ip("10.0.0.2"), 80}), Errno::InProgress);
  run(10 * kMillisecond);
  ASSERT_EQ(a.send_with(now, c, 30, letters, n), Errno::Ok);
  EXPECT_EQ(n, 30u);
  run(20 * kMillisecond);
  Fd s = -1;
  ASSERT_EQ(b.accept(l, s), Errno::Ok);
  std::vector<std::uint8_t> buf(100);
  ASSERT_EQ(b.recv(now, s, buf, n), Errno::Ok);
  EXPECT_EQ(std::string(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n)),
            "abcdefghijklmnopqrstuvwxyzabcd");
  // After close the connection refuses more data, as send() does.
  ASSERT_EQ(a.shutdown(now, c, ShutdownHow::Write), Errno::Ok);
  EXPECT_EQ(a.send_with(now, c, 5, letters, n), Errno::Pipe);
  EXPECT_EQ(n, 0u);
}

TEST(ByteRing, WriteWithFillsBothPiecesWhenTheSpaceWraps) {
  ByteRing ring(10);
  std::vector<std::uint8_t> seen;
  auto count_up = [](std::uint8_t base) {
    return [base](std::size_t done, std::span<std::uint8_t> into) {
      for (std::size_t i = 0; i < into.size(); ++i)
        into[i] = static_cast<std::uint8_t>(base + done + i);
    };
  };
  EXPECT_EQ(ring.write_with(6, count_up(0)), 6u);
  ring.consume(4);  // the next write wraps past the end of the storage
  int calls = 0;
  auto counted = [&](std::size_t done, std::span<std::uint8_t> into) {
    ++calls;
    count_up(100)(done, into);
  };
  // Storage grows to 4096 at the first write, so fill a ring of exactly its capacity.
  ByteRing small(4096);
  ASSERT_EQ(small.write_with(4000, count_up(0)), 4000u);
  small.consume(4000);
  EXPECT_EQ(small.write_with(200, counted), 200u);
  EXPECT_EQ(calls, 2);  // 96 bytes at the end of the storage, 104 at its start
  std::vector<std::uint8_t> out(200);
  small.copy_out(0, 200, out.data());
  for (std::size_t i = 0; i < out.size(); ++i)
    EXPECT_EQ(out[i], static_cast<std::uint8_t>(100 + i));
  // Never more than the free space.
  EXPECT_EQ(small.write_with(10000, count_up(0)), 4096u - 200u);
  EXPECT_EQ(small.write_with(1, count_up(0)), 0u);
  EXPECT_EQ(ring.size(), 2u);
}

TEST(ByteRing, GrowsToItsCapacityOnceLargeAndKeepsTheBytes) {
  ByteRing ring(1 << 20);
  std::vector<std::uint8_t> data(300000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
  std::size_t at = 0;
  while (at < data.size()) {  // in pieces, through every growth step
    std::size_t n = std::min<std::size_t>(5000, data.size() - at);
    ASSERT_EQ(ring.write({data.data() + at, n}), n);
    at += n;
  }
  ring.consume(1000);
  std::vector<std::uint8_t> out(data.size() - 1000);
  ring.copy_out(0, out.size(), out.data());
  EXPECT_TRUE(std::equal(out.begin(), out.end(), data.begin() + 1000));
  EXPECT_EQ(ring.free_space(), (1u << 20) - out.size());
}

TEST(PayloadPool, RecycledBuffersComeBackEmptyWithTheirRoom) {
  PayloadPool pool;
  EXPECT_EQ(pool.take().capacity(), 0u);  // nothing recycled yet
  std::vector<std::uint8_t> v(1448, 7);
  const std::uint8_t* storage = v.data();
  pool.give(std::move(v));
  pool.give(std::vector<std::uint8_t>{});  // no room: not kept
  EXPECT_EQ(pool.idle(), 1u);
  std::vector<std::uint8_t> again = pool.take();
  EXPECT_TRUE(again.empty());
  EXPECT_GE(again.capacity(), 1448u);
  EXPECT_EQ(again.data(), storage);
  for (std::size_t i = 0; i < PayloadPool::kMaxIdle + 10; ++i)
    pool.give(std::vector<std::uint8_t>(8));
  EXPECT_EQ(pool.idle(), PayloadPool::kMaxIdle);
}

TEST_F(StackPair, DataSegmentsTakeTheirBuffersFromTheSharedPool) {
  PayloadPool shared;
  a.set_payload_pool(shared);
  for (int i = 0; i < 3; ++i) shared.give(std::vector<std::uint8_t>(2000));
  listen_on_b();
  Fd c = connect_from_a();
  EXPECT_EQ(shared.idle(), 3u);  // the handshake carries no data
  std::vector<std::uint8_t> data(1000, 1);
  std::size_t n = 0;
  ASSERT_EQ(a.send(now, c, data, n), Errno::Ok);
  run(20 * kMillisecond);
  EXPECT_EQ(shared.idle(), 2u);  // one data segment took one
  EXPECT_EQ(&a.payload_pool(), &shared);
}

}  // namespace
}  // namespace tcpsim::tcp

namespace tcpsim::tcp {
namespace {

std::vector<std::uint8_t> bytes_from(std::uint8_t first, std::size_t n) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(first + i);
  return v;
}

TEST(ChunkQueue, ReadsAcrossChunksAndReturnsEmptiedBuffersToThePool) {
  PayloadPool pool;
  ChunkQueue q(100);
  q.set_pool(&pool);
  std::vector<std::uint8_t> a = bytes_from(0, 30);
  const std::uint8_t* a_storage = a.data();
  EXPECT_EQ(q.adopt(std::move(a)), 30u);
  EXPECT_TRUE(a.empty());  // taken over, not copied
  std::vector<std::uint8_t> b = bytes_from(30, 40);
  EXPECT_EQ(q.write(b), 40u);
  EXPECT_EQ(b.size(), 40u);  // copied
  EXPECT_EQ(q.size(), 70u);
  EXPECT_EQ(q.free_space(), 30u);
  std::vector<std::uint8_t> out(50);
  q.copy_out(20, 50, out.data());  // the end of one chunk and all of the next
  EXPECT_EQ(out, bytes_from(20, 50));
  q.consume(25);  // part of the first chunk
  EXPECT_EQ(pool.idle(), 0u);
  q.consume(10);  // the rest of it and 5 of the second
  EXPECT_EQ(pool.idle(), 1u);
  EXPECT_EQ(pool.take().data(), a_storage);  // the adopted buffer went back for reuse
  q.copy_out(0, 35, out.data());
  EXPECT_EQ(std::vector<std::uint8_t>(out.begin(), out.begin() + 35), bytes_from(35, 35));
  // A buffer larger than the free space: only what fits is copied.
  std::vector<std::uint8_t> big = bytes_from(0, 80);
  EXPECT_EQ(q.adopt(std::move(big)), 65u);
  EXPECT_EQ(q.size(), 100u);
  EXPECT_EQ(q.write(b), 0u);
  q.consume(q.size());
  EXPECT_TRUE(q.empty());
  q.set_capacity(10);
  EXPECT_EQ(q.capacity(), 10u);
}

TEST_F(StackPair, InOrderPayloadIsTakenOverUnlessItCarriesFin) {
  Fd l = listen_on_b();
  Fd c = connect_from_a();
  Fd s = -1;
  ASSERT_EQ(b.accept(l, s), Errno::Ok);
  // Take the client's next segments by hand and give them to the server as owned ones.
  auto next_data = [&](std::size_t n, bool close_after) {
    std::vector<std::uint8_t> data = bytes_from(1, n);
    std::size_t written = 0;
    EXPECT_EQ(a.send(now, c, data, written), Errno::Ok);
    if (close_after) a.shutdown(now, c, ShutdownHow::Write);
    std::vector<IpSegment> out;
    a.poll_transmit(now, out);
    EXPECT_EQ(out.size(), 1u);
    return std::move(out.front());
  };
  IpSegment plain = next_data(500, false);
  const std::uint8_t* storage = plain.segment.payload.data();
  b.on_segment(now, std::move(plain));
  EXPECT_TRUE(plain.segment.payload.empty());  // the connection kept the buffer
  IpSegment with_fin = next_data(300, true);
  ASSERT_TRUE(with_fin.segment.has(kFin));
  b.on_segment(now, std::move(with_fin));
  EXPECT_EQ(with_fin.segment.payload.size(), 300u);  // copied: FIN handling reads it
  std::vector<std::uint8_t> buf(1000);
  std::size_t n = 0;
  ASSERT_EQ(b.recv(now, s, buf, n), Errno::Ok);
  ASSERT_EQ(n, 800u);
  EXPECT_EQ(std::vector<std::uint8_t>(buf.begin(), buf.begin() + 500), bytes_from(1, 500));
  EXPECT_EQ(std::vector<std::uint8_t>(buf.begin() + 500, buf.begin() + 800), bytes_from(1, 300));
  EXPECT_TRUE(b.connection(s)->remote_closed());
  // The read emptied the adopted buffer, which went back to the receiver's pool.
  ASSERT_GE(b.payload_pool().idle(), 1u);
  bool found = false;
  while (b.payload_pool().idle() > 0) found |= b.payload_pool().take().data() == storage;
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace tcpsim::tcp

// SYN cookies (RFC 4987 §3.6) at a listener of b (10.0.0.2:80), with segments made by hand
// from 10.0.0.1: what goes out, what the cookies decode to, what accept() returns.
namespace tcpsim::tcp {
namespace {

class CookieListener : public StackPair, public StackObserver {
 protected:
  explicit CookieListener(const TcpConfig& c = config()) : StackPair(c) {
    b.set_stack_observer(this);
  }
  Fd listen_with(int backlog) {
    Fd l = b.socket();
    EXPECT_EQ(b.bind(l, {ip("10.0.0.2"), 80}), Errno::Ok);
    EXPECT_EQ(b.listen(now, l, backlog), Errno::Ok);
    return l;
  }
  // A SYN as Linux sends it: mss 1460, sackOK, TS, nop, wscale 7.
  static IpSegment syn(std::uint16_t port, std::uint32_t isn) {
    IpSegment s{ip("10.0.0.1"), ip("10.0.0.2"), {}};
    s.segment.header.src_port = port;
    s.segment.header.dst_port = 80;
    s.segment.header.seq = isn;
    s.segment.header.flags = kSyn;
    s.segment.header.window = 65535;
    s.segment.header.options.add_mss(1460);
    s.segment.header.options.add_sack_permitted();
    s.segment.header.options.add_timestamps(1000 + port, 0);
    s.segment.header.options.add_nop();
    s.segment.header.options.add_window_scale(7);
    return s;
  }
  // The client's ACK of `syn_ack`, echoing its timestamp.
  static IpSegment ack_of(const IpSegment& syn_ack) {
    const wire::TcpRepr& h = syn_ack.segment.header;
    IpSegment s{ip("10.0.0.1"), ip("10.0.0.2"), {}};
    s.segment.header.src_port = h.dst_port;
    s.segment.header.dst_port = 80;
    s.segment.header.seq = h.ack;
    s.segment.header.ack = h.seq + 1;
    s.segment.header.flags = kAck;
    s.segment.header.window = 502;
    if (auto ts = h.options.timestamps())
      s.segment.header.options.add_timestamps(2000 + h.dst_port, ts->tsval);
    return s;
  }
  // What b sends, by client port (the host's stateless answers come out before the
  // connections' segments).
  std::vector<IpSegment> from_b() {
    std::vector<IpSegment> out;
    b.poll_transmit(now, out);
    std::stable_sort(out.begin(), out.end(), [](const IpSegment& x, const IpSegment& y) {
      return x.segment.header.dst_port < y.segment.header.dst_port;
    });
    return out;
  }
  // The cookie in a SYN,ACK of b, decoded with b's secret (2), or nullopt.
  std::optional<CookieOptions> decode(const IpSegment& syn_ack) const {
    const wire::TcpRepr& h = syn_ack.segment.header;
    CookieTuple t{{ip("10.0.0.2"), 80}, {ip("10.0.0.1"), h.dst_port}, h.ack - 1};
    return decode_syn_cookie(b.config().syncookie_format, 2, now, t, h.seq);
  }
  // Accepts one connection: its state and what it agreed.
  TcbInfo accept_one(Fd l, std::uint16_t expected_port) {
    Fd s = -1;
    Endpoint peer;
    EXPECT_EQ(b.accept(l, s, &peer), Errno::Ok);
    EXPECT_EQ(peer.port, expected_port);
    const Connection* c = b.connection(s);
    return c == nullptr ? TcbInfo{} : c->info();
  }
  void on_unmatched(Nanos, const IpSegment&, DropReason r, bool) override { drops.push_back(r); }

  std::vector<DropReason> drops;
};

TEST_F(CookieListener, Backlog1_ThreeSyns_OneChildTwoCookies_AcksCompleteEach) {
  Fd l = listen_with(1);
  for (std::uint16_t port : {1001, 1002, 1003}) b.on_segment(now, syn(port, 7000u * port));
  std::vector<IpSegment> out = from_b();
  ASSERT_EQ(out.size(), 3u);
  // The first SYN got a SYN-RECEIVED child and an RFC 6528 ISN; the others stateless cookies.
  ASSERT_EQ(b.connections().size(), 1u);
  EXPECT_EQ(b.connections()[0]->state(), State::SynReceived);
  EXPECT_EQ(b.connections()[0]->remote().port, 1001);
  EXPECT_EQ(out[0].segment.header.dst_port, 1001);
  EXPECT_FALSE(decode(out[0]));
  for (std::size_t i : {1u, 2u}) {
    EXPECT_EQ(out[i].segment.header.flags, kSyn | kAck);
    EXPECT_EQ(out[i].segment.header.ack, 7000u * out[i].segment.header.dst_port + 1);
    auto opts = decode(out[i]);
    ASSERT_TRUE(opts);
    EXPECT_EQ(opts->mss, 1460);  // Linux's msstab entry for 1460
    // Window scale and SACK ride in the TSval: the SYN,ACK still offers them.
    EXPECT_EQ(out[i].segment.header.options.window_scale(), 7);
    EXPECT_TRUE(out[i].segment.header.options.sack_permitted());
  }
  EXPECT_EQ(b.listen_counters().cookies_sent, 2u);

  for (std::size_t i : {0u, 1u, 2u}) {
    b.on_segment(now, ack_of(out[i]));
    EXPECT_TRUE(from_b().empty());
    TcbInfo info = accept_one(l, out[i].segment.header.dst_port);
    EXPECT_EQ(info.state, State::Established);
    EXPECT_EQ(info.iss, out[i].segment.header.seq);
    // Decoded from the cookie and its timestamp: the peer's shift, SACK, MSS 1460 - 12.
    EXPECT_EQ(info.snd_wscale, 7);
    EXPECT_TRUE(info.sack_ok);
    EXPECT_TRUE(info.ts_ok);
    EXPECT_EQ(info.snd_mss, 1448u);
  }
  EXPECT_EQ(b.listen_counters().cookies_accepted, 2u);
  EXPECT_EQ(b.listen_counters().syns_dropped + b.listen_counters().acks_dropped, 0u);
}

TEST_F(CookieListener, AcceptQueueFull_CookieAckDropped_TakenOnceThereIsRoom) {
  Fd l = listen_with(1);
  b.on_segment(now, syn(1001, 1));
  b.on_segment(now, syn(1002, 2));
  std::vector<IpSegment> out = from_b();
  ASSERT_EQ(out.size(), 2u);
  b.on_segment(now, ack_of(out[0]));  // the child fills the accept queue
  b.on_segment(now, ack_of(out[1]));  // so the good cookie is dropped (Linux: acceptq full)
  EXPECT_TRUE(from_b().empty());
  EXPECT_EQ(b.connections().size(), 1u);
  EXPECT_EQ(b.listen_counters().acks_dropped, 1u);
  ASSERT_EQ(drops.size(), 1u);
  EXPECT_EQ(drops[0], DropReason::AcceptQueueFull);
  // A full accept queue also drops new SYNs, cookies or not.
  b.on_segment(now, syn(1003, 3));
  EXPECT_TRUE(from_b().empty());
  EXPECT_EQ(b.listen_counters().syns_dropped, 1u);
  accept_one(l, 1001);
  b.on_segment(now, ack_of(out[1]));
  EXPECT_EQ(accept_one(l, 1002).state, State::Established);
}

TEST_F(CookieListener, BadCookieAck_AnsweredWithRst_Counted) {
  listen_with(1);
  b.on_segment(now, syn(1001, 1));
  b.on_segment(now, syn(1002, 2));
  std::vector<IpSegment> out = from_b();
  ASSERT_EQ(out.size(), 2u);
  IpSegment forged = ack_of(out[1]);
  forged.segment.header.ack += 4;
  b.on_segment(now, forged);
  std::vector<IpSegment> rst = from_b();
  ASSERT_EQ(rst.size(), 1u);
  EXPECT_EQ(rst[0].segment.header.flags, kRst);
  EXPECT_EQ(rst[0].segment.header.seq, forged.segment.header.ack);
  EXPECT_EQ(b.listen_counters().cookies_rejected, 1u);
  ASSERT_EQ(drops.size(), 1u);
  EXPECT_EQ(drops[0], DropReason::SynCookieInvalid);
  // Two minutes after the last cookie, a bare ACK is plain LISTEN's (RST, not checked).
  now += 120 * kSecond;
  b.on_segment(now, ack_of(out[1]));
  EXPECT_EQ(from_b().size(), 1u);
  EXPECT_EQ(drops.back(), DropReason::ListenAck);
  EXPECT_EQ(b.listen_counters().cookies_rejected, 1u);
}

class AlwaysCookies : public CookieListener {
 protected:
  AlwaysCookies() : CookieListener(config(2)) {}
};

TEST_F(AlwaysCookies, EverySynAnsweredWithACookie_NoStateUntilTheAck) {
  Fd l = listen_with(16);
  b.on_segment(now, syn(1001, 1));
  std::vector<IpSegment> out = from_b();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(decode(out[0]));
  EXPECT_TRUE(b.connections().empty());
  now += 50 * kMillisecond;
  b.on_segment(now, ack_of(out[0]));
  EXPECT_EQ(accept_one(l, 1001).state, State::Established);
  EXPECT_EQ(b.listen_counters().cookies_sent, 1u);
  EXPECT_EQ(b.listen_counters().cookies_accepted, 1u);
}

// Without timestamps a Linux cookie has nowhere to keep window scaling and SACK; FreeBSD's
// keeps both in the ISN.
TcpConfig no_timestamps(const char* profile) {
  TcpConfig c = *TcpConfig::profile_named(profile);
  c.timestamps = false;
  c.syncookies = 2;
  return c;
}

class LinuxNoTimestamps : public CookieListener {
 protected:
  LinuxNoTimestamps() : CookieListener(no_timestamps("linux")) {}
};

class FreeBsdNoTimestamps : public CookieListener {
 protected:
  FreeBsdNoTimestamps() : CookieListener(no_timestamps("freebsd")) {}
};

TEST_F(LinuxNoTimestamps, CookieSynAckOffersOnlyMss_ConnectionHasNoScalingNorSack) {
  Fd l = listen_with(4);
  b.on_segment(now, syn(1001, 1));
  std::vector<IpSegment> out = from_b();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].segment.header.options.to_string(), "mss 1460");
  b.on_segment(now, ack_of(out[0]));
  TcbInfo info = accept_one(l, 1001);
  EXPECT_EQ(info.state, State::Established);
  EXPECT_EQ(info.snd_wscale, 0);
  EXPECT_EQ(info.rcv_wscale, 0);
  EXPECT_FALSE(info.sack_ok);
}

TEST_F(FreeBsdNoTimestamps, CookieKeepsScalingAndSack) {
  Fd l = listen_with(4);
  b.on_segment(now, syn(1001, 1));
  std::vector<IpSegment> out = from_b();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].segment.header.options.to_string(), "mss 1460,nop,wscale 6,sackOK");
  auto opts = decode(out[0]);
  ASSERT_TRUE(opts);
  EXPECT_EQ(*opts, (CookieOptions{1460, true, 7, true}));
  b.on_segment(now, ack_of(out[0]));
  TcbInfo info = accept_one(l, 1001);
  EXPECT_EQ(info.state, State::Established);
  EXPECT_EQ(info.snd_wscale, 7);
  EXPECT_EQ(info.rcv_wscale, 6);
  EXPECT_TRUE(info.sack_ok);
}

// Two real stacks: three connects at once to a backlog of 1 all complete, two of them
// through cookies, and the client never notices.
TEST_F(StackPair, Backlog1_ThreeConnects_AllEstablishedThroughCookies) {
  Fd l = b.socket();
  b.bind(l, {ip("10.0.0.2"), 80});
  b.listen(now, l, 1);
  int accepted = 0;
  b.set_ready_callback(l, [&](Fd fd) {
    Fd s = -1;
    while (b.accept(fd, s) == Errno::Ok) ++accepted;
  });
  std::vector<Fd> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(a.socket());
    a.connect(now, clients.back(), {ip("10.0.0.2"), 80});
  }
  run(10 * kMillisecond);
  EXPECT_EQ(flags_seen(), "SYN SYN SYN SYN,ACK SYN,ACK SYN,ACK ACK ACK ACK");
  for (Fd c : clients) EXPECT_EQ(a.connection(c)->state(), State::Established);
  EXPECT_EQ(accepted, 3);
  EXPECT_EQ(b.listen_counters().cookies_sent, 2u);
  EXPECT_EQ(b.listen_counters().cookies_accepted, 2u);
}

}  // namespace
}  // namespace tcpsim::tcp
