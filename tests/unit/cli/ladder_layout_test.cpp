// The ladder's layout: the width chosen, the columns for it, and the fitting of segment
// text and arrows into them.
#include "tools/cli/ladder_layout.hpp"

#include <gtest/gtest.h>

namespace tcpsim::cli {
namespace {

TEST(LadderLayout, NoWidth_KeepsTheFixedColumns) {
  LadderLayout l = layout_for(0);
  EXPECT_FALSE(l.fitted());
  EXPECT_EQ(l.side, 30u);
  EXPECT_EQ(l.middle, 74u);
}

TEST(LadderLayout, NarrowTerminal_ColumnsFitItsWidth) {
  for (std::size_t cols : {60u, 80u, 100u, 120u, 143u, 144u, 200u}) {
    LadderLayout l = layout_for(cols);
    EXPECT_TRUE(l.fitted());
    EXPECT_EQ(l.columns, cols);
    EXPECT_LE(12 + l.side + l.middle, cols) << cols;
    EXPECT_GE(l.middle, 36u) << cols;
  }
}

TEST(LadderLayout, BelowTheMinimum_StopsShrinking) {
  EXPECT_EQ(layout_for(20).columns, kMinColumns);
  EXPECT_EQ(layout_for(20).middle, layout_for(kMinColumns).middle);
}

TEST(LadderLayout, Columns_EnvironmentWinsOverTheTerminal) {
  EXPECT_EQ(choose_columns("100", 80), 100u);
  EXPECT_EQ(choose_columns(nullptr, 80), 80u);
  EXPECT_EQ(choose_columns("", 80), 80u);
  EXPECT_EQ(choose_columns("wide", 80), 80u);
  EXPECT_EQ(choose_columns("-3", 0), 0u);
  EXPECT_EQ(choose_columns(nullptr, 0), 0u);
  EXPECT_EQ(choose_columns("72", 0), 72u);
}

TEST(LadderLayout, Color_OnATerminalWithoutNoColor) {
  EXPECT_TRUE(wants_color(true, nullptr));
  EXPECT_TRUE(wants_color(true, ""));
  EXPECT_FALSE(wants_color(true, "1"));
  EXPECT_FALSE(wants_color(false, nullptr));
  EXPECT_FALSE(wants_color(false, ""));
}

TEST(LadderLayout, DisplayWidth_CountsCodePointsNotEscapes) {
  EXPECT_EQ(display_width("──▶"), 3u);
  EXPECT_EQ(display_width("\033[32mSYN-SENT → ESTABLISHED\033[0m"), 22u);
}

TEST(LadderLayout, FitSegment_DropsOptionsFromTheEndFirst) {
  std::string syn = "SYN seq=0 win=65535 len=0 <mss 1460,sackOK,TS val 1000 ecr 0,nop,wscale 7>";
  EXPECT_EQ(fit_segment(syn, 200), syn);
  EXPECT_EQ(fit_segment(syn, 48), "SYN seq=0 win=65535 len=0 <mss 1460,sackOK…>");
  EXPECT_EQ(fit_segment(syn, 37), "SYN seq=0 win=65535 len=0 <mss 1460…>");
  EXPECT_EQ(fit_segment(syn, 36), "SYN seq=0 win=65535 len=0 <…>");
  EXPECT_EQ(fit_segment(syn, 29), "SYN seq=0 win=65535 len=0 <…>");
  EXPECT_EQ(fit_segment(syn, 20), "SYN seq=0 win=65535…");
  for (std::size_t max = 10; max < 90; ++max) EXPECT_LE(display_width(fit_segment(syn, max)), max);
}

TEST(LadderLayout, FitSegment_SackBlocksShortenAtSpaces) {
  std::string ack = "ACK seq=1 ack=1 win=65535 len=0 <sack 2897:4345 5793:7241>";
  EXPECT_EQ(fit_segment(ack, 49), "ACK seq=1 ack=1 win=65535 len=0 <sack 2897:4345…>");
  EXPECT_EQ(fit_segment(ack, 48), "ACK seq=1 ack=1 win=65535 len=0 <sack…>");
}

TEST(LadderLayout, Arrow_FittedIsExactlyTheMiddleColumn) {
  LadderLayout l = layout_for(80);
  std::string syn = "SYN seq=0 win=65535 len=0 <mss 1460,sackOK,TS val 1000 ecr 0,nop,wscale 7>";
  for (bool right : {true, false}) {
    EXPECT_EQ(display_width(arrow(syn, right, l)), l.middle);
    EXPECT_EQ(display_width(arrow("ACK seq=1 ack=1 win=65535 len=0", right, l)), l.middle);
  }
  EXPECT_EQ(arrow("ACK", true, l).rfind("──ACK ─", 0), 0u);
  EXPECT_NE(arrow(syn, false, l).find("◀─"), std::string::npos);
}

TEST(LadderLayout, Arrow_UnfittedRunsPastTheColumnAsBefore) {
  LadderLayout l = layout_for(0);
  std::string syn = "SYN seq=0 win=65535 len=0 <mss 1460,sackOK,TS val 1000 ecr 0,nop,wscale 7>";
  EXPECT_EQ(arrow(syn, true, l), "──" + syn + " ──▶");
  EXPECT_EQ(display_width(arrow("ACK", false, l)), 74u);
}

TEST(LadderLayout, RightColumn_MovesLeftWhenItWouldPassTheWidth) {
  LadderLayout wide = layout_for(0);
  EXPECT_EQ(right_column_at("SYN-RECEIVED → ESTABLISHED", wide), 116u);
  LadderLayout l = layout_for(80);
  std::size_t at = right_column_at("SYN-RECEIVED → ESTABLISHED", l);
  EXPECT_EQ(at + 26, 80u);
}

TEST(LadderLayout, WrapWords_EveryLineFits) {
  std::string why =
      "  └ server: RFC 9293 §3.10.7.3: a SYN in LISTEN is answered with SYN,ACK and the "
      "connection enters SYN-RECEIVED";
  auto lines = wrap_words(why, 40, "    ");
  ASSERT_GT(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("  └ server:", 0), 0u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(display_width(lines[i]), 40u) << lines[i];
    if (i > 0) {
      EXPECT_EQ(lines[i].rfind("    ", 0), 0u) << lines[i];
    }
  }
  EXPECT_EQ(wrap_words(why, 0, "    "), std::vector<std::string>{why});
}

}  // namespace
}  // namespace tcpsim::cli
