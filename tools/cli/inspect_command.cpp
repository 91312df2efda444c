#include "inspect_command.hpp"

#include <fmt/core.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "inspect_ladder.hpp"
#include "sim/core/units.hpp"
#include "sim/inspect/inspector.hpp"
#include "sim/report/report.hpp"

namespace tcpsim::cli {
namespace {

using sim::inspect::EndpointSummary;
using sim::inspect::InspectedConnection;
using sim::inspect::InspectResult;

constexpr int kExitBadInput = 2;

int bad_input(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "tcpsim: %s\n", message.c_str());
  return kExitBadInput;
}

std::size_t terminal_columns() {
  std::size_t tty = 0;
  winsize ws{};
  if (isatty(STDOUT_FILENO) != 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) tty = ws.ws_col;
  return choose_columns(std::getenv("COLUMNS"), tty);
}

bool ends_with_html(std::string path) {
  for (char& c : path) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return path.ends_with(".html") || path.ends_with(".htm");
}

bool selected(const InspectedConnection& c, const std::string& filter) {
  return filter.empty() || c.id.find(filter) != std::string::npos ||
         (c.b.name + ">" + c.a.name).find(filter) != std::string::npos;
}

// "CLOSED → SYN-SENT → ESTABLISHED"; a state assumed (caught mid-stream) is marked.
std::string path_text(const EndpointSummary& e) {
  if (e.path.empty()) return "no state seen";
  std::string s;
  for (std::size_t i = 0; i < e.path.size(); ++i) {
    if (i > 0) s += " → ";
    s += tcp::to_string(e.path[i]);
    if (i == 0 && e.assumed) s += " (assumed)";
  }
  return s;
}

std::string counted(std::uint64_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

void print_endpoint(const EndpointSummary& e, std::size_t width) {
  std::printf("    %-*s  %s\n", static_cast<int>(width), e.name.c_str(), path_text(e).c_str());
  std::printf("    %-*s  sent %s, %s, %s\n", static_cast<int>(width), "",
              counted(e.segments, "segment", "segments").c_str(),
              counted(e.bytes, "byte", "bytes").c_str(),
              counted(e.retransmissions, "retransmission", "retransmissions").c_str());
}

void print_summary(const InspectResult& r, const std::string& filter) {
  std::printf("\nsummary:\n");
  for (const InspectedConnection& c : r.connections) {
    if (!selected(c, filter)) continue;
    std::printf("  %s  %s–%s ms (%s ms) handshake=%s anomalies=%llu\n", c.id.c_str(),
                sim::format_millis(c.first).c_str(), sim::format_millis(c.last).c_str(),
                sim::format_millis(c.duration()).c_str(), c.handshake_seen ? "seen" : "missing",
                static_cast<unsigned long long>(c.anomalies));
    std::size_t width = std::max(c.a.name.size(), c.b.name.size());
    print_endpoint(c.a, width);
    print_endpoint(c.b, width);
  }
  std::uint64_t skipped = 0;
  for (const auto& [what, n] : r.skipped) skipped += n;
  std::printf("  frames=%llu tcp=%zu not_tcp=%llu malformed=%llu connections=%zu\n",
              static_cast<unsigned long long>(r.frames_read), r.segments.size(),
              static_cast<unsigned long long>(skipped),
              static_cast<unsigned long long>(r.malformed), r.connections.size());
}

void print_ladders(const InspectResult& r, const InspectArgs& a) {
  InspectLadderOptions lo;
  lo.color = wants_color(isatty(STDOUT_FILENO) != 0, std::getenv("NO_COLOR"));
  lo.full = a.full;
  lo.columns = terminal_columns();
  std::printf("capture %s: link type %d, %llu frames\n", r.path.c_str(), r.linktype,
              static_cast<unsigned long long>(r.frames_read));
  std::vector<std::string> shown;
  for (const InspectedConnection& c : r.connections) {
    // Connections that reuse the same addresses and ports share one ladder.
    std::string pair = c.a.name < c.b.name ? c.a.name + " " + c.b.name : c.b.name + " " + c.a.name;
    if (!selected(c, a.conn) || std::find(shown.begin(), shown.end(), pair) != shown.end()) {
      continue;
    }
    shown.push_back(pair);
    std::printf("\nconnection %s\n", c.id.c_str());
    InspectLadder ladder(r, stdout, lo);
    ladder.print(c.a.name, c.b.name);
  }
  for (const sim::TraceEvent& e : r.events) {
    if (e.type == sim::TraceType::Note && e.conn.empty()) {
      std::printf("⚠ frame %lld: %s: %s\n", static_cast<long long>(e.get_int("frame").value_or(0)),
                  e.get_string("kind").value_or("?").c_str(),
                  e.get_string("detail").value_or("").c_str());
    }
  }
}

Result<std::monostate, sim::Error> write_report(const InspectResult& r, const std::string& path) {
  sim::report::ReportInput in;
  in.title = r.path;
  in.origin = "capture";
  in.events = r.events;
  in.frames = r.frames;
  in.linktype = r.linktype;
  return sim::report::write_report(in, path);
}

}  // namespace

void add_inspect_options(CLI::App& app, InspectArgs& args) {
  app.add_option("CAPTURE", args.capture,
                 "A pcap or pcapng file (tcpdump, Wireshark or tcpsim; Ethernet, raw IP or Linux "
                 "cooked frames)")
      ->required();
  app.add_flag("--quiet", args.quiet, "Print only the summary");
  app.add_flag("--full", args.full,
               "Print every segment (without it, long runs of data segments and ACKs fold)");
  app.add_option("--conn", args.conn,
                 "Only the connections whose id (\"10.0.0.1:40000>10.0.0.2:80\") contains FILTER, "
                 "e.g. :80 or 10.0.0.1:40000");
  app.add_option("--report", args.report,
                 "Also write the interactive HTML page of the capture (docs/report.md)");
}

int cmd_inspect(const InspectArgs& a) {
  if (!a.report.empty() && !ends_with_html(a.report)) {
    return bad_input(
        fmt::format("inspect --report '{}': the page is written to a file ending in "
                    ".html",
                    a.report));
  }
  auto inspected = sim::inspect::inspect_capture(a.capture, !a.report.empty());
  if (!inspected.ok()) {
    const sim::Error& e = inspected.error();
    if (e.code == sim::Errc::Unsupported) return bad_input(e.message);
    return bad_input(e.message + "; inspect reads pcap and pcapng files");
  }
  const InspectResult& r = *inspected;
  bool any = a.conn.empty();
  for (const InspectedConnection& c : r.connections) any = any || selected(c, a.conn);
  if (!any) {
    return bad_input(fmt::format(
        "inspect --conn '{}': no connection of '{}' matches; give part "
        "of an id such as {}",
        a.conn, a.capture,
        r.connections.empty() ? "10.0.0.1:40000>10.0.0.2:80" : r.connections.front().id));
  }
  if (!a.quiet) print_ladders(r, a);
  print_summary(r, a.conn);
  if (!a.report.empty()) {
    auto w = write_report(r, a.report);
    if (!w.ok()) return bad_input(w.error().message);
    std::printf("  report: %s\n", a.report.c_str());
  }
  if (!r.read_error.empty()) {
    return bad_input(r.read_error + "; what was read before it is shown above");
  }
  return 0;
}

}  // namespace tcpsim::cli
