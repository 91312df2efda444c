#include "sim/scenario/run_figures.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/net/network.hpp"
#include "sim/scenario/run.hpp"

namespace tcpsim::sim {
namespace {

void add_classes(const std::vector<ConnectionSummary>& conns, RunFigures& f) {
  std::set<std::string> profiles;
  for (const auto& c : conns) profiles.insert(c.profile);
  std::map<std::string, FlowClassFigures> classes;
  for (const auto& c : conns) {
    std::string name = profiles.size() > 1 ? c.cc + "/" + c.profile : c.cc;
    FlowClassFigures& k = classes[name];
    k.name = name;
    ++k.flows;
    k.bytes += c.to_server + c.to_client;
    k.mean_goodput_bps += goodput_bps(c);
  }
  for (auto& [name, k] : classes) {
    k.mean_goodput_bps /= static_cast<double>(k.flows);
    f.classes.push_back(std::move(k));
  }
}

void add_completion(const std::vector<ConnectionSummary>& conns, RunFigures& f) {
  if (conns.empty()) return;
  std::vector<Nanos> d;
  for (const auto& c : conns) d.push_back(c.duration);
  std::sort(d.begin(), d.end());
  f.completion_min = d.front();
  f.completion_max = d.back();
  std::size_t mid = d.size() / 2;
  f.completion_median = d.size() % 2 == 1 ? d[mid] : d[mid - 1] + (d[mid] - d[mid - 1]) / 2;
}

void add_drops(const Network& net, RunFigures& f) {
  for (const auto& l : net.links()) {
    for (const LinkDirection* dir : {&l->a_to_b(), &l->b_to_a()}) {
      DirectionDrops d;
      d.direction = dir->name();
      d.by_cause = dir->stats().drops;
      d.total = dir->stats().dropped_total();
      if (d.total > 0) f.drops.push_back(std::move(d));
      if (dir->stats().ce_marked > 0) f.ce_marks.emplace_back(dir->name(), dir->stats().ce_marked);
    }
  }
}

}  // namespace

double goodput_bps(const ConnectionSummary& c) {
  if (c.duration <= 0) return 0;
  return static_cast<double>(c.to_server + c.to_client) * 8e9 / static_cast<double>(c.duration);
}

double jain_index(std::span<const double> values) {
  double sum = 0;
  double squares = 0;
  for (double x : values) {
    sum += x;
    squares += x * x;
  }
  if (squares == 0) return 1;
  return sum * sum / (static_cast<double>(values.size()) * squares);
}

RunFigures run_figures(const std::vector<ConnectionSummary>& connections, const Network& net) {
  RunFigures f;
  f.connections = connections.size();
  Nanos first = kNever;
  Nanos last = 0;
  std::vector<double> goodputs;
  for (const auto& c : connections) {
    f.intact += c.integrity == "ok" ? 1 : 0;
    f.mismatched += c.integrity == "MISMATCH" ? 1 : 0;
    f.unexchanged += c.integrity == "n/a" ? 1 : 0;
    f.errors += c.error.empty() ? 0 : 1;
    f.bytes += c.to_server + c.to_client;
    f.retransmissions += c.retransmissions;
    first = std::min(first, c.opened);
    last = std::max(last, c.opened + c.duration);
    goodputs.push_back(goodput_bps(c));
  }
  f.span = connections.empty() ? 0 : last - first;
  if (f.span > 0) f.goodput_bps = static_cast<double>(f.bytes) * 8e9 / static_cast<double>(f.span);
  f.jain_index = jain_index(goodputs);
  add_classes(connections, f);
  add_completion(connections, f);
  add_drops(net, f);
  return f;
}

}  // namespace tcpsim::sim
