// What a run did, for the summary: connections with both ends joined, and the
// applications' own lines.
#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "sim/core/units.hpp"
#include "sim/scenario/run.hpp"

namespace tcpsim::sim {

std::vector<ConnectionSummary> ScenarioRun::connections() const {
  struct End {
    const Peer* peer;
    PeerConnectionReport r;
    bool used = false;
  };
  std::vector<End> ends;
  for (const Peer* p : apps_of<Peer>()) {
    for (auto& r : p->reports()) ends.push_back(End{p, r});
  }
  auto retx = [&](const End& e) {
    return e.peer->host().retransmissions(e.r.local + ">" + e.r.remote);
  };
  std::map<std::string_view, const HostSpec*> hosts;
  for (const HostSpec& h : scenario_.hosts) hosts.emplace(h.name, &h);
  // Ends by "local>remote", in order: pairing looks up the reverse of a client's.
  std::unordered_map<std::string, std::vector<std::size_t>> by_endpoints;
  for (std::size_t i = 0; i < ends.size(); ++i)
    by_endpoints[ends[i].r.local + ">" + ends[i].r.remote].push_back(i);
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
    s.opened = c.r.opened;
    if (auto h = hosts.find(c.peer->host().name()); h != hosts.end()) {
      s.cc = std::string(tcp::to_string(h->second->tcp.congestion));
      s.profile = h->second->tcp.profile;
    }
    if (c.r.error != tcp::Errno::Ok) s.error = std::string(tcp::errno_name(c.r.error));
    s.to_client = c.r.bytes_received;
    Nanos end = c.r.finished;
    End* other = nullptr;
    if (auto it = by_endpoints.find(c.r.remote + ">" + c.r.local); it != by_endpoints.end()) {
      for (std::size_t j : it->second) {
        if (!ends[j].used) {
          other = &ends[j];
          break;
        }
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

std::vector<std::string> ScenarioRun::listen_summaries() const {
  std::vector<std::string> out;
  for (const Host* h : hosts_) {
    const tcp::ListenCounters& n = h->tcp().listen_counters();
    if (!n.any()) continue;
    std::string line = fmt::format(
        "{}: listen queue overflowed: {} SYN{} answered with cookies, {} connection{} from "
        "cookies, {} dropped",
        h->name(), n.cookies_sent, n.cookies_sent == 1 ? "" : "s", n.cookies_accepted,
        n.cookies_accepted == 1 ? "" : "s", n.syns_dropped + n.acks_dropped);
    if (n.cookies_rejected > 0) line += fmt::format(", {} bad cookies", n.cookies_rejected);
    out.push_back(std::move(line));
  }
  return out;
}

std::vector<std::string> ScenarioRun::app_summaries() const {
  std::vector<std::string> out;
  // Clients first, then servers: the order the summary has always had.
  for (const App* a :
       apps_by_kind({app_kind<HttpClientConfig>(), app_kind<WebSocketClientConfig>(),
                     app_kind<PollingClientConfig>(), app_kind<WebSocketServerConfig>()})) {
    if (auto line = a->summary()) out.push_back(std::move(*line));
  }
  // Feed clients side by side: what each way of delivering the events cost on the wire
  // (counted at the client's host, so each should have a host of its own).
  std::vector<std::pair<const App*, FeedView>> feeds;
  for (const App* a :
       apps_by_kind({app_kind<PollingClientConfig>(), app_kind<WebSocketClientConfig>()})) {
    if (auto f = a->feed()) feeds.emplace_back(a, std::move(*f));
  }
  if (feeds.size() >= 2) {
    out.push_back(fmt::format("{:<14} {:<13} {:>6} {:>9} {:>11} {:>10} {:>11} {:>10} {:>10}",
                              "feed client", "method", "events", "segments", "seg/event",
                              "wire bytes", "bytes/event", "latency", "max"));
    for (const auto& [app, f] : feeds) {
      const std::string& name = app->name();
      const Host* h = nullptr;
      for (const auto& a : scenario_.apps) {
        if (a.name == name) h = host(a.host);
      }
      std::uint64_t segs = h ? h->packets_sent() + h->packets_received() : 0;
      std::uint64_t bytes = h ? h->bytes_sent() + h->bytes_received() : 0;
      LatencyStats l = feed_latency(*f.received);
      double n = l.n ? static_cast<double>(l.n) : 1.0;
      out.push_back(
          fmt::format("{:<14} {:<13} {:>6} {:>9} {:>11.1f} {:>10} {:>11.0f} {:>7} ms {:>7} ms",
                      name, f.method, l.n, segs, static_cast<double>(segs) / n, bytes,
                      static_cast<double>(bytes) / n, format_millis(l.mean), format_millis(l.max)));
    }
  }
  return out;
}

}  // namespace tcpsim::sim
