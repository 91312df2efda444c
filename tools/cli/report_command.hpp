// `tcpsim report TRACE.jsonl [CAPTURE]` and `tcpsim run ... --report FILE`: the HTML page
// of sim/report/ (docs/report.md).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "sim/capture/pcap_reader.hpp"
#include "sim/core/error.hpp"
#include "sim/scenario/run.hpp"
#include "sim/trace/memory_sink.hpp"

namespace tcpsim::cli {

struct ReportArgs {
  std::string trace;
  std::string capture;
  std::string out;
};

void add_report_options(CLI::App& app, ReportArgs& args);
int cmd_report(const ReportArgs& args);

// What `tcpsim run --report` keeps while the run goes: every trace event and every frame.
class RunReport {
 public:
  // Checks that `path` ends in .html and can be written, before anything runs.
  static Result<std::unique_ptr<RunReport>, sim::Error> open(const std::string& path);

  // Takes the run's capture (and writes `pcap` too when it is not empty) and its trace.
  sim::Status attach(sim::ScenarioRun& run, const std::string& pcap, bool tcb_comments);
  // Writes the page; the title is the scenario's name.
  sim::Status write(const std::string& title);
  const std::string& path() const { return path_; }

 private:
  explicit RunReport(std::string path) : path_(std::move(path)) {}
  std::string path_;
  sim::MemoryTraceSink trace_;
  std::shared_ptr<std::vector<sim::CapturedFrame>> frames_;
};

}  // namespace tcpsim::cli
