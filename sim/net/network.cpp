#include "sim/net/network.hpp"
#include "sim/core/units.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "sim/core/simulator.hpp"
#include "sim/net/interface.hpp"
#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/net/node.hpp"

namespace tcpsim::sim {
namespace {

// Room for the largest frame an MTU of 65535 allows, reserved once.
constexpr std::size_t kFrameBufferSize = 65535 + kEthernetHeaderLen + 64;

}  // namespace

Network::Network(Simulator& simulator, std::uint64_t seed)
    : sim_(&simulator),
      rng_(seed),
      frame_buffer_(kFrameBufferSize),
      link_env_{simulator, reporter_, scripted_, packet_ids_, rng_, frame_buffer_},
      node_env_{simulator, trace_, reporter_, packet_ids_, payload_pool_} {}

Network::~Network() {
  // Links reference nodes' interfaces: take them down first.
  links_.clear();
  nodes_by_name_.clear();
  nodes_.clear();
}

Node& Network::adopt(std::unique_ptr<Node> node) {
  if (node->name().empty()) throw std::invalid_argument("a node needs a non-empty name");
  if (find_node(node->name()) != nullptr) {
    throw std::invalid_argument(fmt::format("a node named '{}' already exists", node->name()));
  }
  if (node->in_network()) {
    throw std::invalid_argument(fmt::format("node '{}' is already in a network", node->name()));
  }
  node->network_ = this;
  node->env_ = &node_env_;
  node->index_ = static_cast<std::uint32_t>(nodes_.size() + 1);
  nodes_.push_back(std::move(node));
  nodes_by_name_.emplace(nodes_.back()->name(), nodes_.back().get());
  return *nodes_.back();
}

Link& Network::connect(Node& a, Node& b, const LinkParams& a_to_b, const LinkParams& b_to_a) {
  if (a.network_ != this || b.network_ != this) {
    throw std::invalid_argument("connect: both nodes must be added to this network first");
  }
  if (&a == &b) throw std::invalid_argument(fmt::format("connect: '{}' to itself", a.name()));
  const std::string ab = "link " + a.name() + "->" + b.name();
  const std::string ba = "link " + b.name() + "->" + a.name();
  for (const Status& s : {a_to_b.validate(ab), b_to_a.validate(ba)}) {
    if (!s) throw std::invalid_argument(s.error().message);
  }
  auto& ia = a.interfaces_.emplace_back(
      std::make_unique<Interface>(a, static_cast<std::uint32_t>(a.interfaces_.size())));
  auto& ib = b.interfaces_.emplace_back(
      std::make_unique<Interface>(b, static_cast<std::uint32_t>(b.interfaces_.size())));
  links_.push_back(std::make_unique<Link>(link_env_, *ia, *ib, a_to_b, b_to_a));
  a.on_interface_added(*ia);
  b.on_interface_added(*ib);
  return *links_.back();
}

Node* Network::find_node(std::string_view name) const {
  auto it = nodes_by_name_.find(name);
  return it == nodes_by_name_.end() ? nullptr : it->second;
}

std::vector<std::string> Network::node_names() const {
  std::vector<std::string> names;
  names.reserve(nodes_.size());
  for (const auto& n : nodes_) names.push_back(n->name());
  return names;
}

std::vector<LinkDirection*> Network::directions(std::string_view from, std::string_view to) const {
  std::vector<LinkDirection*> out;
  for (const auto& link : links_) {
    for (LinkDirection* d : {&link->a_to_b(), &link->b_to_a()}) {
      if ((from.empty() || d->from().owner().name() == from) &&
          (to.empty() || d->to().owner().name() == to)) {
        out.push_back(d);
      }
    }
  }
  return out;
}

Status Network::install(const FaultScript& script) {
  const std::vector<std::string> names = node_names();
  if (Status s = script.check_names(names); !s) return s;
  auto index_of = [this](const std::string& name) -> std::uint32_t {
    return name.empty() ? 0 : find_node(name)->index();
  };
  for (const ScriptedRule& r : script.rules()) {
    if (!r.from.empty() && !r.to.empty() && directions(r.from, r.to).empty()) {
      return fail_with(Errc::NoLink,
                       fmt::format("{}: no link from {} to {} (a rule naming both ends watches "
                                   "one link)",
                                   r.to_string(), r.from, r.to),
                       r.to_string());
    }
  }
  // Replays each direction's timed actions in time order to check every state they lead to.
  std::map<LinkDirection*, std::vector<const TimedAction*>> per_direction;
  for (const TimedAction& a : script.timed()) {
    if (a.at < sim_->now()) {
      return fail_with(Errc::TooLate,
                       fmt::format("{}: that time has passed (now {})", a.to_string(),
                                   format_duration(sim_->now())),
                       a.to_string());
    }
    std::vector<LinkDirection*> targets = directions(a.from, a.to);
    if (targets.empty()) {
      return fail_with(Errc::NoLink, fmt::format("{}: no link matches", a.to_string()),
                       a.to_string());
    }
    for (LinkDirection* d : targets) per_direction[d].push_back(&a);
  }
  for (auto& [direction, actions] : per_direction) {
    std::stable_sort(actions.begin(), actions.end(),
                     [](const TimedAction* x, const TimedAction* y) { return x->at < y->at; });
    LinkParams link = direction->params();
    FaultParams faults = direction->faults();
    for (const TimedAction* a : actions) {
      a->apply(link, faults);
      const std::string where = a->to_string() + ": link " + direction->name();
      if (Status s = link.validate(where); !s) return s;
      if (Status s = faults.validate(where); !s) return s;
    }
  }
  for (const ScriptedRule& r : script.rules()) scripted_.add(r, index_of(r.from), index_of(r.to));
  for (const TimedAction& a : script.timed()) {
    sim_->schedule_at(a.at, [this, a](Nanos now) { apply_timed(now, a); });
  }
  return ok_status();
}

void Network::apply_timed(Nanos now, const TimedAction& action) {
  for (LinkDirection* d : directions(action.from, action.to)) {
    LinkParams link = d->params();
    FaultParams faults = d->faults();
    action.apply(link, faults);
    const std::string where = "link " + d->name();
    Status s = link.validate(where);
    if (s) s = faults.validate(where);
    if (s) {
      d->set_params(link);
      d->set_faults(faults);
    }
    if (trace_.enabled()) {
      TraceEvent e(now, TraceType::Fault, d->from().owner().name());
      e.add("link", d->name()).add("action", action.to_string());
      if (!s) e.add("refused", s.error().message);
      trace_.emit(e);
    }
  }
}

}  // namespace tcpsim::sim
