#include "sim/net/node.hpp"

#include <cassert>

#include "sim/net/interface.hpp"

namespace tcpsim::sim {

Node::Node(std::string name) : name_(std::move(name)) {}

Node::~Node() = default;

const NodeEnvironment& Node::environment() const {
  assert(env_ != nullptr);
  return *env_;
}

Interface* Node::interface_to(const Node& peer) const {
  for (const auto& iface : interfaces_) {
    if (iface->connected() && &iface->peer().owner() == &peer) return iface.get();
  }
  return nullptr;
}

}  // namespace tcpsim::sim
