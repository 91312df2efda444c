// `tcpsim script FILE.pkt [--pcap FILE] [--verbose] [packetdrill's flags]`: runs a
// packetdrill-style script against the stack (docs/scripts.md). Exit codes per docs/cli.md:
// 0 pass, 1 the script failed, 2 bad usage or a malformed script.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <utility>
#include <vector>

namespace tcpsim::cli {

struct ScriptCommandArgs {
  std::string file;
  std::string pcap;
  bool verbose = false;
  // packetdrill's flags as given (name without dashes, value), in a fixed order; they win
  // over the same options on the script's first lines.
  std::vector<std::pair<std::string, std::string>> flags;
  std::vector<std::string> defines;  // -D NAME[=VALUE]
  std::vector<std::string> extras;   // other --name[=value]: noted or warned about
};

void add_script_options(CLI::App& cmd, ScriptCommandArgs& a);
int run_script_command(const ScriptCommandArgs& args);

}  // namespace tcpsim::cli
