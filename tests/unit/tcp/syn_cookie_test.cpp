// SYN cookie arithmetic (stack/tcp/syn_cookie.hpp): what goes in comes out for the tuple,
// ISN and time it was made for, and nothing else passes.
#include "stack/tcp/syn_cookie.hpp"

#include <gtest/gtest.h>

namespace tcpsim::tcp {
namespace {

constexpr std::uint64_t kSecret = 0x5eed;

wire::IpAddress ip(const char* s) {
  return *wire::IpAddress::parse(s);
}

CookieTuple tuple(std::uint16_t client_port = 40000, const char* server = "10.0.0.2",
                  const char* client = "10.0.0.1") {
  return CookieTuple{{ip(server), 80}, {ip(client), client_port}, 0x12345678};
}

struct Made {
  std::uint32_t isn;
  CookieOptions opts;  // as encoded (rounded)
};

Made make(SynCookieFormat f, Nanos at, CookieOptions o, const CookieTuple& t = tuple()) {
  std::uint32_t isn = encode_syn_cookie(f, kSecret, at, t, o);
  return {isn, o};
}

class BothFormats : public ::testing::TestWithParam<SynCookieFormat> {};

INSTANTIATE_TEST_SUITE_P(SynCookie, BothFormats,
                         ::testing::Values(SynCookieFormat::Linux, SynCookieFormat::FreeBsd),
                         [](const auto& info) {
                           return info.param == SynCookieFormat::Linux ? "Linux" : "FreeBsd";
                         });

TEST_P(BothFormats, RoundTrip_SameTupleWithinLifetime_GivesTheOptionsBack) {
  CookieOptions in{1460, true, 7, true};
  for (Nanos at : {Nanos{0}, 5 * kSecond, 59 * kSecond, 3600 * kSecond}) {
    Made m = make(GetParam(), at, in);
    for (Nanos later : {Nanos{0}, kSecond, syn_cookie_lifetime(GetParam()) / 2}) {
      auto out = decode_syn_cookie(GetParam(), kSecret, at + later, tuple(), m.isn);
      ASSERT_TRUE(out) << "made at " << at << ", checked " << later << " later";
      EXPECT_EQ(out->mss, 1460);
      if (GetParam() == SynCookieFormat::FreeBsd) {
        EXPECT_EQ(*out, m.opts);
      }
    }
  }
}

TEST_P(BothFormats, WrongTupleOrIsn_Rejected) {
  Made m = make(GetParam(), 10 * kSecond, CookieOptions{1460, true, 7, true});
  Nanos now = 11 * kSecond;
  EXPECT_TRUE(decode_syn_cookie(GetParam(), kSecret, now, tuple(), m.isn));
  EXPECT_FALSE(decode_syn_cookie(GetParam(), kSecret, now, tuple(40001), m.isn));
  EXPECT_FALSE(decode_syn_cookie(GetParam(), kSecret, now, tuple(40000, "10.0.0.3"), m.isn));
  EXPECT_FALSE(
      decode_syn_cookie(GetParam(), kSecret, now, tuple(40000, "10.0.0.2", "10.0.0.9"), m.isn));
  // (Linux adds the peer's ISN to the cookie, so an ISN off by 1 to 3 only moves the MSS
  // index, as in Linux; one further off breaks it.)
  CookieTuple other_isn = tuple();
  other_isn.peer_isn += 1000;
  EXPECT_FALSE(decode_syn_cookie(GetParam(), kSecret, now, other_isn, m.isn));
  EXPECT_FALSE(decode_syn_cookie(GetParam(), kSecret + 1, now, tuple(), m.isn));
}

TEST(SynCookie, Linux_Expired_AfterTwoMinuteCounters) {
  // tcp_cookie_time() ticks every 60 s; a cookie is good while the counter moved < 2.
  Made early = make(SynCookieFormat::Linux, 0, CookieOptions{1460});
  EXPECT_TRUE(
      decode_syn_cookie(SynCookieFormat::Linux, kSecret, 119 * kSecond, tuple(), early.isn));
  EXPECT_FALSE(
      decode_syn_cookie(SynCookieFormat::Linux, kSecret, 120 * kSecond, tuple(), early.isn));
  Made late = make(SynCookieFormat::Linux, 59 * kSecond, CookieOptions{1460});
  EXPECT_TRUE(decode_syn_cookie(SynCookieFormat::Linux, kSecret, 119 * kSecond, tuple(), late.isn));
  EXPECT_FALSE(
      decode_syn_cookie(SynCookieFormat::Linux, kSecret, 120 * kSecond, tuple(), late.isn));
  // Nor is a cookie good before it was made (a counter from the future).
  Made future = make(SynCookieFormat::Linux, 600 * kSecond, CookieOptions{1460});
  EXPECT_FALSE(
      decode_syn_cookie(SynCookieFormat::Linux, kSecret, 500 * kSecond, tuple(), future.isn));
}

TEST(SynCookie, FreeBsd_Expired_OnceItsSecretIsReplaced) {
  // Two secrets, odd and even, each replaced every 16 s: good for 16 to 32 s.
  Made m = make(SynCookieFormat::FreeBsd, 0, CookieOptions{1460});
  EXPECT_TRUE(decode_syn_cookie(SynCookieFormat::FreeBsd, kSecret, 31 * kSecond, tuple(), m.isn));
  EXPECT_FALSE(decode_syn_cookie(SynCookieFormat::FreeBsd, kSecret, 32 * kSecond, tuple(), m.isn));
  Made late = make(SynCookieFormat::FreeBsd, 15 * kSecond, CookieOptions{1460});
  EXPECT_TRUE(
      decode_syn_cookie(SynCookieFormat::FreeBsd, kSecret, 31 * kSecond, tuple(), late.isn));
  EXPECT_FALSE(
      decode_syn_cookie(SynCookieFormat::FreeBsd, kSecret, 32 * kSecond, tuple(), late.isn));
}

TEST(SynCookie, FreeBsd_TamperedAck_EveryBitFlipRejected) {
  Made m = make(SynCookieFormat::FreeBsd, kSecond, CookieOptions{1460, true, 7, true});
  for (int bit = 0; bit < 32; ++bit) {
    std::uint32_t forged = m.isn ^ (1u << bit);
    EXPECT_FALSE(decode_syn_cookie(SynCookieFormat::FreeBsd, kSecret, kSecond, tuple(), forged))
        << "bit " << bit;
  }
}

TEST(SynCookie, Linux_TamperedAck_RejectedAboveTheMssIndex) {
  // The MSS index is added to the hash in the low bits, so flipping bit 0 or 1 only
  // moves it within msstab (as in Linux); every other flip breaks the hash or the counter.
  Made m = make(SynCookieFormat::Linux, kSecond, CookieOptions{1300});
  for (int bit = 2; bit < 32; ++bit) {
    std::uint32_t forged = m.isn ^ (1u << bit);
    EXPECT_FALSE(decode_syn_cookie(SynCookieFormat::Linux, kSecret, kSecond, tuple(), forged))
        << "bit " << bit;
  }
  EXPECT_FALSE(decode_syn_cookie(SynCookieFormat::Linux, kSecret, kSecond, tuple(), m.isn + 4));
}

TEST(SynCookie, Linux_MssRoundedDownToMsstab) {
  struct Case {
    std::uint16_t in, v4, v6;
  };
  for (Case c : {Case{1460, 1460, 1440}, Case{1400, 1300, 1220}, Case{1300, 1300, 1220},
                 Case{500, 536, 1220}, Case{9000, 1460, 8940}}) {
    Made v4 = make(SynCookieFormat::Linux, 0, CookieOptions{c.in});
    EXPECT_EQ(v4.opts.mss, c.v4);
    EXPECT_EQ(decode_syn_cookie(SynCookieFormat::Linux, kSecret, 0, tuple(), v4.isn)->mss, c.v4);
    CookieTuple t6 = tuple(40000, "fd00::2", "fd00::1");
    Made v6 = make(SynCookieFormat::Linux, 0, CookieOptions{c.in}, t6);
    EXPECT_EQ(decode_syn_cookie(SynCookieFormat::Linux, kSecret, 0, t6, v6.isn)->mss, c.v6);
  }
}

TEST(SynCookie, FreeBsd_MssAndWindowScaleRoundedDownToTheirTables) {
  struct Case {
    CookieOptions in, out;
  };
  for (Case c : {Case{{1460, true, 14, false}, {1460, true, 8, false}},
                 Case{{1450, true, 3, true}, {1440, true, 2, true}},
                 Case{{1000, true, 0, false}, {536, true, 0, false}},
                 Case{{100, false, 0, true}, {216, false, 0, true}}}) {
    Made m = make(SynCookieFormat::FreeBsd, 0, c.in);
    EXPECT_EQ(m.opts, c.out);
    EXPECT_EQ(decode_syn_cookie(SynCookieFormat::FreeBsd, kSecret, 0, tuple(), m.isn), c.out);
  }
}

TEST(SynCookie, LinuxTimestamp_CarriesWscaleAndSack_NeverAheadOfTheClock) {
  for (std::uint32_t clock : {0u, 63u, 64u, 1000u, 123457u, 0xFFFFFFF0u}) {
    for (CookieOptions o : {CookieOptions{1460, true, 7, true}, CookieOptions{1460, false, 0, true},
                            CookieOptions{1460, true, 14, false}, CookieOptions{536}}) {
      std::uint32_t ts = linux_cookie_tsval(clock, o);
      EXPECT_LT(clock - ts, 64u) << clock;  // at or up to 63 ticks before the clock
      CookieOptions back{1460};
      linux_cookie_ts_options(ts, back);
      EXPECT_EQ(back, (CookieOptions{1460, o.wscale_ok, o.snd_wscale, o.sack_ok}));
    }
  }
}

TEST(SynCookie, ListenVerdict_FollowsTcpConnRequest) {
  // syncookies, accept queue, SYN-RECEIVED children, backlog -> verdict
  EXPECT_EQ(listen_verdict(1, 0, 3, 4), SynVerdict::Queue);
  EXPECT_EQ(listen_verdict(1, 1, 3, 4), SynVerdict::Cookie);
  EXPECT_EQ(listen_verdict(1, 4, 0, 4), SynVerdict::Drop);  // accept queue full
  EXPECT_EQ(listen_verdict(0, 1, 3, 4), SynVerdict::Drop);
  EXPECT_EQ(listen_verdict(0, 0, 3, 4), SynVerdict::Queue);
  EXPECT_EQ(listen_verdict(2, 0, 0, 4), SynVerdict::Cookie);
  EXPECT_EQ(listen_verdict(2, 4, 0, 4), SynVerdict::Drop);
}

TEST(SynCookie, ListenVerdict_LinuxCountsEachQueuePastTheBacklog) {
  constexpr bool kLinux = true;
  EXPECT_EQ(listen_verdict(1, 1, 1, 1, kLinux), SynVerdict::Queue);   // 1 > 1 is not full
  EXPECT_EQ(listen_verdict(1, 0, 2, 1, kLinux), SynVerdict::Cookie);  // requests past it
  EXPECT_EQ(listen_verdict(0, 0, 2, 1, kLinux), SynVerdict::Drop);
  EXPECT_EQ(listen_verdict(1, 2, 0, 1, kLinux), SynVerdict::Drop);   // accept queue past it
  EXPECT_EQ(listen_verdict(1, 2, 2, 1, kLinux), SynVerdict::Drop);   // no cookie then either
  EXPECT_EQ(listen_verdict(1, 0, 0, 0, kLinux), SynVerdict::Queue);  // backlog 0 takes one
  EXPECT_EQ(listen_verdict(2, 0, 0, 4, kLinux), SynVerdict::Cookie);
}

}  // namespace
}  // namespace tcpsim::tcp
