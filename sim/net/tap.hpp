// Capture taps: write the frames seen at a point of the network to a CaptureWriter.
//
// Capture points and their timestamps:
//  - egress (the default, and what attach(Link&) uses): the moment the frame's first bit
//    leaves the sending interface onto the wire, i.e. after any queueing, when
//    transmission starts. Every frame put on the wire is seen here, including the ones
//    the wire then loses or damages.
//  - ingress: the moment the frame's last bit has arrived at the receiving interface,
//    before its checksum is checked, so a corrupted frame is written as received.
// attach(Interface&) is a host's own view (like tcpdump on it): what the interface sends
// at egress time, what it receives at ingress time.
//
// Frames are Ethernet II + IP + TCP built by wire::emit_tcp_frame into one reused buffer,
// with the MAC addresses of the link's two interfaces, IPv4 identification = packet id
// (low 16 bits) and TTL = 64 minus the links already crossed.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/capture/capture_writer.hpp"
#include "stack/base/time.hpp"

namespace tcpsim::sim {

class Interface;
class Link;
class LinkDirection;
struct Packet;

enum class TapPoint : std::uint8_t { Egress, Ingress };

// Captures are stamped time_base + simulated time: 2023-11-14 22:13:20 UTC by default, a
// fixed instant so that a seed gives a byte-identical file.
inline constexpr Nanos kDefaultCaptureBase = 1'700'000'000LL * kSecond;

class Tap {
 public:
  // Text for a frame's comment (pcapng shows it in Wireshark); empty for none.
  using CommentProvider = std::function<std::string(const Packet&)>;

  explicit Tap(CaptureWriter& writer, Nanos time_base = kDefaultCaptureBase);
  ~Tap();
  Tap(const Tap&) = delete;
  Tap& operator=(const Tap&) = delete;

  void set_comment_provider(CommentProvider provider) { comments_ = std::move(provider); }

  // Attaching the same point twice is a no-op.
  void attach(LinkDirection& direction, TapPoint point);
  void attach(Interface& iface);  // its egress and its ingress
  void attach(Link& link);        // both directions, at egress
  void detach_all();

  std::uint64_t frames_written() const { return frames_; }

  // Called by a link direction for each frame passing an attached point.
  void capture(Nanos now, std::span<const std::uint8_t> frame, const Packet& packet);
  // Called by a link direction that is going away.
  void forget(LinkDirection& direction);

 private:
  CaptureWriter* writer_;
  Nanos time_base_;
  CommentProvider comments_;
  std::vector<std::pair<LinkDirection*, TapPoint>> attached_;
  std::uint64_t frames_ = 0;
};

}  // namespace tcpsim::sim
