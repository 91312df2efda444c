// A scenario made real: the simulator, the network with its hosts, routers, links and
// faults, the applications, optional capture and trace, and the checks at the end.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/app/http_app.hpp"
#include "sim/app/peer.hpp"
#include "sim/app/stream_ledger.hpp"
#include "sim/app/websocket_app.hpp"
#include "sim/core/simulator.hpp"
#include "sim/host/host.hpp"
#include "sim/net/network.hpp"
#include "sim/net/tap.hpp"
#include "sim/scenario/annotated_capture.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/trace/trace.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::sim {

struct CheckResult {
  std::string description;
  bool passed = false;
  std::string detail;  // why it failed, or what was seen
};

// One connection as the summary shows it: both ends joined where both are known.
struct ConnectionSummary {
  std::string client_app, server_app;
  std::string client, server;                  // endpoints
  std::uint64_t to_server = 0, to_client = 0;  // bytes delivered each way
  Nanos duration = 0;
  std::uint64_t retransmissions = 0;
  std::string error;      // errno name seen by the client, if any
  std::string integrity;  // "ok", "MISMATCH", or "" when not checked
};

class ScenarioRun {
 public:
  // Gives the node that stands in for a [[host]], or nullptr for a simulated Host. The
  // bridge puts the real kernel (a TunPort) where its scenario names the "kernel" host.
  using HostStandIn = std::function<std::unique_ptr<Node>(const HostSpec&)>;

  static Result<std::unique_ptr<ScenarioRun>, std::string> build(const Scenario& s,
                                                                 HostStandIn stand_in = {});
  ~ScenarioRun();

  const Scenario& scenario() const { return scenario_; }
  Simulator& simulator() { return sim_; }
  Network& network() { return *net_; }
  Trace& trace() { return net_->trace(); }
  const std::vector<Host*>& hosts() const { return hosts_; }
  Host* host(std::string_view name) const;
  const std::vector<std::unique_ptr<Peer>>& peers() const { return peers_; }

  // Captures every link at egress into `path` (.pcap or .pcapng, comments in pcapng):
  // each frame once, as the host or stand-in that sent it puts it on the wire.
  Result<std::monostate, std::string> capture_to(const std::string& path);

  // Starts the applications (call once, before stepping or running).
  void start();
  // Runs one event; false when the run is over (no events, or the time limit).
  bool step();
  void run();
  bool done();
  // Ends the run: flushes the capture and the trace.
  void finish();

  std::vector<ConnectionSummary> connections() const;
  // One line per application that is not a byte-stream peer (HTTP clients), for summaries.
  std::vector<std::string> app_summaries() const;
  const std::vector<std::unique_ptr<HttpClient>>& http_clients() const { return http_clients_; }
  const std::vector<std::unique_ptr<HttpServer>>& http_servers() const { return http_servers_; }
  const std::vector<std::unique_ptr<WebSocketServer>>& websocket_servers() const {
    return ws_servers_;
  }
  const std::vector<std::unique_ptr<WebSocketClient>>& websocket_clients() const {
    return ws_clients_;
  }
  const std::vector<std::unique_ptr<PollingClient>>& polling_clients() const {
    return polling_clients_;
  }
  std::vector<CheckResult> evaluate_checks() const;
  // Segments put on any link (including retransmissions and drops on the wire).
  std::uint64_t segments() const;

 private:
  explicit ScenarioRun(const Scenario& s);
  Result<std::monostate, std::string> assemble(const HostStandIn& stand_in);

  Scenario scenario_;
  Simulator sim_;
  std::unique_ptr<Network> net_;
  std::vector<Host*> hosts_;
  StreamLedger ledger_;  // before the applications: they use it until they are gone
  std::vector<std::unique_ptr<Peer>> peers_;
  std::vector<std::unique_ptr<HttpServer>> http_servers_;
  std::vector<std::unique_ptr<HttpClient>> http_clients_;
  std::vector<std::unique_ptr<WebSocketServer>> ws_servers_;
  std::vector<std::unique_ptr<WebSocketClient>> ws_clients_;
  std::vector<std::unique_ptr<PollingClient>> polling_clients_;
  std::unique_ptr<AnnotatedCapture> capture_;
  std::unique_ptr<Tap> tap_;
  bool started_ = false;
};

}  // namespace tcpsim::sim
