#include "sweep_jobs.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/scenario/loader.hpp"
#include "sweep_children.hpp"

namespace tcpsim::cli {
namespace fs = std::filesystem;
namespace {

constexpr int kExitBadInput = 2;

int bad_input(const std::string& message) {
  std::fprintf(stderr, "tcpsim sweep: %s\n", message.c_str());
  return kExitBadInput;
}

std::string command_line(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    out += shell_quote(w);
  }
  return out;
}

// The command of one run, without its run number: `PROGRAM sweep ... --out DIR --only`.
std::vector<std::string> job_words(const SweepSpec& spec, const std::string& program,
                                   const std::string& dir) {
  std::vector<std::string> words = spec.args();
  words.insert(words.begin(), program);
  words.insert(words.end(), {"--out", dir, "--only"});
  return words;
}

std::string parallel_file(const std::vector<std::string>& words, std::size_t runs) {
  std::string out;
  for (std::size_t k = 0; k < runs; ++k)
    out += command_line(words) + " " + std::to_string(k) + "\n";
  return out;
}

std::string slurm_script(const std::vector<std::string>& words, const sim::SweepPlan& plan,
                         const std::string& dir) {
  std::string out = "#!/bin/bash\n";
  out += fmt::format("# tcpsim sweep: {}, one per array task. Submit with sbatch;\n",
                     describe_size(plan));
  out += fmt::format("# then merge the rows: tcpsim sweep --collect {}\n", shell_quote(dir));
  out += "#SBATCH --job-name=tcpsim-sweep\n";
  out += fmt::format("#SBATCH --array=0-{}\n", plan.runs() - 1);
  out += "#SBATCH --ntasks=1\n";
  if (dir.find_first_of(" \t") == std::string::npos) {
    out += fmt::format("#SBATCH --output={}/slurm-%A_%a.out\n", dir);
  }
  out += "set -eu\n";
  out += command_line(words) + " \"${SLURM_ARRAY_TASK_ID:?set by sbatch --array}\"\n";
  return out;
}

sim::Status write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    return sim::fail_with(sim::Errc::Io,
                          fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  }
  return sim::ok_status();
}

// The runs with no row file, as a message naming the first few.
std::string missing_message(const std::string& dir, const sim::SweepPlan& plan,
                            const std::vector<std::size_t>& missing) {
  std::string list;
  for (std::size_t i = 0; i < missing.size() && i < 5; ++i) {
    list += fmt::format("{}{} ({})", i ? ", " : "", missing[i], plan.describe(missing[i]));
  }
  if (missing.size() > 5) list += fmt::format(", and {} more", missing.size() - 5);
  return fmt::format(
      "--collect '{}': {} of {} runs have no row file ({}/rows/run-K.csv): "
      "run {}; rerun each with the job's command (--only K)",
      dir, missing.size(), plan.runs(), dir, list);
}

}  // namespace

std::string shell_quote(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789_-./=:,+@%") == std::string::npos) {
    return word;
  }
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

int emit_jobs(const SweepSpec& spec, const sim::SweepPlan& plan, const EmitRequest& r) {
  std::string dir = fs::absolute(r.out_dir).lexically_normal().string();
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  SweepSpec job = spec;
  // A scenario file is named by its absolute path: the jobs may start elsewhere.
  if (sim::find_builtin(spec.scenario) == nullptr)
    job.scenario = fs::absolute(spec.scenario).string();
  for (const std::string& d : {dir, dir + "/rows"}) {
    if (auto s = make_dir(d); !s.ok()) return bad_input(s.error().message);
  }
  if (auto s = write_plan(dir, job); !s.ok()) return bad_input(s.error().message);
  std::vector<std::string> words =
      job_words(job, r.program.empty() ? program_path() : r.program, dir);
  bool slurm = r.kind == "slurm";
  auto s = write_text(r.file,
                      slurm ? slurm_script(words, plan, dir) : parallel_file(words, plan.runs()));
  if (!s.ok()) return bad_input(s.error().message);
  if (slurm)
    fs::permissions(r.file, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
  std::printf("wrote %s: %s, rows to %s/rows/\n", r.file.c_str(), describe_size(plan).c_str(),
              dir.c_str());
  std::printf("run them with: %s %s\n", slurm ? "sbatch" : "parallel <",
              shell_quote(r.file).c_str());
  std::printf("then merge the rows: tcpsim sweep --collect %s\n", shell_quote(dir).c_str());
  return 0;
}

int collect_rows(const std::string& dir, const std::string& csv, const std::string& jsonl) {
  auto spec = read_plan(dir);
  if (!spec.ok()) return bad_input(spec.error().message);
  auto plan = spec->plan();
  if (!plan.ok()) return bad_input(fmt::format("{}: {}", plan_path(dir), plan.error().message));
  std::vector<sim::SweepRow> rows;
  std::vector<std::size_t> missing;
  for (std::size_t k = 0; k < plan->runs(); ++k) {
    std::string path = row_path(dir, k);
    std::ifstream in(path);
    if (!in) {
      missing.push_back(k);
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto row = parse_row_text(text.str(), path, *plan, k);
    if (!row.ok()) return bad_input(row.error().message);
    rows.push_back(std::move(row.value()));
  }
  if (!missing.empty()) return bad_input(missing_message(dir, *plan, missing));
  std::string csv_path = csv.empty() ? (fs::path(dir) / "sweep.csv").string() : csv;
  std::string jsonl_path = jsonl.empty() ? (fs::path(dir) / "sweep.jsonl").string() : jsonl;
  auto writer = RowWriter::open(csv_path, jsonl_path, sim::sweep_columns(*plan));
  if (!writer.ok()) return bad_input(writer.error().message);
  std::size_t failed = 0;
  for (const sim::SweepRow& row : rows) {
    (*writer)->write(row);
    if (row.cells.end()[-2] != "ok") ++failed;
  }
  if (!(*writer)->close()) return bad_input("writing the rows failed");
  std::fprintf(stderr, "sweep: collected %s, %zu ok, %zu failed\n", describe_size(*plan).c_str(),
               rows.size() - failed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace tcpsim::cli
