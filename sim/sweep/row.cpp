#include "sim/sweep/row.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "sim/core/units.hpp"
#include "sim/scenario/run.hpp"
#include "sim/trace/jsonl_sink.hpp"

namespace tcpsim::sim {
namespace {

// The columns after the axes and the seed.
constexpr std::array<std::string_view, 10> kFigureColumns = {
    "goodput_bps",   "retransmissions", "delivered_bytes", "integrity", "checks_passed",
    "checks_failed", "sim_time_ms",     "wall_time_s",     "status",    "error"};
constexpr std::array<std::string_view, 9> kNumberColumns = {
    "run",           "point",           "seed",
    "goodput_bps",   "retransmissions", "delivered_bytes",
    "checks_passed", "checks_failed",   "sim_time_ms"};

// run, point, the axes' values; the caller appends the rest.
std::vector<std::string> leading_cells(const SweepPlan& plan, std::size_t k) {
  std::size_t point = plan.run(k).point;
  std::vector<std::string> cells{std::to_string(k), std::to_string(point)};
  for (std::string& v : plan.point_values(point)) cells.push_back(std::move(v));
  return cells;
}

// Messages go in one cell of one line.
std::string one_line(std::string_view text) {
  std::string out(text);
  std::replace(out.begin(), out.end(), '\n', ' ');
  std::replace(out.begin(), out.end(), '\r', ' ');
  return out;
}

}  // namespace

std::vector<std::string> sweep_columns(const SweepPlan& plan) {
  std::vector<std::string> cols{"run", "point"};
  for (const GridAxis& a : plan.axes()) cols.push_back(a.key);
  cols.emplace_back("seed");
  for (std::string_view c : kFigureColumns) cols.emplace_back(c);
  return cols;
}

bool is_fixed_column(std::string_view name) {
  return name == "run" || name == "point" || name == "seed" ||
         std::find(kFigureColumns.begin(), kFigureColumns.end(), name) != kFigureColumns.end();
}

bool is_number_column(std::string_view name) {
  return name == "wall_time_s" ||
         std::find(kNumberColumns.begin(), kNumberColumns.end(), name) != kNumberColumns.end();
}

RunOutcome outcome_of(const ScenarioRun& run, std::int64_t sim_time_ns) {
  RunOutcome f;
  f.sim_time_ns = sim_time_ns;
  Nanos longest = 0;
  bool exchanged = false, mismatch = false;
  for (const ConnectionSummary& c : run.connections()) {
    f.delivered_bytes += c.to_server + c.to_client;
    f.retransmissions += c.retransmissions;
    longest = std::max(longest, c.duration);
    exchanged = exchanged || c.integrity != "n/a";
    mismatch = mismatch || c.integrity == "MISMATCH";
  }
  if (longest > 0) {
    f.goodput_bps = static_cast<double>(f.delivered_bytes) * 8e9 / static_cast<double>(longest);
  }
  f.integrity = mismatch ? "MISMATCH" : (exchanged ? "ok" : "n/a");
  for (const CheckResult& r : run.evaluate_checks())
    ++(r.passed ? f.checks_passed : f.checks_failed);
  return f;
}

SweepRow finished_row(const SweepPlan& plan, std::size_t k, std::uint64_t seed, const RunOutcome& f,
                      double wall_time_s) {
  SweepRow row{leading_cells(plan, k)};
  auto& c = row.cells;
  c.push_back(std::to_string(seed));
  c.push_back(fmt::format("{:.0f}", f.goodput_bps));
  c.push_back(std::to_string(f.retransmissions));
  c.push_back(std::to_string(f.delivered_bytes));
  c.push_back(f.integrity);
  c.push_back(std::to_string(f.checks_passed));
  c.push_back(std::to_string(f.checks_failed));
  c.push_back(format_millis(f.sim_time_ns));
  c.push_back(fmt::format("{:.3f}", wall_time_s));
  c.emplace_back(f.checks_failed == 0 ? "ok" : "check-failed");
  c.emplace_back();
  return row;
}

SweepRow failed_row(const SweepPlan& plan, std::size_t k, std::string_view status,
                    std::string_view error) {
  SweepRow row{leading_cells(plan, k)};
  SweepRun r = plan.run(k);
  row.cells.push_back(r.seed ? std::to_string(*r.seed) : "");
  row.cells.resize(row.cells.size() + kFigureColumns.size() - 2);
  row.cells.emplace_back(status);
  row.cells.push_back(one_line(error));
  return row;
}

std::string csv_line(const std::vector<std::string>& cells) {
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    const std::string& v = cells[i];
    if (v.find_first_of(",\"\r\n") == std::string::npos) {
      out += v;
      continue;
    }
    out += '"';
    for (char ch : v) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    out += '"';
  }
  return out;
}

Result<std::vector<std::vector<std::string>>, Error> parse_csv(std::string_view text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> rec(1);
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (ch == '"' && rec.back().empty()) {
      std::size_t close = i + 1;
      for (; close < text.size(); ++close) {
        if (text[close] != '"') continue;
        if (close + 1 < text.size() && text[close + 1] == '"') {
          ++close;
          continue;
        }
        break;
      }
      if (close >= text.size()) {
        return fail_with(Errc::BadSyntax,
                         fmt::format("line {}: a quoted cell is not closed", line));
      }
      for (std::size_t j = i + 1; j < close; ++j) {
        if (text[j] == '"') ++j;  // the first of a doubled quote
        rec.back() += text[j];
        if (text[j] == '\n') ++line;
      }
      i = close;
      if (i + 1 < text.size() && text[i + 1] != ',' && text[i + 1] != '\n' && text[i + 1] != '\r') {
        return fail_with(Errc::BadSyntax,
                         fmt::format("line {}: text after the closing quote of a cell", line));
      }
    } else if (ch == ',') {
      rec.emplace_back();
    } else if (ch == '\n') {
      records.push_back(std::move(rec));
      rec.assign(1, "");
      ++line;
    } else if (ch != '\r') {
      rec.back() += ch;
    }
  }
  if (rec.size() > 1 || !rec.back().empty()) records.push_back(std::move(rec));
  return records;
}

std::string jsonl_line(const std::vector<std::string>& columns, const SweepRow& row) {
  std::string out = "{";
  for (std::size_t i = 0; i < columns.size() && i < row.cells.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, columns[i]);
    out += ':';
    const std::string& v = row.cells[i];
    if (!is_number_column(columns[i])) {
      append_json_string(out, v);
    } else {
      out += v.empty() ? "null" : v;
    }
  }
  out += '}';
  return out;
}

}  // namespace tcpsim::sim
