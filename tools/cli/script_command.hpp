// `tcpsim script FILE.pkt [--pcap FILE] [--verbose]`: runs a packetdrill-style script
// against the stack (docs/scripts.md). Exit codes per docs/cli.md: 0 pass, 1 the script
// failed, 2 bad usage or a malformed script.
#pragma once

#include <string>

namespace tcpsim::cli {

struct ScriptCommandArgs {
  std::string file;
  std::string pcap;
  bool verbose = false;
};

int run_script_command(const ScriptCommandArgs& args);

}  // namespace tcpsim::cli
