#include "summary.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <vector>

#include "sim/core/units.hpp"

namespace tcpsim::cli {
namespace {

void print_line(const sim::ConnectionSummary& c, bool integrity_checked) {
  double secs = static_cast<double>(c.duration) / 1e9;
  std::uint64_t total = c.to_server + c.to_client;
  std::string line = fmt::format("  {} {} > {}: delivered {} to server, {} to client in {} ms",
                                 c.client_app, c.client, c.server, human_bytes(c.to_server),
                                 human_bytes(c.to_client), sim::format_millis(c.duration));
  if (total > 1'000'000 && secs > 0)
    line += fmt::format(" (goodput {})", human_rate(static_cast<double>(total) * 8 / secs));
  line += fmt::format(", retransmissions={}", c.retransmissions);
  if (!c.error.empty()) line += ", error=" + c.error;
  if (integrity_checked) line += ", integrity=" + c.integrity;
  std::printf("%s\n", line.c_str());
}

std::string plural(std::size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

void print_figures(const sim::RunFigures& f, bool integrity_checked) {
  std::string line =
      fmt::format("  {}: {} delivered in {} ms, goodput {}, retransmissions={}",
                  plural(f.connections, "connection"), human_bytes(f.bytes),
                  sim::format_millis(f.span), human_rate(f.goodput_bps), f.retransmissions);
  if (f.errors > 0) line += fmt::format(", errors={}", f.errors);
  if (integrity_checked) {
    line += f.intact == f.connections ? std::string(", integrity=ok")
                                      : fmt::format(", integrity: {} ok, {} MISMATCH, {} n/a",
                                                    f.intact, f.mismatched, f.unexchanged);
  }
  std::printf("%s\n", line.c_str());
  for (const sim::FlowClassFigures& k : f.classes) {
    std::printf("  class %s: %s, %s delivered, mean goodput %s per flow\n", k.name.c_str(),
                plural(k.flows, "flow").c_str(), human_bytes(k.bytes).c_str(),
                human_rate(k.mean_goodput_bps).c_str());
  }
  std::printf("  fairness: Jain's index %.4f over the goodputs of %s\n", f.jain_index,
              plural(f.connections, "flow").c_str());
  std::printf("  completion: min %s ms, median %s ms, max %s ms\n",
              sim::format_millis(f.completion_min).c_str(),
              sim::format_millis(f.completion_median).c_str(),
              sim::format_millis(f.completion_max).c_str());
  if (f.drops.empty()) std::printf("  drops: none\n");
  for (const sim::DirectionDrops& d : f.drops) {
    std::string causes;
    for (std::size_t k = 0; k < d.by_cause.size(); ++k) {
      if (d.by_cause[k] == 0) continue;
      if (!causes.empty()) causes += ", ";
      causes += fmt::format("{}={}", sim::to_string(static_cast<sim::DropCause>(k)), d.by_cause[k]);
    }
    std::printf("  drops %s: %s\n", d.direction.c_str(), causes.c_str());
  }
  for (const auto& [direction, marks] : f.ce_marks) {
    std::printf("  ECN marks %s: %llu\n", direction.c_str(),
                static_cast<unsigned long long>(marks));
  }
}

// One row per connection, columns as wide as their widest cell; numbers to the right.
void print_table(const std::vector<sim::ConnectionSummary>& conns) {
  using Row = std::array<std::string, 9>;
  std::vector<Row> rows = {
      {"flow", "client", "server", "cc", "bytes", "duration_ms", "goodput", "retx", "integrity"}};
  for (const auto& c : conns) {
    std::string verdict = c.integrity + (c.error.empty() ? "" : " " + c.error);
    rows.push_back({c.client_app, c.client, c.server, c.cc,
                    std::to_string(c.to_server + c.to_client), sim::format_millis(c.duration),
                    human_rate(sim::goodput_bps(c)), std::to_string(c.retransmissions), verdict});
  }
  std::array<std::size_t, 9> width{};
  for (const Row& r : rows) {
    for (std::size_t k = 0; k < r.size(); ++k) width[k] = std::max(width[k], r[k].size());
  }
  for (const Row& r : rows) {
    std::string line;
    for (std::size_t k = 0; k < r.size(); ++k) {
      bool right = k >= 4 && k <= 7;
      line += right ? fmt::format("  {:>{}}", r[k], width[k])
                    : fmt::format("  {:<{}}", r[k], k + 1 < r.size() ? width[k] : 0);
    }
    std::printf("%s\n", line.c_str());
  }
}

}  // namespace

std::string human_bytes(std::uint64_t n) {
  if (n >= 10'000'000) return fmt::format("{:.1f} MB", static_cast<double>(n) / 1e6);
  if (n >= 10'000) return fmt::format("{:.1f} KB", static_cast<double>(n) / 1e3);
  return fmt::format("{} B", n);
}

std::string human_rate(double bits_per_s) {
  if (bits_per_s >= 1e9) return fmt::format("{:.2f} Gbit/s", bits_per_s / 1e9);
  if (bits_per_s >= 1e6) return fmt::format("{:.2f} Mbit/s", bits_per_s / 1e6);
  if (bits_per_s >= 1e3) return fmt::format("{:.2f} kbit/s", bits_per_s / 1e3);
  return fmt::format("{:.0f} bit/s", bits_per_s);
}

void print_connections(const sim::ScenarioRun& run, const SummaryOptions& options) {
  std::vector<sim::ConnectionSummary> conns = run.connections();
  if (options.per_flow) print_table(conns);
  if (!options.per_flow && conns.size() <= kListedConnectionsMax) {
    for (const auto& c : conns) print_line(c, options.integrity_checked);
  } else {
    print_figures(sim::run_figures(conns, run.network()), options.integrity_checked);
  }
  // Listeners whose queue overflowed (SYN cookies, RFC 4987 §3.6); nothing when none did.
  for (const std::string& line : run.listen_summaries()) std::printf("  %s\n", line.c_str());
}

}  // namespace tcpsim::cli
