#include "sweep_files.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace tcpsim::cli {
namespace fs = std::filesystem;

Result<sim::SweepPlan, sim::Error> SweepSpec::plan() const {
  std::vector<sim::Override> fixed;
  for (const std::string& s : sets) {
    auto o = sim::parse_override(s);
    if (!o.ok()) return fail(o.error());
    fixed.push_back(std::move(o.value()));
  }
  std::vector<sim::GridAxis> axes;
  for (const std::string& g : grid) {
    auto axis = sim::parse_grid_axis(g);
    if (!axis.ok()) return fail(axis.error());
    axes.push_back(std::move(axis.value()));
  }
  std::vector<std::uint64_t> seed_values;
  if (!seeds_option.empty()) {
    auto s = seeds_option == "--seeds" ? sim::parse_seed_range(seeds) : sim::parse_seed_list(seeds);
    if (!s.ok()) return fail(s.error());
    seed_values = std::move(s.value());
  }
  return sim::SweepPlan::make(std::move(axes), std::move(seed_values), std::move(fixed));
}

std::vector<std::string> SweepSpec::args() const {
  std::vector<std::string> out{"sweep", scenario};
  for (const std::string& s : sets) {
    out.emplace_back("--set");
    out.push_back(s);
  }
  for (const std::string& g : grid) {
    out.emplace_back("--grid");
    out.push_back(g);
  }
  if (!seeds_option.empty()) {
    out.push_back(seeds_option);
    out.push_back(seeds);
  }
  return out;
}

std::string describe_size(const sim::SweepPlan& plan) {
  std::size_t s = plan.runs_per_point();
  return fmt::format("{} run{} ({} point{} x {} seed{})", plan.runs(), plan.runs() == 1 ? "" : "s",
                     plan.points(), plan.points() == 1 ? "" : "s", s, s == 1 ? "" : "s");
}

sim::Status make_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    return sim::fail_with(sim::Errc::Io, fmt::format("cannot create the directory '{}': {}", dir,
                                                     ec ? ec.message() : "not a directory"));
  }
  return sim::ok_status();
}

std::string plan_path(const std::string& dir) {
  return (fs::path(dir) / "sweep.plan").string();
}

std::string row_path(const std::string& dir, std::size_t k) {
  return (fs::path(dir) / "rows" / fmt::format("run-{}.csv", k)).string();
}

sim::Status write_plan(const std::string& dir, const SweepSpec& spec) {
  std::ofstream out(plan_path(dir), std::ios::trunc);
  out << "# The runs `tcpsim sweep --collect` expects in rows/ (docs/cli.md).\n";
  out << "scenario " << spec.scenario << "\n";
  for (const std::string& s : spec.sets) out << "set " << s << "\n";
  for (const std::string& g : spec.grid) out << "grid " << g << "\n";
  if (!spec.seeds_option.empty()) out << spec.seeds_option.substr(2) << " " << spec.seeds << "\n";
  out.close();
  if (!out) {
    return sim::fail_with(
        sim::Errc::Io, fmt::format("cannot write '{}': {}", plan_path(dir), std::strerror(errno)));
  }
  return sim::ok_status();
}

Result<SweepSpec, sim::Error> read_plan(const std::string& dir) {
  std::string path = plan_path(dir);
  std::ifstream in(path);
  if (!in) {
    return sim::fail_with(sim::Errc::Io,
                          fmt::format("--collect '{}': no sweep.plan in it (the directory "
                                      "given to --emit ... --out)",
                                      dir));
  }
  SweepSpec spec;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.find(' ');
    std::string key = line.substr(0, sp),
                value = sp == std::string::npos ? "" : line.substr(sp + 1);
    if (key == "scenario") {
      spec.scenario = value;
    } else if (key == "set") {
      spec.sets.push_back(value);
    } else if (key == "grid") {
      spec.grid.push_back(value);
    } else if (key == "seeds" || key == "seed-list") {
      spec.seeds_option = "--" + key;
      spec.seeds = value;
    } else {
      return sim::fail_with(sim::Errc::BadSyntax,
                            fmt::format("{}:{}: unknown line '{}' (allowed: scenario, set, grid, "
                                        "seeds, seed-list)",
                                        path, n, line));
    }
  }
  return spec;
}

sim::Status write_row_file(const std::string& path, const std::vector<std::string>& columns,
                           const sim::SweepRow& row) {
  std::string tmp = path + ".part";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << sim::csv_line(columns) << "\n" << sim::csv_line(row.cells) << "\n";
    out.close();
    if (!out) {
      return sim::fail_with(sim::Errc::Io,
                            fmt::format("cannot write '{}': {}", tmp, std::strerror(errno)));
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    return sim::fail_with(sim::Errc::Io,
                          fmt::format("cannot rename '{}' to '{}': {}", tmp, path, ec.message()));
  }
  return sim::ok_status();
}

Result<sim::SweepRow, sim::Error> parse_row_text(const std::string& text, const std::string& what,
                                                 const sim::SweepPlan& plan, std::size_t k) {
  auto records = sim::parse_csv(text);
  if (!records.ok()) {
    return sim::fail_with(sim::Errc::BadSyntax,
                          fmt::format("{}: {}", what, records.error().message));
  }
  std::vector<std::string> columns = sim::sweep_columns(plan);
  if (records->size() != 2 || (*records)[0] != columns || (*records)[1].size() != columns.size()) {
    return sim::fail_with(
        sim::Errc::BadSyntax,
        fmt::format("{}: not a header and one row of this sweep's columns", what));
  }
  sim::SweepRow row{std::move((*records)[1])};
  // The run number, the axes' values and the seed (when the plan gives it) must be this
  // run's: a row file left from another sweep is not taken.
  sim::SweepRow expected = sim::failed_row(plan, k, "", "");
  std::size_t known = 2 + plan.axes().size() + (plan.seeds().empty() ? 0 : 1);
  for (std::size_t i = 0; i < known; ++i) {
    if (row.cells[i] != expected.cells[i]) {
      return sim::fail_with(sim::Errc::Conflict,
                            fmt::format("{}: the row of another run ({} is '{}', expected '{}')",
                                        what, columns[i], row.cells[i], expected.cells[i]));
    }
  }
  return row;
}

Result<std::unique_ptr<RowWriter>, sim::Error> RowWriter::open(const std::string& csv,
                                                               const std::string& jsonl,
                                                               std::vector<std::string> columns) {
  std::unique_ptr<RowWriter> w(new RowWriter);
  w->columns_ = std::move(columns);
  auto open_file = [](const std::string& path,
                      std::unique_ptr<std::ofstream>& file) -> sim::Status {
    file = std::make_unique<std::ofstream>(path, std::ios::trunc);
    if (!*file) {
      return sim::fail_with(sim::Errc::Io, fmt::format("cannot open '{}' for writing: {}", path,
                                                       std::strerror(errno)));
    }
    return sim::ok_status();
  };
  if (csv == "-") {
    w->csv_ = &std::cout;
  } else if (!csv.empty()) {
    if (auto s = open_file(csv, w->csv_file_); !s.ok()) return fail(s.error());
    w->csv_ = w->csv_file_.get();
  }
  if (!jsonl.empty()) {
    if (auto s = open_file(jsonl, w->jsonl_file_); !s.ok()) return fail(s.error());
    w->jsonl_ = w->jsonl_file_.get();
  }
  if (w->csv_ != nullptr) *w->csv_ << sim::csv_line(w->columns_) << "\n";
  return w;
}

void RowWriter::write(const sim::SweepRow& row) {
  // Flushed row by row, so that an interrupted sweep keeps the rows it has.
  if (csv_ != nullptr) *csv_ << sim::csv_line(row.cells) << std::endl;
  if (jsonl_ != nullptr) *jsonl_ << sim::jsonl_line(columns_, row) << std::endl;
}

bool RowWriter::close() {
  bool ok = true;
  for (std::ostream* o : {csv_, jsonl_}) {
    if (o == nullptr) continue;
    o->flush();
    ok = ok && !o->fail();
  }
  return ok;
}

}  // namespace tcpsim::cli
