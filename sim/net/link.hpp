// A point-to-point link between two interfaces: two independent directions, each with
// its own rate, delay, queue and faults (link_direction.hpp).
#pragma once

#include <memory>
#include <string>

#include "sim/net/environment.hpp"
#include "sim/net/link_params.hpp"

namespace tcpsim::sim {

class Interface;
class LinkDirection;
class Node;

class Link {
 public:
  // Wires `a` and `b` together; Network::connect is the usual way in.
  Link(const LinkEnvironment& env, Interface& a, Interface& b, const LinkParams& a_to_b,
       const LinkParams& b_to_a);
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  Interface& a() const { return *a_; }
  Interface& b() const { return *b_; }
  LinkDirection& a_to_b() const { return *a_to_b_; }
  LinkDirection& b_to_a() const { return *b_to_a_; }
  // The direction leaving `node`; nullptr when the node is at neither end.
  LinkDirection* from(const Node& node) const;
  // "A:0<->B:0".
  const std::string& name() const { return name_; }

 private:
  Interface* a_;
  Interface* b_;
  std::unique_ptr<LinkDirection> a_to_b_;
  std::unique_ptr<LinkDirection> b_to_a_;
  std::string name_;
};

}  // namespace tcpsim::sim
