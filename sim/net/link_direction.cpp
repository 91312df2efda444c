#include "sim/net/link_direction.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "sim/core/simulator.hpp"
#include "sim/net/ecn_marking.hpp"
#include "sim/net/interface.hpp"
#include "sim/net/node.hpp"
#include "sim/net/packet_reporter.hpp"
#include "sim/net/scripted_fault.hpp"
#include "stack/wire/frame.hpp"

namespace tcpsim::sim {
namespace {

std::size_t ip_header_len(const Packet& p) {
  return p.ip.src.is_v4() ? 20 : 40;
}

void throw_if_bad(const Status& status) {
  if (!status) throw std::invalid_argument(status.error().message);
}

}  // namespace

std::uint64_t LinkStats::dropped_total() const {
  std::uint64_t total = 0;
  for (std::uint64_t n : drops) total += n;
  return total;
}

LinkDirection::LinkDirection(const LinkEnvironment& env, Interface& from, Interface& to,
                             const LinkParams& params)
    : env_(env),
      from_(&from),
      to_(&to),
      name_(from.owner().name() + "->" + to.owner().name()),
      params_(params),
      // Named by interfaces, which stay unique even between doubly linked nodes.
      faults_(env.rng.fork("link " + from.name() + "->" + to.name())),
      queue_(params.queue_packets, params.queue_bytes) {
  throw_if_bad(params.validate("link " + name_));
}

LinkDirection::~LinkDirection() {
  // Packets still in flight give their places back (the front's is in the agenda already).
  for (std::size_t i = 0; i < in_order_.size(); ++i) {
    env_.scheduler.release(std::move(in_order_.at(i).place));
  }
  for (Tap* tap : egress_taps_) tap->forget(*this);
  for (Tap* tap : ingress_taps_) tap->forget(*this);
}

void LinkDirection::set_params(const LinkParams& params) {
  throw_if_bad(params.validate("link " + name_));
  params_ = params;
  queue_.set_limits(params.queue_packets, params.queue_bytes);
}

void LinkDirection::set_faults(const FaultParams& faults) {
  throw_if_bad(faults.validate("link " + name_));
  faults_.set_params(faults);
}

void LinkDirection::add_tap(Tap& tap, TapPoint point) {
  auto& taps = point == TapPoint::Egress ? egress_taps_ : ingress_taps_;
  if (std::find(taps.begin(), taps.end(), &tap) == taps.end()) taps.push_back(&tap);
}

void LinkDirection::remove_tap(Tap& tap, TapPoint point) {
  auto& taps = point == TapPoint::Egress ? egress_taps_ : ingress_taps_;
  std::erase(taps, &tap);
}

void LinkDirection::send(Nanos now, Packet&& packet) {
  ++stats_.packets_offered;
  const auto bytes = static_cast<std::uint32_t>(packet.wire_size());
  if (bytes - kEthernetHeaderLen > params_.mtu) {
    drop(now, packet, DropCause::Mtu);
    return;
  }
  if (queue_.empty() && busy_until_ <= now) {
    transmit(now, QueuedPacket{std::move(packet), bytes, now});
    return;
  }
  // The packet being transmitted does not count against the queue's limits.
  const std::uint8_t tos = packet.ip.tos;
  bool marked = mark_congestion(packet.ip, queue_.length(), params_.ecn_threshold);
  if (!queue_.enqueue(std::move(packet), bytes, now)) {
    packet.ip.tos = tos;  // a full queue drops it as it came
    drop(now, packet, DropCause::QueueFull);
    return;
  }
  if (marked) ++stats_.ce_marked;
  schedule_transmitter_free();
}

void LinkDirection::schedule_transmitter_free() {
  if (free_event_pending_) return;
  free_event_pending_ = true;
  env_.scheduler.schedule_at(busy_until_, *this, kTransmitterFree);
}

void LinkDirection::on_event(Nanos now, std::uint64_t tag) {
  if (tag == kTransmitterFree) {
    free_event_pending_ = false;
    if (!queue_.empty()) transmit(now, queue_.dequeue());
    if (!queue_.empty()) schedule_transmitter_free();
    return;
  }
  if (tag == kInOrderArrival) {
    Travelling t = in_order_.pop_front();
    if (!in_order_.empty()) {
      Travelling& next = in_order_.front();
      env_.scheduler.schedule_reserved(next.arrival, std::move(next.place), *this, kInOrderArrival);
    }
    arrive(now, std::move(t.packet), t.bytes);
    return;
  }
  auto slot = static_cast<std::uint32_t>(tag - kFirstSlotTag);
  Travelling& t = travelling_[slot];
  Packet packet = std::move(t.packet);
  std::uint32_t bytes = t.bytes;
  free_travel_slots_.push_back(slot);
  arrive(now, std::move(packet), bytes);
}

void LinkDirection::transmit(Nanos now, QueuedPacket&& w) {
  Packet& packet = w.packet;
  // The transmitter is marked busy before anyone hears about this packet, so a re-entrant
  // send() from an observer queues behind it.
  busy_until_ = now + params_.serialization_time(w.bytes);
  ++stats_.packets_sent;
  stats_.bytes_sent += w.bytes;

  if (!egress_taps_.empty()) run_taps(now, egress_taps_, packet);

  const ScriptedRule* rule = nullptr;
  if (!env_.scripted.empty()) {
    rule = env_.scripted.match(packet, from_->owner().index(), to_->owner().index());
  }
  WireFate fate;
  if (faults_.active()) fate = faults_.decide();
  if (fate.corrupt) choose_corrupt_bit(packet, w.bytes);
  const bool reordered = fate.extra_delay > 0;
  if (rule != nullptr) {
    // A scripted drop overrides the random faults; a scripted delay adds to them.
    if (rule->action == ScriptedRule::Action::Drop) {
      fate.drop = DropCause::Scripted;
    } else {
      fate.extra_delay += rule->delay;
    }
  }
  env_.reporter.report_sent(now, *this, packet, fate, now - w.since);
  if (fate.drop) {
    drop(now, packet, *fate.drop, rule);
    return;
  }
  if (reordered) ++stats_.reordered;
  if (rule != nullptr) ++stats_.delayed;
  if (fate.corrupt) ++stats_.corrupted;
  const Nanos arrival = busy_until_ + params_.delay + fate.extra_delay;
  if (fate.duplicate) {
    ++stats_.duplicated;
    Packet copy = packet.clone(env_.packet_ids.next());
    launch(arrival, std::move(packet), w.bytes);
    launch(arrival, std::move(copy), w.bytes);  // scheduled second: arrives second
    return;
  }
  launch(arrival, std::move(packet), w.bytes);
}

void LinkDirection::launch(Nanos arrival, Packet&& packet, std::uint32_t bytes) {
  Simulator& sim = env_.scheduler;
  if (in_order_.empty() || arrival >= in_order_.back().arrival) {
    in_order_.push_back(Travelling{std::move(packet), bytes, arrival, sim.reserve()});
    if (in_order_.size() == 1) {
      sim.schedule_reserved(arrival, std::move(in_order_.back().place), *this, kInOrderArrival);
    }
    return;
  }
  std::uint32_t slot = 0;
  if (free_travel_slots_.empty()) {
    slot = static_cast<std::uint32_t>(travelling_.size());
    travelling_.push_back(Travelling{std::move(packet), bytes, 0, {}});
  } else {
    slot = free_travel_slots_.back();
    free_travel_slots_.pop_back();
    travelling_[slot] = Travelling{std::move(packet), bytes, 0, {}};
  }
  sim.schedule_at(arrival, *this, std::uint64_t{slot} + kFirstSlotTag);
}

void LinkDirection::arrive(Nanos now, Packet&& packet, std::uint32_t bytes) {
  if (packet.corrupted) {
    // The receiving interface checks the damaged bytes exactly as a real one would.
    std::span<const std::uint8_t> frame = frame_of(packet, true);
    if (!ingress_taps_.empty()) {
      for (Tap* tap : ingress_taps_) tap->capture(now, frame, packet);
    }
    auto parsed = wire::parse_tcp_frame(frame, true);
    if (!parsed) {
      const wire::ParseError& e = parsed.error();
      drop(now, packet,
           e.code == wire::Errc::BadChecksum ? DropCause::BadChecksum : DropCause::Malformed,
           nullptr, e.message());
      return;
    }
    // A flip no check can see (none should get here): deliver what was received.
    packet.ip.src = parsed->src_ip;
    packet.ip.dst = parsed->dst_ip;
    packet.ip.segment.header = parsed->tcp;
    packet.ip.segment.payload.assign(parsed->payload.begin(), parsed->payload.end());
    packet.corrupted = false;
  } else if (!ingress_taps_.empty()) {
    run_taps(now, ingress_taps_, packet);
  }
  ++packet.hops;
  ++stats_.packets_delivered;
  stats_.bytes_delivered += bytes;
  env_.reporter.report_delivered(now, *this, packet);
  to_->owner().receive(now, std::move(packet), *to_);
}

void LinkDirection::drop(Nanos now, const Packet& packet, DropCause cause, const ScriptedRule* rule,
                         std::string_view detail) {
  ++stats_.drops[static_cast<std::size_t>(cause)];
  // Damage is found by the receiver; everything else happens at the sender's side.
  const bool at_receiver = cause == DropCause::BadChecksum || cause == DropCause::Malformed;
  env_.reporter.report_dropped(now, at_receiver ? to_->owner() : from_->owner(), this, packet,
                               cause, rule, detail);
}

void LinkDirection::choose_corrupt_bit(Packet& packet, std::uint32_t bytes) {
  // A bit of the TCP segment other than byte 12 (data offset): the frame still parses as
  // TCP and only the checksum tells it is damaged, as with most real bit errors.
  const std::size_t tcp_start = kEthernetHeaderLen + ip_header_len(packet);
  const std::uint64_t candidates = (bytes - tcp_start - 1) * 8;
  const std::uint64_t pick = faults_.pick_bit(candidates);
  std::uint64_t byte = pick / 8;
  if (byte >= 12) ++byte;
  packet.corrupted = true;
  packet.corrupt_bit = static_cast<std::uint32_t>((tcp_start + byte) * 8 + pick % 8);
}

std::span<const std::uint8_t> LinkDirection::frame_of(const Packet& packet, bool flip_corrupt_bit) {
  std::vector<std::uint8_t>& buffer = env_.frame_buffer;
  wire::FrameAddressing addressing;
  addressing.src_mac = from_->mac();
  addressing.dst_mac = to_->mac();
  addressing.src_ip = packet.ip.src;
  addressing.dst_ip = packet.ip.dst;
  addressing.ttl =
      static_cast<std::uint8_t>(packet.hops < kInitialTtl ? kInitialTtl - packet.hops : 0);
  addressing.ip_id = static_cast<std::uint16_t>(packet.id);
  const std::size_t n =
      wire::emit_tcp_frame(buffer, addressing, packet.ip.segment.header, packet.ip.segment.payload);
  if (flip_corrupt_bit && packet.corrupt_bit / 8 < n) {
    buffer[packet.corrupt_bit / 8] ^= static_cast<std::uint8_t>(1u << (packet.corrupt_bit % 8));
  }
  return {buffer.data(), n};
}

void LinkDirection::run_taps(Nanos now, const std::vector<Tap*>& taps, const Packet& packet) {
  std::span<const std::uint8_t> frame = frame_of(packet, false);
  for (Tap* tap : taps) tap->capture(now, frame, packet);
}

}  // namespace tcpsim::sim
