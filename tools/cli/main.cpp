// The `tcpsim` command-line program. Contract: docs/cli.md.
#include <fmt/core.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "bridge_command.hpp"
#include "inspect_command.hpp"
#include "ladder.hpp"
#include "report_command.hpp"
#include "scenario_source.hpp"
#include "script_command.hpp"
#include "sim/core/input_file.hpp"
#include "sim/core/units.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/run.hpp"
#include "sim/trace/jsonl_sink.hpp"
#include "summary.hpp"
#include "sweep_command.hpp"

namespace tcpsim::cli {
namespace {

constexpr int kExitCheckFailed = 1;
constexpr int kExitBadInput = 2;

int bad_input(const sim::Error& e) {
  std::fprintf(stderr, "tcpsim: %s\n", e.message.c_str());
  return kExitBadInput;
}

struct RunArgs {
  std::string scenario;
  std::string pcap;
  std::string trace;
  std::string report;
  bool step = false;
  bool explain = false;
  bool quiet = false;
  bool full = false;
  bool per_flow = false;
  bool tcb_comments = false;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> sets;
};

// The longest --step command line; stdin may be a pipe that never ends a line.
constexpr std::size_t kMaxStepLine = 1024;

enum class LineRead : std::uint8_t { Line, End, TooLong };

// std::getline with a bound: reads one line of stdin, without its '\n'.
LineRead read_step_line(std::string& line) {
  line.clear();
  for (int c = std::cin.get(); c != std::char_traits<char>::eof(); c = std::cin.get()) {
    if (c == '\n') return LineRead::Line;
    if (line.size() == kMaxStepLine) return LineRead::TooLong;
    line.push_back(static_cast<char>(c));
  }
  return line.empty() ? LineRead::End : LineRead::Line;
}

// --step: reads commands after each batch of printed lines.
class Stepper {
 public:
  // Stops come after events: the header printed so far does not count.
  Stepper(Ladder& ladder, bool enabled)
      : ladder_(ladder), enabled_(enabled), seen_(ladder.lines()) {
    interactive_ = isatty(STDIN_FILENO) != 0;
  }
  // Returns false when the user quits.
  bool after_event() {
    if (!enabled_ || running_) {
      if (has_break_ && hit_break()) {
        running_ = false;
      } else {
        return true;
      }
    }
    if (ladder_.lines() == seen_) return true;
    seen_ = ladder_.lines();
    for (;;) {
      std::fputs("step> ", stdout);
      std::fflush(stdout);
      std::string cmd;
      LineRead got = read_step_line(cmd);
      if (got == LineRead::TooLong) {
        too_long_ = true;
        return false;
      }
      if (got == LineRead::End) {
        // End of input: run to the end.
        if (!interactive_) std::fputc('\n', stdout);
        running_ = true;
        has_break_ = false;
        return true;
      }
      if (!interactive_) std::fputs((cmd + "\n").c_str(), stdout);
      while (!cmd.empty() && (cmd.back() == ' ' || cmd.back() == '\r')) cmd.pop_back();
      if (cmd.empty() || cmd == "n") return true;
      if (cmd == "c") {
        running_ = true;
        has_break_ = false;
        return true;
      }
      if (cmd == "q") return false;
      if (cmd == "p") {
        ladder_.print_tcbs();
        continue;
      }
      if (cmd.rfind("b ", 0) == 0) {
        auto st = tcp::parse_state(cmd.substr(2));
        if (!st) {
          std::fprintf(stdout, "unknown state '%s' (e.g. ESTABLISHED, TIME-WAIT)\n",
                       cmd.substr(2).c_str());
          continue;
        }
        break_on_ = *st;
        has_break_ = true;
        running_ = true;
        ladder_.take_entered();
        return true;
      }
      std::fputs(
          "commands: Enter = next, c = continue, b STATE = break when an endpoint enters "
          "STATE, p = print both TCBs, q = quit\n",
          stdout);
    }
  }

  // Set when a command line went past kMaxStepLine: the run stops as bad input.
  std::optional<sim::Error> input_error() const {
    if (!too_long_) return std::nullopt;
    return sim::Error{sim::Errc::OutOfRange,
                      fmt::format("--step: a command line longer than {} bytes on stdin; "
                                  "commands are Enter, c, b STATE, p and q, one a line",
                                  kMaxStepLine),
                      "--step"};
  }

 private:
  bool hit_break() {
    for (tcp::State s : ladder_.take_entered()) {
      if (s == break_on_) {
        has_break_ = false;
        return true;
      }
    }
    return false;
  }
  Ladder& ladder_;
  bool enabled_;
  bool too_long_ = false;
  std::uint64_t seen_;
  bool interactive_ = false;
  bool running_ = false;
  bool has_break_ = false;
  tcp::State break_on_ = tcp::State::Closed;
};

// --tcb-comments writes pcapng comments, so it needs a .pcapng capture.
std::optional<sim::Error> check_tcb_comments(const RunArgs& a) {
  if (!a.tcb_comments) return std::nullopt;
  auto format = sim::capture_format_for(a.pcap);
  if (!a.pcap.empty() && format.ok() && *format == sim::CaptureFormat::Pcapng) return std::nullopt;
  std::string what = a.pcap.empty() ? std::string("no --pcap given")
                                    : fmt::format("'{}' is not a .pcapng file", a.pcap);
  return sim::Error{sim::Errc::Conflict,
                    fmt::format("--tcb-comments: {}; frame comments need --pcap FILE.pcapng", what),
                    {}};
}

// The progress line on a terminal's stderr for runs longer than a second: simulated time,
// bytes delivered and rate, redrawn in place at most ten times a second, erased at the end
// and before each ladder line.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled) {}
  // Called after each event; looks at the clock every few thousand.
  void tick(sim::ScenarioRun& run) {
    if (!enabled_ || (++events_ & 0xFFF) != 0) return;
    auto t = std::chrono::steady_clock::now();
    if (t - last_ < kEvery || t - start_ < std::chrono::seconds(1)) return;
    last_ = t;
    std::uint64_t delivered = 0;
    for (const auto& p : run.apps_of<sim::Peer>()) delivered += p->bytes_received();
    double sim_s = static_cast<double>(run.simulator().now()) / 1e9;
    std::fprintf(stderr, "\r\033[K  sim %.3f s  delivered %s  %s", sim_s,
                 human_bytes(delivered).c_str(),
                 human_rate(sim_s > 0 ? static_cast<double>(delivered) * 8 / sim_s : 0).c_str());
    std::fflush(stderr);
    shown_ = true;
  }
  void clear() {
    if (!shown_) return;
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    shown_ = false;
  }

 private:
  static constexpr std::chrono::milliseconds kEvery{100};
  bool enabled_;
  bool shown_ = false;
  std::uint64_t events_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};

// The width the ladder fits: COLUMNS, else the terminal's, else none (a pipe or a file).
std::size_t ladder_columns() {
  std::size_t tty = 0;
  winsize ws{};
  if (isatty(STDOUT_FILENO) != 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) tty = ws.ws_col;
  return choose_columns(std::getenv("COLUMNS"), tty);
}

int cmd_run(const RunArgs& a) {
  if (auto e = check_tcb_comments(a)) return bad_input(*e);
  std::unique_ptr<RunReport> report;
  if (!a.report.empty()) {
    auto r = RunReport::open(a.report);
    if (!r.ok()) return bad_input(r.error());
    report = std::move(r.value());
  }
  auto text = scenario_text(a.scenario);
  if (!text.ok()) return bad_input(text.error());
  std::vector<sim::Override> overrides;
  for (const std::string& s : a.sets) {
    auto o = sim::parse_override(s);
    if (!o.ok()) return bad_input(o.error());
    overrides.push_back(*o);
  }
  if (a.seed) overrides.push_back(sim::Override{"seed", std::to_string(*a.seed)});
  auto scenario = sim::load_scenario(text->first, text->second, overrides);
  if (!scenario.ok()) return bad_input(scenario.error());
  auto built = sim::ScenarioRun::build(*scenario);
  if (!built.ok()) return bad_input(built.error());
  sim::ScenarioRun& run = **built;

  if (report) {
    auto r = report->attach(run, a.pcap, a.tcb_comments);
    if (!r.ok()) return bad_input(r.error());
  } else if (!a.pcap.empty()) {
    using Tcbs = sim::ScenarioRun::TcbComments;
    auto r = run.capture_to(a.pcap, a.tcb_comments ? Tcbs::On : Tcbs::Off);
    if (!r.ok()) return bad_input(r.error());
  }
  std::unique_ptr<sim::JsonLinesTraceSink> trace;
  if (!a.trace.empty()) {
    auto t = sim::JsonLinesTraceSink::open(a.trace);
    if (!t.ok()) return bad_input(t.error());
    trace = std::move(t.value());
    run.trace().subscribe(*trace);
  }

  // No progress line while --step waits for the user.
  Progress progress(isatty(STDERR_FILENO) != 0 && !(a.step && !a.quiet));
  LadderOptions lo;
  lo.explain = a.explain;
  lo.color = wants_color(isatty(STDOUT_FILENO) != 0, std::getenv("NO_COLOR"));
  lo.columns = ladder_columns();
  lo.full = a.full;
  lo.before_line = [&progress] { progress.clear(); };
  Ladder ladder(run, stdout, lo);
  bool show = !a.quiet;
  if (show) {
    ladder.attach();
    std::string title = "scenario " + scenario->name + ": " + scenario->summary;
    std::size_t width = lo.columns == 0 ? 0 : layout_for(lo.columns).columns;
    for (const std::string& l : wrap_words(title, width, "  ")) std::printf("%s\n", l.c_str());
    ladder.print_header();
  }
  Stepper stepper(ladder, a.step && show);

  auto wall_start = std::chrono::steady_clock::now();
  bool quit = false;
  run.start();
  while (run.step()) {
    if (show && !stepper.after_event()) {
      quit = true;
      break;
    }
    progress.tick(run);
  }
  progress.clear();
  run.finish();
  if (show) ladder.detach();
  if (auto error = stepper.input_error()) {
    std::fflush(stdout);
    return bad_input(*error);
  }
  auto wall = std::chrono::steady_clock::now() - wall_start;
  double wall_s = std::chrono::duration<double>(wall).count();

  // Summary: the connections (one line each, or their figures), then the checks, then the
  // totals.
  std::printf("\nsummary:\n");
  SummaryOptions so;
  so.per_flow = a.per_flow;
  for (const auto& c : scenario->checks) {
    if (c.kind == sim::CheckSpec::Kind::Integrity) so.integrity_checked = true;
  }
  print_connections(run, so);
  for (const std::string& line : run.app_summaries()) std::printf("  %s\n", line.c_str());
  bool all_ok = true;
  for (const auto& r : run.evaluate_checks()) {
    all_ok = all_ok && r.passed;
    std::printf("  check %s: %s%s\n", r.passed ? "ok  " : "FAIL", r.description.c_str(),
                r.detail.empty() || r.passed ? "" : (" — " + r.detail).c_str());
  }
  if (!a.pcap.empty()) std::printf("  capture: %s\n", a.pcap.c_str());
  if (!a.trace.empty()) std::printf("  trace: %s\n", a.trace.c_str());
  if (report) {
    auto w = report->write(scenario->name);
    if (!w.ok()) return bad_input(w.error());
    std::printf("  report: %s\n", report->path().c_str());
  }
  if (quit) std::printf("  (stopped by the user)\n");
  // The totals line comes last (docs/cli.md).
  std::printf("  sim_time=%s wall_time=%.3fs events=%llu segments=%llu\n",
              sim::format_millis(run.simulator().now()).c_str(), wall_s,
              static_cast<unsigned long long>(run.simulator().events_run()),
              static_cast<unsigned long long>(run.segments()));
  std::fflush(stdout);
  return all_ok ? 0 : kExitCheckFailed;
}

int cmd_scenarios() {
  for (const auto& b : sim::builtin_scenarios()) {
    auto s = sim::load_scenario(b.text, std::string(b.file));
    std::printf("%-20s %s\n", std::string(b.name).c_str(),
                s.ok() ? s->summary.c_str() : ("(broken: " + s.error().message + ")").c_str());
  }
  return 0;
}

}  // namespace
}  // namespace tcpsim::cli

int main(int argc, char** argv) {
  using namespace tcpsim::cli;
  CLI::App app{"tcpsim: a packet-level TCP/IP stack simulator", "tcpsim"};
  app.set_version_flag("--version", std::string("tcpsim ") + TCPSIM_VERSION);
  app.require_subcommand(0, 1);

  app.add_subcommand("scenarios", "List the built-in scenarios, one line each");

  RunArgs ra;
  CLI::App* run = app.add_subcommand("run", "Run a scenario (a built-in name or a .toml file)");
  run->add_option("SCENARIO", ra.scenario, "Built-in scenario name or path to a .toml file")
      ->required();
  run->add_option("--pcap", ra.pcap,
                  "Write every frame seen on the links (.pcap, or .pcapng with per-packet "
                  "comments naming state changes)");
  run->add_flag("--tcb-comments", ra.tcb_comments,
                "With a .pcapng --pcap: give each frame a comment holding its sender's TCB "
                "(state, cwnd, ssthresh, pipe, srtt, rto, ...) for tools/wireshark/tcpsim.lua");
  run->add_option("--trace", ra.trace, "Write the event trace as JSON Lines");
  run->add_option("--report", ra.report,
                  "Write an interactive HTML page of the run: ladder, state diagram, "
                  "time-sequence graph, cwnd and RTT, queues, flows, messages (docs/report.md)");
  run->add_flag("--step", ra.step,
                "Stop after each event: Enter = next, c = continue, b STATE = break when an "
                "endpoint enters STATE, p = print both TCBs, q = quit");
  run->add_flag("--explain", ra.explain, "Print the RFC 9293 rule behind each state change");
  run->add_option("--seed", ra.seed, "Random seed (default: the scenario's, so runs repeat)");
  run->add_option("--set", ra.sets,
                  "Override a scenario parameter, e.g. --set link.loss=0.01 --set link.delay=20ms "
                  "--set tcp.cc=reno --set app.client.send=10MB")
      ->allow_extra_args(false);
  run->add_flag("--quiet", ra.quiet, "Print only the summary");
  run->add_flag("--full", ra.full,
                "Print every segment (without it, long runs of data segments and ACKs with "
                "nothing else between them fold into one line)");
  run->add_flag("--per-flow", ra.per_flow,
                "In the summary, a table with a row per connection, then the figures over all "
                "of them (without it, more than 8 connections get only the figures)");

  ScriptCommandArgs sa;
  CLI::App* script =
      app.add_subcommand("script", "Run a packetdrill-style script against the stack");
  add_script_options(*script, sa);

  SweepArgs wa;
  CLI::App* sweep = app.add_subcommand(
      "sweep", "Run a scenario over a grid of --set values and seeds, one row per run");
  add_sweep_options(*sweep, wa);

  ReportArgs rpa;
  CLI::App* report = app.add_subcommand(
      "report", "Write the interactive HTML page of a finished run from its trace (and capture)");
  add_report_options(*report, rpa);

  InspectArgs ia;
  CLI::App* inspect = app.add_subcommand(
      "inspect", "Follow the TCP connections of a capture and infer both ends' states");
  add_inspect_options(*inspect, ia);

  tcpsim::bridge::BridgeArgs ba;
  CLI::App* bridge = app.add_subcommand(
      "bridge", "Run a simulated host that talks to the Linux kernel over a TUN device");
  tcpsim::bridge::add_bridge_options(*bridge, ba);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitBadInput;
  }
  if (app.got_subcommand("scenarios")) return cmd_scenarios();
  if (app.got_subcommand(run)) return cmd_run(ra);
  if (app.got_subcommand(script)) {
    sa.extras = script->remaining();
    return run_script_command(sa);
  }
  if (app.got_subcommand(sweep)) return cmd_sweep(wa);
  if (app.got_subcommand(bridge)) return cmd_bridge(ba);
  if (app.got_subcommand(report)) return cmd_report(rpa);
  if (app.got_subcommand(inspect)) return cmd_inspect(ia);
  std::fputs(app.help().c_str(), stdout);
  return 0;
}
