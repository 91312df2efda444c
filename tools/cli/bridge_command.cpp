#include "bridge_command.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>

#include "ladder.hpp"
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

int complain(int code, const std::string& msg) {
  std::fprintf(stderr, "tcpsim bridge: %s\n", msg.c_str());
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
    if (!out) return tcpsim::fail(fmt::format("--ready-file {}: cannot write", path));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return tcpsim::fail(fmt::format("--ready-file {}: {}", path, std::strerror(errno)));
  }
  return sim::ok_status();
}

}  // namespace

int cmd_bridge(const bridge::BridgeArgs& args) {
  auto checked = bridge::check_bridge_args(args);
  if (!checked.ok()) return complain(kExitBadInput, checked.error());
  const bridge::BridgeConfig& cfg = *checked;
  auto scenario = bridge::bridge_scenario(cfg);
  if (!scenario.ok()) return complain(kExitBadInput, scenario.error());

  // IPv6 needs an MTU of at least 1280 (RFC 8200 §5); the device gets the link's.
  const std::uint32_t mtu = scenario->links.front().params.mtu;
  if (mtu < 1280 && cfg.plan.find(wire::IpAddress::Family::V6) != nullptr) {
    return complain(kExitBadInput,
                    fmt::format("link.mtu {} is below IPv6's minimum of 1280 (RFC 8200 §5): use "
                                "a larger MTU, or IPv4 only (--kernel-addr 198.18.0.1/24 "
                                "--host-addr 198.18.0.2)",
                                mtu));
  }

  // Files first, so that a bad path is refused before the machine is touched.
  std::unique_ptr<sim::JsonLinesTraceSink> trace;
  if (!cfg.trace.empty()) {
    auto t = sim::JsonLinesTraceSink::open(cfg.trace);
    if (!t.ok()) return complain(kExitBadInput, t.error());
    trace = std::move(t.value());
  }

  // The machine: the device and its addresses.
  auto device = bridge::TunDevice::open(cfg.tun);
  if (!device.ok()) return complain(kExitNoSupport, device.error());
  bridge::TunDevice& tun = **device;
  if (auto st = bridge::configure_device(tun.name(), cfg.plan, mtu); !st.ok()) {
    return complain(kExitNoSupport, st.error());
  }

  sim::TunPort* port = nullptr;
  auto built =
      sim::ScenarioRun::build(*scenario, [&](const sim::HostSpec& h) -> std::unique_ptr<sim::Node> {
        if (h.name != bridge::kKernelName) return nullptr;
        auto p = std::make_unique<sim::TunPort>(h.name, cfg.plan.host_addresses(), tun);
        port = p.get();
        return p;
      });
  if (!built.ok()) return complain(kExitBadInput, built.error());
  sim::ScenarioRun& run = **built;
  sim::Host& host = *run.host(bridge::kHostName);

  if (!cfg.pcap.empty()) {
    auto r = run.capture_to(cfg.pcap);
    if (!r.ok()) return complain(kExitBadInput, r.error());
  }
  if (trace) run.trace().subscribe(*trace);
  ConnectionLog log;
  host.add_listener(log);

  bool color = isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
  LadderOptions ladder_options;
  ladder_options.explain = cfg.explain;
  ladder_options.color = color;
  ladder_options.peer_column = bridge::kKernelName;
  ladder_options.peer_title = fmt::format("kernel (Linux, {})", tun.name());
  if (!cfg.is_client()) ladder_options.left_state = "LISTEN";
  Ladder ladder(run, stdout, ladder_options);
  const bool show = !cfg.quiet;
  std::printf("bridge %s: kernel %s, tcpsim %s; %s\n", tun.name().c_str(),
              plan_text(cfg.plan, true).c_str(), plan_text(cfg.plan, false).c_str(),
              scenario->summary.c_str());
  if (show) {
    ladder.attach();
    ladder.print_header();
  }
  std::fflush(stdout);

  bridge::RealtimeLoop loop(run.simulator(), tun, *port);  // SIGINT/SIGTERM caught from here
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
  const sim::HttpClient* http_client =
      run.apps_of<sim::HttpClient>().empty() ? nullptr : run.apps_of<sim::HttpClient>().front();
  const sim::Peer* client_peer = nullptr;
  for (const auto& p : run.apps_of<sim::Peer>()) {
    if (p->config().role == sim::PeerConfig::Role::Client) client_peer = p;
  }
  if (cfg.is_client()) {
    if (!lo.duration) lo.duration = kClientLimit;
    lo.done = [&] {
      // The peer's FIN has arrived (or the connection failed) and no connection is still
      // exchanging anything: what is left is TIME-WAIT, which needs no process.
      bool app_done = false;
      if (http_client != nullptr) {
        app_done = http_client->finished();
      } else if (client_peer != nullptr) {
        auto reports = client_peer->reports();
        app_done =
            !reports.empty() && std::all_of(reports.begin(), reports.end(), [](const auto& r) {
              return r.peer_closed || r.error != tcp::Errno::Ok;
            });
      }
      return app_done && quiescent(host);
    };
  }
  auto result = loop.run(lo);
  run.finish();
  if (show) ladder.detach();

  // Summary.
  bool failed = false;
  std::printf("\nsummary:\n");
  const sim::TunPortStats& ps = port->stats();
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
  for (const auto& e : log.entries()) {
    std::printf("  connection %s <> %s: %s\n", e.local.c_str(), e.remote.c_str(), e.states.c_str());
  }
  for (const auto& p : run.apps_of<sim::Peer>()) {
    for (const auto& r : p->reports()) {
      std::string line = fmt::format(
          "  {} {} {} {}: sent={} sent_sha256={} received={} received_sha256={} "
          "retransmissions={}",
          r.app, r.local, p->config().role == sim::PeerConfig::Role::Client ? ">" : "<", r.remote,
          r.bytes_sent, r.sent_sha256, r.bytes_received, r.received_sha256,
          host.retransmissions(r.local + ">" + r.remote));
      if (r.peer_closed) line += " peer_closed";
      if (r.error != tcp::Errno::Ok) {
        line += fmt::format(" error={}", tcp::errno_name(r.error));
        if (p->config().role == sim::PeerConfig::Role::Client) failed = true;
      }
      std::printf("%s\n", line.c_str());
    }
  }
  if (cfg.is_client() && client_peer != nullptr && client_peer->reports().empty()) failed = true;
  if (http_client != nullptr) {
    for (const sim::HttpExchange& x : http_client->exchanges()) {
      std::printf("  client GET %s: status=%d body=%llu body_sha256=%s\n", x.path.c_str(), x.status,
                  static_cast<unsigned long long>(x.body_bytes),
                  x.status == 0 ? "-" : x.body_sha256.c_str());
      if (x.status < 200 || x.status > 299) failed = true;
    }
    std::printf("  client: %s\n", http_client->summary().c_str());
    if (http_client->error() != tcp::Errno::Ok || http_client->exchanges().empty()) failed = true;
  }
  for (const auto& server : run.apps_of<sim::HttpServer>()) {
    std::printf("  %s: %llu requests, %llu bad requests\n", server->config().name.c_str(),
                static_cast<unsigned long long>(server->requests()),
                static_cast<unsigned long long>(server->errors()));
  }
  for (const auto& server : run.apps_of<sim::WebSocketServer>()) {
    std::string codes;
    for (std::uint16_t c : server->close_codes()) codes += fmt::format(" {}", c);
    std::printf("  %s: %llu sessions, %llu messages in, %llu out, %llu refused, close codes:%s\n",
                server->config().name.c_str(), static_cast<unsigned long long>(server->sessions()),
                static_cast<unsigned long long>(server->messages_received()),
                static_cast<unsigned long long>(server->messages_sent()),
                static_cast<unsigned long long>(server->refused()),
                codes.empty() ? " none" : codes.c_str());
  }
  if (!cfg.pcap.empty()) std::printf("  capture: %s\n", cfg.pcap.c_str());
  if (!cfg.trace.empty()) std::printf("  trace: %s\n", cfg.trace.c_str());
  if (!result.ok()) {
    std::printf("  stopped: %s\n", result.error().c_str());
    failed = true;
  } else {
    switch (result->reason) {
      case bridge::StopReason::kSignal: {
        const char* abbrev = sigabbrev_np(result->signal);
        std::printf("  stopped by %s\n",
                    abbrev != nullptr ? ("SIG" + std::string(abbrev)).c_str() : "a signal");
        break;
      }
      case bridge::StopReason::kDuration:
        if (cfg.is_client()) {
          std::printf("  stopped: the exchange did not finish within %s\n",
                      sim::format_duration(*lo.duration).c_str());
          failed = true;
        } else {
          std::printf("  stopped: --duration %s reached\n",
                      sim::format_duration(*lo.duration).c_str());
        }
        break;
      case bridge::StopReason::kDone:
        std::printf("  finished\n");
        break;
    }
  }
  std::printf("  sim_time=%s wall_time=%.3fs events=%llu segments=%llu\n",
              sim::format_millis(run.simulator().now()).c_str(),
              static_cast<double>(result.ok() ? result->wall : run.simulator().now()) / 1e9,
              static_cast<unsigned long long>(run.simulator().events_run()),
              static_cast<unsigned long long>(run.segments()));
  std::fflush(stdout);
  if (!result.ok()) std::fprintf(stderr, "tcpsim bridge: %s\n", result.error().c_str());
  return failed ? kExitFailed : 0;
}

}  // namespace tcpsim::cli
