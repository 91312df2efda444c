// %{ }% assertions: the Python forms test suites use, evaluated without Python, and the
// tcpi_* fields and state names of both kernels.
#include <gtest/gtest.h>

#include "sim/script/assertions.hpp"
#include "sim/script/runner.hpp"

namespace tcpsim::sim::script {
namespace {

std::int64_t eval(std::string_view code, std::string profile = "linux") {
  auto a = parse_assertions("assert " + std::string(code));
  EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error());
  if (!a.ok()) return -999;
  CodeContext ctx;
  ctx.profile = std::move(profile);
  ctx.field = [](std::string_view f) -> std::int64_t {
    if (f == "tcpi_snd_cwnd") return 10;
    if (f == "tcpi_rtt") return 100000;
    return 0;
  };
  return evaluate(a.value()[0].expr, ctx).value();
}

std::string error_of(std::string_view code) {
  auto a = parse_assertions(code);
  EXPECT_FALSE(a.ok());
  return a.ok() ? "" : a.error();
}

TEST(ScriptAssertions, PythonForms_EvaluateAsPythonWould) {
  EXPECT_EQ(eval("tcpi_snd_cwnd == 10"), 1);
  EXPECT_EQ(eval("8 < tcpi_snd_cwnd <= 10 != 11"), 1);
  EXPECT_EQ(eval("1 < tcpi_snd_cwnd < 5"), 0);
  EXPECT_EQ(eval("tcpi_snd_cwnd in (1, 10) and not tcpi_snd_cwnd not in [10]"), 1);
  EXPECT_EQ(eval("abs(tcpi_rtt - 100500) <= tcpi_rtt // 100"), 1);
  EXPECT_EQ(eval("-7 // 2 == -4 and -7 % 2 == 1 and 0x10 * 2 + 1 == 33"), 1);
  EXPECT_EQ(eval("(False or True) and not (1 == 2)"), 1);
  EXPECT_EQ(eval("tcpi_snd_cwnd == 9 or tcpi_snd_cwnd == 10"), 1);
  // Bitwise operators bind tighter than comparisons, looser than + and -.
  EXPECT_EQ(eval("tcpi_snd_cwnd & 2 == 2"), 1);
  EXPECT_EQ(eval("tcpi_snd_cwnd & TCPI_OPT_SACK | 1 == 3 and 6 ^ 3 == 5"), 1);
  EXPECT_EQ(eval("1 << 2 + 1 == 8 and -9 >> 1 == -5 and ~tcpi_snd_cwnd == -11"), 1);
  EXPECT_EQ(eval("tcpi_snd_cwnd & 5 != 0"), 0);
}

TEST(ScriptAssertions, StateNames_FollowTheProfilesNumbering) {
  EXPECT_EQ(code_constant("TCP_ESTABLISHED", "linux"), 1);
  EXPECT_EQ(code_constant("TCPI_ESTABLISHED", "freebsd"), 4);
  EXPECT_EQ(code_constant("TCPS_SYN_RECEIVED", "freebsd"), 3);
  EXPECT_EQ(code_constant("TCPI_SYN_RECEIVED", "linux"), code_constant("TCP_SYN_RECV", "linux"));
  EXPECT_EQ(code_constant("TCPI_FIN_WAIT_1", "linux"), 4);
  EXPECT_EQ(code_constant("TCPI_FIN_WAIT_1", "freebsd"), 6);
  EXPECT_EQ(code_constant("TCPI_CLOSED", "freebsd"), 0);
  EXPECT_EQ(code_constant("TCP_CLOSE", "linux"), 7);
  EXPECT_EQ(code_constant("TCPI_OPT_SACK", "linux"), 2);
  EXPECT_EQ(code_constant("TCP_CA_Recovery", "linux"), 3);
  EXPECT_FALSE(code_constant("TCP_NOT_A_STATE", "linux"));
}

TEST(ScriptAssertions, Statements_OnePerLineMessagesNotEvaluated) {
  auto a = parse_assertions(
      "\n# a comment\nassert tcpi_snd_cwnd == 10, 'cwnd %d' % tcpi_snd_cwnd\n"
      "assert (tcpi_rtt >\n  0), tcpi_rtt; assert True\n");
  ASSERT_TRUE(a.ok()) << a.error();
  ASSERT_EQ(a.value().size(), 3u);
  EXPECT_EQ(a.value()[0].message, "'cwnd %d' % tcpi_snd_cwnd");
  EXPECT_EQ(a.value()[1].message, "tcpi_rtt");
}

TEST(ScriptAssertions, OtherPython_IsAnErrorNamingTheConstruct) {
  EXPECT_EQ(error_of("print(tcpi_rtt)"), "found 'print': only assert statements are supported");
  EXPECT_EQ(error_of("assert tcpi_foo == 1"), "tcpi_foo is not a known tcpi_ field");
  EXPECT_NE(error_of("assert len(x) == 1").find("'len(' is not supported"), std::string::npos);
  EXPECT_NE(error_of("assert tcpi_rtt / 2 == 1").find("'/' (true division)"), std::string::npos);
  EXPECT_NE(error_of("assert FOO == 1").find("unknown name 'FOO'"), std::string::npos);
  EXPECT_NE(error_of("assert tcpi_rtt = 1").find("expected a comparison"), std::string::npos);
  EXPECT_EQ(error_of("  "), "empty block");
  auto bad_shift = parse_assertions("assert 1 << -1 == 0");
  ASSERT_TRUE(bad_shift.ok());
  CodeContext ctx;
  ctx.field = [](std::string_view) -> std::int64_t { return 0; };
  auto v = evaluate(bad_shift.value()[0].expr, ctx);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().find("negative shift count"), std::string::npos) << v.error();
}

TEST(ScriptAssertions, InAScript_FieldsReadTheConnection) {
  std::string text = R"(
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0    %{ assert tcpi_state == TCPI_LISTEN }%
+0    < S 0:0(0) win 65535 <mss 1000,sackOK,nop,nop,nop,wscale 2>
+0    > S. 0:0(0) ack 1 <...>
+0    %{ assert tcpi_state == TCPI_SYN_RECEIVED == 3 }%
+.1   < . 1:1(0) ack 1 win 65535
+0    accept(3, ..., ...) = 4
+0    write(4, ..., 3000) = 3000
+0    > . 1:2001(2000) ack 1
+0    > P. 2001:3001(1000) ack 1
+.1   < . 1:1(0) ack 1001 win 65535
+0    %{
assert tcpi_state == TCPI_ESTABLISHED, tcpi_state
assert tcpi_options == TCPI_OPT_SACK ** TCPI_OPT_WSCALE
}%
)";
  // '**' is not in the subset: the error names it.
  ScriptResult bad = run_script_text(text);
  EXPECT_EQ(bad.outcome, ScriptOutcome::Invalid) << bad.report();
  EXPECT_NE(bad.message.find("'**' is not supported"), std::string::npos) << bad.message;

  text.replace(text.find("TCPI_OPT_SACK ** TCPI_OPT_WSCALE"), 32,
               "TCPI_OPT_SACK | TCPI_OPT_WSCALE");
  text += R"(+0    %{
assert tcpi_snd_wscale == 2 and tcpi_rcv_wscale == 8 and tcpi_snd_mss == 1000
assert tcpi_unacked == 2 and tcpi_bytes_acked == 1000 and tcpi_bytes_sent == 3000
assert tcpi_ca_state == TCP_CA_Open and tcpi_retransmits == 0 and tcpi_backoff == 0
assert tcpi_pmtu == 1500 and tcpi_advmss == 1460 and tcpi_segs_in == 3
}%
+.202 > P. 2001:3001(1000) ack 1
+0    %{ assert tcpi_ca_state == TCP_CA_Open and tcpi_total_retrans == 1 and tcpi_backoff == 0 }%
+.3   > . 1001:2001(1000) ack 1
+0    %{ assert tcpi_ca_state == TCP_CA_Loss and tcpi_total_retrans == 2 and tcpi_backoff == 1 }%
)";
  ScriptResult r = run_script_text(text);
  EXPECT_TRUE(r.passed()) << r.report();

  std::string freebsd = "--tcpsim_profile=freebsd\n" + text;
  freebsd.replace(freebsd.find("== TCPI_SYN_RECEIVED == 3"), 25, "== TCPS_SYN_RECEIVED == 3");
  freebsd.replace(freebsd.find("tcpi_rcv_wscale == 8"), 20, "tcpi_rcv_wscale == 6");
  // FreeBSD hands the device segments of one MSS (no TSO).
  freebsd.replace(freebsd.find("> . 1:2001(2000)"), 16,
                  "> . 1:1001(1000) ack 1\n+0 > . 1001:2001(1000)");
  ScriptResult other = run_script_text(freebsd);
  // No tail loss probe, and another RTO: nothing leaves when the probe is due.
  EXPECT_EQ(other.outcome, ScriptOutcome::Failed);
  EXPECT_NE(other.message.find("timing error"), std::string::npos) << other.report();
}

TEST(ScriptAssertions, FailedAssertion_NamesTheValuesAndTheMessage) {
  ScriptOptions o;
  o.file_name = "a.pkt";
  ScriptResult r = run_script_text(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n"
      "+0 listen(3, 1) = 0\n+0 %{ assert tcpi_state != TCPI_LISTEN, 'not listening' }%\n",
      o);
  EXPECT_EQ(r.outcome, ScriptOutcome::Failed);
  EXPECT_EQ(r.message,
            "a.pkt:4: assertion failed: tcpi_state != TCPI_LISTEN: tcpi_state is 10 (no "
            "connection) ('not listening')");
}

}  // namespace
}  // namespace tcpsim::sim::script
