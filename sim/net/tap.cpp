#include "sim/net/tap.hpp"

#include <algorithm>

#include "sim/net/interface.hpp"
#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"

namespace tcpsim::sim {

Tap::Tap(CaptureWriter& writer, Nanos time_base) : writer_(&writer), time_base_(time_base) {}

Tap::~Tap() {
  detach_all();
}

void Tap::attach(LinkDirection& direction, TapPoint point) {
  auto entry = std::make_pair(&direction, point);
  if (std::find(attached_.begin(), attached_.end(), entry) != attached_.end()) return;
  attached_.push_back(entry);
  direction.add_tap(*this, point);
}

void Tap::attach(Interface& iface) {
  attach(iface.egress(), TapPoint::Egress);
  attach(iface.ingress(), TapPoint::Ingress);
}

void Tap::attach(Link& link) {
  attach(link.a_to_b(), TapPoint::Egress);
  attach(link.b_to_a(), TapPoint::Egress);
}

void Tap::detach_all() {
  for (auto& [direction, point] : attached_) direction->remove_tap(*this, point);
  attached_.clear();
}

void Tap::forget(LinkDirection& direction) {
  std::erase_if(attached_, [&](const auto& entry) { return entry.first == &direction; });
}

void Tap::capture(Nanos now, std::span<const std::uint8_t> frame, const Packet& packet) {
  ++frames_;
  if (comments_) {
    std::string comment = comments_(packet);
    writer_->write(time_base_ + now, frame, comment);
  } else {
    writer_->write(time_base_ + now, frame);
  }
}

}  // namespace tcpsim::sim
