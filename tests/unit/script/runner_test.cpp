// The runner beyond the script files: settings, notes, the log, the capture, tolerances.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "sim/capture/pcap_reader.hpp"
#include "sim/script/runner.hpp"
#include "sim/script/settings.hpp"
#include "stack/wire/frame.hpp"

namespace tcpsim::sim::script {
namespace {

constexpr const char* kHandshake = R"(
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0    < S 0:0(0) win 65535 <mss 1000>
+0    > S. 0:0(0) ack 1 <mss 1460>
+.1   < . 1:1(0) ack 1 win 65535
+0    accept(3, ..., ...) = 4
)";

ScriptOptions named(const std::string& name) {
  ScriptOptions o;
  o.file_name = name;
  return o;
}

std::string with(const std::string& head, const std::string& tail = "") {
  return head + kHandshake + tail;
}

const std::string kPlain =
    "`sysctl -q net.ipv4.tcp_timestamps=0 net.ipv4.tcp_sack=0 net.ipv4.tcp_window_scaling=0`\n";

TEST(ScriptSettings, OptionsSetTheRun) {
  RunSettings s;
  std::vector<std::string> notes;
  EXPECT_FALSE(apply_option("ip_version", "ipv6", s, notes));
  EXPECT_TRUE(s.local_ip.is_v6());
  EXPECT_EQ(s.remote_ip.to_string(), "2001:db8::1");
  EXPECT_FALSE(apply_option("tolerance_usecs", "10000", s, notes));
  EXPECT_EQ(s.tolerance, 10 * kMillisecond);
  EXPECT_FALSE(apply_option("remote_ip", "2001:db8::7/32", s, notes));
  EXPECT_EQ(s.remote_ip.to_string(), "2001:db8::7");
  EXPECT_FALSE(apply_option("tcpsim_profile", "freebsd", s, notes));
  EXPECT_TRUE(notes.empty());
  EXPECT_FALSE(apply_option("speed", "10", s, notes));
  EXPECT_FALSE(apply_option("frobnicate", std::nullopt, s, notes));
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[1].find("unknown option --frobnicate"), std::string::npos);
  auto bad = apply_option("ip_version", "ipv5", s, notes);
  ASSERT_TRUE(bad);
  EXPECT_EQ(*bad, "bad --ip_version: 'ipv5' (allowed: ipv4, ipv6)");
  EXPECT_TRUE(apply_option("bind_port", "0", s, notes));
  EXPECT_TRUE(apply_option("tolerance_usecs", std::nullopt, s, notes));
}

TEST(ScriptSettings, CommandsMapToTcpConfig) {
  tcp::TcpConfig c;
  CommandEffect fx = apply_command(
      "sysctl -q net.ipv4.tcp_sack=0 net.ipv4.tcp_timestamps=0; "
      "sysctl -w net.ipv4.tcp_rmem=\"4096 65535 65535\" && "
      "ip route change 192.0.2.0/24 dev tun0 initcwnd 4 rto_min 300ms; "
      "sysctl -q net.ipv4.tcp_mtu_probing=1; tc qdisc add dev tun0 root fq",
      c);
  EXPECT_FALSE(c.sack);
  EXPECT_FALSE(c.timestamps);
  EXPECT_EQ(c.recv_buffer, 65535u);
  EXPECT_EQ(c.initial_window_segments, 4u);
  // With Linux's socket buffers the window is half the buffer (tcp_win_from_space).
  tcp::TcpConfig l;
  l.linux_sockbuf = true;
  apply_command("sysctl -q net.ipv4.tcp_rmem=\"4096 87380 6291456\"", l);
  EXPECT_EQ(l.recv_buffer, 43690u);
  EXPECT_EQ(c.min_rto, 300 * kMillisecond);
  EXPECT_EQ(fx.applied.size(), 5u);
  ASSERT_EQ(fx.ignored.size(), 2u);
  EXPECT_NE(fx.ignored[0].find("net.ipv4.tcp_mtu_probing=1"), std::string::npos);
  EXPECT_NE(fx.ignored[1].find("tc qdisc"), std::string::npos);

  tcp::TcpConfig b = *tcp::TcpConfig::profile_named("freebsd");
  apply_command("sysctl net.inet.tcp.delayed_ack=0 net.inet.tcp.rfc1323=0", b);
  EXPECT_EQ(b.delayed_ack_timeout, 0);
  EXPECT_FALSE(b.timestamps);
  EXPECT_FALSE(b.window_scaling);

  EXPECT_EQ(b.rto_slop, 200 * kMillisecond);
  EXPECT_EQ(b.connect_timeout, 75 * kSecond);
  CommandEffect fb = apply_command(
      "sysctl net.inet.tcp.rexmit_slop=50 net.inet.tcp.keepinit=5000 "
      "net.inet.tcp.insecure_rst=1 net.inet.tcp.insecure_syn=1 net.inet.tcp.drop_synfin=1 "
      "net.inet.tcp.rexmit_drop_options=1 net.inet.tcp.recvspace=1000 "
      "net.inet.tcp.sendspace=2000",
      b);
  EXPECT_EQ(fb.applied.size(), 8u);
  EXPECT_EQ(b.recv_buffer, 1000u);
  EXPECT_EQ(b.send_buffer, 2000u);
  EXPECT_EQ(b.rto_slop, 50 * kMillisecond);
  EXPECT_EQ(b.connect_timeout, 5 * kSecond);
  EXPECT_TRUE(b.insecure_rst && b.insecure_syn && b.drop_synfin && b.rexmit_drop_options);
}

TEST(ScriptSettings, TsoCommandsAndSysctlsMapToTcpConfig) {
  tcp::TcpConfig c;
  c.tso = true;
  CommandEffect fx = apply_command(
      "ethtool -K tun0 gso off tso off; "
      "sysctl -q net.ipv4.tcp_min_tso_segs=10 net.ipv4.tcp_tso_rtt_log=0 "
      "net.ipv4.tcp_tso_win_divisor=0 net.ipv4.tcp_pacing_ss_ratio=300 "
      "net.ipv4.tcp_pacing_ca_ratio=150 net.ipv4.tcp_synack_retries=2 "
      "net.ipv4.tcp_slow_start_after_idle=0 net.ipv4.tcp_slow_start_after_idle=1",
      c);
  // Without the device's TSO, Linux still builds GSO buffers; software GSO cuts them.
  EXPECT_TRUE(c.tso);
  EXPECT_TRUE(c.software_gso);
  EXPECT_EQ(c.min_tso_segs, 10u);
  EXPECT_EQ(c.tso_rtt_log, 0u);
  EXPECT_EQ(c.tso_win_divisor, 0u);
  EXPECT_EQ(c.pacing_ss_ratio, 300u);
  EXPECT_EQ(c.pacing_ca_ratio, 150u);
  EXPECT_EQ(c.synack_retries, 2);
  EXPECT_TRUE(c.restart_after_idle);  // the last of =0 and =1
  EXPECT_EQ(fx.applied.size(), 9u);
  // gso is not modelled (only the device's TSO decides what the tap sees).
  ASSERT_EQ(fx.ignored.size(), 1u);
  EXPECT_NE(fx.ignored[0].find("gso off"), std::string::npos);
  apply_command("sysctl -q net.ipv4.tcp_slow_start_after_idle=0", c);
  EXPECT_FALSE(c.restart_after_idle);
  apply_command("ethtool -K tun0 tso on", c);
  EXPECT_TRUE(c.tso);
  EXPECT_FALSE(c.software_gso);
  tcp::TcpConfig plain;  // a profile without Linux's buffers sends single segments anyway
  apply_command("ethtool -K tun0 tso off", plain);
  EXPECT_FALSE(plain.tso);
  EXPECT_FALSE(plain.software_gso);
  apply_command("sysctl -q tcpsim.tso=1", c);
  EXPECT_TRUE(c.tso);
}

TEST(ScriptSettings, SyncookieSysctlsMapToTcpConfig) {
  tcp::TcpConfig c;
  EXPECT_EQ(c.syncookies, 1);
  apply_command("sysctl -q net.ipv4.tcp_syncookies=2", c);
  EXPECT_EQ(c.syncookies, 2);
  apply_command("sysctl -q net.ipv4.tcp_syncookies=0", c);
  EXPECT_EQ(c.syncookies, 0);
  CommandEffect fx = apply_command("sysctl -q net.ipv4.tcp_syncookies=3", c);
  EXPECT_EQ(c.syncookies, 0);
  EXPECT_EQ(fx.ignored.size(), 1u);

  tcp::TcpConfig b = *tcp::TcpConfig::profile_named("freebsd");
  EXPECT_EQ(b.syncookies, 1);
  EXPECT_EQ(b.syncookie_format, tcp::SynCookieFormat::FreeBsd);
  apply_command("sysctl net.inet.tcp.syncookies_only=1", b);
  EXPECT_EQ(b.syncookies, 2);
  apply_command("sysctl net.inet.tcp.syncookies_only=0", b);
  EXPECT_EQ(b.syncookies, 1);
  apply_command("sysctl net.inet.tcp.syncookies=0", b);
  EXPECT_EQ(b.syncookies, 0);
}

TEST(ScriptSettings, TcpRecoveryBitsMapToTcpConfig) {
  tcp::TcpConfig c;
  apply_command("sysctl -q net.ipv4.tcp_recovery=7", c);
  EXPECT_TRUE(c.rack && c.rack_static_reo_wnd && c.rack_no_dupthresh);
  apply_command("sysctl -q net.ipv4.tcp_recovery=1", c);
  EXPECT_TRUE(c.rack);
  EXPECT_FALSE(c.rack_static_reo_wnd || c.rack_no_dupthresh);
  CommandEffect fx = apply_command("sysctl -q net.ipv4.tcp_recovery=8", c);
  EXPECT_EQ(fx.ignored.size(), 1u);
  EXPECT_TRUE(c.rack);
}

TEST(ScriptSettings, ReorderingSysctlsMapToTcpConfig) {
  tcp::TcpConfig c;
  EXPECT_EQ(c.reordering, 3u);
  EXPECT_EQ(c.max_reordering, 300u);
  CommandEffect fx =
      apply_command("sysctl -q net.ipv4.tcp_reordering=10 net.ipv4.tcp_max_reordering=100", c);
  EXPECT_EQ(c.reordering, 10u);
  EXPECT_EQ(c.max_reordering, 100u);
  EXPECT_EQ(fx.applied.size(), 2u);
  // 0 is no degree: ignored with a note, the setting kept.
  fx = apply_command("sysctl -q net.ipv4.tcp_reordering=0", c);
  EXPECT_EQ(c.reordering, 10u);
  EXPECT_EQ(fx.ignored.size(), 1u);
}

TEST(ScriptSettings, EcnSysctlsMapToTcpConfig) {
  tcp::TcpConfig c;
  EXPECT_EQ(c.ecn, 2);  // Linux's default: grant, never ask
  apply_command("sysctl -q net.ipv4.tcp_ecn=1", c);
  EXPECT_EQ(c.ecn, 1);
  apply_command("sysctl -q net.ipv4.tcp_ecn_fallback=0", c);
  EXPECT_GT(c.ecn_setup_retries, c.syn_retries);
  CommandEffect fx = apply_command("sysctl -q net.ipv4.tcp_ecn=3", c);
  EXPECT_EQ(c.ecn, 1);
  EXPECT_EQ(fx.ignored.size(), 1u);

  tcp::TcpConfig b = *tcp::TcpConfig::profile_named("freebsd");
  EXPECT_EQ(b.ecn, 2);
  EXPECT_EQ(b.ecn_setup_retries, 1);
  apply_command("sysctl net.inet.tcp.ecn.enable=0", b);
  EXPECT_EQ(b.ecn, 0);
  apply_command("sysctl net.inet.tcp.ecn.maxretries=3", b);
  EXPECT_EQ(b.ecn_setup_retries, 3);
}

TEST(ScriptRunner, IgnoredCommandsAndUnknownOptionsAreNotes) {
  ScriptResult r = run_script_text(
      "--frobnicate=1\n`sysctl -q net.ipv4.tcp_mtu_probing=1`\n0 socket(..., SOCK_STREAM, "
      "IPPROTO_TCP) = 3\n+0 `sysctl -q net.ipv4.tcp_sack=0`\n",
      named("t.pkt"));
  ASSERT_TRUE(r.passed()) << r.report();
  ASSERT_EQ(r.notes.size(), 3u);
  EXPECT_EQ(r.notes[0], "t.pkt:1: warning: unknown option --frobnicate: ignored");
  EXPECT_NE(r.notes[1].find("net.ipv4.tcp_mtu_probing=1"), std::string::npos);
  EXPECT_NE(r.notes[2].find("t.pkt:4: note: `sysctl -q net.ipv4.tcp_sack=0` comes after"),
            std::string::npos);
}

TEST(ScriptRunner, CommandsChangeTheStack) {
  // The peer offers SACK. With tcp_sack=0 the SYN,ACK does not offer it back; without the
  // command it does, and the same expectation fails.
  std::string text = with(kPlain);
  text.replace(text.find("<mss 1000>"), 10, "<mss 1000,sackOK,eol,eol>");
  ScriptResult off = run_script_text(text);
  EXPECT_TRUE(off.passed()) << off.report();
  std::string on = text.substr(kPlain.size());
  ScriptResult r = run_script_text(on);
  EXPECT_EQ(r.outcome, ScriptOutcome::Failed);
  EXPECT_NE(r.message.find("bad outbound TCP options: expected <mss 1460> vs actual <mss "
                           "1460,nop,nop,sackOK>"),
            std::string::npos)
      << r.message;
}

TEST(ScriptRunner, LogShowsEveryEvent) {
  std::vector<std::string> lines;
  ScriptOptions o;
  o.log = [&](const std::string& l) { lines.push_back(l); };
  ScriptResult r = run_script_text(with(kPlain), o);
  ASSERT_TRUE(r.passed()) << r.report();
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  EXPECT_NE(all.find("0.000000 < S 0:0(0) win 65535 <mss 1000>"), std::string::npos) << all;
  EXPECT_NE(all.find("0.000000 > S. 0:0(0) ack 1 win 65535 <mss 1460>"), std::string::npos) << all;
  EXPECT_NE(all.find("0.100000 accept(3, ..., ...) = 4"), std::string::npos) << all;
  EXPECT_EQ(r.events, 7u);
  EXPECT_EQ(r.sim_time, 100 * kMillisecond);
}

TEST(ScriptRunner, ToleranceOptionWidensTheWindow) {
  // The retransmission comes at 0.4 s; the script says 0.42 s. (12.5% of the time since
  // the last event would allow it, so that is turned off.)
  std::string tail =
      "+0 write(4, ..., 10) = 10\n+0 > P. 1:11(10) ack 1\n0.42 > P. 1:11(10) ack 1\n";
  ScriptResult strict = run_script_text(with("--tolerance_percent=0\n" + kPlain, tail));
  EXPECT_FALSE(strict.passed());
  EXPECT_NE(strict.message.find("timing error"), std::string::npos) << strict.message;
  ScriptResult loose =
      run_script_text(with("--tolerance_usecs=25000 --tolerance_percent=0\n" + kPlain, tail));
  EXPECT_TRUE(loose.passed()) << loose.report();
}

TEST(ScriptRunner, InboundBurstsKeepTheirSpacing) {
  // Relative inbound packets count from the previous inbound one's scripted time, so the
  // second data segment is at 0.2 s too, and (Linux's quick-ACK mode at the start of a
  // connection) each is acknowledged then.
  std::string tail =
      "+.1 < . 1:1001(1000) ack 1 win 65535\n"
      "+0 < . 1001:2001(1000) ack 1 win 65535\n"
      "0.2 > . 1:1(0) ack 1001\n"
      "0.2 > . 1:1(0) ack 2001\n";
  ScriptResult r = run_script_text(with(kPlain, tail));
  EXPECT_TRUE(r.passed()) << r.report();
}

TEST(ScriptRunner, ExplicitAddressesAreRefusedBeforeAnythingRuns) {
  ScriptResult r = run_script_text(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 bind(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"0.0.0.0\")}, 16) "
      "= 0\n",
      named("t.pkt"));
  EXPECT_EQ(r.outcome, ScriptOutcome::Invalid);
  EXPECT_EQ(r.line, 2);
  EXPECT_NE(r.message.find("unsupported explicit address in bind()"), std::string::npos)
      << r.message;
}

TEST(ScriptRunner, BadFdIsAFailure) {
  ScriptResult r =
      run_script_text("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(7) = 0\n");
  EXPECT_EQ(r.outcome, ScriptOutcome::Failed);
  EXPECT_NE(r.message.find("close(): 7 is not an open socket of the script (open: 3)"),
            std::string::npos)
      << r.message;
}

TEST(ScriptRunner, CaptureHoldsBothDirections) {
  auto path = std::filesystem::temp_directory_path() / "tcpsim_script_runner_test.pcap";
  ScriptOptions o;
  o.pcap_path = path.string();
  ScriptResult r = run_script_text(with(kPlain), o);
  ASSERT_TRUE(r.passed()) << r.report();
  auto reader = PcapReader::open(path.string());
  ASSERT_TRUE(reader.ok()) << reader.error();
  std::vector<wire::ParsedTcpFrame> frames;
  std::vector<CapturedFrame> raw;
  while (auto f = reader->next()) raw.push_back(std::move(*f));
  ASSERT_EQ(raw.size(), 3u);
  for (const auto& f : raw) {
    auto p = wire::parse_tcp_frame(f.bytes, true);  // checksums verified
    ASSERT_TRUE(p.ok());
    frames.push_back(p.value());
  }
  EXPECT_EQ(frames[0].src_ip.to_string(), "192.0.2.1");
  EXPECT_EQ(frames[0].dst_ip.to_string(), "192.168.0.1");
  EXPECT_EQ(frames[0].tcp.dst_port, 8080);
  EXPECT_EQ(frames[1].src_ip.to_string(), "192.168.0.1");
  EXPECT_TRUE(frames[1].tcp.has(wire::tcp_flag::kSyn | wire::tcp_flag::kAck));
  EXPECT_EQ(raw[2].time_ns - raw[0].time_ns, 100 * kMillisecond);
  std::filesystem::remove(path);

  ScriptOptions bad;
  bad.pcap_path = "/nonexistent-dir/x.pcap";
  ScriptResult b = run_script_text(with(kPlain), bad);
  EXPECT_EQ(b.outcome, ScriptOutcome::Invalid);
  EXPECT_NE(b.message.find("cannot open"), std::string::npos) << b.message;
}

}  // namespace
}  // namespace tcpsim::sim::script

namespace tcpsim::sim::script {
namespace {

// The inline example of docs/scripts.md.
TEST(ScriptRunner, DocsInlineExamplePasses) {
  auto r = run_script_text(R"(
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 65535 <mss 1460>
+0  > S. 0:0(0) ack 1 <...>
)");
  EXPECT_TRUE(r.passed()) << r.report();
}

}  // namespace
}  // namespace tcpsim::sim::script

namespace tcpsim::sim::script {
namespace {

// Options from outside the script (the CLI's flags) are applied after the script's own.
TEST(ScriptCommandLine, OptionsWinOverTheFirstLine_NotesNameTheCommandLine) {
  const std::string text =
      "--mtu=1000 --tolerance_usecs=1\n"
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
      "+0 connect(3, ..., ...) = -1 EINPROGRESS\n"
      "+0 > S 0:0(0) <mss 1160,sackOK,TS val 1 ecr 0,nop,wscale 8>\n";
  EXPECT_EQ(run_script_text(text).outcome, ScriptOutcome::Failed);  // MSS 960 from the script
  ScriptOptions o;
  o.command_line = {{"mtu", "1200", 0}, {"speed", "1000", 0}, {"frobnicate", std::nullopt, 0}};
  ScriptResult r = run_script_text(text, o);
  EXPECT_TRUE(r.passed()) << r.report();
  ASSERT_EQ(r.notes.size(), 2u);
  EXPECT_EQ(r.notes[0], "command line: option --speed has no meaning in tcpsim: ignored");
  EXPECT_EQ(r.notes[1], "command line: warning: unknown option --frobnicate: ignored");

  o.file_name = "c.pkt";
  o.command_line = {{"mtu", "40", 0}};
  ScriptResult bad = run_script_text(text, o);
  EXPECT_EQ(bad.outcome, ScriptOutcome::Invalid);
  EXPECT_EQ(bad.message,
            "c.pkt: command line: bad --mtu: '40' (an MTU from 68 (IPv4's minimum) to 65535)");
  o.command_line = {{"ip_version", "ipv6", 0}, {"mtu", "1000", 0}};
  EXPECT_NE(run_script_text(text, o).message.find("below IPv6's minimum of 1280"),
            std::string::npos);
  o.command_line = {{"gateway_ip", "not-an-address", 0}};
  EXPECT_EQ(run_script_text(text, o).outcome, ScriptOutcome::Invalid);
}

}  // namespace
}  // namespace tcpsim::sim::script
