// `tcpsim script FILE.pkt [--pcap FILE] [--verbose] [packetdrill's flags]`: runs a
// packetdrill-style script against the stack (docs/scripts.md). Exit codes per docs/cli.md:
// 0 pass, 1 the script failed, 2 bad usage or a malformed script. With --compare PROFILES:
// 0 the wire is the same under every profile, 1 it differs, 2 bad usage or no profile
// could run the script.
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
  std::string compare;  // --compare linux,freebsd,rfc: one run per profile, then the differences
  bool compare_given = false;
  // packetdrill's flags as given (name without dashes, value), in a fixed order; they win
  // over the same options on the script's first lines.
  std::vector<std::pair<std::string, std::string>> flags;
  std::vector<std::string> defines;  // -D NAME[=VALUE]
  std::vector<std::string> extras;   // other --name[=value]: noted or warned about
};

void add_script_options(CLI::App& cmd, ScriptCommandArgs& a);
int run_script_command(const ScriptCommandArgs& args);

}  // namespace tcpsim::cli
