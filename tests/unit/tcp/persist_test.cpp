// The persist timer's schedule (PersistTimer) under each ProbeRule: RFC doubling, Linux's
// probe0 interval with its user-timeout clamp, and FreeBSD's tcp_setpersist.
#include <gtest/gtest.h>

#include "stack/tcp/persist.hpp"

namespace tcpsim::tcp {
namespace {

TcpConfig with_rule(ProbeRule rule) {
  TcpConfig c;
  c.probe_rule = rule;
  if (rule == ProbeRule::Linux) c.persist_max = 120 * kSecond;
  if (rule == ProbeRule::FreeBsd) c.persist_min = 5 * kSecond;
  return c;
}

TEST(PersistTimer, Rfc_StartsAtTheRtoAndDoublesToTheMaximum) {
  TcpConfig c = with_rule(ProbeRule::Rfc);
  PersistTimer p;
  PersistInputs in{1 * kSecond, 100 * kMillisecond, 50 * kMillisecond, true};
  EXPECT_EQ(p.start(c, in), 1 * kSecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 2 * kSecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 4 * kSecond);
  for (int i = 0; i < 10; ++i) p.after_probe(c, in, 0);
  EXPECT_EQ(p.after_probe(c, in, 0), 60 * kSecond);
  EXPECT_EQ(p.probes(), 13);
}

TEST(PersistTimer, Rfc_ShortRtoTakesTheFloor) {
  TcpConfig c = with_rule(ProbeRule::Rfc);
  PersistTimer p;
  EXPECT_EQ(p.start(c, {50 * kMillisecond, 0, 0, false}), 200 * kMillisecond);
}

TEST(PersistTimer, Linux_ShiftsTheCurrentRtoAndCapsAtRtoMax) {
  TcpConfig c = with_rule(ProbeRule::Linux);
  PersistTimer p;
  PersistInputs in{300 * kMillisecond, 100 * kMillisecond, 50 * kMillisecond, true};
  EXPECT_EQ(p.start(c, in), 300 * kMillisecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 600 * kMillisecond);
  // An ACK restarts with the same interval; it does not back off.
  EXPECT_EQ(p.after_ack(c, in, 0), 600 * kMillisecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 1200 * kMillisecond);
  for (int i = 0; i < 20; ++i) p.after_probe(c, in, 0);
  EXPECT_EQ(p.after_ack(c, in, 0), 120 * kSecond);
}

TEST(PersistTimer, Linux_UserTimeoutCountsFromTheFirstFiringAndClampsTheTimer) {
  TcpConfig c = with_rule(ProbeRule::Linux);
  c.user_timeout = 1 * kSecond;
  PersistTimer p;
  PersistInputs in{300 * kMillisecond, 100 * kMillisecond, 50 * kMillisecond, true};
  p.start(c, in);
  EXPECT_FALSE(p.gives_up(400 * kMillisecond, c.user_timeout, 15));  // starts the count
  EXPECT_EQ(p.after_probe(c, in, 400 * kMillisecond), 600 * kMillisecond);
  EXPECT_FALSE(p.gives_up(1000 * kMillisecond, c.user_timeout, 15));
  // 1.2 s would be next; 400 ms are left.
  EXPECT_EQ(p.after_probe(c, in, 1000 * kMillisecond), 400 * kMillisecond);
  EXPECT_EQ(p.after_ack(c, in, 1390 * kMillisecond), 10 * kMillisecond);
  EXPECT_EQ(p.after_ack(c, in, 1399 * kMillisecond), 2 * kMillisecond);  // TCP_TIMEOUT_MIN
  EXPECT_TRUE(p.gives_up(1400 * kMillisecond, c.user_timeout, 15));
  // Once the window opens the count is over.
  p.stop();
  EXPECT_FALSE(p.gives_up(5 * kSecond, c.user_timeout, 15));
}

TEST(PersistTimer, Linux_UnansweredProbesGiveUpAtTheLimitAndAnAckResetsTheCount) {
  TcpConfig c = with_rule(ProbeRule::Linux);
  PersistTimer p;
  PersistInputs in{300 * kMillisecond, 100 * kMillisecond, 50 * kMillisecond, true};
  p.start(c, in);
  EXPECT_EQ(p.backoff(15), 0);
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(p.gives_up(0, 0, 3));
    p.after_probe(c, in, 0);
  }
  EXPECT_EQ(p.unanswered(), 3);
  EXPECT_EQ(p.backoff(15), 3);
  p.on_ack();
  EXPECT_EQ(p.unanswered(), 0);
  EXPECT_FALSE(p.gives_up(0, 0, 3));
  for (int i = 0; i < 3; ++i) p.after_probe(c, in, 0);
  EXPECT_TRUE(p.gives_up(0, 0, 3));
  p.stop();
  EXPECT_EQ(p.backoff(15), 0);  // the window opened: icsk_backoff = 0
}

TEST(PersistTimer, FreeBsd_BackoffOfFourSrttAndEightRttvarWithinFiveAndSixtySeconds) {
  TcpConfig c = with_rule(ProbeRule::FreeBsd);
  PersistTimer p;
  // t = 4 * 100 ms + 8 * 50 ms = 800 ms: 5 s, 5 s, 5 s, 6.4 s, 12.8 s, 25.6 s, 51.2 s, then
  // tcp_backoff goes on (128, 256, ...) and TCPTV_PERSMAX holds it at 60 s.
  PersistInputs in{1 * kSecond, 100 * kMillisecond, 50 * kMillisecond, true};
  EXPECT_EQ(p.start(c, in), 5 * kSecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 5 * kSecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 5 * kSecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 6400 * kMillisecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 12800 * kMillisecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 25600 * kMillisecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 51200 * kMillisecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 60 * kSecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 60 * kSecond);
}

TEST(PersistTimer, FreeBsd_WithoutASampleTheInitialRttvarSetsTheBase) {
  TcpConfig c = with_rule(ProbeRule::FreeBsd);
  PersistTimer p;
  // SRTT 0, RTTVAR 250 ms (a quarter of the 1 s initial RTO): t = 2 s.
  PersistInputs in{1 * kSecond, 0, 0, false};
  EXPECT_EQ(p.start(c, in), 5 * kSecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 5 * kSecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 8 * kSecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 16 * kSecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 32 * kSecond);
  EXPECT_EQ(p.after_probe(c, in, 0), 60 * kSecond);  // TCPTV_PERSMAX
}

TEST(PersistTimer, FreeBsd_DropsWhenClosedAfterAMinuteOrWhenTheBackoffIsFullAndLong) {
  TcpConfig c = with_rule(ProbeRule::FreeBsd);
  c.data_retries = 12;  // TCP_MAXRXTSHIFT
  c.persist_max = 60 * kSecond;
  c.min_rto = 30 * kMillisecond;
  PersistTimer p;
  PersistInputs in{1 * kSecond, 100 * kMillisecond, 50 * kMillisecond, true};
  p.start(c, in);
  // A closed socket: 60 s of silence, whatever the back-off.
  EXPECT_FALSE(p.freebsd_gives_up(c, in, 59 * kSecond, true));
  EXPECT_TRUE(p.freebsd_gives_up(c, in, 60 * kSecond, true));
  // An open one: not before the back-off is full, however long the silence.
  EXPECT_FALSE(p.freebsd_gives_up(c, in, 3 * 3600 * kSecond, false));
  for (int i = 0; i < 10; ++i) p.after_probe(c, in, 0);
  EXPECT_FALSE(p.freebsd_gives_up(c, in, 3 * 3600 * kSecond, false));  // t_rxtshift 11
  p.after_probe(c, in, 0);
  // Full: TCP_REXMTVAL (100 + 4 x 50 = 300 ms) x 2559 = 767.7 s of silence.
  EXPECT_FALSE(p.freebsd_gives_up(c, in, 767 * kSecond, false));
  EXPECT_TRUE(p.freebsd_gives_up(c, in, 7677 * kSecond / 10, false));
  // Without a sample TCP_REXMTVAL is the initial RTO: 2559 s.
  PersistInputs none{1 * kSecond, 0, 0, false};
  EXPECT_FALSE(p.freebsd_gives_up(c, none, 2558 * kSecond, false));
  EXPECT_TRUE(p.freebsd_gives_up(c, none, 2559 * kSecond, false));
}

}  // namespace
}  // namespace tcpsim::tcp
