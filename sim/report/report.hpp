// `tcpsim report`: one self-contained HTML page that shows a run or a capture — the ladder,
// the RFC 9293 state diagram, the time-sequence graph, the sender's TCB over time, queues,
// per-flow goodput and application messages — all tied to one time cursor. The page needs
// no network and nothing installed: its script, styles and data are all inside the file.
// How to read it: docs/report.md.
#pragma once

#include <string>
#include <vector>

#include "sim/capture/pcap_reader.hpp"
#include "sim/core/error.hpp"
#include "sim/trace/trace_event.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::sim::report {

struct ReportInput {
  std::string title;                  // the scenario's name, or the capture's path
  std::string origin = "simulation";  // "simulation" or "capture"
  std::vector<TraceEvent> events;     // time order, docs/trace-format.md
  // Optional. Frame i belongs to the i-th drawn segment (the first `segment-sent` of each
  // packet id). Times are ignored: the events give them.
  std::vector<CapturedFrame> frames;
  int linktype = 1;  // of `frames`: 1 Ethernet, 101 raw IP, 113 Linux SLL, 276 SLL2
};

// The page's data as one JSON object (the schema is in sim/report/report_model.cpp).
std::string report_data_json(const ReportInput& in);

// The whole page.
std::string render_report(const ReportInput& in);

// render_report written to `path`. Error: "cannot write report 'x.html': <reason>".
Result<std::monostate, Error> write_report(const ReportInput& in, const std::string& path);

}  // namespace tcpsim::sim::report
