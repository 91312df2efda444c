#include "sim/sweep/grid.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>

#include "sim/sweep/row.hpp"

namespace tcpsim::sim {
namespace {

// Splits at commas outside brackets, braces and quotes.
std::vector<std::string> split_values(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  char quote = 0;
  for (char c : text) {
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  out.push_back(std::move(cur));
  return out;
}

std::optional<std::uint64_t> parse_seed(std::string_view text) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

Failure<Error> bad_seeds(std::string_view option, std::string_view text, std::string_view why) {
  return fail_with(Errc::BadValue, fmt::format("{} '{}': {}", option, text, why), "--seeds");
}

}  // namespace

Result<GridAxis, Error> parse_grid_axis(std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return fail_with(Errc::BadSyntax,
                     fmt::format("--grid '{}': expected KEY=V1,V2,..., e.g. --grid "
                                 "link.loss=0,0.001,0.01",
                                 text),
                     "--grid");
  }
  GridAxis axis{std::string(text.substr(0, eq)), split_values(text.substr(eq + 1))};
  for (std::size_t i = 0; i < axis.values.size(); ++i) {
    const std::string& v = axis.values[i];
    if (v.empty()) {
      return fail_with(Errc::Missing,
                       fmt::format("--grid '{}': value {} of {} is empty (values are separated "
                                   "by single commas)",
                                   text, i + 1, axis.values.size()),
                       "--grid");
    }
    if (std::find(axis.values.begin(), axis.values.begin() + static_cast<std::ptrdiff_t>(i), v) !=
        axis.values.begin() + static_cast<std::ptrdiff_t>(i)) {
      return fail_with(Errc::Duplicate,
                       fmt::format("--grid '{}': the value '{}' is given twice", text, v),
                       "--grid");
    }
  }
  return axis;
}

Result<std::vector<std::uint64_t>, Error> parse_seed_range(std::string_view text) {
  auto dash = text.find('-');
  std::optional<std::uint64_t> lo = 1, hi;
  if (dash == std::string_view::npos) {
    hi = parse_seed(text);
  } else {
    lo = parse_seed(text.substr(0, dash));
    hi = parse_seed(text.substr(dash + 1));
  }
  if (!lo || !hi) return bad_seeds("--seeds", text, "expected N (the seeds 1 to N) or A-B");
  if (*hi < *lo || *hi == 0) return bad_seeds("--seeds", text, "the range is empty");
  if (*hi - *lo >= kMaxSweepRuns) {
    return bad_seeds("--seeds", text, fmt::format("more than {} seeds", kMaxSweepRuns));
  }
  std::vector<std::uint64_t> out;
  for (std::uint64_t s = *lo; s <= *hi; ++s) out.push_back(s);
  return out;
}

Result<std::vector<std::uint64_t>, Error> parse_seed_list(std::string_view text) {
  std::vector<std::uint64_t> out;
  for (const std::string& item : split_values(text)) {
    auto s = parse_seed(item);
    if (!s)
      return bad_seeds("--seed-list", text, fmt::format("'{}' is not a seed (0 to 2^64-1)", item));
    if (std::find(out.begin(), out.end(), *s) != out.end()) {
      return bad_seeds("--seed-list", text, fmt::format("the seed {} is given twice", *s));
    }
    out.push_back(*s);
  }
  return out;
}

Result<SweepPlan, Error> SweepPlan::make(std::vector<GridAxis> axes,
                                         std::vector<std::uint64_t> seeds,
                                         std::vector<Override> fixed) {
  SweepPlan plan;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const std::string& key = axes[i].key;
    for (const Override& o : fixed) {
      if (o.key == key) {
        return fail_with(Errc::Duplicate,
                         fmt::format("--grid {}: the key is also given to --set", key), "--grid");
      }
    }
    if (key == "seed") {
      return fail_with(Errc::Conflict,
                       "--grid seed=...: give the seeds with --seeds N, --seeds A-B or "
                       "--seed-list S1,S2,...",
                       "--grid");
    }
    if (is_fixed_column(key)) {
      return fail_with(Errc::Conflict,
                       fmt::format("--grid {}: '{}' is the name of an output column; a [params] "
                                   "key swept by --grid needs another name",
                                   key, key),
                       "--grid");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (axes[j].key == key) {
        return fail_with(Errc::Duplicate,
                         fmt::format("--grid {}: the key is given twice (put every value in "
                                     "one --grid {}=V1,V2,...)",
                                     key, key),
                         "--grid");
      }
    }
    if (axes[i].values.size() > kMaxSweepRuns / plan.points_) {
      return fail_with(Errc::OutOfRange, fmt::format("--grid: more than {} points", kMaxSweepRuns),
                       "--grid");
    }
    plan.points_ *= axes[i].values.size();
  }
  plan.axes_ = std::move(axes);
  plan.seeds_ = std::move(seeds);
  plan.fixed_ = std::move(fixed);
  if (plan.runs_per_point() > kMaxSweepRuns / plan.points_) {
    return fail_with(Errc::OutOfRange,
                     fmt::format("the sweep has more than {} runs", kMaxSweepRuns), "--seeds");
  }
  return plan;
}

std::vector<std::string> SweepPlan::point_values(std::size_t p) const {
  std::vector<std::string> out(axes_.size());
  // Odometer order: the last axis turns fastest.
  for (std::size_t i = axes_.size(); i-- > 0;) {
    const auto& values = axes_[i].values;
    out[i] = values[p % values.size()];
    p /= values.size();
  }
  return out;
}

SweepRun SweepPlan::run(std::size_t k) const {
  SweepRun r;
  r.index = k;
  r.point = k / runs_per_point();
  if (!seeds_.empty()) r.seed = seeds_[k % seeds_.size()];
  std::vector<std::string> values = point_values(r.point);
  r.overrides = fixed_;
  for (std::size_t i = 0; i < axes_.size(); ++i) r.overrides.push_back({axes_[i].key, values[i]});
  return r;
}

std::string SweepPlan::describe(std::size_t k) const {
  SweepRun r = run(k);
  std::vector<std::string> values = point_values(r.point);
  std::string out;
  for (std::size_t i = 0; i < axes_.size(); ++i)
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", axes_[i].key, values[i]);
  if (r.seed) out += fmt::format("{}seed={}", out.empty() ? "" : " ", *r.seed);
  return out.empty() ? "the scenario as it is" : out;
}

}  // namespace tcpsim::sim
