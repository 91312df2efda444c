#include "bridge_command.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>

#include "ladder.hpp"
#include "sim/core/units.hpp"
#include "sim/net/interface.hpp"
#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/realtime/tun_port.hpp"
#include "sim/scenario/run.hpp"
#include "sim/trace/jsonl_sink.hpp"
#include "tools/bridge/bridge_scenario.hpp"
#include "tools/bridge/net_config.hpp"
#include "tools/bridge/realtime_loop.hpp"
#include "tools/bridge/tun_device.hpp"

namespace tcpsim::cli {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitNoSupport = 3;
// A client that never finishes is stopped after this long unless --duration says otherwise.
constexpr Nanos kClientLimit = 60 * kSecond;

int complain(int code, const sim::Error& e) {
  std::fprintf(stderr, "tcpsim bridge: %s\n", e.message.c_str());
  return code;
}

// Every connection's states in order, from the host's transitions (for the summary).
class ConnectionLog final : public sim::HostListener {
 public:
  void on_transition(Nanos, const sim::Host&, const tcp::Connection& conn, tcp::State from,
                     tcp::State to, std::string_view, std::uint64_t) override {
    std::string id = conn.local().to_string() + " " + conn.remote().to_string();
    auto it = index_.find(id);
    if (it == index_.end()) {
      it = index_.emplace(id, entries_.size()).first;
      entries_.push_back(
          {conn.local().to_string(), conn.remote().to_string(), std::string(tcp::to_string(from))});
    }
    std::string& states = entries_[it->second].states;
    states += ' ';
    states += tcp::to_string(to);
  }
  struct Entry {
    std::string local, remote, states;
  };
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::map<std::string, std::size_t> index_;
  std::vector<Entry> entries_;
};

// No connection on the host is still exchanging anything.
bool quiescent(const sim::Host& h) {
  for (const tcp::Connection* c : h.tcp().connections()) {
    if (c->state() != tcp::State::Closed && c->state() != tcp::State::TimeWait) return false;
  }
  return true;
}

std::string plan_text(const bridge::AddressPlan& plan, bool kernel) {
  std::string s;
  for (const auto& p : plan.pairs) {
    if (!s.empty()) s += ' ';
    s += kernel ? p.kernel.to_string() : p.host.to_string();
  }
  return s;
}

sim::Status write_ready_file(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << text;
    if (!out) {
      return sim::fail_with(sim::Errc::Io, fmt::format("--ready-file {}: cannot write", path),
                            "--ready-file");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return sim::fail_with(sim::Errc::Io,
                          fmt::format("--ready-file {}: {}", path, std::strerror(errno)),
                          "--ready-file");
  }
  return sim::ok_status();
}

// IPv6 needs an MTU of at least 1280 (RFC 8200 §5); the device gets the link's.
sim::Status check_mtu(const bridge::BridgeConfig& cfg, std::uint32_t mtu) {
  if (mtu >= 1280 || cfg.plan.find(wire::IpAddress::Family::V6) == nullptr) {
    return sim::ok_status();
  }
  return sim::fail_with(
      sim::Errc::OutOfRange,
      fmt::format("link.mtu {} is below IPv6's minimum of 1280 (RFC 8200 §5): use a larger MTU, "
                  "or IPv4 only (--kernel-addr 198.18.0.1/24 --host-addr 198.18.0.2)",
                  mtu),
      "--set link.mtu");
}

LadderOptions ladder_options(const bridge::BridgeConfig& cfg, const bridge::TunDevice& tun) {
  LadderOptions o;
  o.explain = cfg.explain;
  o.color = wants_color(isatty(STDOUT_FILENO) != 0, std::getenv("NO_COLOR"));
  // Live traffic: every segment as it happens, none held back for a fold.
  o.full = true;
  o.peer_column = bridge::kKernelName;
  o.peer_title = fmt::format("kernel (Linux, {})", tun.name());
  if (!cfg.is_client()) o.left_state = "LISTEN";
  return o;
}

// The application whose end ends a client bridge: an HTTP client, else a client peer.
struct BridgeClient {
  const sim::HttpClient* http = nullptr;
  const sim::Peer* peer = nullptr;

  explicit BridgeClient(const sim::ScenarioRun& run) {
    auto http_clients = run.apps_of<sim::HttpClient>();
    if (!http_clients.empty()) http = http_clients.front();
    for (const sim::Peer* p : run.apps_of<sim::Peer>()) {
      if (p->config().role == sim::PeerConfig::Role::Client) peer = p;
    }
  }

  // The peer's FIN has arrived (or the connection failed) and no connection is still
  // exchanging anything: what is left is TIME-WAIT, which needs no process.
  bool finished(const sim::Host& host) const {
    bool app_done = false;
    if (http != nullptr) {
      app_done = http->finished();
    } else if (peer != nullptr) {
      auto reports = peer->reports();
      app_done = !reports.empty() && std::all_of(reports.begin(), reports.end(), [](const auto& r) {
        return r.peer_closed || r.error != tcp::Errno::Ok;
      });
    }
    return app_done && quiescent(host);
  }
};

void print_device(const bridge::TunDevice& tun, const sim::TunPortStats& ps) {
  std::string dropped;
  for (std::size_t i = 0; i < sim::kIntakeDropCount; ++i) {
    if (ps.dropped[i] == 0) continue;
    dropped += fmt::format("{}{} {}", dropped.empty() ? "" : ", ", ps.dropped[i],
                           sim::to_string(static_cast<sim::IntakeDrop>(i)));
  }
  std::printf(
      "  %s: from the kernel %llu packets (%llu bytes), to the kernel %llu packets (%llu "
      "bytes), not taken in: %s\n",
      tun.name().c_str(), static_cast<unsigned long long>(ps.packets_in),
      static_cast<unsigned long long>(ps.bytes_in), static_cast<unsigned long long>(ps.packets_out),
      static_cast<unsigned long long>(ps.bytes_out), dropped.empty() ? "none" : dropped.c_str());
  if (ps.write_failures > 0) {
    std::printf("  %s: %llu packets could not be written (%s)\n", tun.name().c_str(),
                static_cast<unsigned long long>(ps.write_failures), tun.last_write_error().c_str());
  }
}

void print_link_drops(sim::ScenarioRun& run) {
  for (const auto& l : run.network().links()) {
    for (const sim::LinkDirection* d : {&l->a_to_b(), &l->b_to_a()}) {
      const sim::LinkStats& st = d->stats();
      if (st.dropped_total() == 0) continue;
      std::string causes;
      for (std::size_t i = 0; i < sim::kDropCauseCount; ++i) {
        if (st.drops[i] == 0) continue;
        causes += fmt::format("{}{} {}", causes.empty() ? "" : ", ", st.drops[i],
                              sim::to_string(static_cast<sim::DropCause>(i)));
      }
      std::printf("  link %s -> %s: dropped %s\n", d->from().owner().name().c_str(),
                  d->to().owner().name().c_str(), causes.c_str());
    }
  }
}

// One line per connection of each peer; true if a client connection failed.
bool print_peers(const sim::ScenarioRun& run, const sim::Host& host) {
  bool failed = false;
  for (const sim::Peer* p : run.apps_of<sim::Peer>()) {
    const bool client = p->config().role == sim::PeerConfig::Role::Client;
    for (const auto& r : p->reports()) {
      std::string line = fmt::format(
          "  {} {} {} {}: sent={} sent_sha256={} received={} received_sha256={} "
          "retransmissions={}",
          r.app, r.local, client ? ">" : "<", r.remote, r.bytes_sent, r.sent_sha256,
          r.bytes_received, r.received_sha256, host.retransmissions(r.local + ">" + r.remote));
      if (r.peer_closed) line += " peer_closed";
      if (r.error != tcp::Errno::Ok) {
        line += fmt::format(" error={}", tcp::errno_name(r.error));
        if (client) failed = true;
      }
      std::printf("%s\n", line.c_str());
    }
  }
  return failed;
}

// Every exchange of the HTTP client; true unless each got a 2xx answer.
bool print_http_client(const sim::HttpClient& client) {
  bool failed = false;
  for (const sim::HttpExchange& x : client.exchanges()) {
    std::printf("  client GET %s: status=%d body=%llu body_sha256=%s\n", x.path.c_str(), x.status,
                static_cast<unsigned long long>(x.body_bytes),
                x.status == 0 ? "-" : x.body_sha256.c_str());
    if (x.status < 200 || x.status > 299) failed = true;
  }
  std::printf("  client: %s\n", client.summary().c_str());
  return failed || client.error() != tcp::Errno::Ok || client.exchanges().empty();
}

void print_servers(const sim::ScenarioRun& run) {
  for (const sim::HttpServer* server : run.apps_of<sim::HttpServer>()) {
    std::printf("  %s: %llu requests, %llu bad requests\n", server->config().name.c_str(),
                static_cast<unsigned long long>(server->requests()),
                static_cast<unsigned long long>(server->errors()));
  }
  for (const sim::WebSocketServer* server : run.apps_of<sim::WebSocketServer>()) {
    std::string codes;
    for (std::uint16_t c : server->close_codes()) codes += fmt::format(" {}", c);
    std::printf("  %s: %llu sessions, %llu messages in, %llu out, %llu refused, close codes:%s\n",
                server->config().name.c_str(), static_cast<unsigned long long>(server->sessions()),
                static_cast<unsigned long long>(server->messages_received()),
                static_cast<unsigned long long>(server->messages_sent()),
                static_cast<unsigned long long>(server->refused()),
                codes.empty() ? " none" : codes.c_str());
  }
}

// Why the loop stopped; true if that is a failure.
bool print_stop(const Result<bridge::LoopResult, sim::Error>& result, bool client, Nanos duration) {
  if (!result.ok()) {
    std::printf("  stopped: %s\n", result.error().message.c_str());
    return true;
  }
  switch (result->reason) {
    case bridge::StopReason::Signal: {
      const char* abbrev = sigabbrev_np(result->signal);
      std::printf("  stopped by %s\n",
                  abbrev != nullptr ? ("SIG" + std::string(abbrev)).c_str() : "a signal");
      return false;
    }
    case bridge::StopReason::Duration:
      if (client) {
        std::printf("  stopped: the exchange did not finish within %s\n",
                    sim::format_duration(duration).c_str());
        return true;
      }
      std::printf("  stopped: --duration %s reached\n", sim::format_duration(duration).c_str());
      return false;
    case bridge::StopReason::Done:
      std::printf("  finished\n");
      return false;
  }
  return false;
}

// What a bridge run holds, set up in this order (and torn down in the reverse one): the
// checked options, the scenario, the files, the device, the simulated run.
struct BridgeSetup {
  std::optional<bridge::BridgeConfig> cfg;
  std::optional<sim::Scenario> scenario;
  std::unique_ptr<sim::JsonLinesTraceSink> trace;
  std::unique_ptr<bridge::TunDevice> device;
  std::unique_ptr<sim::ScenarioRun> run;
  sim::TunPort* port = nullptr;
};

// Sets everything up; an exit code if something is refused.
std::optional<int> set_up(const bridge::BridgeArgs& args, BridgeSetup& b) {
  auto checked = bridge::check_bridge_args(args);
  if (!checked.ok()) return complain(kExitBadInput, checked.error());
  const bridge::BridgeConfig& cfg = b.cfg.emplace(*checked);
  auto scenario = bridge::bridge_scenario(cfg);
  if (!scenario.ok()) return complain(kExitBadInput, scenario.error());
  b.scenario.emplace(std::move(scenario.value()));

  const std::uint32_t mtu = b.scenario->links.front().params.mtu;
  if (auto st = check_mtu(cfg, mtu); !st.ok()) return complain(kExitBadInput, st.error());

  // Files first, so that a bad path is refused before the machine is touched.
  if (!cfg.trace.empty()) {
    auto t = sim::JsonLinesTraceSink::open(cfg.trace);
    if (!t.ok()) return complain(kExitBadInput, t.error());
    b.trace = std::move(t.value());
  }

  // The machine: the device and its addresses.
  auto device = bridge::TunDevice::open(cfg.tun);
  if (!device.ok()) return complain(kExitNoSupport, device.error());
  b.device = std::move(device.value());
  bridge::TunDevice& tun = *b.device;
  if (auto st = bridge::configure_device(tun.name(), cfg.plan, mtu); !st.ok()) {
    return complain(kExitNoSupport, st.error());
  }

  auto built = sim::ScenarioRun::build(
      *b.scenario, [&](const sim::HostSpec& h) -> std::unique_ptr<sim::Node> {
        if (h.name != bridge::kKernelName) return nullptr;
        auto p = std::make_unique<sim::TunPort>(h.name, cfg.plan.host_addresses(), tun);
        b.port = p.get();
        return p;
      });
  if (!built.ok()) return complain(kExitBadInput, built.error());
  b.run = std::move(built.value());
  if (!cfg.pcap.empty()) {
    auto r = b.run->capture_to(cfg.pcap);
    if (!r.ok()) return complain(kExitBadInput, r.error());
  }
  if (b.trace) b.run->trace().subscribe(*b.trace);
  return std::nullopt;
}

// The summary after the loop; true if the exchange failed.
bool print_summary(const BridgeSetup& b, const ConnectionLog& log, const BridgeClient& client,
                   const Result<bridge::LoopResult, sim::Error>& result, Nanos duration) {
  const bridge::BridgeConfig& cfg = *b.cfg;
  sim::ScenarioRun& run = *b.run;
  std::printf("\nsummary:\n");
  print_device(*b.device, b.port->stats());
  print_link_drops(run);
  for (const auto& e : log.entries()) {
    std::printf("  connection %s <> %s: %s\n", e.local.c_str(), e.remote.c_str(), e.states.c_str());
  }
  bool failed = print_peers(run, *run.host(bridge::kHostName));
  if (cfg.is_client() && client.peer != nullptr && client.peer->reports().empty()) failed = true;
  if (client.http != nullptr && print_http_client(*client.http)) failed = true;
  print_servers(run);
  if (!cfg.pcap.empty()) std::printf("  capture: %s\n", cfg.pcap.c_str());
  if (!cfg.trace.empty()) std::printf("  trace: %s\n", cfg.trace.c_str());
  if (print_stop(result, cfg.is_client(), duration)) failed = true;
  std::printf("  sim_time=%s wall_time=%.3fs events=%llu segments=%llu\n",
              sim::format_millis(run.simulator().now()).c_str(),
              static_cast<double>(result.ok() ? result->wall : run.simulator().now()) / 1e9,
              static_cast<unsigned long long>(run.simulator().events_run()),
              static_cast<unsigned long long>(run.segments()));
  return failed;
}

}  // namespace

int cmd_bridge(const bridge::BridgeArgs& args) {
  BridgeSetup b;
  if (auto code = set_up(args, b)) return *code;
  const bridge::BridgeConfig& cfg = *b.cfg;
  sim::ScenarioRun& run = *b.run;
  bridge::TunDevice& tun = *b.device;
  sim::Host& host = *run.host(bridge::kHostName);
  ConnectionLog log;
  host.add_listener(log);

  Ladder ladder(run, stdout, ladder_options(cfg, tun));
  const bool show = !cfg.quiet;
  std::printf("bridge %s: kernel %s, tcpsim %s; %s\n", tun.name().c_str(),
              plan_text(cfg.plan, true).c_str(), plan_text(cfg.plan, false).c_str(),
              b.scenario->summary.c_str());
  if (show) {
    ladder.attach();
    ladder.print_header();
  }
  std::fflush(stdout);

  bridge::RealtimeLoop loop(run.simulator(), tun, *b.port);  // SIGINT/SIGTERM caught from here
  run.start();
  run.simulator().run_until(run.simulator().now());  // listeners bound, clients connecting
  if (!cfg.ready_file.empty()) {
    std::string text = fmt::format("{} {} {}\n", tun.name(), plan_text(cfg.plan, true),
                                   plan_text(cfg.plan, false));
    if (auto st = write_ready_file(cfg.ready_file, text); !st.ok()) {
      return complain(kExitBadInput, st.error());
    }
  }

  bridge::LoopOptions lo;
  lo.duration = cfg.duration;
  lo.after_batch = [] { std::fflush(stdout); };
  const BridgeClient client(run);
  if (cfg.is_client()) {
    if (!lo.duration) lo.duration = kClientLimit;
    lo.done = [&] { return client.finished(host); };
  }
  auto result = loop.run(lo);
  run.finish();
  if (show) ladder.detach();

  bool failed = print_summary(b, log, client, result, lo.duration.value_or(0));
  std::fflush(stdout);
  if (!result.ok()) complain(kExitFailed, result.error());
  return failed ? kExitFailed : 0;
}

}  // namespace tcpsim::cli
