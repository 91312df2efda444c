// Figures over every connection of a run, for the summary of a run with many flows and for
// programs that compare runs: goodput in total and per class of flow, Jain's fairness
// index, retransmissions, the spread of completion times, and the drops of each link
// direction by cause.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/net/drop_cause.hpp"
#include "stack/base/time.hpp"

namespace tcpsim::sim {

class Network;
struct ConnectionSummary;

// The flows of one class: one congestion control, or one congestion control and profile
// ("cubic/freebsd") when the connections' hosts do not all have the same profile.
struct FlowClassFigures {
  std::string name;
  std::size_t flows = 0;
  std::uint64_t bytes = 0;      // delivered, both ways
  double mean_goodput_bps = 0;  // the mean of the flows' goodputs
};

struct DirectionDrops {
  std::string direction;  // "r->server"
  std::array<std::uint64_t, kDropCauseCount> by_cause{};
  std::uint64_t total = 0;
};

struct RunFigures {
  std::size_t connections = 0;
  // By integrity verdict ("ok", "MISMATCH", "n/a"), and those that ended with an error.
  std::size_t intact = 0, mismatched = 0, unexchanged = 0, errors = 0;
  std::uint64_t bytes = 0;                // delivered, both ways, on every connection
  Nanos span = 0;                         // from the first opening to the last end
  double goodput_bps = 0;                 // bytes * 8 / span
  std::vector<FlowClassFigures> classes;  // by name
  double jain_index = 1;                  // over the connections' goodputs
  std::uint64_t retransmissions = 0;
  Nanos completion_min = 0, completion_median = 0, completion_max = 0;  // of the durations
  std::vector<DirectionDrops> drops;  // the directions that dropped anything, in link order
  // The directions whose queue marked packets CE (ecn_threshold), with the count.
  std::vector<std::pair<std::string, std::uint64_t>> ce_marks;
};

// A connection's goodput: the bytes it delivered both ways, in bits, over its duration;
// 0 when it took no time.
double goodput_bps(const ConnectionSummary& c);

// Jain's fairness index (sum x)^2 / (n * sum x^2): 1 when every value is the same, 1/n when
// one value holds everything; 1 for no values or all zero.
double jain_index(std::span<const double> values);

// The figures of `connections` (ScenarioRun::connections()) and of the links of `net`.
RunFigures run_figures(const std::vector<ConnectionSummary>& connections, const Network& net);

}  // namespace tcpsim::sim
