#include "sim/net/routing.hpp"

#include <deque>

#include "sim/net/interface.hpp"
#include "sim/net/router.hpp"

namespace tcpsim::sim {

std::unordered_map<const Node*, Interface*> first_hops(const Router& from) {
  std::unordered_map<const Node*, Interface*> hop;  // node reached -> the way out to it
  std::deque<const Node*> todo{&from};
  hop[&from] = nullptr;
  while (!todo.empty()) {
    const Node* n = todo.front();
    todo.pop_front();
    if (n != &from && dynamic_cast<const Router*>(n) == nullptr) continue;  // hosts don't forward
    for (std::size_t i = 0; i < n->interface_count(); ++i) {
      Interface& iface = n->interface(i);
      if (!iface.connected()) continue;
      const Node* next = &iface.peer().owner();
      if (hop.count(next) != 0) continue;
      hop[next] = n == &from ? &iface : hop[n];
      todo.push_back(next);
    }
  }
  hop.erase(&from);
  return hop;
}

const Node* first_hop(const Router& from, const Node& to) {
  auto hops = first_hops(from);
  auto it = hops.find(&to);
  return it == hops.end() ? nullptr : &it->second->peer().owner();
}

}  // namespace tcpsim::sim
