#include "sim/net/link.hpp"

#include "sim/net/interface.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/net/node.hpp"

namespace tcpsim::sim {

Link::Link(const LinkEnvironment& env, Interface& a, Interface& b, const LinkParams& a_to_b,
           const LinkParams& b_to_a)
    : a_(&a),
      b_(&b),
      a_to_b_(std::make_unique<LinkDirection>(env, a, b, a_to_b)),
      b_to_a_(std::make_unique<LinkDirection>(env, b, a, b_to_a)),
      name_(a.name() + "<->" + b.name()) {
  a.link_ = this;
  a.egress_ = a_to_b_.get();
  a.ingress_ = b_to_a_.get();
  b.link_ = this;
  b.egress_ = b_to_a_.get();
  b.ingress_ = a_to_b_.get();
}

Link::~Link() = default;

LinkDirection* Link::from(const Node& node) const {
  if (&a_->owner() == &node) return a_to_b_.get();
  if (&b_->owner() == &node) return b_to_a_.get();
  return nullptr;
}

}  // namespace tcpsim::sim
