#include "sim/scenario/run.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "sim/capture/capture_writer.hpp"
#include "sim/net/interface.hpp"
#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/net/router.hpp"
#include "sim/net/scripted_fault.hpp"

namespace tcpsim::sim {
namespace {

// A per-name secret from the seed (splitmix64 over the name), so hosts differ but a seed
// fixes them all.
std::uint64_t derive(std::uint64_t seed, std::string_view name) {
  std::uint64_t h = seed ^ 0x6a09e667f3bcc908ULL;
  for (char c : name) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  h += 0x9E3779B97F4A7C15ULL;
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
  return h ^ (h >> 31);
}

}  // namespace

ScenarioRun::ScenarioRun(const Scenario& s) : scenario_(s) {}

ScenarioRun::~ScenarioRun() {
  if (net_ && capture_) net_->remove_observer(*capture_);
}

Result<std::unique_ptr<ScenarioRun>, std::string> ScenarioRun::build(const Scenario& s,
                                                                     HostStandIn stand_in) {
  std::unique_ptr<ScenarioRun> run(new ScenarioRun(s));
  auto r = run->assemble(stand_in);
  if (!r.ok()) return fail(r.error());
  return run;
}

Host* ScenarioRun::host(std::string_view name) const {
  for (Host* h : hosts_) {
    if (h->name() == name) return h;
  }
  return nullptr;
}

Result<std::monostate, std::string> ScenarioRun::assemble(const HostStandIn& stand_in) {
  const Scenario& s = scenario_;
  net_ = std::make_unique<Network>(sim_, s.seed);
  for (const HostSpec& h : s.hosts) {
    if (stand_in) {
      if (std::unique_ptr<Node> node = stand_in(h)) {
        net_->adopt(std::move(node));
        continue;
      }
    }
    hosts_.push_back(&net_->add_node<Host>(h.name, h.tcp, h.addresses, derive(s.seed, h.name)));
  }
  std::map<std::string, Router*> routers;
  for (const std::string& r : s.routers) routers[r] = &net_->add_node<Router>(r);
  for (const LinkSpec& l : s.links) {
    Node* a = net_->find_node(l.a);
    Node* b = net_->find_node(l.b);
    if (a == nullptr || b == nullptr)
      return fail(fmt::format("link {}-{}: unknown node", l.a, l.b));
    Link& link = net_->connect(*a, *b, l.params);
    link.a_to_b().set_faults(l.faults);
    link.b_to_a().set_faults(l.faults);
  }
  // Routes: every router learns, for each host address, the neighbour on a shortest
  // path (breadth-first over the links, neighbours in link order, so it is stable).
  for (auto& [rname, router] : routers) {
    for (Host* h : hosts_) {
      std::map<const Node*, const Node*> first_hop;
      std::deque<const Node*> todo{router};
      first_hop[router] = nullptr;
      while (!todo.empty()) {
        const Node* n = todo.front();
        todo.pop_front();
        if (n == h) break;
        if (n != router && dynamic_cast<const Router*>(n) == nullptr)
          continue;  // hosts don't forward
        for (std::size_t i = 0; i < n->interface_count(); ++i) {
          Interface& iface = n->interface(i);
          if (!iface.connected()) continue;
          const Node* next = &iface.peer().owner();
          if (first_hop.count(next)) continue;
          first_hop[next] = n == router ? next : first_hop[n];
          todo.push_back(next);
        }
      }
      auto it = first_hop.find(h);
      if (it == first_hop.end()) continue;  // unreachable: packets get "no-route"
      for (const auto& addr : h->addresses()) router->add_route(addr, *it->second);
    }
  }
  for (Host* h : hosts_) {
    if (h->interface_count() == 0 && s.hosts.size() > 1) {
      return fail(fmt::format("{}: host '{}' has no [[link]]", s.source, h->name()));
    }
  }
  FaultScript script;
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    auto r = script.add_text(s.faults[i]);
    if (!r.ok())
      return fail(fmt::format("{}: faults: {}", s.fault_where[i], r.error().to_string()));
  }
  std::vector<std::string> names = net_->node_names();
  if (auto st = script.check_names(names); !st.ok())
    return fail(fmt::format("{}: faults: {}", s.source, st.error()));
  if (!script.empty()) {
    if (auto st = net_->install(script); !st.ok())
      return fail(fmt::format("{}: faults: {}", s.source, st.error()));
  }
  for (std::size_t i = 0; i < s.apps.size(); ++i) {
    const AppSpec& a = s.apps[i];
    Host* h = host(a.host);
    if (h == nullptr) {
      return fail(fmt::format("{}: app '{}': host '{}' is not simulated here", s.source,
                              a.peer.name, a.host));
    }
    PeerConfig p = a.peer;
    if (p.role == PeerConfig::Role::Client) {
      wire::IpAddress dst;
      if (a.connect_addr) {
        dst = *a.connect_addr;
      } else {
        Host* target = host(a.connect_host);
        const wire::IpAddress* own = h->addresses().empty() ? nullptr : &h->addresses().front();
        const wire::IpAddress* t = own && target ? target->address(own->family()) : nullptr;
        if (t == nullptr) {
          return fail(fmt::format("{}: app '{}': host '{}' has no address of the family of '{}'",
                                  s.source, p.name, a.connect_host, a.host));
        }
        dst = *t;
      }
      p.remote = tcp::Endpoint{dst, a.connect_port};
    }
    if (a.kind == AppSpec::Kind::HttpServer) {
      http_servers_.push_back(
          std::make_unique<HttpServer>(*h, HttpServerConfig{p.name, p.port, p.start}));
      continue;
    }
    if (a.kind == AppSpec::Kind::HttpClient) {
      HttpClientConfig hc;
      hc.name = p.name;
      hc.remote = p.remote;
      hc.host_header = a.connect_host.empty() ? p.remote.addr.to_string() : a.connect_host;
      hc.start = p.start;
      hc.paths = a.paths;
      hc.pipeline = a.pipeline;
      hc.head = a.head;
      hc.raw = a.raw;
      http_clients_.push_back(std::make_unique<HttpClient>(*h, std::move(hc)));
      continue;
    }
    std::string host_header = a.connect_host.empty() ? p.remote.addr.to_string() : a.connect_host;
    if (a.kind == AppSpec::Kind::WebSocketServer) {
      WebSocketServerConfig wc;
      wc.name = p.name;
      wc.port = p.port;
      wc.start = p.start;
      wc.mode = a.ws_mode;
      wc.path = a.ws_path;
      wc.subprotocols = a.subprotocols;
      wc.feed = a.feed;
      wc.long_poll_timeout = a.interval;
      ws_servers_.push_back(std::make_unique<WebSocketServer>(*h, std::move(wc)));
      continue;
    }
    if (a.kind == AppSpec::Kind::WebSocketClient) {
      WebSocketClientConfig wc;
      wc.name = p.name;
      wc.remote = p.remote;
      wc.host_header = host_header;
      wc.path = a.ws_path;
      wc.start = p.start;
      wc.subprotocols = a.subprotocols;
      wc.send = a.messages;
      wc.await_echo = a.await_echo;
      wc.interval = a.interval;
      wc.expect = a.expect;
      wc.close_code = a.close_code;
      wc.seed = derive(s.seed, "app:" + p.name + std::to_string(i));
      ws_clients_.push_back(std::make_unique<WebSocketClient>(*h, std::move(wc)));
      continue;
    }
    if (a.kind == AppSpec::Kind::PollingClient) {
      PollingClientConfig pc;
      pc.name = p.name;
      pc.remote = p.remote;
      pc.host_header = host_header;
      pc.start = p.start;
      pc.method = a.poll_method;
      pc.interval = a.interval;
      pc.events = a.events;
      polling_clients_.push_back(std::make_unique<PollingClient>(*h, std::move(pc)));
      continue;
    }
    peers_.push_back(
        std::make_unique<Peer>(*h, p, derive(s.seed, "app:" + p.name + std::to_string(i))));
    peers_.back()->set_ledger(&ledger_);
  }
  return std::monostate{};
}

Result<std::monostate, std::string> ScenarioRun::capture_to(const std::string& path) {
  auto writer = open_capture(path);
  if (!writer.ok()) return fail(writer.error());
  capture_ = std::make_unique<AnnotatedCapture>(std::move(writer.value()));
  tap_ = std::make_unique<Tap>(*capture_);
  AnnotatedCapture* cap = capture_.get();
  tap_->set_comment_provider([cap](const Packet& p) { return cap->note_packet(p); });
  // The capture point: every sender's egress (each frame once, as a host or a stand-in for
  // one puts it on the wire). Router hops are not captured again, so Wireshark sees no
  // false retransmissions.
  for (const auto& l : net_->links()) {
    for (LinkDirection* d : {&l->a_to_b(), &l->b_to_a()}) {
      if (dynamic_cast<Router*>(&d->from().owner()) == nullptr) tap_->attach(*d, TapPoint::kEgress);
    }
  }
  net_->add_observer(*capture_);
  for (Host* h : hosts_) h->add_listener(*capture_);
  return std::monostate{};
}

void ScenarioRun::start() {
  if (started_) return;
  started_ = true;
  for (auto& p : peers_) p->install();
  for (auto& a : http_servers_) a->install();
  for (auto& a : http_clients_) a->install();
  for (auto& a : ws_servers_) a->install();
  for (auto& a : ws_clients_) a->install();
  for (auto& a : polling_clients_) a->install();
}

bool ScenarioRun::done() {
  Nanos next = sim_.next_event_time();
  return next == kNever || next > scenario_.duration;
}

bool ScenarioRun::step() {
  start();
  if (done()) return false;
  return sim_.step();
}

void ScenarioRun::run() {
  start();
  sim_.run_until([] { return false; }, scenario_.duration);
}

void ScenarioRun::finish() {
  if (capture_) capture_->finish();
  net_->trace().flush();
}

std::uint64_t ScenarioRun::segments() const {
  std::uint64_t n = 0;
  for (const auto& l : net_->links()) {
    n += l->a_to_b().stats().packets_sent + l->b_to_a().stats().packets_sent;
  }
  return n;
}

std::vector<ConnectionSummary> ScenarioRun::connections() const {
  struct End {
    const Peer* peer;
    PeerConnectionReport r;
    bool used = false;
  };
  std::vector<End> ends;
  for (const auto& p : peers_) {
    for (auto& r : p->reports()) ends.push_back(End{p.get(), r});
  }
  auto retx = [&](const End& e) {
    return e.peer->host().retransmissions(e.r.local + ">" + e.r.remote);
  };
  std::vector<ConnectionSummary> out;
  // Pair each connecting end with the end it reached (a server's accepted connection, or
  // in a simultaneous open the other client).
  for (std::size_t i = 0; i < ends.size(); ++i) {
    End& c = ends[i];
    if (c.used || c.peer->config().role != PeerConfig::Role::Client) continue;
    c.used = true;
    ConnectionSummary s;
    s.client_app = c.r.app;
    s.client = c.r.local;
    s.server = c.r.remote;
    s.retransmissions = retx(c);
    if (c.r.error != tcp::Errno::Ok) s.error = std::string(tcp::errno_name(c.r.error));
    s.to_client = c.r.bytes_received;
    Nanos end = c.r.finished;
    End* other = nullptr;
    for (End& e : ends) {
      if (!e.used && e.r.local == c.r.remote && e.r.remote == c.r.local) {
        other = &e;
        break;
      }
    }
    bool intact = c.r.bytes_received == 0;
    bool exchanged = true;
    if (other != nullptr) {
      other->used = true;
      s.server_app = other->r.app;
      s.to_server = other->r.bytes_received;
      s.retransmissions += retx(*other);
      end = std::max(end, other->r.finished);
      intact = other->r.received_sha256 == c.r.sent_sha256 &&
               other->r.bytes_received == c.r.bytes_sent &&
               c.r.received_sha256 == other->r.sent_sha256 &&
               c.r.bytes_received == other->r.bytes_sent;
    } else if (c.r.bytes_sent > 0 && c.r.error == tcp::Errno::Ok) {
      intact = false;
    } else {
      exchanged = c.r.bytes_sent > 0 || c.r.bytes_received > 0;
    }
    s.duration = end >= c.r.opened ? end - c.r.opened : 0;
    // "n/a": the connection never reached the other application (refused, or the run
    // ended first), so there is no stream to compare.
    s.integrity = !exchanged ? "n/a" : (intact ? "ok" : "MISMATCH");
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> ScenarioRun::app_summaries() const {
  std::vector<std::string> out;
  for (const auto& c : http_clients_) out.push_back(c->config().name + ": " + c->summary());
  for (const auto& c : ws_clients_) out.push_back(c->config().name + ": " + c->summary());
  for (const auto& c : polling_clients_) out.push_back(c->config().name + ": " + c->summary());
  for (const auto& c : ws_servers_) {
    std::string codes;
    for (std::uint16_t code : c->close_codes()) {
      if (!codes.empty()) codes += ' ';
      codes += std::to_string(code);
    }
    out.push_back(
        fmt::format("{}: websocket server: {} session(s), {} message(s) in, {} out, "
                    "{} refused, {} HTTP request(s), close codes: {}",
                    c->config().name, c->sessions(), c->messages_received(), c->messages_sent(),
                    c->refused(), c->http_requests(), codes.empty() ? "none" : codes));
  }
  // Feed clients side by side: what each way of delivering the events cost on the wire
  // (counted at the client's host, so each should have a host of its own).
  std::vector<std::pair<std::string, const std::vector<WsReceived>*>> feeds;
  std::vector<std::string> methods, app_hosts;
  for (const auto& c : polling_clients_) {
    feeds.emplace_back(c->config().name, &c->received());
    methods.push_back(c->config().method == PollingClientConfig::Method::Poll ? "polling"
                                                                              : "long polling");
  }
  for (const auto& c : ws_clients_) {
    bool is_feed = false;
    for (const auto& r : c->received()) is_feed = is_feed || r.event.has_value();
    if (!is_feed) continue;
    feeds.emplace_back(c->config().name, &c->received());
    methods.push_back("websocket");
  }
  if (feeds.size() >= 2) {
    out.push_back(fmt::format("{:<14} {:<13} {:>6} {:>9} {:>11} {:>10} {:>11} {:>10} {:>10}",
                              "feed client", "method", "events", "segments", "seg/event",
                              "wire bytes", "bytes/event", "latency", "max"));
    for (std::size_t i = 0; i < feeds.size(); ++i) {
      const std::string& name = feeds[i].first;
      const Host* h = nullptr;
      for (const auto& a : scenario_.apps) {
        if (a.peer.name == name) h = host(a.host);
      }
      std::uint64_t segs = h ? h->packets_sent() + h->packets_received() : 0;
      std::uint64_t bytes = h ? h->bytes_sent() + h->bytes_received() : 0;
      LatencyStats l = feed_latency(*feeds[i].second);
      double n = l.n ? static_cast<double>(l.n) : 1.0;
      out.push_back(
          fmt::format("{:<14} {:<13} {:>6} {:>9} {:>11.1f} {:>10} {:>11.0f} {:>7} ms {:>7} ms",
                      name, methods[i], l.n, segs, static_cast<double>(segs) / n, bytes,
                      static_cast<double>(bytes) / n, format_millis(l.mean), format_millis(l.max)));
    }
  }
  return out;
}

std::vector<CheckResult> ScenarioRun::evaluate_checks() const {
  std::vector<CheckResult> out;
  auto conns = connections();
  for (const CheckSpec& c : scenario_.checks) {
    CheckResult r;
    r.description = c.describe();
    switch (c.kind) {
      case CheckSpec::Kind::Integrity: {
        r.passed = !conns.empty();
        for (const auto& s : conns) {
          if (s.integrity == "n/a") {
            r.passed = false;
            r.detail = fmt::format("{} > {}: no data was exchanged", s.client, s.server);
          } else if (s.integrity != "ok") {
            r.passed = false;
            r.detail = fmt::format("{} > {}: the bytes received differ from the bytes sent",
                                   s.client, s.server);
          }
        }
        if (conns.empty()) r.detail = "no connection was made";
        break;
      }
      case CheckSpec::Kind::State: {
        Host* h = host(c.host);
        if (h == nullptr) {
          r.detail = fmt::format("'{}' is not a simulated host", c.host);
          break;
        }
        const auto& states = h->states_entered();
        if (c.final_state) {
          // The last state of each connection on the host: take the host's last entry.
          bool any = false;
          for (const tcp::Connection* conn : h->tcp().connections()) {
            if (conn->state() == c.state) any = true;
          }
          if (!any && c.state == tcp::State::Closed) {
            any = h->tcp().connections().empty() || (!states.empty() && states.back() == c.state);
          }
          r.passed = any;
        } else {
          r.passed = std::find(states.begin(), states.end(), c.state) != states.end();
        }
        if (!r.passed) {
          std::string seen;
          for (tcp::State st : states)
            seen += (seen.empty() ? "" : ", ") + std::string(tcp::to_string(st));
          r.detail = fmt::format("{} entered: {}", c.host, seen.empty() ? "nothing" : seen);
        }
        break;
      }
      case CheckSpec::Kind::Rst: {
        Host* h = host(c.host);
        if (h == nullptr) {
          r.detail = fmt::format("'{}' is not a simulated host", c.host);
          break;
        }
        r.passed = h->rsts_received() > 0;
        if (!r.passed) r.detail = fmt::format("{} received no RST", c.host);
        break;
      }
      case CheckSpec::Kind::Http: {
        const HttpClient* client = nullptr;
        for (const auto& h : http_clients_) {
          if (h->config().name == c.app) client = h.get();
        }
        if (client == nullptr) {
          r.detail = fmt::format("'{}' is not an http-client app", c.app);
          break;
        }
        std::uint64_t ok = 0, answered = 0;
        for (const HttpExchange& x : client->exchanges()) {
          if (x.status != 0) ++answered;
          if (c.status != 0 ? x.status == c.status : (x.status >= 200 && x.status < 300)) ++ok;
        }
        std::uint64_t want = c.min == 0 ? client->config().paths.size() : c.min;
        r.passed = c.status != 0 ? answered > 0 && ok == answered : ok >= want;
        r.detail = client->summary();
        break;
      }
      case CheckSpec::Kind::WebSocket: {
        const WebSocketClient* client = nullptr;
        for (const auto& w : ws_clients_) {
          if (w->config().name == c.app) client = w.get();
        }
        if (client == nullptr) {
          r.detail = fmt::format("'{}' is not a websocket-client app", c.app);
          break;
        }
        r.detail = client->summary();
        if (c.status != 0) {
          r.passed = !client->opened() && client->handshake_status() == c.status;
          break;
        }
        bool intact = true;
        for (const WsReceived& x : client->received()) intact = intact && x.intact;
        std::uint64_t want = client->config().expect;
        if (want == 0 && client->config().await_echo) {
          for (const WsOutgoing& m : client->config().send)
            want += m.kind == WsOutgoing::Kind::Ping ? 0 : 1;
        }
        r.passed = client->opened() && client->sent() == client->config().send.size() && intact &&
                   client->received().size() >= want && client->failure().empty() &&
                   client->close_code() == c.code;
        break;
      }
      case CheckSpec::Kind::Feed: {
        const std::vector<WsReceived>* got = nullptr;
        std::uint64_t want = c.min;
        for (const auto& w : polling_clients_) {
          if (w->config().name != c.app) continue;
          got = &w->received();
          r.detail = w->summary();
          if (want == 0) want = w->config().events;
        }
        for (const auto& w : ws_clients_) {
          if (w->config().name != c.app) continue;
          got = &w->received();
          r.detail = w->summary();
          if (want == 0) want = w->config().expect;
        }
        if (got == nullptr) {
          r.detail = fmt::format("'{}' is not a polling-client or websocket-client app", c.app);
          break;
        }
        std::uint64_t events = 0;
        for (const WsReceived& x : *got) events += x.event ? 1 : 0;
        r.passed = want > 0 && events >= want;
        break;
      }
      case CheckSpec::Kind::Error:
      case CheckSpec::Kind::Retransmissions:
      case CheckSpec::Kind::Delivered: {
        const Peer* peer = nullptr;
        for (const auto& p : peers_) {
          if (p->config().name == c.app) peer = p.get();
        }
        if (peer == nullptr) {
          r.detail = fmt::format("no app named '{}'", c.app);
          break;
        }
        std::uint64_t retx = 0, got = 0;
        std::string errors;
        for (const auto& rep : peer->reports()) {
          retx += peer->host().retransmissions(rep.local + ">" + rep.remote);
          got += rep.bytes_received;
          if (rep.error == c.error && c.kind == CheckSpec::Kind::Error) r.passed = true;
          if (rep.error != tcp::Errno::Ok) errors += std::string(tcp::errno_name(rep.error)) + " ";
        }
        if (c.kind == CheckSpec::Kind::Retransmissions) {
          r.passed = retx >= c.min;
          r.detail = fmt::format("{} retransmission(s)", retx);
        } else if (c.kind == CheckSpec::Kind::Delivered) {
          r.passed = got >= c.min;
          r.detail = fmt::format("{} bytes received", got);
        } else if (!r.passed) {
          r.detail = errors.empty() ? "no error" : "saw " + errors;
        }
        break;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace tcpsim::sim
