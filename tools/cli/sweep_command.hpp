// `tcpsim sweep`: runs a scenario over a grid of `--set` values and seeds on the local
// cores, one row per run, as CSV and JSON Lines (docs/cli.md). It can also write the runs
// as a GNU parallel job file or a Slurm job-array script, and merge the rows those jobs
// leave in a directory (`--collect`).
#pragma once

#include <CLI/CLI.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace tcpsim::cli {

struct SweepArgs {
  std::string scenario;
  std::vector<std::string> sets;  // "KEY=VALUE", for every run
  std::vector<std::string> grid;  // "KEY=V1,V2,..."
  std::string seeds;              // "N" or "A-B"
  std::string seed_list;          // "S1,S2,..."
  std::optional<std::size_t> jobs;
  std::string out_dir, csv, jsonl;
  bool progress = false, no_progress = false;
  std::vector<std::string> emit;  // KIND FILE
  std::string program;            // the tcpsim emitted commands run
  std::optional<std::size_t> only;
  std::string collect;
};

void add_sweep_options(CLI::App& cmd, SweepArgs& a);

// Exit status: 0 every run passed its checks; 1 some run failed a check, could not run or
// crashed (its row says which); 2 bad usage or bad input, with one line on stderr, before
// anything runs.
int cmd_sweep(const SweepArgs& args);

}  // namespace tcpsim::cli
