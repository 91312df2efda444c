// Static routes for a scenario's routers: the first hop on a shortest path (fewest links)
// from a router to a node, found breadth-first over the links with each node's neighbours
// in link order, so that ties go to the link listed first and a run is reproducible.
#pragma once

#include <unordered_map>

#include "sim/net/node.hpp"

namespace tcpsim::sim {

class Interface;
class Router;

// For every node `from` can reach, the interface of `from` on a shortest path to it; one
// search for all of them. Only routers forward: a path never passes through another kind
// of node.
std::unordered_map<const Node*, Interface*> first_hops(const Router& from);

// The neighbour of `from` on a shortest path to `to`, or nullptr when `to` cannot be
// reached.
const Node* first_hop(const Router& from, const Node& to);

}  // namespace tcpsim::sim
