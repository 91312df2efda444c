#include "sim/inspect/anomaly.hpp"

#include <array>

namespace tcpsim::sim::inspect {
namespace {

constexpr std::array<std::string_view, 10> kNames = {
    "retransmission",    "spurious-retransmission",
    "out-of-window",     "zero-window",
    "window-open",       "duplicate-ack",
    "rst-acceptable",    "rst-unacceptable",
    "missing-handshake", "malformed",
};

}  // namespace

std::string_view to_string(AnomalyKind kind) {
  return kNames.at(static_cast<std::size_t>(kind));
}

std::optional<AnomalyKind> parse_anomaly_kind(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<AnomalyKind>(i);
  }
  return std::nullopt;
}

}  // namespace tcpsim::sim::inspect
