// A sweep spread over other machines: `--emit` writes each run as a command line of its
// own (a GNU parallel job file, or a Slurm job-array script) that leaves its row in a
// directory; `--collect` merges those rows into the files a local sweep writes.
#pragma once

#include <string>

#include "sim/sweep/grid.hpp"
#include "sweep_files.hpp"

namespace tcpsim::cli {

struct EmitRequest {
  std::string kind;     // "parallel" or "slurm"
  std::string file;     // the job file or script to write
  std::string out_dir;  // where the runs write their rows
  std::string program;  // the tcpsim the jobs run; "" = this program
};

// Writes DIR/sweep.plan and the job file. Exit status 0, or 2 when a file cannot be written.
int emit_jobs(const SweepSpec& spec, const sim::SweepPlan& plan, const EmitRequest& r);

// Merges DIR/rows/ into `csv` and `jsonl` (default DIR/sweep.csv and DIR/sweep.jsonl), in
// run order. Exit status as a local sweep's; 2, writing nothing, when a run is missing.
int collect_rows(const std::string& dir, const std::string& csv, const std::string& jsonl);

// A word as a POSIX shell reads it back: quoted when it holds anything but letters,
// digits and `_-./=:,+@%`.
std::string shell_quote(const std::string& word);

}  // namespace tcpsim::cli
