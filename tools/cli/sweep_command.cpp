#include "sweep_command.hpp"

#include <sched.h>
#include <unistd.h>

#include <fmt/core.h>

#include <chrono>
#include <filesystem>

#include "scenario_source.hpp"
#include "sim/sweep/point_run.hpp"
#include "sweep_children.hpp"
#include "sweep_files.hpp"
#include "sweep_jobs.hpp"
#include "sweep_local.hpp"

namespace tcpsim::cli {
namespace {

constexpr int kExitRunFailed = 1;
constexpr int kExitBadInput = 2;

int bad_input(const sim::Error& e) {
  std::fprintf(stderr, "tcpsim sweep: %s\n", e.message.c_str());
  return kExitBadInput;
}

sim::Error usage(std::string message) {
  return sim::Error{sim::Errc::Conflict, std::move(message), {}};
}

std::size_t local_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<std::size_t>(n) : 1;
}

// The options that do not go together, as one line.
std::optional<sim::Error> misuse(const SweepArgs& a) {
  bool emitting = !a.emit.empty();
  if (!a.collect.empty()) {
    if (!a.scenario.empty() || !a.grid.empty() || !a.sets.empty() || !a.seeds.empty() ||
        !a.seed_list.empty() || a.only || emitting) {
      return usage(
          "--collect DIR takes no SCENARIO, --set, --grid, --seeds, --seed-list, --only or "
          "--emit: the plan is DIR/sweep.plan");
    }
    return std::nullopt;
  }
  if (a.scenario.empty()) {
    return usage("SCENARIO is required (a built-in name or a .toml file), or --collect DIR");
  }
  if (!a.seeds.empty() && !a.seed_list.empty()) {
    return usage("--seeds and --seed-list exclude each other");
  }
  if (a.only && emitting) return usage("--only and --emit exclude each other");
  if (a.only && (!a.csv.empty() || !a.jsonl.empty())) {
    return usage(
        "--only K writes its row into --out DIR (or to standard output), not to "
        "--csv or --jsonl");
  }
  if (emitting) {
    if (a.emit[0] != "parallel" && a.emit[0] != "slurm") {
      return sim::Error{
          sim::Errc::BadValue,
          fmt::format("--emit '{}': unknown kind (allowed: parallel, slurm)", a.emit[0]), "--emit"};
    }
    if (a.out_dir.empty()) return usage("--emit needs --out DIR: the directory the runs write to");
  }
  if (a.jobs && *a.jobs == 0) return usage("--jobs 0: at least one job is needed");
  if (a.progress && a.no_progress) return usage("--progress and --no-progress exclude each other");
  return std::nullopt;
}

SweepSpec spec_of(const SweepArgs& a) {
  SweepSpec s;
  s.scenario = a.scenario;
  s.sets = a.sets;
  s.grid = a.grid;
  if (!a.seeds.empty()) {
    s.seeds_option = "--seeds";
    s.seeds = a.seeds;
  } else if (!a.seed_list.empty()) {
    s.seeds_option = "--seed-list";
    s.seeds = a.seed_list;
  }
  return s;
}

// --only K: one run; its row goes to DIR/rows/run-K.csv, or to standard output.
int run_only(const SweepArgs& a, const sim::SweepPlan& plan, const std::string& text,
             const std::string& source) {
  std::size_t k = *a.only;
  if (k >= plan.runs()) {
    return bad_input(sim::Error{
        sim::Errc::OutOfRange,
        fmt::format("--only {}: the sweep has runs 0 to {}", k, plan.runs() - 1), "--only"});
  }
  if (!a.out_dir.empty()) {
    if (auto s = make_dir(std::filesystem::path(row_path(a.out_dir, k)).parent_path()); !s.ok()) {
      return bad_input(s.error());
    }
  }
  auto start = std::chrono::steady_clock::now();
  auto outcome = sim::run_sweep_run(text, source, plan.run(k));
  if (!outcome.ok()) return bad_input(outcome.error());
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sim::SweepRow row = sim::finished_row(plan, k, outcome->seed, outcome->figures, wall);
  std::vector<std::string> columns = sim::sweep_columns(plan);
  if (a.out_dir.empty()) {
    std::fputs((sim::csv_line(columns) + "\n" + sim::csv_line(row.cells) + "\n").c_str(), stdout);
  } else if (auto s = write_row_file(row_path(a.out_dir, k), columns, row); !s.ok()) {
    std::fprintf(stderr, "tcpsim sweep: %s\n", s.error().message.c_str());
    return kExitRunFailed;
  }
  return outcome->figures.checks_failed == 0 ? 0 : kExitRunFailed;
}

}  // namespace

void add_sweep_options(CLI::App& cmd, SweepArgs& a) {
  cmd.add_option("SCENARIO", a.scenario, "Built-in scenario name or path to a .toml file");
  cmd.add_option("--set", a.sets,
                 "Override a scenario value in every run, as for tcpsim run (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  cmd.add_option("--grid", a.grid,
                 "Run each value of a --set key (repeatable: every combination of the --grid "
                 "keys is a point)")
      ->allow_extra_args(false)
      ->type_name("KEY=V1,V2,...");
  cmd.add_option("--seeds", a.seeds, "Run each point with the seeds 1 to N, or A to B")
      ->type_name("N|A-B");
  cmd.add_option("--seed-list", a.seed_list, "Run each point with these seeds")
      ->type_name("S1,S2,...");
  cmd.add_option("--jobs", a.jobs, "Runs at once (default: the number of cores)")->type_name("N");
  cmd.add_option("--out", a.out_dir,
                 "Directory for sweep.csv and sweep.jsonl (with --emit or --only: for the row "
                 "files)")
      ->type_name("DIR");
  cmd.add_option("--csv", a.csv, "Write the rows as CSV to this file")->type_name("FILE");
  cmd.add_option("--jsonl", a.jsonl, "Write the rows as JSON Lines to this file")
      ->type_name("FILE");
  cmd.add_flag("--progress", a.progress,
               "Show the progress line on stderr even when it is not a terminal");
  cmd.add_flag("--no-progress", a.no_progress, "Never show the progress line");
  cmd.add_option("--emit", a.emit,
                 "Write the runs as jobs instead of running them: KIND parallel (a GNU "
                 "parallel job file) or slurm (a job-array script)")
      ->expected(2)
      ->type_name("KIND FILE");
  cmd.add_option("--program", a.program,
                 "With --emit: the tcpsim the jobs run (default: this program's absolute path)")
      ->type_name("PATH");
  cmd.add_option("--only", a.only, "Run only run K (0-based, in row order) and write its row")
      ->type_name("K");
  cmd.add_option("--collect", a.collect,
                 "Merge the row files that emitted jobs left in DIR into CSV and JSON Lines")
      ->type_name("DIR");
}

int cmd_sweep(const SweepArgs& a) {
  if (auto e = misuse(a)) return bad_input(*e);
  if (!a.collect.empty()) return collect_rows(a.collect, a.csv, a.jsonl);
  SweepSpec spec = spec_of(a);
  auto plan = spec.plan();
  if (!plan.ok()) return bad_input(plan.error());
  auto text = scenario_text(a.scenario);
  if (!text.ok()) return bad_input(text.error());
  if (a.only) return run_only(a, *plan, text->first, text->second);
  if (auto s = sim::check_sweep_plan(text->first, text->second, *plan); !s.ok()) {
    return bad_input(s.error());
  }
  if (!a.emit.empty()) {
    EmitRequest req{a.emit[0], a.emit[1], a.out_dir, a.program};
    return emit_jobs(spec, *plan, req);
  }
  LocalOptions lo;
  lo.jobs = a.jobs.value_or(local_cores());
  lo.progress = a.progress || (!a.no_progress && isatty(STDERR_FILENO) != 0);
  lo.csv = a.csv;
  lo.jsonl = a.jsonl;
  if (!a.out_dir.empty()) {
    if (auto s = make_dir(a.out_dir); !s.ok()) return bad_input(s.error());
    if (lo.csv.empty()) lo.csv = (std::filesystem::path(a.out_dir) / "sweep.csv").string();
    if (lo.jsonl.empty()) lo.jsonl = (std::filesystem::path(a.out_dir) / "sweep.jsonl").string();
  }
  if (lo.csv.empty() && lo.jsonl.empty()) lo.csv = "-";
  return run_local(spec, *plan, lo);
}

}  // namespace tcpsim::cli
