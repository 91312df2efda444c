// The script grammar, piece by piece, and its errors (line, column and text).
#include <gtest/gtest.h>

#include "sim/script/lexer.hpp"
#include "sim/script/script.hpp"
#include "stack/wire/tcp.hpp"

namespace tcpsim::sim::script {
namespace {

using namespace wire::tcp_flag;

Script parse_ok(std::string_view text) {
  auto r = parse_script(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string("t"));
  return r.ok() ? std::move(r.value()) : Script{};
}

ScriptError parse_err(std::string_view text) {
  auto r = parse_script(text);
  EXPECT_FALSE(r.ok()) << "parsed, but an error was expected";
  return r.ok() ? ScriptError{} : r.error();
}

const PacketSpec& packet(const Script& s, std::size_t i) {
  return std::get<PacketSpec>(s.events.at(i).action);
}

TEST(ScriptLexer, CommentsCodeStringsAndNumbers) {
  auto t = tokenize("// line\n/* block\n */ 0.100 +1 -1 0x800 ... `cmd` %{ x }% \"s\" S.");
  ASSERT_TRUE(t.ok());
  const auto& v = t.value();
  ASSERT_EQ(v.size(), 12u);
  EXPECT_EQ(v[0].kind, Token::Kind::Float);
  EXPECT_EQ(v[0].text, "0.100");
  EXPECT_EQ(v[0].line, 3);
  EXPECT_TRUE(v[1].is('+'));
  EXPECT_EQ(v[2].number, 1);
  EXPECT_EQ(v[3].number, -1);
  EXPECT_EQ(v[4].number, 0x800);
  EXPECT_EQ(v[5].kind, Token::Kind::Ellipsis);
  EXPECT_EQ(v[6].kind, Token::Kind::BackQuoted);
  EXPECT_EQ(v[6].text, "cmd");
  EXPECT_EQ(v[7].kind, Token::Kind::Code);
  EXPECT_EQ(v[7].text, "x");
  EXPECT_EQ(v[8].kind, Token::Kind::String);
  EXPECT_TRUE(v[9].is_word("S"));
  EXPECT_TRUE(v[10].is('.'));
  EXPECT_EQ(v[11].kind, Token::Kind::End);
}

TEST(ScriptLexer, EllipsisAfterATimeIsNotAFraction) {
  auto t = tokenize("0.1...0.2");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t.value().size(), 4u);
  EXPECT_EQ(t.value()[0].text, "0.1");
  EXPECT_EQ(t.value()[1].kind, Token::Kind::Ellipsis);
  EXPECT_EQ(t.value()[2].text, "0.2");
}

TEST(ScriptLexer, UnterminatedThingsAreErrorsWhereTheyStart) {
  for (std::string_view text : {"0 /* never", "0 `sysctl", "0 %{ assert", "0 \"abc"}) {
    auto t = tokenize(text);
    ASSERT_FALSE(t.ok()) << text;
    EXPECT_EQ(t.error().line, 1);
    EXPECT_EQ(t.error().column, 3) << text;
    EXPECT_NE(t.error().message.find("unterminated"), std::string::npos);
  }
  auto bin = tokenize("0 \x01");
  ASSERT_FALSE(bin.ok());
  EXPECT_NE(bin.error().message.find("ASCII"), std::string::npos);
}

TEST(ScriptParser, OptionsCommandsAndTimes) {
  Script s = parse_ok(
      "--ip_version=ipv4 --tolerance_usecs=10000 --tcp_ts_ecr_scaled\n"
      "`sysctl -q net.ipv4.tcp_sack=0`\n"
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0.25 close(3) = 0\n"
      "1.5~2 > S 0:0(0) <...>\n"
      "+.1~+.2 > S 0:0(0) <...>\n"
      "* > S 0:0(0) <...>\n"
      "3 `echo done`\n");
  ASSERT_EQ(s.options.size(), 3u);
  EXPECT_EQ(s.options[0].name, "ip_version");
  EXPECT_EQ(s.options[0].value, "ipv4");
  EXPECT_FALSE(s.options[2].value);
  ASSERT_TRUE(s.init_command);
  EXPECT_EQ(s.init_command->text, "sysctl -q net.ipv4.tcp_sack=0");
  ASSERT_EQ(s.events.size(), 6u);
  EXPECT_EQ(s.events[1].time.kind, TimeKind::Relative);
  EXPECT_EQ(s.events[1].time.start, 250 * kMillisecond);
  EXPECT_EQ(s.events[2].time.kind, TimeKind::AbsoluteRange);
  EXPECT_EQ(s.events[2].time.start, 1500 * kMillisecond);
  EXPECT_EQ(s.events[2].time.end, 2 * kSecond);
  EXPECT_EQ(s.events[3].time.kind, TimeKind::RelativeRange);
  EXPECT_EQ(s.events[3].time.end, 200 * kMillisecond);
  EXPECT_EQ(s.events[4].time.kind, TimeKind::Any);
  EXPECT_EQ(s.events[4].line, 7);
  EXPECT_TRUE(std::holds_alternative<CommandSpec>(s.events[5].action));
}

TEST(ScriptParser, TimesAreReadToTheMicrosecond) {
  Script s = parse_ok("0 close(3) = 0\n0.0000019 close(3) = 0\n12.345678 close(3) = 0\n");
  EXPECT_EQ(s.events[1].time.start, 1 * kMicrosecond);
  EXPECT_EQ(s.events[2].time.start, 12 * kSecond + 345678 * kMicrosecond);
}

TEST(ScriptParser, TimesBeyondThirtyYearsAreErrorsNotOverflows) {
  // Ten digits of seconds would overflow the nanosecond clock when multiplied out.
  ScriptError e = parse_err("0 close(3) = 0\n9999999999 close(3) = 0\n");
  EXPECT_EQ(e.line, 2);
  parse_ok("0 close(3) = 0\n1000000000 close(3) = 0\n");  // the largest: 10^9 s
  EXPECT_EQ(parse_err("0 close(3) = 0\n1000000001 close(3) = 0\n").line, 2);
}

TEST(ScriptParser, PacketFieldsAndOptions) {
  Script s = parse_ok(
      "0 < S. 0:0(0) ack 1 win 5792 <mss 1460,sackOK,TS val 700 ecr 100,nop,wscale 8>\n"
      "+0 > P. 1:1001(1000) ack 1 urg 3 <nop,nop,sack 1:2 3:4>\n"
      "+0 > F. 5:5(0) ack 1 win 0\n"
      "+0 < - 0:0(0) win 0\n"
      "+0 < SEWU 0:0(0) win 1 <eol,eol,eol,eol>\n"
      "+0 > R 0:0(0) <...>\n");
  const PacketSpec& a = packet(s, 0);
  EXPECT_EQ(a.direction, Direction::Inbound);
  EXPECT_EQ(a.flags, kSyn | kAck);
  EXPECT_EQ(a.ack, 1u);
  EXPECT_EQ(a.window, 5792);
  ASSERT_EQ(a.options.size(), 5u);
  EXPECT_EQ(a.options[2].kind, OptionSpec::Kind::Timestamp);
  EXPECT_EQ(a.options[2].a, 700u);
  EXPECT_EQ(a.options[2].b, 100u);
  EXPECT_EQ(to_string(a),
            "S. 0:0(0) ack 1 win 5792 <mss 1460,sackOK,TS val 700 ecr 100,nop,wscale 8>");
  const PacketSpec& b = packet(s, 1);
  EXPECT_EQ(b.direction, Direction::Outbound);
  EXPECT_EQ(b.flags, kPsh | kAck);
  EXPECT_EQ(b.end, 1001u);
  EXPECT_EQ(b.len, 1000);
  EXPECT_EQ(b.urgent, 3);
  EXPECT_FALSE(b.window);
  ASSERT_EQ(b.options[2].blocks.size(), 2u);
  EXPECT_EQ(b.options[2].blocks[1], std::make_pair(3u, 4u));
  EXPECT_EQ(packet(s, 2).flags, kFin | kAck);
  EXPECT_EQ(packet(s, 3).flags, 0);
  EXPECT_EQ(packet(s, 4).flags, kSyn | kEce | kCwr | kUrg);
  EXPECT_TRUE(packet(s, 5).options_any);
}

TEST(ScriptParser, IcmpErrors) {
  Script s = parse_ok(
      "0 < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]\n"
      "+0 < icmp unreachable port_unreachable\n"
      "+0 < [tos 0x10] icmp type_3 code_1 [5:5(0)]\n");
  const PacketSpec& a = packet(s, 0);
  ASSERT_TRUE(a.icmp);
  EXPECT_EQ(a.icmp->type, "unreachable");
  EXPECT_EQ(a.icmp->code, "frag_needed");
  EXPECT_EQ(a.icmp->mtu, 1200u);
  EXPECT_EQ(a.start, 1u);
  EXPECT_EQ(a.len, 1460);
  EXPECT_EQ(to_string(a), "icmp unreachable frag_needed mtu 1200 [1:1461(1460)]");
  const PacketSpec& b = packet(s, 1);
  EXPECT_EQ(b.icmp->code, "port_unreachable");
  EXPECT_FALSE(b.icmp->mtu);
  EXPECT_EQ(b.start, 0u);  // nothing quoted: sequence 0, as packetdrill
  EXPECT_EQ(to_string(packet(s, 2)), "[tos 0x10] icmp type_3 code_1 [5:5(0)]");
}

TEST(ScriptParser, SystemCalls) {
  Script s = parse_ok(
      "0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0\n"
      "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
      "+0 connect(3, ..., ...) = -1 ECONNREFUSED (Connection refused)\n"
      "+0...0.5 accept(3, ..., ...) = 4\n"
      "+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0 (a note)\n");
  const auto& linger = std::get<SyscallSpec>(s.events[0].action);
  EXPECT_EQ(linger.name, "setsockopt");
  ASSERT_EQ(linger.args.size(), 5u);
  EXPECT_EQ(linger.args[3].kind, Expr::Kind::Struct);
  EXPECT_EQ(linger.args[3].to_string(), "{onoff=1, linger=0}");
  const auto& f = std::get<SyscallSpec>(s.events[1].action);
  EXPECT_EQ(f.args[2].kind, Expr::Kind::Or);
  const auto& c = std::get<SyscallSpec>(s.events[2].action);
  EXPECT_EQ(c.result.number, -1);
  EXPECT_EQ(c.errno_name, "ECONNREFUSED");
  const auto& a = std::get<SyscallSpec>(s.events[3].action);
  EXPECT_EQ(a.end_time, 500 * kMillisecond);
  EXPECT_FALSE(std::get<SyscallSpec>(s.events[4].action).errno_name);
}

TEST(ScriptParser, Assertions) {
  Script s = parse_ok(
      "0 %{ assert tcpi_state == TCP_ESTABLISHED and tcpi_snd_cwnd >= 10, tcpi_snd_cwnd\n"
      "assert tcpi_rto != 0 }%\n");
  const auto& c = std::get<CodeSpec>(s.events[0].action);
  ASSERT_EQ(c.assertions.size(), 2u);
  EXPECT_EQ(c.assertions[0].text, "tcpi_state == TCP_ESTABLISHED and tcpi_snd_cwnd >= 10");
  EXPECT_EQ(c.assertions[0].message, "tcpi_snd_cwnd");
  EXPECT_EQ(c.assertions[0].expr.kind, CodeExpr::Kind::And);
  EXPECT_EQ(c.assertions[1].expr.kind, CodeExpr::Kind::Compare);
  EXPECT_EQ(c.assertions[1].expr.ops, std::vector<std::string>{"!="});
}

struct BadCase {
  const char* text;
  int line;
  int column;
  const char* message;
  Errc code = Errc::BadSyntax;
};

class ScriptParserError : public ::testing::TestWithParam<BadCase> {};

TEST_P(ScriptParserError, NamesWhatAndWhere) {
  const BadCase& c = GetParam();
  ScriptError e = parse_err(c.text);
  EXPECT_EQ(e.line, c.line) << e.message;
  EXPECT_EQ(e.column, c.column) << e.message;
  EXPECT_NE(e.message.find(c.message), std::string::npos) << e.message;
  EXPECT_EQ(e.code, c.code) << e.message;
}

std::string case_name(const ::testing::TestParamInfo<BadCase>& info) {
  return "case_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ScriptParserError,
    ::testing::Values(
        BadCase{"", 1, 1, "no events", Errc::Missing},
        BadCase{"1 close(3) = 0", 1, 1, "first event should be at time 0"},
        BadCase{"0 close(3) = 0\n] x", 2, 1, "expected an event time"},
        BadCase{"0 close(3) = 0\n+0 frob", 2, 4, "expected a packet ('<' or '>'), a system call"},
        BadCase{"0 close(3) = 0\n* close(3) = 0", 2, 1, "<star> can only be used with outbound"},
        BadCase{"0 close(3) = 0\n1~2 close(3) = 0", 2, 1, "range can only be used with outbound"},
        BadCase{"0 > S 0:0(0)\n2~1 > S 0:0(0)", 2, 2, "time range is backwards", Errc::BadValue},
        BadCase{"0 > X 0:0(0)", 1, 5, "invalid TCP flag 'X'"},
        BadCase{"0 > S1 0:0(0)", 1, 5, "AccECN", Errc::Unsupported},
        BadCase{"0 > S 0:1(0)", 1, 7, "inconsistent TCP sequence numbers", Errc::Conflict},
        BadCase{"0 > S 0:0(70000)", 1, 11, "TCP payload size out of range", Errc::OutOfRange},
        BadCase{"0 < S 0:0(0) <mss 1460>", 1, 7, "window must be specified for inbound",
                Errc::Missing},
        BadCase{"0 < S 0:0(0) win 1 <...>", 1, 21, "<...> for TCP options can only be used"},
        BadCase{"0 > S 0:0(0) <mss 1460,wscale 7>", 1, 7, "not padded correctly", Errc::BadValue},
        BadCase{"0 > S 0:0(0) <md5 0>", 1, 15,
                "TCP MD5 signatures are not modelled by tcpsim (option md5)", Errc::Unsupported},
        BadCase{"0 < S 0:0(0) win 1 <FO abcd,nop,nop>", 1, 21,
                "TCP Fast Open is not modelled by tcpsim (option FO)", Errc::Unsupported},
        BadCase{"0 > S 0:0(0) <foo>", 1, 15, "unknown TCP option 'foo'", Errc::UnknownName},
        BadCase{"0 > S 0:0(0) <TS 1 ecr 2>", 1, 18, "expected 'val' after TS"},
        BadCase{"0 > S 0:0(0) <sack>", 1, 19, "sack needs at least one block", Errc::Missing},
        BadCase{"0 > udp (10)", 1, 5, "unsupported packet type 'udp'", Errc::Unsupported},
        BadCase{"0 > icmp unreachable", 1, 5, "unsupported outbound ICMP", Errc::Unsupported},
        BadCase{"0 < icmp 3", 1, 10, "expected an ICMP type", Errc::Missing},
        BadCase{"0 < icmp unreachable [udp (8)]", 1, 23, "quoted udp", Errc::Unsupported},
        BadCase{"0 < icmp echo_reply id 7", 1, 21, "echo id", Errc::Unsupported},
        BadCase{"0 < icmp unreachable [1:2(3)]", 1, 23, "inconsistent", Errc::Conflict},
        BadCase{"0 > [ect2] S 0:0(0)", 1, 6, "unknown IP field 'ect2'", Errc::UnknownName},
        BadCase{"0 > 1 > 2 S 0:0(0)", 1, 5, "unsupported explicit ports", Errc::Unsupported},
        BadCase{"0 > S 0:0(0) {mut tcp mss}", 1, 14, "fuzzing", Errc::Unsupported},
        BadCase{"0 close(3)", 1, 3, "expected '= result' after close(...)"},
        BadCase{"0 close(3 = 0", 1, 11, "expected ',' or ')' in the arguments of close()"},
        BadCase{"0 close(3) = 0 (note", 1, 16, "unterminated note"},
        BadCase{"0 %{ print(1) }%", 1, 3, "unsupported %{ }% block", Errc::Unsupported},
        BadCase{"0 %{ assert tcpi_foo == 1 }%", 1, 3, "is not a known tcpi_ field",
                Errc::Unsupported},
        BadCase{"0 %{ assert tcpi_rto = 1 }%", 1, 3, "expected a comparison", Errc::Unsupported},
        BadCase{"0 close(3) = 0\n--mtu=1000", 2, 1, "options go at the top"},
        BadCase{"`a`\n`b`\n0 close(3) = 0", 2, 1, "only one `command`"},
        BadCase{"0 > S 99999999999:0(0)", 1, 7, "start sequence number", Errc::OutOfRange}),
    case_name);

}  // namespace
}  // namespace tcpsim::sim::script
