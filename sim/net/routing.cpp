#include "sim/net/routing.hpp"

#include <deque>
#include <map>

#include "sim/net/interface.hpp"
#include "sim/net/router.hpp"

namespace tcpsim::sim {

const Node* first_hop(const Router& from, const Node& to) {
  std::map<const Node*, const Node*> hop;  // node reached -> the first hop that leads there
  std::deque<const Node*> todo{&from};
  hop[&from] = nullptr;
  while (!todo.empty()) {
    const Node* n = todo.front();
    todo.pop_front();
    if (n == &to) break;
    if (n != &from && dynamic_cast<const Router*>(n) == nullptr) continue;  // hosts don't forward
    for (std::size_t i = 0; i < n->interface_count(); ++i) {
      Interface& iface = n->interface(i);
      if (!iface.connected()) continue;
      const Node* next = &iface.peer().owner();
      if (hop.count(next)) continue;
      hop[next] = n == &from ? next : hop[n];
      todo.push_back(next);
    }
  }
  auto it = hop.find(&to);
  return it == hop.end() ? nullptr : it->second;
}

}  // namespace tcpsim::sim
