// Folding long runs of data segments and ACKs in the ladder: short runs print whole, long
// ones keep their first and last lines around one line that counts the rest.
#include "tools/cli/ladder_fold.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tcpsim::cli {
namespace {

struct Printed {
  std::vector<std::string> lines;
  RunFolder folder{[this](const PlainLine& l) { lines.push_back(l.text); },
                   [this](const std::string& s) { lines.push_back("FOLD " + s); }};
  void run(int n) {
    for (int i = 0; i < n; ++i) {
      folder.add(PlainLine{Nanos{i} * 1'000'000, "line " + std::to_string(i), i % 3 != 2});
    }
  }
};

TEST(RunFolder, RunOfSix_PrintsWhole) {
  Printed p;
  p.run(6);
  p.folder.flush();
  EXPECT_EQ(p.lines,
            (std::vector<std::string>{"line 0", "line 1", "line 2", "line 3", "line 4", "line 5"}));
}

TEST(RunFolder, RunOfSeven_FoldsTheMiddle) {
  Printed p;
  p.run(7);
  p.folder.flush();
  EXPECT_EQ(p.lines, (std::vector<std::string>{"line 0", "line 1", "line 2",
                                               "FOLD … 2 data segments, 3.000–4.000 ms …", "line 5",
                                               "line 6"}));
}

TEST(RunFolder, LongRun_HeadPrintsAtOnceTheRestAtTheEnd) {
  Printed p;
  p.run(3000);
  EXPECT_EQ(p.lines.size(), RunFolder::kHead);
  p.folder.flush();
  ASSERT_EQ(p.lines.size(), RunFolder::kHead + 1 + RunFolder::kTail);
  // Lines 3..2997 fold: 998 of them have i % 3 == 2 (ACKs), the other 1,997 are data.
  EXPECT_EQ(p.lines[3], "FOLD … 1,997 data segments and 998 ACKs, 3.000–2997.000 ms …");
  EXPECT_EQ(p.lines[4], "line 2998");
  EXPECT_EQ(p.lines[5], "line 2999");
}

TEST(RunFolder, Flush_StartsANewRun) {
  Printed p;
  p.run(10);
  p.folder.flush();
  p.lines.clear();
  p.run(2);
  p.folder.flush();
  EXPECT_EQ(p.lines, (std::vector<std::string>{"line 0", "line 1"}));
}

TEST(RunFolder, Describe_LeavesOutWhatIsNone) {
  EXPECT_EQ(RunFolder::describe(0, 12, 0, 5'500'000), "… 12 ACKs, 0.000–5.500 ms …");
  EXPECT_EQ(RunFolder::describe(1, 1, 0, 0), "… 1 data segment and 1 ACK, 0.000–0.000 ms …");
  EXPECT_EQ(RunFolder::describe(1402, 0, 10'000'000, 35'400'000),
            "… 1,402 data segments, 10.000–35.400 ms …");
}

}  // namespace
}  // namespace tcpsim::cli
