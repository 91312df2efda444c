#include "script_command.hpp"

#include <cstdio>

#include "sim/capture/capture_writer.hpp"
#include "sim/script/runner.hpp"

namespace tcpsim::cli {

int run_script_command(const ScriptCommandArgs& args) {
  if (!args.pcap.empty()) {
    auto format = sim::capture_format_for(args.pcap);
    if (!format.ok()) {
      std::fprintf(stderr, "tcpsim: %s\n", format.error().message.c_str());
      return 2;
    }
  }
  sim::script::ScriptOptions opts;
  opts.pcap_path = args.pcap;
  if (args.verbose) {
    opts.log = [](const std::string& line) { std::printf("%s\n", line.c_str()); };
  }
  sim::script::ScriptResult r = sim::script::run_script_file(args.file, opts);
  std::fflush(stdout);
  for (const std::string& note : r.notes) std::fprintf(stderr, "tcpsim: %s\n", note.c_str());
  switch (r.outcome) {
    case sim::script::ScriptOutcome::Passed:
      std::printf("%s: pass (%zu events, %.6f s simulated)\n", args.file.c_str(), r.events,
                  static_cast<double>(r.sim_time) / 1e9);
      if (!args.pcap.empty()) std::printf("  capture: %s\n", args.pcap.c_str());
      return 0;
    case sim::script::ScriptOutcome::Failed:
      std::fprintf(stderr, "%s\n", r.report().c_str());
      return 1;
    case sim::script::ScriptOutcome::Invalid:
      std::fprintf(stderr, "tcpsim: %s\n", r.report().c_str());
      return 2;
  }
  return 2;
}

}  // namespace tcpsim::cli
