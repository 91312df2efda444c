// The preprocessor: #if/#ifdef/#ifndef/#elif/#else/#endif, symbols from the profile and
// from -D, line numbers kept, and malformed directives named with their line.
#include <gtest/gtest.h>

#include "sim/script/preprocess.hpp"
#include "sim/script/runner.hpp"

namespace tcpsim::sim::script {
namespace {

Symbols linux_symbols() {
  return {{"Linux", "1"}, {"TCPSIM", "1"}};
}

std::string kept(std::string_view text, Symbols s = linux_symbols()) {
  auto r = preprocess(text, std::move(s));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : "";
}

ScriptError error_of(std::string_view text) {
  auto r = preprocess(text, linux_symbols());
  EXPECT_FALSE(r.ok());
  return r.ok() ? ScriptError{} : r.error();
}

TEST(ScriptPreprocess, Ifdef_KeepsTheBranchOfTheDefinedSymbol_RemovedLinesBecomeBlank) {
  EXPECT_EQ(kept("a\n#ifdef Linux\nb\n#else\nc\n#endif\nd\n"), "a\n\nb\n\n\n\nd\n");
  EXPECT_EQ(kept("#ifdef FreeBSD\nb\n#else\nc\n#endif"), "\n\n\nc\n");
  EXPECT_EQ(kept("#ifndef FreeBSD\nb\n#endif\n"), "\nb\n\n");
}

TEST(ScriptPreprocess, IfElif_TakesTheFirstTrueBranchOnly) {
  std::string text = "#if defined(FreeBSD)\nf\n#elif Linux && TCPSIM == 1\nl\n#elif 1\nx\n#endif";
  EXPECT_EQ(kept(text), "\n\n\nl\n\n\n");
}

TEST(ScriptPreprocess, Nesting_InnerBranchesOfARemovedBranchStayRemoved) {
  std::string text = "#ifdef FreeBSD\n#ifdef Linux\na\n#else\nb\n#endif\n#else\nc\n#endif\n";
  EXPECT_EQ(kept(text), "\n\n\n\n\n\n\nc\n\n");
}

TEST(ScriptPreprocess, Define_GivesAValueLaterLinesSee) {
  EXPECT_EQ(kept("#define MSS 1000\n#if MSS >= 536 && MSS < 1460\nyes\n#endif"), "\n\nyes\n");
  EXPECT_EQ(kept("#undef Linux\n#ifdef Linux\nno\n#endif"), "\n\n\n");
}

TEST(ScriptPreprocess, DefinedWords_AreReplacedByTheirValues) {
  Symbols s = linux_symbols();
  s["MSS"] = "1200";
  EXPECT_EQ(kept("> S 0:0(0) <mss MSS> // MSS\n\"MSS\" MSSX xMSS MSS", s),
            "> S 0:0(0) <mss 1200> // MSS\n\"MSS\" MSSX xMSS 1200");
  EXPECT_EQ(kept("#define WIN 500\n< . 1:1(0) ack 1 win WIN Linux"),
            "\n< . 1:1(0) ack 1 win 500 Linux");
}

TEST(ScriptPreprocess, Conditions_FollowCPrecedenceAndUndefinedNamesAreZero) {
  Symbols s{{"A", "3"}, {"B", "0x10"}};
  auto eval = [&](std::string_view e) { return evaluate_condition(e, s).value(); };
  EXPECT_EQ(eval("A + 2 * 3"), 9);
  EXPECT_EQ(eval("(A + 2) * 3"), 15);
  EXPECT_EQ(eval("B == 16 && !defined NOPE"), 1);
  EXPECT_EQ(eval("NOPE || A != 3"), 0);
  EXPECT_EQ(eval("A <= 3 && A >= 3 && A > 2 && A < 4"), 1);
  EXPECT_EQ(eval("B % 5 - -1"), 2);
  EXPECT_FALSE(evaluate_condition("1 +", s).ok());
  EXPECT_FALSE(evaluate_condition("A / 0", s).ok());
  EXPECT_FALSE(evaluate_condition("(1", s).ok());
  EXPECT_FALSE(evaluate_condition("X", Symbols{{"X", "abc"}}).ok());
}

TEST(ScriptPreprocess, Unbalanced_ErrorNamesTheDirectiveAndItsLine) {
  ScriptError e = error_of("a\n#ifdef Linux\nb\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.message, "#ifdef without #endif");
  e = error_of("a\n\n#endif\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.message, "#endif without #if");
  e = error_of("#else\n");
  EXPECT_EQ(e.message, "#else without #if");
  e = error_of("#if 1\n#else\n#elif 1\n#endif\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_NE(e.message.find("#elif after #else"), std::string::npos) << e.message;
}

TEST(ScriptPreprocess, Malformed_ErrorNamesTheDirective) {
  EXPECT_EQ(error_of("#if\n#endif").message, "#if needs an expression");
  EXPECT_EQ(error_of("#ifdef A B\n#endif").message, "#ifdef needs one name, found 'A B'");
  EXPECT_EQ(error_of("\n#if 2 +\n#endif").line, 2);
  EXPECT_NE(error_of("#include \"x.pkt\"").message.find("unsupported directive #include"),
            std::string::npos);
  EXPECT_EQ(error_of("#ifdef Linux\n#error only on BSD\n#endif").message, "#error only on BSD");
  EXPECT_EQ(kept("#ifndef Linux\n#error only on Linux\n#include x\n#endif\n"), "\n\n\n\n");
}

TEST(ScriptPreprocess, LeadingOptions_ReadsTheOptionLinesBeforeTheFirstEvent) {
  auto o = leading_options(
      "// comment\n--tcpsim_profile=freebsd -DFOO=2 -D BAR\n--define BAZ --mtu=1200\n0 x\n--no");
  ASSERT_EQ(o.size(), 5u);
  EXPECT_EQ(o[0].name, "tcpsim_profile");
  EXPECT_EQ(o[0].value, "freebsd");
  EXPECT_EQ(o[1].name, "define");
  EXPECT_EQ(o[1].value, "FOO=2");
  EXPECT_EQ(o[2].value, "BAR");
  EXPECT_EQ(o[3].value, "BAZ");
  EXPECT_EQ(o[3].line, 3);
  EXPECT_EQ(o[4].name, "mtu");
}

constexpr const char* kByProfile = R"(--tcpsim_profile=%s
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
+0    connect(3, ..., ...) = -1 EINPROGRESS
#ifdef Linux
+0    > S 0:0(0) <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 8>
#elif defined(FreeBSD)
+0    > S 0:0(0) <mss 1460,nop,wscale 6,sackOK,TS val 1 ecr 0>
#endif
#if WANT_FAIL
+0    > S 0:0(0) <...>
#endif
)";

std::string by_profile(const std::string& profile) {
  std::string s = kByProfile;
  s.replace(s.find("%s"), 2, profile);
  return s;
}

TEST(ScriptPreprocess, ProfileSymbol_SelectsThePacketsOfThatKernel) {
  for (std::string profile : {"linux", "freebsd"}) {
    ScriptResult r = run_script_text(by_profile(profile));
    EXPECT_TRUE(r.passed()) << profile << ": " << r.report();
  }
}

TEST(ScriptPreprocess, CommandLineDefine_ReachesTheScriptAndProfileFlagWins) {
  ScriptOptions o;
  o.command_line.push_back({"define", "WANT_FAIL", 0});
  ScriptResult r = run_script_text(by_profile("linux"), o);
  EXPECT_EQ(r.outcome, ScriptOutcome::Failed) << r.report();
  EXPECT_EQ(r.line, 11) << r.report();  // line numbers survive the removed lines

  ScriptOptions p;
  p.command_line.push_back({"profile", "freebsd", 0});
  EXPECT_TRUE(run_script_text(by_profile("linux"), p).passed());
}

TEST(ScriptPreprocess, ErrorsInAScript_AreInvalidWithFileAndLine) {
  ScriptOptions o;
  o.file_name = "t.pkt";
  ScriptResult r = run_script_text("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n#ifdef X\n", o);
  EXPECT_EQ(r.outcome, ScriptOutcome::Invalid);
  EXPECT_EQ(r.message, "t.pkt:2: #ifdef without #endif");
  o.command_line.push_back({"define", "1BAD", 0});
  r = run_script_text("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n", o);
  EXPECT_EQ(r.outcome, ScriptOutcome::Invalid);
  EXPECT_NE(r.message.find("bad -D/--define: '1BAD'"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace tcpsim::sim::script
