// Every script under tests/scripts/ passes; every one under tests/scripts/failing/ fails
// with the outcome, line and message its first line names:
//   // expect: failed 13 error handling packet: live packet field tcp_ack_seq: ...
//   // expect: invalid 4 expected '= result' after listen(...), found number 0.1
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "sim/script/runner.hpp"

namespace tcpsim::sim::script {
namespace {

namespace fs = std::filesystem;

fs::path scripts_dir() {
  return fs::path(TCPSIM_SOURCE_DIR) / "tests/scripts";
}

std::vector<std::string> scripts_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".pkt") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  fs::path p(info.param);
  std::string dir = p.parent_path().filename().string();
  std::string n =
      (dir == "linux" || dir == "freebsd" || dir == "rfc" ? dir + "_" : "") + p.stem().string();
  for (char& c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
}

class PassingScript : public ::testing::TestWithParam<std::string> {};

TEST_P(PassingScript, Passes) {
  ScriptResult r = run_script_file(GetParam());
  EXPECT_TRUE(r.passed()) << r.report();
  EXPECT_GT(r.events, 0u);
}

// tests/scripts/ and its per-profile directories linux/, freebsd/ and rfc/ (whose scripts name
// their profile on their first lines).
std::vector<std::string> passing_scripts() {
  std::vector<std::string> all = scripts_in(scripts_dir());
  for (const char* sub : {"linux", "freebsd", "rfc"}) {
    for (std::string& s : scripts_in(scripts_dir() / sub)) all.push_back(std::move(s));
  }
  return all;
}

INSTANTIATE_TEST_SUITE_P(Scripts, PassingScript, ::testing::ValuesIn(passing_scripts()), test_name);

TEST(ScriptFiles, KernelDirectories_HoldScriptsOfTheirProfile) {
  for (const char* sub : {"linux", "freebsd", "rfc"}) {
    std::vector<std::string> files = scripts_in(scripts_dir() / sub);
    EXPECT_GE(files.size(), 3u) << sub;
    for (const std::string& f : files) {
      std::ifstream in(f);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::string option = std::string("--tcpsim_profile=") + sub;
      EXPECT_TRUE(text.rfind(option, 0) == 0 || text.find("\n" + option) != std::string::npos)
          << f << ": a script under " << sub << "/ names its profile on its first lines";
    }
  }
}

struct Expectation {
  ScriptOutcome outcome = ScriptOutcome::Passed;
  int line = 0;
  std::string message;
};

Expectation expectation_of(const std::string& path) {
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  const std::string tag = "// expect: ";
  Expectation x;
  if (first.rfind(tag, 0) != 0) return x;
  std::string rest = first.substr(tag.size());
  auto sp1 = rest.find(' ');
  auto sp2 = rest.find(' ', sp1 + 1);
  std::string kind = rest.substr(0, sp1);
  x.outcome = kind == "invalid" ? ScriptOutcome::Invalid : ScriptOutcome::Failed;
  x.line = std::stoi(rest.substr(sp1 + 1, sp2 - sp1 - 1));
  x.message = rest.substr(sp2 + 1);
  return x;
}

class FailingScript : public ::testing::TestWithParam<std::string> {};

TEST_P(FailingScript, FailsWithTheStatedMessage) {
  Expectation want = expectation_of(GetParam());
  ASSERT_NE(want.outcome, ScriptOutcome::Passed)
      << GetParam() << ": the first line must be '// expect: failed|invalid LINE MESSAGE'";
  ScriptResult r = run_script_file(GetParam());
  EXPECT_EQ(r.outcome, want.outcome) << r.report();
  EXPECT_EQ(r.line, want.line) << r.report();
  EXPECT_NE(r.message.find(want.message), std::string::npos)
      << "wanted: " << want.message << "\ngot:    " << r.message;
  // The message starts with file:line, as packetdrill's do.
  EXPECT_EQ(r.message.rfind(GetParam() + ":" + std::to_string(want.line) + ":", 0), 0u)
      << r.message;
}

INSTANTIATE_TEST_SUITE_P(Scripts, FailingScript,
                         ::testing::ValuesIn(scripts_in(scripts_dir() / "failing")), test_name);

TEST(ScriptFiles, ThereAreEnoughOfThem) {
  EXPECT_GE(scripts_in(scripts_dir()).size(), 30u);
  EXPECT_GE(scripts_in(scripts_dir() / "failing").size(), 10u);
}

TEST(ScriptFiles, MissingFileIsInvalid) {
  ScriptResult r = run_script_file(scripts_dir().string() + "/no-such-script.pkt");
  EXPECT_EQ(r.outcome, ScriptOutcome::Invalid);
  EXPECT_NE(r.message.find("cannot read script"), std::string::npos) << r.message;
}

TEST(ScriptFiles, RelativePath_ResolvedAgainstBaseDirNotTheWorkingDirectory) {
  ScriptOptions beside = ScriptOptions::beside(__FILE__);
  EXPECT_EQ(fs::path(beside.base_dir), fs::path(__FILE__).parent_path());
  ScriptResult r = run_script_file("../../scripts/active-open.pkt", beside);
  EXPECT_TRUE(r.passed()) << r.report();
  EXPECT_EQ(r.outcome, ScriptOutcome::Passed);

  ScriptOptions given;
  given.base_dir = scripts_dir().string();
  EXPECT_TRUE(run_script_file("active-open.pkt", given).passed());
  // Messages name the script as the caller wrote it.
  ScriptResult missing = run_script_file("no-such-script.pkt", given);
  EXPECT_NE(missing.message.find("'no-such-script.pkt'"), std::string::npos) << missing.message;
}

}  // namespace
}  // namespace tcpsim::sim::script
