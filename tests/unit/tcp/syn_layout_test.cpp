// SYN option layouts (the text leaves out the zero padding after the last option, which
// TcpRepr::emit adds): every combination of SACK-permitted, timestamps and window scale,
// laid out as Linux's tcp_options_write and FreeBSD's tcp_addoptions lay them out (the
// NOPs where an option is off), and always a whole number of 32-bit words.
#include <gtest/gtest.h>

#include "stack/tcp/negotiation.hpp"

namespace tcpsim::tcp {
namespace {

SynSet syn(bool sack, bool ts, bool ws) {
  SynSet s;
  s.mss = true;
  s.mss_value = 1460;
  s.sack = sack;
  s.ts = ts;
  s.ws = ws;
  s.shift = 7;
  s.tsval = 100;
  s.tsecr = 0;
  return s;
}

struct Case {
  bool sack, ts, ws;
  const char* linux_layout;
  const char* freebsd_layout;
};

TEST(SynLayout, EachKernelsPaddingForEveryCombination) {
  const Case cases[] = {
      {true, true, true, "mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7",
       "mss 1460,nop,wscale 7,sackOK,TS val 100 ecr 0"},
      {true, false, true, "mss 1460,nop,nop,sackOK,nop,wscale 7", "mss 1460,nop,wscale 7,sackOK"},
      {false, true, true, "mss 1460,nop,nop,TS val 100 ecr 0,nop,wscale 7",
       "mss 1460,nop,wscale 7,nop,nop,TS val 100 ecr 0"},
      {true, true, false, "mss 1460,sackOK,TS val 100 ecr 0", "mss 1460,sackOK,TS val 100 ecr 0"},
      {false, false, true, "mss 1460,nop,wscale 7", "mss 1460,nop,wscale 7"},
      {true, false, false, "mss 1460,nop,nop,sackOK", "mss 1460,sackOK"},
      {false, true, false, "mss 1460,nop,nop,TS val 100 ecr 0",
       "mss 1460,nop,nop,TS val 100 ecr 0"},
      {false, false, false, "mss 1460", "mss 1460"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "sack=" << c.sack << " ts=" << c.ts << " ws=" << c.ws);
    wire::TcpOptions linux_opts, freebsd_opts;
    write_linux_syn(syn(c.sack, c.ts, c.ws), linux_opts);
    write_freebsd_syn(syn(c.sack, c.ts, c.ws), freebsd_opts);
    EXPECT_EQ(linux_opts.to_string(), c.linux_layout);
    EXPECT_EQ(freebsd_opts.to_string(), c.freebsd_layout);
    EXPECT_EQ(linux_opts.size() % 4, 0u) << "Linux fills whole words itself";
    // FreeBSD ends with EOL and zeros up to a word, which the emitter adds.
    EXPECT_EQ(freebsd_opts.padded_size() % 4, 0u);
  }
}

TEST(SynLayout, ProfilesPickTheirKernelsLayout) {
  EXPECT_EQ(TcpConfig::profile_named("linux")->syn_layout, SynLayout::Linux);
  EXPECT_EQ(TcpConfig::profile_named("freebsd")->syn_layout, SynLayout::FreeBsd);
}

}  // namespace
}  // namespace tcpsim::tcp
