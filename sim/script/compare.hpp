// One script under several profiles: what each stack sent, line by line of the script,
// and where the wire differs, each difference with the choices behind it
// (`tcpsim script FILE --compare linux,freebsd,rfc`, docs/scripts.md).
//
//   Comparison c = compare_profiles("close-simultaneous.pkt", {"linux", "freebsd"}, {});
//   std::cout << format_comparison(c);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/script/choices.hpp"
#include "sim/script/runner.hpp"

namespace tcpsim::sim::script {

struct ProfileRun {
  std::string profile;
  ScriptResult result;  // observed: result.wire, result.deviations, result.config
};

// A script line at which the runs sent different segments.
struct WireDifference {
  int line = 0;  // 0: after the script's last line
  // Per run (in Comparison::runs' order): what it sent while the script was at `line`.
  std::vector<std::vector<WirePacket>> sent;
  // What differs: "count", "time", "flags", "seq", "ack", "length", "window", "options",
  // "ip".
  std::vector<std::string> fields;
  // The choices that govern what differs and are not the same in every run: one entry
  // per aspect, with each run's choice (in runs' order).
  std::vector<std::vector<ProfileChoice>> reasons;
};

struct Comparison {
  std::string file;
  std::vector<std::string> script_lines;  // the script's text, for quoting lines
  std::vector<ProfileRun> runs;
  std::vector<WireDifference> differences;  // in script order: the first one first
  bool differs() const { return !differences.empty(); }
  // The runs that could run the script (not Invalid); fewer than two compare nothing.
  std::size_t runs_that_ran() const;
};

// Runs `path` once per profile in observe mode (the profile given last on the command
// line, so it overrides the script's own --tcpsim_profile) and compares what was sent.
// `base` supplies base_dir, command_line and log; a log line is prefixed "[profile] ".
Comparison compare_profiles(const std::string& path, const std::vector<std::string>& profiles,
                            const ScriptOptions& base);

// Fills c.differences from c.runs (and c.script_lines for nothing but quoting).
Comparison compare_runs(Comparison c);

// The comparison as text: each run's verdict, then every difference with each side's
// segments and the choices behind them.
std::string format_comparison(const Comparison& c);

}  // namespace tcpsim::sim::script
