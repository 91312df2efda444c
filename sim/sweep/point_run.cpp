#include "sim/sweep/point_run.hpp"

#include <fmt/core.h>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/run.hpp"

namespace tcpsim::sim {

Result<Scenario, Error> load_sweep_run(std::string_view text, const std::string& source,
                                       const SweepRun& r) {
  std::vector<Override> overrides = r.overrides;
  // As `--seed` is for `tcpsim run`: after every --set.
  if (r.seed) overrides.push_back(Override{"seed", std::to_string(*r.seed)});
  return load_scenario(text, source, overrides);
}

Result<PointOutcome, Error> run_sweep_run(std::string_view text, const std::string& source,
                                          const SweepRun& r) {
  auto scenario = load_sweep_run(text, source, r);
  if (!scenario.ok()) return fail(scenario.error());
  auto built = ScenarioRun::build(*scenario);
  if (!built.ok()) return fail(built.error());
  ScenarioRun& run = **built;
  run.start();
  while (run.step()) {
  }
  run.finish();
  return PointOutcome{scenario->seed, outcome_of(run, run.simulator().now())};
}

namespace {

Status check_overrides(std::string_view text, const std::string& source, const SweepRun& r,
                       const std::string& what) {
  auto scenario = load_sweep_run(text, source, r);
  if (scenario.ok()) {
    auto built = ScenarioRun::build(*scenario);
    if (built.ok()) return ok_status();
    return fail_with(built.error().code, fmt::format("{}: {}", what, built.error().message),
                     built.error().where);
  }
  return fail_with(scenario.error().code, fmt::format("{}: {}", what, scenario.error().message),
                   scenario.error().where);
}

}  // namespace

Status check_sweep_plan(std::string_view text, const std::string& source, const SweepPlan& plan) {
  std::optional<std::uint64_t> seed;
  if (!plan.seeds().empty()) seed = plan.seeds().front();
  // The --set overrides, then each value alone, so that the message names the one that is
  // wrong.
  SweepRun fixed;
  fixed.seed = seed;
  for (const Override& o : plan.fixed()) {
    fixed.overrides.push_back(o);
    auto s = check_overrides(text, source, fixed, fmt::format("--set {}={}", o.key, o.value));
    if (!s.ok()) return s;
  }
  for (const GridAxis& a : plan.axes()) {
    for (const std::string& v : a.values) {
      SweepRun r = fixed;
      r.overrides.push_back({a.key, v});
      auto s = check_overrides(text, source, r, fmt::format("--grid {}={}", a.key, v));
      if (!s.ok()) return s;
    }
  }
  // Then each point, for values that are wrong only together.
  for (std::size_t p = 0; p < plan.points(); ++p) {
    std::size_t k = p * plan.runs_per_point();
    auto s = check_overrides(text, source, plan.run(k), "grid point " + plan.describe(k));
    if (!s.ok()) return s;
  }
  return ok_status();
}

}  // namespace tcpsim::sim
