// The connections' part of `tcpsim run`'s summary (docs/cli.md): a line per connection
// when there are few, the figures over all of them (sim/scenario/run_figures.hpp) when
// there are many, and with --per-flow a table of every connection before the figures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/scenario/run.hpp"

namespace tcpsim::cli {

// More connections than this are summed up rather than listed.
inline constexpr std::size_t kListedConnectionsMax = 8;

struct SummaryOptions {
  bool per_flow = false;           // --per-flow
  bool integrity_checked = false;  // the scenario has an integrity check
};

void print_connections(const sim::ScenarioRun& run, const SummaryOptions& options);

// "512 B", "20.0 KB", "100.0 MB".
std::string human_bytes(std::uint64_t n);
// "7.83 Mbit/s".
std::string human_rate(double bits_per_s);

}  // namespace tcpsim::cli
