// A sweep on this machine: up to `jobs` runs at once, each in a child process, rows
// written in run order as soon as every earlier run has finished.
#pragma once

#include <cstddef>
#include <string>

#include "sim/sweep/grid.hpp"
#include "sweep_files.hpp"

namespace tcpsim::cli {

struct LocalOptions {
  std::size_t jobs = 1;
  bool progress = false;  // the progress line on stderr
  std::string csv;        // "-" for standard output, "" for none
  std::string jsonl;      // "" for none
};

// Exit status: 0 every run passed its checks, 1 some did not (or did not run), 2 an output
// file cannot be opened.
int run_local(const SweepSpec& spec, const sim::SweepPlan& plan, const LocalOptions& o);

}  // namespace tcpsim::cli
