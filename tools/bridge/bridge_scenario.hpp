// The bridge as a scenario: the simulated host "tcpsim" (running the chosen application)
// joined by one link to a host named "kernel", which the bridge replaces by a TunPort —
// the real kernel behind the TUN device. Writing it as scenario text means the bridge
// builds its world exactly as `tcpsim run` does, and `--set` reaches the same keys
// (link.loss, link.delay, tcp.profile, app.client.send, ...).
#pragma once

#include <string>

#include "sim/scenario/scenario.hpp"
#include "stack/base/result.hpp"
#include "tools/bridge/options.hpp"

namespace tcpsim::bridge {

inline constexpr const char* kHostName = "tcpsim";
inline constexpr const char* kKernelName = "kernel";

// The scenario file for `config` (docs/scenarios.md format).
std::string scenario_text(const BridgeConfig& config);

// scenario_text() loaded with the --set overrides and the seed; errors as `tcpsim run`
// gives them.
Result<sim::Scenario, sim::Error> bridge_scenario(const BridgeConfig& config);

}  // namespace tcpsim::bridge
