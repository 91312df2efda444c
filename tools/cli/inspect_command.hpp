// `tcpsim inspect CAPTURE [--quiet] [--full] [--conn FILTER] [--report FILE]`: follows
// every TCP connection of a capture taken anywhere (tcpdump, Wireshark, tcpsim) and shows
// both endpoints' inferred RFC 9293 states (sim/inspect/, docs/inspect.md). Exit codes per
// docs/cli.md: 0 inspected, 2 bad usage or bad input (a damaged capture is inspected as far
// as it reads, then reported, exit 2).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace tcpsim::cli {

struct InspectArgs {
  std::string capture;
  std::string conn;    // only connections whose id contains this
  std::string report;  // the HTML page to write
  bool quiet = false;
  bool full = false;
};

void add_inspect_options(CLI::App& app, InspectArgs& args);
int cmd_inspect(const InspectArgs& args);

}  // namespace tcpsim::cli
