// The plan of a parameter sweep: the grid (one axis per `--grid KEY=V1,V2,...`, each KEY a
// `--set` key), the seeds, and the runs they make, numbered in the order their rows are
// written: by point (the first axis varies slowest, the last fastest), then by seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/scenario/loader.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::sim {

struct GridAxis {
  std::string key;                  // a --set key: "link.loss", "tcp.cc", "bytes"
  std::vector<std::string> values;  // as typed, in order
};

// Parses "KEY=V1,V2,...". A comma inside brackets, braces or quotes does not split, so a
// TOML array or string can be one value. Errors: no '=', an empty value, a value twice.
Result<GridAxis, Error> parse_grid_axis(std::string_view text);

// "N" (the seeds 1 to N) or "A-B" (A to B, A <= B); at most kMaxSweepRuns seeds.
Result<std::vector<std::uint64_t>, Error> parse_seed_range(std::string_view text);
// "S1,S2,..." in the order given, no seed twice.
Result<std::vector<std::uint64_t>, Error> parse_seed_list(std::string_view text);

inline constexpr std::size_t kMaxSweepRuns = 1'000'000;

// One run of the sweep: which point, which seed, and the overrides that make it.
struct SweepRun {
  std::size_t index = 0;  // 0 .. runs()-1, the row order
  std::size_t point = 0;
  std::optional<std::uint64_t> seed;  // none: the scenario's own seed
  // The plan's fixed overrides (`--set`), then one per axis, in axis order.
  std::vector<Override> overrides;
};

class SweepPlan {
 public:
  // `seeds` empty: one run per point with the scenario's own seed. `fixed`: overrides every
  // run has (`--set`), applied before the axes'. Errors: a key twice (on two axes, or on an
  // axis and in `fixed`), the key `seed` on an axis (the seeds have their own options), a
  // sweep of more than kMaxSweepRuns runs.
  static Result<SweepPlan, Error> make(std::vector<GridAxis> axes, std::vector<std::uint64_t> seeds,
                                       std::vector<Override> fixed = {});

  const std::vector<GridAxis>& axes() const { return axes_; }
  const std::vector<std::uint64_t>& seeds() const { return seeds_; }
  const std::vector<Override>& fixed() const { return fixed_; }
  // The product of the axes' sizes; 1 with no axis.
  std::size_t points() const { return points_; }
  std::size_t runs_per_point() const { return seeds_.empty() ? 1 : seeds_.size(); }
  std::size_t runs() const { return points_ * runs_per_point(); }

  // The values of point `p`, one per axis.
  std::vector<std::string> point_values(std::size_t p) const;
  // Run `k` (< runs()).
  SweepRun run(std::size_t k) const;
  // "link.loss=0.01 tcp.cc=cubic seed=2": how messages name a run (the axes and the seed).
  std::string describe(std::size_t k) const;

 private:
  std::vector<GridAxis> axes_;
  std::vector<std::uint64_t> seeds_;
  std::vector<Override> fixed_;
  std::size_t points_ = 1;
};

}  // namespace tcpsim::sim
