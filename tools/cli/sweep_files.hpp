// What a sweep writes: the rows as CSV and JSON Lines, and in a sweep directory the plan
// (`sweep.plan`, what `--collect` expects) and one row file per run (`rows/run-K.csv`).
#pragma once

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/net/status.hpp"
#include "sim/sweep/grid.hpp"
#include "sim/sweep/row.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::cli {

// A sweep as its options give it: enough to make the plan again, in another process or
// on another machine.
struct SweepSpec {
  std::string scenario;           // a built-in name or a file path
  std::vector<std::string> sets;  // "KEY=VALUE"
  std::vector<std::string> grid;  // "KEY=V1,V2,..."
  std::string seeds_option;       // "--seeds", "--seed-list" or "" (the scenario's seed)
  std::string seeds;              // its value

  Result<sim::SweepPlan, sim::Error> plan() const;
  // `sweep SCENARIO [--set ...] --grid ... [--seeds ...]`, for the command lines of single runs.
  std::vector<std::string> args() const;
};

// "8 runs (4 points x 2 seeds)".
std::string describe_size(const sim::SweepPlan& plan);

// Creates `dir` (and its parents) when missing.
sim::Status make_dir(const std::string& dir);
std::string plan_path(const std::string& dir);
std::string row_path(const std::string& dir, std::size_t k);

sim::Status write_plan(const std::string& dir, const SweepSpec& spec);
Result<SweepSpec, sim::Error> read_plan(const std::string& dir);

// A run's row as a file of its own: the header and the row, CSV. Written to a temporary
// name and renamed, so that a reader never sees half a row.
sim::Status write_row_file(const std::string& path, const std::vector<std::string>& columns,
                           const sim::SweepRow& row);
// Reads a row file (or a child's output in that form) of `plan`'s run `k`. Error: not a
// header and one row of the plan's columns, or the row of another run.
Result<sim::SweepRow, sim::Error> parse_row_text(const std::string& text, const std::string& what,
                                                 const sim::SweepPlan& plan, std::size_t k);

// The sweep's output: CSV (to a file, or standard output when `csv` is "-") and JSON
// Lines (when `jsonl` is not empty), rows written as they are given.
class RowWriter {
 public:
  // Opens (truncates) the files and writes the CSV header.
  static Result<std::unique_ptr<RowWriter>, sim::Error> open(const std::string& csv,
                                                             const std::string& jsonl,
                                                             std::vector<std::string> columns);
  void write(const sim::SweepRow& row);
  // Flushes; false when a write failed.
  bool close();

 private:
  RowWriter() = default;
  std::vector<std::string> columns_;
  std::unique_ptr<std::ofstream> csv_file_, jsonl_file_;
  std::ostream* csv_ = nullptr;
  std::ostream* jsonl_ = nullptr;
};

}  // namespace tcpsim::cli
