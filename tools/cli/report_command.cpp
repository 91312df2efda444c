#include "report_command.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "sim/capture/frame_recorder.hpp"
#include "sim/core/input_file.hpp"
#include "sim/report/report.hpp"
#include "sim/trace/jsonl_reader.hpp"

namespace tcpsim::cli {
namespace {

constexpr int kExitBadInput = 2;

int bad_input(const sim::Error& e) {
  std::fprintf(stderr, "tcpsim: %s\n", e.message.c_str());
  return kExitBadInput;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  std::string tail = s.substr(s.size() - suffix.size());
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tail == suffix;
}

// The page must be an .html file we can create.
sim::Status check_output(const std::string& path) {
  if (!ends_with(path, ".html") && !ends_with(path, ".htm")) {
    return sim::fail_with(sim::Errc::BadValue,
                          fmt::format("report '{}': the page is written to a file ending in "
                                      ".html",
                                      path));
  }
  std::ofstream probe(path, std::ios::app);
  if (!probe) {
    return sim::fail_with(sim::Errc::Io,
                          fmt::format("cannot write report '{}': {}", path, std::strerror(errno)));
  }
  return std::monostate{};
}

// The default page name: the trace's, with .html for .jsonl.
std::string default_out(const std::string& trace) {
  std::string base = trace;
  if (ends_with(base, ".jsonl")) base.resize(base.size() - 6);
  return base + ".html";
}

Result<std::vector<sim::CapturedFrame>, sim::Error> read_frames(const std::string& path,
                                                                int* linktype) {
  auto reader = sim::PcapReader::open(path);
  if (!reader.ok()) return fail(reader.error());
  *linktype = reader->linktype();
  std::vector<sim::CapturedFrame> frames;
  while (auto f = reader->next()) frames.push_back(std::move(*f));
  if (!reader->error().empty()) return sim::fail_with(sim::Errc::Io, reader->error());
  return frames;
}

}  // namespace

void add_report_options(CLI::App& app, ReportArgs& args) {
  app.add_option("TRACE", args.trace, "A trace written by `tcpsim run --trace` (.jsonl)")
      ->required();
  app.add_option("CAPTURE", args.capture,
                 "The same run's capture (--pcap), for each frame's header fields");
  app.add_option("-o,--out", args.out, "The page to write (default: TRACE with .html)");
}

int cmd_report(const ReportArgs& args) {
  std::string out = args.out.empty() ? default_out(args.trace) : args.out;
  if (auto c = check_output(out); !c.ok()) return bad_input(c.error());
  auto events = sim::read_trace_file(args.trace);
  if (!events.ok()) return bad_input(events.error());
  sim::report::ReportInput in;
  in.title = args.trace;
  in.events = std::move(events.value());
  if (!args.capture.empty()) {
    auto frames = read_frames(args.capture, &in.linktype);
    if (!frames.ok()) return bad_input(frames.error());
    in.frames = std::move(frames.value());
  }
  auto w = sim::report::write_report(in, out);
  if (!w.ok()) return bad_input(w.error());
  std::printf("report: %s (%zu events, %zu frames)\n", out.c_str(), in.events.size(),
              in.frames.size());
  return 0;
}

Result<std::unique_ptr<RunReport>, sim::Error> RunReport::open(const std::string& path) {
  if (auto c = check_output(path); !c.ok()) return fail(c.error());
  return std::unique_ptr<RunReport>(new RunReport(path));
}

sim::Status RunReport::attach(sim::ScenarioRun& run, const std::string& pcap, bool tcb_comments) {
  std::unique_ptr<sim::CaptureWriter> file;
  if (!pcap.empty()) {
    auto w = sim::open_capture(pcap);
    if (!w.ok()) return fail(w.error());
    file = std::move(w.value());
  }
  auto recorder = std::make_unique<sim::FrameRecorder>(std::move(file));
  frames_ = recorder->frames();
  using Tcbs = sim::ScenarioRun::TcbComments;
  run.capture_to(std::move(recorder), tcb_comments ? Tcbs::On : Tcbs::Off);
  run.trace().subscribe(trace_);
  return std::monostate{};
}

sim::Status RunReport::write(const std::string& title) {
  sim::report::ReportInput in;
  in.title = title;
  in.events = trace_.events();
  if (frames_) in.frames = std::move(*frames_);
  return sim::report::write_report(in, path_);
}

}  // namespace tcpsim::cli
