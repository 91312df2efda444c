// `tcpsim bridge`: a simulated host talking to the Linux kernel over a TUN device
// (docs/bridge.md). The reusable pieces live in tools/bridge; this file puts them
// together with the ladder, captures and traces the way `tcpsim run` does.
#pragma once

#include "tools/bridge/options.hpp"

namespace tcpsim::cli {

// Exit status: 0 success; 1 a client's exchange failed or the device failed mid-run;
// 2 bad usage; 3 the machine cannot run the bridge (no TUN device, no CAP_NET_ADMIN,
// no iproute2).
int cmd_bridge(const bridge::BridgeArgs& args);

}  // namespace tcpsim::cli
