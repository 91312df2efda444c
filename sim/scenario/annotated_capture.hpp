// Captures with state-change comments: every frame that caused a state change carries a
// comment such as "server: LISTEN → SYN-RECEIVED (RFC 9293 §3.10.7.2: ...)".
//
// A frame is captured when its transmission starts (egress), but the change it causes is
// known only when it arrives. So frames wait here, in capture order, until their packet
// has been delivered or dropped; then they go to the file with their comments. A change
// made by a user call or a timer (CLOSED → SYN-SENT on connect) is written on the next
// frame its host sends. At most the packets in flight are held. A pcap file has no comments,
// so there frames are written at once.
//
// With TCB comments on, each frame a host's connection sent also carries a second comment:
// that connection's TCB as the frame starts on the wire (sim/scenario/tcb_comment.hpp).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sim/capture/capture_writer.hpp"
#include "sim/host/host.hpp"
#include "sim/net/packet_observer.hpp"

namespace tcpsim::sim {

class AnnotatedCapture final : public CaptureWriter, public PacketObserver, public HostListener {
 public:
  explicit AnnotatedCapture(std::unique_ptr<CaptureWriter> out);
  ~AnnotatedCapture() override;

  // Adds a TCB comment to every frame one of these hosts' connections sends (pcapng only).
  void add_tcb_comments(const std::vector<Host*>& hosts);

  // Called by the Tap's comment provider just before write(): which packet is next.
  std::string note_packet(const Packet& p);

  // CaptureWriter (the Tap writes here)
  void write(Nanos time_ns, std::span<const std::uint8_t> frame, std::string_view comment) override;
  void flush() override;
  std::string_view format() const override { return out_->format(); }

  // PacketObserver
  void on_delivered(Nanos now, const LinkDirection& link, const Packet& p) override;
  void on_dropped(Nanos now, const Node& where, const LinkDirection* link, const Packet& p,
                  DropCause cause) override;
  // HostListener
  void on_transition(Nanos now, const Host& host, const tcp::Connection& conn, tcp::State from,
                     tcp::State to, std::string_view rule, std::uint64_t packet_id) override;

  // Writes everything still held (end of run).
  void finish();
  std::uint64_t frames_written() const { return written_; }

 private:
  struct Entry {
    Nanos time;
    std::vector<std::uint8_t> frame;
    std::uint64_t packet;
    std::string comment;
    std::string tcb;
    int state;  // 0 in flight, 1 being received, 2 done (may be written)
  };
  void settle();
  void drain();
  void mark(std::uint64_t id);

  Entry& at(std::uint64_t index) { return held_[static_cast<std::size_t>(index - first_)]; }

  std::unique_ptr<CaptureWriter> out_;
  bool with_comments_;  // pcapng: frames wait for their comments; pcap has none
  std::deque<Entry> held_;
  std::uint64_t first_ = 0;  // the capture index of held_.front() (frames numbered from 0)
  // Capture indices of held frames in flight, by packet id, and of those being received
  // now: marking and settling touch only these, not every held frame. A packet nearly
  // always has one frame; further ones (oldest first) wait in more_in_flight_.
  std::unordered_map<std::uint64_t, std::uint64_t> in_flight_;
  std::multimap<std::uint64_t, std::uint64_t> more_in_flight_;
  std::vector<std::uint64_t> resolving_;
  std::vector<std::vector<std::uint8_t>> spare_frames_;  // buffers of written frames
  std::uint64_t next_packet_ = 0;
  std::string next_comment_;
  std::string next_tcb_;
  std::map<std::string, const Host*> tcb_hosts_;        // address -> host, for TCB comments
  std::unordered_set<std::uint64_t> seen_;              // captured at least once
  std::map<std::string, std::string> pending_by_host_;  // host name -> comment
  std::map<std::string, std::string> hosts_by_addr_;    // address -> host name
  std::uint64_t written_ = 0;
};

}  // namespace tcpsim::sim
