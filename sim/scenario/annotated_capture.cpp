#include "sim/scenario/annotated_capture.hpp"

#include <fmt/core.h>

#include "sim/net/packet.hpp"
#include "sim/scenario/tcb_comment.hpp"

namespace tcpsim::sim {

AnnotatedCapture::AnnotatedCapture(std::unique_ptr<CaptureWriter> out)
    : out_(std::move(out)), with_comments_(out_->format() == "pcapng") {}

AnnotatedCapture::~AnnotatedCapture() {
  finish();
}

void AnnotatedCapture::add_tcb_comments(const std::vector<Host*>& hosts) {
  if (!with_comments_) return;
  for (const Host* h : hosts) {
    for (const auto& a : h->addresses()) tcb_hosts_[a.to_string()] = h;
  }
}

std::string AnnotatedCapture::note_packet(const Packet& p) {
  next_packet_ = p.id;
  next_comment_.clear();
  next_tcb_.clear();
  if (!tcb_hosts_.empty()) {
    auto host = tcb_hosts_.find(p.ip.src.to_string());
    const tcp::Connection* c = host == tcb_hosts_.end() ? nullptr : host->second->sender_of(p);
    if (c != nullptr) next_tcb_ = tcb_comment(host->second->name(), c->info());
  }
  if (seen_.insert(p.id).second && !pending_by_host_.empty()) {
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
  if (!with_comments_) {
    // A format without comments: nothing to wait for, the frame goes out as it is.
    out_->write(time_ns, frame, {});
    ++written_;
    return;
  }
  settle();
  std::vector<std::uint8_t> bytes;
  if (!spare_frames_.empty()) {
    bytes = std::move(spare_frames_.back());
    spare_frames_.pop_back();
  }
  bytes.assign(frame.begin(), frame.end());
  const std::uint64_t index = first_ + held_.size();
  if (!in_flight_.emplace(next_packet_, index).second) more_in_flight_.emplace(next_packet_, index);
  held_.push_back(Entry{time_ns, std::move(bytes), next_packet_, std::move(next_comment_),
                        std::move(next_tcb_), 0});
  next_comment_.clear();
  next_tcb_.clear();
  drain();
}

void AnnotatedCapture::mark(std::uint64_t id) {
  auto it = in_flight_.find(id);
  if (it == in_flight_.end()) return;
  const std::uint64_t index = it->second;
  // std::multimap keeps equal keys in insertion order: the next oldest frame moves up.
  auto more = more_in_flight_.lower_bound(id);
  if (more == more_in_flight_.end() || more->first != id) {
    in_flight_.erase(it);
  } else {
    it->second = more->second;
    more_in_flight_.erase(more);
  }
  at(index).state = 1;  // resolving: its receiver is processing it right now
  resolving_.push_back(index);
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
  for (std::uint64_t index : resolving_) at(index).state = 2;
  resolving_.clear();
  drain();
}

void AnnotatedCapture::drain() {
  while (!held_.empty() && held_.front().state == 2) {
    Entry& e = held_.front();
    if (e.tcb.empty()) {
      out_->write(e.time, e.frame, e.comment);
    } else {
      const std::string_view comments[] = {e.comment, e.tcb};
      out_->write_with_comments(e.time, e.frame, comments);
    }
    ++written_;
    if (spare_frames_.size() < 64) spare_frames_.push_back(std::move(e.frame));
    held_.pop_front();
    ++first_;
  }
}

void AnnotatedCapture::flush() {
  out_->flush();
}

void AnnotatedCapture::finish() {
  for (Entry& e : held_) e.state = 2;
  in_flight_.clear();
  more_in_flight_.clear();
  resolving_.clear();
  drain();
  out_->flush();
}

}  // namespace tcpsim::sim
