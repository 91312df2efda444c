// A scenario made real: the simulator, the network with its hosts, routers, links and
// faults, the applications, optional capture and trace, and the checks at the end.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/app/stream_ledger.hpp"
#include "sim/capture/capture_writer.hpp"
#include "sim/core/simulator.hpp"
#include "sim/host/host.hpp"
#include "sim/net/network.hpp"
#include "sim/net/status.hpp"
#include "sim/net/tap.hpp"
#include "sim/scenario/annotated_capture.hpp"
#include "sim/scenario/app.hpp"
#include "sim/scenario/run_figures.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/trace/trace.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::sim {

// One connection as the summary shows it: both ends joined where both are known.
struct ConnectionSummary {
  std::string client_app, server_app;
  std::string client, server;                  // endpoints
  std::uint64_t to_server = 0, to_client = 0;  // bytes delivered each way
  Nanos duration = 0;
  std::uint64_t retransmissions = 0;
  std::string error;      // errno name seen by the client, if any
  std::string integrity;  // "ok", "MISMATCH", or "n/a" when no stream was exchanged
  Nanos opened = 0;       // when the client's connection opened
  std::string cc;         // the client host's congestion control, e.g. "cubic"
  std::string profile;    // the client host's profile, e.g. "linux"
};

class ScenarioRun {
 public:
  // Gives the node that stands in for a [[host]], or nullptr for a simulated Host. The
  // bridge puts the real kernel (a TunPort) where its scenario names the "kernel" host.
  using HostStandIn = std::function<std::unique_ptr<Node>(const HostSpec&)>;

  static Result<std::unique_ptr<ScenarioRun>, Error> build(const Scenario& s,
                                                           HostStandIn stand_in = {});
  ~ScenarioRun();

  const Scenario& scenario() const { return scenario_; }
  Simulator& simulator() { return sim_; }
  Network& network() { return *net_; }
  const Network& network() const { return *net_; }
  Trace& trace() { return net_->trace(); }
  const std::vector<Host*>& hosts() const { return hosts_; }
  Host* host(std::string_view name) const;
  // The applications, in the order of the scenario's [[app]] tables.
  const std::vector<std::unique_ptr<App>>& apps() const { return apps_; }
  // The applications of one kind (Peer, HttpClient, WebSocketServer, ...), in order.
  template <class T>
  std::vector<const T*> apps_of() const {
    std::vector<const T*> out;
    for (const auto& a : apps_) {
      if (const auto* t = dynamic_cast<const AppOf<T>*>(a.get())) out.push_back(&t->get());
    }
    return out;
  }

  // Captures every link at egress into `path` (.pcap or .pcapng, comments in pcapng):
  // each frame once, as the host or stand-in that sent it puts it on the wire. With
  // TcbComments::On (pcapng only) each frame a connection sent also carries its TCB.
  enum class TcbComments : std::uint8_t { Off, On };
  Status capture_to(const std::string& path, TcbComments tcbs = TcbComments::Off);
  // The same into a writer of the caller's (a FrameRecorder, say). Call at most once.
  void capture_to(std::unique_ptr<CaptureWriter> writer, TcbComments tcbs = TcbComments::Off);

  // Starts the applications (call once, before stepping or running).
  void start();
  // Runs one event; false when the run is over (no events, or the time limit).
  bool step();
  void run();
  bool done();
  // Ends the run: flushes the capture and the trace.
  void finish();

  std::vector<ConnectionSummary> connections() const;
  // The figures over every connection and link (run_figures.hpp).
  RunFigures figures() const { return run_figures(connections(), *net_); }
  // The applications' own summary lines (HTTP and WebSocket clients, WebSocket servers),
  // then a table comparing the feed clients when there are two or more.
  std::vector<std::string> app_summaries() const;
  // One line per host whose listen queue overflowed (SYN cookies, drops); none otherwise.
  std::vector<std::string> listen_summaries() const;
  std::vector<CheckResult> evaluate_checks() const;
  // Every application, kind by kind: the given kinds (AppConfig::index() values) first, in
  // that order, then the others in registry order, so that a kind added to the registry
  // reports after those the reports have always had.
  std::vector<const App*> apps_by_kind(std::initializer_list<std::size_t> first) const;
  // Segments put on any link (including retransmissions and drops on the wire).
  std::uint64_t segments() const;

 private:
  explicit ScenarioRun(const Scenario& s);
  Status assemble(const HostStandIn& stand_in);
  // The steps of assemble (run_build.cpp).
  Status add_nodes_and_links(const HostStandIn& stand_in);
  Status add_faults();
  Status add_apps();
  // The checks on hosts and connections rather than on one application (run_checks.cpp).
  CheckResult check_connections(const CheckSpec& c) const;

  Scenario scenario_;
  Simulator sim_;
  std::unique_ptr<Network> net_;
  std::vector<Host*> hosts_;
  std::map<std::string, Host*, std::less<>> hosts_by_name_;
  StreamLedger ledger_;  // before the applications: they use it until they are gone
  std::vector<std::unique_ptr<App>> apps_;
  std::unique_ptr<AnnotatedCapture> capture_;
  std::unique_ptr<Tap> tap_;
  bool started_ = false;
};

}  // namespace tcpsim::sim
