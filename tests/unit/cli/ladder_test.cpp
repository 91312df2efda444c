// The ladder of real runs: folding keeps every state change, loss and retransmission while
// cutting long transfers short, and a fitted ladder stays within its width.
#include "tools/cli/ladder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <regex>
#include <sstream>

#include "sim/scenario/loader.hpp"

namespace tcpsim::cli {
namespace {

// The ladder of a built-in scenario, one string per line.
std::vector<std::string> ladder_of(const std::string& name, std::vector<std::string> sets,
                                   LadderOptions opts) {
  const sim::BuiltinScenario* b = sim::find_builtin(name);
  EXPECT_NE(b, nullptr);
  std::vector<sim::Override> overrides;
  for (const auto& s : sets) overrides.push_back(sim::parse_override(s).value());
  auto scenario = sim::load_scenario(b->text, std::string(b->file), overrides);
  EXPECT_TRUE(scenario.ok());
  auto run = sim::ScenarioRun::build(*scenario).value();
  char* buf = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&buf, &size);
  {
    Ladder ladder(*run, out, std::move(opts));
    ladder.attach();
    ladder.print_header();
    run->start();
    while (run->step()) {
    }
    run->finish();
    ladder.detach();
  }
  std::fclose(out);
  std::vector<std::string> lines;
  std::istringstream in(std::string(buf, size));
  std::free(buf);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// Lines that must survive folding: state changes (an arrow "→" outside an arrow line),
// losses, SYN/FIN/RST and zero-window segments.
bool notable(const std::string& l) {
  bool segment = l.find("─") != std::string::npos;
  return (!segment && l.find(" → ") != std::string::npos) ||
         l.find("✕ lost") != std::string::npos || l.find("SYN") != std::string::npos ||
         l.find("FIN") != std::string::npos || l.find("RST") != std::string::npos ||
         l.find("win=0 ") != std::string::npos;
}

// Data segments that resend bytes sent before in the same direction.
std::vector<std::string> retransmissions(const std::vector<std::string>& lines) {
  static const std::regex kData(R"(seq=(\d+) .*len=(\d+))");
  std::map<bool, std::uint64_t> sent;  // rightwards? -> highest seq+len
  std::vector<std::string> out;
  for (const auto& l : lines) {
    std::smatch m;
    if (l.find("✕") != std::string::npos || !std::regex_search(l, m, kData)) continue;
    std::uint64_t end = std::stoull(m[1]) + std::stoull(m[2]);
    bool right = l.find("▶") != std::string::npos;
    if (std::stoull(m[2]) > 0 && end <= sent[right]) out.push_back(l);
    sent[right] = std::max(sent[right], end);
  }
  return out;
}

std::size_t count_folds(const std::vector<std::string>& lines) {
  std::size_t n = 0;
  for (const auto& l : lines) n += l.find(" ms …") != std::string::npos ? 1 : 0;
  return n;
}

void expect_folded_keeps_notable(const std::string& name, const std::vector<std::string>& sets) {
  LadderOptions full;
  full.full = true;
  auto all = ladder_of(name, sets, full);
  auto folded = ladder_of(name, sets, LadderOptions{});
  EXPECT_LT(folded.size() * 5, all.size()) << name;
  EXPECT_GT(count_folds(folded), 0u);
  EXPECT_EQ(count_folds(all), 0u);
  std::vector<std::string> want, got;
  for (const auto& l : all) {
    if (notable(l)) want.push_back(l);
  }
  for (const auto& l : folded) {
    if (notable(l)) got.push_back(l);
  }
  EXPECT_GT(want.size(), 4u);
  EXPECT_EQ(got, want) << name;
  for (const auto& r : retransmissions(all)) {
    EXPECT_NE(std::find(folded.begin(), folded.end(), r), folded.end()) << r;
  }
}

TEST(Ladder, Bulk_FoldsLongRunsAndKeepsEveryStateChange) {
  expect_folded_keeps_notable("bulk", {"bytes=2MB"});
}

TEST(Ladder, LossyBulk_KeepsEveryLoss) {
  expect_folded_keeps_notable("bulk", {"bytes=2MB", "link.loss=0.01"});
  LadderOptions full;
  full.full = true;
  EXPECT_GT(retransmissions(ladder_of("bulk", {"bytes=2MB", "link.loss=0.01"}, full)).size(), 5u);
}

TEST(Ladder, Handshake_ShortRunsAreNotFolded) {
  LadderOptions full;
  full.full = true;
  EXPECT_EQ(ladder_of("handshake", {}, LadderOptions{}), ladder_of("handshake", {}, full));
}

TEST(Ladder, Fitted_NoLineWiderThanTheTerminal) {
  for (std::size_t cols : {60u, 80u, 100u}) {
    LadderOptions o;
    o.columns = cols;
    o.explain = true;
    o.color = true;
    for (std::string name : {"handshake", "data-loss", "zero-window"}) {
      for (const auto& l : ladder_of(name, {}, o)) {
        EXPECT_LE(display_width(l), cols) << name << ": " << l;
      }
    }
  }
}

TEST(Ladder, NotFitted_LongArrowsRunPastTheColumn) {
  auto lines = ladder_of("handshake", {}, LadderOptions{});
  std::size_t widest = 0;
  for (const auto& l : lines) widest = std::max(widest, display_width(l));
  EXPECT_GT(widest, 140u);
}

}  // namespace
}  // namespace tcpsim::cli
