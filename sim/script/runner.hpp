// Runs a packetdrill-style script against a tcp::TcpStack on virtual time (docs/scripts.md).
//
//   auto r = run_script_file("passive-open.pkt", ScriptOptions::beside(__FILE__));
//   EXPECT_TRUE(r.passed()) << r.message;
//
// A relative path is resolved against ScriptOptions::base_dir; beside(__FILE__) sets it to
// the directory of the calling source file, so a test finds its scripts wherever ctest runs.
//
// The stack is driven directly, sans-I/O: inbound packets are handed to on_segment, what it
// sends is collected with poll_transmit, and time jumps to the next timer deadline or the
// next scripted event. Nothing sleeps, so a script with a 2-minute timeout runs in
// microseconds, and a run is the same every time.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/script/script.hpp"
#include "stack/tcp/config.hpp"

namespace tcpsim::sim::script {

struct ScriptOptions {
  // Name used in messages ("passive-open.pkt:12: ..."); run_script_file sets the path.
  std::string file_name = "script";
  // Where run_script_file looks for a relative path; empty: the current directory.
  std::string base_dir;
  // Options whose base_dir is the directory holding `source_file` (pass __FILE__).
  static ScriptOptions beside(std::string_view source_file);
  // When set, a capture of both directions is written here (.pcap or .pcapng).
  std::string pcap_path;
  // When set, called with one line per event as it runs (the CLI's --verbose).
  std::function<void(const std::string&)> log;
  // Options given outside the script (the CLI's flags), in the script's own form
  // (name "mtu", value "1500"; line 0). Applied after the script's own, so they win.
  std::vector<ScriptOption> command_line;
  // Observe mode (`tcpsim script --compare`): every segment the stack sends is recorded in
  // ScriptResult::wire, and an expectation that fails is recorded in
  // ScriptResult::deviations while the run goes on, so that one script shows what each
  // profile does. A script that cannot run (Invalid) still stops.
  bool observe = false;
};

// One segment the stack sent, as observe mode records it.
struct WirePacket {
  int line = 0;                 // the script line running when it was sent (0: after the last one)
  Nanos time = 0;               // virtual time it left
  PacketSpec seen;              // in the script's terms: our sequence numbers count from our ISN
  bool retransmission = false;  // it covers sequence space (or a SYN, a FIN) sent before
  bool under_test = true;       // of the connection the script talks to
  std::string text;             // packetdrill's form, with the 4-tuple when not under test
};

// Where an observed run departed from the script.
struct Deviation {
  int line = 0;
  std::string message;  // without the "file:line: " prefix
};

enum class ScriptOutcome : std::uint8_t {
  Passed,
  Failed,   // an expectation did not hold: a packet, a return value, a time, an assertion
  Invalid,  // the script could not run: a syntax error, unsupported construct, bad option
};

struct ScriptResult {
  ScriptOutcome outcome = ScriptOutcome::Passed;
  int line = 0;         // the script line of the failure (0 when passed or not tied to one)
  std::string message;  // one line, packetdrill's style: "file:12: error handling packet: ..."
  std::string detail;   // further lines: the script and actual packets
  std::vector<std::string> notes;  // warnings: unknown options, settings ignored
  Nanos sim_time = 0;              // virtual time at the end
  std::size_t events = 0;          // events run
  // Observe mode only: what the stack sent, where the run departed from the script, and
  // the settings the stack ran with (its profile after the script's own settings).
  std::vector<WirePacket> wire;
  std::vector<Deviation> deviations;
  // (Held in optionals: empty until a run sets them, and GCC 12 at -O3 warns about the
  // default TcpConfig's option list when it is built inline here.)
  std::optional<tcp::TcpConfig> config;
  std::optional<tcp::TcpConfig> profile_config;  // the profile as scripts start from it
  bool syn_with_text = false;                    // the script sent a SYN that carries text
  // Observe mode: the script line at which the run stopped before its end (its message
  // says why: too many departures, a timer that never stops), or 0.
  int stopped_at = 0;

  bool passed() const { return outcome == ScriptOutcome::Passed; }
  // message, then detail when there is one.
  std::string report() const;
};

ScriptResult run_script(const Script& script, const ScriptOptions& options = {});
ScriptResult run_script_text(std::string_view text, const ScriptOptions& options = {});
// Reads the file and runs it with file_name = path. A missing file, one that is not a
// regular file, or one larger than 4 MiB (sim::kScriptInput) is Invalid. A relative
// path is taken from options.base_dir when that is set.
ScriptResult run_script_file(const std::string& path, ScriptOptions options = {});

}  // namespace tcpsim::sim::script
