// The sweep's rows: the columns, CSV quoting (RFC 4180) and reading it back, the JSON
// Lines object, and the figures of a real run.
#include "sim/sweep/row.hpp"

#include <gtest/gtest.h>

#include "sim/scenario/loader.hpp"
#include "sim/sweep/point_run.hpp"

namespace tcpsim::sim {
namespace {

SweepPlan two_by_two() {
  std::vector<GridAxis> axes{parse_grid_axis("link.loss=0,0.05").value(),
                             parse_grid_axis("tcp.cc=newreno,cubic").value()};
  return SweepPlan::make(std::move(axes), {1, 2}).value();
}

TEST(SweepRow, Columns_RunPointAxesSeedThenFigures) {
  EXPECT_EQ(
      sweep_columns(two_by_two()),
      (std::vector<std::string>{"run", "point", "link.loss", "tcp.cc", "seed", "goodput_bps",
                                "retransmissions", "delivered_bytes", "integrity", "checks_passed",
                                "checks_failed", "sim_time_ms", "wall_time_s", "status", "error"}));
}

TEST(SweepRow, Csv_QuotesOnlyCellsThatNeedIt) {
  EXPECT_EQ(csv_line({"a", "b c", ""}), "a,b c,");
  EXPECT_EQ(csv_line({"x,y", "say \"hi\"", "two\nlines", "cr\r"}),
            "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\"");
}

TEST(SweepRow, Csv_ReadsBackWhatItWrites) {
  std::vector<std::string> cells{"x,y", "say \"hi\"", "", "two\nlines", "[\"/a\",\"/b\"]", "plain"};
  std::string text =
      csv_line({"h1", "h2", "h3", "h4", "h5", "h6"}) + "\r\n" + csv_line(cells) + "\n";
  auto records = parse_csv(text);
  ASSERT_TRUE(records.ok()) << records.error().message;
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[1], cells);
}

TEST(SweepRow, Csv_RefusesAnUnclosedQuoteAndTextAfterOne) {
  EXPECT_EQ(parse_csv("a,\"b\n").error().code, Errc::BadSyntax);
  EXPECT_EQ(parse_csv("a,\"b\"c\n").error().code, Errc::BadSyntax);
}

TEST(SweepRow, Jsonl_NumbersBareTextQuotedEmptyNumbersNull) {
  SweepPlan p = two_by_two();
  SweepRow row = failed_row(p, 3, "crashed", "killed by signal 9 (Killed): \"x\"\nmore");
  EXPECT_EQ(jsonl_line(sweep_columns(p), row),
            R"({"run":3,"point":1,"link.loss":"0","tcp.cc":"cubic","seed":2,"goodput_bps":null,)"
            R"("retransmissions":null,"delivered_bytes":null,"integrity":"","checks_passed":null,)"
            R"("checks_failed":null,"sim_time_ms":null,"wall_time_s":null,"status":"crashed",)"
            R"("error":"killed by signal 9 (Killed): \"x\" more"})");
}

TEST(SweepRow, FinishedRow_FormatsTheFigures) {
  RunOutcome f;
  f.goodput_bps = 1234567.6;
  f.delivered_bytes = 2000000;
  f.retransmissions = 7;
  f.integrity = "ok";
  f.checks_passed = 2;
  f.checks_failed = 1;
  f.sim_time_ns = 60040109000;
  SweepRow row = finished_row(two_by_two(), 6, 1, f, 0.0123);
  EXPECT_EQ(csv_line(row.cells),
            "6,3,0.05,cubic,1,1234568,7,2000000,ok,2,1,60040.109,0.012,check-failed,");
}

// The figures of a real run: a lossy link makes retransmissions, and the bytes and
// checks are the run's.
TEST(SweepRow, Figures_OfARealRun) {
  const BuiltinScenario* b = find_builtin("half-close");
  ASSERT_NE(b, nullptr);
  SweepPlan p = SweepPlan::make({parse_grid_axis("link.loss=0,0.05").value()}, {1}).value();
  auto clean = run_sweep_run(b->text, std::string(b->file), p.run(0));
  auto lossy = run_sweep_run(b->text, std::string(b->file), p.run(1));
  ASSERT_TRUE(clean.ok() && lossy.ok());
  EXPECT_EQ(clean->seed, 1u);
  EXPECT_EQ(clean->figures.delivered_bytes, 50000u + 500u);
  EXPECT_EQ(clean->figures.retransmissions, 0u);
  EXPECT_GT(lossy->figures.retransmissions, 0u);
  EXPECT_EQ(clean->figures.integrity, "ok");
  EXPECT_EQ(clean->figures.checks_passed, 3u);
  EXPECT_EQ(clean->figures.checks_failed, 0u);
  EXPECT_GT(clean->figures.goodput_bps, 0);
  EXPECT_GT(clean->figures.sim_time_ns, 0);
}

TEST(SweepRow, CheckPlan_NamesTheBadValue) {
  const BuiltinScenario* b = find_builtin("handshake");
  SweepPlan p = SweepPlan::make({parse_grid_axis("link.loss=0,2").value()}, {}).value();
  auto s = check_sweep_plan(b->text, std::string(b->file), p);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message.rfind("--grid link.loss=2: ", 0), 0u) << s.error().message;
  SweepPlan q = SweepPlan::make({parse_grid_axis("bogus.key=1").value()}, {}).value();
  EXPECT_EQ(check_sweep_plan(b->text, std::string(b->file), q).error().code, Errc::UnknownKey);
}

}  // namespace
}  // namespace tcpsim::sim
