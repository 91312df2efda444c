#include "sim/scenario/annotated_capture.hpp"

#include <fmt/core.h>

#include "sim/net/packet.hpp"

namespace tcpsim::sim {

AnnotatedCapture::AnnotatedCapture(std::unique_ptr<CaptureWriter> out) : out_(std::move(out)) {}

AnnotatedCapture::~AnnotatedCapture() {
  finish();
}

std::string AnnotatedCapture::note_packet(const Packet& p) {
  next_packet_ = p.id;
  next_comment_.clear();
  if (seen_.insert(p.id).second) {
    // The packet's first frame: it carries what its sender's user call or timer changed.
    auto host = hosts_by_addr_.find(p.ip.src.to_string());
    if (host != hosts_by_addr_.end()) {
      auto it = pending_by_host_.find(host->second);
      if (it != pending_by_host_.end()) {
        next_comment_ = std::move(it->second);
        pending_by_host_.erase(it);
      }
    }
  }
  return {};
}

void AnnotatedCapture::write(Nanos time_ns, std::span<const std::uint8_t> frame, std::string_view) {
  settle();
  held_.push_back(Entry{time_ns, std::vector<std::uint8_t>(frame.begin(), frame.end()),
                        next_packet_, std::move(next_comment_), 0});
  next_comment_.clear();
  drain();
}

void AnnotatedCapture::mark(std::uint64_t id) {
  for (Entry& e : held_) {
    if (e.packet == id && e.state == 0) {
      e.state = 1;  // resolving: its receiver is processing it right now
      return;
    }
  }
}

void AnnotatedCapture::on_delivered(Nanos, const LinkDirection&, const Packet& p) {
  settle();
  mark(p.id);
}

void AnnotatedCapture::on_dropped(Nanos, const Node&, const LinkDirection*, const Packet& p,
                                  DropCause) {
  settle();
  mark(p.id);
}

void AnnotatedCapture::on_transition(Nanos, const Host& host, const tcp::Connection&,
                                     tcp::State from, tcp::State to, std::string_view rule,
                                     std::uint64_t packet_id) {
  for (const auto& a : host.addresses()) hosts_by_addr_[a.to_string()] = host.name();
  std::string text =
      fmt::format("{}: {} → {} ({})", host.name(), tcp::to_string(from), tcp::to_string(to), rule);
  auto append = [&](std::string& c) {
    if (!c.empty()) c += "; ";
    c += text;
  };
  if (packet_id != 0) {
    // The frame being processed caused it: the latest frame of that packet.
    for (auto it = held_.rbegin(); it != held_.rend(); ++it) {
      if (it->packet == packet_id) {
        append(it->comment);
        return;
      }
    }
    return;  // already written (should not happen: delivery holds the frame)
  }
  append(pending_by_host_[host.name()]);
}

void AnnotatedCapture::settle() {
  for (Entry& e : held_) {
    if (e.state == 1) e.state = 2;
  }
  drain();
}

void AnnotatedCapture::drain() {
  while (!held_.empty() && held_.front().state == 2) {
    Entry& e = held_.front();
    out_->write(e.time, e.frame, e.comment);
    ++written_;
    held_.pop_front();
  }
}

void AnnotatedCapture::flush() {
  out_->flush();
}

void AnnotatedCapture::finish() {
  for (Entry& e : held_) e.state = 2;
  drain();
  out_->flush();
}

}  // namespace tcpsim::sim
