// Socket options: each kernel's own, the ones tcpsim does not model, levels and values.
#include <gtest/gtest.h>

#include "sim/script/runner.hpp"

namespace tcpsim::sim::script {
namespace {

ScriptResult run(const std::string& body, const std::string& profile = "linux") {
  ScriptOptions o;
  o.file_name = "o.pkt";
  return run_script_text(
      "--tcpsim_profile=" + profile + "\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n" + body, o);
}

void expect_invalid(const std::string& body, const std::string& message,
                    const std::string& profile = "linux") {
  ScriptResult r = run(body, profile);
  EXPECT_EQ(r.outcome, ScriptOutcome::Invalid) << r.report();
  EXPECT_NE(r.message.find(message), std::string::npos) << r.message;
}

TEST(ScriptSockopts, EachKernelsOwnOptions_AreRefusedUnderTheOtherProfile) {
  expect_invalid("+0 setsockopt(3, SOL_TCP, TCP_NOPUSH, [1], 4) = 0\n",
                 "o.pkt:3: TCP_NOPUSH is a FreeBSD socket option, not available under the linux "
                 "profile (Linux's equivalent is TCP_CORK)");
  expect_invalid("+0 setsockopt(3, SOL_TCP, TCP_CORK, [1], 4) = 0\n",
                 "TCP_CORK is a Linux socket option, not available under the freebsd profile "
                 "(FreeBSD's equivalent is TCP_NOPUSH)",
                 "freebsd");
  expect_invalid("+0 setsockopt(3, SOL_TCP, TCP_NOOPT, [1], 4) = 0\n", "TCP_NOOPT is a FreeBSD");
  expect_invalid("+0 setsockopt(3, SOL_TCP, TCP_KEEPINIT, [1], 4) = 0\n", "TCP_KEEPINIT is a");
  expect_invalid("+0 setsockopt(3, SOL_TCP, TCP_USER_TIMEOUT, [1], 4) = 0\n",
                 "TCP_USER_TIMEOUT is a Linux socket option", "freebsd");
  expect_invalid("+0 setsockopt(3, SOL_TCP, TCP_NOTSENT_LOWAT, [1], 4) = 0\n",
                 "TCP_NOTSENT_LOWAT is a Linux", "freebsd");
  expect_invalid("+0 setsockopt(3, SOL_TCP, TCP_INQ, [1], 4) = 0\n", "TCP_INQ is a Linux",
                 "freebsd");
}

TEST(ScriptSockopts, FeaturesNotModelled_AreNamed) {
  expect_invalid("+0 setsockopt(3, SOL_TCP, TCP_FASTOPEN, [1], 4) = 0\n",
                 "o.pkt:3: TCP Fast Open is not modelled by tcpsim (socket option TCP_FASTOPEN)");
  expect_invalid("+0 setsockopt(3, SOL_SOCKET, SO_ZEROCOPY, [1], 4) = 0\n",
                 "zero-copy is not modelled by tcpsim (socket option SO_ZEROCOPY)");
  expect_invalid("+0 setsockopt(3, SOL_TCP, TCP_MD5SIG, [1], 4) = 0\n",
                 "TCP MD5 signatures is not modelled by tcpsim");
  expect_invalid("+0 setsockopt(3, SOL_TCP, TCP_PSP_TX_SPI_KEY, [1], 4) = 0\n",
                 "PSP encryption is not modelled by tcpsim (socket option TCP_PSP_TX_SPI_KEY)");
  expect_invalid("+0 setsockopt(3, SOL_UDP, UDP_GRO, [1], 4) = 0\n",
                 "GRO (receive offload) is not modelled by tcpsim (socket option UDP_GRO)");
  expect_invalid("+0 epoll_ctl(4, EPOLL_CTL_ADD, 3, {events=EPOLLIN, fd=3}) = 0\n",
                 "o.pkt:3: epoll is not modelled by tcpsim (system call epoll_ctl)");
  expect_invalid("+0 setsockopt(3, SOL_TCP, TCP_CONGESTION, \"dctcp\", 5) = 0\n",
                 "congestion control 'dctcp' is not modelled by tcpsim");
  expect_invalid("+0 setsockopt(3, SOL_TCP, TCP_REPAIR, [1], 4) = 0\n",
                 "unsupported socket option 'TCP_REPAIR'");
}

TEST(ScriptSockopts, Levels_MustMatch) {
  expect_invalid("+0 setsockopt(3, SOL_SOCKET, TCP_KEEPIDLE, [1], 4) = 0\n",
                 "TCP_KEEPIDLE is a SOL_TCP (IPPROTO_TCP) option");
  expect_invalid("+0 setsockopt(3, SOL_TCP, IP_TOS, [1], 4) = 0\n",
                 "IP_TOS is a SOL_IP (IPPROTO_IP) option");
  expect_invalid("+0 setsockopt(3, SOL_IP, IPV6_TCLASS, [1], 4) = 0\n",
                 "IPV6_TCLASS is a SOL_IPV6 (IPPROTO_IPV6) option");
}

TEST(ScriptSockopts, ValuesOutOfRange_FailWithEinval_AndGetReturnsWhatWasSet) {
  ScriptResult r = run(R"(+0 setsockopt(3, SOL_TCP, TCP_KEEPIDLE, [0], 4) = -1 EINVAL
+0 setsockopt(3, SOL_TCP, TCP_KEEPCNT, [128], 4) = -1 EINVAL
+0 setsockopt(3, SOL_IP, IP_TTL, [0], 4) = -1 EINVAL
+0 setsockopt(3, SOL_IP, IP_TOS, [256], 4) = -1 EINVAL
+0 getsockopt(3, SOL_TCP, TCP_KEEPIDLE, [7200], [4]) = 0
+0 getsockopt(3, SOL_TCP, TCP_KEEPINTVL, [75], [4]) = 0
+0 getsockopt(3, SOL_TCP, TCP_KEEPCNT, [9], [4]) = 0
+0 getsockopt(3, SOL_IP, IP_TTL, [64], [4]) = 0
+0 setsockopt(3, SOL_IP, IP_TTL, [7], 4) = 0
+0 getsockopt(3, SOL_IP, IP_TTL, [7], [4]) = 0
+0 setsockopt(3, SOL_IP, IP_TOS, [0x10], 4) = 0
+0 getsockopt(3, SOL_IP, IP_TOS, [16], [4]) = 0
+0 getsockopt(3, SOL_SOCKET, SO_RCVLOWAT, [1], [4]) = 0
+0 getsockopt(3, SOL_TCP, TCP_NOTSENT_LOWAT, [0], [4]) = 0
+0 setsockopt(3, SOL_SOCKET, SO_RCVLOWAT, [-1], 4) = 0
+0 getsockopt(3, SOL_SOCKET, SO_RCVLOWAT, [7864320], [4]) = 0
)");
  EXPECT_TRUE(r.passed()) << r.report();
  ScriptResult wrong = run("+0 getsockopt(3, SOL_TCP, TCP_KEEPCNT, [8], [4]) = 0\n");
  EXPECT_EQ(wrong.outcome, ScriptOutcome::Failed);
  EXPECT_NE(wrong.message.find("bad getsockopt TCP_KEEPCNT value: expected [8] but got 9"),
            std::string::npos)
      << wrong.message;
}

}  // namespace
}  // namespace tcpsim::sim::script
