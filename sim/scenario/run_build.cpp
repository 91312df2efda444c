// Building a run: nodes and links, routes, scripted faults, applications.
#include <fmt/core.h>

#include <map>

#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/net/router.hpp"
#include "sim/net/routing.hpp"
#include "sim/net/scripted_fault.hpp"
#include "sim/scenario/run.hpp"

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

Status ScenarioRun::assemble(const HostStandIn& stand_in) {
  net_ = std::make_unique<Network>(sim_, scenario_.seed);
  if (auto r = add_nodes_and_links(stand_in); !r.ok()) return r;
  if (auto r = add_faults(); !r.ok()) return r;
  return add_apps();
}

Status ScenarioRun::add_nodes_and_links(const HostStandIn& stand_in) {
  const Scenario& s = scenario_;
  for (const HostSpec& h : s.hosts) {
    if (stand_in) {
      if (std::unique_ptr<Node> node = stand_in(h)) {
        net_->adopt(std::move(node));
        continue;
      }
    }
    hosts_.push_back(&net_->add_node<Host>(h.name, h.tcp, h.addresses, derive(s.seed, h.name)));
    hosts_by_name_.emplace(h.name, hosts_.back());
  }
  std::map<std::string, Router*> routers;
  for (const std::string& r : s.routers) routers[r] = &net_->add_node<Router>(r);
  for (const LinkSpec& l : s.links) {
    Node* a = net_->find_node(l.a);
    Node* b = net_->find_node(l.b);
    if (a == nullptr || b == nullptr) {
      return fail_with(Errc::UnknownName, fmt::format("link {}-{}: unknown node", l.a, l.b),
                       fmt::format("link {}-{}", l.a, l.b));
    }
    Link& link = net_->connect(*a, *b, l.params);
    link.a_to_b().set_faults(l.faults);
    link.b_to_a().set_faults(l.faults);
  }
  // Routes: every router learns, for each host address, the neighbour on a shortest path.
  for (auto& [rname, router] : routers) {
    auto hops = first_hops(*router);
    for (Host* h : hosts_) {
      auto hop = hops.find(h);
      if (hop == hops.end()) continue;  // unreachable: packets get "no-route"
      for (const auto& addr : h->addresses()) router->add_route(addr, *hop->second);
    }
  }
  for (Host* h : hosts_) {
    if (h->interface_count() == 0 && s.hosts.size() > 1) {
      return fail_with(Errc::NoLink,
                       fmt::format("{}: host '{}' has no [[link]]", s.source, h->name()), s.source);
    }
  }
  return std::monostate{};
}

Status ScenarioRun::add_faults() {
  const Scenario& s = scenario_;
  FaultScript script;
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    auto r = script.add_text(s.faults[i]);
    if (!r.ok()) {
      return fail_with(r.error().code,
                       fmt::format("{}: faults: {}", s.fault_where[i], r.error().to_string()),
                       s.fault_where[i]);
    }
  }
  // The script's own errors name the command; the file is all the place there is.
  auto in_file = [&](const Error& e) {
    return fail_with(e.code, fmt::format("{}: faults: {}", s.source, e.message), s.source);
  };
  std::vector<std::string> names = net_->node_names();
  if (auto st = script.check_names(names); !st.ok()) return in_file(st.error());
  if (!script.empty()) {
    if (auto st = net_->install(script); !st.ok()) return in_file(st.error());
  }
  return std::monostate{};
}

Status ScenarioRun::add_apps() {
  const Scenario& s = scenario_;
  for (std::size_t i = 0; i < s.apps.size(); ++i) {
    const AppSpec& a = s.apps[i];
    Host* h = host(a.host);
    if (h == nullptr) {
      return fail_with(
          Errc::Conflict,
          fmt::format("{}: app '{}': host '{}' is not simulated here", s.source, a.name, a.host),
          s.source);
    }
    AppBuild b{*h, a, {}, {}, derive(s.seed, "app:" + a.name + std::to_string(i)), ledger_};
    if (a.client()) {
      wire::IpAddress dst;
      if (a.connect_addr) {
        dst = *a.connect_addr;
      } else {
        Host* target = host(a.connect_host);
        const wire::IpAddress* own = h->addresses().empty() ? nullptr : &h->addresses().front();
        const wire::IpAddress* t = own && target ? target->address(own->family()) : nullptr;
        if (t == nullptr) {
          return fail_with(Errc::Conflict,
                           fmt::format("{}: app '{}': host '{}' has no address of the family of "
                                       "'{}'",
                                       s.source, a.name, a.connect_host, a.host),
                           s.source);
        }
        dst = *t;
      }
      b.remote = tcp::Endpoint{dst, a.connect_port};
      b.host_header = a.connect_host.empty() ? dst.to_string() : a.connect_host;
    }
    apps_.push_back(make_app(b));
  }
  return std::monostate{};
}

}  // namespace tcpsim::sim
