// The TCB comment's text: the fixed key order, the units, and host names that cannot
// break the key=value split the Wireshark plugin relies on.
#include "sim/scenario/tcb_comment.hpp"

#include <gtest/gtest.h>

namespace tcpsim::sim {
namespace {

tcp::TcbInfo established() {
  tcp::TcbInfo i;
  i.state = tcp::State::Established;
  i.cwnd = 14480;
  i.ssthresh = 2147483647;
  i.pipe = 2896;
  i.in_flight = 4344;
  i.srtt = 10'118'400;  // ns
  i.rto = 200'000'999;
  i.snd_una = 4000000001;
  i.snd_nxt = 4000004345;
  i.snd_wnd = 65535;
  return i;
}

TEST(TcbComment, KeysInFixedOrderWithTimesInMicroseconds) {
  EXPECT_EQ(tcb_comment("client", established()),
            "tcpsim: host=client state=ESTABLISHED cwnd=14480 ssthresh=2147483647 pipe=2896 "
            "in_flight=4344 srtt_us=10118 rto_us=200000 snd_una=4000000001 "
            "snd_nxt=4000004345 rwnd=65535");
}

TEST(TcbComment, StateUsesRfc9293Names) {
  tcp::TcbInfo i = established();
  i.state = tcp::State::SynSent;
  EXPECT_NE(tcb_comment("a", i).find(" state=SYN-SENT "), std::string::npos);
  i.state = tcp::State::TimeWait;
  EXPECT_NE(tcb_comment("a", i).find(" state=TIME-WAIT "), std::string::npos);
}

TEST(TcbComment, StartsWithThePrefix) {
  EXPECT_EQ(tcb_comment("server", tcp::TcbInfo{}).rfind(kTcbCommentPrefix, 0), 0u);
}

TEST(TcbComment, HostNameCannotSplitThePairs) {
  std::string text = tcb_comment("web server=1", established());
  EXPECT_EQ(text.rfind("tcpsim: host=web_server_1 state=", 0), 0u) << text;
}

}  // namespace
}  // namespace tcpsim::sim
