// One row of a sweep's results: the run's place in the grid and what the run gave, as the
// text of each column, written as CSV (RFC 4180) or as a JSON Lines object. The columns
// are docs/cli.md's "Output columns".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/sweep/grid.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::sim {

class ScenarioRun;

// The columns of a plan's rows: run, point, one per axis (named by its key), seed, then
// the figures of the run.
std::vector<std::string> sweep_columns(const SweepPlan& plan);
// True for the columns every sweep has (a grid key may not be one of them).
bool is_fixed_column(std::string_view name);
// True for the columns written as JSON numbers (the axes' values are always strings).
bool is_number_column(std::string_view name);

// What a finished run gave, read from its connections and checks.
struct RunOutcome {
  double goodput_bps = 0;  // every connection's bytes (both ways) over the longest one's time
  std::uint64_t delivered_bytes = 0;
  std::uint64_t retransmissions = 0;
  std::string integrity;  // "ok", "MISMATCH" (some connection), "n/a" (nothing exchanged)
  std::size_t checks_passed = 0, checks_failed = 0;
  std::int64_t sim_time_ns = 0;
};
RunOutcome outcome_of(const ScenarioRun& run, std::int64_t sim_time_ns);

// A row: one cell per column of sweep_columns(plan).
struct SweepRow {
  std::vector<std::string> cells;
};

// The row of a run that finished (`status` "ok" or "check-failed").
SweepRow finished_row(const SweepPlan& plan, std::size_t k, std::uint64_t seed, const RunOutcome& f,
                      double wall_time_s);
// The row of a run that gave no figures: `status` "error" (it could not run) or "crashed"
// (its process died), with the reason.
SweepRow failed_row(const SweepPlan& plan, std::size_t k, std::string_view status,
                    std::string_view error);

// The CSV record of `cells`, without the line end: a cell with a comma, a quote, CR or LF
// is quoted, its quotes doubled.
std::string csv_line(const std::vector<std::string>& cells);
// Reads records written by csv_line, one per line (a quoted cell may hold line ends).
// Error: an unclosed quote, text after a closing one.
Result<std::vector<std::vector<std::string>>, Error> parse_csv(std::string_view text);
// The JSON object of a row, without the newline: keys are the column names, in order;
// number columns as numbers (null when empty), the others as strings.
std::string jsonl_line(const std::vector<std::string>& columns, const SweepRow& row);

}  // namespace tcpsim::sim
