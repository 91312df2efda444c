// The sweep's grid: parsing `--grid KEY=V1,V2`, the seeds, and the order of the runs
// (point by point, the first axis slowest, then seed by seed).
#include "sim/sweep/grid.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace tcpsim::sim {
namespace {

GridAxis axis(std::string_view text) {
  auto a = parse_grid_axis(text);
  EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().message);
  return a.ok() ? a.value() : GridAxis{};
}

SweepPlan plan_of(std::vector<std::string_view> grid, std::vector<std::uint64_t> seeds) {
  std::vector<GridAxis> axes;
  for (auto g : grid) axes.push_back(axis(g));
  auto p = SweepPlan::make(std::move(axes), std::move(seeds));
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return std::move(p.value());
}

TEST(SweepGrid, ParseAxis_SplitsValuesAtCommas) {
  GridAxis a = axis("link.loss=0,0.001,0.01");
  EXPECT_EQ(a.key, "link.loss");
  EXPECT_EQ(a.values, (std::vector<std::string>{"0", "0.001", "0.01"}));
}

TEST(SweepGrid, ParseAxis_CommaInsideBracketsOrQuotesDoesNotSplit) {
  GridAxis a = axis(R"(app.client.paths=["/a","/b"],["/c"])");
  EXPECT_EQ(a.values, (std::vector<std::string>{R"(["/a","/b"])", R"(["/c"])"}));
  GridAxis q = axis(R"(name="x,y",z)");
  EXPECT_EQ(q.values, (std::vector<std::string>{R"("x,y")", "z"}));
}

TEST(SweepGrid, ParseAxis_RefusesEmptyValuesMissingEqualsAndRepeats) {
  auto empty = parse_grid_axis("link.loss=0,,0.1");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, Errc::Missing);
  EXPECT_NE(empty.error().message.find("value 2 of 3 is empty"), std::string::npos);
  EXPECT_EQ(parse_grid_axis("link.loss=").error().code, Errc::Missing);
  EXPECT_EQ(parse_grid_axis("link.loss").error().code, Errc::BadSyntax);
  EXPECT_EQ(parse_grid_axis("=1,2").error().code, Errc::BadSyntax);
  EXPECT_EQ(parse_grid_axis("tcp.cc=reno,cubic,reno").error().code, Errc::Duplicate);
}

TEST(SweepGrid, Seeds_RangeCountAndList) {
  EXPECT_EQ(parse_seed_range("3").value(), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(parse_seed_range("5-7").value(), (std::vector<std::uint64_t>{5, 6, 7}));
  EXPECT_EQ(parse_seed_list("9,2,40").value(), (std::vector<std::uint64_t>{9, 2, 40}));
  for (auto bad : {"0", "", "x", "7-5", "1-", "-3", "2.5"}) {
    EXPECT_FALSE(parse_seed_range(bad).ok()) << bad;
  }
  EXPECT_FALSE(parse_seed_list("1,1").ok());
  EXPECT_FALSE(parse_seed_list("1,x").ok());
}

TEST(SweepPlan, RunsArePointMajorWithTheFirstAxisSlowest) {
  SweepPlan p = plan_of({"link.loss=0,0.01", "tcp.cc=newreno,cubic,reno"}, {4, 9});
  EXPECT_EQ(p.points(), 6u);
  EXPECT_EQ(p.runs(), 12u);
  std::vector<std::string> seen;
  for (std::size_t k = 0; k < p.runs(); ++k) seen.push_back(p.describe(k));
  EXPECT_EQ(seen,
            (std::vector<std::string>{
                "link.loss=0 tcp.cc=newreno seed=4", "link.loss=0 tcp.cc=newreno seed=9",
                "link.loss=0 tcp.cc=cubic seed=4", "link.loss=0 tcp.cc=cubic seed=9",
                "link.loss=0 tcp.cc=reno seed=4", "link.loss=0 tcp.cc=reno seed=9",
                "link.loss=0.01 tcp.cc=newreno seed=4", "link.loss=0.01 tcp.cc=newreno seed=9",
                "link.loss=0.01 tcp.cc=cubic seed=4", "link.loss=0.01 tcp.cc=cubic seed=9",
                "link.loss=0.01 tcp.cc=reno seed=4", "link.loss=0.01 tcp.cc=reno seed=9"}));
  SweepRun r = p.run(7);
  EXPECT_EQ(r.index, 7u);
  EXPECT_EQ(r.point, 3u);
  EXPECT_EQ(r.seed, 9u);
  ASSERT_EQ(r.overrides.size(), 2u);
  EXPECT_EQ(r.overrides[0].key, "link.loss");
  EXPECT_EQ(r.overrides[0].value, "0.01");
  EXPECT_EQ(r.overrides[1].value, "newreno");
}

TEST(SweepPlan, EveryCombinationExactlyOnce) {
  SweepPlan p = plan_of({"a=1,2,3", "b=x,y", "c=p,q,r,s"}, {});
  ASSERT_EQ(p.runs(), 24u);
  std::set<std::vector<std::string>> points;
  for (std::size_t i = 0; i < p.points(); ++i) points.insert(p.point_values(i));
  EXPECT_EQ(points.size(), 24u);
  EXPECT_EQ(p.point_values(0), (std::vector<std::string>{"1", "x", "p"}));
  EXPECT_EQ(p.point_values(23), (std::vector<std::string>{"3", "y", "s"}));
}

TEST(SweepPlan, NoAxisAndNoSeedsIsOneRunWithTheScenariosSeed) {
  SweepPlan p = plan_of({}, {});
  EXPECT_EQ(p.runs(), 1u);
  EXPECT_FALSE(p.run(0).seed.has_value());
  EXPECT_EQ(p.describe(0), "the scenario as it is");
}

TEST(SweepPlan, RefusesAKeyTwiceTheSeedKeyAndColumnNames) {
  EXPECT_EQ(SweepPlan::make({axis("tcp.cc=reno"), axis("tcp.cc=cubic")}, {}).error().code,
            Errc::Duplicate);
  EXPECT_EQ(SweepPlan::make({axis("seed=1,2")}, {}).error().code, Errc::Conflict);
  EXPECT_EQ(SweepPlan::make({axis("goodput_bps=1")}, {}).error().code, Errc::Conflict);
}

TEST(SweepPlan, FixedOverridesComeFirstInEveryRunButNotInTheName) {
  std::vector<GridAxis> axes{axis("tcp.cc=reno,cubic")};
  auto p = SweepPlan::make(std::move(axes), {}, {{"bytes", "2MB"}, {"link.delay", "20ms"}});
  ASSERT_TRUE(p.ok());
  SweepRun r = p->run(1);
  ASSERT_EQ(r.overrides.size(), 3u);
  EXPECT_EQ(r.overrides[0].key, "bytes");
  EXPECT_EQ(r.overrides[1].value, "20ms");
  EXPECT_EQ(r.overrides[2].key, "tcp.cc");
  EXPECT_EQ(r.overrides[2].value, "cubic");
  EXPECT_EQ(p->describe(1), "tcp.cc=cubic");
  auto both = SweepPlan::make({axis("tcp.cc=reno")}, {}, {{"tcp.cc", "cubic"}});
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().code, Errc::Duplicate);
}

TEST(SweepPlan, RefusesMoreThanTheRunLimit) {
  GridAxis big{"a", {}};
  for (int i = 0; i < 1001; ++i) big.values.push_back(std::to_string(i));
  auto p = SweepPlan::make({big}, parse_seed_range("1000").value());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::OutOfRange);
}

}  // namespace
}  // namespace tcpsim::sim
