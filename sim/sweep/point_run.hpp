// One run of a sweep, as `tcpsim run SCENARIO --set KEY=VALUE... --seed S --quiet` runs it:
// the loader applies the run's overrides, then ScenarioRun runs it to the end.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/core/error.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/sweep/grid.hpp"
#include "sim/sweep/row.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::sim {

// The scenario of run `r`: `text` (named `source` in messages) with its overrides and seed.
Result<Scenario, Error> load_sweep_run(std::string_view text, const std::string& source,
                                       const SweepRun& r);

struct PointOutcome {
  std::uint64_t seed = 0;  // the seed the run used
  RunOutcome figures;
};

// Loads, builds and runs run `r` to its end. Errors are the loader's and the builder's.
Result<PointOutcome, Error> run_sweep_run(std::string_view text, const std::string& source,
                                          const SweepRun& r);

// Loads and builds (without running) every point of `plan` with its first seed, so that a
// bad key or value is found before anything runs. The error names the point's values.
Status check_sweep_plan(std::string_view text, const std::string& source, const SweepPlan& plan);

}  // namespace tcpsim::sim
