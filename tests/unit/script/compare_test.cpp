// One script under several profiles (sim/script/compare.hpp): observe mode records what
// the stack sent and runs on past failed expectations; the comparison finds the lines
// where the wire differs and names each side's choice behind it.
#include "sim/script/compare.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/unit/scratch_dir.hpp"

namespace tcpsim::sim::script {
namespace {

std::string script_path(const std::string& name) {
  return (std::filesystem::path(TCPSIM_SOURCE_DIR) / "tests/scripts" / name).string();
}

const WireDifference* difference_at(const Comparison& c, int line) {
  for (const WireDifference& d : c.differences) {
    if (d.line == line) return &d;
  }
  return nullptr;
}

bool has_field(const WireDifference& d, std::string_view f) {
  return std::find(d.fields.begin(), d.fields.end(), f) != d.fields.end();
}

// The choices given for `aspect`, one per run; empty when it was not given.
std::vector<ProfileChoice> reason(const WireDifference& d, Aspect aspect) {
  for (const auto& row : d.reasons) {
    if (row.front().aspect == aspect) return row;
  }
  return {};
}

TEST(ScriptObserve, RunsOnPastFailedExpectationsAndRecordsThem) {
  // Under freebsd the SYN,ACK's options and the delayed ACK differ from what the script
  // (written for linux) expects; the observed run records both and still runs to the end.
  ScriptOptions o;
  o.observe = true;
  o.command_line.push_back({"tcpsim_profile", "freebsd", 0});
  ScriptResult r = run_script_file(script_path("three-kernels.pkt"), o);
  EXPECT_EQ(r.outcome, ScriptOutcome::Failed);
  ASSERT_GE(r.deviations.size(), 2u);
  EXPECT_EQ(r.deviations[0].line, 10);
  EXPECT_NE(r.deviations[0].message.find("bad outbound TCP options"), std::string::npos);
  EXPECT_EQ(r.deviations[1].line, 17);  // no ACK at once: FreeBSD delays it
  EXPECT_EQ(r.line, 10);                // the first departure is the result's failure
  EXPECT_EQ(r.events, 13u);
  // Every segment sent is recorded with the line running when it left; our sequence
  // numbers count from our ISN, as the script writes them.
  ASSERT_FALSE(r.wire.empty());
  EXPECT_EQ(r.wire[0].line, 9);
  EXPECT_EQ(r.wire[0].text, "S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 6,sackOK>");
  EXPECT_FALSE(r.wire[0].retransmission);
  const WirePacket& last = r.wire.back();
  EXPECT_EQ(last.line, 0);  // after the last line: FreeBSD's RTO of 1 s
  EXPECT_TRUE(last.retransmission);
  EXPECT_EQ(last.seen.start, 1u);
  ASSERT_TRUE(r.config.has_value());
  EXPECT_EQ(r.config->profile, "freebsd");
}

TEST(ScriptObserve, ALineAfterACallThatNeverReturned_StillRuns) {
  // The blocking accept() never returns; the observed run gives it up and still runs the
  // next lines, so the socket() on line 5 exists for line 6.
  std::string path = (test::scratch_dir() / "blocked.pkt").string();
  std::ofstream(path) << "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                         "+0 bind(3, ..., ...) = 0\n"
                         "+0 listen(3, 1) = 0\n"
                         "+0 accept(3, ..., ...) = 4\n"
                         "+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 4\n"
                         "+0 close(4) = 0\n";
  ScriptOptions o;
  o.observe = true;
  ScriptResult r = run_script_file(path, o);
  ASSERT_EQ(r.deviations.size(), 1u) << r.report();
  EXPECT_EQ(r.deviations[0].line, 4);
  EXPECT_NE(r.deviations[0].message.find("never returned"), std::string::npos);
  EXPECT_EQ(r.stopped_at, 0);
  EXPECT_EQ(r.events, 6u);
}

TEST(ScriptObserve, WithoutObserveTheFirstFailureStopsTheRun) {
  ScriptOptions o;
  o.command_line.push_back({"tcpsim_profile", "freebsd", 0});
  ScriptResult r = run_script_file(script_path("three-kernels.pkt"), o);
  EXPECT_EQ(r.outcome, ScriptOutcome::Failed);
  EXPECT_EQ(r.line, 10);
  EXPECT_TRUE(r.wire.empty());
  EXPECT_TRUE(r.deviations.empty());
  EXPECT_LT(r.events, 13u);
}

TEST(ScriptCompare, ThreeKernels_SynOptionsDelayedAckAndRto) {
  Comparison c =
      compare_profiles(script_path("three-kernels.pkt"), {"linux", "freebsd", "rfc"}, {});
  ASSERT_EQ(c.runs.size(), 3u);
  EXPECT_TRUE(c.runs[0].result.passed()) << c.runs[0].result.report();
  EXPECT_FALSE(c.runs[1].result.passed());
  ASSERT_TRUE(c.differs());
  // The first difference is the SYN,ACK: layout and window scale.
  const WireDifference& first = c.differences.front();
  EXPECT_EQ(first.line, 9);
  EXPECT_TRUE(has_field(first, "options"));
  auto shift = reason(first, Aspect::WindowScale);
  ASSERT_EQ(shift.size(), 3u);
  EXPECT_EQ(shift[0].value.substr(0, 1), "8");
  EXPECT_EQ(shift[1].value.substr(0, 1), "6");
  EXPECT_EQ(shift[2].value.substr(0, 1), "7");
  auto layout = reason(first, Aspect::SynOptions);
  ASSERT_EQ(layout.size(), 3u);
  EXPECT_NE(layout[1].source.find("tcp_addoptions"), std::string::npos);
  // The first data: linux acknowledges it at once (quick-ACK mode), the others delay.
  const WireDifference* ack = difference_at(c, 16);
  ASSERT_NE(ack, nullptr);
  EXPECT_TRUE(has_field(*ack, "count"));
  ASSERT_EQ(ack->sent[0].size(), 1u);
  EXPECT_TRUE(ack->sent[1].empty());
  auto delack = reason(*ack, Aspect::DelayedAck);
  ASSERT_EQ(delack.size(), 3u);
  EXPECT_EQ(delack[0].value,
            "40 ms, adapting; the first data at once (quick-ACK mode, up to 16 segments)");
  EXPECT_EQ(delack[1].value, "40 ms");
  EXPECT_EQ(delack[2].value, "200 ms");
  // The retransmission: linux's 200 ms floor against the others' 1 s.
  const WireDifference* rto = difference_at(c, 23);
  ASSERT_NE(rto, nullptr);
  EXPECT_FALSE(reason(*rto, Aspect::RetransmitTimer).empty());
  EXPECT_TRUE(reason(*rto, Aspect::RtoAfterSyn).empty());  // no SYN timed out
  // What each sends after the last line is compared too.
  ASSERT_NE(difference_at(c, 0), nullptr);
  EXPECT_EQ(c.differences.back().line, 0);
}

TEST(ScriptCompare, Tso_LinuxHandsOverSuperSegments_FreeBsdOneMssEach) {
  Comparison c = compare_profiles(script_path("linux/tso.pkt"), {"linux", "freebsd"}, {});
  ASSERT_EQ(c.runs.size(), 2u);
  EXPECT_TRUE(c.runs[0].result.passed()) << c.runs[0].result.report();
  // The first write: five super-segments of 2000 bytes against ten segments of 1000.
  const WireDifference* first = difference_at(c, 23);
  ASSERT_NE(first, nullptr);
  EXPECT_TRUE(has_field(*first, "count"));
  ASSERT_EQ(first->sent[0].size(), 5u);
  ASSERT_EQ(first->sent[1].size(), 10u);
  auto why = reason(*first, Aspect::Segmentation);
  ASSERT_EQ(why.size(), 2u);
  EXPECT_EQ(why[0].value.substr(0, 3), "TSO");
  EXPECT_EQ(why[1].value, "segments of one MSS");
  EXPECT_NE(why[0].source.find("tcp_tso_autosize"), std::string::npos);
}

TEST(ScriptCompare, SynRetries_RfcRetriesLonger) {
  Comparison c = compare_profiles(script_path("rfc/rfc-syn-retries.pkt"), {"linux", "rfc"}, {});
  ASSERT_EQ(c.runs.size(), 2u);
  EXPECT_FALSE(c.runs[0].result.passed());
  EXPECT_TRUE(c.runs[1].result.passed()) << c.runs[1].result.report();
  const WireDifference& last = c.differences.back();
  EXPECT_TRUE(has_field(last, "count"));
  ASSERT_EQ(last.sent.size(), 2u);
  EXPECT_TRUE(last.sent[0].empty());
  ASSERT_EQ(last.sent[1].size(), 1u);
  EXPECT_TRUE(last.sent[1][0].retransmission);
  auto retries = reason(last, Aspect::SynRetries);
  ASSERT_EQ(retries.size(), 2u);
  EXPECT_EQ(retries[0].value, "6 retransmissions, gives up after 127 s");
  EXPECT_EQ(retries[1].value, "7 retransmissions, gives up after 183 s");
}

TEST(ScriptCompare, SameWire_NoDifferences) {
  // A segment to a listener that acknowledges nothing it sent: every profile answers
  // with the same RST (RFC 9293 §3.10.7.2).
  std::string path = (test::scratch_dir() / "rst.pkt").string();
  std::ofstream(path) << "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                         "+0 bind(3, ..., ...) = 0\n"
                         "+0 listen(3, 1) = 0\n"
                         "+0 < . 1:1(0) ack 1 win 100\n"
                         "+0 > R 1:1(0)\n";
  Comparison c = compare_profiles(path, {"linux", "freebsd", "rfc"}, {});
  for (const ProfileRun& r : c.runs) EXPECT_TRUE(r.result.passed()) << r.result.report();
  ASSERT_EQ(c.runs[0].result.wire.size(), 1u);
  EXPECT_FALSE(c.differs());
  EXPECT_NE(format_comparison(c).find("The wire is the same under every profile."),
            std::string::npos);
}

TEST(ScriptCompare, ScriptThatOneProfileCannotRun_IsReportedAndLeftOut) {
  // MSG_MORE is Linux's alone: under freebsd the script is invalid, and the others are
  // still compared.
  std::string path = (test::scratch_dir() / "more.pkt").string();
  std::ofstream(path) << "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                         "+0 bind(3, ..., ...) = 0\n"
                         "+0 listen(3, 1) = 0\n"
                         "+0 < S 0:0(0) win 65535 <mss 1460>\n"
                         "+0 > S. 0:0(0) ack 1 <...>\n"
                         "+0 < . 1:1(0) ack 1 win 65535\n"
                         "+0 accept(3, ..., ...) = 4\n"
                         "+0 send(4, ..., 100, MSG_MORE) = 100\n";
  Comparison c = compare_profiles(path, {"linux", "freebsd", "rfc"}, {});
  EXPECT_EQ(c.runs[1].result.outcome, ScriptOutcome::Invalid);
  EXPECT_NE(c.runs[1].result.message.find("MSG_MORE"), std::string::npos);
  std::string text = format_comparison(c);
  EXPECT_NE(text.find("freebsd  cannot run:"), std::string::npos) << text;
  for (const WireDifference& d : c.differences) EXPECT_TRUE(d.sent[1].empty());
}

TEST(ScriptCompare, Text_FirstDifferenceFirstAndRepeatedReasonsReferBack) {
  Comparison c = compare_profiles(script_path("three-kernels.pkt"), {"linux", "freebsd"}, {});
  std::string text = format_comparison(c);
  EXPECT_NE(text.find("three-kernels.pkt under linux, freebsd\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  linux    follows the script (13 events"), std::string::npos) << text;
  EXPECT_NE(text.find("  freebsd  departs from the script at line 10"), std::string::npos);
  std::size_t syn = text.find("line 9: +0    < S 0:0(0)");
  std::size_t ack = text.find("line 16: +.1   < P. 1:1001(1000) ack 1 win 514");
  ASSERT_NE(syn, std::string::npos) << text;
  ASSERT_NE(ack, std::string::npos) << text;
  EXPECT_LT(syn, ack);
  EXPECT_NE(text.find("  freebsd  (sends nothing)"), std::string::npos);
  EXPECT_NE(text.find("    window scale offered: as at line 9\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace tcpsim::sim::script
